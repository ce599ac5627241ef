"""Run every stage over ``sources/`` and return the generated pages.

``build(root)`` is what the MkDocs hook and the command line both call.  It writes
nothing to disk itself: it returns the pages (paths relative to ``docs/``) and extra
files (paths relative to the site root), so a failed build leaves no half-written site.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import BuildError, Diagnostic, Reporter
from .ingest.anchors import anchor_index, number_blocks
from .ingest.clean import clean
from .ingest.completeness import check_body, check_nothing_lost
from .ingest.footnotes import pair_footnotes
from .ingest.segment import segment
from .ingest.sources import discover
from .model import (
    Article,
    Heading,
    ListBlock,
    Paragraph,
    Quote,
    SourceText,
    Span,
    Table,
    cite_token,
)
from .publish.addresses import ALIASES, Address, alias_lines, apply_aliases, check, format_addresses
from .publish.bibliography_page import render_article_references, render_bibliography, short_title
from .publish.ids import check_unique_ids
from .publish.pages import render_editorial, render_home
from .publish.render import TermMarker, fn_id, render_article
from .publish.teaching import load_course, render_teaching
from .scholarly.bibliography import merged_key_index, read_bib, regenerate_bibs
from .scholarly.citations import apply_links, cite_article
from .scholarly.cite_format import format_bibliography


@dataclass
class ArticleBuild:
    article: Article
    byline: tuple[str, ...]
    heading_ids: dict[int, str]
    markdown: str
    words: int
    citations: object = None  # citations.ArticleCitations once linked
    linked: Article | None = None  # the article with citation links, for rendering


@dataclass
class BuildOutput:
    pages: dict[str, str] = field(default_factory=dict)  # "articles/zhang-2023.md" -> Markdown
    files: dict[str, bytes] = field(default_factory=dict)  # "report.json" -> bytes
    diagnostics: list[Diagnostic] = field(default_factory=list)
    articles: list[ArticleBuild] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    bibliography: BibliographyBuild | None = None
    glossary_terms: list = field(default_factory=list)
    timeline_events: list = field(default_factory=list)


def prepare_article(source: SourceText, reporter: Reporter) -> ArticleBuild:
    """Clean, segment, pair footnotes and number one article (rendering comes later,
    once the bibliography and glossary of the whole reader are known)."""
    cleaned = clean(source)
    seg = segment(cleaned, source.meta, reporter)
    check_body(source.path, source.lines, seg, reporter)
    paired = pair_footnotes(
        seg.blocks, seg.byline, seg.bodies, source.path, source.meta.accept, reporter
    )
    blocks, heading_ids = number_blocks(paired.blocks)
    article = Article(
        meta=source.meta,
        source_path=source.path,
        author_notes=paired.byline,
        blocks=blocks,
        footnotes=paired.footnotes,
        references=seg.references,
        references_title=seg.references_title,
        back_matter=seg.back_matter,
        removals=seg.removals,
        source_lines=source.lines,
    )
    return ArticleBuild(article, paired.byline, heading_ids, "", _word_count(blocks))


def build_article(source: SourceText, reporter: Reporter) -> ArticleBuild:
    """One article on its own, rendered with its plain reference list."""
    b = prepare_article(source, reporter)
    b.markdown = render_article(b.article, b.byline, b.heading_ids)
    return b


def _word_count(blocks: tuple) -> int:
    n = 0
    for b in blocks:
        if isinstance(b, (Paragraph, Quote)):
            n += len(b.text.split())
        elif isinstance(b, ListBlock):
            n += sum(len(i.text.split()) + len((i.quote or "").split()) for i in b.items)
        elif isinstance(b, Table):
            n += sum(len(c.split()) for r in b.rows for c in r)
    return n


def report(builds: list[ArticleBuild]) -> dict:
    """Counts per article for ``site/report.json``."""
    out = {}
    for b in builds:
        a = b.article
        markers = len(re.findall(r'class="footnote-ref"', b.markdown))
        out[a.meta.slug] = {
            "paragraphs": sum(
                1 for _ in re.finditer(r'\{: #p\d+ \.para \}|class="para table-block"', b.markdown)
            ),
            "headings": sum(isinstance(x, Heading) for x in a.blocks),
            "footnote_markers": markers,
            "footnote_bodies": len(a.footnotes),
            "footnotes_unplaced": sum(not f.placed for f in a.footnotes),
            "reference_items": len(a.references),
            "removals": len(a.removals),
            "words": b.words,
        }
        if b.citations is not None:
            out[a.meta.slug]["citations"] = b.citations.counts()
    return out


def build(root: Path) -> BuildOutput:
    """Build every page from ``root/sources``; raise ``BuildError`` if any stage erred."""
    reporter = Reporter()
    out = BuildOutput()
    sources = discover(root, reporter)
    for source in sources:
        out.articles.append(prepare_article(source, reporter))
    articles = [b.article for b in out.articles]
    titles = {a.meta.slug: a.meta.title for a in articles}
    bib = out.bibliography = build_bibliography(root, out, titles, reporter)
    if bib:
        link_citations(root, out, bib, titles, reporter)
    terms = build_glossary(root, out, titles, bib, reporter)
    see = build_timeline(root, out, titles, reporter)
    for b in out.articles:
        slug = b.article.meta.slug
        refs_md = None
        if bib and slug in bib.per_article:
            refs_md = render_article_references(
                bib.per_article[slug], bib.key_index, bib.formatted, slug
            )
        b.markdown = render_article(
            b.linked or b.article,
            b.byline,
            b.heading_ids,
            refs_md,
            TermMarker(terms),
            see.get(slug, {}),
        )
        check_nothing_lost(b.article, b.markdown, reporter)
        out.pages[f"articles/{slug}.md"] = b.markdown
    course = load_course(root, reporter)
    if course is not None:
        info = {
            b.article.meta.slug: (
                b.article.meta.title,
                b.words,
                {a for a, _, _ in anchor_index(b.article.blocks, b.heading_ids)},
            )
            for b in out.articles
        }
        out.pages["teaching.md"] = render_teaching(
            course, info, {t.id: t.name for t in out.glossary_terms}, reporter
        )
    out.pages["index.md"] = render_home(
        articles, {b.article.meta.slug: b.words for b in out.articles}, course, out.pages
    )
    out.pages["editorial.md"] = render_editorial(articles, reporter.diagnostics)
    summary = report(out.articles)
    if out.bibliography:
        summary["_reader"] = {
            "reference_listings": sum(len(r) for r in out.bibliography.per_article.values()),
            "merged_entries": len(out.bibliography.merged),
            "shared_entries": sum(len(m.slugs) > 1 for m in out.bibliography.merged),
            "glossary_terms": len(out.glossary_terms),
        }
    out.files["report.json"] = (json.dumps(summary, indent=2) + "\n").encode()
    out.addresses = collect_addresses(out)
    aliases = check(root, out.addresses, reporter)
    out.files.update(apply_aliases(out.pages, aliases))
    check_unique_ids(out.pages, id_origins(root, out, aliases), page_inputs(out), reporter)
    for fmt, ext in (("csv", "csv"), ("md", "md")):
        out.files[f"downloads/addresses.{ext}"] = format_addresses(out.addresses, fmt).encode()
    out.diagnostics = reporter.diagnostics
    if reporter.has_errors():
        raise BuildError(reporter.errors, out)
    return out


@dataclass
class BibliographyBuild:
    per_article: dict[str, list]
    merged: list
    key_index: dict[tuple[str, str], str]
    formatted: dict[str, str]


def build_bibliography(
    root: Path, out: BuildOutput, titles: dict[str, str], reporter: Reporter
) -> BibliographyBuild | None:
    """Reference lists -> entries -> one merged bibliography; its page and downloads.

    The committed ``bib/*.bib`` files are read to catch hand edits that broke them, and
    compared with what the lists give now (``make bib`` regenerates them)."""
    items = {b.article.meta.slug: b.article.references for b in out.articles}
    if not any(items.values()):
        return None
    bibset = regenerate_bibs(root, items, reporter, write=False)
    bib_dir = root / "bib"
    if bib_dir.is_dir():
        for path in sorted(bib_dir.glob("*.bib")):
            rel = f"bib/{path.name}"
            read_bib(path, reporter, rel)
            fresh = bibset.files.get(rel)
            if fresh is not None and path.read_text(encoding="utf-8") != fresh:
                reporter.warning(
                    Span(rel, 1),
                    f"{rel} differs from what the reference lists "
                    "give now; run `make bib` and review the diff",
                    "bib-stale",
                )
    cache_path = root / "build" / "cache" / "apa.json"
    try:
        cache = json.loads(cache_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cache = {}
    known = len(cache)
    ordered = [(f.key, f.html) for f in format_bibliography(bibset.merged, cache)]
    if len(cache) != known:  # a cache only: losing it costs time, never correctness
        try:
            cache_path.parent.mkdir(parents=True, exist_ok=True)
            cache_path.write_text(json.dumps(cache, sort_keys=True), encoding="utf-8")
        except OSError:
            pass
    formatted = dict(ordered)
    out.pages["bibliography.md"] = render_bibliography(bibset.merged, ordered, titles)
    out.files["downloads/reader.bib"] = bibset.files["bib/reader.bib"].encode()
    return BibliographyBuild(
        bibset.per_article, bibset.merged, merged_key_index(bibset.merged), formatted
    )


def link_citations(
    root: Path, out: BuildOutput, bib: BibliographyBuild, titles: dict[str, str], reporter: Reporter
) -> None:
    """Find the citations in every article, resolve them against its reference list,
    and put link tokens into the text; fill the bibliography's "cited at" lists."""
    merged = {m.key: m for m in bib.merged}
    previews = {k: html.unescape(re.sub(r"<[^>]+>", "", v)) for k, v in bib.formatted.items()}
    cited_at: dict[str, list[tuple[str, str, str | None]]] = {}
    for b in out.articles:
        slug = b.article.meta.slug
        refs = bib.per_article.get(slug, [])
        if not refs:
            continue
        cited = cite_article(b.article, refs, reporter, b.article.source_lines)
        b.citations = cited
        where: dict[int, str] = {}
        for t in cited.texts:
            anchor = t.anchor or f"fn:{fn_id(t.footnote)}"
            for r in t.resolved:
                where[id(r)] = anchor

        def token(r, text, slug=slug, where=where):
            key = bib.key_index.get((slug, r.key)) if r.key else None
            preview = previews.get(key, "") if key else ""
            if key:
                others = [short_title(s, titles) for s in merged[key].slugs if s != slug]
                if others:
                    preview += " Also in the reference list of " + ", ".join(others) + "."
                cited_at.setdefault(key, []).append((slug, where[id(r)], r.note))
            return cite_token(text, key, preview, r.note)

        b.linked = apply_links(b.article, cited, token)
    cite_documents_by_address(out, bib, cited_at)
    out.pages["bibliography.md"] = render_bibliography(
        bib.merged, [(k, v) for k, v in bib.formatted.items()], titles, cited_at
    )


def _address_key(url: str) -> str:
    """An address reduced for comparison: no scheme, "www."/"en." prefix, spaces,
    fragment or trailing "/" and "_" ("https://en.odkb-csto.org/documents/x_/#loaded"
    and "odkb-csto.org/documents/ x" are one document)."""
    url = re.sub(r"\s+", "", url.lower())
    url = re.sub(r"^(https?://)?(www\.|en\.)?", "", url)
    return re.sub(r"[#?].*$", "", url).rstrip("/_")


def cite_documents_by_address(
    out: BuildOutput, bib: BibliographyBuild, cited_at: dict[str, list[tuple[str, str, str | None]]]
) -> None:
    """Footnotes that cite a document by its address (the CSTO Charter, the Treaty) are
    counted as citations of the bibliography entry with that address, so the entry lists
    every article that cites it, in its reference list or in a note."""
    by_address = {}
    for m in bib.merged:
        if m.get("url"):
            by_address.setdefault(_address_key(m.get("url")), m.key)
    for b in out.articles:
        for f in b.article.footnotes:
            for url in re.findall(r"https?://[^\s)\]>]+(?: [a-z_/]+/)?", f.text):
                key = by_address.get(_address_key(url))
                where = (b.article.meta.slug, f"fn:{fn_id(f.key)}", None)
                if key and where not in cited_at.get(key, []):
                    cited_at.setdefault(key, []).append(where)


def paragraph_texts(builds: list[ArticleBuild]):
    """(slug, anchor, text) of every numbered body block, in reading order."""
    for b in builds:
        slug = b.article.meta.slug
        for blk in b.article.blocks:
            if isinstance(blk, (Paragraph, Quote)):
                yield slug, blk.anchor, blk.text
            elif isinstance(blk, ListBlock):
                for it in blk.items:
                    yield slug, it.anchor, it.text
                    if it.quote:
                        yield slug, it.quote_anchor, it.quote


def line_anchors(builds: list[ArticleBuild]) -> dict[tuple[str, int], str]:
    """(slug, source line) -> the anchor of the block that holds that line."""
    out: dict[tuple[str, int], str] = {}
    for b in builds:
        slug = b.article.meta.slug
        for blk in b.article.blocks:
            spans = []
            if isinstance(blk, (Paragraph, Quote, Table)):
                spans = [(blk.span, blk.anchor)]
            elif isinstance(blk, ListBlock):
                spans = [(it.span, it.anchor) for it in blk.items]
            for span, anchor in spans:
                for line in range(span.line, (span.end_line or span.line) + 1):
                    out.setdefault((slug, line), anchor)
    return out


def source_lines(out: BuildOutput) -> dict[str, tuple[str, ...]]:
    """Slug -> the lines the sources stage read, for every article it accepted: the
    only text later stages check line references against (no file is read twice, and
    an article the sources stage rejected is not there)."""
    return {b.article.meta.slug: b.article.source_lines for b in out.articles}


def build_glossary(
    root: Path,
    out: BuildOutput,
    titles: dict[str, str],
    bib: BibliographyBuild | None,
    reporter: Reporter,
) -> list:
    """Load the glossary, check it against the texts, find where the articles use each
    term, and write /glossary/.  Returns the terms for marking the article pages."""
    path = root / "glossary" / "terms.yml"
    if not path.exists():
        return []
    from .scholarly.glossary import (
        check_against_sources,
        find_occurrences,
        load_terms,
        render_glossary_page,
        report_unused,
    )

    terms = load_terms(path, reporter, root=root)
    texts = source_lines(out)
    bib_keys = {m.key for m in bib.merged} if bib else None
    check_against_sources(terms, texts, reporter, bib_keys=bib_keys)
    occurrences = find_occurrences(terms, paragraph_texts(out.articles))
    report_unused(terms, occurrences, reporter)
    out.pages["glossary.md"] = render_glossary_page(
        terms, occurrences, titles, line_anchors(out.articles)
    )
    out.glossary_terms = terms
    return terms


def build_timeline(
    root: Path, out: BuildOutput, titles: dict[str, str], reporter: Reporter
) -> dict[str, dict[str, str]]:
    """/timeline/ from timeline/events.yml, and the "see also" notes from
    timeline/related.yml: slug -> anchor -> Markdown to put under that paragraph."""
    if not (root / "timeline").is_dir():
        return {}
    from .scholarly.timeline import (
        load_events,
        load_related,
        passage_anchors,
        render_see_also,
        render_timeline,
        see_also_by_question,
        timeline_anchor_refs,
    )

    line_to_anchor = passage_anchors(out.articles)
    texts = source_lines(out)
    events = load_events(root, reporter, texts)
    related = load_related(root, reporter, texts)
    known: dict[str, set[str]] = {}
    for b in out.articles:
        known[b.article.meta.slug] = {
            a for a, _, _ in anchor_index(b.article.blocks, b.heading_ids)
        } | {f"fn:{fn_id(f.key)}" for f in b.article.footnotes if f.placed}
    timeline_anchor_refs(events, related, line_to_anchor, reporter, known)
    out.pages["timeline.md"] = render_timeline(events, line_to_anchor, titles)
    out.timeline_events = events
    result: dict[str, dict[str, str]] = {}
    for (slug, anchor), groups in see_also_by_question(related, line_to_anchor, titles).items():
        result.setdefault(slug, {})[anchor] = render_see_also(groups, slug)
    return result


def id_origins(root: Path, out: BuildOutput, aliases: dict[str, str]) -> dict[str, dict[str, Span]]:
    """page -> id -> the source line that made it: an article's headings, paragraphs and
    notes, and the ids aliases add (which win: an alias is what adds a second id)."""
    origins: dict[str, dict[str, Span]] = {}
    for b in out.articles:
        a = b.article
        ids = origins.setdefault(f"articles/{a.meta.slug}.md", {})
        for anchor, _, line in anchor_index(a.blocks, b.heading_ids):
            ids.setdefault(anchor, Span(a.source_path, line))
        for f in a.footnotes:
            ids.setdefault(f"fn:{fn_id(f.key)}", f.span)
            ids.setdefault(f"fnref:{fn_id(f.key)}", f.span)
    lines = alias_lines(root)
    for old in aliases:
        page, _, anchor = old.partition("#")
        if anchor:
            md = f"{page.strip('/')}.md" if page.strip("/") else "index.md"
            origins.setdefault(md, {})[anchor] = Span(str(ALIASES), lines.get(old, 1))
    return origins


def page_inputs(out: BuildOutput) -> dict[str, Span]:
    """page -> the input file it is made from (line 1), for diagnostics about a page."""
    inputs = {
        "glossary.md": Span("glossary/terms.yml", 1),
        "timeline.md": Span("timeline/events.yml", 1),
        "teaching.md": Span("teaching/course.yml", 1),
        "bibliography.md": Span("bib/reader.bib", 1),
    }
    for b in out.articles:
        inputs[f"articles/{b.article.meta.slug}.md"] = Span(b.article.source_path, 1)
    return inputs


def collect_addresses(out: BuildOutput) -> list[Address]:
    """Every public address: pages, article sections and paragraphs."""
    addrs = [Address("", "page", "The CSTO Reader")]
    for b in out.articles:
        m = b.article.meta
        page = f"articles/{m.slug}/"
        addrs.append(Address(page, "page", m.title))
        for anchor, label, _line in anchor_index(b.article.blocks, b.heading_ids):
            kind = "paragraph" if anchor.startswith("p") and anchor[1:].isdigit() else "section"
            addrs.append(Address(f"{page}#{anchor}", kind, label))
    for md in sorted(out.pages):
        if md == "index.md" or md.startswith("articles/"):
            continue
        addrs.append(Address(md[:-3] + "/", "page", md[:-3]))
    for t in out.glossary_terms:
        addrs.append(Address(f"glossary/#{t.id}", "glossary", t.name))
    for e in out.timeline_events:
        addrs.append(Address(f"timeline/#{e.id}", "event", e.label))
    if out.bibliography:
        for m in out.bibliography.merged:
            label = f"{m.get('author') or m.get('editor') or m.get('title')} ({m.get('year')})"
            addrs.append(Address(f"bibliography/#{m.key}", "bibliography", label))
    return addrs
