"""The site's style sheets and scripts, lighter for a reader's first visit (issue 15).

Two steps, both on files the reader never edits by hand:

* **Our own scripts and style sheets** (``docs/assets/**/*.js`` and ``*.css``, not the
  vendored ones under ``assets/vendor/``) are minified when the build step copies
  ``docs/`` into the generated tree (``minified``; ``tree.py``): comments and
  white space go, with rjsmin and rcssmin, which know the languages' strings, regular
  expressions and template literals.  The repository keeps the commented sources; about
  half of their bytes were comments.

* **Material's own style sheets** (``assets/stylesheets/main.*.min.css`` and
  ``palette.*.min.css`` of a rendered site) lose the rules that can match nothing in
  this site (``prune_theme_css``, called by ``finish``): the theme carries the styles of
  every component it offers (content tabs, code highlighting, blog posts, cookie
  consent, version selector, admonition types ...), and this site uses a few of them.
  A selector is dropped only when it needs (outside ``:not()``, ``:is()`` and the other
  functional pseudo-classes) a class whose component no page of the site writes and
  no script can add, or an attribute value (``[dir=rtl]``, a palette colour) no page
  writes; a rule goes when none of its selectors is left, an at-rule when it is empty,
  and a custom property when nothing that is left reads it.  A class's component is its
  BEM block (``md-nav`` for ``md-nav__link--active``): a page that holds the block
  keeps every element and state of it, since Material's script toggles those.

  What a script can add, besides what the pages hold: every class named in a string of
  our own scripts (``reader.js`` may build Material's markup), and the components
  Material's bundle creates by itself (``RUNTIME``: the search results, the dialog, the
  tooltips, the copy buttons of code blocks, the version selector, a repository's facts,
  content tabs' controls, tags in search results); of these, the ones it builds only
  inside an element a page holds or for a setting of the site's configuration
  (``HOSTED``: a repository's facts, the version selector, content tabs' controls, code
  annotations) only when some page holds that element or setting.  Nothing is dropped for a page to
  come: a site built with an admonition or a content tab keeps their styles, since the
  pruning reads the pages of the site it finishes (the offline copy is pruned from its
  own pages too).
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any

import rcssmin
import rjsmin
import tinycss2

# ---------------------------------------------------------------- our own files

# Minified: our scripts and style sheets; not vendored code (the offline copy's shim is
# hashed by its source text in the pages' policy: csp.py).
_OWN = re.compile(r"^assets/(?!vendor/).*\.(js|css)$")


def minified(rel: str, data: bytes) -> bytes:
    """The bytes ``docs/<rel>`` is copied into the generated tree with: minified for one of
    our own scripts or style sheets, unchanged for any other file."""
    match = _OWN.match(rel)
    if match is None:
        return data
    text = data.decode("utf-8")
    small: str = rjsmin.jsmin(text) if match.group(1) == "js" else rcssmin.cssmin(text)
    return (small.strip() + "\n").encode("utf-8")


def minify_tree(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """``files`` (path relative to ``docs/`` -> bytes) with our own assets minified."""
    return {rel: minified(rel, data) for rel, data in files.items()}


# ---------------------------------------------------------------- Material's CSS

# Material's theme style sheets in a rendered site.
THEME_SHEETS = ("assets/stylesheets/main.*.min.css", "assets/stylesheets/palette.*.min.css")

# The BEM blocks (and plain classes) Material's bundle creates or sets by itself, on any
# page, so that a page need not hold them for their styles to be needed: read from its
# ``class:`` attributes and ``classList`` calls (the search results, the dialog, the
# tooltips, code blocks' buttons and annotations, the version selector, a repository's
# facts, content tabs' controls, tags in search results, the table wrappers, "js").
# tests/test_assets.py checks that the installed bundle names no other.
RUNTIME = frozenset(
    {
        "focus-visible",
        "js",
        "js-focus-visible",
        "md-annotation",
        "md-annotation-list",
        "md-code",
        "md-dialog",
        "md-header",
        "md-icon",
        "md-nav",
        "md-search-result",
        "md-source",
        "md-tag",
        "md-tags",
        "md-toggle",
        "md-tooltip",
        "md-tooltip2",
        "md-typeset",
        "md-version",
        "mermaid",
        "no-js",
        "tabbed-button",
        "tabbed-control",
        "tabbed-labels",
    }
)


def _word(word: str) -> str:
    """A pattern for ``word`` as a whole word (``\\bword\\b``), written to start with the
    word itself, so that ``re`` looks for that text first: ``\\b`` before it would try
    the pattern at every position of a page (the bibliography page is 300 KB)."""
    return rf"{re.escape(word)}\b(?<!\w{re.escape(word)})"


# Components of ``RUNTIME`` that the bundle builds only inside an element a page holds, or
# when the site's configuration (the ``__config`` of every page, which lists the theme's
# features) asks for them: a site whose pages hold no such host needs none of their
# styles (3.5 KB of main.css, gzipped: a repository's facts, the version selector,
# content tabs' controls, code annotations, tooltips when reader.js shows the previews).
# Read from the bundle's source (Material 9.8: where it builds each of them).
HOSTED: dict[str, tuple[re.Pattern[str], ...]] = {
    # the facts (stars, forks) of the repository link, which repo_url writes
    "md-source": (re.compile(r'data-md-component="source"'),),
    # the version selector, with extra.version (mike): its provider in the config
    "md-version": (re.compile(r'"version":\s*\{'),),
    # the scroll buttons of content tabs (pymdownx.tabbed writes the tabbed-set)
    "tabbed-button": (re.compile(_word("tabbed-set")),),
    "tabbed-control": (re.compile(_word("tabbed-set")),),
    # code annotations, made from the list after a highlighted code block
    "md-annotation": (re.compile(_word("highlight")),),
    "md-annotation-list": (re.compile(_word("highlight")),),
    # the linked labels of content tabs (a class the bundle adds to a tab set's labels)
    "tabbed-labels": (re.compile(_word("tabbed-set")),),
    # Material's tooltips: a code annotation's, or a title's with content.tooltips (the
    # header's titles, links, abbreviations, code blocks' buttons) ...
    "md-tooltip": (re.compile(r'"content\.tooltips"'), re.compile(_word("highlight"))),
    # ... and the newer ones: titles with content.tooltips, notes with
    # content.footnote.tooltips, link previews (navigation.instant.preview or a link's
    # data-preview attribute)
    "md-tooltip2": (
        re.compile(r'"content\.tooltips"'),
        re.compile(r'"content\.footnote\.tooltips"'),
        re.compile(r'"navigation\.instant\.preview"'),
        re.compile(r"data-preview\b(?<=\sdata-preview)"),
    ),
}

# Attributes whose values come only from the pages (Material's palette script copies the
# colour values from the palette's inputs): ``[name=value]`` for a value no page writes
# matches nothing.
PAGE_ATTRIBUTES = ("dir", "data-md-color-scheme", "data-md-color-primary", "data-md-color-accent")

# Attributes whose rules go whatever the pages hold, because our own sheet does their work
# another way.  ``data-md-color-switching``: Material's palette sets it on <body> while it
# switches colours, and ``[data-md-color-switching] *`` stops every transition meanwhile;
# but the palette also sets and removes it once at start, and each time Chromium restyles
# every element of the page (on zhang-2023 a task of 100 ms on Lighthouse's phone).
# reader.js and reader.css stop the transitions with a class of their own, set only when
# the reader switches (``csto-palette-switching``).
REPLACED_ATTRIBUTES = frozenset({"data-md-color-switching"})

# an attribute's value, in double, single or no quotes
_VALUE = r"""\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))"""
_CLASS_ATTRIBUTE = re.compile(rf"\sclass{_VALUE}", re.IGNORECASE)
_JS_STRING = re.compile(r"\"((?:[^\"\\\n]|\\.)*)\"|'((?:[^'\\\n]|\\.)*)'")
_NAME = re.compile(r"-?[_a-zA-Z][\w-]*")
_VAR = re.compile(r"var\(\s*(--[\w-]+)")
_SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/\s*$")


def block_of(name: str) -> str:
    """A class's BEM block: ``md-nav`` for ``md-nav__link--active``."""
    return re.split(r"__|--", name, maxsplit=1)[0]


