"""Accessibility: axe-core on every built page, in the light and the dark scheme.

axe-core comes from npm (``package.json`` at the repository root; ``make`` runs ``npm ci``)
and is injected into each page with Playwright.  The gate is WCAG 2.1 A and AA: zero
violations.  Also checked here, because axe's own rules for them are "best practice" and
outside those tags: the search dialog has a name, headings go down one level at a time,
and each page has one ``h1``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, site_pages

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Best-practice rules that Lighthouse's accessibility score also counts.
# axe-core goes into each page as an inline script, which the pages' Content-Security-Policy
# refuses (csp.py): the test tool, not the page, is exempted.
AXE_CONTEXT = {"bypass_csp": True, "viewport": {"width": 1280, "height": 900}}
BEST_PRACTICE = ["aria-dialog-name", "heading-order", "landmark-unique", "page-has-heading-one"]

RUN_AXE = """async (options) => {
    const result = await axe.run(document, options);
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => n.target.join(' ') + ' :: '
                           + n.failureSummary.split('\\n').slice(1).join(' ').trim()),
    }));
}"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"{AXE.relative_to(ROOT)} is missing: run `make setup` (npm ci)")
    return AXE.read_text(encoding="utf-8")


def format_violations(path: str, violations: list[dict]) -> list[str]:
    lines = []
    for v in violations:
        lines.append(f"/{path}: {v['id']} ({v['impact']}): {v['help']}")
        lines += [f"    {node}" for node in v["nodes"][:5]]
        if len(v["nodes"]) > 5:
            lines.append(f"    ... and {len(v['nodes']) - 5} more")
    return lines


def run_axe(page, axe_source: str, rules: dict) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    return page.evaluate(RUN_AXE, rules)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_meets_wcag_21_aa(
    browser, site_dir: Path, site_url: str, axe_source: str, scheme: str
) -> None:
    context = browser.new_context(**AXE_CONTEXT, color_scheme=scheme)
    page = context.new_page()
    failures: list[str] = []
    try:
        for path in site_pages(site_dir):
            page.goto(site_url + path, wait_until="load")
            violations = run_axe(
                page, axe_source, {"runOnly": {"type": "tag", "values": WCAG_21_AA}}
            )
            failures += format_violations(path, violations)
    finally:
        context.close()
    assert not failures, "\n".join(failures)


def test_best_practice_rules_lighthouse_counts(
    browser, site_dir: Path, site_url: str, axe_source: str
) -> None:
    """The search dialog is named; headings descend one level at a time; one h1 a page."""
    context = browser.new_context(**AXE_CONTEXT)
    page = context.new_page()
    failures: list[str] = []
    try:
        for path in site_pages(site_dir):
            page.goto(site_url + path, wait_until="load")
            violations = run_axe(
                page, axe_source, {"runOnly": {"type": "rule", "values": BEST_PRACTICE}}
            )
            failures += format_violations(path, violations)
    finally:
        context.close()
    assert not failures, "\n".join(failures)


def test_open_search_with_results_meets_wcag_21_aa(browser, site_url: str, axe_source: str) -> None:
    """The search dialog, open and showing results, in both schemes."""
    failures: list[str] = []
    for scheme in ("light", "dark"):
        context = browser.new_context(**AXE_CONTEXT, color_scheme=scheme)
        page = context.new_page()
        try:
            page.goto(site_url, wait_until="networkidle")
            box = page.locator("input.md-search__input")
            box.click()
            box.press_sequentially("peacekeeping", delay=10)
            page.wait_for_selector(".md-search-result__item a", timeout=10_000)
            violations = run_axe(
                page, axe_source, {"runOnly": {"type": "tag", "values": WCAG_21_AA}}
            )
            failures += format_violations(f"(search, {scheme})", violations)
        finally:
            context.close()
    assert not failures, "\n".join(failures)


def test_every_page_has_one_h1_and_descending_headings(site_dir: Path) -> None:
    """In the article content: one h1, and no heading more than one level below the last."""
    import re

    problems = []
    for path in site_pages(site_dir):
        file = site_dir / (path + "index.html" if path.endswith("/") or path == "" else path)
        html = file.read_text(encoding="utf-8")
        match = re.search(r'<article class="md-content__inner[^"]*">(.*?)</article>', html, re.S)
        if not match:
            continue
        levels = [int(n) for n in re.findall(r"<h([1-6])\b", match.group(1))]
        if levels.count(1) != 1 or levels[0] != 1:
            first = f"h{levels[0]}" if levels else "none"
            problems.append(f"/{path}: {levels.count(1)} h1, first heading {first}")
        for before, after in zip(levels, levels[1:], strict=False):
            if after > before + 1:
                problems.append(f"/{path}: h{before} followed by h{after}")
                break
    assert not problems, "\n".join(problems)


def test_open_previews_meet_wcag_21_aa(browser, site_url: str, axe_source: str) -> None:
    """A note's, a citation's and a term's preview (reader.js), open, in both schemes."""
    failures: list[str] = []
    for scheme in ("light", "dark"):
        context = browser.new_context(**AXE_CONTEXT, color_scheme=scheme)
        page = context.new_page()
        try:
            page.goto(site_url + "articles/beloglazov-2023/", wait_until="load")
            for selector in ("p.para sup.fn a.footnote-ref", "p.para a.cite", "p.para a.term"):
                link = page.locator(selector).first
                link.scroll_into_view_if_needed()
                link.hover()
                page.wait_for_selector("#reader-preview", state="visible")
                violations = run_axe(
                    page, axe_source, {"runOnly": {"type": "tag", "values": WCAG_21_AA}}
                )
                failures += format_violations(f"({selector} preview, {scheme})", violations)
                page.keyboard.press("Escape")
        finally:
            context.close()
    assert not failures, "\n".join(failures)
