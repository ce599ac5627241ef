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
