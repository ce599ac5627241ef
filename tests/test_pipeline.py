"""The foundation: four faithful article pages from the raw texts."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter

import pytest

from conftest import ROOT, SLUGS
from csto_reader.ingest.completeness import lost_words
from csto_reader.ingest.sources import split_lines
from csto_reader.model import Heading, ListBlock, Paragraph, Quote, Table
from helpers import to_html, visible_text, words

HTML_TAG = re.compile(r"</?(?:sup|sub|ul|ol|li|p|br|span|div|b|i|em|strong)\b[^>]*>", re.I)
ORDERED = re.compile(r"^\s*(?:[-*]\s+)?\d{1,3}[.)]\s")


# ---------------------------------------------------------------- golden files


@pytest.mark.parametrize("slug", SLUGS)
def test_golden_markdown(by_slug, slug):
    """The generated Markdown equals the reviewed copy (regenerate: `make golden`)."""
    golden = (ROOT / "tests" / "golden" / f"{slug}.md").read_text(encoding="utf-8")
    assert by_slug[slug].markdown == golden


@pytest.mark.parametrize("slug", SLUGS)
def test_golden_diagnostics(built, by_slug, slug):
    expected = (ROOT / "tests" / "golden" / f"{slug}.diagnostics.txt").read_text(encoding="utf-8")
    path = by_slug[slug].article.source_path
    got = "".join(d.format() + "\n" for d in built.diagnostics if d.span.file == path)
    assert got == expected


# ---------------------------------------------------------------- nothing lost


@pytest.mark.parametrize("slug", SLUGS)
def test_nothing_lost(by_slug, slug):
    """Every word of the body, footnotes and references reaches the page, except the
    recorded removals: the check the build itself runs (completeness.lost_words)."""
    b = by_slug[slug]
    assert b.article.source_lines == split_lines(
        (ROOT / b.article.source_path).read_text(encoding="utf-8-sig")
    )
    missing = lost_words(b.article.source_lines, b.article.removals, b.markdown)
    assert not missing, f"words lost from {slug}: {missing}"


@pytest.mark.parametrize("slug", SLUGS)
def test_body_in_order(by_slug, slug):
    """Body paragraphs keep the source's reading order."""
    lines = [b.span.line for b in by_slug[slug].article.blocks]
    assert lines == sorted(lines)


# ---------------------------------------------------------------- no artefacts


@pytest.mark.parametrize("slug", SLUGS)
def test_no_conversion_artefacts(by_slug, slug):
    text = visible_text(to_html(by_slug[slug].markdown))
    for artefact in [
        "<sup>",
        "</sup>",
        "^{",
        "\t",
        "\\_",
        "\\$",
        "<li>",
        "<ul",
        "&amp;",
        "Cover Page",
        "Cite item",
        "Comments are closed",
        "cookies",
        "HISTORICAL RETROSPECTIVE AND MODERNITY",
        "ISSN",
    ]:
        assert artefact not in text, f"{artefact!r} on the {slug} page"
    assert not re.search(r"(?m)^\s*-{3,}\s*$", text)


def test_running_footer_and_page_number_removed(by_slug):
    text = visible_text(to_html(by_slug["beloglazov-2023"].markdown))
    assert "4(10): 138-148" not in text
    assert not re.search(r"\b148 ISSN", text)
    rules = {r.rule for r in by_slug["beloglazov-2023"].article.removals}
    assert {"running-head", "issn-line"} <= rules


def test_escapes_undone_and_dollar_kept(by_slug):
    text = visible_text(to_html(by_slug["zhang-2023"].markdown))
    assert "$50 billion" in text
    assert "politics_sub" in text
    assert "Šćepanović" in text


def test_source_html_is_escaped(tmp_path):
    """HTML or script in a source never reaches a page as markup."""
    from csto_reader.publish.render import inline

    out = to_html(inline("A <script>alert(1)</script> and <b>bold</b> & more"))
    assert "<script>" not in out and "<b>" not in out
    assert "&lt;script&gt;" in out


# ---------------------------------------------------------------- structure


def headings(b):
    return [(h.level, h.text) for h in b.article.blocks if isinstance(h, Heading)]


