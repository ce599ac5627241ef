"""The per-article cache of the ingest stages (``ingest.cache``): a build from the cache
gives what a cold build gives, and an entry depends on exactly the article's inputs and
the code of the stages it stands for."""

from __future__ import annotations

import os
import re
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
    ("rel", "bibliography_again"),
    [
        ("glossary/terms.yml", False),
        ("timeline/events.yml", False),
        ("index/entities.yml", False),
        ("bib/corrections.yml", True),
        ("teaching/course.yml", False),
    ],
)
def test_a_changed_data_file_is_a_miss_for_the_build_only(
    tmp_path, monkeypatch, rel, bibliography_again
):
    """The glossary, chronology, index, bibliography corrections and course: the whole
    build runs again (and gives what a cold build gives), but no article's ingest
    stages do, since they read none of these files; the bibliography stage runs again
    only for a file of ``bib/``."""
    root = project_copy(tmp_path)
    build(root)
    with (root / rel).open("a", encoding="utf-8") as handle:
        handle.write("\n# edited\n")
    ran = stages_ran(monkeypatch)

    def no_stage(*_args: object) -> None:
        raise AssertionError(f"an article's ingest stages ran after an edit of {rel}")

    monkeypatch.setattr(cache, "prepare_article", no_stage)
    again = build(root)
    assert ran == (["bibliography"] if bibliography_again else [])
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
    assert ran == []  # choi-2022 has no reference list: the bibliography's inputs hold
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


# ---------------------------------------------------------------- the later stages' units
# ``cache.memo``: after an edit, what is computed again is exactly what depends on it.

SLUGS = ("beloglazov-2023", "choi-2022", "syssoyeva-2023", "zhang-2023")


def page_of(out: object, slug: str) -> str:
    return out.pages[f"articles/{slug}.md"]


def rebuilt(root: Path, edit: object) -> tuple[set[tuple[str, str]], object, object]:
    """Build, ``edit(root)``, build again: the units computed by the second build (a
    miss of ``cache.memo``), and both builds' output (the second checked against a cold
    build of the edited tree, byte for byte)."""
    before = build(root)
    edit(root)
    cache.computed.clear()
    after = build(root)
    units = set(cache.computed)
    assert after == build(root, cache=False)
    return units, before, after


def pages_in(units: set[tuple[str, str]]) -> set[str]:
    return {name for kind, name in units if kind == "page"}


def changed_pages(before: object, after: object) -> set[str]:
    return {s for s in SLUGS if page_of(before, s) != page_of(after, s)}


