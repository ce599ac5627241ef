"""Run every stage over ``sources/`` and return the generated pages.

``build(root)`` is what the MkDocs hook and the command line both call.  It only calls
the stages in order, each a function from plain values to plain values, and gathers
what they return; it writes nothing to disk: it returns the pages (paths relative to
``docs/``) and extra files (paths relative to the site root), so a failed build leaves
no half-written site.

    sources.discover -> article.prepare_article (clean, segment, footnotes, anchors)
      -> bibliography.build_bibliography -> citations.link_citations
      -> glossary.build_glossary -> timeline.build_timeline -> entities.build_index
      -> render.render_article, the reader's pages -> addresses, ids
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

from .diagnostics import BuildError, Reporter
from .ingest.article import prepare_article
from .ingest.cache import BuildOutput as BuildOutput  # defined with its cache, exported here
from .ingest.cache import (
    folder_digest,
    inputs_digest,
    load_build,
    memo,
    memo_session,
    package_version,
    prepare_cached,
    store_build,
    value_digest,
)
from .ingest.completeness import check_nothing_lost
from .ingest.sources import discover
from .model import (
    Address,
    Article,
    ArticleBuild,
    BibliographyBuild,
    BuiltArticle,
    CitationsBuild,
    Event,
    GlossaryBuild,
    IndexBuild,
    ReferenceItem,
    SourceText,
    Term,
    TimelineBuild,
)
from .publish.addresses import apply_aliases, check, collect_addresses, format_addresses
from .publish.bibliography_page import render_article_references, render_bibliography
from .publish.ids import check_unique_ids, id_origins, page_inputs
from .publish.index_page import PAGE as INDEX_PAGE
from .publish.index_page import link_mentions, render_index_page
from .publish.metadata import article_references, download_files, page_head
from .publish.pages import render_editorial, render_home
from .publish.previews import article_previews, previews_path
from .publish.render import TermMarker, render_article
from .publish.report import report_json
from .publish.teaching import article_order, load_course, render_teaching
from .scholarly.bibliography import build_bibliography
from .scholarly.citations import link_citations
from .scholarly.entities import build_index
from .scholarly.glossary import build_glossary
from .scholarly.timeline import build_timeline
from .workers import map_reported

R = TypeVar("R")


def build(root: Path, cache: bool = True) -> BuildOutput:
    """Build every page from ``root/sources``; raise ``BuildError`` if any stage erred.
    With ``cache``, the whole build is taken from ``ingest.cache`` when none of its
    inputs changed, and else each article's ingest stages when that article's did (the
    output is the same either way)."""
    if not cache:
        with _few_full_collections():
            return _build_stages(root, cache)
    version = package_version()
    digest = inputs_digest(root, version)
    stored = load_build(root, digest)
    if stored is not None:
        return stored
    with memo_session(root, version), _few_full_collections():  # units reused (``_memo_*``)
        out = _build_stages(root, cache)  # an error raises: a failed build is not stored
    if inputs_digest(root) == digest:  # stored only if nothing changed while it ran
        store_build(root, digest, out)
    return out


@contextlib.contextmanager
def _few_full_collections() -> Iterator[None]:
    """Python's full garbage collections made rarer while the stages run: each scans
    every object alive, and the stages' results stay alive to the end, so with the
    default threshold their cost grew with the square of the articles (1,000 articles:
    25 collections, 6.3 s, against 0.9 s for 300).  Younger objects are still
    collected as usual."""
    young, middle, full = gc.get_threshold()
    gc.set_threshold(young, middle, max(full, FULL_COLLECTION_EVERY))
    try:
        yield
    finally:
        gc.set_threshold(young, middle, full)


FULL_COLLECTION_EVERY = 100  # collections of the middle generation (Python's default: 10)


def _build_stages(root: Path, cache: bool) -> BuildOutput:
    """Every stage, in order."""
    reporter = Reporter()
    builds = _prepare(root, reporter, cache)
    articles = [b.article for b in builds]
    bib = _memo_bibliography(root, {a.meta.slug: a.references for a in articles}, reporter)
    cites = link_citations(articles, bib, reporter) if bib else CitationsBuild({}, {}, {})
    glossary = build_glossary(root, articles, bib, reporter)
    timeline = build_timeline(root, builds, reporter)
    terms = glossary.terms if glossary else ()
    events = timeline.events if timeline else ()
    index = _index(root, articles, cites, terms, events, reporter)
    markdown = _render_pages(builds, bib, cites, glossary, timeline, reporter)
    pages = {f"articles/{slug}.md": md for slug, md in markdown.items()}
    files = _previews(builds, cites, markdown, terms)
    cites = CitationsBuild({}, cites.citations, cites.cited_at)  # the linked copies: done
    if bib:
        pages["bibliography.md"] = _memo_call(
            "bibliography-page", render_bibliography,
            bib.merged, bib.ordered, _titles(articles), cites.cited_at,
        )  # fmt: skip
        files["downloads/reader.bib"] = bib.reader_bib.encode()
    pages.update(_apparatus_pages(glossary, timeline, index))
    del glossary, timeline  # their pages were replaced by the linked ones: not kept twice
    course = load_course(root, reporter)
    order = article_order([a.meta for a in articles], course)
    if index:
        pages[INDEX_PAGE] = render_index_page(index, _titles(articles), order)
    by_slug = {a.meta.slug: a.meta for a in articles}
    files.update(
        _memo_call("downloads", download_files, [by_slug[s] for s in order if s in by_slug], bib)
    )
    if course is not None:
        pages["teaching.md"] = render_teaching(
            course, builds, {t.id: t.name for t in terms}, reporter, order
        )
    pages["index.md"] = render_home(
        articles, {b.article.meta.slug: b.words for b in builds}, order, pages
    )
    pages["editorial.md"] = render_editorial(articles, reporter.diagnostics)
    files["report.json"] = report_json(builds, markdown, cites.citations, bib, len(terms))
    entities = index.entities if index else ()
    merged = bib.merged if bib else ()
    addresses = collect_addresses(builds, pages, terms, events, merged, entities)
    files.update(_check_addresses(root, builds, pages, addresses, reporter))
    out = BuildOutput(
        pages,
        files,
        reporter.diagnostics,
        tuple(_built(b, markdown, cites) for b in builds),
        addresses,
        bib,
        terms,
        events,
        order,
    )
    if reporter.has_errors():
        raise BuildError(reporter.errors, out)
    return out


def _previews(
    builds: Sequence[ArticleBuild],
    cites: CitationsBuild,
    markdown: Mapping[str, str],
    terms: Sequence[Term],
) -> dict[str, bytes]:
    """Each article page's previews file (citations and glossary terms: ``previews.py``)."""
    files: dict[str, bytes] = {}
    for b in builds:
        slug = b.article.meta.slug
        linked = cites.linked.get(slug, b.article)
        files[previews_path(slug)] = article_previews(linked, markdown[slug], terms)
    return files


