"""The built site in a real browser: Playwright driving Debian's Chromium.

What only a browser shows: console errors, requests to other hosts, the search, jumps to a
paragraph and between a footnote and its call, sideways scrolling on a phone, the dark
scheme.  The site is built once per session (``site_dir`` in conftest.py) and served on
127.0.0.1; one Chromium serves every test.  Every built page is visited, so pages added
later (glossary, bibliography) are covered without naming them here.  Screenshots of each
page type go to ``test-artifacts/`` (not committed).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT, site_pages

ARTIFACTS = ROOT / "test-artifacts"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
# Console messages that are not errors of ours.
CONSOLE_IGNORED: tuple[re.Pattern[str], ...] = ()


@pytest.fixture(scope="module")
def pages(site_dir: Path) -> list[str]:
    return site_pages(site_dir)


@pytest.fixture(scope="module")
def article_pages(pages: list[str]) -> list[str]:
    return [p for p in pages if re.fullmatch(r"articles/[a-z0-9-]+/", p)]


def page_type(path: str) -> str:
    """A name for the kind of page at ``path``: home, article, not-found, or its folder."""
    if path == "":
        return "home"
    if path.startswith("articles/"):
        return "article"
    if path == "404.html":
        return "not-found"
    return path.strip("/").split("/")[0] or path


class Visit:
    """A page opened in a fresh context, with what it logged and requested."""

    def __init__(self, browser, site_url: str, **context_options: object) -> None:
        self.site_url = site_url
        self.context = browser.new_context(**context_options)
        self.console: list[str] = []
        self.requests: list[str] = []
        self.foreign: list[str] = []
        self.failed: list[str] = []

        def guard(route) -> None:
            url = route.request.url
            if url.startswith(site_url) or url.startswith(("data:", "blob:")):
                route.continue_()
            else:  # never let a request leave the machine; record it instead
                self.foreign.append(url)
                route.abort()

        self.context.route("**/*", guard)
        self.page = self.context.new_page()
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on(
            "response",
            lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        self.page.on("requestfailed", lambda r: self.failed.append(f"failed {r.url}"))

    def _on_console(self, message) -> None:
        if message.type in ("error", "assert"):
            if not any(p.search(message.text) for p in CONSOLE_IGNORED):
                self.console.append(f"{message.type}: {message.text} ({message.location})")

    def open(self, path: str, wait: str = "networkidle") -> None:
        self.page.goto(self.site_url + path, wait_until=wait)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser, site_url: str) -> Iterator:
    """``visit(**context_options)`` opens a fresh browser context; closed after the test."""
    opened: list[Visit] = []

    def make(**options: object) -> Visit:
        options.setdefault("viewport", DESKTOP)
        v = Visit(browser, site_url, **options)
        opened.append(v)
        return v

    yield make
    for v in opened:
        v.close()


# ---------------------------------------------------------------- every page


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_loads_clean_and_local(visit, pages: list[str], scheme: str) -> None:
    """No console error, no failed request, nothing asked of a host but 127.0.0.1."""
    problems = []
    v = visit(color_scheme=scheme)
    for path in pages:
        v.console.clear(), v.foreign.clear(), v.failed.clear()
        v.open(path)
        if path == "404.html":  # the 404 page links its assets from the site root
            v.failed = [f for f in v.failed if not f.endswith("/404.html")]
        for kind, items in (
            ("console", v.console),
            ("other host", v.foreign),
            ("request", v.failed),
        ):
            problems += [f"/{path}: {kind}: {item}" for item in items]
    assert not problems, "\n".join(problems)
    assert all(
        url.startswith(v.site_url) or url.startswith(("data:", "blob:")) for url in v.requests
    )


def test_every_page_declares_its_language(visit, pages: list[str]) -> None:
    v = visit()
    missing = []
    for path in pages:
        v.open(path, wait="load")
        if not (v.page.get_attribute("html", "lang") or "").strip():
            missing.append(path)
    assert not missing, f"pages without <html lang>: {missing}"


def test_no_page_scrolls_sideways_on_a_phone(visit, pages: list[str]) -> None:
    """At 375 px wide, the document is never wider than the screen."""
    v = visit(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    wide = {}
    for path in pages:
        v.open(path, wait="load")
        width = v.page.evaluate(
            "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        )
        if width > PHONE["width"]:
            culprits = v.page.evaluate(
                """(limit) => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > limit + 1
                                 && getComputedStyle(e).position !== 'fixed')
                    .slice(0, 5).map(e => e.tagName.toLowerCase()
                        + (e.id ? '#' + e.id : '') + '.' + [...e.classList].join('.'))""",
                PHONE["width"],
            )
            wide[path] = (width, culprits)
    assert not wide, f"pages wider than {PHONE['width']} px: {wide}"


def relative_luminance(css_color: str) -> float:
    """WCAG relative luminance of an ``rgb(...)``/``rgba(...)`` colour."""
    r, g, b = (int(x) / 255 for x in re.findall(r"[\d.]+", css_color)[:3])

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


@pytest.mark.parametrize(("scheme", "material_scheme"), [("light", "default"), ("dark", "slate")])
def test_colour_scheme_follows_the_system(
    visit, pages: list[str], scheme: str, material_scheme: str
) -> None:
    """A reader whose system is dark gets Material's slate scheme: dark page, light text."""
    v = visit(color_scheme=scheme)
    for path in pages:
        v.open(path, wait="load")
        assert v.page.get_attribute("body", "data-md-color-scheme") == material_scheme, path
        background = v.page.evaluate("getComputedStyle(document.body).backgroundColor")
        text = v.page.evaluate("getComputedStyle(document.querySelector('.md-typeset')).color")
        bg, fg = relative_luminance(background), relative_luminance(text)
        if scheme == "dark":
            assert bg < 0.05 and fg > 0.4, (path, background, text)
        else:
            assert bg > 0.9 and fg < 0.1, (path, background, text)


