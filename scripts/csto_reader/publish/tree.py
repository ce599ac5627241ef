"""The generated docs tree: what ``python -m csto_reader build`` leaves for any MkDocs engine.

The pipeline returns its pages (Markdown) and extra files (``report.json``, the
downloads, the redirect pages) as values; ``write_tree`` writes them, beside a copy of
the hand-written ``docs/``, into ``build/docs/``, and writes ``build/mkdocs.yml``:

    INHERIT: ../mkdocs.yml       # everything else comes from the project's configuration
    docs_dir: docs               # build/docs/
    site_dir: ../site
    theme: {custom_dir: ../overrides}
    nav: [...]                   # the project's nav, its Articles: section filled

MkDocs resolves a relative path of a configuration against the folder of the file it
was given (``build/``), not of the file it inherits from, so the paths of
``../mkdocs.yml`` are restated here relative to ``build/``.  ``mkdocs build --strict -f
build/mkdocs.yml`` (or ProperDocs, the maintained fork of MkDocs 1.x) then renders the
site with no hook: nothing of the reader runs inside the engine.

Safety and freshness:

* every generated path must be a plain relative path inside the tree (``output-outside``)
  and must not be the path of a hand-written file of ``docs/`` (``page-collision``);
  these are checked, and the nav read, before anything is written, so a build that
  fails leaves the previous tree as it was;
* an extra file that the engine would take for a page (``downloads/addresses.md``) is
  written to ``build/extra/`` instead, and ``finish`` copies it into the site as it is;
* the tree is then made equal to what this build wants: a file whose bytes are unchanged
  is not rewritten (``mkdocs serve`` watches the tree and would rebuild once more), and
  every other file is removed, so an article taken out of ``sources/`` leaves no page
  behind.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from ..codes import codes_of
from ..diagnostics import Reporter
from ..model import Span
from ..yamlfile import parse
from .assets import minify_tree

CODES = codes_of("publish.tree")  # meanings: the registry (codes.py)

TREE = "build"  # the generated tree, relative to the project root (git-ignored)
DOCS = "docs"  # the hand-written pages, relative to the root; and the tree's docs_dir
CONFIG = "mkdocs.yml"  # the project's configuration; the tree's has the same name
SERVE_CONFIG = "mkdocs-serve.yml"  # `make serve`: the tree's configuration + the hook
EXTRA = "extra"  # extra files the engine would render as pages; `finish` copies them
HOOK = "scripts/mkdocs_hooks.py"  # relative to the root; only `make serve` lists it
# The section of the nav that the article pages are put into.
ARTICLES_SECTION = "Articles"

# What MkDocs takes for a page: an extra file so named (downloads/addresses.md, a list for
# a learning platform) goes to build/extra/ and is copied into the site by `finish`.
PAGE_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")

_NAV_BLOCK = re.compile(r"(?ms)^nav:[ \t]*\n.*?(?=^\S|\Z)")
_CUSTOM_DIR = re.compile(
    r"(?m)^theme:[ \t]*\n(?:[ \t]+.*\n|[ \t]*\n)*?[ \t]+custom_dir:[ \t]*(\S+)"
)


def is_safe_path(path: str) -> bool:
    """Whether ``path`` is a plain relative POSIX path that stays inside a folder."""
    pure = PurePosixPath(path)
    return bool(path) and "\\" not in path and not pure.is_absolute() and ".." not in pure.parts


def _check_paths(generated: Mapping[str, bytes], docs: Path, reporter: Reporter) -> None:
    """Report every unsafe path and every generated path a hand-written file holds."""
    for rel in sorted(generated):
        if not is_safe_path(rel):
            message = f"refusing to write {rel!r}: it leaves {TREE}/{DOCS}"
            reporter.error(Span(f"{TREE}/{DOCS}", 1), message, "output-outside")
        elif (docs / rel).exists():
            reporter.error(
                Span(f"{DOCS}/{rel}", 1),
                "this hand-written page has the path of a page the pipeline generates; "
                "remove or rename it",
                "page-collision",
            )


def nav_with_articles(config_text: str, order: list[str], reporter: Reporter) -> list[Any] | None:
    """The nav of ``mkdocs.yml`` with its ``Articles:`` section holding every article
    page in ``order``; ``None`` when the configuration has no nav (MkDocs then lists
    every page itself) or after reporting a nav that has no such section."""
    block = _NAV_BLOCK.search(config_text)
    if block is None:
        return None
    line = config_text.count("\n", 0, block.start()) + 1
    document = parse(block.group(0), CONFIG, reporter, "nav-articles")
    nav = document.value.get("nav") if document and isinstance(document.value, dict) else None
    for item in nav if isinstance(nav, list) else []:
        if isinstance(item, dict) and ARTICLES_SECTION in item:
            item[ARTICLES_SECTION] = [f"articles/{slug}.md" for slug in order]
            return nav
    if document is not None:
        reporter.error(
            Span(CONFIG, line),
            f"the nav has no '{ARTICLES_SECTION}:' section for the article pages",
            "nav-articles",
        )
    return None


def tree_config(config_text: str, nav: list[Any] | None) -> str:
    """The text of ``build/mkdocs.yml``: the project's configuration, inherited, with its
    paths restated from ``build/`` and the filled nav."""
    values: dict[str, Any] = {"INHERIT": f"../{CONFIG}", "docs_dir": DOCS, "site_dir": "../site"}
    custom = _CUSTOM_DIR.search(config_text)
    if custom:
        values["theme"] = {"custom_dir": f"../{custom.group(1)}"}
    if nav is not None:
        values["nav"] = nav
    head = (
        f"# Written by `python -m csto_reader build`; edit ../{CONFIG} instead.\n"
        f"# `mkdocs build --strict -f {TREE}/{CONFIG}` renders this tree with no hook.\n"
    )
    return head + yaml.safe_dump(values, sort_keys=False, allow_unicode=True)


def serve_config() -> str:
    """The text of ``build/mkdocs-serve.yml``: the tree's configuration plus the hook
    that reruns the build step when a source changes (``make serve`` only)."""
    return (
        "# Written by `python -m csto_reader build`: `make serve` only.  The hook reruns\n"
        "# the build step when sources/, bib/, index/ or the pipeline change.\n"
        f"INHERIT: {CONFIG}\nhooks:\n  - ../{HOOK}\n"
    )


def _hand_written(docs: Path) -> dict[str, bytes]:
    """Every file under ``docs/`` (symbolic links followed), by its relative path."""
    found: dict[str, bytes] = {}
    for folder, _dirs, names in os.walk(docs, followlinks=True):
        for name in names:
            path = Path(folder) / name
            found[path.relative_to(docs).as_posix()] = path.read_bytes()
    return found


def _sync(folder: Path, wanted: Mapping[str, bytes]) -> tuple[int, int]:
    """Make ``folder`` hold exactly ``wanted``: write what differs, remove the rest
    (empty folders too); return (files written, files removed)."""
    written = removed = 0
    for rel, data in sorted(wanted.items()):
        target = folder / rel
        if target.is_file() and not target.is_symlink() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.part")
        partial.write_bytes(data)
        partial.replace(target)
        written += 1
    for path in sorted(folder.rglob("*"), reverse=True):
        rel = path.relative_to(folder).as_posix()
        if path.is_dir() and not path.is_symlink():
            if not any(path.iterdir()):
                path.rmdir()
        elif rel not in wanted:
            path.unlink()
            removed += 1
    return written, removed


def _write_text(path: Path, text: str) -> None:
    """Write ``path`` only if its text changes (through a partial file)."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    partial = path.with_name(f".{path.name}.part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def write_tree(
    root: Path,
    pages: Mapping[str, str],
    files: Mapping[str, bytes],
    order: list[str],
    reporter: Reporter,
) -> Path | None:
    """Write the generated tree of ``root`` (see the module docstring); return the path of
    its configuration, or ``None`` after reporting why nothing was written."""
    verbatim = {rel: data for rel, data in files.items() if rel.endswith(PAGE_SUFFIXES)}
    generated = {**{rel: text.encode("utf-8") for rel, text in pages.items()}, **files}
    docs = root / DOCS
    _check_paths(generated, docs, reporter)
    config_text = (root / CONFIG).read_text(encoding="utf-8")
    nav = nav_with_articles(config_text, order, reporter)
    if reporter.has_errors():
        return None
    tree = root / TREE
    (tree / DOCS).mkdir(parents=True, exist_ok=True)
    rendered = {rel: data for rel, data in generated.items() if rel not in verbatim}
    _sync(tree / DOCS, {**minify_tree(_hand_written(docs)), **rendered})
    (tree / EXTRA).mkdir(exist_ok=True)
    _sync(tree / EXTRA, verbatim)
    _write_text(tree / SERVE_CONFIG, serve_config())
    _write_text(tree / CONFIG, tree_config(config_text, nav))
    return tree / CONFIG
