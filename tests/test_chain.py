"""`make site`'s first three steps in one process (``csto_reader build --render DIR``):
the site it writes is, file for file and byte for byte, the one the three separate
commands write (pipeline, ``mkdocs build --strict``, ``finish``), with the pipeline's
cache cold or warm; a render that fails finishes nothing and `make site` keeps the last
good site; a whole build taken from the cache imports none of the stages.

And ``finish``'s cache (``finish.py``): a page found clean before is not parsed again,
the pages are the same with it as without, and any other page text, or another version
of the code, is parsed and checked as if there were no cache.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from csto_reader.diagnostics import Reporter
from csto_reader.publish import csp
from csto_reader.publish.finish import finish_site
from helpers import mkdocs_build
from test_csp import page

ROOT = Path(__file__).resolve().parents[1]
PARTS = ("sources", "bib", "glossary", "index", "timeline", "teaching", "docs", "overrides",
         "mkdocs.yml")  # fmt: skip
# A fixed build date: the sitemap's <lastmod> is the only date MkDocs writes.
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "scripts"),
       "SOURCE_DATE_EPOCH": "1764720000"}  # fmt: skip
ENV.pop("SITE_URL", None)
STAGES = ("csto_reader.pipeline", "csto_reader.scholarly", "csto_reader.ingest.article",
          "citeproc", "bibtexparser", "rapidfuzz", "markdown", "lxml")  # fmt: skip


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file()}  # fmt: skip


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project's inputs (the APA cache of citeproc's output too, when this
    tree has one: it only saves time), with no other cache."""
    root = tmp_path_factory.mktemp("chain") / "project"
    root.mkdir()
    for part in PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, root / part)
        else:
            shutil.copy(src, root / part)
    apa = ROOT / "build" / "cache" / "apa.json"
    if apa.is_file():
        (root / "build" / "cache").mkdir(parents=True)
        shutil.copy(apa, root / "build" / "cache" / "apa.json")
    return root


