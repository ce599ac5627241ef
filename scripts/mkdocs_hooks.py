"""The one MkDocs hook left, for ``make serve`` only: rerun the build step on a change.

A complete site needs no hook: ``python -m csto_reader build`` writes the generated tree
(``build/docs/``, ``build/mkdocs.yml``; ``publish/tree.py``), any MkDocs-compatible
engine renders it, and ``python -m csto_reader finish`` gives the pages their policy.
``make serve`` runs ``mkdocs serve -f build/mkdocs-serve.yml``, the tree's configuration
plus this file, so that the preview follows the sources:

* ``on_serve`` watches the pipeline's inputs and code (``WATCHED_PATHS``) and the
  hand-written ``docs/``; MkDocs itself watches the tree and the templates.
* ``on_config``, at the start of every (re)build, reruns the build step into the tree
  when a watched file changed since the last run, with the pipeline's code as it is now,
  and hands MkDocs the nav just written (the configuration was read before it).  Files
  whose bytes did not change are not rewritten, so the tree's own watch does not loop.
* A pipeline error is shown with its diagnostics and leaves the tree (and the preview)
  as they were.
* The package is imported again only when one of its files changed since it was last
  imported (0.2 s saved per rebuild), so the results the pipeline keeps in memory between
  builds (``ingest.cache.memo``: each article's page, citations, ...) serve the next
  build; an edit of the code starts afresh with the code as edited.

The preview is not finished: its pages carry no Content-Security-Policy (``make site``
adds it).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import get_plugin_logger

# The directory holding the csto_reader package (put on sys.path when the hook runs).
_SCRIPTS = Path(__file__).resolve().parent

log = get_plugin_logger("csto_reader")

# What the pipeline reads, relative to the project root.  Watched here rather than under
# `watch:`, because MkDocs rejects a `watch:` path that does not exist (bib/ is absent in a
# fresh clone until the bibliography stage writes to it).
WATCHED_PATHS = ("sources", "bib", "index", "glossary", "timeline", "teaching", "docs",
                 "mkdocs.yml", "scripts/csto_reader")  # fmt: skip

# The fingerprint of the watched files at the last build step, and of the package's files
# when it was last imported.
_last: list[tuple[str, int, int]] = []
_imported: list[tuple[str, int, int]] = []


def _fingerprint(root: Path, paths: tuple[str, ...] = WATCHED_PATHS) -> list[tuple[str, int, int]]:
    """(path, size, mtime) of every watched file (of ``paths``), pycache left out."""
    found = []
    for rel in paths:
        base = root / rel
        paths = [base] if base.is_file() else sorted(base.rglob("*")) if base.is_dir() else []
        for path in paths:
            if path.is_file() and "__pycache__" not in path.parts:
                stat = path.stat()
                found.append((path.as_posix(), stat.st_size, stat.st_mtime_ns))
    return found


def _root(config: MkDocsConfig) -> Path:
    """The project root: the parent of the tree holding build/mkdocs-serve.yml."""
    return Path(config.config_file_path).resolve().parent.parent


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Rerun the build step into the tree if a watched file changed; use its nav."""
    root = _root(config)
    now = _fingerprint(root)
    if now == _last:
        return config
    nav = _build_step(root)
    _last[:] = now
    if nav is not None:
        config.nav = nav
    return config


def _build_step(root: Path) -> list[Any] | None:
    """Run the pipeline and write the tree, with the code as it is now; return the nav."""
    code = _fingerprint(_SCRIPTS, ("csto_reader",))
    if code != _imported:
        # Forget the previously imported pipeline so that a rebuild runs the code as edited.
        for name in [n for n in sys.modules if n == "csto_reader" or n.startswith("csto_reader.")]:
            del sys.modules[name]
        _imported[:] = code
    if str(_SCRIPTS) not in sys.path:
        sys.path.insert(0, str(_SCRIPTS))
    from csto_reader import pipeline
    from csto_reader.diagnostics import BuildError, Reporter
    from csto_reader.publish import tree

    log.info("csto_reader build: running the pipeline")
    try:
        out = pipeline.build(root)
    except BuildError as error:
        lines = [d.format() for d in error.diagnostics] or [str(error)]
        raise PluginError("\n".join(["the pipeline stopped the build:", *lines])) from None
    strict = os.environ.get("CSTO_STRICT") == "1"
    for diagnostic in out.diagnostics:
        if diagnostic.severity == "warning":
            (log.warning if strict else log.info)(diagnostic.format())
    reporter = Reporter()
    config_text = (root / tree.CONFIG).read_text(encoding="utf-8")
    if tree.write_tree(root, out.pages, out.files, out.article_order, reporter) is None:
        raise PluginError("\n".join(d.format() for d in reporter.diagnostics))
    return tree.nav_with_articles(config_text, out.article_order, Reporter())


def on_serve(server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
    """Rebuild on changes to the pipeline's inputs, the hand-written pages and its code."""
    for rel_path in WATCHED_PATHS:
        path = _root(config) / rel_path
        if path.exists():
            server.watch(str(path))
    return server
