"""The reader's own statements of fact (glossary definitions, chronology labels) agree
with the primary or reliable sources they cite; where an article says otherwise, both
are shown (issue 13)."""

from __future__ import annotations

from pathlib import Path

import pytest

from csto_reader.diagnostics import Reporter
from csto_reader.ingest.sources import split_lines
from csto_reader.scholarly import glossary as g
from csto_reader.scholarly.timeline import load_events

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def events():
    paths = sorted((ROOT / "sources").glob("*/article.txt"))
    texts = {p.parent.name: split_lines(p.read_text(encoding="utf-8")) for p in paths}
    return {e.id: e for e in load_events(ROOT, Reporter(), texts)}


@pytest.fixture(scope="module")
def terms():
    return {t.id: t for t in g.load_terms(ROOT / "glossary" / "terms.yml", Reporter(), root=ROOT)}


def _checked_urls(term: g.Term) -> list[str]:
    return [s.url for s in term.sources if isinstance(s, g.CheckedSource)]


def test_the_charter_was_signed_in_chisinau(events, terms) -> None:
    charter = events["csto-charter"]
    assert "Moscow" not in charter.label and "Chișinău" in charter.label
    assert charter.checked and "Moscow summit" in (charter.note or "")  # Beloglazov's words
    entry = terms["csto-charter"]
    assert "Chișinău" in entry.explanation and "Moscow summit" in entry.explanation
    assert _checked_urls(entry)


def test_the_crdf_date_says_whose_it_is(events, terms) -> None:
    crdf = events["crdf-central-asia"]
    assert crdf.date.iso == "2001-05-25" and "Yerevan" in crdf.label
    assert "Beloglazov" in (crdf.note or "") and "August 2001" in (crdf.note or "")
    assert crdf.checked
    entry = terms["crdf-car"]
    assert "Yerevan" in entry.short and "Beloglazov" in entry.short
    assert _checked_urls(entry)


def test_the_council_decided_on_6_january(events) -> None:
    assert "agrees" not in events["request-for-help"].label
    decision = events["csc-decision"]
    assert decision.date.iso == "2022-01-06" and decision.checked
    assert "Collective Security Council" in decision.label


def test_treaty_article_4_of_1992_has_no_request_clause(terms) -> None:
    entry = terms["treaty-article-4"]
    assert "on request" not in entry.short and "2010" in entry.short
    assert _checked_urls(entry)
