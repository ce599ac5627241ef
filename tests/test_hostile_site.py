"""A whole site built from a hostile project (tests/fixtures/hostile/): nothing runs.

Every source string of the fixture tries to run script.  The site is built with
``mkdocs build --strict`` (the hooks refuse a page with an inline script that is not
Material's own: ``csp-inline-script``), then every page is checked as HTML (no ``on…=``
attribute, no ``javascript:`` link) and in Chromium: every link and tooltip is hovered and
focused, and any dialog fails the test.  A last test injects the payloads into a page
of the real site *after* escaping (a missed escape) and shows that the
Content-Security-Policy alone blocks each of them, and only them.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT, site_pages
from csto_reader.publish import csp
from helpers import mkdocs_build
from test_csp import VIOLATIONS

FIXTURE = ROOT / "tests" / "fixtures" / "hostile"
NAV = """nav:
  - Home: index.md
  - Articles:
      - articles/hostile-2024.md
  - Glossary: glossary.md
  - Bibliography: bibliography.md
  - My notes: my-notes.md
  - Editorial notes: editorial.md
  - About: about.md

"""
# What a missed escape would put in a page, and a sign of each that a violation reports.
PAYLOADS = (
    '<script>alert("inline")</script>'
    '<img src="x" onerror="alert(\'onerror\')">'
    '<p id="hover-me" onmouseover="alert(\'onmouseover\')">hover</p>'
    '<a id="js-link" href="javascript:alert(\'javascript\')">js</a>'
)


def build_project(fixture: Path, project: Path) -> Path:
    """A project root holding ``fixture``'s inputs and the reader's site setup; build it
    with ``mkdocs build --strict`` and return the site folder."""
    project.mkdir(parents=True, exist_ok=True)
    for name in ("sources", "glossary", "bib", "timeline", "teaching"):
        if (fixture / name).is_dir():
            shutil.copytree(fixture / name, project / name)
    shutil.copytree(ROOT / "docs", project / "docs")
    (project / "overrides").symlink_to(ROOT / "overrides")
    (project / "scripts").symlink_to(ROOT / "scripts")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config, count = re.subn(r"(?ms)^nav:\n.*?(?=^# Everything)", NAV, config)
    assert count == 1, "mkdocs.yml: the nav section was not found"
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    site = project / "site"
    result = mkdocs_build(project, site)
    if result.returncode != 0:
        pytest.fail(f"the hostile site did not build:\n{result.stdout}\n{result.stderr}")
    return site


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_project(FIXTURE, tmp_path_factory.mktemp("hostile") / "project")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def hostile_url(hostile_site: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(hostile_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


class _Live(HTMLParser):
    """Every event-handler attribute and script URL of a page, as the parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            url = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            elif name in ("href", "src", "action", "formaction", "xlink:href") and (
                url.startswith(("javascript:", "vbscript:", "data:text/html"))
            ):
                self.found.append(f"<{tag} {name}={value!r}>")


def test_the_fixture_is_hostile_everywhere() -> None:
    """The payloads are really in the fixture's inputs (so the tests below mean something)."""
    for path in ("sources/hostile-2024/meta.yml", "sources/hostile-2024/article.txt"):
        text = (FIXTURE / path).read_text(encoding="utf-8")
        for payload in ("<script>alert(1)</script>", "onerror=alert(1)", '" onmouseover="'):
            assert payload in text, (path, payload)
    article = (FIXTURE / "sources/hostile-2024/article.txt").read_text(encoding="utf-8")
    assert "[x](javascript:alert(1))" in article and " javascript:alert(1) " in article


def test_no_page_has_a_handler_a_script_link_or_an_unallowed_script(hostile_site: Path) -> None:
    problems = []
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) >= 6
    for file in pages:
        text = file.read_text(encoding="utf-8")
        parser = _Live()
        parser.feed(text)
        problems += [f"{file.relative_to(hostile_site)}: {p}" for p in parser.found]
        problems += [
            f"{file.relative_to(hostile_site)}: inline script {s[:60]!r}"
            for s in csp.untrusted_inline_scripts(text)
        ]
        assert "Content-Security-Policy" in text, file
    assert not problems, "\n".join(problems)


