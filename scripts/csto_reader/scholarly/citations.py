"""Stage: in-text citations.  Scan the prose, resolve against the reference list, audit.

Three steps, each a function from plain data to plain data:

* ``scan_citations(text, style)`` finds the citations in one block's text and returns
  them with character offsets, so the renderer can link each cited work separately
  while the visible text stays exactly as the author wrote it.
* ``resolve(citations, references, slug, reporter, span)`` gives each cited work the
  key of its entry in the article's reference list, and an editorial note when the
  citation and the list disagree (a year, a spelling, a corporate author's name).  The
  disagreements are errors of the originals, so they are reported with severity
  ``note``: the reader shows them, it does not fix them.
* ``audit(resolved, references)`` lists the entries that no citation points to.

``cite_article`` runs the three over every block and footnote of an ``Article``.

Citation forms (author-date):

* parenthetical groups ``(Thakur, 1993; Kobayashi, 2017)``, ``(Pedersen 2002)``,
  ``(Kazantsev et al., 2021)``, ``(Golub & Golub, 2018)``, corporate authors with an
  abbreviation ``(UN News [UNN], 2021)``, page locators ``(Sairambay, 2022, p. 585)``,
  ``(Allison 2004, 465)``, and a bare year continuing the previous author
  ``(Shamarov, 2022a; 2022b)``;
* narrative citations ``Nocetti (2015) argues``, given names included
  (``Karl Deutsch (1957)``, ``A, B, and C (2021)``), ``Deutsch (1957, 5-7)``.

Also: colon locators ``(Allison 2004: 470)``, ``as cited in`` (``(Deutsch 1957, as
cited in Allison 2004)``: both works, the first marked ``via`` the second, and a note
``citation-secondary`` when the list does not hold it), possessives ``Nikitina’s
(2012)``.

German house style: ``S.`` locators (``S. 5 f.``, ``S. 9 ff.``), ``vgl.``, ``u. a.``
for et al., a slash between co-authors (``Müller/Weber 2019``), ``ebd.`` (rule
``same-as-before``: the work of the item cited before it in the article), and in notes
a citation without parentheses (``see Schmidt 2019, S. 95``, rule
``note-bare-author-date``: only for an author and year the list holds).

Numeric: ``[2]``, ``[5:68]``, ``[6: 339–340]``, ``[1, 4]``, ``[2; 7:226]``, ranges
``[4–6]`` (works 4, 5 and 6), ``[3, p. 712]``.

Notes (Chicago notes-bibliography, style ``notes``): each note's parts are read by
``NOTE_RULES``: ``Ibid.`` cites the previous note's work, a URL or DOI the entry with
that address, a full note (``Roy Allison, "Title," Journal 80, no. 3 (2004): 470.``)
or a shortened one (``Allison, "Regionalism," 470.``; its short title a run of the
title's key words) the entry with that author and title.  With no bibliography, the
first full note of each work is its entry (``ingest.notes_list``).  The rule names
are ``CITATION_RULES`` and ``NOTE_RULES``; each has a fixture case in
``tests/fixtures/stages/citations/``.

What is *not* a citation: a year in prose ("in 2010", "(in 1989)"), a date
("(2021, August 31)", "(January 5, 2022)"), a range ("2020-2030"), a parenthesis with
no year ("(RK)"), interview notes ("(online, January 2023, Yerevan)": an author must be
name-like: capitalized words, no months, no lowercase words other than name particles),
a bracket holding words ("[In Russian]").  Footnote and superscript tokens
(``\\ufdd0..\\ufdd1``, ``\\ufdd2..\\ufdd3``) are never part of a citation.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz

from ..diagnostics import Reporter
from ..ingest.cache import memo
from ..ingest.notes_list import BLUEBOOK_SHORT, bluebook_full
from ..markup import note_anchor, short_title
from ..model import (
    PROSE_KINDS,
    Article,
    ArticleCitations,
    BibliographyBuild,
    BlockText,
    Citation,
    CitationsBuild,
    CitedAt,
    CitedText,
    CiteItem,
    MergedEntry,
    Reference,
    ResolvedItem,
    Span,
    cite_token,
    map_texts,
    texts_of,
)
from ..workers import map_reported
from .names import (
    CORPORATE_CONNECTORS,
    MONTH_ABBREVIATIONS,
    MONTHS,
    NOT_NAMES,
    PARTICLES,
    abbreviation,
    ascii_fold,
    family_start,
    fold,  # noqa: F401 (part of this module's interface: tests and callers use it)
    fold_family,
    is_all_caps,
    is_initials,
    is_name_word,
)
from .references import name_parts, normalize_doi, normalize_title, split_names, titles_match

# ``initials`` is the old name of ``names.abbreviation`` (tests import it from here).
initials = abbreviation

AUTHOR_DATE = "author-date"
NUMERIC = "numeric"

PARENTHETICAL = "parenthetical"
NARRATIVE = "narrative"
BRACKETED = "numeric"

# Diagnostic codes (severity "note": the originals' slips, shown as editorial notes).
UNRESOLVED = "citation-unresolved"
YEAR_MISMATCH = "citation-year-mismatch"
SPELLING = "citation-spelling"
AUTHORS = "citation-authors"
UNCITED = "reference-uncited"
STYLE_DETECTED = "citation-style-detected"
SECONDARY = "citation-secondary"
NOTE_UNRESOLVED = "note-citation-unresolved"

# ------------------------------------------------------------- tokens

# Footnote markers (model.FN_OPEN/FN_CLOSE) and superscripts (footnotes.SUP_OPEN/CLOSE)
# travel in block text as noncharacter sentinels (model.py); a stray sentinel is a barrier too.
_TOKEN = re.compile(r"\ufdd0[^\ufdd0-\ufdd3]*\ufdd1|\ufdd2[^\ufdd0-\ufdd3]*\ufdd3|[\ufdd0-\ufdd3]")


def _gaps(text: str) -> Iterator[tuple[int, int]]:
    """The stretches of ``text`` between footnote/superscript tokens."""
    pos = 0
    for m in _TOKEN.finditer(text):
        if m.start() > pos:
            yield pos, m.start()
        pos = m.end()
    if pos < len(text):
        yield pos, len(text)


# ------------------------------------------------------------- words

_MONTHS = MONTHS + MONTH_ABBREVIATIONS

# Function words and days are not names (``names.NOT_NAMES``); a month directly before a
# year is a date ("(Astana, April 2022)"), and a month alone before "(2019)" is one too.


# --------------------------------------------------------- author phrases

# "et al." and its German form "u. a." (und andere)
_ET_AL = re.compile(r"(?:,\s*|\s+)(?:et\s+al\b\.?|u\.\s?a\.)\Z")
_ABBREV = re.compile(r"\s*\[([^\[\]]{1,20})\]")
# (a slash between two names, "Müller/Weber 2019", is German style's "and")
_NAME_SPLIT = re.compile(
    r"\s*,\s*(?:&|and)\s+|\s*,\s*|\s+&\s+|\s*&\s*|\s+and\s+|(?<=\w)/(?=[A-ZÀ-Þ])"
)


@dataclass(frozen=True)
class _Authors:
    names: tuple[str, ...]
    et_al: bool
    abbreviation: str | None
    corporate: bool


def _name_ok(words: list[str], given_first: bool) -> bool:
    """Whether ``words`` can be one author's name."""
    if not words or len(words) > 8:
        return False
    caps = [w for w in words if is_name_word(w) or (given_first and is_initials(w))]
    if not caps or not is_name_word(words[-1]):
        return False
    for w in words:
        if w in caps:
            continue
        if w not in PARTICLES and w not in CORPORATE_CONNECTORS:
            return False
    if words[0] in CORPORATE_CONNECTORS:
        return False
    # every capitalized word a month or a function word: "In", "January", "As The"
    return not all(w in NOT_NAMES for w in caps)


def _family(words: list[str]) -> str:
    """The family name of a given-first personal name: the last word with the
    particles before it ("Jorge dos Santos" -> "dos Santos")."""
    return " ".join(words[family_start(words) :])


def _parse_authors(phrase: str, given_first: bool) -> _Authors | None:
    """Read an author phrase: ``Kashirina & Epiphanova``, ``Kazantsev et al``,
    ``UN News [UNN]``; with ``given_first`` (narrative citations) also
    ``Anderi Kazantsev, Svetlana Medvedeva, and Ivan Safranchuk``."""
    phrase = re.sub(r"\s+", " ", phrase).strip()
    et_al = False
    m = _ET_AL.search(phrase)
    if m:
        et_al, phrase = True, phrase[: m.start()].strip()
    abbreviation = None
    am = _ABBREV.search(phrase)
    if am:
        if am.end() != len(phrase) and phrase[am.end()] not in ",&":
            return None
        abbreviation = am.group(1).strip()
        if not re.fullmatch(r"[A-Z][\w.&-]*", abbreviation):
            return None
        phrase = (phrase[: am.start()] + phrase[am.end() :]).strip()
    if not phrase or _ABBREV.search(phrase):
        return None
    parts = [p for p in _NAME_SPLIT.split(phrase)]
    if any(not p.strip() for p in parts) or len(parts) > 8:
        return None
    word_lists = [p.split() for p in parts]
    if not all(_name_ok(w, given_first) for w in word_lists):
        return None
    corporate = abbreviation is not None or any(
        any(w in CORPORATE_CONNECTORS for w in words) for words in word_lists
    )
    if corporate and len(parts) > 1 and any(w in CORPORATE_CONNECTORS for w in phrase.split()):
        # "Ministry of Foreign Affairs and Trade": one corporate name, not two people
        names: tuple[str, ...] = (phrase,)
    elif given_first and not corporate:
        names = tuple(_family(w) for w in word_lists)
    else:
        names = tuple(" ".join(w) for w in word_lists)
    if not corporate:
        corporate = len(names) == 1 and (
            is_all_caps(names[0])
            or (
                not given_first
                and len(names[0].split()) > 1
                and names[0].split()[0] not in PARTICLES
            )
        )
    return _Authors(names, et_al, abbreviation, corporate)


