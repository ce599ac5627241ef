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

# "Charter. 2002. Charter of ..." / "NATO. 2020. Strategic Concept." (Chicago author-date:
# an author of one word, a corporate name or a short title standing for it, its full
# stop, then the year and a full stop; the one-word name needs both stops)
_ONE_WORD_AUTHOR = re.compile(rf"^[{_CAPITAL}][\w'’&-]+\.\s+{_YEAR}\.\s+\S")

EntryStart = Callable[[str], bool]

ENTRY_START_RULES: tuple[tuple[str, EntryStart], ...] = (
    ("author-date-start", lambda t: bool(_AUTHOR_DATE.match(t))),
    ("chicago-start", lambda t: bool(_CHICAGO.match(t))),
    ("vancouver-start", lambda t: bool(_VANCOUVER.match(t))),
    ("russian-start", lambda t: bool(_RUSSIAN.match(t))),
    ("corporate-start", lambda t: bool(_CORPORATE.match(t))),
    ("one-word-author-start", lambda t: bool(_ONE_WORD_AUTHOR.match(t))),
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


WrapRule = Callable[[str, str], str | None]

WRAP_RULES: tuple[tuple[str, WrapRule], ...] = (
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