def _prepare(root: Path, reporter: Reporter, cache: bool) -> tuple[ArticleBuild, ...]:
    """Every article the sources stage accepts, through the ingest stages."""
    sources = discover(root, reporter)
    if cache:
        return tuple(map_reported(lambda s, r: prepare_cached(root, s, r), sources, reporter))
    return tuple(map_reported(lambda s, r: prepare_article(s, r), sources, reporter))


def _apparatus_pages(
    glossary: GlossaryBuild | None, timeline: TimelineBuild | None, index: IndexBuild | None
) -> dict[str, str]:
    """/glossary/ and /timeline/, each entry linking the index entries it names."""
    pages: dict[str, str] = {}
    for name, built in (("glossary", glossary), ("timeline", timeline)):
        if built is not None:
            page = built.page
            pages[f"{name}.md"] = link_mentions(page, name, index) if index else page
    return pages


def _check_addresses(
    root: Path,
    builds: Sequence[ArticleBuild],
    pages: dict[str, str],
    addresses: list[Address],
    reporter: Reporter,
) -> dict[str, bytes]:
    """Check the published addresses against the manifest and the ids of the pages;
    return the alias redirect pages and the address lists for download."""
    aliases = check(root, addresses, reporter)
    files = dict(apply_aliases(pages, aliases))
    check_unique_ids(pages, id_origins(root, builds, aliases), page_inputs(builds), reporter)
    for ext in ("csv", "md"):
        files[f"downloads/addresses.{ext}"] = format_addresses(addresses, ext).encode()
    return files


def _built(b: ArticleBuild, markdown: Mapping[str, str], cites: CitationsBuild) -> BuiltArticle:
    slug = b.article.meta.slug
    return BuiltArticle(
        b.article, b.heading_ids, b.words, markdown[slug], cites.citations.get(slug)
    )


def _render_pages(
    builds: Sequence[ArticleBuild],
    bib: BibliographyBuild | None,
    cites: CitationsBuild,
    glossary: GlossaryBuild | None,
    timeline: TimelineBuild | None,
    reporter: Reporter,
) -> dict[str, str]:
    """slug -> each article's page (``render_one``), in the order of ``builds``; on
    every core when there are many (a page depends on its article and the shared
    stages' results only: ``workers``)."""
    shared = value_digest(glossary.terms if glossary else ())  # every page matches them all
    formatted = dict(bib.ordered) if bib else {}

    def page(b: ArticleBuild, r: Reporter) -> str:
        key = (shared, *_page_inputs(b, bib, formatted, cites, timeline))
        return memo(
            "page", b.article.meta.slug, key,
            lambda own: render_one(b, bib, cites, glossary, timeline, own), r,
        )  # fmt: skip

    pages = map_reported(page, builds, reporter)
    return {b.article.meta.slug: md for b, md in zip(builds, pages, strict=True)}