def test_headings_marked_and_unmarked(by_slug):
    z = headings(by_slug["zhang-2023"])
    assert (2, "Introduction") in z and (2, "Conclusion") in z
    assert (3, "Russia-Sino") in z and (3, "Russia-U.S.") in z
    bel = headings(by_slug["beloglazov-2023"])
    assert (2, "Materials and methods") in bel and (2, "Results") in bel
    assert (3, "Peacekeeping activities of the CSTO in Central Asia") in bel
    assert [lvl for lvl, _ in bel][0] == 2
    assert headings(by_slug["choi-2022"]) == []


def test_paragraph_cut_by_footnotes_is_joined(by_slug):
    paras = [b.text for b in by_slug["zhang-2023"].article.blocks if isinstance(b, Paragraph)]
    assert any("but through benign operation, regional organizations" in p for p in paras)
    assert not any(p.startswith("benign operation") for p in paras)
    bel = [b.text for b in by_slug["beloglazov-2023"].article.blocks if isinstance(b, Paragraph)]
    assert any("in the south of Kyrgyzstan, but was refused." in p for p in bel)


def test_block_quotes(by_slug):
    quotes = [b for b in by_slug["beloglazov-2023"].article.blocks if isinstance(b, Quote)]
    assert len(quotes) >= 10
    assert any(
        q.text.startswith("Russia and its allies created a new military-political bloc")
        for q in quotes
    )
    assert not any(isinstance(b, Quote) for b in by_slug["zhang-2023"].article.blocks)


def test_numbered_list_with_quote(by_slug):
    lists = [b for b in by_slug["beloglazov-2023"].article.blocks if isinstance(b, ListBlock)]
    assert len(lists) == 1 and lists[0].ordered
    assert [i.number for i in lists[0].items] == [1, 2, 3, 4, 5]
    assert lists[0].items[0].quote and lists[0].items[0].quote.startswith("To achieve the goals")
    page = to_html(by_slug["beloglazov-2023"].markdown)
    assert re.search(r"<ol>\s*<li>", page)


def test_table_with_caption_and_list_cells(by_slug):
    tables = [b for b in by_slug["zhang-2023"].article.blocks if isinstance(b, Table)]
    assert len(tables) == 1
    t = tables[0]
    assert t.caption == "Table 1" and t.header == ("Dates", "Events") and len(t.rows) == 10
    assert "President Tokayev asks CSTO help" in t.rows[3][1].split("\n")
    page = to_html(by_slug["zhang-2023"].markdown)
    assert "<caption>Table 1</caption>" in page and '<th scope="col">Dates</th>' in page


@pytest.mark.parametrize("slug", SLUGS)
def test_header_shows_what_meta_states(by_slug, slug):
    """Front matter consumed by the header (rule "header") is on the page via meta.yml."""
    b = by_slug[slug]
    page = Counter(words(visible_text(to_html(b.markdown))))
    m = b.article.meta
    stated = Counter(
        words(
            " ".join(
                [m.title, m.abstract or "", " ".join(m.keywords)] + [a.name for a in m.authors]
            )
        )
    )
    assert not stated - page


def test_front_matter_becomes_header(by_slug):
    page = to_html(by_slug["zhang-2023"].markdown)
    outside_cite_box = re.sub(r'<details class="cite-this">.*?</details>', "", page, flags=re.S)
    assert outside_cite_box.count("From the Kazakhstan Crisis to see how Russia Involved") == 1
    assert 'class="abstract"' in page and "Keywords:" in page
    bel = to_html(by_slug["beloglazov-2023"].markdown)
    assert 'href="https://doi.org/10.53658/RW2023-3-4(10)-190-203"' in bel


def test_bare_urls_become_links(by_slug):
    page = to_html(by_slug["beloglazov-2023"].markdown)
    assert '<a href="http://kremlin.ru/supplement/5800">' in page


# ---------------------------------------------------------------- anchors


@pytest.mark.parametrize("slug", SLUGS)
def test_paragraph_anchors_sequential_and_unique(by_slug, slug):
    page = to_html(by_slug[slug].markdown)
    ids = re.findall(r'id="(p\d+)"', page)
    assert ids == [f"p{i}" for i in range(1, len(ids) + 1)]
    assert all(f'href="#{i}"' in page for i in ids)


