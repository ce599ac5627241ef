"""Every id of a page is unique: a link to ``#x`` reaches only the first element with id
``x``, so a second one is a broken address (two notes numbered alike, an alias naming an
id the page already has, a heading whose slug another part of the page uses).

``check_unique_ids`` turns each generated page into HTML the way the site does (the
Markdown extensions of ``mkdocs.yml``) before MkDocs runs, and reports each id used twice
at the source line that made it, where that is known.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html.parser import HTMLParser

import markdown

from .diagnostics import Reporter
from .model import Span

# Diagnostic codes this module reports.
CODES = frozenset({"duplicate-id"})  # two elements of one generated page have one id

# The extensions of mkdocs.yml that make or keep ids (permalinks add none).
EXTENSIONS = [
    "abbr",
    "admonition",
    "attr_list",
    "def_list",
    "footnotes",
    "md_in_html",
    "tables",
    "toc",
    "pymdownx.details",
    "pymdownx.superfences",
]
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value is not None:
                self.ids.append(value)

    handle_startendtag = handle_starttag


def page_ids(md: markdown.Markdown, text: str) -> list[str]:
    """The ids of the HTML that ``text`` (a generated page) becomes, in page order."""
    parser = _Ids()
    parser.feed(md.reset().convert(FRONT_MATTER.sub("", text, count=1)))
    parser.close()
    return parser.ids


def check_unique_ids(
    pages: Mapping[str, str],
    origins: Mapping[str, Mapping[str, Span]],
    fallback: Mapping[str, Span],
    reporter: Reporter,
) -> None:
    """Report each id used twice on one page: at ``origins[page][id]`` (the source line
    that made the id) or else at ``fallback[page]``."""
    md = markdown.Markdown(extensions=EXTENSIONS)
    for page in sorted(pages):
        seen: set[str] = set()
        reported: set[str] = set()
        for name in page_ids(md, pages[page]):
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
