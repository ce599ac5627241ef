"""MkDocs hooks that run the CSTO Reader pipeline inside every MkDocs build.

Listed under ``hooks:`` in ``mkdocs.yml`` (a hooks file, not a third-party plugin).

* ``on_files`` runs ``csto_reader.pipeline.build(root)`` once per build (``mkdocs build``
  and every rebuild of ``mkdocs serve``) and adds each page it returns as an in-memory
  file, so no generated Markdown is ever written into ``docs/``.  The explicit ``nav`` in
  ``mkdocs.yml`` can name these pages: MkDocs computes the navigation after ``on_files``,
  and a nav entry naming a page the pipeline did not generate fails the strict build.
  Its ``Articles:`` section is filled here with every article (``_insert_articles``), so
  a new article needs no line in ``mkdocs.yml``.
* ``on_post_build`` writes the pipeline's extra files (``report.json`` ...) into the site.
* ``on_post_page`` and ``on_post_template`` give every HTML page (404.html included) its
  Content-Security-Policy (``csto_reader.publish.csp.apply_csp``); a page with an inline script that
  is not one of Material's own fails the build (``csp-inline-script``).
* A pipeline error ends the build with the diagnostics as the message, without a traceback.
* ``on_serve`` watches the pipeline's inputs and code, so ``mkdocs serve`` rebuilds when a
  source text, a BibTeX file or a stage changes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path, PurePosixPath
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files

# The directory holding the csto_reader package.  `make` installs the package editable;
# _run_pipeline also puts this on sys.path, so the hook works without that install.
_SCRIPTS = Path(__file__).resolve().parent

log = get_plugin_logger("csto_reader")

# What the pipeline reads, relative to the directory of mkdocs.yml.  Watched here rather than
# under `watch:` in mkdocs.yml, because MkDocs rejects a `watch:` path that does not exist
# (bib/ is empty, hence absent, in a fresh clone until the bibliography stage writes to it).
WATCHED_PATHS = ("sources", "bib", "index", "scripts/csto_reader")

# Extra site files from the latest pipeline run, written by on_post_build.
_extra_files: dict[str, bytes] = {}


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Run the pipeline and add its pages to the build as in-memory files."""
    root = Path(config.config_file_path).parent
    output = _run_pipeline(root)
    _log_diagnostics(output.diagnostics)
    docs_dir = os.path.relpath(config.docs_dir, root)

    for src_uri, markdown in sorted(output.pages.items()):
        _check_relative_path(src_uri)
        if files.get_file_from_path(src_uri) is not None:
            raise PluginError(
                _diagnostic(
                    f"{docs_dir}/{src_uri}",
                    "this hand-written page has the path of a page the pipeline "
                    "generates; remove or rename it",
                    "page-collision",
                )
            )
        files.append(File.generated(config, src_uri, content=markdown))

    _insert_articles(config, output.article_order)
    _extra_files.clear()
    _extra_files.update(output.files)
    return files


# The section of the nav in mkdocs.yml that the article pages are put into.
ARTICLES_SECTION = "Articles"


def _insert_articles(config: MkDocsConfig, order: list[str]) -> None:
    """Fill the ``Articles`` section of the nav with every article page, in the order of
    ``pipeline.BuildOutput.article_order`` (the course's reading order, then year and
    title), so adding an article needs only its folder under ``sources/``."""
    if config.nav is None:  # no nav in mkdocs.yml: MkDocs lists every page itself
        return
    for item in config.nav:
        if isinstance(item, dict) and ARTICLES_SECTION in item:
            item[ARTICLES_SECTION] = [f"articles/{slug}.md" for slug in order]
            return
    raise PluginError(
        _diagnostic(
            "mkdocs.yml",
            f"the nav has no '{ARTICLES_SECTION}:' section for the article pages",
            "nav-articles",
        )
    )


