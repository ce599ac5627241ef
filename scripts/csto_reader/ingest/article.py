"""The ingest stages for one article, in order: clean -> segment -> footnotes -> anchors.

``prepare_article`` is what the pipeline calls for every text the sources stage accepted;
it returns a ``model.ArticleBuild`` (the numbered article, its heading ids, its word
count) and reports every problem through the reporter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from ..diagnostics import Reporter
from ..model import (
    PROSE_KINDS,
    Article,
    ArticleBuild,
    ArticleMeta,
    Block,
    SourceText,
    texts_of,
)
from .anchors import number_blocks
from .clean import clean
from .completeness import check_body
from .footnotes import pair_footnotes
from .notes_list import NOTES_LIST_TITLE, works_in_notes
from .segment import segment


def prepare_article(source: SourceText, reporter: Reporter) -> ArticleBuild:
    """Clean, segment, pair footnotes and number one article."""
    reporter.accept(source.path, source.meta.accept)  # meta.yml's accept: list
    cleaned = clean(source)
    seg = segment(cleaned, source.meta, reporter)
    check_body(source.path, source.lines, seg, reporter)
    paired = pair_footnotes(seg.blocks, seg.byline, seg.bodies, source.path, reporter)
    blocks, heading_ids = number_blocks(paired.blocks)
    references, references_title = seg.references, seg.references_title
    if not references:  # a notes-bibliography text without a bibliography: the notes are
        references = works_in_notes(paired.footnotes, source.meta.citation_style)
        references_title = NOTES_LIST_TITLE if references else references_title
    article = Article(
        meta=with_affiliations(source.meta, seg.affiliations),
        source_path=source.path,
        author_notes=paired.byline,
        blocks=blocks,
        footnotes=paired.footnotes,
        references=references,
        references_title=references_title,
        back_matter=seg.back_matter,
        removals=seg.removals,
        source_lines=source.lines,
        normalisations=cleaned.normalisations,
    )
    return ArticleBuild(article, heading_ids, word_count(blocks))


def with_affiliations(meta: ArticleMeta, stated: tuple[tuple[str, str], ...]) -> ArticleMeta:
    """``meta`` with the affiliations the text states under its byline
    (``Segmented.affiliations``) given to the authors meta.yml gives none; an
    affiliation meta.yml states is kept."""
    found: dict[str, list[str]] = {}
    for name, affiliation in stated:
        found.setdefault(name, []).append(affiliation)
    if not any(a.name in found and not a.affiliation for a in meta.authors):
        return meta
    authors = tuple(
        replace(a, affiliation="; ".join(found[a.name]))
        if a.name in found and not a.affiliation
        else a
        for a in meta.authors
    )
    return replace(meta, authors=authors)


# The texts of a block (``model.texts_of``) whose words are counted.
_COUNTED = PROSE_KINDS | {"table-cell"}


def word_count(blocks: Iterable[Block]) -> int:
    """The words of an article's body (paragraphs, quotes, list items, table cells)."""
    return sum(len(t.text.split()) for b in blocks for t in texts_of(b) if t.kind in _COUNTED)


def source_texts(articles: Iterable[Article]) -> dict[str, tuple[str, ...]]:
    """Slug -> the lines the sources stage read, for every article it accepted: the only
    text later stages check line references against (no file is read twice, and an
    article the sources stage rejected is not there)."""
    return {a.meta.slug: a.source_lines for a in articles}
