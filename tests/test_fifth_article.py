"""A fifth article in another format goes through with no code aimed at it."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT
from csto_reader.model import Heading, Paragraph
from helpers import to_html, visible_text

FIXTURE = ROOT / "tests" / "fixtures" / "fifth-article"


@pytest.fixture(scope="module")
def fifth():
    from csto_reader.pipeline import build

    out = build(FIXTURE)
    assert len(out.articles) == 1
    return out.articles[0]


def test_hard_wraps_and_hyphenation_are_joined(fifth):
    paras = [b.text for b in fifth.article.blocks if isinstance(b, Paragraph)]
    assert any("most of the crises they meet are internal. Scholars" in p for p in paras)
    assert any("(Nikitina 2012, 45–47; Allison 2004)" in p for p in paras)
    assert len(paras) == 5


def test_numbered_headings_found(fifth):
    heads = [(h.level, h.text) for h in fifth.article.blocks if isinstance(h, Heading)]
    assert heads == [(2, "1. Introduction"), (2, "2. Two Requests"), (2, "3. Conclusion")]


def test_endnotes_placed_at_their_markers(fifth):
    assert [f.key for f in fifth.article.footnotes] == ["1", "2", "3"]
    assert all(f.placed for f in fifth.article.footnotes)
    page = to_html(fifth.markdown)
    for k in "123":
        assert page.index(f'id="fnref:{k}"') < page.index(f'id="fn:{k}"')
    assert "bibliography; no new material" in visible_text(page)
    assert "[1]" not in visible_text(page)


def test_page_headers_and_numbers_removed(fifth):
    text = visible_text(to_html(fifth.markdown))
    assert "OKAFOR | ALLIANCE" not in text
    rules = [r.rule for r in fifth.article.removals]
    assert rules.count("running-head") == 2 and rules.count("page-number") == 2


def test_bibliography_separated(fifth):
    refs = fifth.article.references
    assert fifth.article.references_title == "Bibliography"
    assert [r.text.split(",")[0] for r in refs] == ["Allison", "Deutsch", "Nikitina"]


def test_header_from_front_matter(fifth):
    page = to_html(fifth.markdown)
    assert re.search(r"<h1[^>]*>Alliance Commitments", page)
    assert "Journal of Example Studies" in page


def test_chicago_citations_link_to_the_bibliography_with_locators(fifth):
    counts = fifth.citations.counts()
    assert (counts["linked"], counts["linked_with_note"], counts["unresolved"]) == (5, 0, 0)
    assert counts["uncited_references"] == 0
    found = [(r.item.text, r.key, r.item.locator) for r in fifth.citations.resolved]
    assert found == [
        ("Allison 2004, 465", "allison2004", "465"),
        ("Nikitina 2012, 45–47", "nikitina2012", "45–47"),
        ("Allison 2004", "allison2004", None),
        ("Deutsch (1957, 5–7)", "deutsch1957", "5–7"),
        ("Nikitina (2012)", "nikitina2012", None),  # inside note 2
    ]
    assert [r.citation.kind for r in fifth.citations.resolved][3:] == ["narrative"] * 2
    page = fifth.markdown
    for key, text in [
        ("allison2004", "Allison 2004, 465"),
        ("nikitina2012", "Nikitina 2012, 45–47"),
        ("deutsch1957", "Deutsch (1957, 5–7)"),
        ("nikitina2012", "Nikitina (2012)"),
    ]:
        assert re.search(
            rf'<a class="cite" href="\.\./\.\./bibliography/#{key}"[^>]*>{re.escape(text)}</a>',
            page,
        ), text
    # the text around the links stays as the author wrote it, locators included
    assert re.search(r'\(<a class="cite"[^>]*>Allison 2004, 465</a>\)', page)
    assert re.search(r'\(<a class="cite"[^>]*>Nikitina 2012, 45–47</a>; <a class="cite"', page)
