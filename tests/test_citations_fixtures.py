"""The citation rules on their own: fixture files under tests/fixtures/stages/citations/
(one case per file: an article text with its reference list, every cited work with
the key it links to, the rules that read the citations, the diagnostics).  Each case
names the rules it shows; every rule has a case, and so has the detection of the
numeric and the notes styles.
"""

from __future__ import annotations

import re

import pytest

from csto_reader.scholarly.citations import CITATION_RULES, NOTE_RULES
from stage_fixtures import cases, check, ids, read_case

CASES = cases("citations")
FIXTURES_DIR = CASES[0].parent
RULES = (
    {name for name, _ in CITATION_RULES}
    | {name for name, _ in NOTE_RULES}
    | {"short-note", "detected numeric", "detected notes"}
)


@pytest.mark.parametrize("path", CASES, ids=ids(CASES))
def test_fixture(path):
    check(path)


@pytest.mark.parametrize("path", CASES, ids=ids(CASES))
def test_case_shows_the_rules_it_names(path):
    case = read_case(path)
    assert case.rules, f"{path.name}: no Rules: line"
    assert set(case.rules) <= RULES, f"{path.name}: unknown rules {set(case.rules) - RULES}"
    used = set(case.sections["rules"].splitlines())
    assert set(case.rules) <= used, f"{path.name}: rules named but not used"


def test_every_rule_has_a_fixture():
    named = {r for p in CASES for r in read_case(p).rules}
    assert RULES - named == set(), f"rules without a fixture case: {sorted(RULES - named)}"


def test_every_unresolved_work_is_reported_at_its_line():
    """A cited work no entry fits is never left silent: a diagnostic names its line."""
    seen = 0
    for path in CASES:
        case = read_case(path)
        for line in case.sections["links"].splitlines():
            if line.endswith(" -> unresolved"):
                n = re.search(r" L(\d+): ", line).group(1)
                assert f"article.txt:{n}: note:" in case.sections["diagnostics"], line
                seen += 1
    assert seen >= 2  # the as-cited-in and the notes cases hold one each


def test_notes_with_no_reference_list_are_reported_not_guessed():
    """Chicago notes with no bibliography: nothing can be linked, and the reader says so."""
    from csto_reader.diagnostics import Reporter
    from csto_reader.ingest.article import prepare_article
    from csto_reader.model import BibliographyBuild
    from csto_reader.scholarly.citations import link_citations
    from stage_fixtures import Case, source_of

    text = read_case(FIXTURES_DIR / "chicago-notes.txt").sections["input"]
    text = text.split("\nBibliography\n")[0]
    article = prepare_article(source_of(Case(FIXTURES_DIR, "x", (), {"input": text})), Reporter())
    reporter = Reporter()
    bib = BibliographyBuild({}, (), {}, (), "")
    out = link_citations([article.article], bib, reporter)
    assert out.citations == {}
    (d,) = [d for d in reporter.diagnostics if d.code == "notes-without-list"]
    assert d.span.line == 5 and "4 note(s) cite works" in d.message  # notes 1, 2, 4 and 6
