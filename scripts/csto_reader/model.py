"""Plain data passed between the pipeline stages.

Every object that comes from a source carries a ``Span`` so any message can name the
file and line it came from.  Line numbers are 1-based, as editors show them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace

# The pipeline's own delimiters inside block text are Unicode noncharacters (U+FDD0 to
# U+FDD8), which Unicode sets aside for a program's internal use and which no conversion
# of a document produces; the sources stage rejects them (and C0 controls) in any input, so
# source text cannot forge a marker.  (Private-use characters, which PDF conversions do
# produce for symbol-font glyphs, stay ordinary text.)  Footnote marker:
# FN_OPEN + key + FN_CLOSE.
FN_OPEN = "\ufdd0"
FN_CLOSE = "\ufdd1"


# A linked citation: CITE_OPEN + key + SEP + preview + SEP + note + CITE_MID + text + CITE_CLOSE
CITE_OPEN = "\ufdd5"
CITE_MID = "\ufdd6"
CITE_CLOSE = "\ufdd7"
CITE_SEP = "\ufdd8"


def cite_token(text: str, key: str | None, preview: str, note: str | None) -> str:
    """The in-text token for a cited work: its visible text and where it links."""
    payload = CITE_SEP.join([key or "", preview, note or ""])
    return f"{CITE_OPEN}{payload}{CITE_MID}{text}{CITE_CLOSE}"


def fn_token(key: str) -> str:
    """The in-text token for the footnote ``key`` (e.g. ``"9"`` or ``"a"``)."""
    return f"{FN_OPEN}{key}{FN_CLOSE}"


@dataclass(frozen=True)
class Span:
    file: str
    line: int
    end_line: int | None = None


@dataclass(frozen=True)
class Author:
    name: str
    affiliation: str | None = None
    email: str | None = None
    orcid: str | None = None


@dataclass(frozen=True)
class ArticleMeta:
    """What ``sources/<slug>/meta.yml`` says: what the text states about itself.

    ``provenance`` maps a field name to the cited source of a field the text itself
    does not state (for example the venue of a web page, taken from the journal's site).
    ``accept`` lists known defects of the original that the build shows as editorial
    notes instead of failing on them (codes such as ``footnote-unplaced``).
    """

    slug: str
    title: str
    authors: tuple[Author, ...]
    year: int | None = None
    venue: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    url: str | None = None
    license: str | None = None
    license_url: str | None = None
    keywords: tuple[str, ...] = ()
    abstract: str | None = None
    kind: str = "article"
    language: str = "en"
    citation_style: str | None = None
    note: str | None = None
    provenance: dict[str, str] = field(default_factory=dict)
    accept: tuple[str, ...] = ()
    editorial: tuple[str, ...] = ()
    span: Span | None = None


@dataclass(frozen=True)
class SourceText:
    """A received article text with its metadata, before any cleaning."""

    slug: str
    path: str  # as shown in messages, e.g. "sources/zhang-2023/article.txt"
    lines: tuple[str, ...]  # without line ends; BOM removed, CRLF normalized
    meta: ArticleMeta


@dataclass(frozen=True)
class Removal:
    """A piece of source text the cleaner took out, and the rule that took it."""

    span: Span
    text: str
    rule: str
    reason: str = ""


@dataclass(frozen=True)
class Normalisation:
    """A change the cleaner made to the spacing or link syntax of a line it kept (never
    to its words), and the rule that made it: ``before`` is the stretch as received,
    ``after`` what the page shows instead (e.g. "2000s ." -> "2000s.")."""

    span: Span
    rule: str
    before: str
    after: str


@dataclass(frozen=True)
class Line:
    """One source line after cleaning; ``number`` is its line in the source file."""

    number: int
    text: str


# ---------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Heading:
    level: int  # 2 or 3 (the article title is level 1)
    text: str
    span: Span


@dataclass(frozen=True)
class Paragraph:
    text: str
    span: Span
    anchor: str | None = None  # "p12", given by the anchors stage


@dataclass(frozen=True)
class Quote:
    text: str
    span: Span
    anchor: str | None = None


@dataclass(frozen=True)
class ListItem:
    text: str
    span: Span
    number: int | None = None  # the number the source gives the item
    quote: str | None = None  # a block quotation inside the item
    anchor: str | None = None
    quote_anchor: str | None = None


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    items: tuple[ListItem, ...]
    span: Span
    start: int = 1
    anchor: str | None = None


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # a cell may hold "\n"-separated list items
    span: Span
    note: str | None = None
    anchor: str | None = None


Block = Heading | Paragraph | Quote | ListBlock | Table


@dataclass(frozen=True)
class BlockText:
    """One piece of text inside a block, and where it sits.

    ``kind`` is ``"heading"``, ``"paragraph"``, ``"quote"``, ``"list-item"``,
    ``"item-quote"`` (a quotation inside a list item), ``"table-caption"``,
    ``"table-header"``, ``"table-cell"`` or ``"table-note"``.  ``anchor`` is the ¶ anchor
    of the piece (a list item's own, an item quotation's ``quote_anchor``, a table's for
    all its parts); ``cell`` is (row, column) of a table cell, (0, column) of a header
    cell.  ``span`` is the block's (a list item's own for its texts).
    """

    kind: str
    text: str
    span: Span
    anchor: str | None = None
    cell: tuple[int, int] | None = None


def texts_of(block: Block) -> Iterator[BlockText]:
    """Every text of ``block`` in reading order: the one place that knows block shapes."""
    if isinstance(block, Heading):
        yield BlockText("heading", block.text, block.span)
    elif isinstance(block, (Paragraph, Quote)):
        kind = "paragraph" if isinstance(block, Paragraph) else "quote"
        yield BlockText(kind, block.text, block.span, block.anchor)
    elif isinstance(block, ListBlock):
        for item in block.items:
            yield BlockText("list-item", item.text, item.span, item.anchor)
            if item.quote:
                yield BlockText("item-quote", item.quote, item.span, item.quote_anchor)
    elif isinstance(block, Table):
        yield BlockText("table-caption", block.caption, block.span, block.anchor)
        for c, head in enumerate(block.header):
            yield BlockText("table-header", head, block.span, block.anchor, (0, c))
        for r, row in enumerate(block.rows):
            for c, cell in enumerate(row):
                yield BlockText("table-cell", cell, block.span, block.anchor, (r, c))
        if block.note:
            yield BlockText("table-note", block.note, block.span, block.anchor)


def map_texts(block: Block, fn: Callable[[BlockText], str]) -> Block:
    """``block`` with every text ``t`` that ``texts_of`` yields replaced by ``fn(t)``."""
    if isinstance(block, (Heading, Paragraph, Quote)):
        (piece,) = texts_of(block)
        return replace(block, text=fn(piece))
    if isinstance(block, ListBlock):
        items = []
        for item in block.items:
            text = fn(BlockText("list-item", item.text, item.span, item.anchor))
            quote = item.quote
            if quote:
                quote = fn(BlockText("item-quote", quote, item.span, item.quote_anchor))
            items.append(replace(item, text=text, quote=quote))
        return replace(block, items=tuple(items))
    return _map_table(block, fn)


def _map_table(table: Table, fn: Callable[[BlockText], str]) -> Table:
    """``map_texts`` for a table: caption, header cells, body cells, note."""

    def piece(kind: str, text: str, cell: tuple[int, int] | None = None) -> str:
        return fn(BlockText(kind, text, table.span, table.anchor, cell))

    return replace(
        table,
        caption=piece("table-caption", table.caption),
        header=tuple(piece("table-header", h, (0, c)) for c, h in enumerate(table.header)),
        rows=tuple(
            tuple(piece("table-cell", cell, (r, c)) for c, cell in enumerate(row))
            for r, row in enumerate(table.rows)
        ),
        note=piece("table-note", table.note) if table.note else table.note,
    )


@dataclass(frozen=True)
class FootnoteBody:
    """A footnote text as found in the source, before pairing with its marker."""

    number: int | None  # None when the source lost the number
    asterisk: bool  # written with an asterisk (e.g. ``^{*}`` or ``^{10 *}``)
    text: str
    span: Span
    bracket: bool = False  # an endnote labelled "[n]": its markers are "[n]" too


@dataclass(frozen=True)
class Footnote:
    """A footnote paired with its marker; ``key`` is what the page shows."""

    key: str
    text: str
    span: Span
    placed: bool = True  # False: the source has no marker for it (editorial note)


@dataclass(frozen=True)
class ReferenceItem:
    """One entry of an article's reference list, joined onto one line."""

    text: str
    span: Span
    number: int | None = None  # position label in numbered lists


