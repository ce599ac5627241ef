"""Stage 4: anchors.  Give every body block its stable address.

Paragraphs, block quotations, list items and tables are numbered in reading order
(``p1``, ``p2``, ...): the visible ¶ number and the anchor are the same number, on the
web and on paper.  Headings get a slug of their text (``#materials-and-methods``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from ..model import Heading, ListBlock, Paragraph, Quote, Table


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


def number_blocks(blocks: tuple) -> tuple[tuple, dict[int, str]]:
    """Number paragraphs, quotes, list items (and a quote inside an item) and tables
    ``p1``, ``p2``, ... in reading order; return the blocks and heading ids by index."""
    n = 0
    out = []
    heading_ids: dict[int, str] = {}
    taken: set[str] = set()

    def nxt() -> str:
        nonlocal n
        n += 1
        return f"p{n}"

    for i, b in enumerate(blocks):
        if isinstance(b, Heading):
            heading_ids[i] = unique_slug(b.text, taken)
            out.append(b)
        elif isinstance(b, (Paragraph, Quote, Table)):
            out.append(replace(b, anchor=nxt()))
        elif isinstance(b, ListBlock):
            items = []
            for it in b.items:
                a = nxt()
                items.append(replace(it, anchor=a, quote_anchor=nxt() if it.quote else None))
            out.append(replace(b, items=tuple(items)))
        else:
            out.append(b)
    return tuple(out), heading_ids


def anchor_index(blocks: tuple, heading_ids: dict[int, str]) -> list[tuple[str, str, int]]:
    """Every stable address of an article: (anchor, first words, source line), in order.

    Headings give their slug; paragraphs, quotes, list items and tables their ``pN``.
    """
    from .footnotes import split_tokens

    def first_words(text: str, n: int = 8) -> str:
        plain = "".join(v for k, v in split_tokens(text) if k == "text")
        return " ".join(plain.split()[:n])

    out: list[tuple[str, str, int]] = []
    for i, b in enumerate(blocks):
        if isinstance(b, Heading):
            out.append((heading_ids[i], b.text, b.span.line))
        elif isinstance(b, (Paragraph, Quote)):
            out.append((b.anchor, first_words(b.text), b.span.line))
        elif isinstance(b, Table):
            out.append((b.anchor, b.caption or "Table", b.span.line))
        elif isinstance(b, ListBlock):
            for it in b.items:
                out.append((it.anchor, first_words(it.text), it.span.line))
                if it.quote:
                    out.append((it.quote_anchor, first_words(it.quote), it.span.line))
    return out
