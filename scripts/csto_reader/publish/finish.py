"""The step after the engine: every HTML file of a rendered site gets its policy.

``python -m csto_reader finish --site DIR [--offline]`` walks every ``.html`` file of a
site that MkDocs (or another engine) rendered from the generated tree, the 404 page and
the redirect pages included, and

* fails on an inline script that is not one of Material's own
  (``csp.untrusted_inline_scripts``; ``DIR/page.html:1: error: ... [csp-inline-script]``):
  the policy would block it, so a source string reached the page unescaped;
* gives each page its Content-Security-Policy (``csp.apply_csp``; ``--offline`` for the
  copy opened from ``file://``).

It also copies the files of ``build/extra/`` into the site as they are (extra files that
an engine would render as pages, such as ``downloads/addresses.md``; ``tree.py``), and
rewrites Material's style sheets without the rules that can match nothing in the site
(``assets.prune_theme_css``: the components no page uses).

This is an HTML post-processing step of our own, not an event of the engine: it works
the same after MkDocs, ProperDocs or any successor.  Every page is checked before any
is written, so a failing site is left as the engine wrote it (and ``make site`` drops it).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..diagnostics import Reporter
from ..model import Span
from . import assets, csp


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


def finish_site(
    site: Path, reporter: Reporter, *, offline: bool = False, extra: Path | None = None
) -> int:
    """Check and give its policy to every HTML file under ``site``, copy ``extra``'s
    files in and prune Material's style sheets; return how many pages were rewritten
    (0 after reporting an error)."""
    finished: dict[Path, str] = {}
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        blocked = csp.untrusted_inline_scripts(text)
        if blocked:
            first = " ".join(blocked[0].split())[:80]
            reporter.error(
                Span(page.relative_to(site).as_posix(), 1),
                f"{len(blocked)} inline script(s) that are not Material's own (a source "
                f"string reached the page unescaped?), first: {first!r}; the "
                "Content-Security-Policy would block them",
                "csp-inline-script",
            )
            continue
        new = csp.apply_csp(text, offline=offline)
        if new != text:
            finished[page] = new
    if reporter.has_errors():
        return 0
    for page, text in finished.items():
        page.write_text(text, encoding="utf-8")
    if extra is not None:
        copy_extra(extra, site)
    assets.prune_theme_css(site)
    return len(finished)