# ------------------------------------------------------------ years, pages

_YEAR = re.compile(r"(?<![\w.\-–—/])(1[6-9]\d\d|20\d\d)([a-z])?(?![\w\-–—/])")
_YEAR_AT = re.compile(r"\s*(1[6-9]\d\d|20\d\d)([a-z])?(?![\w\-–—/])")
_NEXT_YEAR = re.compile(r"\s*,\s*(?=(?:1[6-9]\d\d|20\d\d)[a-z]?\s*(?:,|\Z))")
_PAGE_LABEL = (
    r"(?:pp?|paras?|chaps?|ch|secs?|figs?|nn?|vols?|cols?|pts?|arts?|fn|S)\.\s*"
    r"|(?:pages?|para|paragraph|chapter|section|§+)\s*"
)
# A locator: "p. 585", "pp. 23—24, 30", or bare pages after a year "465", "45–47".
_LOCATOR = re.compile(
    rf"\s*(?P<sep>[,:])\s*(?P<loc>(?:{_PAGE_LABEL})[\dIVXLCDMivxlcdm][^,]*(?:,\s*\d[^,]*)*"
    r"|\d{1,5}(?:\s*[-–—]\s*\d{1,5})?(?:\s*,\s*\d{1,5}(?:\s*[-–—]\s*\d{1,5})?)*)"
)


def _tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class _YearLoc:
    start: int
    end: int
    year: str
    locator: str | None


def _year_list(
    text: str, pos: int, trace: list[str] | None = None
) -> tuple[list[_YearLoc], int] | None:
    """Read ``YEAR[, LOCATOR](, YEAR[, LOCATOR])*`` at ``pos``: the years with their
    spans, and where reading stopped; None if no year stands at ``pos``."""
    out: list[_YearLoc] = []
    while True:
        ym = _YEAR_AT.match(text, pos)
        if not ym:
            return None if not out else (out, pos)
        start = ym.start(1)
        pos = ym.end()
        locator = None
        nxt = _NEXT_YEAR.match(text, pos)
        if not nxt:
            lm = _LOCATOR.match(text, pos)
            if lm:
                # a locator runs to the next ", YEAR" (another work) or the end
                loc = lm.group("loc")
                cut = re.search(r"\s*,\s*(?:1[6-9]\d\d|20\d\d)[a-z]?\s*(?:,|\Z)", loc)
                if cut:
                    loc = loc[: cut.start()]
                loc = re.sub(r"[\s,]+\Z", "", loc)
                locator = _tidy(loc) or None
                pos = lm.start("loc") + len(loc)
                if trace is not None and lm.group("sep") == ":":
                    trace.append("colon-locator")
        out.append(_YearLoc(start, pos, ym.group(1) + (ym.group(2) or ""), locator))
        nxt = _NEXT_YEAR.match(text, pos)
        if not nxt:
            return out, pos
        pos = nxt.end()


# ------------------------------------------------------------ parentheticals

_PAREN = re.compile(r"\(([^()]*)\)")
_PREFIX = re.compile(
    r"(?:see also|see|e\.\s?g\.,?|cf\.|i\.\s?e\.,?|as cited in|vgl\.(?:\s+auch)?)\s+", re.I
)
# "ebd." / "ebenda" / "ibid." standing for the work cited just before, with an optional
# locator: "(ebd., S. 472)", "(ibid., 12)" (rule ``same-as-before``)
_SAME_AS_BEFORE = re.compile(r"(?:ebd\.|ebenda|ibid(?:em)?\.?)(?=[\s,]|\Z)", re.I)


def _parse_group(
    text: str, start: int, end: int, trace: list[str] | None = None
) -> list[CiteItem] | None:
    """Read the inside ``text[start:end]`` of a parenthesis as ``;``-separated
    author-date parts; None unless at least one part is a citation and none is
    something else."""
    items: list[CiteItem] = []
    pos = start
    for piece in text[start:end].split(";"):
        a, b = pos, pos + len(piece)
        pos = b + 1
        via = _AS_CITED_IN.search(text, a, b)
        if via and text[a : via.start()].strip():
            # "Deutsch 1957, as cited in Allison 2004": the work, then its secondary source
            primary = _group_part(text, a, via.start(), items[-1] if items else None, trace)
            secondary = _group_part(text, via.end(), b, None, trace)
            if primary is None or secondary is None:
                return None
            through = secondary[0].text
            items += [replace(i, via=through) for i in primary] + secondary
            if trace is not None:
                trace.append("as-cited-in")
            continue
        part = _group_part(text, a, b, items[-1] if items else None, trace)
        if part is None:
            return None
        items += part
    return items or None


# "as cited in" / "as quoted in" / "cited in" between a work and the source it is read in
_AS_CITED_IN = re.compile(r"\s*[,;]?\s*\b(?:as\s+)?(?:cited|quoted)\s+in\s+", re.I)


def _group_part(
    text: str, a: int, b: int, prev: CiteItem | None, trace: list[str] | None = None
) -> list[CiteItem] | None:
    """One ``;``-separated part ``text[a:b]`` of a parenthetical group: an optional
    ``see``/``cf.`` prefix, an author phrase (or none, continuing ``prev``'s author),
    then years with locators; None when the part is not a citation."""
    part = text[a:b]
    a += len(part) - len(part.lstrip())
    b = a + len(part.strip())
    if a >= b:
        return None
    pm = _PREFIX.match(text, a, b)
    if pm:
        a = pm.end()
    same = _same_as_before(text, a, b)
    if same is not None:
        if trace is not None:
            trace.append("same-as-before")
        return [same]
    ym = _YEAR.search(text, a, b)
    if not ym:
        return None
    phrase = text[a : ym.start()]
    authors = _group_authors(phrase, prev)
    if authors is None:
        return None
    sub = text[:b]
    read = _year_list(sub, ym.start(), trace)
    if read is None:
        return None
    years, stop = read
    if sub[stop:b].strip():
        return None
    author_text = _tidy(phrase.rstrip(", \t\n\u00a0")) if phrase.strip() else ""
    items = []
    for i, yl in enumerate(years):
        s = a if (i == 0 and phrase.strip()) else yl.start
        items.append(
            CiteItem(
                start=s,
                end=yl.end,
                text=text[s : yl.end],
                names=authors.names,
                year=yl.year,
                locator=yl.locator,
                et_al=authors.et_al,
                author=author_text if i == 0 else "",
                abbreviation=authors.abbreviation,
                corporate=authors.corporate,
            )
        )
    return items


def _same_as_before(text: str, a: int, b: int) -> CiteItem | None:
    """``ebd., S. 472``: an item with no names and no year, its ``author`` the word
    as written; ``cite_article`` gives it the work of the item cited before it."""
    m = _SAME_AS_BEFORE.match(text, a, b)
    if not m:
        return None
    rest = text[m.end() : b]
    lm = _LOCATOR.fullmatch(rest) if rest.strip() else None
    if rest.strip() and not lm:
        return None
    return CiteItem(a, b, text[a:b], author=m.group(), locator=lm.group("loc") if lm else None)


def is_same_as_before(item: CiteItem) -> bool:
    """An ``ebd.`` / ``ibid.`` item (names still to be filled from the one before)."""
    return not item.names and item.number is None and bool(_SAME_AS_BEFORE.fullmatch(item.author))


def _group_authors(phrase: str, prev: CiteItem | None) -> _Authors | None:
    """The authors of a group part from the phrase before its year; a bare year
    continues the previous item's authors.  None for a date or a non-name."""
    if not phrase.strip():
        if prev is not None and prev.names:
            return _Authors(prev.names, prev.et_al, prev.abbreviation, prev.corporate)
        return None
    if not re.search(r"(?:,|\s)\s*\Z", phrase):
        return None
    if re.search(rf"\b(?:{'|'.join(_MONTHS)})\.?(?:\s+\d{{1,2}},?)?\s+\Z", phrase):
        return None  # a date: "April 2022", "January 5, 2022"
    return _parse_authors(phrase.rstrip(", \t\n\u00a0"), given_first=False)


# --------------------------------------------------------------- narrative

_WORD = re.compile(r"\[[^\[\]\s]{1,20}\]|&|,|[^\s,&()\[\]]+")


