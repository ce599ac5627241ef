"""The whole site builds with `mkdocs build --strict`, and asks no other host for anything."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SLUGS = ["zhang-2023", "beloglazov-2023", "syssoyeva-2023", "choi-2022"]

# Web-font and script CDN hosts: named nowhere in a page except as the target of a link.
FOREIGN_HOSTS = re.compile(
    r"fonts\.googleapis\.com|fonts\.gstatic\.com|unpkg\.com|cdn\.jsdelivr\.net|cdnjs\.cloudflare\.com"
)
# Anything that makes the browser fetch from another host: an element loading an absolute
# or protocol-relative address, or a CSS url() / @import doing so.  (A link, <a href>, to
# another host is fine: it is only followed when a reader clicks it.)
REMOTE_RESOURCE = re.compile(
    r"<(?:script|link|img|iframe|source|video|audio|embed|object|track)\b[^>]*"
    r"\b(?:src|href|srcset|data|poster)=[\"']?(?:https?:)?//"
    r"|url\(\s*[\"']?(?:https?:)?//|@import\s+[\"']?(?:url\()?[\"']?(?:https?:)?//",
    re.IGNORECASE,
)
LINK = re.compile(r"<a\b[^>]*>.*?</a>", re.IGNORECASE | re.DOTALL)
# <link> elements that name an address without fetching it.
NOT_FETCHED = re.compile(r"<link\b[^>]*\brel=[\"']?(?:canonical|alternate|author|license)\b[^>]*>")


@pytest.fixture(scope="module")
def site(site_dir: Path) -> Path:
    """The site, built once per session, strictly (``site_dir`` in conftest.py)."""
    return site_dir


def test_home_and_about_pages_are_built(site: Path) -> None:
    assert (site / "index.html").is_file()
    assert (site / "about" / "index.html").is_file()


def test_no_page_asks_another_host(site: Path) -> None:
    offenders = []
    for page in sorted(site.rglob("*.html")):
        html = NOT_FETCHED.sub("", page.read_text(encoding="utf-8"))
        for pattern, text in ((REMOTE_RESOURCE, html), (FOREIGN_HOSTS, LINK.sub("", html))):
            if match := pattern.search(text):
                offenders.append(f"{page.relative_to(site)}: {match.group(0)!r}")
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize("slug", SLUGS)
def test_article_page_is_built(site: Path, built, slug: str) -> None:
    """The pipeline generates the page of every article, and the site has it."""
    assert f"articles/{slug}.md" in built.pages
    assert (site / "articles" / slug / "index.html").is_file()
