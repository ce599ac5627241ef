"""A Content-Security-Policy for every built page: scripts run only from the site itself.

Defence in depth behind the escaping in ``render.py``: even if a source string reached a
page unescaped, its ``<script>``, ``on…=`` attribute or ``javascript:`` link would not run.
``apply_csp(html)`` is a pure function of a page's text: it inserts (or replaces)

    <meta http-equiv="Content-Security-Policy" content="...">

at the start of ``<head>`` (right after ``<meta charset>``, before any script), allowing
scripts from the site (``'self'``) and, by their SHA-256 hash, only the inline scripts that
Material's own templates write (``__md_scope``, the palette, the tab target).  An inline
script that is not one of those (a missed escape, or a script a page author pasted) is
*not* hashed, so the browser refuses it; ``untrusted_inline_scripts`` names them so the
build can fail.  Hashing every inline script found would let an injected one through.

Material's trusted scripts are read from its installed templates
(``partials/javascripts/*.html``): a ``{{ … }}`` expression in them (the base URL) matches
any text without quotes, backslashes or angle brackets, so it cannot break out of the
string it sits in.

Styles: Material and the pipeline write ``style="…"`` attributes (the editorial page's
tables, the chronology), so ``style-src`` allows ``'unsafe-inline'``; styles cannot run
script.  ``'unsafe-inline'`` and ``'unsafe-eval'`` are never allowed for scripts.

Offline copy (``offline=True``): opened from ``file://``, a page's origin is opaque;
Chromium 156 lets ``'self'`` match file: pages, other browsers need not, so every
``'self'`` also allows ``file:``.  Search
there runs through the vendored iframe-worker shim, which writes an inline script into a
hidden ``about:blank`` iframe (that inherits this policy); its text depends on the page's
worker URL, so its hash is computed per page from the shim's own source.

Data blocks: a ``<script>`` of a non-JavaScript type is not run, so the policy need not
allow it; the build check still accepts only the two kinds the pages write (Material's
JSON configuration and the articles' JSON-LD, with no ``<`` in it) and reports any other
(``untrusted_inline_scripts``).
"""

from __future__ import annotations

import base64
import hashlib
import html as html_lib
import json
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from ..codes import codes_of

CODES = codes_of("publish.csp")  # meanings: the registry (codes.py)

# The shim vendored for the offline copy (docs/assets/vendor/iframe-worker/README.txt).
SHIM = Path(__file__).resolve().parents[3] / "docs/assets/vendor/iframe-worker/shim.js"

# Script types a browser executes (HTML: an empty type, a JavaScript MIME type, module).
_JS_TYPES = {
    "",
    "module",
    "text/javascript",
    "application/javascript",
    "application/ecmascript",
    "text/ecmascript",
    "text/jscript",
    "text/livescript",
    "application/x-javascript",
    "application/x-ecmascript",
    "text/x-javascript",
    "text/x-ecmascript",
}
# Script elements a browser does not execute that the pages may hold: Material's own
# configuration (``<script id="__config" type="application/json">``) and each article's
# schema.org JSON-LD (``application/ld+json``, publish/metadata.py).
DATA_TYPES = {"application/json", "application/ld+json"}
_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">', re.IGNORECASE)
_CHARSET = re.compile(r"<meta\s+charset=[\"']?[\w-]+[\"']?\s*/?>", re.IGNORECASE)
_HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.IGNORECASE)
_SHIM_TAG = re.compile(r'<script src="[^"]*iframe-worker/shim\.js"></script>')
_CONFIG = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.S)


