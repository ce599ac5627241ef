"""Plain data passed between the pipeline stages: every stage's input and result.

Every object that comes from a source carries a ``Span`` so any message can name the
file and line it came from.  Line numbers are 1-based, as editors show them.  The values
are frozen dataclasses, in the order of the stages: the source text, the blocks of an
article (``texts_of``/``map_texts``/``with_anchors``: the one place that knows block
shapes), the ingest results, then references, bibliography, citations, glossary,
timeline, and what the publish stages and the build return.  Classes a stage uses only
inside itself stay in its module.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

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
    quote_line: int | None = None  # the source line the quotation starts on
    depth: int = 0  # 0 for an item, 1 for a sub-item ("o" under "•"), ...


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


# The kinds of ``BlockText`` that are running prose: a paragraph, a quotation, a list item
# and a quotation inside an item (not headings, table captions, cells or notes).
PROSE_KINDS = frozenset({"paragraph", "quote", "list-item", "item-quote"})


def texts_of(block: Block) -> Iterator[BlockText]:
    """Every text of ``block`` in reading order: the one place that knows block shapes."""
    if isinstance(block, Heading):
        yield BlockText("heading", block.text, block.span)
    elif isinstance(block, (Paragraph, Quote)):
        kind = "paragraph" if isinstance(block, Paragraph) else "quote"
        yield BlockText(kind, block.text, block.span, block.anchor)
    elif isinstance(block, ListBlock):
        for item in block.items:
            text_span, quote_span = _item_spans(item)
            yield BlockText("list-item", item.text, text_span, item.anchor)
            if item.quote:
                yield BlockText("item-quote", item.quote, quote_span, item.quote_anchor)
    elif isinstance(block, Table):
        yield BlockText("table-caption", block.caption, block.span, block.anchor)
        for c, head in enumerate(block.header):
            yield BlockText("table-header", head, block.span, block.anchor, (0, c))
        for r, row in enumerate(block.rows):
            for c, cell in enumerate(row):
                yield BlockText("table-cell", cell, block.span, block.anchor, (r, c))
        if block.note:
            yield BlockText("table-note", block.note, block.span, block.anchor)


def _item_spans(item: ListItem) -> tuple[Span, Span]:
    """The lines of a list item's own text and of the quotation inside it: the quotation
    has its own lines from ``quote_line`` on (a quotation that starts a page later is not
    the item's text); without ``quote_line`` both are the item's span."""
    span = item.span
    if not item.quote or item.quote_line is None or item.quote_line <= span.line:
        return span, span
    end = span.end_line or span.line
    return Span(span.file, span.line, item.quote_line - 1), Span(span.file, item.quote_line, end)


def map_texts(block: Block, fn: Callable[[BlockText], str]) -> Block:
    """``block`` with every text ``t`` that ``texts_of`` yields replaced by ``fn(t)``."""
    if isinstance(block, (Heading, Paragraph, Quote)):
        (piece,) = texts_of(block)
        return replace(block, text=fn(piece))
    if isinstance(block, ListBlock):
        items = []
        for item in block.items:
            text_span, quote_span = _item_spans(item)
            text = fn(BlockText("list-item", item.text, text_span, item.anchor))
            quote = item.quote
            if quote:
                quote = fn(BlockText("item-quote", quote, quote_span, item.quote_anchor))
            items.append(replace(item, text=text, quote=quote))
        return replace(block, items=tuple(items))
    return _map_table(block, fn)


def with_anchors(block: Block, new_anchor: Callable[[], str]) -> Block:
    """``block`` with a ¶ anchor from ``new_anchor()`` on each of its numbered parts, in
    reading order: a paragraph, quotation or table as a whole, each list item and the
    quotation inside an item.  A heading is not numbered (its id is its slug)."""
    match block:
        case Heading():
            return block
        case ListBlock():
            items = []
            for item in block.items:
                anchor = new_anchor()
                quote_anchor = new_anchor() if item.quote else None
                items.append(replace(item, anchor=anchor, quote_anchor=quote_anchor))
            return replace(block, items=tuple(items))
        case _:
            return replace(block, anchor=new_anchor())


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


# --------------------------- the ingest stages' results (clean -> segment -> footnotes)


@dataclass(frozen=True)
class Cleaned:
    """The clean stage's result: the lines kept and every removal, with its rule."""

    slug: str
    path: str
    lines: tuple[Line, ...]  # every line kept, blank ones included (text "")
    removals: tuple[Removal, ...]
    rules: tuple[int, ...]  # line numbers of horizontal rules (page-break markers)
    normalisations: tuple[Normalisation, ...] = ()  # what TEXT_RULES changed in kept lines


@dataclass(frozen=True)
class Segmented:
    """What the segmenter found, before footnote markers are paired with bodies."""

    title_lines: tuple[int, ...]
    byline: tuple[str, ...]  # byline texts (may hold footnote markers)
    blocks: tuple[Block, ...]
    bodies: tuple[FootnoteBody, ...]
    references: tuple[ReferenceItem, ...]
    references_title: str | None
    back_matter: tuple[BackMatter, ...]
    removals: tuple[Removal, ...]
    abstract: str | None
    keywords: str | None
    # (first source line of a chunk, name of the rule that took it), in walk order: for
    # the stage's fixture tests and for finding out why a chunk became what it became
    rules: tuple[tuple[int, str], ...] = ()
    # (author's name, affiliation) as the text states them under the byline ("Brennan¹" /
    # "¹ Example University, Dublin"), in the order stated
    affiliations: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Paired:
    """The footnotes stage's result: the blocks and byline with each note marker as a
    ``fn_token``, and the notes paired with their markers."""

    blocks: tuple[Block, ...]
    byline: tuple[str, ...]
    footnotes: tuple[Footnote, ...]


# ---------- references and the bibliography (references -> cite_format -> bibliography)


@dataclass(frozen=True)
class Reference:
    """One reference list item, parsed.

    ``fields`` maps BibTeX field names to plain-text values (do not mutate it).  Besides
    the bibliographic fields it holds the provenance fields ``x-source`` (``file:line``),
    ``x-source-text`` (the item as received) and ``x-list-position`` (numbered lists).
    ``key`` is empty until ``assign_keys`` gives one.
    """

    entry_type: str
    fields: Mapping[str, str] = field(hash=False)
    text: str
    span: Span
    number: int | None = None
    key: str = ""

    def get(self, name: str, default: str = "") -> str:
        """The value of field ``name``, or ``default``."""
        return self.fields.get(name, default)


@dataclass(frozen=True)
class FormattedEntry:
    """One formatted reference: its key and an HTML fragment (escaped, links as <a>)."""

    key: str
    html: str


@dataclass(frozen=True)
class Provenance:
    """Where one listing of a merged work comes from."""

    slug: str
    key: str  # the key in bib/<slug>.bib
    text: str  # the reference as the list gives it
    source: str  # "sources/<slug>/article.txt:<line>"


@dataclass(frozen=True)
class Disagreement:
    """A field on which one listing of a work differs from the merged entry.  The entry
    keeps its value (taken from ``kept_from``); the other listing's value is kept here,
    for an editorial note that names both sources."""

    field: str
    kept: str  # the entry's value ("" when the entry has none)
    kept_from: Provenance  # the listing the entry's fields come from
    other: str  # the other listing's value
    other_from: Provenance


@dataclass(frozen=True)
class MergedEntry:
    """One work of the merged bibliography and every listing it was merged from."""

    key: str
    entry_type: str
    fields: Mapping[str, str] = field(hash=False)
    provenance: tuple[Provenance, ...]
    disagreements: tuple[Disagreement, ...] = ()

    @property
    def slugs(self) -> tuple[str, ...]:
        """The articles whose lists hold this work, sorted, each once."""
        return tuple(sorted({p.slug for p in self.provenance}))

    def get(self, name: str, default: str = "") -> str:
        """The value of field ``name``, or ``default``."""
        return self.fields.get(name, default)


@dataclass(frozen=True)
class BibSet:
    """What ``bibliography.regenerate_bibs`` produced: every article's keyed references,
    the merged entries and the text of every file under ``bib/`` it writes."""

    per_article: Mapping[str, tuple[Reference, ...]] = field(hash=False)
    merged: tuple[MergedEntry, ...]
    files: Mapping[str, str] = field(hash=False)  # "bib/zhang-2023.bib" -> text
    keys_read: str | None = None  # bib/keys.tsv as it was read (None: there was none)


@dataclass(frozen=True)
class BibliographyBuild:
    """The bibliography stage's result: every article's keyed references, the merged
    bibliography, (article, key) -> merged key, and the APA entries in sorted order."""

    per_article: Mapping[str, tuple[Reference, ...]] = field(hash=False)
    merged: tuple[MergedEntry, ...]
    key_index: Mapping[tuple[str, str], str] = field(hash=False)
    ordered: tuple[tuple[str, str], ...]  # (merged key, APA html), sorted
    reader_bib: str  # bib/reader.bib as the lists give it now

    @property
    def formatted(self) -> dict[str, str]:
        """Merged key -> APA html."""
        return dict(self.ordered)


# -------------------------------------------------------- in-text citations (citations)


@dataclass(frozen=True)
class CiteItem:
    """One cited work inside a citation.

    ``start``/``end`` are offsets in the block text of the part that names this work
    ("Kobayashi, 2017" in "(Thakur, 1993; Kobayashi, 2017)").  ``names`` are the family
    names as written (a corporate author is one name: ``"UN News"``); a bare year that
    continues the previous author ("2022b" in "Shamarov, 2022a; 2022b") repeats that
    author's names and has ``author == ""``.  ``author`` is the author phrase as
    written, given names included ("Karl Deutsch").  Numeric items have ``number`` and
    no names.
    """

    start: int
    end: int
    text: str
    names: tuple[str, ...] = ()
    year: str = ""
    locator: str | None = None
    number: int | None = None
    et_al: bool = False
    author: str = ""
    abbreviation: str | None = None
    corporate: bool = False
    via: str = ""  # "as cited in ...": the secondary source this work is cited through


@dataclass(frozen=True)
class Citation:
    """A citation as it stands in the text: a parenthetical group, a narrative
    citation or a numeric bracket; ``start``/``end`` cover all of it."""

    start: int
    end: int
    kind: str  # PARENTHETICAL | NARRATIVE | BRACKETED
    text: str
    items: tuple[CiteItem, ...]


@dataclass(frozen=True)
class ResolvedItem:
    """A cited work and what it resolved to.

    ``key`` is the reference list entry's key (the first listing when the list repeats
    a work), or None.  ``note`` is the editorial note when the citation differs from the
    list or has no entry; ``codes`` the diagnostic codes of that note.  ``span`` is the
    source line of the citation (the exact line when the caller gave the source lines).
    """

    item: CiteItem
    citation: Citation
    key: str | None
    note: str | None
    codes: tuple[str, ...]
    span: Span

    @property
    def status(self) -> str:
        """``"linked"``, ``"noted"`` (linked with a note) or ``"unresolved"``."""
        if self.key is None:
            return "unresolved"
        return "noted" if self.note else "linked"


@dataclass(frozen=True)
class CitedText:
    """One piece of prose that was scanned: a block, a list item, a table cell or a
    footnote, with what was found in it.

    ``where`` is ``"paragraph"``, ``"quote"``, ``"list-item"``, ``"item-quote"``,
    ``"table-cell"`` or ``"footnote"``; ``anchor`` the block's ¶ anchor (``None`` for
    footnotes, whose ``footnote`` key is set instead); ``cell`` the (row, column) of a
    table cell.  Offsets in the citations are offsets in ``text``.
    """

    where: str
    text: str
    span: Span
    anchor: str | None
    citations: tuple[Citation, ...]
    resolved: tuple[ResolvedItem, ...]
    footnote: str | None = None
    cell: tuple[int, int] | None = None


@dataclass(frozen=True)
class ArticleCitations:
    """Every citation of one article, resolved, and the entries cited nowhere."""

    slug: str
    texts: tuple[CitedText, ...]
    uncited: tuple[Reference, ...]

    @property
    def resolved(self) -> list[ResolvedItem]:
        return [r for t in self.texts for r in t.resolved]

    def counts(self) -> dict[str, int]:
        """Counts for ``report.json``: citations (groups) and cited works found, linked
        exactly, linked with a note, unresolved; entries cited nowhere."""
        items = self.resolved
        return {
            "citations": sum(len(t.citations) for t in self.texts),
            "cited_works": len(items),
            "linked": sum(r.status == "linked" for r in items),
            "linked_with_note": sum(r.status == "noted" for r in items),
            "unresolved": sum(r.status == "unresolved" for r in items),
            "uncited_references": len(self.uncited),
        }


CitedAt = tuple[str, str, str | None]  # (slug, anchor, editorial note or None)


@dataclass(frozen=True)
class CitationsBuild:
    """The citation stage's result for the whole reader: each article with link tokens
    in its text, its resolved citations, and merged key -> where it is cited."""

    linked: Mapping[str, Article] = field(hash=False)
    citations: Mapping[str, ArticleCitations] = field(hash=False)
    cited_at: Mapping[str, tuple[CitedAt, ...]] = field(hash=False)


# -------------------------------------------------------------- the glossary (glossary)


@dataclass(frozen=True)
class BibSource:
    """A work in the merged bibliography, by citation key."""

    key: str
    span: Span


@dataclass(frozen=True)
class ArticleLineSource:
    """A line of ``sources/<slug>/article.txt`` that states the fact."""

    slug: str
    line: int
    span: Span


@dataclass(frozen=True)
class DocumentSource:
    """An official document, named with an address one of the article texts gives."""

    title: str
    url: str
    span: Span


@dataclass(frozen=True)
class CheckedSource:
    """A primary or reliable source the editors checked a statement in the reader's own
    voice against (a glossary entry's source, an event's ``checked``: the CSTO Charter
    was signed in Chisinau): its address need not occur
    in an article, and the page says that the editors, not the articles, cite it."""

    title: str
    url: str
    span: Span


TermSource = BibSource | ArticleLineSource | DocumentSource | CheckedSource


@dataclass(frozen=True)
class Wording:
    """How one article words a provision: a verbatim phrase from one source line."""

    slug: str
    line: int
    text: str
    span: Span


@dataclass(frozen=True)
class Term:
    """One entry of ``glossary/terms.yml``, checked field by field."""

    id: str
    name: str
    variants: tuple[str, ...]
    short: str
    explanation: str
    sources: tuple[TermSource, ...]
    related: tuple[str, ...]
    wordings: tuple[Wording, ...]
    span: Span


@dataclass(frozen=True)
class Occurrence:
    """One match of a term in one body paragraph."""

    term_id: str
    slug: str
    anchor: str
    matched: str  # the text as the paragraph writes it
    snippet: str  # about a dozen words around the match, with ellipses


@dataclass(frozen=True)
class GlossaryBuild:
    """The glossary stage's result: the terms (for marking the pages) and /glossary/."""

    terms: tuple[Term, ...]
    page: str


# ----------------------------------------- the chronology and see-also links (timeline)


@dataclass(frozen=True)
class PartialDate:
    """A date as precise as a text gives it: a year, a month or a day."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def iso(self) -> str:
        """ISO 8601 at the date's precision: "2010", "2001-08", "1992-05-15"."""
        out = f"{self.year:04d}"
        if self.month is not None:
            out += f"-{self.month:02d}"
            if self.day is not None:
                out += f"-{self.day:02d}"
        return out

    @property
    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    def text(self, *, year: bool = True) -> str:
        """Words: "15 May 1992", "August 2001", "2010" (without the year if asked)."""
        parts = []
        if self.day is not None:
            parts.append(str(self.day))
        if self.month is not None:
            parts.append(calendar.month_name[self.month])
        if year or not parts:
            parts.append(str(self.year))
        return " ".join(parts)


@dataclass(frozen=True)
class EventDate:
    """A single date or a range (``start/end`` in the data file)."""

    start: PartialDate
    end: PartialDate | None = None

    @property
    def iso(self) -> str:
        return self.start.iso if self.end is None else f"{self.start.iso}/{self.end.iso}"

    @property
    def is_range(self) -> bool:
        return self.end is not None

    def text(self) -> str:
        """Words: "15 May 1992", "6–19 January 2022", "5 May – 7 June 2010"."""
        s, e = self.start, self.end
        if e is None:
            return s.text()
        if (s.year, s.month) == (e.year, e.month) and s.day is not None and e.day is not None:
            return f"{s.day}–{e.text()}"
        if s.year == e.year and s.month is not None:
            return f"{s.text(year=False)} – {e.text()}"
        return f"{s.text()} – {e.text()}"


@dataclass(frozen=True)
class Passage:
    """A phrase on one line of an article's source text."""

    slug: str
    line: int
    quote: str
    span: Span  # where the data file names it


@dataclass(frozen=True)
class EventDisagreement:
    """The articles' different wordings of one date, number or fact, side by side."""

    topic: str
    versions: tuple[Passage, ...]
    span: Span


@dataclass(frozen=True)
class Event:
    """One entry of ``timeline/events.yml``: a dated event and the passages on it."""

    id: str
    date: EventDate
    label: str
    sources: tuple[Passage, ...]
    disagreements: tuple[EventDisagreement, ...]
    span: Span
    note: str | None = None
    after: str | None = None  # id of the event it follows (for a year-only date)
    checked: tuple[CheckedSource, ...] = ()  # what the editors checked label or note against


@dataclass(frozen=True)
class RelatedGroup:
    """One entry of ``timeline/related.yml``: passages of two or more articles that
    treat the same question."""

    id: str
    question: str
    passages: tuple[Passage, ...]
    span: Span


class SeeAlso(NamedTuple):
    """One "see also" link: the other passage's article and anchor, a label for it
    ("Zhang (2023), ¶19") and its article's short title ("Zhang (2023)")."""

    slug: str
    anchor: str
    label: str
    article: str = ""


@dataclass(frozen=True)
class TimelineBuild:
    """The chronology stage's result: the events, the page, and slug -> anchor -> the
    related groups of that passage with links to their other passages (the article page
    shows them: ``publish.related``)."""

    events: tuple[Event, ...]
    page: str
    see_also: Mapping[str, Mapping[str, Sequence[tuple[RelatedGroup, Sequence[SeeAlso]]]]] = field(
        hash=False
    )


# ----------------------------------------- what the publish stages and the build return


@dataclass(frozen=True)
class Reading:
    """One article of the course's reading order, and why it is read there."""

    slug: str
    why: str
    span: Span


@dataclass(frozen=True)
class Question:
    """A discussion question of ``teaching/course.yml`` and the paragraphs it names."""

    text: str
    paragraphs: tuple[tuple[str, Span], ...]
    span: Span


@dataclass(frozen=True)
class Course:
    """``teaching/course.yml``, checked field by field."""

    reading_order: tuple[Reading, ...] = ()
    terms_first: tuple[tuple[str, Span], ...] = ()
    questions: tuple[tuple[str, Span, tuple[Question, ...]], ...] = ()  # slug, span, questions


@dataclass(frozen=True)
class Address:
    """One public address of the site (``sources/addresses.tsv``)."""

    url: str  # site-relative: "articles/zhang-2023/#p12", "glossary/#crrf", "editorial/"
    kind: str  # page | section | paragraph | glossary | bibliography
    label: str  # title, heading or first words


@dataclass(frozen=True)
class BuiltArticle:
    """One article as the build leaves it: ingest result, page, citations."""

    article: Article
    heading_ids: Mapping[int, str] = field(hash=False)
    words: int
    markdown: str
    citations: ArticleCitations | None = None

    @property
    def byline(self) -> tuple[str, ...]:
        """The byline's footnote tokens (stored once, as ``article.author_notes``)."""
        return self.article.author_notes


# ---------------------------------------------------------------- the index of names


@dataclass(frozen=True)
class ParagraphSource:
    """A numbered paragraph (``p12``) or a note (``fn:3``) of an article that states the
    fact."""

    slug: str
    anchor: str
    span: Span


@dataclass(frozen=True)
class WebSource:
    """A document outside the reader, by title and address, that states the fact."""

    title: str
    url: str
    span: Span


EntitySource = ParagraphSource | WebSource


@dataclass(frozen=True)
class Entity:
    """One entry of the index of names (``index/entities.yml``): a person, a place or an
    institution, the ways the articles write it, and one line saying who or what it is.

    ``id`` is the entry's public anchor on /index/ (a slug of ``name`` unless the file
    gives one); ``note`` an editorial remark shown as ours (an article's own spelling);
    ``glossary`` the id of the glossary entry on the same thing."""

    id: str
    name: str
    kind: str  # "person" | "place" | "institution"
    variants: tuple[str, ...]
    identification: str
    source: EntitySource
    span: Span
    note: str | None = None
    glossary: str | None = None


@dataclass(frozen=True)
class EntityOccurrence:
    """One mention of an entry in an article: its paragraph (``p12``) or note (``fn:3``)."""

    entity_id: str
    slug: str
    anchor: str
    matched: str  # the text as the article writes it


@dataclass(frozen=True)
class ApparatusMention:
    """A mention of an entry in the reader's own pages: a glossary entry or an event."""

    entity_id: str
    page: str  # "glossary" | "timeline"
    anchor: str  # the term's or the event's id
    label: str  # the term's name or the event's label


@dataclass(frozen=True)
class IndexBuild:
    """The index stage's result: the entries in index order, where each occurs (per
    entry id, in reading order) and where the glossary and the chronology mention it."""

    entities: tuple[Entity, ...]
    occurrences: Mapping[str, tuple[EntityOccurrence, ...]] = field(hash=False)
    mentions: Mapping[str, tuple[ApparatusMention, ...]] = field(hash=False)