@pytest.fixture(scope="module")
def apart(project: Path) -> dict[str, bytes]:
    """The site as the three separate commands write it (the pipeline cold)."""
    out = project.parent / "apart"
    proc = mkdocs_build(project, out, ENV, separate=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return files(out)


def test_one_process_writes_the_site_of_the_three_commands(project, apart, tmp_path) -> None:
    assert "index.html" in apart and "sitemap.xml.gz" in apart
    warm = mkdocs_build(project, tmp_path / "warm", ENV)  # whole build and finish from caches
    assert warm.returncode == 0, warm.stdout + warm.stderr
    assert files(tmp_path / "warm") == apart
    shutil.rmtree(project / ".cache")  # the pipeline cold, in the process that renders
    cold = mkdocs_build(project, tmp_path / "cold", ENV)
    assert cold.returncode == 0, cold.stdout + cold.stderr
    assert files(tmp_path / "cold") == apart


def test_a_whole_build_from_the_cache_imports_no_stage(project, apart) -> None:
    code = ("import json, sys; from csto_reader import cli; status = cli.main(['build']); "
            "print(json.dumps([status, sorted(sys.modules)]))")  # fmt: skip
    proc = subprocess.run([sys.executable, "-c", code], cwd=project, env=ENV,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    status, modules = json.loads(proc.stdout.splitlines()[-1])
    assert status == 0
    imported = [m for m in modules if m.split(".")[0] in STAGES or m.startswith(STAGES)]
    assert imported == [], imported


def test_a_failed_render_finishes_nothing_and_make_keeps_the_last_site(
    project, apart, tmp_path
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(project, broken, symlinks=True)
    config = (broken / "mkdocs.yml").read_text(encoding="utf-8")
    (broken / "mkdocs.yml").write_text(
        config.replace("plugins:\n", "plugins:\n  - no-such-plugin-installed\n"), "utf-8"
    )
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "csto_reader", "build", "--render", str(out)],
        cwd=broken, env=ENV, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "no-such-plugin-installed" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and "finished" not in proc.stderr
    pages = list(out.rglob("*.html")) if out.exists() else []
    assert not any("Content-Security-Policy" in p.read_text("utf-8") for p in pages)

    previous = broken / "site"
    previous.mkdir()
    (previous / "index.html").write_text("the last good site\n", encoding="utf-8")
    make = subprocess.run(
        ["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), "-C", str(broken),
         "site", "SETUP=", f"PY={sys.executable}"],
        capture_output=True, text=True, env=ENV, timeout=600,
    )  # fmt: skip
    assert make.returncode != 0, make.stdout + make.stderr
    assert "build --render site.tmp" in make.stdout
    assert not (broken / "site.tmp").exists()
    assert sorted(p.name for p in previous.iterdir()) == ["index.html"]
    assert (previous / "index.html").read_text(encoding="utf-8") == "the last good site\n"


# ---------------------------------------------------------------- finish's cache

SHIM = '<script src="../assets/vendor/iframe-worker/shim.js"></script>'
PAGES = {
    "index.html": page(),
    "a/index.html": page("../.."),
    "b/index.html": page().replace(SHIM, ""),  # no shim: no hash for its iframe script
    "redirect.html": '<!doctype html><meta charset="utf-8"><title>Moved</title>',
}


def engine_output(site: Path, pages: dict[str, str]) -> Path:
    for name, text in pages.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, encoding="utf-8")
    return site


def test_scan_is_the_check_and_the_policy_in_one_parse() -> None:
    injected = page(extra="<script>alert(1)</script>")
    for text in [*PAGES.values(), injected, csp.apply_csp(page())]:
        bare = csp.without_policy(text)
        blocked, hashes = csp.scan(bare)
        assert blocked == csp.untrusted_inline_scripts(bare)
        assert csp.with_policy(bare, hashes) == csp.apply_csp(text)
        assert csp.with_policy(bare, hashes, True) == csp.apply_csp(text, offline=True)


def test_finish_with_its_cache_writes_the_pages_it_writes_without(tmp_path, monkeypatch) -> None:
    plain = engine_output(tmp_path / "plain", PAGES)
    assert finish_site(plain, Reporter()) == len(PAGES)
    cache = tmp_path / "finish.json"
    first = engine_output(tmp_path / "first", PAGES)
    assert finish_site(first, Reporter(), cache=cache) == len(PAGES)
    assert files(first) == files(plain) and cache.is_file()

    def no_parse(page: str) -> None:
        raise AssertionError("parsed a page the cache knows")

    monkeypatch.setattr(csp, "scan", no_parse)
    again = engine_output(tmp_path / "again", PAGES)
    assert finish_site(again, Reporter(), cache=cache) == len(PAGES)
    assert files(again) == files(plain)
    assert finish_site(again, Reporter(), cache=cache) == 0  # finished pages: unchanged


def test_a_warm_cache_does_not_pass_a_changed_page(tmp_path) -> None:
    cache = tmp_path / "finish.json"
    finish_site(engine_output(tmp_path / "first", PAGES), Reporter(), cache=cache)
    stored = cache.read_bytes()
    bad = {**PAGES, "a/index.html": page("../..", extra="<script>alert(1)</script>")}
    site = engine_output(tmp_path / "bad", bad)
    reporter = Reporter()
    assert finish_site(site, reporter, cache=cache) == 0
    (line,) = [d.format() for d in reporter.diagnostics]
    assert line.startswith("a/index.html:1: error:") and "alert(1)" in line
    assert files(site) == {k: v.encode() for k, v in sorted(bad.items())}  # nothing written
    assert cache.read_bytes() == stored  # a failing finish stores nothing


def test_another_version_or_a_damaged_cache_is_a_miss(tmp_path, monkeypatch) -> None:
    cache = tmp_path / "finish.json"
    finish_site(engine_output(tmp_path / "first", PAGES), Reporter(), cache=cache)
    parsed: list[str] = []
    scan = csp.scan

    def counting(text: str) -> tuple[list[str], list[str]]:
        parsed.append(text)
        return scan(text)

    monkeypatch.setattr(csp, "scan", counting)
    monkeypatch.setattr(csp, "version", lambda: "another version of the code")
    finish_site(engine_output(tmp_path / "second", PAGES), Reporter(), cache=cache)
    assert len(parsed) == len(PAGES)
    assert json.loads(cache.read_text(encoding="utf-8"))["version"] == "another version of the code"
    cache.write_text("{not json", encoding="utf-8")
    site = engine_output(tmp_path / "third", PAGES)
    assert finish_site(site, Reporter(), cache=cache) == len(PAGES)
    assert len(parsed) == 2 * len(PAGES)
    assert files(site) == files(tmp_path / "first")
