"""The site's own scripts and style sheets minified, Material's style sheets pruned
(publish/assets.py).

* minified: the scripts still parse (Node), keep every string literal of their source
  and are smaller; the style sheets hold the same rules and declarations (tinycss2);
  vendored and other files are copied as they are, and the built site serves the
  minified copies;
* pruned: a sheet that every selector may match comes back with the same rules; a selector goes
  only for a class whose block no page holds and no script names, or an attribute value
  no page writes (small cases); the custom properties of two sheets are judged together;
  the classes Material's installed bundle creates by itself are all in ``RUNTIME``;
* in Chromium: every element of the built pages (and its ``::before`` and ``::after``)
  has the same computed style with the pruned sheets as with Material's own, in light
  and dark, on a phone's width, and with the search results open.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import tinycss2

from conftest import ROOT
from csto_reader.publish import assets

DOCS = ROOT / "docs"
MATERIAL = Path(__import__("material").__file__).parent / "templates"
OWN_SCRIPTS = sorted((DOCS / "assets" / "javascripts").glob("*.js"))
OWN_SHEETS = sorted((DOCS / "assets" / "stylesheets").glob("*.css"))


# ---------------------------------------------------------------- minified


def js_strings(text: str) -> list[str]:
    """The string literals of a script, comments left out (a quote in a comment is not
    one), with the regex and strings of rjsmin's own kind of reading."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"(?m)^\s*//.*$", "", text)
    return [a or b for a, b in re.findall(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'', text)]