class SiteUse:
    """What a site's pages and scripts can put on elements: the BEM blocks of the classes
    its pages write and its own scripts name, and the values its pages give the
    attributes of ``PAGE_ATTRIBUTES``; custom properties its scripts and pages name."""

    def __init__(self, pages: Iterable[str], scripts: Iterable[tuple[str, bool]]) -> None:
        """``scripts``: each script's text, and whether it is the site's own (its strings
        may name classes) rather than Material's (whose components ``RUNTIME`` lists);
        the custom properties every script names count as read."""
        self.blocks: set[str] = set(RUNTIME) - set(HOSTED)
        self.attributes: dict[str, set[str]] = {name: set() for name in PAGE_ATTRIBUTES}
        self.properties: set[str] = set()
        for text in pages:
            for block, hosts in HOSTED.items():
                if block not in self.blocks and any(h.search(text) for h in hosts):
                    self.blocks.add(block)
            for match in _CLASS_ATTRIBUTE.finditer(text):
                self.blocks.update(block_of(c) for c in "".join(match.groups("")).split())
            for name, values in self.attributes.items():
                found = re.finditer(rf"\s{name}{_VALUE}", text, re.IGNORECASE)
                values.update("".join(m.groups("")) for m in found)
            self.properties.update(re.findall(r"--[\w-]+", text))
        for text, own in scripts:
            if own:
                for match in _JS_STRING.finditer(text):
                    literal = match.group(1) or match.group(2) or ""
                    self.blocks.update(block_of(n) for n in _NAME.findall(literal))
            self.properties.update(re.findall(r"--[\w-]+", text))

    def allows(self, selector: list[Any]) -> bool:
        """Whether a selector (tinycss2 tokens) can match an element of the site."""
        for previous, token in zip([None, *selector], selector, strict=False):
            if token.type == "ident" and _is_dot(previous):
                if block_of(token.value) not in self.blocks:
                    return False
            elif token.type == "[] block" and not self._attribute_allowed(token.content):
                return False
        return True

    def _attribute_allowed(self, content: list[Any]) -> bool:
        parts = [t for t in content if t.type not in ("whitespace", "comment")]
        if parts and parts[0].type == "ident" and parts[0].value.lower() in REPLACED_ATTRIBUTES:
            return False
        if len(parts) != 3 or parts[0].type != "ident" or not _is_literal(parts[1], "="):
            return True  # [name], [name^=value] ...: not judged
        values = self.attributes.get(parts[0].value.lower())
        return (
            values is None or parts[2].type not in ("ident", "string") or (parts[2].value in values)
        )


