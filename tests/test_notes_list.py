"""The notes as the reference list (ingest.notes_list): a notes-bibliography text with no
bibliography gets one reference item per work, from the first full note citing it."""

from __future__ import annotations

from csto_reader.ingest.notes_list import works_in_notes
from csto_reader.model import Footnote, Span

FULL = 'Roy Allison, "Regionalism and Security," International Affairs 80, no. 3 (2004): 470.'
BOOK = "Dana Kulbayeva, Neighbours and Partners (Almaty: Example Press, 2019), 54."


def notes(*texts: str) -> tuple[Footnote, ...]:
    return tuple(Footnote(str(n), t, Span("a.txt", n)) for n, t in enumerate(texts, start=1))


def test_one_item_per_work_from_its_first_full_note() -> None:
    items = works_in_notes(
        notes(FULL, "Ibid., 472.", f"See {BOOK}", 'Allison, "Regionalism," 475.', FULL), None
    )
    assert [(i.text, i.span.line) for i in items] == [(FULL, 1), (BOOK, 3)]


def test_each_citation_of_a_note_is_read() -> None:
    items = works_in_notes(notes(f"{FULL}; {BOOK}", "Ibid."), "notes")
    assert [i.text for i in items] == [FULL, BOOK]


def test_notes_of_another_style_give_nothing() -> None:
    prose = notes("The Council met twice in 2004.", "On this, see the charter.", FULL)
    assert works_in_notes(prose, None) == ()  # most notes are no note citation
    assert works_in_notes(notes(FULL, BOOK), "author-date") == ()
    assert works_in_notes((), None) == ()


def test_a_shortened_note_alone_is_no_entry() -> None:
    assert works_in_notes(notes('Allison, "Regionalism," 475.', "Ibid."), "notes") == ()
