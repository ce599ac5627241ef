"""The registry of diagnostic codes (codes.py) against the source, the sink and the docs.

Every code the source can emit (``code_scan.scan``, an AST scan of the calls that name
codes) is registered with the severity it is emitted at, and every registered code is
emitted somewhere.  Codes built at run time are listed here by hand, by the module and
the expression that builds them; a new such expression fails until it is listed.
"""

from __future__ import annotations

import ast
import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from code_scan import PACKAGE, modules, scan
from conftest import ROOT
from csto_reader.cli import main
from csto_reader.codes import ERROR, NOTE, REGISTRY, WARNING, acceptable, codes_of
from csto_reader.diagnostics import Diagnostic, Reporter
from csto_reader.model import Span

ALIASES = {"alias-dangling", "alias-live", "alias-outside", "alias-invalid"}
DYNAMIC: dict[tuple[str, str], set[str]] = {
    # alias_problem returns (message, code); check() reports reporter.error(span, *problem)
    ("publish/addresses.py", "*problem"): ALIASES,
    # resolve() reports each (code, text) note the matching gave
    ("scholarly/citations.py", "code"): {
        "citation-unresolved",
        "citation-year-mismatch",
        "citation-spelling",
        "citation-authors",
        "citation-secondary",
    },
    # the chronology's loader prefixes its codes with "timeline" or "related"
    ("scholarly/timeline.py", "f'{kind}-schema'"): {"timeline-schema", "related-schema"},
    ("scholarly/timeline.py", "code"): {"timeline-yaml", "related-yaml"},
    ("scholarly/timeline.py", "f'{self.kind}-{what}'"): {
        "timeline-schema",
        "timeline-ref",
        "timeline-date",
        "timeline-duplicate-id",
        "related-schema",
        "related-ref",
        "related-duplicate-id",
    },
    ("scholarly/timeline.py", "f'{kind}-anchor'"): {"timeline-anchor", "related-anchor"},
}
# Codes a stage finds but another module reports (the step after the engine).
REPORTED_ELSEWHERE = {"csp-inline-script": "publish.finish"}
CODE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+")


@pytest.fixture(scope="module")
def found():
    return scan()


def emitted(found) -> dict[str, set[str]]:
    """Code -> severities, the hand-listed dynamic codes included."""
    out = {code: set(severities) for code, severities in found.codes.items()}
    for key, codes in DYNAMIC.items():
        severity = found.dynamic[key][0] if key in found.dynamic else "?"
        for code in codes:
            out.setdefault(code, set()).add(severity)
    return out


def test_every_dynamic_code_site_is_listed(found) -> None:
    assert set(found.dynamic) == set(DYNAMIC), "update DYNAMIC for the new/removed site"
    for (file, _), codes in DYNAMIC.items():
        text = found.texts[file]
        for code in codes:  # the code or the part after its prefix is written in the file
            assert code in text or code.split("-", 1)[1] in text, (file, code)


def test_every_emitted_code_is_registered(found) -> None:
    unknown = set(emitted(found)) - set(REGISTRY)
    assert not unknown, f"add to codes.py: {sorted(unknown)}"


def test_every_registered_code_is_emitted(found) -> None:
    unused = set(REGISTRY) - set(emitted(found))
    assert not unused, f"registered but reported nowhere: {sorted(unused)}"


def test_each_code_is_emitted_at_its_registered_severity(found) -> None:
    wrong = {
        code: sorted(severities)
        for code, severities in emitted(found).items()
        if code in REGISTRY and severities != {REGISTRY[code].severity}
    }
    assert not wrong, wrong


def test_each_code_belongs_to_the_stage_that_reports_it(found) -> None:
    for code, stages in found.stages.items():
        info = REGISTRY[code]
        reporter = REPORTED_ELSEWHERE.get(code, info.stage)
        assert stages == {reporter}, (code, info.stage, stages)
    known = {m.removeprefix("csto_reader.") for m in modules()}
    assert {c.stage for c in REGISTRY.values()} <= known