class _Scripts(HTMLParser):
    """Every ``<script>`` of a page: (attributes, text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found: list[tuple[dict[str, str], str]] = []
        self._open: dict[str, str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._open = {k: v or "" for k, v in attrs}
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._open is not None:
            self.found.append((self._open, "".join(self._text)))
            self._open = None


def _inline_elements(page: str) -> list[tuple[str, str]]:
    """(type, text) of every ``<script>`` of ``page`` without ``src``; a JavaScript
    one's text with its line ends as the browser hashes them (LF)."""
    parser = _Scripts()
    parser.feed(page)
    parser.close()
    out = []
    for attrs, text in parser.found:
        kind = attrs.get("type", "").strip().lower()
        if "src" not in attrs:
            if kind in _JS_TYPES:
                text = text.replace("\r\n", "\n").replace("\r", "\n")
            out.append((kind, text))
    return out


def inline_scripts(page: str) -> list[str]:
    """The text of every inline script of ``page`` that a browser would execute."""
    return [text for kind, text in _inline_elements(page) if kind in _JS_TYPES]


@cache
def _template_files() -> tuple[Path, ...]:
    """Material's installed templates of inline scripts (``partials/javascripts``)."""
    import material

    folder = Path(material.__file__).parent / "templates" / "partials" / "javascripts"
    return tuple(sorted(folder.glob("*.html")))


@cache
def _trusted_patterns() -> tuple[re.Pattern[str], ...]:
    """Material's inline scripts, from its installed templates, as full-match patterns."""
    patterns = []
    for template in _template_files():
        source = template.read_text(encoding="utf-8")
        for body in re.findall(r"<script>(.*?)</script>", source, re.S):
            pieces = re.split(r"\{\{.*?\}\}", body)
            patterns.append(re.compile(r'[^"\\<>\n]*'.join(re.escape(p) for p in pieces)))
    if not patterns:
        raise RuntimeError("no inline script found in Material's templates (partials/javascripts)")
    return tuple(patterns)


def is_trusted(script: str) -> bool:
    """Whether ``script`` is one of the inline scripts Material's templates write."""
    return any(p.fullmatch(script) for p in _trusted_patterns())


def _is_data_block(kind: str, text: str) -> bool:
    """Whether a script element of type ``kind`` is a data block the pages may hold:
    JSON of an allowed type, and for the pages' own JSON-LD with no ``<`` at all
    (``markup.json_script`` writes it as ``\\u003c``, so a value cannot close the element
    or open a comment in it)."""
    if kind not in DATA_TYPES:
        return False
    if kind == "application/ld+json" and "<" in text:
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _blocked(kind: str, text: str) -> bool:
    """Whether the policy (or the build check) refuses a script element of ``kind``."""
    return not is_trusted(text) if kind in _JS_TYPES else not _is_data_block(kind, text)


def untrusted_inline_scripts(page: str) -> list[str]:
    """Inline scripts of ``page`` that the policy does not allow (the browser blocks
    them), and script elements that are neither JavaScript nor a well-formed data block
    of ``DATA_TYPES`` (``_is_data_block``): a browser runs no such element, but the pages
    write no other kind, so one there came from a source string."""
    return [text for kind, text in _inline_elements(page) if _blocked(kind, text)]


def script_hash(text: str) -> str:
    """The CSP source expression for an inline script: ``'sha256-<base64>'``."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def _function_source(code: str, name: str) -> str:
    """The source text of ``function name(...){...}`` in ``code`` (what toString gives)."""
    start = code.index(f"function {name}(")
    depth, i = 0, code.index("{", start)
    while True:
        depth += {"{": 1, "}": -1}.get(code[i], 0)
        if depth == 0:
            return code[start : i + 1]
        i += 1


@cache
def _shim_template() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The shim's iframe script, split at each ``${name}``: (literal pieces, names)."""
    code = SHIM.read_text(encoding="utf-8")
    match = re.search(r"document\.write\(`<html><body><script>(.*?)<\\/script>", code, re.S)
    if match is None:
        raise RuntimeError(f"{SHIM}: the iframe script of the shim was not found")
    parts = re.split(r"\$\{(\w+)\}", match.group(1))
    return tuple(parts[0::2]), tuple(parts[1::2])