@pytest.mark.parametrize("path", OWN_SCRIPTS, ids=lambda p: p.name)
def test_a_minified_script_parses_and_keeps_its_strings(path: Path, tmp_path: Path) -> None:
    source = path.read_bytes()
    small = assets.minified(f"assets/javascripts/{path.name}", source)
    assert len(small) < 0.8 * len(source)
    target = tmp_path / path.name
    target.write_bytes(small)
    check = subprocess.run(["node", "--check", str(target)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    text = small.decode("utf-8")
    for literal in js_strings(source.decode("utf-8")):
        assert literal in text, literal


def css_rules(text: str) -> list[tuple[str, list[tuple[str, str, bool]]]]:
    """A sheet's rules, flattened: (at-rule heads and selector, declarations), with white
    space and comments normalised away."""

    def norm(tokens: list) -> str:  # type: ignore[type-arg]
        return re.sub(r"\s+", " ", tinycss2.serialize(tokens)).strip().replace(" ", "")

    out: list[tuple[str, list[tuple[str, str, bool]]]] = []

    def walk(rules: list, context: str) -> None:  # type: ignore[type-arg]
        for rule in rules:
            if rule.type == "qualified-rule":
                body = tinycss2.parse_declaration_list(
                    rule.content, skip_comments=True, skip_whitespace=True
                )
                declarations = [(d.lower_name, norm(d.value), d.important) for d in body]
                out.append((context + norm(rule.prelude), declarations))
            elif rule.type == "at-rule" and rule.content is not None:
                head = f"{context}@{rule.lower_at_keyword}{norm(rule.prelude)}/"
                inner = tinycss2.parse_rule_list(rule.content, True, True)
                walk(inner, head) if rule.lower_at_keyword != "font-face" else None
            elif rule.type == "at-rule":
                out.append((f"{context}@{rule.lower_at_keyword}{norm(rule.prelude)}", []))

    walk(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True), "")
    return out


@pytest.mark.parametrize("path", OWN_SHEETS, ids=lambda p: p.name)
def test_a_minified_sheet_holds_the_same_rules(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    small = assets.minified(f"assets/stylesheets/{path.name}", source.encode()).decode()
    assert len(small) < 0.8 * len(source)
    assert css_rules(small) == css_rules(source)


def test_vendored_and_other_files_are_copied_as_they_are() -> None:
    shim = DOCS / "assets" / "vendor" / "iframe-worker" / "shim.js"
    assert assets.minified("assets/vendor/iframe-worker/shim.js", shim.read_bytes()) == (
        shim.read_bytes()
    )
    page = (DOCS / "about.md").read_bytes()
    assert assets.minified("about.md", page) == page
    files = {"about.md": page, "assets/javascripts/x.js": b"var a = 1; // one\n"}
    assert assets.minify_tree(files) == {"about.md": page, "assets/javascripts/x.js": b"var a=1;\n"}


def test_the_site_serves_the_minified_copies(site_dir: Path) -> None:
    for path in [*OWN_SCRIPTS, *OWN_SHEETS]:
        rel = path.relative_to(DOCS).as_posix()
        built = (site_dir / rel).read_bytes()
        assert built == assets.minified(rel, path.read_bytes()), rel
        assert b"/*" not in built or path.suffix == ".js", rel  # comments gone


# ---------------------------------------------------------------- pruned


def theme_sheet(pattern: str) -> str:
    (path,) = (MATERIAL / "assets" / "stylesheets").glob(pattern)
    return path.read_text(encoding="utf-8")


class Everything(assets.SiteUse):
    """A site that may match any selector and reads every custom property."""

    def allows(self, selector: list) -> bool:  # type: ignore[type-arg]
        return True


@pytest.mark.parametrize("pattern", ["main.*.min.css", "palette.*.min.css"])
def test_a_sheet_every_selector_may_match_keeps_every_rule(pattern: str) -> None:
    css = theme_sheet(pattern)
    use = Everything([], [])
    use.properties.update(re.findall(r"--[\w-]+", css))
    (out,) = assets.prune_sheets({"sheet": css}, use).values()
    # the same rules and declarations, token for token (tinycss2 writes "\\3c " as "<")
    assert css_rules(out) == css_rules(css)


def pruned(css: str, pages: list[str], scripts: list[str] = ()) -> str:  # type: ignore[assignment]
    use = assets.SiteUse(pages, [(s, True) for s in scripts])
    return assets.prune_sheets({"sheet": css}, use)["sheet"]


CASE = (
    ".md-typeset .admonition,.md-typeset details{margin:1em}"
    ".md-typeset .admonition.note{color:red}"
    ".md-nav__link--active{color:blue}"
    "a:not(.md-button){color:green}"
    ".md-button{padding:0}"
    "[dir=rtl] .md-nav{margin:0}"
    "@media screen{.tabbed-set{display:flex}}"
    "@media print{.md-nav{display:none}}"
)


def test_a_selector_goes_when_no_page_or_script_can_match_it() -> None:
    page = '<html><body dir="ltr"><nav class="md-nav"><details>x</details></nav></body></html>'
    assert pruned(CASE, [page]) == (
        ".md-typeset details{margin:1em}"
        ".md-nav__link--active{color:blue}"  # the block is on the page: its states stay
        "a:not(.md-button){color:green}"  # a class inside :not() is not judged
        "@media print{.md-nav{display:none}}"
    )


def test_what_a_page_holds_or_our_script_names_keeps_its_rules() -> None:
    page = (
        "<body dir='rtl'><div class=\"admonition note\"></div>"
        "<div class=tabbed-set></div><nav class='md-nav'></nav></body>"
    )
    out = pruned(CASE, [page], ['el.className = "md-button";'])
    assert out == CASE


def test_material_runtime_classes_are_kept_on_any_page() -> None:
    css = ".md-search-result__item{margin:0}.md-dialog--active{opacity:1}"
    assert pruned(css, ["<p>nothing</p>"]) == css


HOSTED_CASE = (
    ".md-source__facts{margin:0}"
    ".md-version__list{margin:0}"
    ".tabbed-control--next{right:0}"
    ".md-annotation__index{width:1em}"
)


def test_runtime_components_with_a_host_are_kept_only_where_a_page_holds_it() -> None:
    """A repository's facts, the version selector, content tabs' controls and code
    annotations are built by the bundle inside an element (or for a setting) of a page:
    without one on any page their rules go; each host on a page keeps its component."""
    assert (
        pruned(HOSTED_CASE, ['<p>nothing</p><script id="__config">{"version": null}</script>'])
        == ""
    )
    hosts = [
        '<a href="https://example.org/repo" class="md-source" data-md-component="source">',
        '<script id="__config" type="application/json">{"version": {"provider": "mike"}}</script>',
        '<div class="tabbed-set tabbed-alternate">',
        '<div class="language-python highlight"><pre><code>x</code></pre></div>',
    ]
    rules = [r + "}" for r in HOSTED_CASE.split("}")[:-1]]
    for host, rule in zip(hosts, rules, strict=True):
        assert pruned(HOSTED_CASE, [host]) == rule, host
    assert set(assets.HOSTED) <= assets.RUNTIME


TOOLTIPS = ".md-tooltip{opacity:0}.md-tooltip2{opacity:0}"


def _config(*features: str) -> str:
    listed = ", ".join(f'"{f}"' for f in features)
    return f'<script id="__config" type="application/json">{{"features": [{listed}]}}</script>'


def test_tooltips_are_kept_only_where_the_bundle_builds_them() -> None:
    """Material's tooltips come with the content.tooltips feature (both kinds), a code
    annotation (the older kind), a note's preview with content.footnote.tooltips and a
    link's preview (navigation.instant.preview, a data-preview attribute: the newer)."""
    assert pruned(TOOLTIPS, [_config("navigation.sections", "toc.follow")]) == ""
    assert pruned(TOOLTIPS, [_config("navigation.sections", "content.tooltips")]) == TOOLTIPS
    old, new = ".md-tooltip{opacity:0}", ".md-tooltip2{opacity:0}"
    assert pruned(TOOLTIPS, ['<div class="highlight"><pre>x</pre></div>']) == old
    assert pruned(TOOLTIPS, [_config("content.footnote.tooltips")]) == new
    assert pruned(TOOLTIPS, [_config("navigation.instant.preview")]) == new
    assert pruned(TOOLTIPS, ['<a href="../x/" data-preview>x</a>']) == new


def test_materials_palette_switching_rule_goes_for_ours() -> None:
    css = (
        "[data-md-color-switching] *,[data-md-color-switching] :after{transition-duration:0s}"
        ".md-nav{margin:0}"
    )
    assert pruned(css, ['<nav class="md-nav"></nav>']) == ".md-nav{margin:0}"


def test_switching_the_palette_changes_colours_without_transitions(browser, site_url: str) -> None:
    """reader.js's class stops every transition while the palette switches (for two
    frames), as Material's dropped rule did; Material's sheet in the site has no rule on
    its switching mark any more."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(site_url + "articles/choi-2022/", wait_until="networkidle")
        sheets = page.evaluate(
            "[...document.styleSheets].flatMap(s => { try { return [...s.cssRules] }"
            " catch (e) { return [] } }).map(r => r.cssText).join('\\n')"
        )
        assert "data-md-color-switching" not in sheets
        assert "csto-palette-switching" in sheets
        during, after = page.evaluate(
            """async () => {
              const link = document.querySelector(".md-content a");
              const input = document.querySelector("input[name=__palette]:not(:checked)");
              input.click();
              const during = [document.body.classList.contains("csto-palette-switching"),
                              getComputedStyle(link).transitionDuration];
              await new Promise(r => requestAnimationFrame(() =>
                requestAnimationFrame(() => requestAnimationFrame(r))));
              return [during, [document.body.classList.contains("csto-palette-switching"),
                               getComputedStyle(link).transitionDuration]];
            }"""
        )
        assert during[0] and set(during[1].split(", ")) == {"0s"}, during
        assert not after[0] and set(after[1].split(", ")) != {"0s"}, after
    finally:
        context.close()


def test_custom_properties_are_judged_across_the_sheets() -> None:
    main = ":root{--md-a:1px;--md-unread:2px}.md-nav{margin:var(--md-a)}.gone{--md-x:1}"
    palette = "[data-md-color-scheme=slate]{--md-a:2px;--md-b:var(--md-c);--md-c:3px}"
    page = '<body data-md-color-scheme="default"><nav class="md-nav"></nav>'
    theme_page = page + '<input data-md-color-scheme="slate">'
    use = assets.SiteUse([theme_page], [])
    out = assets.prune_sheets({"main": main, "palette": palette}, use)
    assert out == {
        "main": ":root{--md-a:1px}.md-nav{margin:var(--md-a)}",
        "palette": "[data-md-color-scheme=slate]{--md-a:2px}",
    }
    # a value no page writes: the palette's rule matches nothing and goes
    out = assets.prune_sheets({"main": main, "palette": palette}, assets.SiteUse([page], []))
    assert out["palette"] == ""


def test_runtime_lists_every_class_materials_bundle_creates() -> None:
    (bundle,) = (MATERIAL / "assets" / "javascripts").glob("bundle.*.min.js")
    text = bundle.read_text(encoding="utf-8")
    named = re.findall(r'class:"([^"]*)"', text)
    named += re.findall(r'classList\.(?:add|toggle)\("([^"]*)"', text)
    named += re.findall(r"class:`([^`$]*)", text)  # a template's fixed start
    blocks = {assets.block_of(c) for value in named for c in value.split()}
    assert blocks and blocks <= assets.RUNTIME | {"md-typeset"}, blocks - assets.RUNTIME


def small_site(root: Path, page: str) -> Path:
    site = root / "site"
    (site / "assets" / "stylesheets").mkdir(parents=True)
    (site / "assets" / "stylesheets" / "main.0.min.css").write_text(CASE, encoding="utf-8")
    (site / "index.html").write_text(page, encoding="utf-8")
    return site


def test_the_prune_cache_gives_what_pruning_gives_and_misses_when_a_page_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "pruned.json"
    plain = '<body dir="ltr"><nav class="md-nav"></nav></body>'
    with_note = '<body dir="ltr"><nav class="md-nav"></nav><div class="admonition note">'
    sheet = "assets/stylesheets/main.0.min.css"
    expected = {}
    for name, page in (("plain", plain), ("note", with_note)):
        site = small_site(tmp_path / name, page)
        assets.prune_theme_css(site)
        expected[name] = (site / sheet).read_text(encoding="utf-8")
    assert expected["plain"] != expected["note"]
    calls: list[int] = []
    real = assets.prune_sheets
    monkeypatch.setattr(assets, "prune_sheets", lambda *a: calls.append(1) or real(*a))
    for run, (name, page) in enumerate((("plain", plain), ("plain", plain), ("note", with_note))):
        site = small_site(tmp_path / f"cached{run}", page)
        assets.prune_theme_css(site, cache)
        assert (site / sheet).read_text(encoding="utf-8") == expected[name], run
    assert len(calls) == 2  # the second site, the same as the first, was not parsed
    cache.write_text("not json", encoding="utf-8")  # a broken cache is pruned again
    site = small_site(tmp_path / "broken", plain)
    assets.prune_theme_css(site, cache)
    assert (site / sheet).read_text(encoding="utf-8") == expected["plain"]
    assert len(calls) == 3


def test_finish_prunes_the_theme_sheets_and_drops_their_maps(site_dir: Path) -> None:
    for pattern in assets.THEME_SHEETS:
        (sheet,) = site_dir.glob(pattern)
        original = theme_sheet(Path(pattern).name)
        pruned_text = sheet.read_text(encoding="utf-8")
        assert len(pruned_text) < 0.7 * len(original)
        assert "sourceMappingURL" not in pruned_text
        assert not sheet.with_name(sheet.name + ".map").exists()


# ---------------------------------------------------------------- in Chromium

# Every element's computed style, and its ::before's and ::after's: the element (tag, id,
# classes) and a hash (SHA-256) of all its properties' values.  Not the custom properties:
# the pruned sheets drop those nothing reads, and a read one shows in what reads it.
STYLES = """async () => {
  const out = [];
  const seen = new Map();
  for (const el of document.querySelectorAll("*")) {
    for (const pseudo of [null, "::before", "::after"]) {
      const s = getComputedStyle(el, pseudo);
      const values = [];
      for (let i = 0; i < s.length; i++) {
        if (s[i].startsWith("--")) continue;  // what they set shows in what reads them
        values.push(s[i] + ":" + s.getPropertyValue(s[i]));
      }
      const text = values.join(";");
      if (!seen.has(text)) {
        const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
        seen.set(text, btoa(String.fromCharCode(...new Uint8Array(digest))).slice(0, 16));
      }
      const name = el.tagName + (el.id ? "#" + el.id : "") + "." + el.classList;
      out.push(name + (pseudo || "") + " " + seen.get(text));
    }
  }
  return out;
}"""

# The home page, an article with notes and a reference list, and the notes page; in dark
# and at 375 px the article alone.  The bibliography and glossary pages (2,700 elements
# each, read twice: minutes) add to these only classes of our own sheet, which is not
# pruned, and the elements em, select and option.
PAGES = ["", "articles/beloglazov-2023/", "my-notes/"]
ARTICLE = ["articles/beloglazov-2023/"]


def serving(css: str):  # type: ignore[no-untyped-def]
    """A route handler that answers with ``css``."""
    return lambda route, request: route.fulfill(body=css, content_type="text/css")


def joined_parts(site: Path) -> tuple[Path, list[Path]]:
    """The site's joined sheet and what it joins: Material's main and palette sheets and
    the site's extra_css (reader.css), in the order of Material's template."""
    folder = site / "assets" / "stylesheets"
    (joined,) = folder.glob(assets.JOINED.format(digest="*"))
    parts = [*(next(folder.glob(Path(p).name)) for p in assets.THEME_SHEETS), folder / "reader.css"]
    return joined, parts


def test_every_page_links_one_sheet_that_joins_the_pruned_ones(site_dir: Path) -> None:
    joined, parts = joined_parts(site_dir)
    texts = [p.read_text(encoding="utf-8").strip() for p in parts]
    texts[1:] = [t.removeprefix('@charset "UTF-8";') for t in texts[1:]]
    assert joined.read_text(encoding="utf-8") == "\n".join(texts) + "\n"
    for page in site_dir.rglob("*.html"):
        sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"(?! media)', page.read_text())
        assert [Path(s).name for s in sheets][:1] == [joined.name], page
        assert not {Path(s).name for s in sheets} & {p.name for p in parts}, page


def computed_styles(  # type: ignore[no-untyped-def]
    browser, site: Path, url: str, original: bool, search: bool, **options
) -> list[str]:
    context = browser.new_context(reduced_motion="reduce", **options)
    if original:  # Material's own sheets instead of the pruned ones, joined as the site's
        joined, parts = joined_parts(site)
        texts = [theme_sheet(Path(p).name) for p in assets.THEME_SHEETS]
        texts.append(parts[-1].read_text(encoding="utf-8"))
        context.route(f"**/{joined.name}", serving("\n".join(texts)))
    try:
        page = context.new_page()
        page.goto(url, wait_until="networkidle")
        if search:
            page.keyboard.press("/")
            page.keyboard.type("peacekeeping")
            page.wait_for_selector(".md-search-result__item", timeout=30_000)
        page.wait_for_timeout(300)
        return page.evaluate(STYLES)
    finally:
        context.close()


@pytest.mark.parametrize(
    ("pages", "options"),
    [
        (PAGES, {}),
        (ARTICLE, {"color_scheme": "dark"}),
        (ARTICLE, {"viewport": {"width": 375, "height": 800}}),
    ],
    ids=["light", "dark", "375px"],
)
def test_the_pruned_sheets_style_every_element_as_materials_own(
    browser, site_dir: Path, site_url: str, pages: list[str], options: dict
) -> None:
    for path in pages:
        ours = computed_styles(browser, site_dir, site_url + path, False, False, **options)
        theirs = computed_styles(browser, site_dir, site_url + path, True, False, **options)
        assert len(ours) == len(theirs) > 100, path
        differ = [a for a, b in zip(ours, theirs, strict=True) if a != b]
        assert not differ, f"/{path}: {len(differ)} elements differ: {differ[:5]}"


def test_the_search_results_are_styled_as_with_materials_own_sheets(
    browser, site_dir: Path, site_url: str
) -> None:
    ours = computed_styles(browser, site_dir, site_url, False, True)
    theirs = computed_styles(browser, site_dir, site_url, True, True)
    assert len(ours) == len(theirs)
    assert [a for a, b in zip(ours, theirs, strict=True) if a != b] == []


# ---------------------------------------------------------------- one sheet for all pages


def _site(tmp_path: Path, sheets: dict[str, str], pages: dict[str, str]) -> dict[Path, str]:
    for rel, text in {**sheets, **pages}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return {tmp_path / rel: text for rel, text in pages.items()}


def _head(*links: str) -> str:
    return "<html><head>\n" + "\n".join(links) + "\n</head><body><p>x</p></body></html>\n"


SHEETS = {
    "assets/s/main.css": '@charset "UTF-8";.a{color:red}',
    "assets/s/palette.css": '@charset "UTF-8";.b{color:blue}',
    "assets/s/reader.css": ".c{color:green}",
    "assets/s/timeline.css": ".t{color:black}",
    "assets/s/print.css": ".p{color:gray}",
}


def test_the_sheets_every_page_links_first_become_one(tmp_path: Path) -> None:
    """The leading run of blocking sheets that every page shares is joined in its order
    (one @charset, first); a page's own sheets after it and a print sheet stay; a page
    linking from the site's root gets a root address; a redirect page is left alone."""
    link = '<link rel="stylesheet" href="{}"{}>'
    shared = ("main.css", "palette.css", "reader.css")
    pages = _site(
        tmp_path,
        SHEETS,
        {
            "index.html": _head(*(link.format(f"assets/s/{n}", "") for n in shared)),
            "a/b/index.html": _head(
                *(link.format(f"../../assets/s/{n}", "") for n in shared),
                link.format("../../assets/s/timeline.css", ""),
                link.format("../../assets/s/print.css", ' media="print"'),
            ),
            "404.html": _head(*(link.format(f"/assets/s/{n}", "") for n in shared)),
            "old/index.html": '<meta http-equiv="refresh" content="0; url=../">',
        },
    )
    out = assets.join_sheets(tmp_path, pages)
    (joined,) = (tmp_path / "assets" / "s").glob(assets.JOINED.format(digest="*"))
    assert joined.read_text() == '@charset "UTF-8";.a{color:red}\n.b{color:blue}\n.c{color:green}\n'
    name = joined.name
    assert link.format(f"assets/s/{name}", "") in out[tmp_path / "index.html"]
    inner = out[tmp_path / "a/b/index.html"]
    assert link.format(f"../../assets/s/{name}", "") in inner
    assert "timeline.css" in inner and 'print.css" media="print"' in inner
    assert link.format(f"/assets/s/{name}", "") in out[tmp_path / "404.html"]
    for page, text in out.items():
        assert not any(f"/{n}" in text for n in shared), page
        assert text.count("\n") == pages[page].count("\n"), page  # lines kept
    assert out[tmp_path / "old/index.html"] == pages[tmp_path / "old/index.html"]


def test_sheets_are_not_joined_across_folders_after_an_import_or_when_pages_differ(
    tmp_path: Path,
) -> None:
    link = '<link rel="stylesheet" href="{}">'
    sheets = {**SHEETS, "other/x.css": ".x{}", "assets/s/imports.css": '@import "x.css";'}
    cases = [
        [_head(link.format("assets/s/main.css"), link.format("other/x.css"))],
        [_head(link.format("assets/s/main.css"), link.format("assets/s/imports.css"))],
        [
            _head(link.format("assets/s/main.css"), link.format("assets/s/reader.css")),
            _head(link.format("assets/s/reader.css"), link.format("assets/s/main.css")),
        ],
        [_head(link.format("https://example.org/a.css"), link.format("assets/s/main.css"))],
    ]
    for number, texts in enumerate(cases):
        site = tmp_path / str(number)
        pages = _site(site, sheets, {f"p{i}/index.html": t for i, t in enumerate(texts)})
        pages = {p: t.replace('href="', 'href="../') for p, t in pages.items()}
        assert assets.join_sheets(site, pages) == pages, number
        assert not list(site.rglob(assets.JOINED.format(digest="*"))), number


@pytest.mark.parametrize(
    "text",
    [
        "a highlight b",
        "highlights",
        "xhighlight",
        "-highlight-",
        "highlight",
        "_highlight",
        "é highlight",
        "highlightéx",
    ],
)
def test_a_host_word_matches_where_word_boundaries_would(text: str) -> None:
    """``_word`` (the word first, then its boundaries) finds what ``\\bword\\b`` finds."""
    fast = re.compile(assets._word("highlight"))
    assert bool(fast.search(text)) == bool(re.search(r"\bhighlight\b", text))