def _is_dot(token: Any) -> bool:
    return _is_literal(token, ".")


def _is_literal(token: Any, value: str) -> bool:
    return token is not None and token.type == "literal" and token.value == value


def _selectors(prelude: list[Any]) -> Iterator[list[Any]]:
    """A rule's prelude cut at its top-level commas (inside a function or a bracket a
    comma is part of its token)."""
    current: list[Any] = []
    for token in prelude:
        if _is_literal(token, ","):
            yield current
            current = []
        else:
            current.append(token)
    yield current


def _walk(rules: list[Any], qualified: Callable[[Any], str | None]) -> str:
    """The rules as text, each qualified rule as ``qualified`` gives it (``None``: left
    out), inside ``@media`` and ``@supports`` too (an empty one is left out); any other
    rule as it was."""
    out: list[str] = []
    for rule in rules:
        if rule.type == "qualified-rule":
            out.append(qualified(rule) or "")
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports"):
            inner = _walk(tinycss2.parse_rule_list(rule.content), qualified)
            if inner:
                out.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{inner}}}")
        elif rule.type not in ("whitespace", "comment"):
            out.append(rule.serialize())
    return "".join(out)


def _matching(rule: Any, use: SiteUse) -> str | None:
    """A rule with only the selectors that can match something in the site, or None."""
    selectors = [s for s in _selectors(rule.prelude) if use.allows(s)]
    if not selectors:
        return None
    prelude = ",".join(tinycss2.serialize(s) for s in selectors)
    return f"{prelude}{{{tinycss2.serialize(rule.content)}}}"


def _read_only(rule: Any, read: set[str]) -> str | None:
    """A rule without its declarations of custom properties not in ``read``, or None."""
    declarations = tinycss2.parse_declaration_list(
        rule.content, skip_comments=True, skip_whitespace=True
    )
    kept = [
        d.serialize()
        for d in declarations
        if not (d.type == "declaration" and d.name.startswith("--") and d.name not in read)
    ]
    if not kept:
        return None
    return f"{tinycss2.serialize(rule.prelude)}{{{';'.join(kept)}}}"


def _parse(css: str) -> list[Any]:
    rules: list[Any] = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return rules


def prune_sheets(sheets: Mapping[str, str], use: SiteUse) -> dict[str, str]:
    """Theme style sheets (by name) without what can match nothing in the site (module
    docstring).  Their custom properties are judged together: one sheet sets what the
    other reads (``palette`` sets the colours ``main`` reads)."""
    texts = {
        name: _walk(_parse(_SOURCE_MAP.sub("", css)), partial(_matching, use=use))
        for name, css in sheets.items()
    }
    while True:
        read = use.properties.union(*(_VAR.findall(t) for t in texts.values()))
        new = {name: _walk(_parse(t), partial(_read_only, read=read)) for name, t in texts.items()}
        if new == texts:
            return texts
        texts = new


