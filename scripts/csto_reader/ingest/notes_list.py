"""The notes as the reference list: a Chicago notes-bibliography text with no bibliography.

A text in notes-bibliography style may print no bibliography at all: its first note on
each work is a full note (``Roy Allison, "Title," International Affairs 80, no. 3 (2004):
470.``) and later notes shorten it (``Allison, "Regionalism," 470.``) or say ``Ibid.``.
Then the full notes are the list: ``works_in_notes`` gives one reference item per work,
the first full note that cites it (its ``;``-separated part, its "See" lead left out),
with the note's line.  The references stage reads them (rule ``chicago-note``), the
citation stage links every note to them, and the page lists them under a heading the
reader adds (``NOTES_LIST_TITLE``).

Law reviews (Bluebook) do the same with their own forms: a full citation ``Roy
Allison, Title, 80 INT'L AFF. 463, 470 (2004).`` (volume, journal, first page, pinpoint,
year), a book ``MARAT ZHANBOLATOV, TITLE 88 (2d ed. 2019)`` (small capitals printed as
capitals), a web page ``Author, Title, SITE (Jan. 5, 2022), URL`` or an instrument
``Treaty on ... art. 4, May 15, 1992, 1894 U.N.T.S. 306``, and later notes ``Allison,
supra note 3, at 471`` or ``Id. at 472``.  ``bluebook_full`` finds a full citation in a
note's part (after a lead such as "See, e.g.," or "For the older debate, see").

A text whose notes are not in that style (most notes are not full or shortened notes or
``Ibid.``), or whose ``meta.yml`` names another citation style, gives nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..model import Footnote, ReferenceItem

NOTES_LIST_TITLE = "Works cited in the notes"

_CAP = "A-ZÀ-ÖØ-Þ\u0100-\u024f"
# A name given first ("Roy Allison", "Karl W. Deutsch", "Jorge dos Santos"), or a
# corporate author ("Collective Security Treaty Organization").
_NAME = rf"[{_CAP}][\w.'’-]*(?:\s+(?:[{_CAP}][\w.'’-]*|de|da|dos|van|von|der|of|the|for|on|and))*"
# The authors, then a title in quotes, in italics, or plain up to the publication facts
# in parentheses ("Title (City: Publisher, 2019)").
_FULL_NOTE = re.compile(
    rf"(?P<who>{_NAME}(?:,\s+(?:and\s+)?{_NAME})*),\s+"
    r"(?:[\"“][^\"“”]{2,300}?[,.]?[\"”]|\*[^*]{2,300}\*|[A-Z][^()\"“”]{2,200}?(?=\s\())"
)
_YEAR = re.compile(r"\b(?:1[6-9]\d\d|20\d\d)\b")
_IBID = re.compile(r"ibid(?:em)?\b", re.I)
_LEAD = re.compile(r"\s*(?:(?:see\s+also|see|cf\.|compare)\s+)?", re.I)


# Bluebook (rule ``bluebook-note``).  Authors given first ("Roy Allison", "Grace Mensah",
# "MARAT ZHANBOLATOV"), a title up to ", <volume> <JOURNAL> <page>" or " (<year>)".
_BB_WHO = rf"(?P<who>{_NAME}(?:(?:\s+&\s+|,?\s+and\s+){_NAME})*(?:\s+et\s+al\.)?)"
_BB_YEAR = r"(?P<year>1[6-9]\d\d|20\d\d)"
_BB_PIN = r"(?:,\s+(?P<pin>\d[\d–—-]*(?:,\s+\d[\d–—-]*)*))?"
BLUEBOOK_SHAPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "periodical",
        re.compile(
            rf"{_BB_WHO},\s+(?P<title>[^()]+?),\s+(?P<volume>\d{{1,4}})\s+"
            rf"(?P<journal>[A-Z][^()\d]*?)\s+(?P<page>\d{{1,5}}){_BB_PIN}\s+"
            rf"\((?:[A-Z][a-z]{{2,4}}\.?\s+(?:\d{{1,2}},\s+)?)?{_BB_YEAR}\)"
        ),
    ),
    (
        "web",
        re.compile(
            rf"{_BB_WHO},\s+(?P<title>[^()]+?),\s+(?P<site>(?=[A-Z.'’&\s-]*[A-Z]{{3}})"
            r"[A-Z][A-Z0-9.'’&\s-]+?)\s+"
            rf"\((?:[A-Z][a-z]{{2,4}}\.?\s+\d{{1,2}},\s+)?{_BB_YEAR}\)"
        ),
    ),
    (
        "book",
        re.compile(
            r"(?P<who>[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+)+(?:\s+&\s+[A-Z][A-Z.'’\s-]+?)?),\s+"
            r"(?P<title>[A-Z][A-Z0-9\s,.'’:;&-]+?)(?:\s+(?P<pin>\d[\d–—-]*(?:,\s+\d[\d–—-]*)*))?"
            rf"\s+\((?:(?P<edition>\d+[a-z]{{1,2}}\s+ed\.)\s+)?{_BB_YEAR}\)"
        ),
    ),
    (
        "instrument",
        re.compile(
            r"(?P<title>[A-Z][\w'’\s-]+?)\s+(?:arts?\.|pmbl\.|§+)\s*[\w.,\s–-]*?,\s+"
            rf"[A-Z][a-z]{{2,4}}\.?\s+\d{{1,2}},\s+{_BB_YEAR},\s+"
            r"(?P<volume>\d{1,5})\s+(?P<journal>[A-Z][\w.]*(?:\s[A-Z][\w.]*)*?)\s+(?P<page>\d{1,5})"
        ),
    ),
)
# "See, e.g.," / "For the older debate, see" / "Cf." before a citation
_BB_LEAD = re.compile(r"(?:.{0,80}?\b(?:see(?:\s+also)?|cf\.)(?:,\s*e\.g\.,)?\s+)?", re.I)
# "Allison, supra note 3, at 471" / "Id. at 472" (the later notes of a law review)
BLUEBOOK_SHORT = re.compile(r"(?:(?P<who>[^,;]{2,80}),\s+supra\s+note\s+(?P<note>\d+)|Id\.)")


def bluebook_full(part: str) -> tuple[str, re.Match[str]] | None:
    """The shape and match of a Bluebook full citation in ``part`` (at its start or
    after a lead ending in "see" or "cf."), or None."""
    lead = _BB_LEAD.match(part)
    starts = ([lead.end()] if lead and lead.end() else []) + [0]
    for start in starts:
        for shape, rx in BLUEBOOK_SHAPES:
            m = rx.match(part, start)
            if m:
                return shape, m
    return None


def _parts(text: str) -> list[str]:
    """A note's ``;``-separated citations, their "See" lead left out."""
    return [_LEAD.sub("", p, count=1).strip() for p in text.split(";")]