def test_every_entry_is_documented() -> None:
    for code, info in REGISTRY.items():
        assert info.code == code and CODE.fullmatch(code), code
        assert info.severity in (ERROR, WARNING, NOTE), code
        meaning = info.meaning
        assert meaning and "\n" not in meaning and len(meaning) <= 90, code
        assert not meaning.endswith("."), code
    assert "footnote-unplaced" in acceptable()


def test_module_code_sets_come_from_the_registry(found) -> None:
    """Each module's CODES is the registry's codes of that stage, and holds what it emits."""
    with_sets = 0
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "__main__.py":
            continue  # importing it runs the command line
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        module = importlib.import_module(".".join(rel.parts))
        if not hasattr(module, "CODES"):
            continue
        with_sets += 1
        stage = module.__name__.removeprefix("csto_reader.")
        assert module.CODES == codes_of(stage), stage
        assert {c for c, s in found.stages.items() if stage in s} <= module.CODES, stage
    assert with_sets >= 7


def test_no_diagnostic_is_formatted_by_hand(found) -> None:
    """A line ``... [code]`` is made only by ``Diagnostic.format`` (which checks the code)."""
    for file, text in found.texts.items():
        for node in ast.walk(ast.parse(text)):
            parts = node.values if isinstance(node, ast.JoinedStr) else [node]
            last = parts[-1] if parts else None
            if isinstance(last, ast.Constant) and isinstance(last.value, str):
                hit = re.search(r"\[([a-z][a-z0-9-]*)\]\"?$", last.value)
                assert not (hit and CODE.fullmatch(hit.group(1))), (file, node.lineno)


# ---------------------------------------------------------------- the sink


def test_the_sink_refuses_an_unregistered_code() -> None:
    reporter = Reporter()
    with pytest.raises(ValueError, match="not in codes.REGISTRY"):
        reporter.error(Span("x.txt", 1), "message", "no-such-code")
    with pytest.raises(ValueError, match="severity"):
        reporter.add(Diagnostic(Span("x.txt", 1), "fatal", "message", "text-lost"))
    assert reporter.diagnostics == []


def test_accepted_codes_become_notes_in_their_article_only() -> None:
    reporter = Reporter()
    text, other = Span("sources/a/article.txt", 4), Span("sources/b/article.txt", 4)
    reporter.error(text, "footnote marker 2 has no footnote body", "footnote-missing-body")
    reporter.accept(text.file, ("footnote-missing-body", "ref-url", "text-lost"))
    reporter.warning(text, "a: second URL dropped: https://x.org", "ref-url")
    reporter.error(text, "words lost", "text-lost")  # not acceptable: stays an error
    reporter.error(other, "footnote marker 2 has no footnote body", "footnote-missing-body")
    assert [d.format() for d in reporter.diagnostics] == [
        "sources/a/article.txt:4: note: footnote marker 2 has no footnote body "
        "(accepted in meta.yml) [footnote-missing-body]",
        "sources/a/article.txt:4: note: a: second URL dropped: https://x.org "
        "(accepted in meta.yml) [ref-url]",
        "sources/a/article.txt:4: error: words lost [text-lost]",
        "sources/b/article.txt:4: error: footnote marker 2 has no footnote body "
        "[footnote-missing-body]",
    ]


def test_an_accepted_unplaced_footnote_keeps_its_editorial_note_text() -> None:
    reporter = Reporter()
    reporter.accept("t.txt", ["footnote-unplaced"])
    reporter.error(
        Span("t.txt", 9), "footnote body 15 has no marker in the text", "footnote-unplaced"
    )
    assert reporter.diagnostics[0].format() == (
        "t.txt:9: note: footnote body 15 has no marker in the text "
        "(shown as an editorial note) [footnote-unplaced]"
    )
    assert not reporter.has_errors()


