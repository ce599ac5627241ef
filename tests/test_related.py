"""Related passages on the article pages (publish/related.py): quiet, and nothing lost.

Issue 13 found 44 "see also" boxes, one under each paragraph with related passages
(Choi: 10 for 12 paragraphs).  Now a paragraph carries a small mark and each section
ends with at most one list; every link of the old boxes is still on the page, and both
ways.
"""

from __future__ import annotations

import re

import lxml.html
import pytest

from conftest import ROOT, SLUGS
from csto_reader.diagnostics import Reporter
from csto_reader.ingest.article import source_texts
from csto_reader.markup import is_para_anchor
from csto_reader.model import Span
from csto_reader.publish.related import MARK, RelatedPassages
from csto_reader.scholarly.timeline import (
    RelatedGroup,
    SeeAlso,
    load_related,
    passage_anchors,
    see_also_by_question,
)
from helpers import to_html

# The old per-paragraph boxes, counted on the site built from main at 8281715: 44 boxes,
# 324 links, 318 distinct (passage, linked passage) pairs (a paragraph in two questions
# linked some passages twice; the boxes of list items stood after the whole list).  A
# change of timeline/related.yml changes these numbers on purpose.
BOXES_BEFORE = 44
LINKS_BEFORE = 324
RELATIONS_BEFORE = 318

CSS = ROOT / "docs" / "assets" / "stylesheets" / "reader.css"
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def page_tree(markdown_text: str) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(to_html(markdown_text), create_parent="div")


def sections(tree: lxml.html.HtmlElement) -> list[list[lxml.html.HtmlElement]]:
    """The page's top-level elements, cut at every heading (the heading starts one)."""
    out: list[list[lxml.html.HtmlElement]] = [[]]
    for el in tree:
        if el.tag in HEADINGS:
            out.append([])
        out[-1].append(el)
    return out


def is_list(el: lxml.html.HtmlElement) -> bool:
    return "see-also" in (el.get("class") or "").split()


def target(href: str, slug: str) -> tuple[str, str]:
    """(slug, anchor) of a link on ``articles/<slug>.md``: "#p4", "zhang-2023.md#p19"."""
    page, _, anchor = href.partition("#")
    return (page.removesuffix(".md") or slug, anchor)


@pytest.fixture(scope="module")
def model(built) -> dict:
    """(slug, anchor) -> groups with links, from the data file, as the build makes them."""
    articles = [b.article for b in built.articles]
    reporter = Reporter()
    related = load_related(ROOT, reporter, source_texts(articles))
    assert not reporter.errors
    titles = {a.meta.slug: a.meta.title for a in articles}
    return see_also_by_question(related, passage_anchors(articles), titles)


@pytest.fixture(scope="module")
def trees(by_slug) -> dict[str, lxml.html.HtmlElement]:
    return {slug: page_tree(by_slug[slug].markdown) for slug in SLUGS}


def test_at_most_one_list_per_section_and_at_its_end(trees) -> None:
    lists = 0
    for slug, tree in trees.items():
        for part in sections(tree):
            found = [i for i, el in enumerate(part) if is_list(el)]
            assert len(found) <= 1, (slug, part[0].text_content()[:60], len(found))
            if found:
                assert found[0] == len(part) - 1, (slug, "the list ends its section")
            lists += len(found)
        # no list anywhere else (inside a paragraph, a quotation, a list item)
        assert len(tree.find_class("see-also")) == sum(is_list(el) for el in tree), slug
    assert 0 < lists < BOXES_BEFORE


def test_every_link_of_before_is_kept_both_ways(trees, model) -> None:
    """Each list item names the section's passages of one question (.see-here) and links
    the question's other passages: every pair the old boxes linked is still linked."""
    expected = {
        (slug, here, link.slug, link.anchor)
        for (slug, here), groups in model.items()
        for _group, links in groups
        for link in links
    }
    assert len(expected) == RELATIONS_BEFORE
    assert sum(len(links) for groups in model.values() for _, links in groups) == LINKS_BEFORE
    shown: set[tuple[str, str, str, str]] = set()
    for slug, tree in trees.items():
        for item in (li for lst in tree.find_class("see-also") for li in lst.iter("li")):
            links = [target(a.get("href"), slug) for a in item.iter("a")]
            heres = [target(a.get("href"), slug) for a in item.find_class("see-here")]
            assert heres, "an item names the passages of this page it is about"
            for _, here in heres:
                shown.update((slug, here, *t) for t in links if t != (slug, here))
    assert shown == expected
    # both ways: whoever links to a passage is linked from it
    for slug, here, other_slug, other in expected:
        assert (other_slug, other, slug, here) in expected