def edit_file(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append_sentence(root: Path, slug: str = "zhang-2023") -> None:
    """One more sentence at the end of the article's first paragraph (its body: not its
    reference list, which the end of the file may be)."""
    from csto_reader.model import Paragraph

    source = next(s for s in discover(root, Reporter()) if s.slug == slug)
    article = prepare_article(source, Reporter()).article
    first = next(b for b in article.blocks if isinstance(b, Paragraph))
    path = root / source.path
    lines = path.read_text(encoding="utf-8").split("\n")
    end = (first.span.end_line or first.span.line) - 1
    lines[end] += " One more sentence."
    path.write_text("\n".join(lines), encoding="utf-8")


def test_after_an_edit_of_one_article_only_its_units_are_computed(tmp_path):
    root = project_copy(tmp_path)
    units, before, after = rebuilt(root, append_sentence)
    assert {name for _, name in units} == {"zhang-2023"}
    assert {kind for kind, _ in units} == {"citations", "terms", "names", "page"}
    assert changed_pages(before, after) == {"zhang-2023"}


def test_the_units_stored_on_disk_serve_a_new_process(tmp_path, monkeypatch):
    """With nothing in memory (a new process, as a second `make site`), the units come
    from ``.cache/csto_reader/stages/``; a damaged entry is a miss."""
    root = project_copy(tmp_path)
    build(root)
    append_sentence(root)
    monkeypatch.setattr(cache, "_MEMORY", {})
    for path in (root / cache.STAGE_DIR / "page").glob("syssoyeva-2023.pickle"):
        path.write_bytes(b"not a pickle")
    cache.computed.clear()
    after = build(root)
    assert {name for _, name in cache.computed} == {"zhang-2023", "syssoyeva-2023"}
    assert ("page", "syssoyeva-2023") in cache.computed
    assert after == build(root, cache=False)


def test_another_articles_title_re_renders_its_page_and_the_bibliography_page(tmp_path):
    """A title reaches its own page and the pages that list the articles (the
    bibliography page's "listed in"), not the other articles' pages: their citation
    previews name the other articles by the short name of the slug."""
    root = project_copy(tmp_path)
    meta = "sources/beloglazov-2023/meta.yml"
    units, before, after = rebuilt(root, lambda r: edit_file(r, meta, "title: ", "title: Edited "))
    assert pages_in(units) == {"beloglazov-2023"} == changed_pages(before, after)
    assert ("bibliography-page", "reader") in units
    assert {n for k, n in units if k == "citations"} == {"beloglazov-2023"}


def reference_line(root: Path, slug: str, key: str | None = None) -> tuple[str, str]:
    """(path, line) of one of ``slug``'s reference items: that of the work ``key``
    (merged key), else the first one that no other article lists."""
    out = build(root, cache=False)
    bib = out.bibliography
    by_key = {m.key: m for m in bib.merged}
    for ref in bib.per_article[slug]:
        merged = by_key[bib.key_index.get((slug, ref.key), ref.key)]
        if (key is None and merged.slugs == (slug,)) or merged.key == key:
            path = f"sources/{slug}/article.txt"
            lines = (root / path).read_text(encoding="utf-8").splitlines()
            return path, lines[ref.span.line - 1]
    raise AssertionError(f"no such reference in {slug}")


def retitle(line: str) -> str:
    """The reference line with the first lower-case word of its title changed."""
    word = re.findall(r"\b[a-z]{6,}\b", line)[0]
    return line.replace(word, word + "x", 1)


def test_a_reference_list_edit_re_renders_only_its_article_when_no_other_lists_the_work(
    tmp_path,
):
    root = project_copy(tmp_path)
    path, line = reference_line(root, "zhang-2023")
    units, before, after = rebuilt(root, lambda r: edit_file(r, path, line, retitle(line)))
    assert ("bibliography", "reader") in units
    assert pages_in(units) == {"zhang-2023"} == changed_pages(before, after)
    assert after.pages["bibliography.md"] != before.pages["bibliography.md"]


def test_a_shared_work_edited_in_one_list_re_renders_the_pages_that_show_it(tmp_path):
    """Another article listing the work is not rendered again for a change of the
    merged entry's provenance alone (no page shows it; a page reads the merged entry's
    key, type and fields, for its JSON-LD), and the build is still the cold one."""
    root = project_copy(tmp_path)
    merged = build(root, cache=False).bibliography.merged
    shared = [m for m in merged if len(m.slugs) > 1]
    assert shared, "the real articles share a work"
    work = shared[0]
    path, line = reference_line(root, work.slugs[0], work.key)
    units, before, after = rebuilt(root, lambda r: edit_file(r, path, line, retitle(line)))
    (now,) = [m for m in after.bibliography.merged if m.key == work.key]
    assert now.provenance != work.provenance
    others = set(work.slugs) - {work.slugs[0]}
    # the merged entry keeps its fields (the edited title is a disagreement between the
    # listings): the other article's page is the same and is not rendered again
    assert (now.fields, now.entry_type) == (work.fields, work.entry_type)
    assert work.slugs[0] in pages_in(units)
    assert others and not others & pages_in(units)
    assert changed_pages(before, after) <= pages_in(units)
    assert not set(work.slugs) & {"choi-2022"}
    assert ("page", "choi-2022") not in units


def test_a_glossary_edit_re_renders_every_page_but_runs_no_citation_stage(tmp_path):
    root = project_copy(tmp_path)
    rel = "glossary/terms.yml"
    text = (root / rel).read_text(encoding="utf-8")
    at = text.index("short: ") + len("short: ")
    snippet = text[at : at + 20]
    units, before, after = rebuilt(root, lambda r: edit_file(r, rel, snippet, "Edited. " + snippet))
    assert pages_in(units) == set(SLUGS)  # every page is matched against every term
    assert {n for k, n in units if k == "terms"} == set(SLUGS)
    assert ("glossary", "terms.yml") in units
    assert not {k for k, _ in units} & {"citations", "bibliography", "downloads"}
    assert after.pages["glossary.md"] != before.pages["glossary.md"]


def test_a_chronology_edit_re_renders_no_article_page(tmp_path):
    """The events reach the chronology page and the index of names (which events name
    whom), not the article pages."""
    root = project_copy(tmp_path)
    rel = "timeline/events.yml"
    label = "label: The Collective Security Treaty is signed"
    units, before, after = rebuilt(root, lambda r: edit_file(r, rel, label, label + " (edited)"))
    assert units == {("names", "apparatus")}
    assert after.pages["timeline.md"] != before.pages["timeline.md"]


def test_a_code_change_computes_every_unit_again(tmp_path, monkeypatch):
    root = project_copy(tmp_path)
    package = tmp_path / "csto_reader"
    shutil.copytree(cache.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "PACKAGE", package)
    build(root)
    with (package / "publish" / "render.py").open("a", encoding="utf-8") as handle:
        handle.write("\n# edited\n")
    cache.computed.clear()
    build(root)
    assert pages_in(set(cache.computed)) == set(SLUGS)
    assert ("bibliography", "reader") in cache.computed


def test_without_the_cache_nothing_is_memoized(tmp_path):
    root = project_copy(tmp_path)
    cache.computed.clear()
    build(root, cache=False)
    assert cache.computed == []
    assert not (root / cache.STAGE_DIR).exists()
