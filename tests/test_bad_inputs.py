"""Bad input, through the whole build: every case under ``tests/bad-inputs/`` and a few
generated ones (binary, 5 MB on one line, two slugs differing in case).

Each case is a tiny project root.  ``python -m csto_reader --root <case> build`` runs every
stage of the pipeline; a case either builds without a diagnostic (``expected.txt`` empty)
or stops with exit code 1 and ``expected.txt``'s first line as its first message, in the
form ``file:line: error: message [code]``, and no traceback.

For some cases the real site build runs too: the ``site`` target of the project's
Makefile (``mkdocs build --strict`` into ``site.tmp``, then the PDFs and the offline copy,
and ``site.tmp`` replaces ``site`` only on success) in a temporary copy of the project with
a previous ``site/`` in place.  A failed build must leave that ``site/`` untouched.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT
from helpers import mkdocs_build

BAD_INPUTS = ROOT / "tests" / "bad-inputs"
DIAGNOSTIC = re.compile(
    r"^(?P<file>[^\s:][^:]*):(?P<line>\d+): (?P<severity>error|warning|note): .+ \[[a-z0-9-]+\]$"
)
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "scripts")}

CASES = sorted(p for p in BAD_INPUTS.iterdir() if p.is_dir())
# Cases that also go through `make site` (a failure at each stage, and two that build).
SITE_CASES = [
    "malformed-yaml",  # the sources stage
    "footnote-marker-without-body",  # the footnotes stage
    "malformed-bibtex",  # the bibliography stage
    "script-and-html",  # builds; nothing from the source runs in the browser
    "no-reference-list",  # builds
    "script-in-meta",  # builds; markup in every meta.yml field stays text
    "meta-url-javascript",  # a javascript: address
    "corrections-alias-bomb",  # a YAML alias bomb, refused at once
    "only-notes",  # an article whose body would be empty
    "alias-onto-live-page",  # an alias that would replace a live page
]
# Every case the issue names must be here (binary, 5 MB and duplicate slug are generated).
REQUIRED = {
    "empty-article", "non-utf8-text", "utf8-bom", "crlf-line-ends", "missing-meta",
    "malformed-yaml", "unknown-meta-key", "footnote-marker-without-body",
    "footnote-body-without-marker", "malformed-bibtex", "no-reference-list", "script-and-html",
    # issue 11: nothing silently lost, no stage reads what another rejected
    "only-short-paragraphs", "only-headings", "only-notes", "only-footnote-bodies",
    "only-reference-list", "only-front-matter", "masthead-without-title", "body-under-half",
    "form-feed-with-timeline", "line-separator-with-timeline", "latin1-with-timeline",
    "article-txt-is-directory",
}  # fmt: skip


def expected_first(case: Path) -> str:
    lines = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    return lines[0] if lines else ""


def pipeline_build(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "csto_reader", "--root", str(root), "build"],
        capture_output=True, text=True, env=ENV, cwd=root, timeout=300,
    )  # fmt: skip


def diagnostics(output: str) -> list[str]:
    return [line for line in output.splitlines() if DIAGNOSTIC.match(line)]


def assert_outcome(proc: subprocess.CompletedProcess[str], first: str) -> None:
    """Exit status and messages as ``first`` (the expected first diagnostic) says."""
    found = diagnostics(proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    if not first:
        assert proc.returncode == 0, proc.stderr
        assert found == [], found
        return
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    assert found, f"no file:line: diagnostic in:\n{proc.stderr}"
    assert found[0] == first
    assert all(DIAGNOSTIC.match(d).group("severity") == "error" for d in found)


# ---------------------------------------------------------------- the case folders


def test_every_required_case_is_there() -> None:
    names = {case.name for case in CASES}
    assert REQUIRED <= names, REQUIRED - names
    assert len(CASES) + 3 >= 15  # with the three generated below
    for case in CASES:
        first = expected_first(case)
        assert first == "" or DIAGNOSTIC.match(first), f"{case.name}/expected.txt: {first!r}"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_full_pipeline_on_bad_input(case: Path) -> None:
    assert_outcome(pipeline_build(case), expected_first(case))


# ---------------------------------------------------------------- generated cases

META = "title: A Test Article\nauthors:\n  - name: A. Author\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"  # a NUL on line 3


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return root


GENERATED = {
    "binary-file": (
        {"sources/x/article.txt": PNG, "sources/x/meta.yml": META},
        "sources/x/article.txt:3: error: binary file: NUL byte on line 3",
        "source-binary",
    ),
    "five-megabytes-on-one-line": (
        {"sources/x/article.txt": "word " * 1_000_000, "sources/x/meta.yml": META},
        "sources/x/article.txt:1: error: line 1 is 5,000,000 characters long",
        "source-line-too-long",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_bad_input(tmp_path: Path, name: str) -> None:
    files, start, code = GENERATED[name]
    proc = pipeline_build(write(tmp_path, files))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    first = diagnostics(proc.stderr)[0]
    assert first.startswith(start) and first.endswith(f"[{code}]"), first


def test_duplicate_slug(tmp_path: Path) -> None:
    """Two folders whose names differ only in case would be one address on a
    case-insensitive disk or server."""
    text = (BAD_INPUTS / "no-reference-list" / "sources" / "x" / "article.txt").read_bytes()
    write(tmp_path, {"sources/a-2024/article.txt": text, "sources/a-2024/meta.yml": META})
    try:
        write(tmp_path, {"sources/A-2024/article.txt": text, "sources/A-2024/meta.yml": META})
    except FileExistsError:  # pragma: no cover
        pytest.skip("case-insensitive file system")
    if len(list((tmp_path / "sources").iterdir())) < 2:
        pytest.skip("case-insensitive file system")
    proc = pipeline_build(tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    found = diagnostics(proc.stderr)
    assert any(d.endswith("[slug-duplicate]") for d in found), found
    assert found[0].startswith("sources/A-2024/article.txt:1: error: invalid slug 'A-2024'")


# ---------------------------------------------------------------- the real site build


def site_project(case: Path, tmp: Path) -> Path:
    """A copy of the project whose inputs are the case's: its sources/ (and bib/), with
    this tree's MkDocs configuration, pages, templates and pipeline.  The nav is left to
    MkDocs (the real one names the four real articles)."""
    project = tmp / "project"
    project.mkdir()
    for name in ("sources", "bib"):
        if (case / name).is_dir():
            shutil.copytree(case / name, project / name)
    for name in ("docs", "overrides", "scripts"):
        (project / name).symlink_to(ROOT / name)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"(?ms)^nav:\n.*?(?=^\S)", "", config)
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    return project


def make_site(project: Path) -> subprocess.CompletedProcess[str]:
    """The Makefile's own `site` recipe, run in ``project`` with this tree's virtualenv
    (SETUP= skips the set-up step, which the test session has already done)."""
    return subprocess.run(
        ["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), "-C", str(project),
         "site", "SETUP=", f"PY={sys.executable}"],
        capture_output=True, text=True, env=ENV, timeout=600,
    )  # fmt: skip


@pytest.mark.parametrize("name", SITE_CASES)
def test_make_site_keeps_the_last_good_site(tmp_path: Path, name: str) -> None:
    case = BAD_INPUTS / name
    first = expected_first(case)
    project = site_project(case, tmp_path)
    previous = project / "site"
    previous.mkdir()
    (previous / "index.html").write_text("the last good site\n", encoding="utf-8")

    proc = make_site(project)
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output, output[-4000:]
    assert not (project / "site.tmp").exists()
    if first:
        assert proc.returncode != 0, output[-4000:]
        assert first in output.splitlines(), output[-4000:]
        assert (previous / "index.html").read_text(encoding="utf-8") == "the last good site\n"
        assert sorted(p.name for p in previous.iterdir()) == ["index.html"]
    else:
        assert proc.returncode == 0, output[-4000:]
        assert (project / "site" / "articles" / "x" / "index.html").is_file()
        assert "the last good site" not in (project / "site" / "index.html").read_text("utf-8")


# Cases whose sources carry markup and script (article text; every text field of
# meta.yml): they build, and none of it is live in any page.
HOSTILE_CASES = ["script-and-html", "script-in-meta", "article-private-use"]


@pytest.mark.parametrize("name", HOSTILE_CASES)
def test_no_script_from_a_source_reaches_a_page(tmp_path: Path, name: str) -> None:
    """The source's tags are shown as text; no element or attribute from the source
    (script, style, img, iframe, svg, an on... handler, a javascript: link) is in any page."""
    project = site_project(BAD_INPUTS / name, tmp_path)
    out = tmp_path / "site"
    proc = mkdocs_build(project, out, ENV)
    assert proc.returncode == 0, proc.stderr
    page = (out / "articles" / "x" / "index.html").read_text(encoding="utf-8")
    shown = {
        "script-and-html": ["&lt;script&gt;alert(", "&lt;b&gt;bold&lt;/b&gt;"],
        "script-in-meta": ["&lt;/title&gt;&lt;script&gt;alert(2)", "&lt;svg onload=alert(6)&gt;"],
        # private-use characters (symbol-font glyphs) are text, never the pipeline's markers
        "article-private-use": ["\uf0b7 and", "\ue005forged\ue006 link\ue007 \ue002 x \ue001"],
    }[name]
    assert all(text in page for text in shown), [t for t in shown if t not in page]
    pages = list(out.rglob("*.html"))
    assert len(pages) >= 5
    for html_page in pages:
        elements = Elements()
        elements.feed(html_page.read_text(encoding="utf-8"))
        assert not elements.from_source, (html_page, elements.from_source)


class Elements(HTMLParser):
    """Collects the elements a page would get from the script-and-html source if its
    markup were not escaped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.from_source: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("iframe", "b", "textarea") or (tag == "img" and values.get("src") == "x"):
            self.from_source.append(f"<{tag}>")
        handlers = [a for a in values if a.startswith("on")]
        links = [v for v in values.values() if (v or "").strip().lower().startswith("javascript:")]
        if handlers or links:
            self.from_source.append(f"<{tag} {values}>")
        self._in = tag if tag in ("script", "style") else None
        if tag == "script" and values.get("type") == "application/ld+json":
            self._in = "ld+json"  # data, not run: the source's text may be in it, as JSON

    def handle_data(self, data: str) -> None:
        if self._in == "ld+json":
            if "<" in data:  # a value that could close the element or open a comment
                self.from_source.append(f"<script type=ld+json>{data[:60]}")
            return
        if self._in and ("alert(" in data or "hijacked" in data or "display: none" in data):
            self.from_source.append(f"<{self._in}>{data[:60]}")
