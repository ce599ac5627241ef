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
from collections.abc import Mapping

from ..codes import codes_of
from ..diagnostics import Reporter
from ..model import Span

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
