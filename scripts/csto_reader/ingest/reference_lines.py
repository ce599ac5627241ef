"""Reference list lines: which line opens a new entry, and how a wrapped line is joined.

A reference list reaches us as lines.  Where entries are separated by blank lines or
list markers the segmenter needs nothing from here; where they are not, a line opens
a new entry when it starts the way entries of some common style start
(``ENTRY_START_RULES``, tried in order, each a small named rule), and any other line
continues the entry before it.  A continuation is joined by ``join_entry_line`` (rules in
``WRAP_RULES``): a word or an address cut at the line end is put back together.

Every rule is general for its style, never one list's wording; each has a fixture case
in ``tests/fixtures/stages/references/``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# A family name: capitalised words, with particles or an apostrophe or accent
# ("Ó Beacháin", "O'Neill", "van der Berg", "Al-Farabi").
_CAPITAL = "A-ZÀ-ÖØ-Þ\u0100-\u024f\u0400-\u042f"
_FAMILY = rf"(?:(?:[a-z]{{1,3}}\s+){{0,2}}[{_CAPITAL}][\w'’-]*(?:\s+[{_CAPITAL}][\w'’-]+){{0,2}})"
_YEAR = r"(?:\d{4}[a-z]?|n\.\s?d\.)"

# "Family, I. (2004)" / "Family, I.I., & Family, I. (2004)" / "Ó Beacháin, D. (2019)"
# (APA, Harvard / Cite Them Right: the year in parentheses after the names)
_AUTHOR_DATE = re.compile(rf"^{_FAMILY},(?:\s+[A-Z][\w.-]*\.?)+[^()]{{0,120}}\(\s*{_YEAR}[,)]")
# "Family, Given. 2004." / "Family, Given, and Given Family. 2004." (Chicago author-date)
_CHICAGO = re.compile(rf"^{_FAMILY},\s+[A-Z][^()]{{0,100}}?\.\s+{_YEAR}\.\s")
# "Kornilenko AV, Ivanov II. Title." (Vancouver: family, then initials without periods)
_VANCOUVER = re.compile(
    rf"^{_FAMILY}\s+[A-Z]{{1,3}}(?:,\s+{_FAMILY}\s+[A-Z]{{1,3}})*(?:,\s+et al)?\.\s"
)
# "Ivanov I.I., Petrov P.P. Title" (Russian bibliographic style)
_RUSSIAN = re.compile(rf"^{_FAMILY}\s+(?:[A-ZА-Я][a-zа-я]?\.\s?){{1,3}}(?:,|\s+[A-ZА-Я«\"])")
# "Collective Security Treaty Organization. (2002)." / "World Bank (2019) Title" /
# "Collective Security Treaty Organization. 2002." (a corporate author: capitalised
# words, small connecting words between, then the year)
_CORPORATE = re.compile(
    r"^(?:[A-Z][\w'’&-]*|of|the|for|and|on|in|de|des|du|la|le)"
    r"(?:\s+(?:[A-Z][\w'’&-]*|of|the|for|and|on|in|de|des|du|la|le|&)){1,9}"
    rf"\.?\s+\(?{_YEAR}\)?[.,]?(?:\s|$)"
)

# "Allison, Roy. "Regionalism ..."" / "Kulbayeva, Dana. Neighbours and Partners." /
# "Keohane, Robert O., and Joseph S. Nye. *Power*" (Chicago notes-bibliography: the
# inverted names, a period, then the title, quoted, in italics or capitalised; the year
# comes at the end).  Given names are full words or initials; an initial after the
# period ("Deutsch, K. W. (1957)") is still the names, not a title.
_CHICAGO_BIB_TITLE = re.compile(
    rf"[\"“*]|[{_CAPITAL}][\w'’-]*(?=[\s:,;?!])|[{_CAPITAL}][\w'’-]{{2,}}\."
)


# "Collective Security Treaty Organization. "Charter ..."" (a corporate author, then a
# title in quotes or italics: a wrapped line ending a title, 'Asia." Journal', is not one)
_CORPORATE_TITLED = re.compile(
    r"^[A-Z][\w'’&-]*(?:\s+(?:[A-Z][\w'’&-]*|of|the|for|and|on|in|de|des|du|la|le|&)){1,9}"
    r"\.\s+[\"“*]"
)


def _chicago_bibliography_start(text: str) -> bool:
    """chicago-bibliography-start: ``Family, Given[, and Given Family]. Title`` (no year
    and no parenthesis straight after the names), or a corporate author and a quoted or
    italic title."""
    if _CORPORATE_TITLED.match(text):
        return True
    m = re.match(rf"^{_FAMILY},\s+", text)
    if not m or _VANCOUVER.match(text):
        return False
    for end in re.finditer(r"\.\s+", text[m.end() :]):
        names = text[m.end() : m.end() + end.start()]
        after = text[m.end() + end.end() :]
        if not _given_names(names):
            if re.search(r"[\d()\"“”]", names):
                return False
            continue
        if _CHICAGO_BIB_TITLE.match(after):
            return True
    return False


# The given names after the inverted first name, and the further names given first:
# "Roy", "Karl W", "Robert O., and Joseph S. Nye", "J.-P".
_GIVEN_WORD = re.compile(
    rf"(?:[{_CAPITAL}][\w'’-]*|[{_CAPITAL}]\.-?[{_CAPITAL}]?|(?:[a-z]{{1,3}}))\.?\Z"
)
_NAMES_SPLIT = re.compile(r"\s*,\s*(?:and|&)\s+|\s+(?:and|&)\s+|\s*,\s*")


def _given_names(text: str) -> bool:
    """``text`` (what follows ``Family, ``) is given names, then names given first
    whose family name is a word, not an initial (``Robert O., and Joseph S. Nye``)."""
    names = _NAMES_SPLIT.split(text.strip())
    if not names[0][:1].isupper() or len(names) > 6:
        return False
    for i, name in enumerate(names):
        words = name.split()
        if not words or len(words) > 5 or not all(_GIVEN_WORD.match(w) for w in words):
            return False
        if i and not re.fullmatch(rf"[{_CAPITAL}][\w'’-]+", words[-1]):
            return False
    return True


# "Charter. 2002. Charter of ..." / "NATO. 2020. Strategic Concept." (Chicago author-date:
# an author of one word, a corporate name or a short title standing for it, its full
# stop, then the year and a full stop; the one-word name needs both stops)
_ONE_WORD_AUTHOR = re.compile(rf"^[{_CAPITAL}][\w'’&-]+\.\s+{_YEAR}\.\s+\S")

# "---. "Title."" / "———. Title." (MLA and Chicago: the author of the entry above,
# repeated as three hyphens or dashes)
REPEATED_AUTHOR = re.compile(r"^(?:-{2,3}|[—–]{1,3}|_{3,})\s*[.,]\s*")
# "Müller, Anna; Weber, Jonas (2019):" / "Schmidt, K. (Hrsg.) (2019):" (German
# author-date: the names, an editor's "(Hrsg.)", the year in parentheses, a colon)
_GERMAN_AUTHOR_DATE = re.compile(
    rf"^{_FAMILY},\s+[A-Z][^():]{{0,120}}?\s*(?:\((?:Hrsg|Hg)\.\)\s*)?\(\s*{_YEAR}\):\s"
)

EntryStart = Callable[[str], bool]

ENTRY_START_RULES: tuple[tuple[str, EntryStart], ...] = (
    ("chicago-bibliography-start", _chicago_bibliography_start),
    ("author-date-start", lambda t: bool(_AUTHOR_DATE.match(t))),
    ("german-author-date-start", lambda t: bool(_GERMAN_AUTHOR_DATE.match(t))),
    ("chicago-start", lambda t: bool(_CHICAGO.match(t))),
    ("vancouver-start", lambda t: bool(_VANCOUVER.match(t))),
    ("russian-start", lambda t: bool(_RUSSIAN.match(t))),
    ("corporate-start", lambda t: bool(_CORPORATE.match(t))),
    ("one-word-author-start", lambda t: bool(_ONE_WORD_AUTHOR.match(t))),
    ("repeated-author-start", lambda t: bool(REPEATED_AUTHOR.match(t))),
)


def entry_start(line: str) -> str | None:
    """The name of the first rule that reads ``line`` as the opening of an entry."""
    t = line.strip()
    for name, rule in ENTRY_START_RULES:
        if rule(t):
            return name
    return None


# ------------------------------------------------------------------- wraps

# The last token of an entry's text when it is an address cut at the line end:
# "https://doi.org/10.1080/" or "doi:10.1080/0035" (and the rest on the next line).
_URL_END = re.compile(r"(?:https?://|doi:\s?|\b10\.\d{4,9}/)\S*$", re.I)
# What may continue an address: no space, no capitalised word opening a sentence.
_URL_REST = re.compile(r"^[\w./%#?=&~+:-]+")


def _wrapped_address(before: str, line: str) -> str | None:
    """address-wrap: an address (URL or DOI) cut at the line end continues on the next
    line: ``https://doi.org/10.1080/`` + ``00358533.2004.00394.x``."""
    m = _URL_END.search(before)
    rest = _URL_REST.match(line)
    if not m or not rest:
        return None
    url = m.group()
    if re.match(r"[A-Z][a-z]+(?:[\s:,.;]|$)", line):
        return None  # a word opening what follows ("Accessed: ..."), not an address's rest
    cut_inside = url.endswith(("/", "-", "_", "=", "?", "&")) or bool(
        re.search(r"[./_-]", rest.group())
    )
    if not cut_inside or url.endswith(").") or len(url) < 10:
        return None
    return before + line


