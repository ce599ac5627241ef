"""The Content-Security-Policy of every page (csto_reader/csp.py).

Unit tests of ``apply_csp``, then the real site in Chromium (every page, no violation,
search and the copy-link still work, the offline copy still searches from file://).
The hostile-fixture tests are in test_hostile_site.py.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from conftest import site_pages
from csto_reader.publish import csp

SCOPE = '__md_scope=new URL("{base}",location),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0),__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),__md_set=(e,_,t=localStorage,a=__md_scope)=>{{try{{t.setItem(a.pathname+"."+e,JSON.stringify(_))}}catch(e){{}}}}'  # noqa: E501

PAGE = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>T</title>
    <script src="../assets/vendor/iframe-worker/shim.js"></script>
    <script>{scope}</script>
  </head>
  <body>
    <p>Text</p>
    <script id="__config" type="application/json">{{"base": "..", "search": "../w.js"}}</script>
    <script src="../assets/javascripts/bundle.js"></script>
  </body>
</html>
"""


def page(base: str = "..", extra: str = "") -> str:
    return PAGE.format(scope=SCOPE.format(base=base)).replace("<p>Text</p>", "<p>Text</p>" + extra)


def policy_of(text: str) -> dict[str, list[str]]:
    found = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', text)
    assert len(found) == 1, found
    out = {}
    for directive in found[0].replace("&#x27;", "'").split(";"):
        name, *values = directive.split()
        out[name] = values
    return out


# ---------------------------------------------------------------- the pure function


def test_the_hash_is_that_of_the_inline_script_text() -> None:
    import base64
    import hashlib

    text = SCOPE.format(base="../..")
    expected = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    assert f"'sha256-{expected}'" in policy_of(csp.apply_csp(page("../..")))["script-src"]


def test_policy_allows_scripts_only_from_the_site_and_hashes() -> None:
    rules = policy_of(csp.apply_csp(page()))
    assert rules["script-src"][0] == "'self'"
    assert rules["script-src"][-1] == "'report-sample'"
    assert all(v.startswith("'sha256-") for v in rules["script-src"][1:-1])
    assert len(rules["script-src"]) == 4  # __md_scope and the shim's iframe script
    assert "'unsafe-inline'" not in rules["script-src"] and "'unsafe-eval'" not in str(rules)
    assert rules["object-src"] == ["'none'"]
    assert rules["base-uri"] == ["'self'"]
    assert rules["form-action"] == ["'self'"]
    assert rules["img-src"] == ["'self'", "data:"]
    assert "file:" not in str(rules)
    offline = policy_of(csp.apply_csp(page(), offline=True))
    assert offline["script-src"][:2] == ["'self'", "file:"]


def test_every_trusted_inline_script_is_hashed_and_the_config_is_not() -> None:
    text = csp.apply_csp(page())
    hashes = set(policy_of(text)["script-src"][1:-1])
    for script in csp.inline_scripts(text):
        assert csp.script_hash(script) in hashes
    assert '{"base"' not in "".join(csp.inline_scripts(text))  # JSON is not executed


def test_an_injected_inline_script_is_not_hashed() -> None:
    injected = "<script>alert(1)</script><SCRIPT type=module>alert(2)</SCRIPT>"
    # A look-alike of Material's script with a base that breaks out of its string.
    breakout = SCOPE.format(base='x",alert(3),"')
    lookalike = "<script>" + breakout + "</script>"
    text = csp.apply_csp(page(extra=injected + lookalike))
    hashes = policy_of(text)["script-src"]
    assert csp.untrusted_inline_scripts(text) == [
        "alert(1)",
        "alert(2)",
        breakout,
    ]
    for script in csp.untrusted_inline_scripts(text):
        assert csp.script_hash(script) not in hashes


def test_only_json_data_blocks_pass_and_json_ld_holds_no_angle_bracket() -> None:
    """A script element of another type is not run, but the pages write only Material's
    JSON configuration and the articles' JSON-LD; anything else, a JSON-LD text with a
    raw "<" (an unescaped value) or one that is not JSON is reported."""
    good = '<script type="application/ld+json">{"name":"\\u003c/script\\u003e"}</script>'
    assert csp.untrusted_inline_scripts(page(extra=good)) == []
    bad = [
        '<script type="application/ld+json">{"name":"<b>"}</script>',
        '<script type="application/ld+json">{"name":</script>',
        '<script type="text/template"><img src=x onerror=alert(1)></script>',
        '<script type="text/plain">{}</script>',
    ]
    for block in bad:
        found = csp.untrusted_inline_scripts(page(extra=block))
        assert len(found) == 1 and found[0] in block, block


def test_the_policy_comes_first_in_the_head_before_any_script() -> None:
    text = csp.apply_csp(page())
    at = text.index("Content-Security-Policy")
    assert text.index('<meta charset="utf-8">') < at < text.index("<script")
    redirect = csp.apply_csp('<!doctype html><meta charset="utf-8"><title>Moved</title>')
    assert redirect.startswith('<!doctype html><meta charset="utf-8"><meta http-equiv=')


def test_applying_it_twice_changes_nothing() -> None:
    once = csp.apply_csp(page())
    assert csp.apply_csp(once) == once
    # and a page that changed after the first pass gets the policy it needs now
    again = csp.apply_csp(once.replace('URL("..",', 'URL("../..",'))
    assert again == csp.apply_csp(page("../.."))


