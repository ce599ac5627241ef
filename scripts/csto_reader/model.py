"""Plain data passed between the pipeline stages.

Every object that comes from a source carries a ``Span`` so any message can name the
file and line it came from.  Line numbers are 1-based, as editors show them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class ArticleBuild:
    """One article through the ingest stages (``ingest.article.prepare_article``): the
    numbered article, the ids of its headings (by block index) and its word count.
    Rendering comes later, once the bibliography and glossary of the whole reader are
    known."""

    article: Article
    heading_ids: Mapping[int, str] = field(hash=False)
    words: int