def _hyphenated_word(before: str, line: str) -> str | None:
    """word-hyphen-wrap: a word cut by a line-end hyphen, ``Eura-`` + ``sianet``, is
    one word (``Eurasianet``); before a capital or a digit (``Post-`` + ``Soviet``)
    the hyphen is the word's own and stays."""
    m = re.search(r"(?<=[^\W\d_])-$", before)
    if not m or not line[:1].isalpha():
        return None
    if line[0].islower():
        return before[:-1] + line
    return before + line


def _wrapped_after_scheme(before: str, line: str) -> str | None:
    """scheme-wrap: an address cut straight after its scheme, ``Available: https://`` +
    ``eurasianet.org/csto-...``, continues with the host on the next line."""
    if not re.search(r"\bhttps?://$", before):
        return None
    return before + line if re.match(r"[\w-]+(?:\.[\w-]+)+(?:[/.]|$)", line) else None


WrapRule = Callable[[str, str], str | None]

WRAP_RULES: tuple[tuple[str, WrapRule], ...] = (
    ("scheme-wrap", _wrapped_after_scheme),
    ("address-wrap", _wrapped_address),
    ("word-hyphen-wrap", _hyphenated_word),
)


def join_entry_line(before: str, line: str) -> tuple[str, str | None]:
    """``before`` (the entry so far) continued by ``line``: the joined text and the name
    of the wrap rule that joined it (None: the two are joined with a space)."""
    before, line = before.rstrip(), line.strip()
    for name, rule in WRAP_RULES:
        joined = rule(before, line)
        if joined is not None:
            return joined, name
    return f"{before} {line}", None
