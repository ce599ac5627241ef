"""model.texts_of / map_texts / with_anchors: the one dispatch over block shapes."""

from __future__ import annotations

from csto_reader.model import (
    Heading,
    ListBlock,
    ListItem,
    Paragraph,
    Quote,
    Span,
    Table,
    map_texts,
    texts_of,
    with_anchors,
)

S = Span("a.txt", 3, 4)
T = Span("a.txt", 7)


def _blocks():
    return (
        Heading(2, "Intro", S),
        Paragraph("para", S, "p1"),
        Quote("quoted", S, "p2"),
        ListBlock(
            False,
            (
                ListItem("one", T, anchor="p3", quote="inner", quote_anchor="p4"),
                ListItem("two", S, anchor="p5"),
            ),
            S,
        ),
        Table("Cap", ("h1", "h2"), (("a", "b"), ("c", "d")), S, note="n", anchor="p6"),
    )


def test_texts_in_reading_order_with_their_places():
    got = [(t.kind, t.text, t.anchor, t.cell) for b in _blocks() for t in texts_of(b)]
    assert got == [
        ("heading", "Intro", None, None),
        ("paragraph", "para", "p1", None),
        ("quote", "quoted", "p2", None),
        ("list-item", "one", "p3", None),
        ("item-quote", "inner", "p4", None),
        ("list-item", "two", "p5", None),
        ("table-caption", "Cap", "p6", None),
        ("table-header", "h1", "p6", (0, 0)),
        ("table-header", "h2", "p6", (0, 1)),
        ("table-cell", "a", "p6", (0, 0)),
        ("table-cell", "b", "p6", (0, 1)),
        ("table-cell", "c", "p6", (1, 0)),
        ("table-cell", "d", "p6", (1, 1)),
        ("table-note", "n", "p6", None),
    ]
    item_spans = [t.span for t in texts_of(_blocks()[3])]
    assert item_spans == [T, T, S]


def test_map_texts_touches_every_text_and_nothing_else():
    blocks = tuple(map_texts(b, lambda t: f"{t.kind}:{t.text}") for b in _blocks())
    again = [t.text for b in blocks for t in texts_of(b)]
    before = [f"{t.kind}:{t.text}" for b in _blocks() for t in texts_of(b)]
    assert again == before
    assert blocks[3].items[1].quote is None
    assert blocks[4].span == S and blocks[4].anchor == "p6"


def test_map_texts_identity_keeps_equal_blocks():
    assert tuple(map_texts(b, lambda t: t.text) for b in _blocks()) == _blocks()


def test_with_anchors_numbers_every_part_in_reading_order_and_no_heading():
    from dataclasses import replace

    bare = []
    for b in _blocks():  # the blocks without their anchors, as the segmenter makes them
        if isinstance(b, ListBlock):
            b = replace(b, items=tuple(replace(i, anchor=None, quote_anchor=None) for i in b.items))
        elif not isinstance(b, Heading):
            b = replace(b, anchor=None)
        bare.append(b)
    numbers = iter(range(1, 100))
    got = tuple(with_anchors(b, lambda: f"p{next(numbers)}") for b in bare)
    assert got == _blocks()  # p1 ... p6: paragraph, quote, item, its quote, item, table