def _narrative_start(text: str, lo: int, paren: int) -> int | None:
    """Where the author phrase of a narrative citation starts: walk back from the
    parenthesis at ``paren`` over name words, commas, ``and``/``&``, particles,
    ``et al.`` and an ``[ABBR]``; None when the word before is not a name."""
    window_lo = max(lo, paren - 300)
    tokens = list(_WORD.finditer(text, window_lo, paren))
    if not tokens or text[tokens[-1].end() : paren].strip():
        return None
    keep: list[re.Match[str]] = []
    for i in range(len(tokens) - 1, -1, -1):
        t = tokens[i]
        w = t.group()
        gap = text[t.end() : keep[-1].start()] if keep else text[t.end() : paren]
        if gap.strip():
            break
        ok = (
            w in {",", "&", "and", "et", "al", "al."}
            or w in PARTICLES
            or w in CORPORATE_CONNECTORS
            or (w.startswith("[") and not keep)
            or is_initials(w)
            or (is_name_word(w) and w not in NOT_NAMES)
        )
        if not ok:
            # a sentence-initial function word ("As", "The") ends the phrase
            break
        keep.append(t)
        if len(keep) > 24:
            return None
    keep.reverse()
    # the phrase starts with a capitalized word that is not a connector
    while keep and not (
        (is_name_word(keep[0].group()) or is_initials(keep[0].group()))
        and keep[0].group() not in NOT_NAMES
    ):
        keep.pop(0)
    if not keep:
        return None
    return keep[0].start()


def _parse_narrative(
    text: str, lo: int, m: re.Match[str], trace: list[str] | None = None
) -> list[CiteItem] | None:
    """``Name (YEAR[, LOCATOR][, YEAR...])`` ending at the parenthesis ``m``; a
    possessive name (``Nikitina’s (2012)``) names its author without the ``’s``."""
    a, b = m.start(1), m.end(1)
    read = _year_list(text[:b], a, trace)
    if read is None:
        return None
    years, stop = read
    if text[stop:b].strip():
        return None
    start = _narrative_start(text, lo, m.start())
    if start is None:
        return None
    phrase = text[start : m.start()].rstrip()
    if phrase in _MONTHS:
        return None
    possessive = _POSSESSIVE.search(phrase)
    if possessive:
        phrase = phrase[: possessive.start()]
        if trace is not None:
            trace.append("possessive")
    authors = _parse_authors(phrase, given_first=True)
    if authors is None:
        return None
    items = []
    for i, yl in enumerate(years):
        s = start if i == 0 else yl.start
        e = m.end() if len(years) == 1 else yl.end
        items.append(
            CiteItem(
                start=s,
                end=e,
                text=text[s:e],
                names=authors.names,
                year=yl.year,
                locator=yl.locator,
                et_al=authors.et_al,
                author=_tidy(phrase) if i == 0 else "",
                abbreviation=authors.abbreviation,
                corporate=authors.corporate,
            )
        )
    return items


_POSSESSIVE = re.compile(r"(?<=\w)['’]s?\Z")

# ----------------------------------------------------------------- numeric

_BRACKET = re.compile(r"\[([^\[\]]{1,80})\]")
_NUM = re.compile(r"\s*(\d{1,3})\s*")
_NUM_LOC = re.compile(r"\s*(\d{1,3})\s*:\s*(\S(?:.*\S)?)\s*")
_BRACKET_LOCATOR = re.compile(
    rf"\s*(?:(?:{_PAGE_LABEL})\S.*|[\dIVXLCivxlc]+(?:\s*[-–—]\s*\d+)?)\s*"
)


_RANGE = re.compile(r"\s*(\d{1,3})\s*([-–—])\s*(\d{1,3})\s*")
MAX_RANGE = 30  # a bracket range wider than this is no list of works ("[1990–2020]")


def _numeric_range(text: str, q0: int, q1: int) -> list[CiteItem] | None:
    """``4–6`` in a bracket: works 4, 5 and 6.  The first and last numbers link their
    works; the dash links the works between (the first of them; any others are
    linked at no text, so that they are counted and listed as cited)."""
    rm = _RANGE.fullmatch(text, q0, q1)
    if not rm:
        return None
    first, last = int(rm.group(1)), int(rm.group(3))
    if not 0 < first < last or last - first > MAX_RANGE:
        return None
    out = [CiteItem(rm.start(1), rm.end(1), rm.group(1), number=first)]
    dash = rm.start(2), rm.end(2)
    for n in range(first + 1, last):
        s, e = dash if n == first + 1 else (dash[1], dash[1])
        out.append(CiteItem(s, e, text[s:e], number=n))
    out.append(CiteItem(rm.start(3), rm.end(3), rm.group(3), number=last))
    return out


def _parse_numeric(
    text: str, a: int, b: int, trace: list[str] | None = None
) -> list[CiteItem] | None:
    """``[2]``, ``[5:68]``, ``[6: 339–340]``, ``[1, 4]``, ``[2; 7:226]``, ``[5, p. 68]``."""
    items: list[CiteItem] = []
    pos = a
    for chunk in text[a:b].split(";"):
        c0, c1 = pos, pos + len(chunk)
        pos = c1 + 1
        lm = _NUM_LOC.fullmatch(text, c0, c1)
        if lm:
            loc = lm.group(2)
            if not re.search(r"\d", loc) or len(loc) > 40:
                return None
            n = int(lm.group(1))
            if n == 0:
                return None
            s, e = lm.start(1), lm.end(2)
            items.append(CiteItem(s, e, text[s:e], number=n, locator=_tidy(loc)))
            continue
        p = c0
        for piece in text[c0:c1].split(","):
            q0, q1 = p, p + len(piece)
            p = q1 + 1
            nm = _NUM.fullmatch(text, q0, q1)
            if nm and int(nm.group(1)) > 0:
                s, e = nm.start(1), nm.end(1)
                items.append(CiteItem(s, e, text[s:e], number=int(nm.group(1))))
                continue
            spread = _numeric_range(text, q0, q1)
            if spread:
                items += spread
                if trace is not None:
                    trace.append("numeric-range")
                continue
            if items and items[-1].locator is None and _BRACKET_LOCATOR.fullmatch(text, q0, q1):
                if trace is not None:
                    trace.append("numeric-locator")
                prev = items[-1]
                e = q0 + len(piece.rstrip())
                items[-1] = CiteItem(
                    prev.start,
                    e,
                    text[prev.start : e],
                    number=prev.number,
                    locator=_tidy(piece),
                )
                continue
            return None
    return items or None


# -------------------------------------------------------------------- scan


def scan_citations(text: str, style: str, trace: list[str] | None = None) -> list[Citation]:
    """Find the in-text citations of one block's text, in order.

    ``style`` is the article's ``citation_style``: ``"author-date"`` finds parenthetical
    and narrative citations, ``"numeric"`` bracketed numbers; any other style finds
    nothing.  Never raises; citations never overlap each other or a footnote token.
    With ``trace``, the names of the rules that read each citation are appended to it.
    """
    found: list[Citation] = []
    for lo, hi in _gaps(text):
        seg = text[:hi]
        if style == AUTHOR_DATE:
            for m in _PAREN.finditer(seg, lo):
                _author_date_at(seg, lo, m, found, trace)
        elif style == NUMERIC:
            for m in _BRACKET.finditer(seg, lo):
                used: list[str] = []
                items = _parse_numeric(seg, m.start(1), m.end(1), used)
                if items and _bracket_range(seg, found, m, items):
                    used.append("bracket-range")
                elif items:
                    found.append(Citation(m.start(), m.end(), BRACKETED, m.group(), tuple(items)))
                if items and trace is not None:
                    trace += ["numeric-bracket", *used]
    return found


_BRACKET_DASH = re.compile(r"\s*[-–—]\s*")


def _bracket_range(
    seg: str, found: list[Citation], m: re.Match[str], items: list[CiteItem]
) -> bool:
    """bracket-range: ``[4]–[6]`` (IEEE writes a range as two brackets and a dash) cites
    works 4, 5 and 6: the bracket before the dash becomes one citation with this one,
    the dash linking the works between (as ``_numeric_range`` does inside a bracket)."""
    prev = found[-1] if found else None
    if prev is None or prev.kind != BRACKETED or len(prev.items) != 1 or len(items) != 1:
        return False
    dash = _BRACKET_DASH.fullmatch(seg, prev.end, m.start())
    first, last = prev.items[0].number, items[0].number
    if not dash or first is None or last is None:
        return False
    if not 0 < first < last or last - first > MAX_RANGE:
        return False
    between = [
        CiteItem(dash.start(), dash.end(), seg[dash.start() : dash.end()], number=n)
        if n == first + 1
        else CiteItem(dash.end(), dash.end(), "", number=n)
        for n in range(first + 1, last)
    ]
    whole = (*prev.items, *between, *items)
    found[-1] = Citation(prev.start, m.end(), BRACKETED, seg[prev.start : m.end()], whole)
    return True


def _author_date_at(
    seg: str, lo: int, m: re.Match[str], found: list[Citation], trace: list[str] | None
) -> None:
    """The parenthesis ``m``: a parenthetical group, else the year of a narrative
    citation (rules ``parenthetical``, ``narrative``), added to ``found``."""
    used: list[str] = []
    items = _parse_group(seg, m.start(1), m.end(1), used)
    kind, start = PARENTHETICAL, m.start()
    if items is None:
        used = []
        items = _parse_narrative(seg, lo, m, used)
        kind = NARRATIVE
        if items:
            start = items[0].start
    if not items or (found and start < found[-1].end):
        return
    found.append(Citation(start, m.end(), kind, seg[start : m.end()], tuple(items)))
    if trace is not None:
        trace += [kind, *used]