@pytest.mark.parametrize("slug", SLUGS)
def test_addresses_are_stable(by_slug, slug):
    """Syllabi link to these addresses: a change to any of them must be a reviewed change
    of tests/golden/<slug>.anchors.tsv (regenerate with `make golden`)."""
    from csto_reader.ingest.anchors import anchor_index

    b = by_slug[slug]
    got = "".join(
        f"{a}\t{line}\t{w}\n" for a, w, line in anchor_index(b.article.blocks, b.heading_ids)
    )
    assert got == (ROOT / "tests" / "golden" / f"{slug}.anchors.tsv").read_text(encoding="utf-8")


def test_anchor_examples(by_slug):
    page = to_html(by_slug["zhang-2023"].markdown)
    assert 'id="p12"' in page and 'id="introduction"' in page


# ---------------------------------------------------------------- footnotes


def note_keys(b):
    return [f.key for f in b.article.footnotes if f.placed]


def test_footnote_counts(by_slug):
    assert note_keys(by_slug["zhang-2023"]) == [str(i) for i in range(1, 20)]
    bel = note_keys(by_slug["beloglazov-2023"])
    assert sorted(k for k in bel if k.isdigit()) == sorted(str(i) for i in range(1, 20) if i != 15)
    # the bare asterisk after "Islamic State" is the split call of note "10 *" (issue 13);
    # the fourth asterisk copy (line 183) has no marker of its own
    assert "*" not in bel
    unplaced = [f for f in by_slug["beloglazov-2023"].article.footnotes if not f.placed]
    assert [(f.key, f.span.line) for f in unplaced] == [("15", 145), ("unnumbered", 183)]
    assert note_keys(by_slug["syssoyeva-2023"]) == [str(i) for i in range(1, 15)]
    assert note_keys(by_slug["choi-2022"]) == []


@pytest.mark.parametrize("slug", SLUGS)
def test_each_footnote_placed_at_its_marker(by_slug, slug):
    page = to_html(by_slug[slug].markdown)
    for key in note_keys(by_slug[slug]):
        k = key if key.strip("*") else key.replace("*", "ast")
        assert page.count(f'id="fnref:{k}"') == 1, key
        assert page.count(f'id="fn:{k}"') == 1, key
        assert page.index(f'id="fnref:{k}"') < page.index(f'id="fn:{k}"')


def test_notes_are_listed_in_the_order_of_their_markers(by_slug):
    """Beloglazov's notes ran 8, 10, 9 (the superscript ¹⁰ was found before the asterisk
    marker *9 that stands before it); the list follows the text: 8, 9, 10, 11."""
    keys = note_keys(by_slug["beloglazov-2023"])
    assert keys[7:11] == ["8", "9", "10", "11"]
    assert keys == sorted(keys, key=int)


def test_a_note_with_two_calls_has_one_call_id(by_slug):
    """Note 10 is called twice ("Islamic State"* and country¹⁰): both calls link to it,
    the first holds the back-link's target id, the second no id (no duplicate id)."""
    page = to_html(by_slug["beloglazov-2023"].markdown)
    assert page.count('href="#fn:10"') == 2
    assert page.count('id="fnref:10"') == 1
    assert '"Islamic State"<sup class="fn" id="fnref:10">' in page.replace("&quot;", '"')


def test_footnote_markers_sit_where_the_text_put_them(by_slug):
    from csto_reader.model import fn_token

    def text_of(slug):
        out = []
        for b in by_slug[slug].article.blocks:
            if isinstance(b, (Paragraph, Quote)):
                out.append(b.text)
            elif isinstance(b, ListBlock):
                out.extend(i.text + (i.quote or "") for i in b.items)
        return " ".join(out)

    assert "(RK)" + fn_token("1") in text_of("syssoyeva-2023")
    assert "Kazakhstan." + fn_token("2") in text_of("syssoyeva-2023")
    assert "2.5 thousand" in text_of("syssoyeva-2023")
    assert "Euro-Asian space" + fn_token("1") in text_of("beloglazov-2023")
    assert "intensify" + fn_token("9") in text_of("beloglazov-2023")
    zhang = by_slug["zhang-2023"]
    assert any(fn_token("1") in b for b in zhang.byline)
    notes = {f.key: f.text for f in by_slug["beloglazov-2023"].article.footnotes}
    assert notes["1"].startswith("Statement by the Collective Security Council")


