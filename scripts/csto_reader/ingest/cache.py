"""A cache of the ingest stages' result for each article, on disk between builds.

``prepare_article`` is a pure function of the article's ``SourceText`` (its lines, path,
slug and parsed ``meta.yml``) and of the code of the ingest stages, which (by the layer
rule) reads nothing but the core modules and the ingest package and no data file.  So
its result, with the diagnostics it reported, is stored under the digest of exactly
these: ``<root>/.cache/csto_reader/articles/<slug>.pickle`` (git-ignored) holds the
digest, the ``ArticleBuild`` and the diagnostics.  An edited text or ``meta.yml``
changes that article's digest only; an edited core or ingest module changes every
digest.  A missing, unreadable or stale entry is a miss: the stages run and the entry
is rewritten (through a temporary file, so a concurrent build never reads half of one).
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import re
import tempfile
from pathlib import Path

from ..diagnostics import Diagnostic, Reporter
from ..model import ArticleBuild, SourceText
from .article import prepare_article

CACHE_DIR = Path(".cache") / "csto_reader" / "articles"
PACKAGE = Path(__file__).resolve().parents[1]
# The modules prepare_article may depend on: the core ones and the ingest package.
CORE_MODULES = ("model", "codes", "diagnostics", "yamlfile", "textcheck", "markup")
_SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,120}")


@functools.cache
def code_version() -> str:
    """The digest of the source files the ingest stages run."""
    files = [PACKAGE / f"{name}.py" for name in CORE_MODULES]
    files += sorted((PACKAGE / "ingest").glob("*.py"))
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def source_digest(source: SourceText) -> str:
    """The digest of everything ``prepare_article`` reads, with the code version."""
    payload = pickle.dumps(source, protocol=pickle.HIGHEST_PROTOCOL)
    return hashlib.sha256(code_version().encode() + b"\0" + payload).hexdigest()


def entry_path(root: Path, source: SourceText) -> Path:
    name = source.slug if _SAFE_NAME.fullmatch(source.slug) else source_digest(source)
    return root / CACHE_DIR / f"{name}.pickle"


def _load(path: Path, digest: str) -> tuple[ArticleBuild, list[Diagnostic]] | None:
    try:
        with path.open("rb") as handle:
            stored = pickle.load(handle)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError):
        return None
    if not (isinstance(stored, tuple) and len(stored) == 3 and stored[0] == digest):
        return None
    build, diagnostics = stored[1], stored[2]
    if not isinstance(build, ArticleBuild) or not isinstance(diagnostics, list):
        return None
    return build, diagnostics


def _store(path: Path, value: tuple[str, ArticleBuild, list[Diagnostic]]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:  # a read-only tree builds as well, only without the cache
        return


def prepare_cached(root: Path, source: SourceText, reporter: Reporter) -> ArticleBuild:
    """``prepare_article(source, reporter)``, from the cache when its inputs are
    unchanged; the diagnostics are reported as the stages would report them."""
    digest = source_digest(source)
    path = entry_path(root, source)
    hit = _load(path, digest)
    if hit is None:
        own = Reporter(check_codes=reporter.check_codes)
        build = prepare_article(source, own)
        hit = (build, own.diagnostics)
        _store(path, (digest, build, own.diagnostics))
    reporter.accept(source.path, source.meta.accept)
    for diagnostic in hit[1]:
        reporter.add(diagnostic)
    return hit[0]