def _full(part: str) -> bool:
    """A full note: authors, a title, and a year in what follows (a shortened note gives
    no year)."""
    if bluebook_full(part):
        return True
    m = _FULL_NOTE.match(part)
    return m is not None and bool(_YEAR.search(part, m.end()))


def _note_form(text: str) -> bool:
    part = _parts(text)[0]
    if bluebook_full(part) or BLUEBOOK_SHORT.match(part):
        return True
    return bool(_IBID.match(part) or _FULL_NOTE.match(part))


def _work(part: str) -> str:
    """What identifies a work in a full note: its authors and title, folded."""
    bb = bluebook_full(part)
    if bb:
        return re.sub(r"\W+", " ", bb[1].group("title").lower()).strip()
    m = _FULL_NOTE.match(part)
    return re.sub(r"\W+", " ", m.group().lower()).strip() if m else part


def works_in_notes(
    footnotes: Sequence[Footnote], citation_style: str | None
) -> tuple[ReferenceItem, ...]:
    """One reference item per work a full note cites, in the order of first citation;
    nothing unless the notes are in notes-bibliography style (``meta.yml`` says
    ``notes``, or names no style and most notes open as a note citation)."""
    if citation_style not in (None, "notes") or not footnotes:
        return ()
    if citation_style is None:
        forms = sum(1 for f in footnotes if _note_form(f.text))
        if forms < 2 or forms * 2 < len(footnotes):
            return ()
    items: list[ReferenceItem] = []
    seen: set[str] = set()
    for f in footnotes:
        for part in _parts(f.text):
            if not _full(part) or _work(part) in seen:
                continue
            seen.add(_work(part))
            bb = bluebook_full(part)
            items.append(ReferenceItem(part[bb[1].start() :] if bb else part, f.span))
    return tuple(items)