def test_the_shim_script_is_computed_from_the_vendored_shim() -> None:
    script = csp.shim_iframe_script("../w.js")
    assert script.startswith('postMessage=function c(s,n){parent.postMessage(s,n||"*")};')
    assert 'filename:"../w.js"' in script and "${" not in script
    shim = csp.SHIM.read_text(encoding="utf-8")
    assert "importScripts=${d}" in shim and csp._function_source(shim, "d") in script


def test_material_scripts_are_read_from_its_templates() -> None:
    assert csp.is_trusted(SCOPE.format(base="../.."))
    assert csp.is_trusted(SCOPE.format(base="/reader/"))
    assert not csp.is_trusted(SCOPE.format(base="..") + ";alert(1)")


# ---------------------------------------------------------------- the built site


def test_every_page_of_the_site_has_the_policy_and_no_unhashed_script(site_dir: Path) -> None:
    files = sorted(site_dir.rglob("*.html"))
    assert any(f.name == "404.html" for f in files)
    for file in files:
        text = file.read_text(encoding="utf-8")
        rules = policy_of(text)
        assert csp.untrusted_inline_scripts(text) == [], file
        for script in csp.inline_scripts(text):
            assert csp.script_hash(script) in rules["script-src"], file
        head = text[: text.index("</head>")]
        assert head.index("Content-Security-Policy") < head.index("<script"), file


VIOLATIONS = """document.addEventListener('securitypolicyviolation', e => console.error(
  'CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')),
  true)"""


def test_every_page_runs_with_no_violation_and_its_scripts_work(
    browser, site_url: str, site_dir: Path
) -> None:
    context = browser.new_context()
    context.add_init_script(VIOLATIONS)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    errors: list[str] = []
    tab = context.new_page()
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    try:
        for path in site_pages(site_dir):
            tab.goto(site_url + path, wait_until="networkidle")
            # Material's scripts ran: the palette script set the scheme, the bundle
            # removed the no-js class.
            assert tab.get_attribute("body", "data-md-color-scheme"), path
            assert "no-js" not in (tab.get_attribute("html", "class") or ""), path
            if path == "404.html":
                errors[:] = [e for e in errors if "404" not in e]
            assert not errors, (path, errors)
        tab.goto(site_url, wait_until="networkidle")
        box = tab.locator("input.md-search__input")
        box.click()
        box.press_sequentially("peacekeeping", delay=20)
        tab.wait_for_selector(".md-search-result__item", timeout=10_000)
        tab.goto(site_url + "articles/zhang-2023/", wait_until="networkidle")
        tab.locator("a.pnum").first.click()  # reader.js copies the paragraph's address
        tab.wait_for_selector("#copy-status.copy-status--shown")
        assert "copied" in tab.inner_text("#copy-status")
        tab.goto(site_url + "bibliography/", wait_until="networkidle")
        tab.select_option("#bib-article", index=1)  # bibliography.js filters the list
        assert tab.locator("li.bib-entry[hidden]").count() > 0
        assert not errors, errors
    finally:
        context.close()


def test_the_offline_copy_searches_from_disk_under_its_policy(
    browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from test_offline import ROOT, offline

    zip_path = offline.build_offline_zip(ROOT, tmp_path_factory.mktemp("online"))
    folder = tmp_path_factory.mktemp("offline")
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(folder)
    unpacked = folder / offline.ZIP_FOLDER
    for file in sorted(unpacked.rglob("*.html")):
        text = file.read_text(encoding="utf-8")
        assert policy_of(text)["script-src"][:2] == ["'self'", "file:"], file
        assert csp.untrusted_inline_scripts(text) == [], file
    context = browser.new_context()
    context.add_init_script(VIOLATIONS)
    errors: list[str] = []
    tab = context.new_page()
    tab.on("console", lambda m: errors.append(m.text) if "CSP violation" in m.text else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    try:
        for file in sorted(unpacked.rglob("*.html")):
            if file.name == "404.html":
                continue  # it names its assets from the site root, which a folder lacks
            tab.goto(file.as_uri(), wait_until="load")
            assert "no-js" not in (tab.get_attribute("html", "class") or ""), file
        tab.goto((unpacked / "articles" / "zhang-2023.html").as_uri(), wait_until="load")
        box = tab.locator("input.md-search__input")
        box.click()
        box.press_sequentially("peacekeeping", delay=30)
        tab.wait_for_selector(".md-search-result__item", timeout=15_000)
        assert tab.locator(".md-search-result__item").count() > 0
        tab.reload(wait_until="load")  # search closed: reader.js copies an address
        tab.locator("a.pnum").first.click()
        tab.wait_for_selector("#copy-status.copy-status--shown")
    finally:
        context.close()
    assert not errors, errors


def test_a_redirect_page_from_an_alias_carries_the_policy() -> None:
    from csto_reader.publish.addresses import apply_aliases

    files = apply_aliases({}, {"old-page/": "about/"})
    text = files["old-page/index.html"].decode()
    assert policy_of(text)["script-src"] == ["'self'", "'report-sample'"]
    assert text.index("Content-Security-Policy") < text.index('http-equiv="refresh"')
