"""The reader-wide pages built on the articles: glossary, bibliography, teaching."""

from __future__ import annotations

import html
import json
import re

from conftest import SLUGS
from helpers import to_html, visible_text


def test_required_glossary_anchors(built):
    page = to_html(built.pages["glossary.md"])
    for anchor in [
        "crrf",
        "charter-article-4",
        "charter-article-5",
        "treaty-article-4",
        "security-community",
    ]:
        assert f'id="{anchor}"' in page, anchor


def _previews(built, slug: str) -> dict[str, dict[str, str]]:
    """The previews file of an article page (publish/previews.py), as data."""
    text = built.files[f"assets/previews/{slug}.js"].decode("utf-8")
    return json.loads(re.search(r"cstoPreviews\((\{.*\})\);", text, re.S).group(1))


def test_terms_marked_in_articles_with_previews(built, by_slug):
    page = to_html(by_slug["beloglazov-2023"].markdown)
    ids = re.findall(r'<a class="term" href="../glossary.md#([a-z0-9-]+)">', page)
    terms = _previews(built, "beloglazov-2023")["term"]
    assert "crrf" in ids and all(terms.get(i, "").strip() for i in ids)
    assert 'class="term" href="../glossary.md#crrf" title=' not in page  # not in the page
    # never inside headings or footnote markers
    for h in re.findall(r"<h[1-6][^>]*>.*?</h[1-6]>", page, re.S):
        assert 'class="term"' not in h
    for sup in re.findall(r'<sup class="fn".*?</sup>', page, re.S):
        assert 'class="term"' not in sup


def test_glossary_lists_where_articles_use_a_term(built):
    page = to_html(built.pages["glossary.md"])
    assert re.search(r'href="articles/beloglazov-2023.md#p\d+"', page)


def test_bibliography_entries_anchored_with_provenance(built):
    page = to_html(built.pages["bibliography.md"])
    for key in ["kornilenko2020", "shamarov2022a", "shamarov2022b", "krahmann2003", "krahmann2005"]:
        assert f'id="{key}"' in page, key
    entry = re.search(r'<li id="kornilenko2020".*?</li>', page, re.S).group(0)
    assert "Beloglazov (2023)" in entry and "Syssoyeva (2023)" in entry
    assert 'href="https://doi.org/10.22363/2313-0660-2020-20-4-707-720"' in entry


def test_article_references_link_to_merged_entries(by_slug):
    page = to_html(by_slug["beloglazov-2023"].markdown)
    assert 'href="../../bibliography/#kornilenko2020"' in page


def test_teaching_page(built):
    page = to_html(built.pages["teaching.md"])
    text = visible_text(page)
    for slug in SLUGS:
        assert f'href="articles/{slug}.md' in page or f'href="articles/{slug}/' in page
    assert "These questions are ours" in text
    assert re.search(r'href="articles/beloglazov-2023(\.md|/)#p43"', page)


def test_downloads(built):
    assert b"@article{kornilenko2020," in built.files["downloads/reader.bib"]
    assert b"articles/zhang-2023/#p12" in built.files["downloads/addresses.csv"]


def test_citations_link_to_the_bibliography(built, by_slug):
    page = to_html(by_slug["syssoyeva-2023"].markdown)
    assert re.search(
        r'<a class="cite" href="../../bibliography/#shamarov2022a">Shamarov, 2022a, p. 27</a>',
        page,
    )
    assert _previews(built, "syssoyeva-2023")["cite"]["shamarov2022a"].strip()
    assert 'href="../../bibliography/#shamarov2022b"' in page
    bel = to_html(by_slug["beloglazov-2023"].markdown)
    assert re.search(
        r'<a class="cite" href="../../bibliography/#meshcheryakov2012"[^>]*>5:68</a>', bel
    )


def test_citation_slips_shown_as_editorial_notes(by_slug):
    text = visible_text(to_html(by_slug["zhang-2023"].markdown))
    assert re.search(
        r"March & Olsen, 1984\s*\[\s*Editorial note:\s*The reference list dates "
        r"this work 1983\.\]",
        text,
    )
    assert re.search(
        r"Pederson, 2002\s*\[\s*Editorial note:\s*The reference list spells the "
        r"name Pedersen\.\]",
        text,
    )


def test_shared_source_preview_and_cited_at(built, by_slug):
    page = to_html(built.pages["bibliography.md"])
    entry = re.search(r'<li id="kornilenko2020".*?</li>', page, re.S).group(0)
    assert re.search(r"Cited at: .*syssoyeva-2023/#p\d+", entry)
    assert 'href="../../bibliography/#kornilenko2020"' in to_html(
        by_slug["syssoyeva-2023"].markdown
    )
    preview = _previews(built, "syssoyeva-2023")["cite"]["kornilenko2020"]
    assert preview.endswith("Also in the reference list of Beloglazov (2023).")