# ---------------------------------------------------------------- search


def body_phrase(site_dir: Path, article: str) -> str:
    """Four consecutive words of one of the article's paragraphs that no other page uses.

    Material's search ranks by word, not by phrase, and boosts titles a thousandfold: a
    phrase of common words finds another page first.  Rare words make the test fair.
    """
    index = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    pages_with: dict[str, set[str]] = {}
    other_titles: set[str] = set()  # a word in another page's (boosted) section title
    for doc in index["docs"]:
        if not doc["location"].startswith(article):
            other_titles.update(re.findall(r"[a-z]+", html.unescape(doc["title"]).lower()))
        for word in re.findall(
            r"[a-z]+", html.unescape(re.sub(r"<[^>]+>", " ", doc["text"])).lower()
        ):
            pages_with.setdefault(word, set()).add(doc["location"].split("#")[0])
    page = (site_dir / article / "index.html").read_text(encoding="utf-8")
    best: tuple[int, str] | None = None
    for para in re.findall(r'<p class="para"[^>]*>(.*?)</p>', page, re.S):
        para = re.sub(r'<a class="pnum".*?</a>|<sup.*?</sup>', " ", para)
        tokens = html.unescape(re.sub(r"<[^>]+>", " ", para)).split()
        for i in range(len(tokens) - 3):
            window = tokens[i : i + 4]
            if not all(re.fullmatch(r"[A-Za-z]{4,}", t) for t in window):
                continue
            if any(t.lower() in other_titles for t in window):
                continue
            # pages other than this one that use each word; the fewest, the rarest
            others = [len(pages_with.get(t.lower(), set()) - {article}) for t in window]
            score = sum(others) * 100 - sum(len(t) for t in window)
            if best is None or score < best[0]:
                best = (score, " ".join(window))
    assert best, f"no four plain words in a row in {article}"
    return best[1]


def search(v: Visit, query: str) -> list[str]:
    """Type ``query`` into Material's search box; return the result links, best first."""
    v.open("", wait="networkidle")
    box = v.page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(query, delay=15)  # fill() alone does not start the search
    # Results are for the whole query once the highlight parameter names its last word.
    last = re.sub(r"\W", "", query.split()[-1].lower())
    v.page.wait_for_function(
        """(w) => [...document.querySelectorAll('.md-search-result a')].some(a =>
                    (new URL(a.href).searchParams.get('h') || '').toLowerCase().includes(w))""",
        arg=last,
        timeout=10_000,
    )
    return v.page.eval_on_selector_all(
        ".md-search-result__item > a", "links => links.map(a => a.href.split('?')[0])"
    )


def test_search_finds_each_article_by_a_phrase_of_its_body(
    visit, site_dir: Path, article_pages: list[str]
) -> None:
    assert article_pages, "no article pages were built"
    v = visit()
    for article in article_pages:
        phrase = body_phrase(site_dir, article)
        results = search(v, phrase)
        assert results, f"no result for {phrase!r}"
        assert article in results[0], f"{phrase!r} from {article}: best result {results[0]}"
    screenshot(v, "search-results")