def test_accept_works_for_another_code_through_the_whole_build(tmp_path: Path) -> None:
    """``accept: [footnote-missing-body]`` lets an article with a stray marker build."""
    case = ROOT / "tests" / "bad-inputs" / "footnote-marker-without-body"
    article = next(case.glob("sources/*/article.txt"))
    folder = tmp_path / "sources" / article.parent.name
    folder.mkdir(parents=True)
    (folder / "article.txt").write_bytes(article.read_bytes())
    meta = (article.parent / "meta.yml").read_text(encoding="utf-8")
    (folder / "meta.yml").write_text(meta + "accept:\n  - footnote-missing-body\n")
    proc = _cli("--root", str(tmp_path), "build", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (
        f"sources/{folder.name}/article.txt:7: note: footnote marker 1 has no footnote body "
        "(accepted in meta.yml) [footnote-missing-body]"
    ) in proc.stderr.splitlines()


# ---------------------------------------------------------------- PDF, offline, docs


def test_accept_holds_in_the_build_and_in_make_bib(tmp_path: Path) -> None:
    """An acceptable code of a later stage (the reference parser's ``ref-unparsed``) is
    accepted in ``build`` and in ``bib``, which runs that stage again on its own."""
    folder = tmp_path / "sources" / "x"
    folder.mkdir(parents=True)
    (folder / "article.txt").write_text(
        "A Test Article\n\nA. Author\n\nThis first paragraph of the body is long enough to "
        "be read as prose by the segmenter, which looks for a block of thirty words or more "
        "to find where the article body begins after its title.\n\nReferences\n\n"
        "zzz qqq www\n",
        encoding="utf-8",
    )
    (folder / "meta.yml").write_text(
        "title: A Test Article\nauthors:\n  - name: A. Author\naccept:\n  - ref-unparsed\n",
        encoding="utf-8",
    )
    want = (
        "sources/x/article.txt:9: note: x: no rule understands this reference; kept as "
        "@misc: zzz qqq www (accepted in meta.yml) [ref-unparsed]"
    )
    for command in ("build", "bib"):
        proc = _cli("--root", str(tmp_path), command, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert want in proc.stderr.splitlines(), (command, proc.stderr)
        assert "warning" not in proc.stderr, (command, proc.stderr)


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(ROOT / "scripts"), "NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin"}
    return subprocess.run(
        [sys.executable, "-m", "csto_reader", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def test_pdf_of_a_missing_site_is_a_reported_error(tmp_path: Path) -> None:
    proc = _cli("pdf", "--site", str(tmp_path / "site"))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.splitlines()[0] == (
        f"{tmp_path}/site/index.html:1: error: no built home page: build the site first "
        "(mkdocs build -d SITE) [pdf-site-missing]"
    )


def test_pdf_of_a_site_without_an_article_page_is_a_reported_error(tmp_path: Path) -> None:
    (tmp_path / "articles" / "x-2024").mkdir(parents=True)
    (tmp_path / "index.html").write_text(
        '<html><head><title>Home - R</title></head><body><a href="articles/x-2024/">x</a>'
        "</body></html>"
    )
    proc = _cli("pdf", "--site", str(tmp_path))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.splitlines() == [
        f"{tmp_path}/articles/x-2024/index.html:1: error: no built article page [pdf-page-missing]"
    ]


def test_a_failed_offline_build_is_a_reported_error(tmp_path: Path) -> None:
    proc = _cli("--root", str(tmp_path), "offline", "--site", str(tmp_path / "site"))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    last = proc.stderr.splitlines()[-1]
    assert last.startswith("mkdocs.yml:1: error: the offline build (mkdocs build --strict,")
    assert last.endswith("[offline-build]") and "mkdocs.yml" in last[20:], last


def test_the_codes_command_prints_every_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["codes"]) == 0
    table = capsys.readouterr().out
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert [re.match(r"\| `([^`]+)`", row).group(1) for row in rows] == list(REGISTRY)
    assert "| `footnote-unplaced` | ingest.footnotes | error | yes |" in table


def test_the_readme_names_the_codes_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python -m csto_reader codes" in readme
    assert "codes.py" in readme
