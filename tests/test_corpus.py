"""The generality corpus (tests/fixtures/corpus/) is what it claims to be.

Each article is marked as test data, its meta.yml loads without a diagnostic, it has
600-1,500 words and 6-15 references, and its hand-written expected.yml points at the
text: every citation's ``at`` is on exactly one line, every removal is a line of the
text, the body's first and last lines exist in that order, every citation target is an
entry.  The benchmark's scoring is checked on small cases (its normalising of page
ranges, DOIs and page text), so that a score in RESULTS.md means what it says.
"""

from __future__ import annotations

import sys

import pytest
import yaml

from conftest import ROOT
from csto_reader.diagnostics import Reporter
from csto_reader.ingest.sources import load_meta

sys.path.insert(0, str(ROOT / "benchmarks"))
import generality  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "corpus"
SLUGS = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


def test_the_corpus_has_at_least_eight_articles_in_different_formats() -> None:
    assert len(SLUGS) >= 8
    formats = {yaml.safe_load((CORPUS / s / "expected.yml").read_text())["format"] for s in SLUGS}
    assert len(formats) == len(SLUGS)


@pytest.mark.parametrize("slug", SLUGS)
def test_meta_is_valid_and_marks_test_data(slug: str) -> None:
    reporter = Reporter()
    meta = load_meta(CORPUS / slug / "meta.yml", slug, ROOT, reporter)
    assert reporter.diagnostics == []
    assert meta is not None and meta.note is not None and meta.note.startswith("Test data:")
    assert (CORPUS / slug / "meta.yml").read_text().startswith("# TEST DATA:")


@pytest.mark.parametrize("slug", SLUGS)
def test_expected_points_at_the_text(slug: str) -> None:
    text = (CORPUS / slug / "article.txt").read_text(encoding="utf-8-sig")
    lines = text.replace("\r\n", "\n").split("\n")
    expected = yaml.safe_load((CORPUS / slug / "expected.yml").read_text(encoding="utf-8"))
    assert 600 <= len(text.split()) <= 1500
    refs = expected["references"]
    assert 6 <= len(refs) <= 15
    assert len(expected["citations"]) >= 6
    for c in expected["citations"]:
        generality.line_of(lines, c["at"])  # raises unless on exactly one line
        assert all(1 <= t <= len(refs) for t in c["targets"]), c
    for junk in expected["removals"]:
        assert junk.strip() in {ln.strip() for ln in lines}, junk
    first = generality.line_of(lines, expected["body"]["first"])
    assert first < generality.line_of(lines, expected["body"]["last"])
    for entry in refs:
        assert set(entry) <= set(generality.FIELDS), entry
        assert generality.fold(entry["title"]) in generality.fold(text), entry["title"]


def test_the_benchmark_normalises_what_it_compares() -> None:
    assert generality.pages_norm("101–19") == "101-119"
    assert generality.pages_norm("463--483") == "463-483"
    assert generality.pages_norm("1–6") == "1-6"
    assert generality.doi_norm("https://doi.org/10.5555/X.1.") == "10.5555/x.1"
    assert generality.family("{Collective Security Treaty Organization}") == (
        "collective security treaty organization"
    )
    page = (
        '---\ntitle: x\n---\n<a class="cite" href="#k" title="T">Reyes (2018)</a><span '
        'class="ednote" role="note"> [<span class="ednote-label">Editorial note:</span> '
        "No entry.]</span> study \\[8\\].\n{: #p1 .para }"
    )
    assert " ".join(generality.page_text(page).split()) == "Reyes (2018) study [8]."
    linked = 'Treaty \\[<a class="cite" href="#b" title="T">8</a>\\]. Whether'
    assert generality.page_text(linked) == "Treaty [8]. Whether"
    heading = "## Method { #method }\n\n## Participants { #participants }\n"
    assert generality.page_text(heading).split() == ["##", "Method", "##", "Participants"]
    assert generality.prf(0, 0, 0) == (1.0, 1.0, 1.0)
    assert generality.prf(3, 4, 6)[2] == pytest.approx(2 * 0.75 * 0.5 / 1.25)


def test_body_sentences_leave_out_junk_lines() -> None:
    lines = ["Head", "", "First sentence here is long. Second", "RUNNING HEAD 2", "one ends."]
    expected = {
        "body": {"first": "First sentence", "last": "one ends."},
        "removals": ["RUNNING HEAD 2"],
    }
    got = [s for _, s in generality.body_sentences(expected, lines)]
    assert got == ["First sentence here is long.", "Second one ends."]


def test_body_sentences_leave_out_tab_list_marks() -> None:
    """A word processor's sub-item mark ("\t\to\tstate television") is the list's
    bullet on the page, not a word of the sentence."""
    lines = ["Asked about:", "\t•\tnews sources", "\t\to\tstate television"]
    expected = {"body": {"first": "Asked about", "last": "state television"}}
    got = [s for _, s in generality.body_sentences(expected, lines)]
    assert got == ["Asked about: news sources state television"]
