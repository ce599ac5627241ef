"""The reference-list rules on their own: fixture files under
tests/fixtures/stages/references/ (one case per file: the input's reference list, the
line rules that open and join its entries, every entry with its fields, the
diagnostics).  Each case names the rules it shows; every named rule has a case.
"""

from __future__ import annotations

import re

import pytest

from csto_reader.ingest.reference_lines import ENTRY_START_RULES, WRAP_RULES, join_entry_line
from csto_reader.scholarly.references import ENTRY_RULES
from stage_fixtures import cases, check, ids, read_case

CASES = cases("references")
RULES = (
    {name for name, _ in ENTRY_RULES}
    | {name for name, _ in ENTRY_START_RULES}
    | {name for name, _ in WRAP_RULES}
    | {"not-an-entry"}
)


@pytest.mark.parametrize("path", CASES, ids=ids(CASES))
def test_fixture(path):
    check(path)


def used_rules(path) -> set[str]:
    """The rules the case's expected output shows at work."""
    case = read_case(path)
    text = case.sections.get("lines", "") + "\n" + case.sections.get("entries", "")
    found = set(re.findall(r"\(([a-z-]+)\)$", text, re.M))
    found |= set(re.findall(r"^\S+ L[\d-]+(?: \[\d+\])? ([a-z-]+): @", text, re.M))
    found |= set(re.findall(r"^L\d+ (not-an-entry)$", text, re.M))
    return found


@pytest.mark.parametrize("path", CASES, ids=ids(CASES))
def test_case_shows_the_rules_it_names(path):
    case = read_case(path)
    assert case.rules, f"{path.name}: no Rules: line"
    assert set(case.rules) <= RULES, f"{path.name}: unknown rules {set(case.rules) - RULES}"
    assert set(case.rules) <= used_rules(path), f"{path.name}: rules named but not used"


def test_every_rule_has_a_fixture():
    named = {r for p in CASES for r in read_case(p).rules}
    assert RULES - named == set(), f"rules without a fixture case: {sorted(RULES - named)}"


@pytest.mark.parametrize(
    ("before", "line", "joined", "rule"),
    [
        (
            "https://doi.org/10.1111/",
            "j.1468-2346.2004.00393.x",
            "https://doi.org/10.1111/j.1468-2346.2004.00393.x",
            "address-wrap",
        ),
        (
            "https://doi.org/10.1111/j.1468-",
            "2346.x",
            "https://doi.org/10.1111/j.1468-2346.x",
            "address-wrap",
        ),
        (
            "See https://example.org/page.",
            "Accessed 5 May 2023.",
            "See https://example.org/page. Accessed 5 May 2023.",
            None,
        ),
        (
            "See https://example.org/",
            "Accessed: 5 May 2023.",
            "See https://example.org/ Accessed: 5 May 2023.",
            None,
        ),
        ("the Eura-", "sianet site", "the Eurasianet site", "word-hyphen-wrap"),
        ("the Post-", "Soviet space", "the Post-Soviet space", "word-hyphen-wrap"),
        ("1992 and", "after", "1992 and after", None),
    ],
)
def test_wrapped_lines_join_only_where_a_word_or_address_was_cut(before, line, joined, rule):
    assert join_entry_line(before, line) == (joined, rule)