def render_one(
    b: ArticleBuild,
    bib: BibliographyBuild | None,
    cites: CitationsBuild,
    glossary: GlossaryBuild | None,
    timeline: TimelineBuild | None,
    reporter: Reporter,
) -> str:
    """One article's page, with its formatted reference list, linked citations, marked
    glossary terms and "see also" notes; checked for lost words."""
    slug = b.article.meta.slug
    refs_md = None
    if bib and slug in bib.per_article:
        refs_md = render_article_references(
            bib.per_article[slug], bib.key_index, bib.formatted, slug
        )
    markdown = render_article(
        cites.linked.get(slug, b.article),
        b.heading_ids,
        refs_md,
        TermMarker(glossary.terms if glossary else ()),
        timeline.see_also.get(slug, {}) if timeline else {},
        page_head(b.article.meta, article_references(bib, slug)),
    )
    check_nothing_lost(b.article, markdown, reporter)
    return markdown


# ---------------------------------------------------------------- memoized units
# What each unit below is computed from, for ``ingest.cache.memo`` (an input left out of
# a key would serve a stale result: tests/test_cache.py changes each kind of input).


def _page_inputs(
    b: ArticleBuild,
    bib: BibliographyBuild | None,
    formatted: Mapping[str, str],
    cites: CitationsBuild,
    timeline: TimelineBuild | None,
) -> tuple[object, ...]:
    """Everything ``render_one`` reads of one article besides the glossary's terms
    (``formatted``: merged key -> APA html): the article
    (prepared and linked: the citation previews name other articles' titles), its
    "see also" notes, and of the bibliography its own list, each item's merged key, the
    formatted entry and the merged entry's key, type and fields."""
    slug = b.article.meta.slug
    see_also = timeline.see_also.get(slug) if timeline else None
    listed: tuple[object, ...] = ()
    if bib and slug in bib.per_article:
        refs = bib.per_article[slug]
        keys = [bib.key_index.get((slug, r.key), r.key) for r in refs]
        # of each merged entry, what the page's JSON-LD reads (``metadata.cited_work``):
        # not its provenance, which names every article that lists the work and would
        # make each page's key grow with the reader (pickled for every page: n²)
        works = [(m.key, m.entry_type, dict(m.fields)) for m in article_references(bib, slug)]
        listed = (refs, keys, works, [formatted.get(k) for k in keys])
    return (b, cites.linked.get(slug), see_also, listed)


def _memo_bibliography(
    root: Path, references: Mapping[str, Sequence[ReferenceItem]], reporter: Reporter
) -> BibliographyBuild | None:
    """``build_bibliography``: it reads the reference lists and ``bib/`` (and the APA
    cache, which changes no result)."""
    key = (folder_digest(root, "bib"), references)
    return memo(
        "bibliography", "reader", key,
        lambda r: build_bibliography(root, references, r), reporter,
    )  # fmt: skip


def _memo_call(kind: str, fn: Callable[..., R], *args: object) -> R:
    """``fn(*args)`` for a pure ``fn`` that reports nothing, under the digest of ``args``."""
    return memo(kind, "reader", args, lambda _: fn(*args), Reporter())


def build_article(source: SourceText, reporter: Reporter) -> BuiltArticle:
    """One article on its own, rendered with its plain reference list."""
    b = prepare_article(source, reporter)
    return BuiltArticle(b.article, b.heading_ids, b.words, render_article(b.article, b.heading_ids))


def _index(
    root: Path,
    articles: Sequence[Article],
    cites: CitationsBuild,
    terms: Sequence[Term],
    events: Sequence[Event],
    reporter: Reporter,
) -> IndexBuild | None:
    """The index of names, matched in the articles with their citations linked (so
    that no name is taken from a citation)."""
    linked = [cites.linked.get(a.meta.slug, a) for a in articles]
    return build_index(root, linked, terms, events, reporter)


def linked_articles(root: Path, reporter: Reporter) -> list[Article]:
    """The articles through the ingest stages with their citations linked (what the
    index of names is matched in), for ``index-candidates``."""
    articles = [prepare_article(s, reporter).article for s in discover(root, reporter)]
    bib = build_bibliography(root, {a.meta.slug: a.references for a in articles}, reporter)
    if bib is None:
        return articles
    cites = link_citations(articles, bib, reporter)
    return [cites.linked.get(a.meta.slug, a) for a in articles]


def _titles(articles: Sequence[Article]) -> dict[str, str]:
    return {a.meta.slug: a.meta.title for a in articles}