def _exercise(tab) -> int:
    """Hover and focus every visible link, term, citation and footnote call of the page;
    return how many were hovered."""
    from playwright.sync_api import Error

    targets = tab.locator("a, [title], [data-md-tooltip], sup.fn")
    hovered = 0
    for i in range(min(targets.count(), 300)):
        element = targets.nth(i)
        element.focus(timeout=2000)
        try:  # force: also where the sticky header covers it
            element.hover(force=True, timeout=1000)
            hovered += 1
        except Error:
            pass  # in a collapsed navigation section: focused only
    tab.wait_for_timeout(300)
    return hovered


def test_no_page_opens_a_dialog_when_read_hovered_and_focused(
    browser, hostile_url: str, hostile_site: Path
) -> None:
    context = browser.new_context()
    context.add_init_script(VIOLATIONS)
    dialogs: list[str] = []
    violations: list[str] = []
    tab = context.new_page()
    tab.on("dialog", lambda d: (dialogs.append(f"{tab.url}: {d.message}"), d.dismiss()))
    tab.on("console", lambda m: violations.append(m.text) if "CSP" in m.text else None)
    try:
        for path in site_pages(hostile_site):
            tab.goto(hostile_url + path, wait_until="networkidle")
            assert _exercise(tab) > 5, path
            live = tab.evaluate(
                """() => [...document.querySelectorAll('*')].flatMap(e =>
                    [...e.attributes].filter(a => a.name.startsWith('on') ||
                        /^\\s*javascript:/i.test(a.value) && /href|src|action/.test(a.name))
                    .map(a => e.tagName + ' ' + a.name + '=' + a.value))"""
            )
            assert not live, (path, live)
        tab.goto(hostile_url, wait_until="networkidle")
        search = tab.locator("input.md-search__input")
        search.click()
        search.press_sequentially("onmouseover", delay=20)  # results quote the payloads
        tab.wait_for_selector(".md-search-result__item", timeout=10_000)
        _exercise(tab)
    finally:
        context.close()
    assert not dialogs, dialogs
    # Nothing injected may reach a page at all, not even blocked by the policy.  (Material's
    # content.tooltips puts a title attribute into innerHTML: a title escaped only once
    # becomes live HTML in the tooltip.)
    assert not violations, violations


def test_the_policy_alone_blocks_a_missed_escape(browser, site_dir: Path, tmp_path: Path) -> None:
    """Payloads put into a page of the real site as if an escape were missed: none runs,
    each is reported as a violation, and Material's own scripts still run.  (A copy of
    the site, so the session's site keeps its pages.)"""
    site = tmp_path / "site"
    shutil.copytree(site_dir, site)
    built = (site / "articles" / "zhang-2023" / "index.html").read_text("utf-8")
    injected = csp.apply_csp(built.replace('<h1 id="title"', PAYLOADS + '<h1 id="title"', 1))
    assert PAYLOADS in injected
    (site / "articles" / "injected").mkdir()
    (site / "articles" / "injected" / "index.html").write_text(injected, "utf-8")
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = browser.new_context()
    context.add_init_script(VIOLATIONS)
    dialogs: list[str] = []
    violations: list[str] = []
    tab = context.new_page()
    tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    tab.on("console", lambda m: violations.append(m.text) if "CSP violation" in m.text else None)
    try:
        tab.goto(f"http://127.0.0.1:{server.server_port}/articles/injected/", wait_until="load")
        tab.hover("#hover-me")
        tab.click("#js-link")
        tab.wait_for_timeout(500)
        assert "no-js" not in (tab.get_attribute("html", "class") or "")
        assert tab.get_attribute("body", "data-md-color-scheme")  # the palette script ran
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    assert not dialogs, dialogs
    signs = ("inline", "onerror", "onmouseover", "javascript")
    for sign in signs:
        assert any(sign in v for v in violations), (sign, violations)
    assert all(any(sign in v for sign in signs) for v in violations), violations
