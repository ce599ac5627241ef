"""The step after the engine: every HTML file of a rendered site gets its policy.

``python -m csto_reader finish --site DIR [--offline]`` walks every ``.html`` file of a
site that MkDocs (or another engine) rendered from the generated tree, the 404 page and
the redirect pages included, and

* fails on an inline script that is not one of Material's own
  (``csp.untrusted_inline_scripts``; ``DIR/page.html:1: error: ... [csp-inline-script]``):
  the policy would block it, so a source string reached the page unescaped;
* gives each page its Content-Security-Policy (``csp.apply_csp``; ``--offline`` for the
  copy opened from ``file://``);
* drops the indentation the engine's templates write before a tag and on blank lines
  (``without_indentation``: 8 KB of an article page, 0.6 KB gzipped), never inside an
  element that shows its white space as written or a script or style.

It also copies the files of ``build/extra/`` into the site as they are (extra files that
an engine would render as pages, such as ``downloads/addresses.md``; ``tree.py``),
rewrites Material's style sheets without the rules that can match nothing in the site
(``assets.prune_theme_css``: the components no page uses), and then joins the style
sheets every page links first (Material's two and ours) into one that the pages link
instead (``assets.join_sheets``: two responses less before a page shows).

Each page is parsed once (``csp.scan``: the check and the hashes of its policy), the page
as it will be served, without a policy an earlier pass wrote.  With a cache
(``cli.py`` passes ``.cache/csto_reader/finish.json``), a page whose text is exactly one
that an earlier finish found clean, under the same ``csp.version()`` (this code,
Python's HTML parser, Material's templates, the shim), is not parsed again: the check
and the hashes are functions of that text alone.  A page that fails is never stored.
The pruned theme sheets are kept beside it (``pruned.json``) under a digest of what
the pruning reads (``assets.prune_key``).

This is an HTML post-processing step of our own, not an event of the engine: it works
the same after MkDocs, ProperDocs or any successor.  Every page is checked before any
is written, so a failing site is left as the engine wrote it (and ``make site`` drops it).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

from ..diagnostics import Reporter
from ..model import Span
from . import assets, csp

# Elements whose text keeps its white space as written (Material's sheet gives code and
# kbd ``white-space: pre-wrap``), and the scripts and styles (the policy hashes a
# script's text).
_VERBATIM = re.compile(r"<(pre|textarea|script|style|code|kbd)\b.*?</\1\s*>", re.S | re.I)
# A line break and the spaces or tabs after it, before a tag or on a line of nothing else:
# how a template lays out its own source ("\n        <li class=...", and the blank but
# indented lines of its skipped blocks).  Elsewhere a line break and spaces collapse to
# one space when shown, so the page reads and looks the same with the break alone.
_INDENT = re.compile(r"\n[ \t]+(?=<|\n|$)")


def without_indentation(page: str) -> str:
    """``page`` without the indentation before its tags, outside ``_VERBATIM`` elements;
    every line break stays (a diagnostic's line number names the same line)."""
    out, at = [], 0
    for match in _VERBATIM.finditer(page):
        out += [_INDENT.sub("\n", page[at : match.start()]), match.group(0)]
        at = match.end()
    out.append(_INDENT.sub("\n", page[at:]))
    return "".join(out)


def copy_extra(extra: Path, site: Path) -> int:
    """Copy every file under ``extra`` (the tree's ``build/extra/``) into ``site``."""
    count = 0
    for path in sorted(extra.rglob("*")) if extra.is_dir() else []:
        if path.is_file():
            target = site / path.relative_to(extra)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            count += 1
    return count


def load_known(cache: Path | None, version: str) -> dict[str, list[str]]:
    """The policies of the pages a finish found clean before: page digest -> hashes
    (``csp.scan``), when ``cache`` was written by this ``csp.version()``; else none."""
    try:
        stored = json.loads(cache.read_text(encoding="utf-8")) if cache else None
    except (OSError, ValueError):
        return {}
    if not isinstance(stored, dict) or stored.get("version") != version:
        return {}
    pages = stored.get("pages")
    return pages if isinstance(pages, dict) else {}


def store_known(cache: Path, version: str, known: dict[str, list[str]]) -> None:
    """Write ``cache`` (through a temporary file: a concurrent finish reads a whole one)."""
    assets.write_json(cache, {"version": version, "pages": known})


def finish_site(
    site: Path,
    reporter: Reporter,
    *,
    offline: bool = False,
    extra: Path | None = None,
    cache: Path | None = None,
) -> int:
    """Check and give its policy to every HTML file under ``site``, copy ``extra``'s
    files in and prune Material's style sheets; return how many pages were rewritten
    (0 after reporting an error).

    With ``cache``, a page whose text (without a policy) was found clean by an earlier
    finish under the same ``csp.version()`` takes its hashes from there, unparsed; the
    cache then holds the pages of this site only."""
    version = csp.version() if cache else ""
    known = load_known(cache, version)
    seen: dict[str, list[str]] = {}
    read: dict[Path, str] = {}
    finished: dict[Path, str] = {}
    for page in sorted(site.rglob("*.html")):
        text = read[page] = page.read_text(encoding="utf-8")
        bare = without_indentation(csp.without_policy(text))
        digest = hashlib.sha256(bare.encode("utf-8")).hexdigest()
        hashes = known.get(digest)
        if hashes is None:
            blocked, hashes = csp.scan(bare)
            if blocked:
                _report_blocked(reporter, page.relative_to(site).as_posix(), blocked)
                continue
        seen[digest] = hashes
        finished[page] = csp.with_policy(bare, hashes, offline)
    if reporter.has_errors():
        return 0
    if extra is not None:
        copy_extra(extra, site)
    assets.prune_theme_css(site, cache.with_name("pruned.json") if cache else None)
    finished = assets.join_sheets(site, finished)
    changed = {page: text for page, text in finished.items() if text != read[page]}
    for page, text in changed.items():
        page.write_text(text, encoding="utf-8")
    if cache is not None and seen != known:
        store_known(cache, version, seen)
    return len(changed)


def _report_blocked(reporter: Reporter, page: str, blocked: list[str]) -> None:
    first = " ".join(blocked[0].split())[:80]
    reporter.error(
        Span(page, 1),
        f"{len(blocked)} inline script(s) that are not Material's own (a source "
        f"string reached the page unescaped?), first: {first!r}; the "
        "Content-Security-Policy would block them",
        "csp-inline-script",
    )
