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


# ---------------------------------------------------------------- the whole build


def tree_files(root: Path) -> dict[str, bytes]:
    base = root / "build"
    return {p.relative_to(base).as_posix(): p.read_bytes() for p in sorted(base.rglob("*"))
            if p.is_file() and "cache" not in p.relative_to(base).parts}  # fmt: skip


def written_tree(root: Path, out: object) -> dict[str, bytes]:
    from csto_reader.publish.tree import write_tree

    shutil.rmtree(root / "build" / "docs", ignore_errors=True)
    reporter = Reporter()
    assert write_tree(root, out.pages, out.files, out.article_order, reporter) is not None
    return tree_files(root)


def stages_ran(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records each run of the later stages (the bibliography stage stands for them)."""
    from csto_reader import pipeline

    ran: list[str] = []
    real = pipeline.build_bibliography

    def counted(*args: object, **kwargs: object) -> object:
        ran.append("bibliography")
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "build_bibliography", counted)
    return ran


def test_a_cached_build_writes_the_cold_builds_tree_byte_for_byte(tmp_path, monkeypatch):
    root = project_copy(tmp_path)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    cold = build(root, cache=False)
    cold_tree = written_tree(root, cold)
    assert not (root / cache.BUILD_ENTRY).exists()  # cache=False neither reads nor writes
    build(root)  # fills the entry
    assert (root / cache.BUILD_ENTRY).is_file()
    ran = stages_ran(monkeypatch)
    warm = build(root)
    assert ran == []  # taken whole from the cache
    assert warm == cold
    assert written_tree(root, warm) == cold_tree
    assert any(name.startswith("docs/articles/") for name in cold_tree)


@pytest.mark.parametrize(
    ("rel", "old", "new"),
    [
        ("glossary/terms.yml", None, None),
        ("timeline/events.yml", None, None),
        ("index/entities.yml", None, None),
        ("bib/corrections.yml", None, None),
        ("teaching/course.yml", None, None),
    ],
)
def test_a_changed_data_file_is_a_miss_for_the_build_only(tmp_path, monkeypatch, rel, old, new):
    """The glossary, chronology, index, bibliography corrections and course: the whole
    build runs again (and gives what a cold build gives), but no article's ingest
    stages do, since they read none of these files."""
    root = project_copy(tmp_path)
    build(root)
    with (root / rel).open("a", encoding="utf-8") as handle:
        handle.write("\n# edited\n")
    ran = stages_ran(monkeypatch)

    def no_stage(*_args: object) -> None:
        raise AssertionError(f"an article's ingest stages ran after an edit of {rel}")

    monkeypatch.setattr(cache, "prepare_article", no_stage)
    again = build(root)
    assert ran == ["bibliography"]
    monkeypatch.undo()
    assert again == build(root, cache=False)


def test_a_changed_glossary_entry_reaches_the_pages(tmp_path):
    root = project_copy(tmp_path)
    before = build(root)
    terms = root / "glossary" / "terms.yml"
    text = terms.read_text(encoding="utf-8")
    marker = "short: "
    at = text.index(marker) + len(marker)
    terms.write_text(text[:at] + "Edited. " + text[at:], encoding="utf-8")
    after = build(root)
    assert after.pages["glossary.md"] != before.pages["glossary.md"]
    assert after == build(root, cache=False)


def test_an_edited_article_is_a_miss_for_its_entry_and_the_build(tmp_path, monkeypatch):
    root = project_copy(tmp_path)
    build(root)
    before = entries(root)
    text = root / "sources" / "choi-2022" / "article.txt"
    text.write_text(text.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    ran = stages_ran(monkeypatch)
    edited = build(root)
    assert ran == ["bibliography"]
    after = entries(root)
    assert [n for n in after if after[n] != before[n]] == ["choi-2022.pickle"]
    monkeypatch.undo()
    assert edited == build(root, cache=False)


def test_a_changed_package_file_is_a_miss_for_the_build(tmp_path, monkeypatch):
    root = project_copy(tmp_path)
    build(root)
    package = tmp_path / "csto_reader"
    shutil.copytree(cache.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "PACKAGE", package)
    digest = cache.inputs_digest(root)
    with (package / "publish" / "render.py").open("a", encoding="utf-8") as handle:
        handle.write("\n# edited\n")
    assert cache.inputs_digest(root) != digest
    assert cache.load_build(root, cache.inputs_digest(root)) is None


def test_a_failed_build_is_not_stored(tmp_path):
    from csto_reader.diagnostics import BuildError

    root = project_copy(tmp_path)
    (root / "glossary" / "terms.yml").write_text("- id: [\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(BuildError):
            build(root)
    assert not (root / cache.BUILD_ENTRY).exists()


def test_a_build_reads_no_file_of_the_root_outside_its_inputs(tmp_path):
    """The digest covers ``INPUT_DIRS``: a build that opened another file of the root
    (caches aside) would be served stale when that file changed."""
    import sys

    root = project_copy(tmp_path).resolve()
    opened: list[Path] = []
    active = [True]

    def hook(event: str, args: tuple[object, ...]) -> None:
        if active[0] and event in {"open", "os.listdir", "os.scandir"} and args:
            if isinstance(args[0], (str, os.PathLike)):
                opened.append(Path(os.fsdecode(args[0])).resolve())

    sys.addaudithook(hook)  # cannot be removed: it goes quiet at the end
    try:
        build(root)
    finally:
        active[0] = False
    allowed = [root / d for d in cache.INPUT_DIRS] + [root / ".cache", root / "build" / "cache"]
    inside = [p for p in opened if p.is_relative_to(root) and p != root]
    outside = [p for p in inside if not any(p.is_relative_to(a) for a in allowed)]
    assert inside and outside == []