def shim_iframe_script(worker_url: str) -> str:
    """The inline script the iframe-worker shim writes for a worker at ``worker_url``:
    its helper functions' source, and the URL where the shim names the worker."""
    code = SHIM.read_text(encoding="utf-8")
    pieces, names = _shim_template()
    out = [pieces[0]]
    for name, piece in zip(names, pieces[1:], strict=True):
        is_function = f"function {name}(" in code
        out += [_function_source(code, name) if is_function else worker_url, piece]
    return "".join(out)


def _worker_url(page: str) -> str | None:
    """The search worker's URL as the page's ``__config`` names it (Material passes it to
    ``new Worker`` unchanged)."""
    match = _CONFIG.search(page)
    if match is None:
        return None
    try:
        value = json.loads(match.group(1)).get("search")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def policy(hashes: list[str], offline: bool = False) -> str:
    """The policy text: scripts from the site and the given hashes only."""
    site = "'self' file:" if offline else "'self'"
    directives = [
        f"default-src {site}",
        # 'report-sample': a violation report shows the first characters of what it blocked
        " ".join([f"script-src {site}", *hashes, "'report-sample'"]),
        f"style-src {site} 'unsafe-inline'",
        f"img-src {site} data:",
        f"font-src {site}",
        f"connect-src {site}",
        f"worker-src {site}",
        f"frame-src {site}",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
    return "; ".join(directives)


def _insert_at(page: str) -> int:
    """Where the policy goes: after ``<meta charset>`` when it opens the head (or the
    page), else right after ``<head>``, else at the start of the page."""
    head = _HEAD.search(page)
    charset = _CHARSET.search(page)
    if charset and (head is None or page[head.end() : charset.start()].strip() == ""):
        if "<script" not in page[: charset.start()].lower():
            return charset.end()
    return head.end() if head else 0


def without_policy(page: str) -> str:
    """``page`` without the policy an earlier pass wrote into it (if any)."""
    return _META.sub("", page, count=1)


def scan(page: str) -> tuple[list[str], list[str]]:
    """One parse of ``page`` (a page ``without_policy``): the script elements the
    policy refuses, as ``untrusted_inline_scripts`` names them, and the hashes its policy
    allows: each of Material's inline scripts once, and the iframe-worker shim's script
    when the page loads the shim."""
    elements = _inline_elements(page)
    blocked = [text for kind, text in elements if _blocked(kind, text)]
    hashes = []
    for kind, text in elements:
        if kind in _JS_TYPES and is_trusted(text) and script_hash(text) not in hashes:
            hashes.append(script_hash(text))
    worker = _worker_url(page)
    if worker is not None and _SHIM_TAG.search(page):
        hashes.append(script_hash(shim_iframe_script(worker)))
    return blocked, hashes


def with_policy(page: str, hashes: list[str], offline: bool = False) -> str:
    """``page`` (``without_policy``) with the policy allowing ``hashes`` (``scan``) as a
    meta element at the start of its head."""
    content = html_lib.escape(policy(hashes, offline), quote=False).replace('"', "&quot;")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content}">'
    at = _insert_at(page)
    return page[:at] + meta + page[at:]


def apply_csp(page: str, offline: bool = False) -> str:
    """``page`` with a Content-Security-Policy meta element at the start of its head
    (replacing one written before: applying it twice gives the same page)."""
    page = without_policy(page)
    return with_policy(page, scan(page)[1], offline)


def version() -> str:
    """A digest of everything besides a page's text that ``scan`` reads: this module,
    the HTML parser of this Python, Material's templates of inline scripts and the
    vendored shim.  A result of ``scan`` stored under a page's digest holds while this
    is unchanged (``finish.py``'s cache)."""
    import html.parser
    import sys

    digest = hashlib.sha256(sys.version.encode("utf-8"))
    for path in [Path(__file__), Path(html.parser.__file__), SHIM, *_template_files()]:
        digest.update(path.as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
