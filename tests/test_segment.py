"""The segment stage on its own: fixture files under tests/fixtures/stages/segment/.

Each file names the rules of ``segment.FRONT_RULES`` / ``BODY_RULES`` it shows; every
rule is named by some case, and a case's rules are the ones that took its chunks.
"""

from __future__ import annotations

import pytest

from csto_reader.ingest.segment import RULE_NAMES
from stage_fixtures import cases, check, ids, read_case, run

CASES = cases("segment")


@pytest.mark.parametrize("path", CASES, ids=ids(CASES))
def test_fixture(path):
    check(path)


@pytest.mark.parametrize("path", CASES, ids=ids(CASES))
def test_case_shows_the_rules_it_names(path):
    case = read_case(path)
    taken = {line.split(" ", 1)[1] for line in run(case)["rules"].splitlines()}
    assert case.rules, f"{path.name}: no 'Rules:' line"
    assert set(case.rules) <= set(RULE_NAMES), set(case.rules) - set(RULE_NAMES)
    assert set(case.rules) <= taken, f"{path.name}: rules named but not used"


def test_every_rule_has_a_fixture():
    named = {r for p in CASES for r in read_case(p).rules}
    assert len(CASES) >= 5
    assert [r for r in RULE_NAMES if r not in named] == []


def test_tab_list_marks_are_not_lost_words():
    """A word processor's sub-item mark "o" becomes the nested list's bullet: the page
    does not print it, and the completeness check does not count it as a lost word."""
    from pathlib import Path

    from csto_reader.diagnostics import Reporter
    from csto_reader.ingest.completeness import check_nothing_lost
    from csto_reader.pipeline import build_article
    from stage_fixtures import source_of

    case = read_case(Path(__file__).parent / "fixtures/stages/render/nested-list.txt")
    reporter = Reporter()
    built = build_article(source_of(case), reporter)
    assert check_nothing_lost(built.article, built.markdown, reporter)
    assert reporter.diagnostics == []


def test_byline_affiliations_reach_the_header():
    """The affiliations the byline's superscripts point to are shown in the header's list
    of affiliations (filling what meta.yml leaves out, keeping what it states); the
    byline keeps no marker and the article no note."""
    from pathlib import Path

    from csto_reader.diagnostics import Reporter
    from csto_reader.ingest.article import prepare_article
    from csto_reader.publish.render import render_header
    from stage_fixtures import source_of

    case = read_case(
        Path(__file__).parent / "fixtures/stages/footnotes/notes-section-unicode-bodies.txt"
    )
    reporter = Reporter()
    article = prepare_article(source_of(case), reporter).article
    assert reporter.diagnostics == []
    assert [(a.name, a.affiliation) for a in article.meta.authors] == [
        ("Anna Ivanova", "Example University, Dublin"),
        ("Boris Petrov", "Example Institute of Strategic Studies, Astana"),
    ]
    header = render_header(article)
    assert "<li>Anna Ivanova: Example University, Dublin</li>" in header
    assert '<p class="byline">Anna Ivanova, Boris Petrov</p>' in header
    assert [f.key for f in article.footnotes] == ["3", "4"]