def test_search_finds_a_glossary_term(visit, pages: list[str], article_pages: list[str]) -> None:
    assert "glossary/" in pages, "the site has no glossary page"
    v = visit()
    v.open(article_pages[0], wait="load")
    terms = v.page.locator("a.term")
    assert terms.count() > 0, "no glossary term is marked in the first article"
    term = terms.first.inner_text().strip()
    results = search(v, term)
    assert any("glossary/" in r for r in results), f"{term!r}: {results}"


PREVIEW = "#reader-preview"


def preview_text(v: Visit) -> str:
    """The text of the open preview's body, white space collapsed ("" when closed)."""
    return v.page.evaluate(
        """() => { const box = document.querySelector('#reader-preview');
              if (!box || box.hidden) return '';
              return box.querySelector('.reader-preview__body').textContent
                        .replace(/\\s+/g, ' ').trim(); }"""
    )


def wait_preview(v: Visit, expected: str) -> None:
    """Wait until the open preview's body reads ``expected``; fail with what it reads."""
    assert expected, "nothing to compare the preview with"
    try:
        v.page.wait_for_function(
            """(want) => { const box = document.querySelector('#reader-preview');
                  return box && !box.hidden && box.querySelector('.reader-preview__body')
                    .textContent.replace(/\\s+/g, ' ').trim() === want; }""",
            arg=expected,
            timeout=3000,
        )
    except Exception:  # noqa: BLE001 - the assertion below says what was shown
        pass
    assert preview_text(v) == expected


def previews_file(site_dir: Path, slug: str) -> dict[str, dict[str, str]]:
    """The previews file the pipeline wrote for an article page (publish/previews.py)."""
    text = (site_dir / "assets" / "previews" / f"{slug}.js").read_text(encoding="utf-8")
    found = re.search(r"window\.cstoPreviews\((\{.*\})\);\s*$", text, re.S)
    assert found, f"{slug}: the previews file does not call window.cstoPreviews"
    return json.loads(found.group(1))


def decoded_preview(link, site_dir: Path) -> str:
    """The text a citation's or term's preview shows: the page's previews file's entry
    for its kind and the target of its link."""
    slug = link.evaluate("a => document.querySelector('[data-article]').dataset.article")
    kind = "cite" if "cite" in (link.get_attribute("class") or "").split() else "term"
    key = (link.get_attribute("href") or "").split("#", 1)[1]
    return " ".join(previews_file(site_dir, slug)[kind].get(key, "").split())


def test_glossary_term_shows_its_definition_on_hover_and_focus(
    visit, article_pages: list[str], site_dir: Path
) -> None:
    v = visit()
    v.open(article_pages[0], wait="load")
    term = v.page.locator("p.para a.term").first
    assert term.count(), "no glossary term is marked"
    definition = decoded_preview(term, site_dir)
    assert definition and "&amp;" not in definition
    term.scroll_into_view_if_needed()
    term.hover()
    wait_preview(v, definition)
    v.page.keyboard.press("Escape")
    v.page.mouse.move(0, 0)
    term.focus()
    wait_preview(v, definition)


def test_citation_previews_reaches_its_entry_and_comes_back(
    visit, article_pages: list[str], site_dir: Path
) -> None:
    """A citation in a paragraph: a preview on hover and on focus; its link opens the
    bibliography at its entry, and the entry's "Cited at" link returns to the paragraph."""
    v = visit()
    for article in article_pages:
        v.open(article, wait="load")
        cites = v.page.locator("p.para a.cite[href*='bibliography/#']")
        if cites.count():
            break
    else:
        pytest.fail("no citation is linked to the bibliography")
    cite = cites.first
    preview = decoded_preview(cite, site_dir)
    paragraph = cite.evaluate("a => a.closest('p.para').id")
    key = (cite.get_attribute("href") or "").split("#", 1)[1]

    cite.scroll_into_view_if_needed()
    cite.hover()
    wait_preview(v, preview)
    v.page.keyboard.press("Escape")
    v.page.mouse.move(0, 0)
    cite.focus()
    wait_preview(v, preview)

    cite.click()
    v.page.wait_for_url(re.compile(rf"/bibliography/#{re.escape(key)}$"))
    assert_in_view(v, f"li[id='{key}']")
    back = v.page.locator(f"li[id='{key}'] .bib-cited a[href$='{article}#{paragraph}']")
    assert back.count(), f"entry {key} does not link back to /{article}#{paragraph}"
    back.first.click()
    v.page.wait_for_url(re.compile(rf"/{re.escape(article)}#{paragraph}$"))
    v.page.wait_for_timeout(300)
    assert_in_view(v, f"[id='{paragraph}']")


