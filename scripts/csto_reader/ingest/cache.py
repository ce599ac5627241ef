"""Caches on disk between builds: the ingest stages' result for each article, and the
whole build.

``prepare_article`` is a pure function of the article's ``SourceText`` (its lines, path,
slug and parsed ``meta.yml``) and of the code of the ingest stages, which (by the layer
rule) reads nothing but the core modules and the ingest package and no data file.  So
its result, with the diagnostics it reported, is stored under the digest of exactly
these: ``<root>/.cache/csto_reader/articles/<slug>.pickle`` (git-ignored) holds the
digest, the ``ArticleBuild`` and the diagnostics.  An edited text or ``meta.yml``
changes that article's digest only; an edited core or ingest module changes every
digest.  A missing, unreadable or stale entry is a miss: the stages run and the entry
is rewritten (through a temporary file, so a concurrent build never reads half of one).

The later stages read the whole reader: every article, ``bib/``, the glossary, the
chronology, the index of names, the course.  Their result, the whole ``BuildOutput``,
is stored in ``.cache/csto_reader/build.pickle`` under ``inputs_digest``: the digest of
every file in the folders the pipeline reads (``INPUT_DIRS``) and of the package's
files, the Python version and the installed libraries.  Any change to any of them is a
miss for the whole build; the per-article entries still serve its ingest stages.  A
build that ends in errors is not stored.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import pickle
import re
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ..diagnostics import Diagnostic, Reporter
from ..model import (
    Address,
    ArticleBuild,
    BibliographyBuild,
    BuiltArticle,
    Event,
    SourceText,
    Term,
)

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


def _store(path: Path, value: tuple[object, ...]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:  # a read-only tree builds as well, only without the cache
        return


def prepare_article(source: SourceText, reporter: Reporter) -> ArticleBuild:
    """``article.prepare_article``, imported on first use: a build taken whole from the
    cache (``stored_build``) imports none of the ingest stages."""
    from .article import prepare_article as prepare

    return prepare(source, reporter)


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


# ---------------------------------------------------------------- the whole build


@dataclass(frozen=True)
class BuildOutput:
    """What ``pipeline.build`` returns, gathered at the end from the stages' results
    (``pipeline`` exports it).  The one result type outside ``model.py``: it holds the
    build's ``Diagnostic`` values, and ``diagnostics`` imports ``model``.  Defined here,
    with the cache that stores it, so that a build taken from the cache
    (``stored_build``) imports none of the stages."""

    pages: dict[str, str]  # "articles/zhang-2023.md" -> Markdown
    files: dict[str, bytes]  # "report.json" -> bytes
    diagnostics: list[Diagnostic]
    articles: tuple[BuiltArticle, ...]
    addresses: list[Address]
    bibliography: BibliographyBuild | None
    glossary_terms: tuple[Term, ...]
    timeline_events: tuple[Event, ...]
    article_order: list[str]  # slugs, as the navigation lists them (teaching.article_order)


# The folders of the project root the pipeline reads (every file in them is an input of
# a build; ``tests/test_cache.py`` checks with an audit hook that a build opens no other
# file of the root, caches aside), and the one entry of the whole build.
INPUT_DIRS = ("sources", "bib", "glossary", "index", "timeline", "teaching", "docs")
BUILD_ENTRY = Path(".cache") / "csto_reader" / "build.pickle"


def package_version() -> str:
    """The digest of every file of the package (code and data), of the Python version
    and of the installed distributions' names and versions (the libraries' code)."""
    digest = hashlib.sha256(sys.version.encode() + b"\0")
    for folder in sorted({p for p in map(Path, sys.path) if p.name == "site-packages"}):
        if folder.is_dir():
            names = sorted(n for n in os.listdir(folder) if n.endswith((".dist-info", ".egg-link")))
            digest.update("\n".join(names).encode() + b"\0")
    _digest_tree(digest, PACKAGE, "csto_reader")
    return digest.hexdigest()


def _digest_tree(digest: Any, base: Path, label: str) -> None:
    """Add every file under ``base`` (its path, size and bytes; pycache aside)."""
    if not base.is_dir():
        digest.update(f"{label}: none\0".encode())
        return
    for path in sorted(base.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        data = path.read_bytes()
        digest.update(f"{label}/{path.relative_to(base).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)


def inputs_digest(root: Path, version: str | None = None) -> str:
    """The digest of everything a build of ``root`` reads: the files of ``INPUT_DIRS``
    and the package version (``version``, when the caller has just computed it)."""
    digest = hashlib.sha256((version or package_version()).encode() + b"\0")
    digest.update(str(root.resolve()).encode() + b"\0")
    for rel in INPUT_DIRS:
        _digest_tree(digest, root / rel, rel)
    return digest.hexdigest()


def folder_digest(root: Path, rel: str) -> str:
    """The digest of every file under ``root/rel`` (paths, sizes and bytes)."""
    digest = hashlib.sha256()
    _digest_tree(digest, root / rel, rel)
    return digest.hexdigest()


def stored_build(root: Path) -> BuildOutput | None:
    """The stored build of ``root`` if none of its inputs changed since, else ``None``."""
    return load_build(root, inputs_digest(root))


def load_build(root: Path, digest: str) -> BuildOutput | None:
    """The build stored under ``digest``, or ``None``."""
    try:
        with (root / BUILD_ENTRY).open("rb") as handle:
            stored = pickle.load(handle)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError):
        return None
    if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == digest):
        return None
    return stored[1] if isinstance(stored[1], BuildOutput) else None


def store_build(root: Path, digest: str, value: BuildOutput) -> None:
    _store(root / BUILD_ENTRY, (digest, value))


# ---------------------------------------------------------------- the later stages' units
#
# After an edit of one article the whole-build entry is stale, but most of what the later
# stages compute did not change: the other articles' pages, citations, term and name
# occurrences, and (when no reference list changed) the bibliography.  ``memo`` keeps
# each such unit's result under the digest of exactly the values it is computed from
# (``key``: the caller names them), of the package version and of its kind and name.
# In a process that builds again (``make serve``) the last result of each unit stays in
# memory; every result is also stored under ``STAGE_DIR/<kind>/<name>.pickle`` for the
# next process.  Only a pure function of ``key`` may be memoized this way; the diagnostics
# it reports (and the codes it accepts) are stored with it and replayed on a hit.

STAGE_DIR = Path(".cache") / "csto_reader" / "stages"

T = TypeVar("T")
# (kind, name) -> (digest, value, accepted codes, diagnostics): the last of each unit.
_MEMORY: dict[tuple[str, str], tuple[str, Any, dict[str, frozenset[str]], list[Diagnostic]]] = {}
# The build running now: (package version, root); none: ``memo`` computes every time.
_SESSION: list[tuple[str, Path]] = []
# (kind, name) of every unit computed (a miss) while a session was open, for the tests.
computed: list[tuple[str, str]] = []


def value_digest(*values: object) -> str:
    """The digest of ``values`` as pickled: equal bytes, equal values.  Pickled without
    the memo (``fast``), so that the bytes do not depend on which equal parts happen to
    be one object (a value just computed and the same value read from the cache share
    different parts); a difference left (the order of a set's items in another process)
    is only a miss."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True  # values are trees: the pickler refuses a cycle
    pickler.dump(values)
    return hashlib.sha256(buffer.getbuffer()).hexdigest()


@contextmanager
def memo_session(root: Path, version: str) -> Iterator[None]:
    """Let ``memo`` reuse results while a build of ``root`` with code ``version`` runs."""
    _SESSION.append((version, root))
    try:
        yield
    finally:
        _SESSION.pop()


def memo_active() -> bool:
    return bool(_SESSION)


def memo(
    kind: str,
    name: str,
    key: Sequence[object],
    compute: Callable[[Reporter], T],
    reporter: Reporter,
) -> T:
    """``compute(reporter)``, or its result stored under the same ``key`` (every value
    ``compute`` reads); its diagnostics reach ``reporter`` either way, in the same order."""
    if not _SESSION:
        return compute(reporter)
    version, root = _SESSION[-1]
    try:
        digest = value_digest(version, str(root.resolve()), kind, name, *key)
    except (pickle.PicklingError, TypeError, ValueError, RecursionError):
        return compute(reporter)  # a key that cannot be pickled: computed every time
    hit = _MEMORY.get((kind, name))
    stem = name if _SAFE_NAME.fullmatch(name) else value_digest(name)
    path = root / STAGE_DIR / kind / f"{stem}.pickle"
    if hit is None or hit[0] != digest:
        hit = _load_unit(path, digest)
    if hit is None:
        own = Reporter(check_codes=reporter.check_codes)
        value = compute(own)
        hit = (digest, value, dict(own.accepted), own.diagnostics)
        computed.append((kind, name))
        _store(path, hit)
    _MEMORY[(kind, name)] = hit
    for file, codes in hit[2].items():
        reporter.accept(file, codes)
    for diagnostic in hit[3]:
        reporter.add(diagnostic)
    return hit[1]


def file_key(path: Path) -> bytes | None:
    """A file's bytes, for the key of a unit that reads it (``None``: unreadable)."""
    try:
        return path.read_bytes()
    except OSError:
        return None


def memo_file(
    kind: str,
    path: Path,
    key: Sequence[object],
    compute: Callable[[Reporter], T],
    reporter: Reporter,
) -> T:
    """``memo`` of a unit that reads the file ``path`` (its bytes join ``key``); an
    unreadable file is not memoized (``compute`` reports it)."""
    data = file_key(path)
    if data is None:
        return compute(reporter)
    return memo(kind, path.name, (str(path), data, *key), compute, reporter)


def _load_unit(
    path: Path, digest: str
) -> tuple[str, Any, dict[str, frozenset[str]], list[Diagnostic]] | None:
    try:
        with path.open("rb") as handle:
            stored = pickle.load(handle)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError):
        return None
    if not (isinstance(stored, tuple) and len(stored) == 4 and stored[0] == digest):
        return None
    if not (isinstance(stored[2], dict) and isinstance(stored[3], list)):
        return None
    return stored
