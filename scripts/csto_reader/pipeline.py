"""Run every stage over ``sources/`` and return the generated pages.

``build(root)`` is what the MkDocs hook and the command line both call.  It writes
nothing to disk itself: it returns the pages (paths relative to ``docs/``) and extra
files (paths relative to the site root), so a failed build leaves no half-written site.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .addresses import Address, apply_aliases, check, format_addresses
from .anchors import anchor_index, number_blocks
from .clean import clean
from .diagnostics import BuildError, Diagnostic, Reporter
from .footnotes import pair_footnotes
from .model import Article, ListBlock, Paragraph, Quote, SourceText, Table
from .pages import render_editorial, render_home
from .render import render_article
from .segment import segment
from .sources import discover


@dataclass
class ArticleBuild:
    article: Article
    byline: tuple[str, ...]
    heading_ids: dict[int, str]
    markdown: str
    words: int


@dataclass
class BuildOutput:
    pages: dict[str, str] = field(default_factory=dict)  # "articles/zhang-2023.md" -> Markdown
    files: dict[str, bytes] = field(default_factory=dict)  # "report.json" -> bytes
    diagnostics: list[Diagnostic] = field(default_factory=list)
    articles: list[ArticleBuild] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)


def build_article(source: SourceText, reporter: Reporter) -> ArticleBuild:
    """Clean, segment, pair footnotes, number and render one article."""
    cleaned = clean(source)
    seg = segment(cleaned, source.meta, reporter)
    paired = pair_footnotes(seg.blocks, seg.byline, seg.bodies, source.path,
                            source.meta.accept, reporter)
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
    )
    md = render_article(article, paired.byline, heading_ids)
    return ArticleBuild(article, paired.byline, heading_ids, md, _word_count(blocks))


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
    from .model import Heading

    out = {}
    for b in builds:
        a = b.article
        markers = len(re.findall(r'class="footnote-ref"', b.markdown))
        out[a.meta.slug] = {
            "paragraphs": sum(1 for _ in re.finditer(r'\{: #p\d+ \.para \}|class="para table-block"',
                                                     b.markdown)),
            "headings": sum(isinstance(x, Heading) for x in a.blocks),
            "footnote_markers": markers,
            "footnote_bodies": len(a.footnotes),
            "footnotes_unplaced": sum(not f.placed for f in a.footnotes),
            "reference_items": len(a.references),
            "removals": len(a.removals),
            "words": b.words,
        }
    return out


def build(root: Path) -> BuildOutput:
    """Build every page from ``root/sources``; raise ``BuildError`` if any stage erred."""
    reporter = Reporter()
    out = BuildOutput()
    sources = discover(root, reporter)
    for source in sources:
        out.articles.append(build_article(source, reporter))
    articles = [b.article for b in out.articles]
    for b in out.articles:
        out.pages[f"articles/{b.article.meta.slug}.md"] = b.markdown
    out.pages["index.md"] = render_home(articles, {b.article.meta.slug: b.words
                                                   for b in out.articles})
    out.pages["editorial.md"] = render_editorial(articles, reporter.diagnostics)
    out.files["report.json"] = (json.dumps(report(out.articles), indent=2) + "\n").encode()
    out.addresses = collect_addresses(out)
    aliases = check(root, out.addresses, reporter)
    out.files.update(apply_aliases(out.pages, aliases))
    for fmt, ext in (("csv", "csv"), ("md", "md")):
        out.files[f"downloads/addresses.{ext}"] = format_addresses(out.addresses, fmt).encode()
    out.diagnostics = reporter.diagnostics
    if reporter.has_errors():
        raise BuildError(reporter.errors, out)
    return out


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
    return addrs
