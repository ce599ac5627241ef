"""Stage 4: anchors.  Give every body block its stable address.

Paragraphs, block quotations, list items and tables are numbered in reading order
(``p1``, ``p2``, ...): the visible ¶ number and the anchor are the same number, on the
web and on paper.  Headings get a slug of their text (``#materials-and-methods``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping

from ..markup import note_anchor, para_anchor
from ..model import PROSE_KINDS, Article, Block, Heading, Span, texts_of, with_anchors
from .footnotes import split_tokens


def slugify(text: str) -> str:
    """A lowercase ASCII slug: "Russia-U.S." -> "russia-us"; empty text gives "section"."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[\s_-]+", "-", text).strip("-") or "section"


# Ids an article page gives other parts than its body headings: the title, the notes,
# the reference list and its items, paragraph numbers (note ids hold a ":", which no
# slug has).
RESERVED_IDS = frozenset({"title", "notes", "references"})
# "ref-1" but not "ref-1-2", so that adding -2, -3, ... ends the search.
RESERVED_ID = re.compile(r"p\d+|ref-[a-z0-9]+")


def unique_slug(text: str, taken: set[str]) -> str:
    """``slugify(text)``, with -2, -3, ... if that id is taken or reserved; adds it to
    ``taken``."""
    base = slugify(text)
    hid, k = base, 2
    while hid in taken or hid in RESERVED_IDS or RESERVED_ID.fullmatch(hid):
        hid, k = f"{base}-{k}", k + 1
    taken.add(hid)
    return hid


def number_blocks(blocks: Iterable[Block]) -> tuple[tuple[Block, ...], dict[int, str]]:
    """Number paragraphs, quotes, list items (and a quote inside an item) and tables
    ``p1``, ``p2``, ... in reading order; return the blocks and heading ids by index."""
    n = 0
    out: list[Block] = []
    heading_ids: dict[int, str] = {}
    taken: set[str] = set()

    def nxt() -> str:
        nonlocal n
        n += 1
        return para_anchor(n)

    for i, b in enumerate(blocks):
        if isinstance(b, Heading):
            heading_ids[i] = unique_slug(b.text, taken)
        out.append(with_anchors(b, nxt))
    return tuple(out), heading_ids


def _first_words(text: str, n: int = 8) -> str:
    plain = "".join(v for k, v in split_tokens(text) if k == "text")
    return " ".join(plain.split()[:n])


def anchor_index(
    blocks: Iterable[Block], heading_ids: Mapping[int, str]
) -> list[tuple[str, str, int]]:
    """Every stable address of an article: (anchor, first words, source line), in order.

    Headings give their slug; paragraphs, quotes, list items and tables their ``pN``
    (blocks numbered by ``number_blocks``).
    """
    out: list[tuple[str, str, int]] = []
    for i, b in enumerate(blocks):
        for t in texts_of(b):
            if t.kind == "heading":
                out.append((heading_ids[i], t.text, t.span.line))
            elif t.kind == "table-caption":
                out.append((_numbered(t.anchor), t.text or "Table", t.span.line))
            elif t.kind in PROSE_KINDS:
                out.append((_numbered(t.anchor), _first_words(t.text), t.span.line))
    return out


def _numbered(anchor: str | None) -> str:
    """The anchor of a numbered block; every body block has one after ``number_blocks``."""
    if anchor is None:
        raise ValueError("a body block without its anchor: number_blocks did not run")
    return anchor


def paragraph_texts(articles: Iterable[Article]) -> Iterator[tuple[str, str, str]]:
    """(slug, anchor, text) of every numbered body block with prose, in reading order."""
    for a in articles:
        for blk in a.blocks:
            for t in texts_of(blk):
                if t.kind in PROSE_KINDS:
                    yield a.meta.slug, _numbered(t.anchor), t.text


def _lines(span: Span) -> range:
    return range(span.line, (span.end_line or span.line) + 1)


def line_anchors(articles: Iterable[Article]) -> dict[tuple[str, int], str]:
    """(slug, source line) -> the anchor of the block that holds that line."""
    out: dict[tuple[str, int], str] = {}
    for a in articles:
        for blk in a.blocks:
            for t in texts_of(blk):
                if t.kind != "heading":  # a list item's lines go to the item's own anchor
                    for line in _lines(t.span):
                        out.setdefault((a.meta.slug, line), _numbered(t.anchor))
    return out


def note_anchors(articles: Iterable[Article]) -> dict[tuple[str, int], str]:
    """(slug, source line) -> ``fn:<key>`` for the body of every placed footnote.

    A note the page does not show (no marker in the text) gets no address."""
    out: dict[tuple[str, int], str] = {}
    for a in articles:
        for f in a.footnotes:
            if f.placed:
                for line in _lines(f.span):
                    out[(a.meta.slug, line)] = note_anchor(f.key)
    return out


def source_anchors(articles: Iterable[Article]) -> dict[tuple[str, int], str]:
    """(slug, source line) -> the address that shows the line: ``fn:<key>`` for a line of
    a placed note's body, else the ¶ anchor of the block that holds it.  The note wins
    over a paragraph that a page break cut around the note (Zhang's notes 14-16 stand
    between the two halves of ¶20)."""
    articles = list(articles)
    out = line_anchors(articles)
    out.update(note_anchors(articles))
    return out


def known_anchors(article: Article, heading_ids: Mapping[int, str]) -> set[str]:
    """Every anchor the article's page has: headings, numbered blocks, placed notes."""
    ids = {anchor for anchor, _, _ in anchor_index(article.blocks, heading_ids)}
    return ids | {note_anchor(f.key) for f in article.footnotes if f.placed}