def test_unplaced_footnote_is_an_editorial_note(by_slug):
    page = to_html(by_slug["beloglazov-2023"].markdown)
    assert 'class="editorial-note"' in page
    assert "Collective rapid deployment forces of the Central Asian Region" in page


# ---------------------------------------------------------------- bad input


def write_article(root, slug, text, meta=None):
    d = root / "sources" / slug
    d.mkdir(parents=True)
    (d / "article.txt").write_text(text, encoding="utf-8")
    (d / "meta.yml").write_text(
        meta or "title: A test\nauthors:\n  - name: Ann Author\n", encoding="utf-8"
    )


PROSE = (
    "This is a sentence of the body that is long enough to be read as prose by the "
    "segmenter, with more than thirty words in it so that the rule that finds the start "
    "of the body applies here"
)


def test_marker_without_body_fails_with_location(tmp_path):
    write_article(tmp_path, "t-2024", f"A test\n\n{PROSE}.<sup>1</sup>\n\n{PROSE}.\n")
    proc = subprocess.run(
        [sys.executable, "-m", "csto_reader", "--root", str(tmp_path), "build"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "scripts")},
    )
    assert proc.returncode == 1
    assert (
        "sources/t-2024/article.txt:3: error: footnote marker 1 has no footnote body" in proc.stderr
    )
    assert "Traceback" not in proc.stderr


def test_body_without_marker_fails_unless_accepted(tmp_path):
    from csto_reader.diagnostics import BuildError
    from csto_reader.pipeline import build

    write_article(tmp_path, "t-2024", f"A test\n\n{PROSE}.\n\n<sup>1</sup> A note.\n\n{PROSE}.\n")
    with pytest.raises(BuildError) as e:
        build(tmp_path)
    assert any(d.code == "footnote-unplaced" and d.span.line == 5 for d in e.value.diagnostics)


def test_article_without_references_builds(tmp_path):
    from csto_reader.pipeline import build

    write_article(tmp_path, "t-2024", f"A test\n\n{PROSE}.\n\n{PROSE}.\n")
    out = build(tmp_path)
    assert out.articles[0].article.references == ()
    assert 'id="p2"' in to_html(out.pages["articles/t-2024.md"])


def test_no_internal_tokens_leak_into_pages(built):
    """The private-use characters that carry markers between stages never reach a page."""
    for name, text in built.pages.items():
        leaked = re.findall(r"[\ufdd0-\ufddf\x1f]", text)
        assert not leaked, f"{name}: {leaked[:5]}"


def test_notes_end_at_back_matter_headings():
    """A notes section followed by back matter ("Funding", "Declaration of interest:
    ...", "Data availability", "**Acknowledgements**"): the last note stops at the first
    of these headings, and each is its own back-matter section."""
    from csto_reader.pipeline import build

    out = build(ROOT / "tests" / "fixtures" / "notes-then-back-matter")
    article = out.articles[0].article
    notes = {f.key: f.text for f in article.footnotes}
    assert notes["2"] == (
        "The second note, which has a second paragraph. The second paragraph of the second note."
    )
    sections = [(bm.title, bm.paragraphs) for bm in article.back_matter]
    assert sections == [
        ("Funding", ("This work was supported by a grant of the Example Foundation.",)),
        ("Declaration of interest", ("The author reports no competing interests.",)),
        ("Data availability", ("No data were used.",)),
        ("Acknowledgements", ("The author thanks the reviewers.",)),
    ]


def test_full_collections_are_rarer_while_the_stages_run(monkeypatch, tmp_path) -> None:
    """The build raises the threshold of Python's full collections while its stages run
    and gives the caller's back afterwards, also when a stage fails."""
    import gc

    from csto_reader import pipeline

    seen = []
    before = gc.get_threshold()

    def failing(root, reporter, cache):  # the first stage: what the threshold is then
        seen.append(gc.get_threshold())
        raise RuntimeError("stage failed")

    monkeypatch.setattr(pipeline, "_prepare", failing)
    for cache in (False, True):
        with pytest.raises(RuntimeError):
            pipeline.build(tmp_path, cache=cache)
        assert gc.get_threshold() == before
    assert [t[2] for t in seen] == [pipeline.FULL_COLLECTION_EVERY] * 2
    assert [t[:2] for t in seen] == [before[:2]] * 2