# ----------------------------------------------------------- author-page (MLA)
#
# MLA cites by author and page, with no year: "(Allison 470)", "(Petit and Nurova 80)",
# "(Kucera, "New Wave")" (a short title tells one author's works apart), "(Collective
# Security Treaty Organization)" (a work without pages), and "(465-66)" after a sentence
# that names the author.  Without a year such a parenthesis cannot be told from other
# text by its form alone, so it is read only when its names are those of an entry of
# the article's own list, and only when they point to one entry.

_MLA_PAREN = re.compile(r"\(([^()]{1,160})\)")
_MLA_PAGES = re.compile(
    r"(?:pp?\.\s*)?\d{1,4}(?:\s*[-–—]\s*\d{1,4})?(?:,\s*\d{1,4}(?:\s*[-–—]\s*\d{1,4})?)*"
)
_MLA_PART = re.compile(
    r"(?P<who>[^\W\d][^,\"“”]*?)?"
    r"(?:,?\s*[\"“](?P<short>[^\"“”]+)[\"”])?"
    r"(?:,?\s*(?P<pages>" + _MLA_PAGES.pattern + r"))?"
)
_YEARISH = re.compile(r"\b(?:1[6-9]\d\d|20\d\d)\b")


def _mla_author(work: Work) -> str:
    """The author phrase MLA writes for ``work``: one name, two joined by "and", or
    the first and "et al."."""
    fam = work.families
    if len(fam) > 2:
        return f"{fam[0]} et al."
    return " and ".join(fam)


def _mla_works(who: str, short: str | None, works: Sequence[Work]) -> list[Work]:
    """The entries whose author phrase is ``who`` (and, with a short title, whose title
    holds its words)."""
    found = [w for w in works if w.families and fold_family(_mla_author(w)) == fold_family(who)]
    if short and found:
        words = normalize_title(short).split()
        found = [
            w
            for w in found
            if w.reference is not None
            and all(x in normalize_title(w.reference.get("title")).split() for x in words)
        ]
    return _distinct(found)


def _named_before(text: str, at: int, works: Sequence[Work]) -> Work | None:
    """The one entry whose (first) author the sentence before ``at`` names."""
    start = max((m.end() for m in re.finditer(r"[.?!][\"”’)]*\s+(?=[A-Z])", text[:at])), default=0)
    sentence = text[start:at]
    named = _distinct(
        w for w in works if w.families and re.search(rf"\b{re.escape(w.families[0])}\b", sentence)
    )
    return named[0] if len(named) == 1 else None


def _mla_item(text: str, a: int, b: int, works: Sequence[Work]) -> CiteItem | None:
    """One ";"-separated part ``text[a:b]`` of a parenthesis read as MLA, or None."""
    part = text[a:b]
    a += len(part) - len(part.lstrip())
    b = a + len(part.strip())
    m = _MLA_PART.fullmatch(text, a, b)
    if not m or a >= b or _YEARISH.search(text, a, b):
        return None
    who, short, pages = m.group("who"), m.group("short"), m.group("pages")
    if who and who.strip():
        found = _mla_works(who.strip(), short, works)
        work = found[0] if len(found) == 1 else None
    else:
        work = _named_before(text, a, works) if pages and not short else None
    if work is None:
        return None
    return CiteItem(
        start=a,
        end=b,
        text=text[a:b],
        names=work.families,
        year=f"{work.year}{work.suffix}",
        locator=_tidy(pages) if pages else None,
        author=_tidy(who or ""),
        corporate=work.corporate is not None,
    )


def scan_author_page(
    text: str, works: Sequence[Work], found: Sequence[Citation], trace: list[str] | None = None
) -> list[Citation]:
    """author-page: the MLA citations of one block's text (see above) that no other
    rule read, each part of the parenthesis matched to one entry of ``works``."""
    out: list[Citation] = []
    taken = [(c.start, c.end) for c in found]
    for m in _MLA_PAREN.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        items: list[CiteItem] = []
        pos = m.start(1)
        for piece in m.group(1).split(";"):
            item = _mla_item(text, pos, pos + len(piece), works)
            pos += len(piece) + 1
            if item is None:
                items = []
                break
            items.append(item)
        if items:
            out.append(Citation(m.start(), m.end(), PARENTHETICAL, m.group(), tuple(items)))
            if trace is not None:
                trace.append("author-page")
    return out


# ----------------------------------------------------------------- resolve

# Spelling slips in family names (rapidfuzz ``fuzz.ratio``, 0-100, on ASCII-folded
# lowercase names).  ratio = 100 * (1 - indel distance / total length), so one wrong
# letter in a name of n letters scores 100 * (1 - 2 / 2n): 87.5 for "Pederson" /
# "Pedersen" (n = 8), 83 for n = 6, 80 for n = 5; one letter left out or added scores
# 100 * (1 - 1 / (2n - 1)): 94 for "Krahnmann" / "Krahmann", 92 for "Perrew" /
# "Perrewe".  80 therefore admits one slip in any name of five letters or more.  Names
# that differ in more than that ("Schein" / "Schmid": 54) stay apart.  Near names that
# are different people ("Walt" / "Waltz": 89, "Schmid" / "Schmidt": 92) are protected
# by the order of the tiers in ``_candidates``: an exact name always wins over a near
# one, and a near name is only accepted with the exact year.
NAME_RATIO = 80.0

# Corporate names share generic words ("Security", "Organization", "Council"), so a
# fuzzy score says less about them than about personal names: ``token_set_ratio`` on
# normalized names of at least 70 is accepted only with the exact year and only when a
# single corporate entry of that year reaches it (else: ambiguous, unresolved).
# "Collaborative Security Treaty Organization" / "Collective Security Treaty" scores 73.
CORPORATE_RATIO = 70.0

# A year slip: the cited year differs from the list's by at most this much (a typo,
# an online-first year).  Further apart, the same author's listed work is more likely
# a different work than a misdated one, so the citation stays unresolved.
MAX_YEAR_GAP = 3


def _corporate_norm(name: str) -> str:
    return " ".join(w for w in re.findall(r"[a-z0-9]+", ascii_fold(name).lower()))


@dataclass(frozen=True)
class Work:
    """What the resolver needs of a reference list entry."""

    key: str
    canonical: str  # key of the first listing of the same work
    families: tuple[str, ...]  # as written ("Perrewé"); corporate authors as their name
    corporate: str | None  # the first author when it is an organization
    year: str
    suffix: str
    number: int | None
    reference: Reference | None = field(default=None, compare=False)

    @property
    def folded(self) -> tuple[str, ...]:
        return tuple(fold_family(f) for f in self.families)

    def label(self) -> str:
        """``March & Olsen 1983``, ``Kazantsev et al. 2021``."""
        fams = list(self.families)
        if len(fams) > 2:
            who = f"{fams[0]} et al."
        else:
            who = " & ".join(fams)
        return f"{who} {self.year}{self.suffix}".strip()


def work_of(reference: Reference) -> Work:
    """The resolver's view of a parsed reference (``model.Reference``)."""
    names = split_names(reference.get("author") or reference.get("editor"))
    families: list[str] = []
    corporate = None
    for i, n in enumerate(names):
        parts = name_parts(n)
        if "literal" in parts:
            families.append(parts["literal"])
            if i == 0:
                corporate = parts["literal"]
        else:
            fam = parts["family"]
            families.append(f"{parts['particle']} {fam}".strip() if parts["particle"] else fam)
    year = reference.get("year")
    suffix = reference.get("x-year-suffix")
    if not suffix:
        ym = re.fullmatch(r"(\d{4})([a-z])", year)
        if ym:
            year, suffix = ym.group(1), ym.group(2)
    return Work(
        key=reference.key,
        canonical=reference.get("x-duplicate-of") or reference.key,
        families=tuple(families),
        corporate=corporate,
        year=year,
        suffix=suffix,
        number=reference.number,
        reference=reference,
    )


def _name_score(item: CiteItem, work: Work) -> tuple[str, float]:
    """How the item's first author compares with the work's: ``"exact"``, ``"near"``
    (a spelling slip) or ``"none"``, with the score."""
    if not item.names or not work.families:
        return "none", 0.0
    cited = item.names[0]
    if work.corporate is not None:
        ref_name = _corporate_norm(work.corporate)
        # the name as cited, and the whole author phrase of a narrative citation
        # ("Kazakh Foreign Ministry (2020)" reads as a person "Ministry" first)
        phrases = {_corporate_norm(p) for p in (cited, _ABBREV.sub("", item.author)) if p}
        phrases.discard("")
        if ref_name in phrases:
            return "exact", 100.0
        abbrevs = {a for a in (item.abbreviation, cited) if a and is_all_caps(a)}
        if any(a == abbreviation(work.corporate) for a in abbrevs):
            return "exact", 100.0
        if item.corporate or len(item.author.split()) > 1:
            score = max(fuzz.token_set_ratio(p, ref_name) for p in phrases)
            return ("near" if score >= CORPORATE_RATIO else "none"), score
        return "none", 0.0
    a, b = fold_family(cited), work.folded[0]
    if not a or not b:
        return "none", 0.0
    if a == b:
        return "exact", 100.0
    score = fuzz.ratio(a, b)
    return ("near" if score >= NAME_RATIO else "none"), score


