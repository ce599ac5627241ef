"""A student's highlights and notes (docs/assets/javascripts/annotations.js) in Chromium.

Created, edited, deleted, kept over a reload, exported (Markdown and W3C Web Annotation
JSON) and imported into a fresh browser; found again on a "new edition" of the page where
the paragraph moved to another number, and listed as not placed where the quoted text
changed (never moved to a look-alike).  The new edition is the built page with a paragraph
inserted and one changed, served at the same address (so the same localStorage) through a
Playwright route.  Every context aborts any request that is not to the local site (or
file://): nothing a student writes may leave the browser.  Also: the keyboard and a
phone's touch, the paragraph menu's "Copy citation", the reading settings, previews
still working over highlights, axe in both schemes, and the built site and the offline
copy opened from file://.  Screenshots go to test-artifacts/annotations-*.png.
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT
from test_accessibility import WCAG_21_AA, format_violations, run_axe

ARTIFACTS = ROOT / "test-artifacts"
ZHANG = "articles/zhang-2023/"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

# Select `length` characters of a numbered block's text from `start` (the text as
# annotations.js counts it: without the ¶ number), as a reader's selection would.
SELECT = """([id, start, length]) => {
  const para = document.getElementById(id);
  const walker = document.createTreeWalker(para, NodeFilter.SHOW_TEXT);
  const nodes = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.parentElement.closest('.pnum, .anno-ui')) nodes.push(n);
  }
  let pos = 0, range = document.createRange(), started = false;
  for (const t of nodes) {
    const end = pos + t.data.length;
    if (!started && start < end) { range.setStart(t, start - pos); started = true; }
    if (started && start + length <= end) { range.setEnd(t, start + length - pos); break; }
    pos = end;
  }
  const sel = getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
  return range.toString();
}"""

# The index of a phrase in a block's text (as annotations.js counts it).
FIND = """([id, phrase]) => {
  const para = document.getElementById(id);
  const walker = document.createTreeWalker(para, NodeFilter.SHOW_TEXT);
  let text = '';
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.parentElement.closest('.pnum, .anno-ui')) text += n.data;
  }
  return text.indexOf(phrase);
}"""

DISK_REFUSAL = "Failed to load resource: net::ERR_FAILED"
STORED = "() => JSON.parse(localStorage.getItem('csto-reader:annotations:v1') || '[]')"


class Tab:
    """A page in a fresh context that may ask nothing of any host but ``allowed``."""

    def __init__(self, browser, allowed: str, **options: object) -> None:
        options.setdefault("viewport", DESKTOP)
        self.context = browser.new_context(**options)
        self.foreign: list[str] = []
        self.errors: list[str] = []

        def guard(route) -> None:
            url = route.request.url
            if url.startswith(allowed) or url.startswith(("data:", "blob:")):
                route.continue_()
            else:
                self.foreign.append(url)
                route.abort()

        self.context.route("**/*", guard)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.exceptions: list[str] = []
        self.page.on("pageerror", lambda e: self.exceptions.append(str(e)))

    def select(self, para: str, phrase: str) -> str:
        start = self.page.evaluate(FIND, [para, phrase])
        assert start >= 0, (para, phrase)
        return self.page.evaluate(SELECT, [para, start, len(phrase)])

    def stored(self) -> list[dict]:
        return self.page.evaluate(STORED)

    def clean(self, console: bool = True) -> None:
        """Nothing asked of another host, no script error; and (``console``) nothing
        logged as an error."""
        assert not self.foreign, self.foreign
        if not console:  # the built site from disk: Material's search cannot load there
            search = [e for e in self.exceptions if e.endswith("/search/search_index.js")]
            assert self.exceptions == search, self.exceptions
            return
        assert not self.exceptions, self.exceptions
        # From disk, Material asks for sitemap.xml (its own, on every page), which
        # Chromium refuses to file:// pages: not an error of ours.
        ours = [e for e in self.errors if "sitemap.xml" not in e and e != DISK_REFUSAL]
        assert not ours, self.errors


@pytest.fixture
def tab(browser) -> Iterator:
    opened: list[Tab] = []

    def make(allowed: str, **options: object) -> Tab:
        t = Tab(browser, allowed, **options)
        opened.append(t)
        return t

    yield make
    for t in opened:
        t.context.close()


def para_text(site_dir: Path, para: str) -> str:
    """The plain text (no markup) of a paragraph of Zhang's page; "" if ¶ ``para`` is not
    a plain paragraph (a list item, a table)."""
    page = (site_dir / ZHANG / "index.html").read_text(encoding="utf-8")
    body = re.search(rf'<p class="para" id="{para}">(.*?)</p>', page, re.S)
    if not body:
        return ""
    return html.unescape(re.sub(r"<a class=\"pnum\".*?</a>|<[^>]+>", "", body.group(1)))


def words_of(site_dir: Path, para: str, count: int, skip: int = 0) -> str:
    """``count`` words of a paragraph of Zhang's page, as plain text (no markup)."""
    text = para_text(site_dir, para)
    assert text, para
    return " ".join(text.split()[skip : skip + count])


