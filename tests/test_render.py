"""The render stage: one article's Markdown page from its text (clean, segment, footnotes,
anchors, render; no bibliography or glossary), fixture files under
tests/fixtures/stages/render/.
"""

from __future__ import annotations

import pytest

from stage_fixtures import cases, check, ids

CASES = cases("render")


@pytest.mark.parametrize("path", CASES, ids=ids(CASES))
def test_fixture(path):
    check(path)


def test_enough_cases():
    assert len(CASES) >= 5


def test_home_cards_of_articles_without_an_abstract_call_no_notes() -> None:
    """Two articles with no abstract whose first paragraphs call note 1: their cards show
    the paragraphs' words with no note call (the home page holds no notes, and two calls
    would give it the id fnref:1 twice: the build stopped on duplicate-id)."""
    from csto_reader.diagnostics import Reporter
    from csto_reader.model import ArticleMeta, Author, SourceText
    from csto_reader.pipeline import build_article
    from csto_reader.publish.pages import render_home

    text = (
        "A Test Article\n\nAnn Author\n\n"
        "The deployment began at once.1 It ended within two weeks of the request.\n\n"
        "Notes\n\n1. The official statement of the day.\n"
    )
    cards = []
    for slug in ("first-2023", "second-2023"):
        meta = ArticleMeta(slug=slug, title="A Test Article", authors=(Author("Ann Author"),))
        path = f"sources/{slug}/article.txt"
        source = SourceText(slug=slug, path=path, lines=tuple(text.split("\n")), meta=meta)
        cards.append(build_article(source, Reporter()).article)
    assert all(a.footnotes for a in cards)  # the paragraph does call a note
    home = render_home(cards, {})
    assert "fnref" not in home and "footnote-ref" not in home
    assert home.count("The deployment began at once. It ended within two weeks") == 2