def _year_relation(item: CiteItem, work: Work) -> tuple[str, int]:
    """``"exact"``, ``"suffix"`` (same year, letters differ or one is missing) or
    ``"gap"`` with the distance in years."""
    m = re.fullmatch(r"(\d{4})([a-z]?)", item.year)
    if not m or not work.year.isdigit():
        return "gap", 9999
    year, suffix = m.group(1), m.group(2)
    if year == work.year:
        return ("exact", 0) if suffix == work.suffix else ("suffix", 0)
    return "gap", abs(int(year) - int(work.year))


def _coauthor_agreement(item: CiteItem, work: Work) -> tuple[int, list[str], bool]:
    """Compare the co-authors: (agreement score, the list's spellings of co-authors
    cited with a slip, whether the author lists differ)."""
    cited = [fold_family(n) for n in item.names[1:]]
    listed = list(work.folded[1:])
    score, slips = 0, []
    for i, c in enumerate(cited):
        if i < len(listed):
            if c == listed[i]:
                score += 2
            elif fuzz.ratio(c, listed[i]) >= NAME_RATIO:
                score += 1
                slips.append(work.families[i + 1])
    n_listed = len(work.families)
    n_cited = len(item.names)
    if item.et_al:
        differs = n_listed < 2
    elif work.corporate is not None:
        differs = False
    else:
        differs = n_cited != n_listed or any(
            c != listed[i] and fuzz.ratio(c, listed[i]) < NAME_RATIO
            for i, c in enumerate(cited)
            if i < len(listed)
        )
    return score, slips, differs


def _distinct(works: Iterable[Work]) -> list[Work]:
    """One work per canonical key (a repeated listing counts once), list order."""
    seen: dict[str, Work] = {}
    for w in works:
        seen.setdefault(w.canonical, w)
    return list(seen.values())


def _pick(item: CiteItem, works: Sequence[Work]) -> tuple[list[Work], str]:
    """The candidates of the first tier that has any, and the tier's name.

    Tiers: exact name and year; a spelling slip with the exact year; the exact name
    with the same year but other letters (2022 vs 2022a); the exact name with a year
    at most ``MAX_YEAR_GAP`` away (the nearest).  Several candidates in a tier are told
    apart by their co-authors, except near names: two entries near the cited name
    leave it ambiguous.
    """
    quick = _exact_tier(item, works)
    if quick:  # the first tier has candidates: what ``_pick_scored`` picks
        return _told_apart(item, quick), "exact"
    return _pick_scored(item, works)


def _pick_scored(item: CiteItem, works: Sequence[Work]) -> tuple[list[Work], str]:
    """``_pick`` by scoring every work against the item, tier by tier."""
    name = {w.key: _name_score(item, w) for w in works}
    year = {w.key: _year_relation(item, w) for w in works}

    def tier(name_kind: str, year_kind: str) -> list[Work]:
        return [w for w in works if name[w.key][0] == name_kind and year[w.key][0] == year_kind]

    tiers: list[tuple[str, list[Work]]] = [
        ("exact", tier("exact", "exact")),
        ("spelling", tier("near", "exact")),
        ("suffix", tier("exact", "suffix")),
    ]
    gaps = [w for w in tier("exact", "gap") if year[w.key][1] <= MAX_YEAR_GAP]
    if gaps:
        nearest = min(year[w.key][1] for w in gaps)
        tiers.append(("year", [w for w in gaps if year[w.key][1] == nearest]))
    for tier_name, found in tiers:
        cands = _distinct(found)
        if not cands:
            continue
        if tier_name == "spelling":
            # two entries near the cited name: the slip cannot be attributed
            return cands, tier_name
        return _told_apart(item, cands), tier_name
    return [], "none"


def _told_apart(item: CiteItem, cands: list[Work]) -> list[Work]:
    """Of several candidates of one tier, those whose co-authors agree best."""
    if len(cands) < 2:
        return cands
    scored = [(_coauthor_agreement(item, w)[0], w) for w in cands]
    top = max(s for s, _ in scored)
    return [w for s, w in scored if s == top]


def _exact_tier(item: CiteItem, works: Sequence[Work]) -> list[Work]:
    """The distinct works of ``_pick``'s first tier (exact name, exact year), found
    without scoring every work: a personal first author is exact only when its folded
    family name equals the cited one's (``_name_score``), so only those works and the
    corporate ones are scored."""
    if not item.names:
        return []
    cited = fold_family(item.names[0])
    found = [
        w
        for w in works
        if (w.corporate is not None or (cited and w.families and w.folded[0] == cited))
        and _name_score(item, w)[0] == "exact"
        and _year_relation(item, w)[0] == "exact"
    ]
    return _distinct(found)