def screenshot(t: Tab, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    t.page.screenshot(path=str(ARTIFACTS / f"annotations-{name}.png"))


# ------------------------------------------------------------------- loaded on demand


def test_loaded_on_demand_with_the_bar_in_place(tab, site_url: str, site_dir: Path) -> None:
    """annotations.js and its style sheet are not part of an article page's first visit:
    the bar under the header is already in the page and does not move when they arrive
    (at the reader's first selection here); with annotations of the page stored, they
    load at once, and the saved highlight is shown."""
    t = tab(site_url)
    asked: list[str] = []
    t.page.on("request", lambda r: asked.append(r.url.rsplit("/", 1)[-1]))
    t.page.goto(site_url + ZHANG, wait_until="networkidle")
    assert "annotations.js" not in asked and "annotations.css" not in asked
    assert "0 highlights and notes" in t.page.inner_text(".anno-bar")
    before = t.page.locator(".anno-bar").bounding_box()
    phrase = words_of(site_dir, "p3", 4)
    t.select("p3", phrase)
    t.page.wait_for_selector(".anno-toolbar:not([hidden])")
    assert {"annotations.js", "annotations.css"} <= set(asked)
    assert t.page.locator(".anno-bar").bounding_box() == before
    t.page.click(".anno-toolbar .anno-swatch--green")
    t.page.wait_for_selector("mark.anno-mark")
    asked.clear()
    t.page.reload(wait_until="load")
    t.page.wait_for_selector("mark.anno-mark")
    assert "annotations.js" in asked
    assert "1 highlight or note" in t.page.inner_text(".anno-bar")
    t.clean()


# ---------------------------------------------------------------- create, edit, delete


def test_create_edit_delete_and_reload(tab, site_url: str, site_dir: Path) -> None:
    t = tab(site_url)
    t.page.goto(site_url + ZHANG, wait_until="load")
    assert "nothing is sent anywhere" in t.page.inner_text(".anno-bar")
    phrase = words_of(site_dir, "p3", 6)
    assert t.select("p3", phrase) == phrase
    t.page.wait_for_selector(".anno-toolbar:not([hidden])")
    t.page.click(".anno-swatch--green")
    mark = t.page.locator("#p3 mark.anno-mark--green")
    assert mark.count() >= 1 and " ".join(mark.all_inner_texts()).split() == phrase.split()
    [saved] = t.stored()
    assert saved["para"] == "p3" and saved["exact"] == phrase and saved["colour"] == "green"
    assert saved["article"] == "zhang-2023" and saved["prefix"] and saved["suffix"]

    t.page.reload(wait_until="load")
    assert t.page.locator("#p3 mark.anno-mark--green").count() >= 1  # kept
    t.page.locator("#p3 mark.anno-mark").first.click()  # edit: a note and another colour
    t.page.fill("#anno-note-text", "Compare with Choi ¶5 <b>not bold</b>")
    t.page.check(".anno-editor input[value='pink']", force=True)
    t.page.click(".anno-editor .anno-button--primary")
    t.page.reload(wait_until="load")
    assert t.page.locator("#p3 mark.anno-mark--pink").count() >= 1
    note = t.page.locator("#p3 + .anno-notes")
    assert "Compare with Choi ¶5 <b>not bold</b>" in note.inner_text()  # text, not HTML
    assert t.page.locator("#p3 + .anno-notes b").count() == 0
    assert t.stored()[0]["note"].startswith("Compare with Choi")

    note.locator("button", has_text="Edit").click()  # delete
    t.page.click(".anno-editor button:has-text('Delete')")
    t.page.reload(wait_until="load")
    assert t.page.locator("mark.anno-mark").count() == 0
    assert t.stored() == []
    t.clean()


def test_keyboard_only(tab, site_url: str, site_dir: Path) -> None:
    """The ¶ number's menu, from the keyboard: a note on the paragraph, words typed in;
    and a selection (made with the keyboard: here set by script) plus the key H."""
    t = tab(site_url)
    t.page.goto(site_url + ZHANG, wait_until="load")
    t.page.focus("#p5 a.pnum")
    t.page.keyboard.press("Enter")
    t.page.wait_for_selector(".pnum-menu")
    assert t.page.evaluate("document.activeElement.closest('.pnum-menu') !== null")
    for _ in range(2):
        t.page.keyboard.press("ArrowDown")
    assert t.page.evaluate("document.activeElement.textContent") == "Add a note to this paragraph"
    t.page.keyboard.press("Enter")
    t.page.keyboard.type("The whole paragraph matters")
    t.page.keyboard.press("Control+Enter")
    assert t.page.locator("#p5.anno-para").count() == 1
    assert "The whole paragraph matters" in t.page.inner_text("#p5 + .anno-notes")
    assert t.page.evaluate("document.activeElement.matches('#p5 a.pnum')")  # focus back

    phrase = words_of(site_dir, "p5", 4, skip=3)
    t.page.keyboard.press("Enter")  # the menu again, on the focused number
    t.page.wait_for_selector(".pnum-menu")
    t.page.focus(".pnum-menu button:has-text('Highlight words')")
    t.page.keyboard.press("Enter")
    t.page.keyboard.type("no such words here")
    t.page.keyboard.press("Enter")
    assert "not in paragraph 5" in t.page.inner_text(".anno-editor__message")
    t.page.fill("#anno-words", "")
    t.page.keyboard.type(phrase)
    t.page.keyboard.press("Enter")
    t.page.wait_for_selector(".anno-editor", state="detached")
    marks = t.page.locator("#p5 mark.anno-mark").all_inner_texts()
    assert " ".join(marks).split() == phrase.split()
    assert len(t.stored()) == 2
    t.clean()


def test_keyboard_h_on_a_selection(tab, site_url: str, site_dir: Path) -> None:
    t = tab(site_url)
    t.page.goto(site_url + ZHANG, wait_until="load")
    phrase = words_of(site_dir, "p14", 5, skip=2)
    t.select("p14", phrase)
    t.page.keyboard.press("h")
    t.page.wait_for_selector(".anno-editor")
    assert t.page.evaluate("document.activeElement.id") == "anno-note-text"
    t.page.keyboard.type("typed after H")
    t.page.keyboard.press("Control+Enter")
    assert "typed after H" in t.page.inner_text("#p14 + .anno-notes")
    [saved] = t.stored()
    assert saved["exact"] == phrase and saved["note"] == "typed after H"
    t.clean()


def test_touch_selection_on_a_phone(tab, site_url: str, site_dir: Path) -> None:
    t = tab(site_url, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    t.page.goto(site_url + ZHANG, wait_until="load")
    phrase = words_of(site_dir, "p9", 5)
    t.page.locator("#p9").scroll_into_view_if_needed()
    t.select("p9", phrase)
    bar = t.page.locator(".anno-toolbar")
    bar.wait_for(state="visible")
    box = bar.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    t.page.tap(".anno-swatch--blue")
    assert t.page.locator("#p9 mark.anno-mark--blue").count() >= 1
    t.page.locator("#p9 mark.anno-mark").first.tap()
    t.page.wait_for_selector(".anno-editor")
    box = t.page.locator(".anno-editor").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    width = t.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    t.clean()


# ---------------------------------------------------------------- the ¶ menu, settings


def test_copy_citation_for_a_paragraph(tab, site_url: str, site_dir: Path) -> None:
    t = tab(site_url)
    t.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    t.page.goto(site_url + ZHANG, wait_until="load")
    t.page.locator("#p12 a.pnum").click()
    assert t.page.evaluate("navigator.clipboard.readText()") == site_url + ZHANG + "#p12"
    t.page.click(".pnum-menu button:has-text('Copy citation')")
    t.page.wait_for_selector("#copy-status.copy-status--shown")
    assert "Citation of paragraph 12 copied" in t.page.inner_text("#copy-status")
    lines = t.page.evaluate("navigator.clipboard.readText()").split("\n")
    assert lines[0] == "Zhang (2023, ¶12)"
    assert lines[1].startswith("Zhang, S. (2023). From the Kazakhstan Crisis")
    assert lines[2] == site_url + ZHANG + "#p12"
    t.clean()


def test_reading_settings_hide_numbers_terms_and_see_also(tab, site_url: str) -> None:
    t = tab(site_url)
    t.page.goto(site_url + ZHANG, wait_until="load")
    assert t.page.locator("a.pnum").first.is_visible()
    assert t.page.locator("a.see-mark").first.is_visible()
    assert t.page.locator(".see-also").first.is_visible()
    t.page.click(".anno-bar details.reader-settings > summary")
    for name in ("pnum", "terms", "related"):
        t.page.uncheck(f"input[name='csto-setting-{name}']")
    t.page.reload(wait_until="load")  # kept in the browser
    assert not t.page.locator("a.pnum").first.is_visible()
    assert not t.page.locator("a.see-mark").first.is_visible()
    assert not t.page.locator(".see-also").first.is_visible()
    assert t.page.locator("a.term[href]").count() == 0  # no longer links
    assert t.page.locator("a.term[data-term-href]").count() > 0
    t.page.goto(site_url + "timeline/", wait_until="load")  # every page
    assert t.page.evaluate("document.documentElement.classList.contains('csto-hide-pnum')")
    t.page.goto(site_url + ZHANG, wait_until="load")
    t.page.click(".anno-bar details.reader-settings > summary")
    t.page.check("input[name='csto-setting-terms']")
    assert t.page.locator("a.term[href]").count() > 0
    t.clean()


def test_previews_still_work_over_highlights(tab, site_url: str) -> None:
    """A highlight over a citation, a term and a note marker: each still previews."""
    t = tab(site_url)
    t.page.goto(site_url + ZHANG, wait_until="load")
    for selector in ("a.cite", "a.term", "sup.fn a.footnote-ref"):
        para = t.page.locator(f"p.para:has({selector})").nth(1).get_attribute("id")
        text = t.page.locator(f"#{para} {selector}").first.inner_text()
        start = t.page.evaluate(FIND, [para, text])
        t.page.evaluate(SELECT, [para, max(0, start - 5), len(text) + 10])
        t.page.wait_for_selector(".anno-toolbar:not([hidden])")
        t.page.click(".anno-swatch--yellow")
        link = t.page.locator(f"#{para} {selector}").first
        assert link.locator("mark.anno-mark").count() >= 1, selector
        link.scroll_into_view_if_needed()
        link.hover()
        t.page.wait_for_selector("#reader-preview", state="visible")
        assert t.page.locator(".anno-editor").count() == 0
        t.page.keyboard.press("Escape")
        t.page.mouse.move(5, 5)
    t.clean()


# ---------------------------------------------------------------- My notes, export, import


def make_three(t: Tab, base: str, site_dir: Path) -> None:
    """A highlight with a note on Zhang ¶3, a note on Choi ¶2 (earlier in the reading
    order), a plain highlight on Zhang ¶1."""
    t.page.goto(base + ZHANG, wait_until="load")
    t.select("p3", words_of(site_dir, "p3", 6))
    t.page.click(".anno-toolbar button:has-text('Add a note')")
    t.page.fill("#anno-note-text", "Zhang's point about leadership")
    t.page.click(".anno-editor .anno-button--primary")
    t.select("p1", words_of(site_dir, "p1", 4))
    t.page.click(".anno-swatch--green")


def check_exports(t: Tab, site_url: str, site_dir: Path) -> str:
    """Both exports of make_three's notes and Choi's; the JSON file's path."""
    with t.page.expect_download() as md_download:
        t.page.click("button:has-text('Export as Markdown')")
    markdown = Path(md_download.value.path()).read_text(encoding="utf-8")
    assert "> " + words_of(site_dir, "p3", 6) in markdown
    assert "Zhang's point about leadership" in markdown
    assert f"Zhang (2023, ¶3), <{site_url}{ZHANG}#p3>" in markdown
    assert "Zhang, S. (2023). From the Kazakhstan Crisis" in markdown
    assert markdown.index("Choi on the request") < markdown.index("Zhang's point")

    with t.page.expect_download() as json_download:
        t.page.click("button:has-text('Export as Web Annotation JSON')")
    exported = json_download.value.path()
    data = json.loads(Path(exported).read_text(encoding="utf-8"))
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert data["type"] == "AnnotationCollection" and data["total"] == 3
    first = data["first"]["items"][1]  # Zhang ¶1
    assert first["type"] == "Annotation" and first["motivation"] == "highlighting"
    assert first["target"]["source"]["id"] == "articles/zhang-2023/"
    kinds = {s["refinedBy"]["type"]: s for s in first["target"]["selector"]}
    assert kinds["TextQuoteSelector"]["value"] == "p1"
    assert kinds["TextQuoteSelector"]["refinedBy"]["exact"] == words_of(site_dir, "p1", 4)
    assert {"start", "end"} <= set(kinds["TextPositionSelector"]["refinedBy"])
    noted = data["first"]["items"][2]
    assert noted["body"]["value"] == "Zhang's point about leadership"
    assert noted["body"]["purpose"] == "commenting"
    return exported


def test_my_notes_lists_exports_and_imports(tab, site_url: str, site_dir: Path, tmp_path) -> None:
    t = tab(site_url)
    make_three(t, site_url, site_dir)
    t.page.goto(site_url + "articles/choi-2022/", wait_until="load")
    t.page.locator("#p2 a.pnum").click()
    t.page.click(".pnum-menu button:has-text('Add a note')")
    t.page.keyboard.type("Choi on the request for help")
    t.page.keyboard.press("Control+Enter")

    t.page.goto(site_url + "my-notes/", wait_until="load")
    items = t.page.locator(".my-notes__item")
    assert items.count() == 3
    # reading order: Choi before Zhang (teaching/course.yml), then by paragraph
    wheres = t.page.eval_on_selector_all(".my-notes__where", "l => l.map(a => a.href)")
    assert wheres == [
        site_url + "articles/choi-2022/#p2",
        site_url + ZHANG + "#p1",
        site_url + ZHANG + "#p3",
    ]
    assert "Zhang (2023, ¶3)" in t.page.inner_text("#my-notes-list")

    exported = check_exports(t, site_url, site_dir)
    t.clean()

    other = tab(site_url)  # another browser: nothing there, until the import
    other.page.goto(site_url + "my-notes/", wait_until="load")
    assert other.page.locator(".my-notes__item").count() == 0
    other.page.set_input_files(".my-notes__file", exported)
    other.page.wait_for_selector(".my-notes__item")
    assert "Imported 3 annotations" in other.page.inner_text(".my-notes__status")
    assert other.page.locator(".my-notes__item").count() == 3
    other.page.set_input_files(".my-notes__file", exported)  # again: nothing doubled
    assert other.page.locator(".my-notes__item").count() == 3
    other.page.goto(site_url + ZHANG, wait_until="load")
    assert other.page.locator("#p3 mark.anno-mark").count() >= 1
    assert "Zhang's point" in other.page.inner_text("#p3 + .anno-notes")

    other.page.goto(site_url + "my-notes/", wait_until="load")  # delete from the list
    other.page.locator(".my-notes__delete").first.click()
    assert other.page.locator(".my-notes__item").count() == 2
    other.page.emulate_media(media="print")  # the print view: the list, no controls
    assert not other.page.locator(".my-notes__controls").is_visible()
    assert other.page.locator(".my-notes__item").first.is_visible()
    other.clean()


# ---------------------------------------------------------------- a new edition


def new_edition(page_html: str, changes: dict[int, tuple[str, str]]) -> str:
    """The page as a rebuild might make it: in the block that was ¶N each regex ``old``
    of ``changes[N]`` becomes ``new`` (once), then a paragraph is inserted before ¶2, so
    that every later number is one up."""
    for n, (old, new) in changes.items():
        block = re.compile(rf'<p class="para" id="p{n}">.*?</p>', re.S)
        found = block.search(page_html)
        assert found, n
        edited, count = re.subn(old, new, found.group(0), count=1)
        assert count == 1, (n, old)
        page_html = page_html[: found.start()] + edited + page_html[found.end() :]

    def shift(m: re.Match[str]) -> str:
        n = int(m.group(2))
        return f"{m.group(1)}{n + 1 if n >= 2 else n}{m.group(3)}"

    page_html = re.sub(r'(id="p|href="#p|Paragraph )(\d+)(["\s:])', shift, page_html)
    page_html = re.sub(
        r'(<a class="pnum" href="#p(\d+)"[^>]*>)\d+(</a>)',
        lambda m: m.group(1) + m.group(2) + m.group(3),
        page_html,
    )
    inserted = (
        '<p class="para" id="p2"><a class="pnum" href="#p2" title="Paragraph 2: link to this '
        'paragraph">2</a> A paragraph this edition adds.</p>\n'
    )
    return page_html.replace('<p class="para" id="p3">', inserted + '<p class="para" id="p3">', 1)


def annotate_for_a_new_edition(t: Tab, site_url: str, site_dir: Path) -> tuple[str, str, int]:
    """On the built page: a highlight in ¶12 (to move), a note on all of ¶7 (to move), a
    highlight with a note in ¶20 (its text will change) and a look-alike, "the CSTO", in
    another paragraph (its context will change; the phrase stands elsewhere too)."""
    t.page.goto(site_url + ZHANG, wait_until="load")
    moved = words_of(site_dir, "p12", 6, skip=4)
    t.select("p12", moved)
    t.page.click(".anno-swatch--blue")
    t.page.locator("#p7 a.pnum").click()  # a note on the whole of ¶7
    t.page.click(".pnum-menu button:has-text('Add a note')")
    t.page.keyboard.type("on seven")
    t.page.keyboard.press("Control+Enter")
    changed = words_of(site_dir, "p20", 6, skip=2)
    t.select("p20", changed)
    t.page.click(".anno-toolbar button:has-text('Add a note')")
    t.page.fill("#anno-note-text", "this text will change")
    t.page.click(".anno-editor .anno-button--primary")
    # A look-alike: "the CSTO", a phrase the article uses many times; its context changes.
    lookalike = next(
        p for p in range(8, 30) if p != 20 and "the CSTO" in para_text(site_dir, f"p{p}")
    )
    others = [
        p for p in range(1, 31) if p != lookalike and "the CSTO" in para_text(site_dir, f"p{p}")
    ]
    assert others, "the look-alike must stand elsewhere too"
    t.select(f"p{lookalike}", "the CSTO")
    t.page.click(".anno-swatch--pink")
    return moved, changed, lookalike


def test_a_new_edition_reattaches_moved_and_sets_aside_changed(
    tab, site_url: str, site_dir: Path
) -> None:
    built = (site_dir / ZHANG / "index.html").read_text(encoding="utf-8")
    t = tab(site_url)
    moved, changed, lookalike = annotate_for_a_new_edition(t, site_url, site_dir)
    before = {a["exact"]: a for a in t.stored()}
    assert len(before) == 4
    tail = before["the CSTO"]["prefix"][-10:]
    word = changed.split()[2]
    edition = new_edition(
        built,
        {
            20: (rf"\b{re.escape(word)}\b", word + "s"),
            lookalike: (re.escape(tail) + "(?=the)", tail + "indeed "),
        },
    )
    t.page.route(
        site_url + ZHANG,
        lambda route: route.fulfill(status=200, content_type="text/html", body=edition),
    )
    t.page.goto(site_url + ZHANG, wait_until="load")
    after = {a["exact"]: a for a in t.stored()}
    assert after[moved]["para"] == "p13" and not after[moved]["unattached"]
    assert after[moved]["movedFrom"] == "p12"
    marked = t.page.locator("#p13 mark.anno-mark--blue").all_inner_texts()
    assert " ".join(marked).split() == moved.split()
    whole = [a for a in after.values() if a.get("whole")][0]
    assert whole["para"] == "p8" and t.page.locator("#p8.anno-para").count() == 1
    assert after[changed]["unattached"]  # its text changed: set aside, with its quote
    assert after["the CSTO"]["unattached"]  # never moved to another "the CSTO"
    lost = t.page.locator(".anno-unattached")
    assert "2 notes could not be placed" in lost.inner_text()
    assert "this text will change" in lost.inner_text()
    assert t.page.locator("mark.anno-mark--pink").count() == 0
    screenshot(t, "unattached-light")

    place_and_delete(t, site_url, changed)
    t.clean()


def place_and_delete(t: Tab, site_url: str, changed: str) -> None:
    """The student places the set-aside note on the changed text, and deletes the other."""
    new_words = changed.split()
    new_words[2] += "s"
    t.select("p21", " ".join(new_words))
    t.page.locator(".anno-unattached li", has_text="this text will change").locator(
        "button", has_text="Place at my selection"
    ).click()
    assert "this text will change" in t.page.inner_text("#p21 + .anno-notes")
    t.page.goto(site_url + ZHANG, wait_until="load")  # and it stays placed
    assert "1 note could not be placed" in t.page.inner_text(".anno-unattached")
    t.page.locator(".anno-unattached li").locator("button", has_text="Delete").click()
    assert t.page.locator(".anno-unattached").count() == 0
    assert len(t.stored()) == 3


# ---------------------------------------------------------------- file://


def run_from_disk(tab, article: Path, notes: Path, site_dir: Path, offline_copy: bool) -> None:
    """On pages opened from disk: make, keep, list, export, clear and import.  The links
    are followed in the offline copy (its links name files; the built site's name folders,
    which a browser shows as listings from disk, and its search fails there)."""
    t = tab("file://")
    t.page.goto(article.as_uri(), wait_until="load")
    assert t.page.evaluate("location.protocol") == "file:"
    t.select("p3", words_of(site_dir, "p3", 5))
    t.page.click(".anno-swatch--green")
    t.page.reload(wait_until="load")
    assert t.page.locator("#p3 mark.anno-mark--green").count() >= 1
    t.page.locator("#p4 a.pnum").click()
    t.page.click(".pnum-menu button:has-text('Add a note')")
    t.page.keyboard.type("from disk")
    t.page.keyboard.press("Control+Enter")
    if offline_copy:
        t.page.click(".anno-bar a:has-text('All my notes')")
        t.page.wait_for_load_state("load")
        assert t.page.url == notes.as_uri()
    else:
        t.page.goto(notes.as_uri(), wait_until="load")
    assert t.page.locator(".my-notes__item").count() == 2
    with t.page.expect_download() as download:
        t.page.click("button:has-text('Export as Web Annotation JSON')")
    exported = download.value.path()
    if offline_copy:
        t.page.locator(".my-notes__where").first.click()
        t.page.wait_for_load_state("load")
        assert t.page.url == article.as_uri() + "#p3"
        assert t.page.locator("#p3 mark.anno-mark--green").count() >= 1
    t.page.evaluate("localStorage.clear()")
    t.page.goto(notes.as_uri(), wait_until="load")
    assert t.page.locator(".my-notes__item").count() == 0
    t.page.set_input_files(".my-notes__file", exported)
    t.page.wait_for_selector(".my-notes__item")
    assert t.page.locator(".my-notes__item").count() == 2
    t.clean(console=offline_copy)


def test_from_disk_the_built_site(tab, site_dir: Path) -> None:
    run_from_disk(
        tab,
        site_dir / ZHANG / "index.html",
        site_dir / "my-notes" / "index.html",
        site_dir,
        offline_copy=False,
    )


def test_from_disk_the_offline_copy(tab, site_dir: Path, tmp_path_factory) -> None:
    from csto_reader.publish import offline

    zip_path = offline.build_offline_zip(ROOT, tmp_path_factory.mktemp("online"))
    folder = tmp_path_factory.mktemp("offline")
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(folder)
    unpacked = folder / offline.ZIP_FOLDER
    run_from_disk(
        tab,
        unpacked / "articles" / "zhang-2023.html",
        unpacked / "my-notes.html",
        site_dir,
        offline_copy=True,
    )


# ---------------------------------------------------------------- looks and axe


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_annotations_meet_wcag_21_aa_and_look_right(
    tab, site_url: str, site_dir: Path, scheme: str
) -> None:
    axe_source = AXE.read_text(encoding="utf-8")
    t = tab(site_url, color_scheme=scheme, bypass_csp=True)
    make_three(t, site_url, site_dir)
    t.page.locator("#p3").scroll_into_view_if_needed()
    for colour, para in (("blue", "p2"), ("pink", "p4")):
        t.select(para, words_of(site_dir, para, 8))
        t.page.click(f".anno-swatch--{colour}")
    failures: list[str] = []
    t.select("p5", words_of(site_dir, "p5", 5))
    t.page.wait_for_selector(".anno-toolbar:not([hidden])")
    screenshot(t, f"toolbar-{scheme}")
    failures += format_violations(
        f"(article, toolbar, {scheme})",
        run_axe(t.page, axe_source, {"runOnly": {"type": "tag", "values": WCAG_21_AA}}),
    )
    t.page.keyboard.press("Escape")
    t.page.locator("#p3 mark.anno-mark").first.click()
    t.page.wait_for_selector(".anno-editor")
    screenshot(t, f"editor-{scheme}")
    failures += format_violations(
        f"(article, editor, {scheme})",
        run_axe(t.page, axe_source, {"runOnly": {"type": "tag", "values": WCAG_21_AA}}),
    )
    t.page.keyboard.press("Escape")
    t.page.locator("#p6 a.pnum").click()
    t.page.wait_for_selector(".pnum-menu")
    failures += format_violations(
        f"(article, ¶ menu, {scheme})",
        run_axe(t.page, axe_source, {"runOnly": {"type": "tag", "values": WCAG_21_AA}}),
    )
    screenshot(t, f"menu-{scheme}")
    t.page.goto(site_url + "my-notes/", wait_until="load")
    failures += format_violations(
        f"(my notes, {scheme})",
        run_axe(t.page, axe_source, {"runOnly": {"type": "tag", "values": WCAG_21_AA}}),
    )
    t.page.screenshot(path=str(ARTIFACTS / f"annotations-my-notes-{scheme}.png"), full_page=True)
    assert not failures, "\n".join(failures)


def test_phone_screenshots(tab, site_url: str, site_dir: Path) -> None:
    for scheme in ("light", "dark"):
        t = tab(site_url, viewport=PHONE, is_mobile=True, has_touch=True, color_scheme=scheme)
        make_three(t, site_url, site_dir)
        t.page.locator("#p3").scroll_into_view_if_needed()
        screenshot(t, f"phone-article-{scheme}")
        t.page.locator("#p3 a.pnum").tap()
        t.page.wait_for_selector(".pnum-menu")
        screenshot(t, f"phone-menu-{scheme}")
        t.page.goto(site_url + "my-notes/", wait_until="load")
        screenshot(t, f"phone-my-notes-{scheme}")
        width = t.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], width
        t.clean()


def test_a_hostile_import_is_shown_as_text(tab, site_url: str, site_dir: Path, tmp_path) -> None:
    """Notes and quotes are text, never HTML; an unreadable entry is left out."""
    exact = words_of(site_dir, "p1", 3)
    evil = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    data = [
        {
            "id": "urn:x:'\"]<b>",
            "type": "Annotation",
            "body": {"type": "TextualBody", "value": evil},
            "target": {
                "source": "articles/zhang-2023/",
                "styleClass": "csto-highlight-blue",
                "selector": {
                    "type": "FragmentSelector",
                    "value": "p1",
                    "refinedBy": {"type": "TextQuoteSelector", "exact": exact, "prefix": ""},
                },
            },
        },
        {"type": "Annotation", "target": {"source": "javascript:alert(3)"}},
    ]
    file = tmp_path / "evil.json"
    file.write_text(json.dumps(data), encoding="utf-8")
    t = tab(site_url)
    dialogs: list[str] = []
    t.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    t.page.goto(site_url + "my-notes/", wait_until="load")
    t.page.set_input_files(".my-notes__file", str(file))
    t.page.wait_for_selector(".my-notes__item")
    assert "Imported 1 annotation; 1 not readable" in t.page.inner_text(".my-notes__status")
    assert evil in t.page.inner_text(".my-notes__note")
    t.page.goto(site_url + ZHANG, wait_until="load")
    # its context does not read as in the page (no prefix given): set aside, as text
    assert evil in t.page.inner_text(".anno-unattached")
    assert t.page.locator(".md-content img[src='x'], .md-content script:not([src])").count() == 0
    assert not dialogs
    t.clean()