# ---------------------------------------------------------------- previews (reader.js)

NOTE_TEXTS = """() => Object.fromEntries([...document.querySelectorAll('.footnote li[id]')]
    .map(li => { const c = li.cloneNode(true);
                 c.querySelectorAll('.fn-label, .footnote-backref').forEach(e => e.remove());
                 return [li.id, c.textContent.replace(/\\s+/g, ' ').trim()]; }))"""


def test_every_note_preview_shows_its_note_on_hover_and_focus(
    visit, article_pages: list[str]
) -> None:
    """Each note marker's preview reads exactly its note (not just its number, nor only a
    URL), on hover and on keyboard focus; Escape closes it each time."""
    v = visit()
    checked = 0
    for article in article_pages:
        v.open(article, wait="load")
        notes = v.page.evaluate(NOTE_TEXTS)
        refs = v.page.locator("sup.fn a.footnote-ref")
        for i in range(refs.count()):
            ref = refs.nth(i)
            expected = notes[(ref.get_attribute("href") or "#")[1:]]
            assert expected, f"{article}: an empty note"
            ref.scroll_into_view_if_needed()
            ref.hover()
            wait_preview(v, expected)
            v.page.keyboard.press("Escape")
            assert preview_text(v) == "", f"{article}: Escape left the preview open"
            ref.focus()
            wait_preview(v, expected)
            v.page.keyboard.press("Escape")
            checked += 1
    assert checked >= 40, f"only {checked} note markers"


def test_a_preview_stays_while_hovered_and_escape_closes_it(
    visit, article_pages: list[str], site_dir: Path
) -> None:
    """WCAG 1.4.13: the preview can be hovered, does not time out, and Escape dismisses it
    without moving the pointer or the focus."""
    v = visit()
    v.open(article_pages[0], wait="load")
    term = v.page.locator("p.para a.term").first
    term.scroll_into_view_if_needed()
    term.hover()
    wait_preview(v, decoded_preview(term, site_dir))
    box = v.page.locator(PREVIEW).bounding_box()
    assert box
    v.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=8)
    v.page.wait_for_timeout(1500)  # longer than any delay: still open while hovered
    assert v.page.locator(PREVIEW).is_visible()
    v.page.mouse.move(0, 0)  # leaving both closes it
    v.page.wait_for_timeout(600)
    assert not v.page.locator(PREVIEW).is_visible()

    term.hover()
    wait_preview(v, decoded_preview(term, site_dir))
    v.page.keyboard.press("Escape")
    assert not v.page.locator(PREVIEW).is_visible()
    at = term.bounding_box()
    assert at
    v.page.mouse.move(at["x"] + 2, at["y"] + at["height"] / 2, steps=4)  # still on the term
    v.page.wait_for_timeout(500)
    assert not v.page.locator(PREVIEW).is_visible(), "Escape did not keep it closed"


