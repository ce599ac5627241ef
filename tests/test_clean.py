"""The clean stage on its own: fixture files under tests/fixtures/stages/clean/.

Each file names the line rules (``clean.LINE_RULES``, and ``icon``) whose removals it
shows, and the text rules (``clean.TEXT_RULES``) whose normalisations it shows; every
rule is named by some case.  Cleaning reports no diagnostics, so these files have none.
"""

from __future__ import annotations

import pytest

from csto_reader.ingest.clean import LINE_RULES, TEXT_RULES
from stage_fixtures import cases, check, ids, read_case, run

CASES = cases("clean")
RULES = [name for name, _ in LINE_RULES] + ["icon"] + [name for name, _, _ in TEXT_RULES]


@pytest.mark.parametrize("path", CASES, ids=ids(CASES))
def test_fixture(path):
    check(path)


@pytest.mark.parametrize("path", CASES, ids=ids(CASES))
def test_case_shows_the_rules_it_names(path):
    case = read_case(path)
    got = run(case)
    records = got["removals"].splitlines() + got["normalisations"].splitlines()
    used = {line.split(" ")[1].rstrip(":") for line in records if line != "(none)"}
    if not case.rules:  # a case of a text with nothing to remove
        assert used == set(), f"{path.name}: removals, but no 'Rules:' named"
    assert set(case.rules) <= used, f"{path.name}: rules named but not used"


def test_every_rule_has_a_fixture():
    named = {r for p in CASES for r in read_case(p).rules}
    assert len(CASES) >= 5
    assert [r for r in RULES if r not in named] == []


def test_word_processor_text_with_bom_and_crlf(tmp_path):
    """A "save as text" file from a word processor: a BOM, CRLF line ends, a second BOM
    where two files were joined.  Read and cleaned, no BOM or carriage return is left
    and the lines keep their numbers."""
    from csto_reader.diagnostics import Reporter
    from csto_reader.ingest.clean import clean
    from csto_reader.ingest.sources import read_text_lines
    from csto_reader.model import ArticleMeta, Author, SourceText, Span

    path = tmp_path / "article.txt"
    path.write_bytes(
        "\ufeffA Test Article\r\n\r\n\ufeffThe Organization was founded in 2002.\r\n".encode()
    )
    reporter = Reporter()
    lines = read_text_lines(path, "sources/case/article.txt", reporter)
    assert lines is not None and reporter.diagnostics == []
    meta = ArticleMeta(
        slug="case",
        title="A Test Article",
        authors=(Author(name="Anna Ivanova"),),
        span=Span("sources/case/meta.yml", 1),
    )
    cleaned = clean(SourceText("case", "sources/case/article.txt", lines, meta))
    texts = [(ln.number, ln.text) for ln in cleaned.lines]
    assert texts == [(1, "A Test Article"), (2, ""), (3, "The Organization was founded in 2002.")]
    assert [n.rule for n in cleaned.normalisations] == ["byte-order-mark"]