def test_each_mark_leads_to_an_item_of_its_section_that_names_it(trees, model) -> None:
    marked: set[tuple[str, str]] = set()
    for slug, tree in trees.items():
        for part in sections(tree):
            items = {li.get("id"): li for el in part if is_list(el) for li in el.iter("li")}
            for el in part:
                for mark in el.find_class("see-mark"):
                    para = next(p for p in mark.iterancestors() if p.get("id"))
                    anchor = para.get("id")
                    assert mark.text_content() == MARK
                    assert mark.get("aria-label").startswith(f"¶{anchor[1:]}: related passages")
                    item = items[mark.get("href").removeprefix("#")]
                    assert f"#{anchor}" in [a.get("href") for a in item.find_class("see-here")]
                    marked.add((slug, anchor))
    assert marked == {k for k in model if is_para_anchor(k[1])}


def test_the_lists_classes_are_styled() -> None:
    css = CSS.read_text(encoding="utf-8")
    for name in ["see-mark", "see-also", "see-also-label", "see-here", "see-question"]:
        assert f".{name}" in css, name


# ---------------------------------------------------------------- the unit


def _group(gid: str, question: str) -> RelatedGroup:
    return RelatedGroup(gid, question, (), Span("timeline/related.yml", 1))


def _link(slug: str, anchor: str) -> SeeAlso:
    article = {"a-2020": "A (2020)", "b-2021": "B (2021)"}[slug]
    return SeeAlso(slug, anchor, f"{article}, ¶{anchor[1:]}", article)


def test_one_item_per_question_with_the_sections_paragraphs() -> None:
    q1, q2 = _group("q-one", "Why *this*?"), _group("q-two", "And that?")
    by_anchor = {
        "p1": [(q1, [_link("a-2020", "p2"), _link("b-2021", "p7"), _link("b-2021", "p9")])],
        "p2": [
            (q1, [_link("a-2020", "p1"), _link("b-2021", "p7"), _link("b-2021", "p9")]),
            (q2, [_link("b-2021", "p3")]),
        ],
        "fn:4": [(q2, [_link("b-2021", "p3")])],
    }
    related = RelatedPassages("a-2020", by_anchor)
    assert related.mark("p1").endswith(
        f'href="#see-p1-q-one" aria-label="¶1: related passages '
        f'on one question, listed at the end of this section" '
        f'title="¶1: related passages on one question, listed at '
        f'the end of this section">{MARK}</a>'
    )
    mark2 = related.mark("p2")
    assert 'href="#see-p1-q-one"' in mark2 and "2 questions" in mark2
    assert related.mark("p3") == ""
    html = to_html(related.section_list())
    items = re.findall(r"<li[^>]*>.*?</li>", html, re.S)
    assert len(items) == 2 and html.count('class="see-also"') == 1
    assert 'id="see-p1-q-one"' in items[0] and 'id="see-p2-q-two"' in items[1]
    assert items[0].count('class="see-here"') == 2  # ¶1 and ¶2, both here
    assert "Why *this*?" in items[0]  # the question is text, not markup
    assert 'B (2021) <a href="b-2021.md#p7">¶7</a>, <a href="b-2021.md#p9">¶9</a>' in items[0]
    assert related.section_list() == ""  # the next section starts empty
    rest = to_html(related.rest_list())  # the note no block showed
    assert 'href="#fn:4"' in rest and 'href="b-2021.md#p3"' in rest


def test_no_related_passages_no_markup() -> None:
    related = RelatedPassages("a-2020")
    assert related.mark("p1") == ""
    assert related.section_list() == "" and related.rest_list() == ""


def test_a_same_article_passage_in_another_section_is_this_article() -> None:
    q = _group("q", "Q?")
    related = RelatedPassages("a-2020", {"p1": [(q, [_link("a-2020", "p9")])]})
    related.mark("p1")
    assert "this article [¶9](#p9)" in related.section_list()
