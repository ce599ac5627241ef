"""The search index is downloaded when the reader opens the search, not with every page.

The first part of docs/assets/javascripts/reader.js (loaded before Material's bundle)
holds back Material's request for
search/search_index.json and its search worker until the search box gets focus (the "/"
shortcut, a click or a tap) or the address carries a search (?q=) or a highlight (?h=).
The search itself is tested in test_browser.py (article phrases, glossary terms,
bibliography entries) and, from file://, in test_offline.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import site_pages

INDEX = re.compile(r"/search/search_index\.json$")
WORKER = re.compile(r"/assets/javascripts/workers/search\.[^/]+\.js$")


@pytest.fixture(scope="module")
def first_pages(site_dir: Path) -> list[str]:
    """The home page and every article page."""
    pages = [p for p in site_pages(site_dir) if p == "" or re.fullmatch(r"articles/[^/]+/", p)]
    assert len(pages) > 1, "no article pages were built"
    return pages


def opened(browser, site_url: str, path: str, **options: object):  # type: ignore[no-untyped-def]
    """A fresh context with ``path`` loaded; returns (context, page, requested URLs)."""
    context = browser.new_context(**options)
    page = context.new_page()
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page.goto(site_url + path, wait_until="networkidle")
    page.wait_for_timeout(300)
    return context, page, requested


def asked(requested: list[str], pattern: re.Pattern[str]) -> bool:
    return any(pattern.search(url.split("?")[0]) for url in requested)


def test_a_page_loads_without_the_index_and_the_shortcut_loads_it(
    browser, site_url: str, first_pages: list[str]
) -> None:
    for path in first_pages:
        context, page, requested = opened(browser, site_url, path)
        try:
            assert not asked(requested, INDEX), f"/{path} asked for the index on load"
            assert not asked(requested, WORKER), f"/{path} started the search worker on load"
            with page.expect_request(lambda r: bool(INDEX.search(r.url))):
                page.keyboard.press("/")
            for _ in range(100):  # the worker starts once the index has arrived
                if asked(requested, WORKER):
                    break
                page.wait_for_timeout(100)
            assert asked(requested, WORKER), f"/{path}: no search worker after opening search"
        finally:
            context.close()


def test_after_the_deferred_load_the_search_finds_a_phrase(
    browser, site_url: str, first_pages: list[str], site_dir: Path
) -> None:
    """Typed before the index has arrived, the query is answered once it has."""
    article = first_pages[1]
    html = (site_dir / article / "index.html").read_text(encoding="utf-8")
    title = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert title, f"{article} has no h1"
    words = re.findall(r"[A-Za-z]{5,}", re.sub(r"<[^>]+>", " ", title.group(1)))[:3]
    assert words, f"no plain words in the title of {article}"
    context, page, requested = opened(browser, site_url, "")
    try:
        box = page.locator("input.md-search__input")
        box.click()
        box.press_sequentially(" ".join(words), delay=15)
        page.wait_for_selector(".md-search-result__item > a", timeout=15_000)
        links = page.eval_on_selector_all(
            ".md-search-result__item > a", "links => links.map(a => a.href.split('?')[0])"
        )
        assert any(article in link for link in links), (words, links)
        assert asked(requested, INDEX)
    finally:
        context.close()


def test_a_tap_on_the_search_icon_on_a_phone_loads_the_index(
    browser, site_url: str, first_pages: list[str]
) -> None:
    context, page, requested = opened(
        browser, site_url, first_pages[-1], viewport={"width": 390, "height": 800}
    )
    try:
        assert not asked(requested, INDEX)
        with page.expect_request(lambda r: bool(INDEX.search(r.url))):
            page.locator("label.md-header__button[for=__search]").click()
    finally:
        context.close()


def test_an_address_with_a_highlight_loads_the_index_at_once(
    browser, site_url: str, first_pages: list[str]
) -> None:
    """A search result followed (?h=) needs the index to highlight the words."""
    context, page, requested = opened(browser, site_url, first_pages[1] + "?h=security")
    try:
        assert asked(requested, INDEX), "the highlight address did not load the index"
        page.wait_for_selector("article mark", timeout=10_000)
    finally:
        context.close()
