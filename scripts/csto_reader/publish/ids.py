"""Every id of a page is unique: a link to ``#x`` reaches only the first element with id
``x``, so a second one is a broken address (two notes numbered alike, an alias naming an
id the page already has, a heading whose slug another part of the page uses).

``check_unique_ids`` reads the ids each generated page gives its elements before MkDocs
runs, and reports each id used twice at the source line that made it, where that is
known.  The pipeline writes ids in two forms only, both read here: an ``id="..."``
attribute in a raw HTML tag, and an attribute list (``{ #id }``, ``{: #id .class }``).
Source text cannot forge either: its ``<`` becomes ``&lt;`` and its ``{`` is escaped.
Headings without an explicit id get one from MkDocs' ``toc``, which keeps those unique
against the ids already set.  (Turning each page into HTML to read its ids gives the same
ids, ``tests/test_addresses.py`` checks, but costs a second or more per build.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..codes import codes_of
from ..diagnostics import Reporter
from ..ingest.anchors import anchor_index
from ..markup import note_anchor, note_ref_anchor
from ..model import ArticleBuild, Span
from .addresses import ALIASES, alias_lines

# Diagnostic codes this module reports.
CODES = codes_of("publish.ids")  # meanings: the registry (codes.py)

TAG_ID = re.compile(r"<[A-Za-z][^<>]*?\sid=\"([^\"]*)\"")
ATTR_LIST_ID = re.compile(r"(?<!\\)\{:?[ \t]*(?:[.\w-]+[ \t]+)*#([^\s}]+)")


def page_ids(text: str) -> list[str]:
    """The explicit ids of a generated page (raw HTML and attribute lists), with
    repeats; not in page order."""
    return TAG_ID.findall(text) + ATTR_LIST_ID.findall(text)


def check_unique_ids(
    pages: Mapping[str, str],
    origins: Mapping[str, Mapping[str, Span]],
    fallback: Mapping[str, Span],
    reporter: Reporter,
) -> None:
    """Report each id used twice on one page: at ``origins[page][id]`` (the source line
    that made the id) or else at ``fallback[page]``."""
    for page in sorted(pages):
        seen: set[str] = set()
        reported: set[str] = set()
        for name in page_ids(pages[page]):
            if name not in seen:
                seen.add(name)
                continue
            if name in reported:
                continue
            reported.add(name)
            span = origins.get(page, {}).get(name) or fallback.get(page) or Span(page, 1)
            reporter.error(
                span,
                f"two elements of the page {_address(page)} have the id '{name}' "
                f"(a link to #{name} reaches only the first)",
                "duplicate-id",
            )


def _address(page: str) -> str:
    """ "articles/x-2024.md" -> "articles/x-2024/"; "index.md" -> "/"."""
    stem = page[: -len(".md")] if page.endswith(".md") else page
    return "/" if stem == "index" else stem + "/"


def id_origins(
    root: Path, builds: Iterable[ArticleBuild], aliases: Mapping[str, str]
) -> dict[str, dict[str, Span]]:
    """page -> id -> the source line that made it: an article's headings, paragraphs and
    notes, and the ids aliases add (which win: an alias is what adds a second id)."""
    origins: dict[str, dict[str, Span]] = {}
    for b in builds:
        a = b.article
        ids = origins.setdefault(f"articles/{a.meta.slug}.md", {})
        for anchor, _, line in anchor_index(a.blocks, b.heading_ids):
            ids.setdefault(anchor, Span(a.source_path, line))
        for f in a.footnotes:
            ids.setdefault(note_anchor(f.key), f.span)
            ids.setdefault(note_ref_anchor(f.key), f.span)
    lines = alias_lines(root)
    for old in aliases:
        page, _, anchor = old.partition("#")
        if anchor:
            md = f"{page.strip('/')}.md" if page.strip("/") else "index.md"
            origins.setdefault(md, {})[anchor] = Span(str(ALIASES), lines.get(old, 1))
    return origins


def page_inputs(builds: Iterable[ArticleBuild]) -> dict[str, Span]:
    """page -> the input file it is made from (line 1), for diagnostics about a page."""
    inputs = {
        "glossary.md": Span("glossary/terms.yml", 1),
        "timeline.md": Span("timeline/events.yml", 1),
        "teaching.md": Span("teaching/course.yml", 1),
        "bibliography.md": Span("bib/reader.bib", 1),
    }
    for b in builds:
        inputs[f"articles/{b.article.meta.slug}.md"] = Span(b.article.source_path, 1)
    return inputs