def test_tapping_a_term_on_a_phone_opens_its_preview_before_following_it(
    visit, article_pages: list[str], site_dir: Path
) -> None:
    v = visit(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    v.open(article_pages[0], wait="load")
    for selector in ("p.para a.term", "p.para a.cite", "p.para sup.fn a.footnote-ref"):
        link = v.page.locator(selector).first
        link.scroll_into_view_if_needed()
        before = v.page.url
        link.tap()
        v.page.wait_for_timeout(400)
        assert v.page.url == before, f"{selector}: the first tap followed the link"
        assert v.page.locator(PREVIEW).is_visible(), f"{selector}: no preview on tap"
        assert preview_text(v), selector
        v.page.tap(".md-header__title")  # a tap elsewhere closes it
        v.page.wait_for_timeout(200)
        assert not v.page.locator(PREVIEW).is_visible(), selector
    term = v.page.locator("p.para a.term").first
    target = term.get_attribute("href") or ""
    term.tap()
    wait_preview(v, decoded_preview(term, site_dir))
    term.tap()  # the second tap follows
    v.page.wait_for_url(re.compile(r"/glossary/#" + re.escape(target.split("#")[1]) + "$"))


def test_note_back_links_show_without_hover_on_a_phone(visit, article_pages: list[str]) -> None:
    v = visit(viewport=PHONE, is_mobile=True, has_touch=True)
    shown = 0
    for article in article_pages:
        v.open(article, wait="load")
        for back in v.page.locator(".footnote a.footnote-backref").all():
            back.scroll_into_view_if_needed()
            style = back.evaluate(
                "a => ({o: getComputedStyle(a).opacity, w: a.getBoundingClientRect().width})"
            )
            assert float(style["o"]) == 1 and style["w"] >= 16, (article, style)
            shown += 1
    assert shown >= 40, shown


def test_previews_screenshots(visit, article_pages: list[str]) -> None:
    """A previewed note, citation and term, light, dark and phone, into test-artifacts/."""
    zhang = next(a for a in article_pages if "zhang" in a)
    cases = (
        ("note", "p.para sup.fn a.footnote-ref"),
        ("cite", "p.para a.cite"),
        ("term", "p.para a.term"),
    )
    for device, options in (
        ("light", {"color_scheme": "light"}),
        ("dark", {"color_scheme": "dark"}),
        ("phone", {"viewport": PHONE, "is_mobile": True, "has_touch": True}),
    ):
        v = visit(**options)
        v.open(zhang, wait="load")
        for name, selector in cases:
            link = v.page.locator(selector).nth(3)
            link.scroll_into_view_if_needed()
            link.tap() if device == "phone" else link.hover()
            v.page.wait_for_selector(PREVIEW, state="visible")
            screenshot(v, f"preview-{name}-{device}")
            v.page.keyboard.press("Escape")


# ---------------------------------------------------------------- home and bibliography


def test_home_page_leads_to_the_readers_tools(visit) -> None:
    v = visit()
    v.open("", wait="load")
    for page in ("glossary/", "timeline/", "bibliography/", "teaching/"):
        link = v.page.locator(f".md-content a[href='{page}']")
        assert link.count() and link.first.is_visible(), f"no visible link to /{page}"


def test_offline_copy_home_has_no_broken_zip_link(browser, site_dir: Path) -> None:
    """Opened from disk, the home page does not link to the offline zip, which the offline
    copy does not hold (offline.py copies the PDFs in, not the zip itself)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto((site_dir / "index.html").as_uri(), wait_until="load")
        hrefs = page.eval_on_selector_all(".md-content a[href]", "l => l.map(a => a.href)")
        assert not [h for h in hrefs if h.endswith(".zip")], hrefs
        assert "offline copy of the site" in page.inner_text(".md-content")
    finally:
        context.close()


def test_bibliography_filter_explains_an_empty_choice_and_yields_to_links(visit) -> None:
    v = visit()
    v.open("bibliography/", wait="load")
    select = v.page.locator("#bib-article")
    slugs = select.evaluate("s => [...s.options].map(o => o.value).filter(Boolean)")
    for slug in slugs:
        select.select_option(slug)
        shown = v.page.locator("li.bib-entry:visible").count()
        count = v.page.inner_text("#bib-count")
        why = v.page.locator(f".bib-none[data-article='{slug}']")
        if shown == 0:
            assert count == "0 entries"
            assert why.is_visible(), f"{slug}: 0 entries and no word why"
            assert "has no reference list" in why.inner_text()
        else:
            assert count.startswith(f"{shown} entr") and not why.count(), slug
    assert "choi-2022" in slugs
    select.select_option("choi-2022")
    key = v.page.locator("li.bib-entry").first.get_attribute("id")
    v.page.evaluate("k => { location.hash = k; }", key)
    v.page.wait_for_timeout(300)
    assert v.page.locator(f"li[id='{key}']").is_visible(), "the filter hides the linked entry"
    assert select.input_value() == ""
    assert_in_view(v, f"li[id='{key}']")


def test_bibliography_marks_its_as_printed_toggles(visit) -> None:
    v = visit()
    v.open("bibliography/", wait="load")
    marker = v.page.locator("details.bib-original > summary").first.evaluate(
        "s => [getComputedStyle(s).display, getComputedStyle(s, '::marker').content]"
    )
    assert marker[0] == "list-item" and "▸" in marker[1], marker


def test_a_search_result_in_the_bibliography_lands_on_its_entry(visit, site_dir: Path) -> None:
    v = visit()
    page = (site_dir / "bibliography" / "index.html").read_text(encoding="utf-8")
    key = "nozick1974"  # far down the page: landing at the top would not show it
    assert f'id="{key}"' in page
    search(v, "Anarchy state utopia Nozick")
    links = v.page.eval_on_selector_all(".md-search-result__item > a", "l => l.map(a => a.href)")
    in_bib = [h for h in links if "/bibliography/" in h]
    assert in_bib, links
    v.page.goto(in_bib[0], wait_until="load")
    v.page.wait_for_timeout(300)
    assert_in_view(v, f"li[id='{key}']")


# ---------------------------------------------------------------- jumps


def assert_in_view(v: Visit, selector: str) -> None:
    """The element's top is on screen and below the sticky header (not hidden by it)."""
    box = v.page.evaluate(
        """(sel) => { const e = document.querySelector(sel); const r = e.getBoundingClientRect();
              const h = document.querySelector('.md-header');
              return {top: r.top, bottom: r.bottom, height: innerHeight,
                      header: h ? h.getBoundingClientRect().bottom : 0}; }""",
        selector,
    )
    assert box["header"] - 1 <= box["top"] < box["height"], (selector, box)


def test_paragraph_address_scrolls_it_into_view(visit, article_pages: list[str]) -> None:
    v = visit()
    tested = 0
    for article in article_pages:
        v.open(article + "#p12", wait="load")
        if v.page.locator("#p12").count() == 0:
            continue
        v.page.wait_for_timeout(300)  # Material re-scrolls once its scripts run
        assert v.page.evaluate("scrollY") > 0, article
        assert_in_view(v, "#p12")
        assert v.page.locator("#p12 a.pnum").inner_text().strip() == "12"
        tested += 1
    assert tested, "no article has a paragraph 12"


def test_footnote_links_go_both_ways(visit, article_pages: list[str]) -> None:
    v = visit()
    tested = []
    for article in article_pages:
        v.open(article, wait="load")
        refs = v.page.locator("sup.fn a.footnote-ref")
        if refs.count() == 0:
            continue
        ref = refs.nth(min(2, refs.count() - 1))  # not the byline's note
        target = ref.get_attribute("href")
        assert target and target.startswith("#fn:"), target
        sup_id = ref.evaluate("a => a.parentElement.id")
        ref.click()
        v.page.wait_for_function("h => location.hash === h", arg=target)
        note = f"li[id='{target[1:]}']"
        assert_in_view(v, note)
        back = v.page.locator(f"{note} a.footnote-backref")
        assert back.get_attribute("href") == f"#{sup_id}"
        back.click()
        v.page.wait_for_function("h => location.hash === h", arg=f"#{sup_id}")
        assert_in_view(v, f"[id='{sup_id}']")
        tested.append(article)
    assert tested, "no article has footnotes"


# ---------------------------------------------------------------- screenshots


def screenshot(v: Visit, name: str, full_page: bool = False) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    v.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def test_screenshot_each_page_type(visit, pages: list[str]) -> None:
    """One page of each type, light and dark, desktop and phone, into test-artifacts/:
    each as wide as its viewport, the dark one different from the light one."""
    first_of_type: dict[str, str] = {}
    for path in pages:
        first_of_type.setdefault(page_type(path), path)
    for scheme in ("light", "dark"):
        for device, options in (
            ("desktop", {"viewport": DESKTOP}),
            ("phone", {"viewport": PHONE, "is_mobile": True}),
        ):
            v = visit(color_scheme=scheme, **options)
            for kind, path in first_of_type.items():
                v.open(path, wait="load")
                v.page.wait_for_timeout(150)  # Material's scripts settle the layout
                screenshot(v, f"{kind}-{scheme}-{device}")
    for kind in first_of_type:
        for device, options in (("desktop", DESKTOP), ("phone", PHONE)):
            light, dark = (ARTIFACTS / f"{kind}-{s}-{device}.png" for s in ("light", "dark"))
            # the image is the viewport's width, and the dark scheme changed what it shows
            assert png_width(light) == png_width(dark) == options["width"], (kind, device)
            assert light.read_bytes() != dark.read_bytes(), f"{kind} {device}: dark = light"


def png_width(path: Path) -> int:
    """The width of a PNG image, from its IHDR chunk."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    return int.from_bytes(data[16:20], "big")
