"""The offline copy (offline.py): downloads/reader-offline.zip opens from disk and searches.

The zip of ``site/`` is used when ``make site`` made it after the last change to the inputs;
otherwise the offline variant is built here into a temporary folder.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import ROOT, SLUGS
from csto_reader.publish import offline
from test_pdf import _newest_input


@pytest.fixture(scope="module")
def offline_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The offline copy's zip: site/'s when fresh, else one built for this module."""
    made = ROOT / "site" / "downloads" / offline.ZIP_NAME
    if made.is_file() and made.stat().st_mtime > _newest_input():
        return made
    site = tmp_path_factory.mktemp("online")  # no PDFs: the zip is made without them
    return offline.build_offline_zip(ROOT, site)


@pytest.fixture(scope="module")
def unpacked(offline_zip: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(offline_zip) as zf:
        zf.extractall(folder)
    return folder / offline.ZIP_FOLDER


def test_the_zip_holds_the_pages_and_offline_search(offline_zip: Path) -> None:
    with zipfile.ZipFile(offline_zip) as zf:
        names = set(zf.namelist())
        assert zf.testzip() is None
    prefix = f"{offline.ZIP_FOLDER}/"
    assert all(name.startswith(prefix) for name in names)
    expected = [
        "index.html",
        "about.html",
        "editorial.html",
        "search/search_index.js",
        "assets/vendor/iframe-worker/shim.js",
        "assets/vendor/iframe-worker/LICENSE.txt",
    ]
    expected += [f"articles/{slug}.html" for slug in SLUGS]
    for name in expected:
        assert prefix + name in names, f"{name} missing from the offline zip"


def test_no_page_names_unpkg_and_every_local_link_resolves(unpacked: Path) -> None:
    broken = []
    with_pdfs = any((unpacked / "downloads").glob("*.pdf"))
    with_epubs = any((unpacked / "downloads").glob("*.epub"))
    for page in sorted(unpacked.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert "unpkg.com" not in text, f"{page.name} loads from unpkg"
        for match in re.finditer(r'\b(?:href|src)="([^"]*)"', text):
            parts = urlsplit(match.group(1).replace("&amp;", "&"))
            if parts.scheme or parts.netloc or not parts.path:
                continue
            if parts.path.endswith(offline.ZIP_NAME):
                continue  # the zip is not inside itself
            if parts.path.endswith(".pdf") and not with_pdfs:
                continue  # a zip made here, from a site without its PDFs
            if parts.path.endswith(".epub") and not with_epubs:
                continue  # nor its EPUBs
            if not (page.parent / unquote(parts.path)).is_file():
                broken.append(f"{page.relative_to(unpacked)}: {match.group(1)}")
    assert not broken, "\n".join(broken[:20])


def test_fix_link_points_directory_links_at_files(tmp_path: Path) -> None:
    for name in ("index.html", "glossary.html", "articles/zhang-2023.html"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    page = "articles/zhang-2023.html"
    assert offline.fix_link(tmp_path, page, "../../glossary/#crrf") == "../glossary.html#crrf"
    assert offline.fix_link(tmp_path, page, "../glossary.html#crrf") is None  # already a file
    assert offline.fix_link(tmp_path, "index.html", "articles/zhang-2023/") == (
        "articles/zhang-2023.html"
    )
    assert offline.fix_link(tmp_path, page, "https://example.org/") is None
    # the 404 page's links from the site root: relative to the file on disk
    assert offline.fix_link(tmp_path, "404.html", "/glossary.html#crrf") == "glossary.html#crrf"
    assert offline.fix_link(tmp_path, "404.html", "/.") == "index.html"
    assert offline.fix_link(tmp_path, page, "/index.html") == "../index.html"
    assert offline.fix_link(tmp_path, page, "//example.org/x") is None
    assert offline.fix_link(tmp_path, page, "#p12") is None


def test_index_opens_from_disk_and_search_finds_pages(
    unpacked: Path, request: pytest.FixtureRequest
) -> None:
    # conftest's browser fixture fails (never skips) when Chromium is missing
    browser = request.getfixturevalue("browser")  # conftest: one Chromium per session

    foreign: list[str] = []
    errors: list[str] = []
    context = browser.new_context()
    try:
        page = context.new_page()
        page.on(
            "request",
            lambda r: (
                foreign.append(r.url)
                if not r.url.startswith(("file:", "data:", "about:"))
                else None
            ),
        )
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((unpacked / "index.html").as_uri())
        assert "The CSTO Reader" in page.title()

        # Navigation: the first article card opens the article's file.
        page.locator(".article-card a").first.click()
        page.wait_for_load_state()
        assert page.url.startswith("file://") and page.url.endswith(".html")
        assert page.locator("h1#title").count() == 1

        # Search from file:// (Material's worker runs through the vendored shim).
        search = page.locator("input.md-search__input")
        search.click()
        search.press_sequentially("peacekeeping", delay=30)
        page.wait_for_selector(".md-search-result__item", timeout=15_000)
        assert page.locator(".md-search-result__item").count() > 0
        meta = page.locator(".md-search-result__meta").inner_text()
        assert re.search(r"\d+ matching document", meta), meta
        page.locator(".md-search-result__link").first.click()
        page.wait_for_load_state()
        assert page.url.startswith("file://")
        assert "/articles/" in page.url or page.url.endswith(".html")
    finally:
        context.close()
    assert not foreign, f"requests to other hosts: {foreign}"
    assert not errors, errors


def test_the_404_page_opens_from_disk_with_its_styles_and_links(
    unpacked: Path, request: pytest.FixtureRequest
) -> None:
    """The copy's 404.html names its assets and pages relative to itself (MkDocs writes
    them from the site root, which is the disk's root from file://)."""
    text = (unpacked / "404.html").read_text(encoding="utf-8")
    assert not re.search(r'\b(?:href|src)="/(?!/)', text)
    assert '"base": "."' in text
    browser = request.getfixturevalue("browser")
    context = browser.new_context()
    try:
        page = context.new_page()
        failed: list[str] = []
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.goto((unpacked / "404.html").as_uri())
        page.wait_for_load_state("load")
        assert not failed, failed
        sheets = page.evaluate("[...document.styleSheets].map(s => s.href).filter(Boolean)")
        # the sheet that joins Material's and reader.css (publish/assets.py, join_sheets)
        assert any(re.search(r"/site\.[0-9a-f]{8}\.min\.css$", h) for h in sheets), sheets
        # the reader's own stylesheet applies: the serif body font
        assert "Noto Serif" in page.evaluate(
            "getComputedStyle(document.querySelector('.md-typeset')).fontFamily"
        )
        home = page.locator("a.md-header__button.md-logo").get_attribute("href")
        assert (unpacked / home).resolve() == (unpacked / "index.html").resolve()
    finally:
        context.close()


def test_previews_of_citations_and_terms_work_from_disk(
    unpacked: Path, request: pytest.FixtureRequest
) -> None:
    """reader.js loads the page's previews file (publish/previews.py) as a script, which
    a page opened from file:// may do (fetch() of a file it may not): a citation and a
    term each show their preview on hover, with nothing failed or blocked."""
    browser = request.getfixturevalue("browser")
    context = browser.new_context()
    try:
        page = context.new_page()
        failed: list[str] = []
        errors: list[str] = []
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        shown = []
        for article in sorted((unpacked / "articles").glob("*.html")):
            page.goto(article.as_uri(), wait_until="load")
            for selector in ("p.para a.cite", "p.para a.term"):
                link = page.locator(selector).first
                if not link.count():
                    continue
                link.scroll_into_view_if_needed()
                link.hover()
                page.wait_for_selector("#reader-preview", state="visible", timeout=5000)
                body = page.locator("#reader-preview .reader-preview__body").inner_text()
                assert body.strip(), f"{article.name} {selector}: an empty preview"
                shown.append(selector)
                page.keyboard.press("Escape")
                page.mouse.move(0, 0)
        assert set(shown) == {"p.para a.cite", "p.para a.term"}, shown
        assert not failed, failed
        assert not errors, errors
    finally:
        context.close()
