"""The notes as the reference list: a Chicago notes-bibliography text with no bibliography.

A text in notes-bibliography style may print no bibliography at all: its first note on
each work is a full note (``Roy Allison, "Title," International Affairs 80, no. 3 (2004):
470.``) and later notes shorten it (``Allison, "Regionalism," 470.``) or say ``Ibid.``.
Then the full notes are the list: ``works_in_notes`` gives one reference item per work,
the first full note that cites it (its ``;``-separated part, its "See" lead left out),
with the note's line.  The references stage reads them (rule ``chicago-note``), the
citation stage links every note to them, and the page lists them under a heading the
reader adds (``NOTES_LIST_TITLE``).

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


def _parts(text: str) -> list[str]:
    """A note's ``;``-separated citations, their "See" lead left out."""
    return [_LEAD.sub("", p, count=1).strip() for p in text.split(";")]


def _full(part: str) -> bool:
    """A full note: authors, a title, and a year in what follows (a shortened note gives
    no year)."""
    m = _FULL_NOTE.match(part)
    return m is not None and bool(_YEAR.search(part, m.end()))


def _note_form(text: str) -> bool:
    part = _parts(text)[0]
    return bool(_IBID.match(part) or _FULL_NOTE.match(part))


def _work(part: str) -> str:
    """What identifies a work in a full note: its authors and title, folded."""
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
            items.append(ReferenceItem(part, f.span))
    return tuple(items)