def test_report_counts(built):
    import json

    report = json.loads(built.files["report.json"])
    assert report["zhang-2023"]["footnote_markers"] == 19
    assert report["zhang-2023"]["reference_items"] == 123
    assert report["zhang-2023"]["citations"]["unresolved"] == 1
    assert report["beloglazov-2023"]["citations"]["linked"] == 12


def test_cite_this_parses_as_bibtex_and_matches_meta(by_slug):
    import bibtexparser

    for b in by_slug.values():
        page = b.markdown
        m = re.search(r'<pre class="cite-bibtex"><code>(.*?)</code></pre>', page, re.S)
        lib = bibtexparser.parse_string(html.unescape(m.group(1)))
        assert not lib.failed_blocks
        (entry,) = lib.entries
        meta = b.article.meta
        assert entry.fields_dict["title"].value == meta.title
        assert meta.authors[0].name.split()[-1] in entry.fields_dict["author"].value
        if meta.doi:
            assert entry.fields_dict["doi"].value == meta.doi
        assert "APA 7:" in page and f"({meta.year})" in page


def test_charter_and_treaty_cited_in_notes_of_three_articles(built):
    """The Charter and the Treaty are cited by address in notes: their entries list
    every article that cites them, across lists and notes."""
    page = to_html(built.pages["bibliography.md"])
    charter = re.search(r'<li id="csto2012".*?</li>', page, re.S).group(0)
    for where in ["beloglazov-2023/#fn:19", "syssoyeva-2023/#fn:13", "zhang-2023/#fn:14"]:
        assert where in charter, where
    treaty = re.search(r'<li id="cst1992".*?</li>', page, re.S).group(0)
    assert "syssoyeva-2023/#fn:13" in treaty and "zhang-2023/#fn:12" in treaty


def test_foreign_language_title_marked(built, by_slug):
    """A title recorded as Portuguese (bib/corrections.yml) carries lang="pt"."""
    for page in (built.pages["bibliography.md"], by_slug["syssoyeva-2023"].markdown):
        assert '<span lang="pt">Por que a Organização do Tratado' in page


# ---------------------------------------------------------------- the home page


def test_one_article_order_follows_the_course_then_year_and_title(root, built):
    """article_order: the course's reading order, then by year (undated last) and title."""
    from dataclasses import replace

    from csto_reader.model import Course, Reading, Span
    from csto_reader.publish.teaching import article_order

    articles = [b.article for b in built.articles]
    course_slugs = ["choi-2022", "beloglazov-2023", "syssoyeva-2023", "zhang-2023"]
    home = to_html(built.pages["index.md"])
    cards = re.findall(r'<article class="article-card"><h2><a href="articles/([a-z0-9-]+)/"', home)
    assert cards == course_slugs  # teaching/course.yml's reading_order

    metas = [a.meta for a in articles]
    by_year = article_order(metas, None)
    # 2022, then the 2023 titles: "2022 January…", "Activities…", "From the…"
    assert by_year == ["choi-2022", "syssoyeva-2023", "beloglazov-2023", "zhang-2023"]
    only_zhang = Course(reading_order=(Reading("zhang-2023", "", Span("c.yml", 1)),))
    assert article_order(metas, only_zhang)[0] == "zhang-2023"
    undated = replace(metas[0], year=None)
    assert article_order([undated, *metas[1:]], None)[-1] == undated.slug


def test_home_page_shows_the_readers_tools(built):
    """On every screen the home page links to the glossary, chronology, bibliography and
    the instructors' page (the navigation is hidden there)."""
    home = to_html(built.pages["index.md"])
    tools = re.search(r'<div class="reader-tools">(.*?)</div>', home, re.S)
    assert tools, "no reader's tools block"
    assert "The reader's tools" in tools.group(1)
    links = re.findall(r'href="([a-z]+)\.md"', tools.group(1))
    assert links == ["glossary", "timeline", "bibliography", "teaching"]
    assert 'class="offline-zip" href="downloads/reader-offline.zip"' in home


def test_bibliography_filter_says_why_an_article_has_no_entries(built):
    page = to_html(built.pages["bibliography.md"])
    notes = re.findall(
        r'<span class="bib-none" data-article="([a-z0-9-]+)" hidden>(.*?)</span>', page
    )
    assert notes == [
        (
            "choi-2022",
            "Choi (2022) has no reference list, so no entry of this bibliography comes from it.",
        )
    ]