@dataclass(frozen=True)
class BackMatter:
    """Labelled material after the body (about the author, article info, licence)."""

    title: str
    paragraphs: tuple[str, ...]
    span: Span


@dataclass(frozen=True)
class Article:
    """An article after segmentation: everything a page needs."""

    meta: ArticleMeta
    source_path: str
    author_notes: tuple[str, ...]  # footnote tokens attached to the byline
    blocks: tuple[Block, ...]
    footnotes: tuple[Footnote, ...]
    references: tuple[ReferenceItem, ...]
    references_title: str | None
    back_matter: tuple[BackMatter, ...]
    removals: tuple[Removal, ...]
    # the source text's lines as the sources stage read them (SourceText.lines): later
    # stages use these, never a second read of the file
    source_lines: tuple[str, ...] = ()
    # the cleaner's normalisations of kept lines (spacing, link syntax), for /editorial/
    normalisations: tuple[Normalisation, ...] = ()


@dataclass(frozen=True)
class ArticleBuild:
    """One article through the ingest stages (``ingest.article.prepare_article``): the
    numbered article, the ids of its headings (by block index) and its word count.
    Rendering comes later, once the bibliography and glossary of the whole reader are
    known."""

    article: Article
    heading_ids: Mapping[int, str] = field(hash=False)
    words: int