def _join(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


Notes = list[tuple[str, str]]  # (diagnostic code, note text)


def _resolve_author_date(item: CiteItem, works: Sequence[Work]) -> tuple[Work | None, Notes]:
    """The work an author-date item cites and the notes (code, text) on it."""
    cands, tier = _pick(item, works)
    if len(cands) > 1:
        listed = ", ".join(w.label() for w in cands)
        return None, [
            (
                UNRESOLVED,
                f"Ambiguous: the reference list has {len(cands)} entries that fit ({listed}).",
            )
        ]
    if not cands:
        same_author = _distinct(w for w in works if _name_score(item, w)[0] != "none")
        note = "No entry in the reference list."
        if same_author:
            note += " It lists " + "; ".join(w.label() for w in same_author[:3]) + "."
        return None, [(UNRESOLVED, note)]
    work = cands[0]
    notes: Notes = []
    if tier == "spelling":
        if work.corporate is not None:
            notes.append((SPELLING, f"The reference list names the author {work.corporate}."))
        else:
            notes.append((SPELLING, f"The reference list spells the name {work.families[0]}."))
    if tier in ("suffix", "year"):
        dated = f"{work.year}{work.suffix}"
        notes.append((YEAR_MISMATCH, f"The reference list dates this work {dated}."))
    _, slips, differs = _coauthor_agreement(item, work)
    if slips:
        word = "name" if len(slips) == 1 else "names"
        notes.append((SPELLING, f"The reference list spells the {word} {_join(slips)}."))
    if differs:
        notes.append((AUTHORS, f"The reference list gives the authors as {_join(work.families)}."))
    return work, notes


def _resolve_numeric(item: CiteItem, works: Sequence[Work]) -> tuple[Work | None, Notes]:
    match = [w for w in works if w.number == item.number]
    if not match:
        return None, [(UNRESOLVED, f"No entry {item.number} in the reference list.")]
    return match[0], []


def _line_of(span: Span, item: CiteItem, lines: Sequence[str] | None, group: str = "") -> Span:
    """The source line holding ``item`` within the block at ``span``: the line holding
    the whole citation ``group`` it stands in when one line does ("[2,3]": the item
    "2" alone would be found in "2022" a line before), else the item's."""
    if not lines:
        return Span(span.file, span.line)
    last = span.end_line or span.line
    # the whole item, else its first or last words (an item wrapped over two lines)
    whole = _tidy(item.text)
    # last, its first word alone (an item of two words, "Omarova 112", cut between them)
    first_word = whole.split()[0] if len(whole.split()) > 1 else ""
    probes = [
        _tidy(group),
        whole,
        whole[:12],
        whole[-12:],
        first_word if len(first_word) > 3 else "",
    ]
    for probe in probes:
        if not probe:
            continue
        for n in range(span.line, min(last, len(lines)) + 1):
            if probe in _tidy(lines[n - 1]):
                return Span(span.file, n)
    return Span(span.file, span.line)


def resolve(
    citations: Sequence[Citation],
    references: Sequence[Reference] | Sequence[Work],
    slug: str,
    reporter: Reporter,
    span: Span,
    lines: Sequence[str] | None = None,
) -> list[ResolvedItem]:
    """Resolve every cited work of one block against the article's reference list.

    ``references`` are the parsed entries with keys (``references.parse_reference_list``)
    or ready ``Work``s.  ``span`` is the block's source span; with the article's source
    ``lines`` the diagnostics name the exact line of each citation.  Every item comes
    back: linked, linked with a note, or unresolved; each note is also reported as a
    diagnostic of severity ``note``.
    """
    works = [r if isinstance(r, Work) else work_of(r) for r in references]
    out: list[ResolvedItem] = []
    for citation in citations:
        for item in citation.items:
            if item.number is not None:
                work, notes = _resolve_numeric(item, works)
            else:
                work, notes = _resolve_author_date(item, works)
            if work is None and item.via:
                notes = [(SECONDARY, f"Cited as read in {item.via}; the list need not hold it.")]
            where = _line_of(span, item, lines, citation.text)
            key = work.canonical if work else None
            note = " ".join(text for _, text in notes) or None
            codes = tuple(dict.fromkeys(code for code, _ in notes))
            for code, text in notes:
                reporter.note(where, f"{slug}: citation “{_tidy(item.text)}”: {text}", code)
            out.append(ResolvedItem(item, citation, key, note, codes, where))
    return out


# ------------------------------------------------------------------- audit


def audit(
    resolved: Iterable[ResolvedItem],
    references: Sequence[Reference],
    slug: str | None = None,
    reporter: Reporter | None = None,
) -> list[Reference]:
    """The entries of one article's list that no citation points to, in list order.

    A repeated listing counts as cited when its first listing is.  With a ``reporter``
    each is also reported (severity ``note``, code ``reference-uncited``).
    """
    cited = {r.key for r in resolved if r.key}
    out = []
    for ref in references:
        canonical = ref.get("x-duplicate-of") or ref.key
        if canonical in cited:
            continue
        out.append(ref)
        if reporter is not None:
            reporter.note(
                ref.span,
                f"{slug or ''}: {ref.key} is cited nowhere in the text".lstrip(": "),
                UNCITED,
            )
    return out


# The rules that read in-text citations, by name (each has a fixture case in
# tests/fixtures/stages/citations/): a parenthesis is read as a group, else as the year
# of a narrative citation; a bracket as numbers.
CITATION_RULES: tuple[tuple[str, str], ...] = (
    ("parenthetical", "(Thakur, 1993; Kobayashi, 2017), (Allison 2004, 465)"),
    ("narrative", "Nocetti (2015) argues, Karl Deutsch (1957)"),
    ("possessive", "Nikitina’s (2012): the author without the ’s"),
    ("as-cited-in", "(Deutsch 1957, as cited in Allison 2004): the work and its source"),
    ("colon-locator", "(Allison 2004: 470), (Kornilenko 2020: 710–711)"),
    ("numeric-bracket", "[2], [1, 4], [5:68], [2; 7:226]"),
    ("numeric-range", "[4–6]: works 4, 5 and 6"),
    ("bracket-range", "[4]–[6]: works 4, 5 and 6 (IEEE)"),
    ("author-page", '(Allison 470), (Kucera, "New Wave"), (465-66) after the author\'s name (MLA)'),
    ("numeric-locator", "[3, p. 712]"),
    ("same-as-before", "(ebd., S. 472), (ibid., 12): the work of the item cited before"),
    ("note-bare-author-date", "a note's 'see Schmidt 2019, S. 95' (a listed author and year)"),
)

# ------------------------------------------------------- notes-bibliography

NOTE_FULL = "note"  # kinds of the citations found in notes (Chicago notes-bibliography)

# A note's citation parts: "See Roy Allison, ...; Ibid., 12." is split at ";" and loses
# its "See"/"See also"/"Cf." lead.
_NOTE_LEAD = re.compile(r"\s*(?:(?:see\s+also|see|cf\.|compare)\s+)?", re.I)
# "Roy Allison, "Regionalism ...," ..." / "Allison, *Regionalism*, 470" / "Collective
# Security Treaty Organization, "Charter," ...": an author phrase, then a title quoted,
# in italics, or (in a full note) running to " (", or (a shortened note whose italics
# the conversion lost: "Kulbayeva, Neighbours and Partners, 60") running to ", <page>".
_NOTE_HEAD = re.compile(
    r"(?P<who>[A-ZÀ-Þ][\w.'’-]*"
    r"(?:\s+(?:[A-ZÀ-Þ][\w.'’-]*|and|&|de|da|dos|van|von|der|of|the|for|on))*),\s+"
    r"(?:[\"“](?P<quoted>[^\"“”]{2,300}?)[,.]?[\"”]|\*(?P<italic>[^*]{2,300})\*"
    r"|(?P<plain>[A-Z][^()\"“”]{2,200}?)(?=\s\()"
    r"|(?P<short>[A-Z][^()\"“”,;]{2,120}?)(?=,\s*(?:pp?\.\s*)?\d))"
)
_IBID = re.compile(r"ibid(?:em)?\b\.?", re.I)
_NOTE_ADDRESS = re.compile(r"(?:https?://|doi:\s?|\b10\.\d{4,9}/)[^\s<>]+", re.I)
_NOTE_YEAR = re.compile(r"\((?:[^()]*\D)?(?:1[6-9]\d\d|20\d\d)\)|,\s*(?:1[6-9]\d\d|20\d\d)\b")


def _note_parts(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each ``;``-separated part of a note, its lead word skipped."""
    pos = 0
    for piece in text.split(";"):
        a = pos + _NOTE_LEAD.match(piece).end()  # type: ignore[union-attr]
        yield a, pos + len(piece.rstrip())
        pos += len(piece) + 1


def _same_author(who: str, work: Work) -> bool:
    """The note's author phrase names the work's first author (the family name is the
    phrase's last word, or its first before "and"; a corporate author its whole name)."""
    if work.corporate is not None:
        return _corporate_norm(who) == _corporate_norm(work.corporate)
    first = re.split(r"\s+(?:and|&)\s+|,\s*", who.strip())[0].split()
    if not first or not work.families:
        return False
    return fold_family(first[-1]) == work.folded[0]


def _title_fits(title: str, work: Work, short: bool) -> bool:
    """A full note's title matches the entry's; a shortened note's title is a run of its
    key words, an initial article left out ("Regionalism" for "Regionalism, Regional
    Structures and ...", "Expanding Mandate" for "The CSTO's Expanding Mandate")."""
    listed = work.reference.get("title") if work.reference else ""
    if not listed:
        return False
    if titles_match(title, listed):
        return True
    a, b = normalize_title(title), normalize_title(listed)
    if not short or not a:
        return False
    key_word = any(len(w) > 3 for w in a.split())  # inside the title: not "the" alone
    return b == a or b.startswith(a + " ") or (key_word and f" {a} " in f" {b} ")


def _by_address(url: str, works: Sequence[Work]) -> Work | None:
    """The work whose DOI or URL a note gives (its trailing punctuation stripped)."""
    doi = normalize_doi(url)
    for w in works:
        ref = w.reference
        if ref is None:
            continue
        if doi and ref.get("doi").lower() == doi.lower():
            return w
        if not doi and ref.get("url") and _address_key(ref.get("url")) == _address_key(url):
            return w
    return None


NoteHit = tuple[str, int, int, Work | None, str | None]  # rule, start, end, work, note


def _note_ibid(
    text: str, a: int, b: int, works: Sequence[Work], prev: Work | None
) -> NoteHit | None:
    """ibid: "Ibid." (or "Ibid., 12.") cites the work of the note before."""
    m = _IBID.match(text, a, b)
    if not m:
        return None
    why = None if prev else "“Ibid.” follows no note that cites a listed work."
    return "ibid", m.start(), m.end(), prev, why


def _note_address(
    text: str, a: int, b: int, works: Sequence[Work], prev: Work | None
) -> NoteHit | None:
    """note-address: a note citing a work by its URL or DOI."""
    for m in _NOTE_ADDRESS.finditer(text, a, b):
        url = m.group().rstrip(".,;:)]>’”\"'")
        work = _by_address(url, works)
        if work is not None:
            return "note-address", m.start(), m.start() + len(url), work, None
    return None


def _note_author_title(
    text: str, a: int, b: int, works: Sequence[Work], prev: Work | None
) -> NoteHit | None:
    """full-note / short-note: ``Roy Allison, "Title," Journal 80, no. 3 (2004): 470``
    names the author and the whole title and gives the publication; ``Allison,
    "Regionalism," 470`` the family name and the first words of the title."""
    m = _NOTE_HEAD.match(text, a, b)
    if not m:
        return None
    title = m.group("quoted") or m.group("italic") or m.group("plain") or m.group("short") or ""
    short = not _NOTE_YEAR.search(text, m.end(), b)
    rule = "short-note" if short else "full-note"
    fits = _distinct(
        w for w in works if _same_author(m.group("who"), w) and _title_fits(title, w, short)
    )
    if len(fits) == 1:
        return rule, m.start(), m.end(), fits[0], None
    why = (
        f"{len(fits)} entries of the list fit it."
        if fits
        else "No entry of the list has this author and title."
    )
    return rule, m.start(), m.end(), None, why


def _note_id(text: str, a: int, b: int, works: Sequence[Work], prev: Work | None) -> NoteHit | None:
    """id: Bluebook's "Id." (or "Id. at 214", "id." after a semicolon) cites the work
    cited just before it."""
    m = re.compile(r"[Ii]d\.").match(text, a, b)
    if not m:
        return None
    why = None if prev else "“Id.” follows no citation of a listed work."
    return "id", m.start(), m.end(), prev, why


def _note_supra(
    text: str, a: int, b: int, works: Sequence[Work], prev: Work | None
) -> NoteHit | None:
    """supra: "Allison, supra note 3, at 471" cites the work by that author given in
    full earlier (the one listed work of that first author)."""
    m = BLUEBOOK_SHORT.match(text, a, b)
    if not m or not m.group("who"):
        return None
    fits = _distinct(w for w in works if _same_author(m.group("who"), w))
    if len(fits) == 1:
        return "supra", m.start(), m.end(), fits[0], None
    why = (
        f"{len(fits)} listed works are by this author; “supra note {m.group('note')}” "
        "does not say which."
        if fits
        else "No entry of the list has this author."
    )
    return "supra", m.start(), m.end(), None, why


def _note_bluebook(
    text: str, a: int, b: int, works: Sequence[Work], prev: Work | None
) -> NoteHit | None:
    """bluebook-full: a law review's full citation (``Roy Allison, Title, 80 INT'L AFF.
    463, 470 (2004)``, ``ingest.notes_list.bluebook_full``): the entry of that title and
    first author."""
    found = bluebook_full(text[a:b])
    if found is None:
        return None
    m = found[1]
    who, title = m.groupdict().get("who"), m.group("title")
    fits = _distinct(
        w
        for w in works
        if w.reference is not None
        and titles_match(title, w.reference.get("title"))
        and (who is None or _same_author(who, w))
    )
    s, e = a + m.start(), a + m.end()
    if len(fits) == 1:
        return "bluebook-full", s, e, fits[0], None
    return "bluebook-full", s, e, None, "No single entry of the list has this author and title."


NoteRule = Callable[[str, int, int, Sequence[Work], "Work | None"], "NoteHit | None"]

# The rules that read a part of a note, in order; the first that reads it decides.
NOTE_RULES: tuple[tuple[str, NoteRule], ...] = (
    ("ibid", _note_ibid),
    ("note-address", _note_address),
    ("id", _note_id),
    ("supra", _note_supra),
    ("bluebook-full", _note_bluebook),
    ("full-note", _note_author_title),  # also "short-note" (no year after the title)
)


def cite_notes(
    article: Article,
    works: Sequence[Work],
    reporter: Reporter,
    lines: Sequence[str] | None = None,
    trace: list[str] | None = None,
) -> list[CitedText]:
    """Chicago notes-bibliography: each note's citations linked to the works of the
    reference list (rules ``NOTE_RULES``); ``Ibid.`` to the work of the note before."""
    slug, prev, out = article.meta.slug, None, []
    for note in article.footnotes:
        cits, res = [], []
        for a, b in _note_parts(note.text):
            hit = next(
                (h for _, rule in NOTE_RULES if (h := rule(note.text, a, b, works, prev))), None
            )
            if hit is None:
                continue
            rule, s, e, work, why = hit
            if trace is not None:
                trace.append(rule)
            item = CiteItem(s, e, note.text[s:e])
            cit = Citation(s, e, NOTE_FULL, item.text, (item,))
            where = _line_of(note.span, item, lines)
            if why:
                reporter.note(
                    where, f"{slug}: note {note.key}: “{_tidy(item.text)}”: {why}", NOTE_UNRESOLVED
                )
            key = work.canonical if work else None
            cits.append(cit)
            res.append(ResolvedItem(item, cit, key, why, (NOTE_UNRESOLVED,) if why else (), where))
            prev = work or prev
        if cits:
            out.append(
                CitedText(
                    "footnote", note.text, note.span, None, tuple(cits), tuple(res), note.key, None
                )
            )
    return out


def note_form_count(texts: Iterable[str]) -> int:
    """How many notes open with a note-form citation (a full or shortened note, or Ibid.;
    in a law review also ``Id.``, ``..., supra note 3`` or a Bluebook full citation)."""
    return sum(1 for t in texts if _note_form_opening(t.strip()))


def _note_form_opening(text: str) -> bool:
    if _IBID.match(text) or _NOTE_HEAD.match(text) or BLUEBOOK_SHORT.match(text):
        return True
    return bluebook_full(text.split(";")[0]) is not None


# ----------------------------------------------------------- whole article


_Prose = tuple[str, str, Span, str | None, str | None, tuple[int, int] | None]

# The texts of a block that are scanned for citations (not headings, captions, header
# cells or table notes).
_CITED_KINDS = PROSE_KINDS | {"table-cell"}


def _prose(article: Article) -> Iterator[_Prose]:
    """(where, text, span, anchor, footnote key, cell) for every piece of prose."""
    for block in article.blocks:
        for t in texts_of(block):
            if t.kind in _CITED_KINDS:
                yield t.kind, t.text, t.span, t.anchor, None, t.cell
    for note in article.footnotes:
        yield "footnote", note.text, note.span, None, note.key, None


NOTES = "notes"  # notes-bibliography: the notes cite the works, no in-text citation


def style_counts(texts: Iterable[str]) -> dict[str, int]:
    """How many author-date citations and bracketed numbers the texts hold."""
    counts = {AUTHOR_DATE: 0, NUMERIC: 0}
    for text in texts:
        for style in counts:
            counts[style] += len(scan_citations(text, style))
    return counts


def choose_style(counts: dict[str, int], notes: int) -> tuple[str, str]:
    """(style, why) from the counts of ``style_counts`` and the number of notes: the
    in-text form found more often (at least twice), else notes when there are notes,
    else ``"none"``."""
    seen = (
        f"{counts[AUTHOR_DATE]} author-date citation(s), "
        f"{counts[NUMERIC]} bracketed number(s), {notes} note(s)"
    )
    best = max((AUTHOR_DATE, NUMERIC), key=lambda s: counts[s])
    if counts[best] >= 2 and counts[best] > counts[AUTHOR_DATE if best == NUMERIC else NUMERIC]:
        return best, f"the text holds {seen}"
    if notes:
        return NOTES, f"the text holds {seen}: its notes carry the citations"
    return "none", f"the text holds {seen}"


def detect_style(article: Article) -> tuple[str, str]:
    """The citation style an article's own text uses, and why (for a meta.yml that
    names none): its prose and notes are scanned in both in-text forms."""
    counts = style_counts(text for _, text, *_ in _prose(article))
    note_forms = note_form_count(f.text for f in article.footnotes)
    if note_forms >= 2 and note_forms * 2 >= len(article.footnotes):
        # most notes open as a full or shortened note or Ibid.: notes-bibliography
        # (their publication data can look like author-date citations)
        seen = (
            f"{counts[AUTHOR_DATE]} author-date citation(s), {counts[NUMERIC]} bracketed"
            f" number(s), {len(article.footnotes)} note(s), {note_forms} of them opening"
            " with a note citation (Chicago notes-bibliography)"
        )
        return NOTES, f"the text holds {seen}"
    return choose_style(counts, len(article.footnotes))


def cite_article(
    article: Article,
    references: Sequence[Reference],
    reporter: Reporter,
    lines: Sequence[str] | None = None,
    trace: list[str] | None = None,
) -> ArticleCitations:
    """Scan, resolve and audit one article.  ``references`` are its parsed, keyed
    entries; ``lines`` its source lines (for exact diagnostic lines); ``trace`` gathers
    the names of the rules that read the citations (for the fixtures)."""
    slug = article.meta.slug
    style = article.meta.citation_style
    if style is None:
        style, why = detect_style(article)
        reporter.note(
            Span(article.source_path, 1),
            f"{slug}: meta.yml names no citation_style; read as {style}: {why}",
            STYLE_DETECTED,
        )
    works = [work_of(r) for r in references]
    texts = cite_notes(article, works, reporter, lines, trace) if style == NOTES else []
    last: CiteItem | None = None
    for where, text, span, anchor, fn_key, cell in _prose(article):
        cits = scan_citations(text, style, trace)
        if style == AUTHOR_DATE and works:
            extra = scan_author_page(text, works, cits, trace)
            cits = sorted([*cits, *extra], key=lambda c: c.start)
        if fn_key is not None and style == AUTHOR_DATE:
            cits = _bare_in_note(text, cits, works, trace)
        cits, last = _fill_same_as_before(cits, last)
        if not cits:
            continue
        res = resolve(cits, works, slug, reporter, span, lines)
        texts.append(CitedText(where, text, span, anchor, tuple(cits), tuple(res), fn_key, cell))
    uncited = audit([r for t in texts for r in t.resolved], references, slug, reporter)
    return ArticleCitations(slug, tuple(texts), tuple(uncited))


# In a note, an author-date citation without parentheses: "see Schmidt 2019, S. 95–97",
# "quoted in Kucera 2022" (German house style, and many notes in author-date texts).
_BARE_CITE = re.compile(
    r"(?<![\w(/])(?P<who>[A-ZÀ-Þ][\w'’-]+(?:(?:\s+(?:and|&)\s+|/)[A-ZÀ-Þ][\w'’-]+)?)"
    r"(?P<etal>\s+(?:et\s+al\.|u\.\s?a\.))?\s+(?P<year>(?:1[6-9]|20)\d\d)(?P<suffix>[a-z])?"
    r"(?![\w\-–—/])(?:,\s*(?P<loc>(?:S|pp?)\.\s*\d+(?:\s*[-–—]\s*\d+)?(?:\s*ff?\.)?))?"
)


def _bare_in_note(
    text: str, cits: list[Citation], works: Sequence[Work], trace: list[str] | None
) -> list[Citation]:
    """note-bare-author-date: in a note, ``Family YEAR[, S. 5]`` with no parentheses
    is a citation when the list holds a work of that first author and year (a place or
    an event before a year, "Kyrgyzstan 2010", is no listed author and stays text)."""
    listed = {(w.folded[0], w.year + w.suffix) for w in works if w.families}
    listed |= {(w.folded[0], w.year) for w in works if w.families}
    out = list(cits)
    for m in _BARE_CITE.finditer(text):
        if any(c.start <= m.start() < c.end or m.start() <= c.start < m.end() for c in out):
            continue
        names = tuple(re.split(r"\s+(?:and|&)\s+|/", m.group("who")))
        year = m.group("year") + (m.group("suffix") or "")
        if (fold_family(names[0]), year) not in listed:
            continue
        item = CiteItem(
            m.start(),
            m.end(),
            m.group(),
            names=names,
            year=year,
            locator=m.group("loc"),
            et_al=bool(m.group("etal")),
            author=m.group("who"),
        )
        out.append(Citation(m.start(), m.end(), NARRATIVE, m.group(), (item,)))
        if trace is not None:
            trace.append("note-bare-author-date")
    return sorted(out, key=lambda c: c.start)


def _fill_same_as_before(
    cits: list[Citation], last: CiteItem | None
) -> tuple[list[Citation], CiteItem | None]:
    """same-as-before: an ``ebd.`` item takes the names and year of the item cited
    before it in the article (its own locator kept); with none before, it stays
    without names (unresolved).  Returns the citations and the last item cited."""
    out = []
    for cit in cits:
        items = []
        for item in cit.items:
            if is_same_as_before(item) and last is not None:
                item = replace(
                    item,
                    names=last.names,
                    year=last.year,
                    et_al=last.et_al,
                    abbreviation=last.abbreviation,
                    corporate=last.corporate,
                )
            items.append(item)
            if item.names:
                last = item
        out.append(replace(cit, items=tuple(items)))
    return out, last


# ------------------------------------------------------------- linking


def apply_links(
    article: Article, cited: ArticleCitations, token: Callable[[ResolvedItem, str], str]
) -> Article:
    """The article with every cited work's text replaced by ``token(resolved, text)``
    (the renderer turns the token into a link and any editorial note)."""

    def mark(text: str, resolved: Sequence[ResolvedItem]) -> str:
        for r in sorted(resolved, key=lambda r: r.item.start, reverse=True):
            i = r.item
            if i.start == i.end:  # a work inside a range ("[4–7]"): counted, no text
                token(r, "")
                continue
            text = text[: i.start] + token(r, text[i.start : i.end]) + text[i.end :]
        return text

    found: dict[tuple[object, ...], str] = {}
    for t in cited.texts:
        where = ("footnote", t.footnote) if t.where == "footnote" else (t.where, t.anchor, t.cell)
        found[where] = mark(t.text, t.resolved)

    def linked(t: BlockText) -> str:
        return found.get((t.kind, t.anchor, t.cell), t.text)

    blocks = tuple(map_texts(b, linked) for b in article.blocks)
    notes = tuple(
        replace(f, text=found.get(("footnote", f.key), f.text)) for f in article.footnotes
    )
    return replace(article, blocks=blocks, footnotes=notes)


# ------------------------------------------------------------- the stage


def link_citations(
    articles: Sequence[Article], bib: BibliographyBuild, reporter: Reporter
) -> CitationsBuild:
    """Find the citations in every article, resolve them against its reference list,
    put link tokens into the text, and gather where each merged entry is cited."""
    titles = {a.meta.slug: a.meta.title for a in articles}
    previews = {k: html.unescape(re.sub(r"<[^>]+>", "", v)) for k, v in bib.ordered}
    merged = {m.key: m for m in bib.merged}
    listed_by = functools.cache(lambda key: merged[key].slugs)  # sorted once per work
    cited_at: dict[str, list[CitedAt]] = {}
    linked: dict[str, Article] = {}
    citations: dict[str, ArticleCitations] = {}

    def cite(article: Article, reporter: Reporter) -> ArticleCitations | None:
        refs = bib.per_article.get(article.meta.slug, ())
        if not refs:
            _notes_without_list(article, reporter)
            return None
        # a pure function of the article and its list: reused while neither changes
        return memo(
            "citations", article.meta.slug, (article, refs),
            lambda r: cite_article(article, refs, r, article.source_lines), reporter,
        )  # fmt: skip

    # Scanning and resolving depend on one article and its list: on every core.
    for article, cited in zip(articles, map_reported(cite, articles, reporter), strict=True):
        slug = article.meta.slug
        if cited is None:
            continue
        where = {
            id(r): t.anchor or note_anchor(t.footnote or "")
            for t in cited.texts
            for r in t.resolved
        }

        def token(
            r: ResolvedItem, text: str, slug: str = slug, where: dict[int, str] = where
        ) -> str:
            key = bib.key_index.get((slug, r.key)) if r.key else None
            preview = previews.get(key, "") if key else ""
            if key:
                others = [s for s in listed_by(key) if s != slug]
                many = len(others) > ALSO_NAMED  # then only their number is said
                named = others if many else [short_title(s, titles) for s in others]
                preview += _also_listed(named)
                cited_at.setdefault(key, []).append((slug, where[id(r)], r.note))
            return cite_token(text, key, preview, r.note)

        citations[slug] = cited
        linked[slug] = apply_links(article, cited, token)
    cite_documents_by_address(articles, bib.merged, cited_at)
    return CitationsBuild(linked, citations, {k: tuple(v) for k, v in cited_at.items()})


# A preview names the other articles that list the work up to this many; beyond, it
# says how many (its bibliography entry names them all): a work that a large reader's
# every fourth article lists would otherwise fill each preview, and each page, with
# hundreds of titles.
ALSO_NAMED = 5


def _also_listed(others: Sequence[str]) -> str:
    """The preview's closing sentence on the other articles that list the work."""
    if not others:
        return ""
    if len(others) > ALSO_NAMED:
        return f" Also in the reference lists of {len(others)} other articles."
    return " Also in the reference list of " + ", ".join(others) + "."


def _notes_without_list(article: Article, reporter: Reporter) -> None:
    """A notes-bibliography text with no reference list whose full notes gave no entry
    either (``ingest.notes_list`` makes the full notes the list when it can): its notes
    cite works no entry stands for, so nothing is linked; said, not guessed."""
    style = article.meta.citation_style or detect_style(article)[0]
    forms = note_form_count(f.text for f in article.footnotes)
    if style == NOTES and forms:
        reporter.note(
            Span(article.source_path, article.footnotes[0].span.line),
            f"{article.meta.slug}: {forms} note(s) cite works, but the text has no reference"
            " list: the notes' works are not linked to the bibliography",
            "notes-without-list",
        )


def _address_key(url: str) -> str:
    """An address reduced for comparison: no scheme, "www."/"en." prefix, spaces,
    fragment or trailing "/" and "_" ("https://en.odkb-csto.org/documents/x_/#loaded"
    and "odkb-csto.org/documents/ x" are one document)."""
    url = re.sub(r"\s+", "", url.lower())
    url = re.sub(r"^(https?://)?(www\.|en\.)?", "", url)
    return re.sub(r"[#?].*$", "", url).rstrip("/_")


def cite_documents_by_address(
    articles: Iterable[Article],
    merged: Iterable[MergedEntry],
    cited_at: dict[str, list[CitedAt]],
) -> None:
    """Footnotes that cite a document by its address (the CSTO Charter, the Treaty) are
    counted as citations of the bibliography entry with that address (added to
    ``cited_at``), so the entry lists every article that cites it, in its reference list
    or in a note."""
    merged = list(merged)
    articles = list(articles)
    by_address: dict[str, str] = {}
    for m in merged:
        if m.get("url"):
            by_address.setdefault(_address_key(m.get("url")), m.key)
    names: dict[str, str] = {}  # a document's name -> the key of its entry
    for m in merged:
        if m.get("url") and (name := document_name(m.get("title"))):
            names.setdefault(name, m.key)
    for a in articles:
        for f in a.footnotes:
            for url in re.findall(r"https?://[^\s)\]>]+(?: [a-z_/]+/)?", f.text):
                # the note's own punctuation after the address is no part of it
                key = by_address.get(_address_key(url.rstrip(".,;:’”\"'")))
                if key:
                    _add_cite(cited_at, key, (a.meta.slug, note_anchor(f.key), None))
                    if name := document_name(f.text):
                        names.setdefault(name, key)
    # a note that names such a document without its address cites it too ("Article 4 in
    # the COLLECTIVE SECURITY TREATY."): its name is the entry's title or the name a
    # note citing the entry by address gives it
    for a in articles:
        for f in a.footnotes:
            key = names.get(document_name(f.text) or "")
            if key:
                _add_cite(cited_at, key, (a.meta.slug, note_anchor(f.key), None))


def _add_cite(cited_at: dict[str, list[CitedAt]], key: str, where: CitedAt) -> None:
    if where not in cited_at.get(key, []):
        cited_at.setdefault(key, []).append(where)


# What comes before a document's name in a note ("See:", "Article 5, Chapter 2,",
# "Article 4 in the", "The") and what ends the name (a date, " // ", " / ", "(", a stop).
_NAME_LEAD = re.compile(
    r"^(?:see:?\s+)?(?:article\s+\d+(?:,\s*chapter\s+\d+)?,?\s*(?:in|of)?\s*)?(?:the\s+)?",
    re.I,
)
_NAME_END = re.compile(
    r",?\s+(?:dated|of)\s+(?:\d|[A-Z][a-z]+\s+\d)|,\s*dated\b|\s+//|\s+/\s|\s*\(|[.;:,]|\s+https?://|$",
    re.I,
)


def document_name(text: str) -> str | None:
    """The name of the document a note or an entry's title gives, case and spaces
    folded, or None when it is under three words: "Article 4 in the COLLECTIVE SECURITY
    TREATY." and "Collective Security Treaty, dated May 15, 1992" both give "collective
    security treaty"."""
    text = " ".join(text.split())
    rest = text[_NAME_LEAD.match(text).end() :]  # type: ignore[union-attr]
    end = _NAME_END.search(rest)
    name = rest[: end.start() if end else len(rest)].strip().casefold()
    return name if len(name.split()) >= 3 else None