def _names_classes(rel: str) -> bool:
    """Whether the strings of a site's script may name classes it puts on elements: our
    own scripts (``assets/javascripts/*.js``), not Material's (its bundle, and its search
    worker and languages in subfolders: ``RUNTIME`` lists their classes) nor the data
    scripts (``assets/previews/``, the offline copy's search index)."""
    folder, _, name = rel.rpartition("/")
    return folder == "assets/javascripts" and not name.startswith("bundle.")


def prune_key(sheets: Mapping[str, str], use: SiteUse) -> str:
    """A digest of what ``prune_sheets`` reads: the sheets, what the site uses, this
    module's code and tinycss2's version."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(tinycss2.__version__.encode("utf-8"))
    parts = {
        "sheets": dict(sorted(sheets.items())),
        "blocks": sorted(use.blocks),
        "attributes": {name: sorted(values) for name, values in sorted(use.attributes.items())},
        "properties": sorted(use.properties),
    }
    digest.update(json.dumps(parts, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()


def _stored_prune(cache: Path | None, key: str) -> dict[str, str] | None:
    """The pruned sheets ``cache`` holds under ``key``, if it does."""
    try:
        stored = json.loads(cache.read_text(encoding="utf-8")) if cache else None
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("key") != key:
        return None
    sheets = stored.get("sheets")
    if not isinstance(sheets, dict) or not all(isinstance(v, str) for v in sheets.values()):
        return None
    return sheets


def write_json(path: Path, value: object) -> None:
    """Write ``value`` to ``path`` through a temporary file (a concurrent build reads a
    whole one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(json.dumps(value, sort_keys=True, indent=0) + "\n")
    os.replace(name, path)


def site_use(site: Path, exclude: set[str]) -> SiteUse:
    """What the pages and scripts of ``site`` can put on elements; the custom properties
    its pages, scripts and style sheets (but those of ``exclude``) name."""
    pages = (p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html")))
    sheets = [
        p.read_text(encoding="utf-8")
        for p in sorted(site.rglob("*.css"))
        if p.relative_to(site).as_posix() not in exclude
        and not p.match(JOINED.format(digest="*"))  # the theme's sheets again
    ]
    scripts = (
        (p.read_text(encoding="utf-8"), _names_classes(p.relative_to(site).as_posix()))
        for p in sorted(site.rglob("*.js"))
    )
    use = SiteUse(pages, scripts)
    for text in sheets:
        use.properties.update(re.findall(r"--[\w-]+", text))
    return use


def prune_theme_css(site: Path, cache: Path | None = None) -> dict[str, tuple[int, int]]:
    """Rewrite Material's style sheets in ``site`` without the rules that can match
    nothing there (and without their source maps, which would no longer match); return
    each sheet's size before and after, by its path in the site.

    With ``cache`` (a JSON file), the pruned sheets of the last site whose sheets and
    ``SiteUse`` were the same, under this module's code and tinycss2's version, are
    taken from there instead of parsing the sheets again (the result is a function of
    those alone: ``prune_key``)."""
    sheets = [p for pattern in THEME_SHEETS for p in sorted(site.glob(pattern))]
    if not sheets:
        return {}
    before = {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in sheets}
    use = site_use(site, exclude=set(before))
    key = prune_key(before, use)
    after = _stored_prune(cache, key)
    if after is None or set(after) != set(before):
        after = prune_sheets(before, use)
        if cache is not None:
            write_json(cache, {"key": key, "sheets": after})
    for rel, text in after.items():
        sheet = site / rel
        sheet.write_text(text + "\n", encoding="utf-8")
        sheet.with_name(sheet.name + ".map").unlink(missing_ok=True)
    return {rel: (len(before[rel]), len(after[rel]) + 1) for rel in before}


# ---------------------------------------------------------------- one sheet for all pages

# A ``<link>`` tag, and one of its attributes.
_LINK = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(rf"\s([\w-]+)(?:{_VALUE})?", re.IGNORECASE)
_CHARSET = re.compile(r'^\s*@charset\s+"[^"]*"\s*;', re.IGNORECASE)
_IMPORT = re.compile(r"@import\b", re.IGNORECASE)
JOINED = "site.{digest}.min.css"  # in the folder of the sheets it joins


def _attributes(tag: str) -> dict[str, str]:
    inner = tag.strip()[len("<link") : -1]
    return {m.group(1).lower(): "".join(m.groups("")[1:]) for m in _ATTRIBUTE.finditer(inner)}


def _with_href(tag: str, href: str) -> str:
    """``tag`` with ``href`` in place of its ``href`` attribute's value."""
    for match in _ATTRIBUTE.finditer(tag):
        if match.group(1).lower() == "href":
            at, end = match.span()
            return f'{tag[:at]} href="{html.escape(href)}"{tag[end:]}'
    return tag


def _blocking_sheets(site: Path, page: Path, text: str) -> list[tuple[re.Match[str], str, str]]:
    """The style sheets a page links that hold back its first paint (no ``media``, or
    ``all`` or ``screen``), in order: each link's match, its address and its file's path
    in ``site`` (a sheet from another host, a ``data:`` address or a missing file ends
    the list)."""
    out = []
    for match in _LINK.finditer(text):
        attrs = _attributes(match.group(0))
        if "stylesheet" not in attrs.get("rel", "").lower().split():
            continue
        if attrs.get("media", "all").strip().lower() not in ("all", "screen"):
            continue
        href = attrs.get("href", "")
        if not href or re.match(r"^[a-z][a-z0-9+.-]*:|^//", href, re.IGNORECASE) or "?" in href:
            break
        # an address from the site's root (the 404 page's) or from the page
        base = site if href.startswith("/") else page.parent
        target = (base / href.split("#")[0].lstrip("/")).resolve()
        try:
            rel = target.relative_to(site.resolve()).as_posix()
        except ValueError:
            break
        if not target.is_file():
            break
        out.append((match, href, rel))
    return out


def join_sheets(site: Path, pages: Mapping[Path, str]) -> dict[Path, str]:
    """One style sheet for the render-blocking sheets every page links first (Material's
    ``main`` and ``palette``, the site's ``extra_css``): written beside them as
    ``site.<digest>.min.css`` (their texts in the pages' order, so the cascade is the
    same) and linked in their place; two responses less before a page shows (about
    1 KB with their headers, on each first visit).  Returns ``pages`` (path -> text) with
    those links replaced.

    Only the leading run that every page shares is joined, and only sheets of one
    folder (their ``url()`` addresses stay right) with no ``@import`` after the first
    (it would be ignored there); fewer than two such sheets, and the pages are as they
    were.  The sheets themselves stay (the 404 page of another folder depth, an old
    page in a reader's cache may name them)."""
    linked = {page: _blocking_sheets(site, page, text) for page, text in pages.items()}
    linked = {page: sheets for page, sheets in linked.items() if sheets}  # not a redirect
    if not linked:
        return dict(pages)
    common: dict[str, str] = {}  # path in the site -> the sheet's text
    for column in zip(*([rel for *_, rel in sheets] for sheets in linked.values()), strict=False):
        if len(set(column)) != 1:
            break
        rel = column[0]
        if common and rel.rpartition("/")[0] != next(iter(common)).rpartition("/")[0]:
            break
        css = (site / rel).read_text(encoding="utf-8")
        if common and _IMPORT.search(css):
            break
        common[rel] = css
    if len(common) < 2:
        return dict(pages)
    parts = [_SOURCE_MAP.sub("", css).strip() for css in common.values()]
    text = "\n".join([parts[0], *(_CHARSET.sub("", p).strip() for p in parts[1:])]) + "\n"
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    folder = next(iter(common)).rpartition("/")[0]
    joined = f"{folder}/{JOINED.format(digest=digest)}" if folder else JOINED.format(digest=digest)
    for stale in (site / folder).glob(JOINED.format(digest="*")):
        stale.unlink()  # a joined sheet of an earlier finish of this folder
    (site / joined).write_text(text, encoding="utf-8")
    out = dict(pages)
    for page, sheets in linked.items():
        text_of_page = pages[page]
        matches = [m for m, _, _ in sheets[: len(common)]]
        first = matches[0]
        if sheets[0][1].startswith("/"):
            href = "/" + joined
        else:
            href = os.path.relpath(site / joined, page.parent).replace(os.sep, "/")
        new_link = _with_href(first.group(0), href)
        pieces, at = [], 0
        for match in matches:
            pieces.append(text_of_page[at : match.start()])
            if match is first:
                pieces.append(new_link)
            at = match.end()
        pieces.append(text_of_page[at:])
        out[page] = "".join(pieces)
    return out