def on_post_build(*, config: MkDocsConfig) -> None:
    """Write the pipeline's extra files (paths relative to the site root) into the site;
    an HTML one (a redirect page) gets the policy too."""
    site_dir = Path(config.site_dir)
    for rel_path, data in sorted(_extra_files.items()):
        target = site_dir / _check_relative_path(rel_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        if rel_path.endswith(".html"):
            data = _with_policy(data.decode("utf-8"), rel_path, config).encode("utf-8")
        target.write_bytes(data)


def on_post_page(output: str, *, page: Any, config: MkDocsConfig) -> str:
    """Give a rendered page its Content-Security-Policy."""
    return _with_policy(output, page.file.dest_uri, config)


def on_post_template(output: str, *, template_name: str, config: MkDocsConfig) -> str:
    """Give a page rendered from a theme template (404.html) its policy."""
    if not template_name.endswith(".html"):
        return output
    return _with_policy(output, template_name, config)


def _with_policy(output: str, dest: str, config: MkDocsConfig) -> str:
    """``output`` with its policy; fail on an inline script the policy would block."""
    from csto_reader.publish import csp

    offline_plugin = config.plugins.get("material/offline")
    offline = bool(offline_plugin and offline_plugin.config.enabled)
    blocked = csp.untrusted_inline_scripts(output)
    if blocked:
        first = " ".join(blocked[0].split())[:80]
        raise PluginError(
            _diagnostic(
                dest,
                f"{len(blocked)} inline script(s) that are not Material's own "
                f"(a source string reached the page unescaped?), first: {first!r}; the "
                "Content-Security-Policy would block them",
                "csp-inline-script",
            )
        )
    return csp.apply_csp(output, offline=offline)


def on_serve(server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
    """Rebuild on changes to the source texts, the BibTeX files and the pipeline code."""
    root = Path(config.config_file_path).parent
    for rel_path in WATCHED_PATHS:
        path = root / rel_path
        if path.exists():
            server.watch(str(path))
    return server


def _run_pipeline(root: Path) -> Any:
    """Return ``pipeline.build(root)``; turn a ``BuildError`` into a ``PluginError``."""
    # Forget the previously imported pipeline so that a rebuild under `mkdocs serve` runs
    # the code as it is now, after an edit under scripts/csto_reader/.
    for name in [n for n in sys.modules if n == "csto_reader" or n.startswith("csto_reader.")]:
        del sys.modules[name]
    # Not at module level: MkDocs restores sys.path after loading a hooks file.
    if str(_SCRIPTS) not in sys.path:
        sys.path.insert(0, str(_SCRIPTS))
    from csto_reader import pipeline
    from csto_reader.diagnostics import BuildError

    try:
        return pipeline.build(root)
    except BuildError as error:
        lines = [d.format() for d in error.diagnostics] or [str(error)]
        count = len(error.diagnostics)
        header = f"the pipeline stopped the build ({count} error{'s' if count != 1 else ''}):"
        raise PluginError("\n".join([header, *lines])) from None


def _diagnostic(file: str, message: str, code: str) -> str:
    """``file:1: error: message [code]``, made by the one sink (which checks the code)."""
    from csto_reader.diagnostics import Reporter
    from csto_reader.model import Span

    reporter = Reporter()
    reporter.error(Span(file, 1), message, code)
    return reporter.diagnostics[0].format()


def _log_diagnostics(diagnostics: list[Any]) -> None:
    """Log the non-error diagnostics of a successful pipeline run.

    `mkdocs build --strict` fails on any logged warning, so pipeline warnings are logged at
    INFO (the formatted line already says "warning:") unless ``CSTO_STRICT=1`` asks for them
    to fail a strict build.  Notes are logged at DEBUG (shown by ``mkdocs build -v``).
    """
    strict = os.environ.get("CSTO_STRICT") == "1"
    for diagnostic in diagnostics:
        if diagnostic.severity == "warning":
            (log.warning if strict else log.info)(diagnostic.format())
        elif diagnostic.severity != "error":
            log.debug(diagnostic.format())


def _check_relative_path(path: str) -> PurePosixPath:
    """Return ``path`` if it is a plain relative POSIX path inside the tree; else fail."""
    pure = PurePosixPath(path)
    if not path or "\\" in path or pure.is_absolute() or ".." in pure.parts:
        raise PluginError(f"the pipeline returned an unsafe output path: {path!r}")
    return pure
