"""The per-article cache of the ingest stages (``ingest.cache``): a build from the cache
gives what a cold build gives, and an entry depends on exactly the article's inputs and
the code of the stages it stands for."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from csto_reader.diagnostics import Reporter
from csto_reader.ingest import cache
from csto_reader.ingest.article import prepare_article
from csto_reader.ingest.sources import discover
from csto_reader.pipeline import build

ROOT = Path(__file__).resolve().parents[1]
PROJECT_DIRS = ("sources", "bib", "glossary", "timeline", "index", "teaching", "docs")


def project_copy(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for name in PROJECT_DIRS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, root / name)
    return root


def entries(root: Path) -> dict[str, bytes]:
    folder = root / cache.CACHE_DIR
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.pickle"))}


def prepare_all(root: Path) -> tuple[list[object], list[object]]:
    reporter = Reporter()
    builds = [cache.prepare_cached(root, s, reporter) for s in discover(root, reporter)]
    return builds, reporter.diagnostics


def test_a_build_from_the_cache_is_the_cold_build(tmp_path, monkeypatch):
    root = project_copy(tmp_path)
    cold = build(root, cache=False)
    assert not (root / cache.CACHE_DIR).exists()
    filling = build(root)
    assert len(entries(root)) == len(cold.articles)

    def no_stage(*_args: object) -> None:
        raise AssertionError("the ingest stages ran although every entry was fresh")

    monkeypatch.setattr(cache, "prepare_article", no_stage)
    warm = build(root)
    for out in (filling, warm):
        assert out.pages == cold.pages
        assert out.files == cold.files
        assert out.diagnostics == cold.diagnostics
        assert out == cold  # every field of BuildOutput


def test_the_cache_replays_each_articles_diagnostics(tmp_path):
    root = project_copy(tmp_path)
    reporter = Reporter()
    direct = [prepare_article(s, reporter) for s in discover(root, reporter)]
    for _ in range(2):  # filling the cache, then reading it
        builds, diagnostics = prepare_all(root)
        assert builds == direct
        assert diagnostics == reporter.diagnostics


def test_editing_one_article_changes_only_its_entry(tmp_path):
    root = project_copy(tmp_path)
    prepare_all(root)
    before = entries(root)
    text = root / "sources" / "choi-2022" / "article.txt"
    text.write_text(text.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    builds, _ = prepare_all(root)
    after = entries(root)
    assert set(after) == set(before)
    assert [name for name in after if after[name] != before[name]] == ["choi-2022.pickle"]
    reporter = Reporter()
    fresh = [prepare_article(s, reporter) for s in discover(root, reporter)]
    assert builds == fresh


def test_editing_meta_yml_changes_only_its_entry(tmp_path):
    root = project_copy(tmp_path)
    prepare_all(root)
    before = entries(root)
    meta = root / "sources" / "zhang-2023" / "meta.yml"
    meta.write_text(meta.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    prepare_all(root)  # a comment changes no parsed value: the entry holds
    assert entries(root) == before
    text = meta.read_text(encoding="utf-8")
    meta.write_text(text.replace("title:", "title: Edited", 1), encoding="utf-8")
    prepare_all(root)
    after = entries(root)
    assert [name for name in after if after[name] != before[name]] == ["zhang-2023.pickle"]


@pytest.mark.parametrize(
    ("module", "invalidates"),
    [("ingest/clean.py", True), ("model.py", True), ("publish/render.py", False)],
)
def test_the_code_version_is_the_ingest_stages_code(tmp_path, monkeypatch, module, invalidates):
    package = tmp_path / "csto_reader"
    shutil.copytree(cache.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "PACKAGE", package)
    cache.code_version.cache_clear()
    root = project_copy(tmp_path)
    sources = discover(root, Reporter())
    digests = [cache.source_digest(s) for s in sources]
    with (package / module).open("a", encoding="utf-8") as handle:
        handle.write("\n# edited\n")
    cache.code_version.cache_clear()
    try:
        changed = [cache.source_digest(s) != d for s, d in zip(sources, digests, strict=True)]
    finally:
        monkeypatch.undo()
        cache.code_version.cache_clear()
    assert changed == [invalidates] * len(sources)


def test_a_damaged_entry_is_a_miss(tmp_path):
    root = project_copy(tmp_path)
    first, _ = prepare_all(root)
    for path in (root / cache.CACHE_DIR).glob("*.pickle"):
        path.write_bytes(b"not a pickle")
    again, _ = prepare_all(root)
    assert again == first
    assert all(not v.startswith(b"not") for v in entries(root).values())


def test_formatting_on_several_cores_is_formatting_on_one(monkeypatch):
    """citeproc's share split over worker processes gives each entry the same HTML."""
    from conftest import ROOT as REAL_ROOT
    from csto_reader.scholarly import cite_format

    merged = build(REAL_ROOT).bibliography.merged
    one = cite_format.format_bibliography(merged, {})
    monkeypatch.setattr(cite_format, "PARALLEL_FROM", 4)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    import concurrent.futures

    pools: list[int] = []

    class Counted(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, workers: int) -> None:
            pools.append(workers)
            super().__init__(workers)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Counted)
    several = cite_format.format_bibliography(merged, {})
    assert pools == [2]  # the work went to two workers
    assert several == one
