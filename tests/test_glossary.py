"""Tests for the glossary stage: the reviewed data file, matching, marking, the page."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csto_reader.diagnostics import Reporter
from csto_reader.ingest.sources import split_lines
from csto_reader.model import ArticleLineSource, DocumentSource, Term, Wording, fn_token
from csto_reader.scholarly import glossary as g

ROOT = Path(__file__).resolve().parents[1]
TERMS_FILE = ROOT / "glossary" / "terms.yml"
SLUGS = ("zhang-2023", "beloglazov-2023", "syssoyeva-2023", "choi-2022")


def _source_lines(slug: str) -> list[str]:
    return list(split_lines((ROOT / "sources" / slug / "article.txt").read_text(encoding="utf-8")))


TEXTS = {slug: _source_lines(slug) for slug in SLUGS}


@pytest.fixture(scope="module")
def real_terms() -> list[Term]:
    reporter = Reporter()
    terms = g.load_terms(TERMS_FILE, reporter, root=ROOT)
    assert [d.format() for d in reporter.diagnostics] == []
    return terms


def _wordings() -> list[tuple[str, Wording]]:
    terms = g.load_terms(TERMS_FILE, Reporter(), root=ROOT)
    return [(t.id, w) for t in terms for w in t.wordings]


def _line_sources() -> list[tuple[str, ArticleLineSource]]:
    terms = g.load_terms(TERMS_FILE, Reporter(), root=ROOT)
    return [(t.id, s) for t in terms for s in t.sources if isinstance(s, ArticleLineSource)]


# ---------------------------------------------------------------- the real data file


def test_real_file_loads_without_diagnostics(real_terms: list[Term]) -> None:
    assert len(real_terms) >= 25


def test_required_entries_have_definition_and_source(real_terms: list[Term]) -> None:
    by_id = {t.id: t for t in real_terms}
    for rid in g.REQUIRED_IDS:
        term = by_id[rid]
        assert term.short and term.explanation
        assert term.sources


def test_provision_entries_show_the_articles_wordings(real_terms: list[Term]) -> None:
    by_id = {t.id: t for t in real_terms}
    for rid in ("charter-article-4", "charter-article-5", "treaty-article-4"):
        assert by_id[rid].wordings, rid
    # The collective-defence article is shown as each article words it, Choi's
    # "charter" included.
    slugs = {w.slug for w in by_id["treaty-article-4"].wordings}
    assert {"zhang-2023", "beloglazov-2023", "choi-2022"} <= slugs


def test_short_definitions_fit_a_tooltip(real_terms: list[Term]) -> None:
    for term in real_terms:
        assert 0 < len(term.short) <= g.SHORT_MAX, term.id


@pytest.mark.parametrize(
    ("term_id", "wording"), _wordings(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_wording_is_on_its_stated_line(term_id: str, wording: Wording) -> None:
    # Guards against invented quotations: the phrase must be on that very line.
    line = TEXTS[wording.slug][wording.line - 1]
    assert g.normalize_for_comparison(wording.text) in g.normalize_for_comparison(line), (
        f"{term_id}: {wording.text!r} not on {wording.slug}:{wording.line}"
    )


@pytest.mark.parametrize(
    ("term_id", "source"), _line_sources(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_article_line_source_exists(term_id: str, source: ArticleLineSource) -> None:
    lines = TEXTS[source.slug]
    assert 1 <= source.line <= len(lines), term_id
    assert lines[source.line - 1].strip(), f"{term_id}: {source.slug}:{source.line} is blank"


def test_check_against_sources_finds_nothing_wrong(real_terms: list[Term]) -> None:
    reporter = Reporter()
    g.check_against_sources(real_terms, TEXTS, reporter)
    assert [d.format() for d in reporter.diagnostics] == []


def test_document_addresses_come_from_the_articles(real_terms: list[Term]) -> None:
    all_text = g.normalize_for_comparison("\n".join("\n".join(lines) for lines in TEXTS.values()))
    for term in real_terms:
        for source in term.sources:
            if isinstance(source, DocumentSource):
                assert source.url in all_text, (term.id, source.url)


def test_every_term_occurs_in_the_articles(real_terms: list[Term]) -> None:
    paragraphs = [
        (slug, f"L{n}", text) for slug, lines in TEXTS.items() for n, text in enumerate(lines, 1)
    ]
    found = g.find_occurrences(real_terms, paragraphs)
    reporter = Reporter()
    g.report_unused(real_terms, found, reporter)
    assert [d.format() for d in reporter.diagnostics] == []


# ---------------------------------------------------------------- occurrences


def _term(term_id: str, *variants: str, short: str = "A short definition.") -> Term:
    span = g.Span("glossary/terms.yml", 1)
    return Term(term_id, variants[0], tuple(variants), short, "Explanation.", (), (), (), span)


CRRF = _term(
    "crrf",
    "Collective Rapid Reaction Forces",
    "Collective Rapid Reaction Force",
    "CRRF",
    "Rapid Reaction Forces",
)
CSTO = _term("csto", "Collective Security Treaty Organization", "CSTO")
TREATY = _term("collective-security-treaty", "Collective Security Treaty", "CST")
NATO = _term("nato", "NATO")
COMMUNITY = _term("security-community", "security community", "security communities")
TERMS = [CRRF, CSTO, TREATY, NATO, COMMUNITY]


def test_name_with_acronym_in_parentheses_counts_once() -> None:
    found = g.find_occurrences(
        TERMS, [("a", "p1", "The Collective Rapid Reaction Forces (CRRF) of the CSTO.")]
    )
    assert [o.matched for o in found["crrf"]] == ["Collective Rapid Reaction Forces (CRRF)"]
    assert [o.matched for o in found["csto"]] == ["CSTO"]


def test_longest_variant_wins() -> None:
    found = g.find_occurrences(
        TERMS, [("a", "p1", "The Collective Security Treaty Organization was built on the CST.")]
    )
    assert [o.matched for o in found["csto"]] == ["Collective Security Treaty Organization"]
    assert [o.matched for o in found["collective-security-treaty"]] == ["CST"]


def test_acronyms_are_case_sensitive_and_whole_word() -> None:
    text = "The nato summit; NATOs; CSTO's role; CSTOX; the CSTO-led force."
    found = g.find_occurrences(TERMS, [("a", "p1", text)])
    assert found["nato"] == []
    assert [o.matched for o in found["csto"]] == ["CSTO", "CSTO"]


def test_other_variants_ignore_case_and_line_wraps() -> None:
    found = g.find_occurrences(
        TERMS, [("a", "p2", "A Eurasian Security\nCommunity and security  communities.")]
    )
    assert [o.matched for o in found["security-community"]] == [
        "Security\nCommunity",
        "security  communities",
    ]
    assert all(o.anchor == "p2" and o.slug == "a" for o in found["security-community"])


def test_snippet_has_about_a_dozen_words_and_ellipses() -> None:
    text = " ".join(f"w{i}" for i in range(30)) + " CRRF " + " ".join(f"x{i}" for i in range(30))
    (occ,) = g.find_occurrences(TERMS, [("a", "p1", text)])["crrf"]
    assert occ.snippet == "… w25 w26 w27 w28 w29 CRRF x0 x1 x2 x3 x4 …"
    (short,) = g.find_occurrences(TERMS, [("a", "p1", "The CRRF, here.")])["crrf"]
    assert short.snippet == "The CRRF, here."


def test_footnote_tokens_are_not_prose() -> None:
    found = g.find_occurrences(TERMS, [("a", "p1", f"The CSTO{fn_token('4')} acted.")])
    assert found["csto"][0].snippet == "The CSTO acted."


def test_every_term_has_an_entry_even_without_matches() -> None:
    assert g.find_occurrences(TERMS, []) == {t.id: [] for t in TERMS}


# ---------------------------------------------------------------- marking

URL = "https://glossary.invalid/g/"
_MARK_RE = re.compile(r"\[([^\[\]]*)\]\(" + re.escape(URL) + r"#[a-z0-9-]+\)\{ \.term \}")


def _unmark(text: str) -> str:
    return _MARK_RE.sub(lambda m: m.group(1), text)


def _marked(text: str) -> list[str]:
    return [m.group(0) for m in _MARK_RE.finditer(text)]


def test_marks_first_occurrence_with_link_and_no_tooltip() -> None:
    """The short definition is not in the page (publish/previews.py writes it)."""
    seen: set[str] = set()
    out = g.mark_terms("The CSTO and the CSTO again.", TERMS, seen, URL)
    assert out == f"The [CSTO]({URL}#csto){{ .term }} and the CSTO again."
    assert seen == {"csto"}


def test_already_marked_terms_are_left_alone_and_the_set_grows() -> None:
    seen = {"csto"}
    out = g.mark_terms("The CSTO and NATO.", TERMS, seen, URL)
    assert _unmark(out) == "The CSTO and NATO."
    assert [m.split("]")[0] for m in _marked(out)] == ["[NATO"]
    assert seen == {"csto", "nato"}


def test_name_and_acronym_are_marked_as_one() -> None:
    out = g.mark_terms(
        "The Collective Rapid Reaction Forces (CRRF) were set up.", TERMS, set(), URL
    )
    assert _marked(out)[0].startswith("[Collective Rapid Reaction Forces (CRRF)](")


@pytest.mark.parametrize(
    "text",
    [
        "See [the CSTO page](https://example.org/csto) here.",
        "See [CSTO][ref] here.",
        "A claim.[^CSTO] More.",
        "Code `CSTO` here.",
        '<span class="cite">(CSTO, 2012)</span> and more',
        '<a href="x">the CSTO <b>now</b></a>',
        "(Collaborative Security Treaty Organization [CSTO], 1992)",
        "(Kazantsev et al., 2021; CSTO, 2012)",
        "## The CSTO",
        '---\ntitle: "The CSTO"\n---',
        "Heading { #csto-heading } text",
        "https://en.odkb-csto.org/CSTO/charter",
        f"marker {fn_token('CSTO')} here",
    ],
)
def test_never_marks_inside_protected_text(text: str) -> None:
    assert g.mark_terms(text, [CSTO], set(), URL) == text


def test_heading_line_is_skipped_but_the_next_line_is_marked() -> None:
    out = g.mark_terms("# CSTO\nThe CSTO acted.", [CSTO], set(), URL)
    assert out.startswith("# CSTO\nThe [CSTO](")


def test_marks_next_to_a_link_and_a_footnote_ref() -> None:
    out = g.mark_terms("[NATO](https://n.example) and NATO.[^1]", TERMS, set(), URL)
    assert out == f"[NATO](https://n.example) and [NATO]({URL}#nato){{ .term }}.[^1]"


def test_a_definition_never_reaches_the_marked_text() -> None:
    term = _term("csto", "CSTO", short='Said "x" (here) [y] & <z>')
    out = g.mark_terms("The CSTO.", [term], set(), URL)
    assert "Said" not in out and _unmark(out) == "The CSTO."


def test_marked_term_ids_read_back_what_term_link_wrote() -> None:
    """In page order, each once, whatever the glossary's address; other links are not
    terms."""
    text = (
        g.mark_terms("NATO and the CSTO.", TERMS, set(), "../glossary.md")
        + " [a link](https://x.example/#csto) "
        + g.term_link("CSTO", CSTO, "../../glossary/")
    )
    assert g.marked_term_ids(text) == ["nato", "csto"]


# ---------------------------------------------------------------- marking, spaced


def _filler(n: int) -> str:
    return " ".join(f"w{i}" for i in range(n))


def test_remark_threshold_is_a_named_constant() -> None:
    assert g.REMARK_AFTER_WORDS == 1500


def test_visible_words_skip_markup() -> None:
    assert g.visible_words("two words") == 2
    assert g.visible_words('[a label](<https://x.org/one/two>) <span title="not me">x</span>') == 3
    assert g.visible_words("attr { #p12 .para } and &amp; \\* star") == 3
    assert g.visible_words("CSTO<sup>3</sup>") == 1  # errs low: never counts a word twice


def test_spaced_marking_first_use_then_only_far_back() -> None:
    last: dict[str, int] = {}
    out, words = g.mark_terms_spaced("The CSTO and the CSTO.", TERMS, last, 0, URL)
    assert len(_marked(out)) == 1 and words == 5 and last == {"csto": 1}
    # 1,499 words after the mark: left alone
    out, _ = g.mark_terms_spaced("The CSTO.", TERMS, last, 1 + 1498, URL, gap=1500)
    assert _marked(out) == [] and last == {"csto": 1}
    # 1,500 words after it: marked again, and the new mark counts from there
    out, _ = g.mark_terms_spaced("The CSTO.", TERMS, last, 1 + 1499, URL, gap=1500)
    assert len(_marked(out)) == 1 and last == {"csto": 1501}


def test_spaced_marking_counts_within_a_paragraph() -> None:
    last = {"csto": 0}
    text = f"CSTO {_filler(1498)} CSTO {_filler(10)} CSTO"
    out, words = g.mark_terms_spaced(text, TERMS, last, 1, URL, gap=1500)
    # the first CSTO sits 1 word after the old mark, the second 1,500: only it is marked
    assert [m.start() for m in _MARK_RE.finditer(out)] == [len(f"CSTO {_filler(1498)} ")]
    assert words == 1 + (1 + 1498 + 1 + 10 + 1) and _unmark(out) == text


def test_term_marker_spans_sections_and_counts_the_page() -> None:
    from csto_reader.publish.render import TermMarker

    marker = TermMarker(TERMS, URL, gap=20)
    assert len(_marked(marker("The CSTO acted."))) == 1
    assert _marked(marker(f"{_filler(10)} CSTO")) == []  # no reset at a new section
    assert len(_marked(marker(f"{_filler(10)} CSTO"))) == 1  # 24 words after the first
    assert marker.words == 3 + 11 + 11


def test_no_term_is_marked_twice_within_the_gap_on_any_article(built) -> None:
    """On every article page, two marks of one term lie at least REMARK_AFTER_WORDS words
    apart, counted over the text of the numbered blocks (tables included) in page order;
    and each term is marked at the paragraph of its first use that the glossary lists."""
    import lxml.html

    from csto_reader.ingest.anchors import paragraph_texts
    from helpers import to_html, visible_text, words

    first_use: dict[tuple[str, str], str] = {}
    articles = [b.article for b in built.articles]
    for tid, found in g.find_occurrences(built.glossary_terms, paragraph_texts(articles)).items():
        for occ in found:
            first_use.setdefault((occ.slug, tid), occ.anchor)
    tag = re.compile(r"<a\b[^>]*>")
    for b in built.articles:
        slug = b.article.meta.slug
        tree = lxml.html.fragment_fromstring(to_html(b.markdown), create_parent="div")
        at, marks = 0, []
        for block in tree.find_class("para"):
            text = lxml.html.tostring(block, encoding="unicode")
            for m in tag.finditer(text):
                term = re.search(r'class="term"', m.group(0))
                href = re.search(r'href="[^"#]*#([^"]+)"', m.group(0))
                if term and href:
                    before = at + len(words(visible_text(text[: m.start()])))
                    marks.append((href.group(1), before, block.get("id")))
            at += len(words(visible_text(text)))
        last: dict[str, int] = {}
        first_mark: dict[tuple[str, str], str] = {}
        for tid, pos, anchor in marks:
            if tid in last:
                assert pos - last[tid] >= g.REMARK_AFTER_WORDS, (slug, tid, anchor)
            last[tid] = pos
            first_mark.setdefault((slug, tid), anchor)
        assert first_mark == {k: v for k, v in first_use.items() if k[0] == slug}


_FRAGMENTS = st.sampled_from(
    [
        "CSTO",
        "NATO",
        "CST",
        "CRRF",
        "Collective Rapid Reaction Forces",
        " (CRRF)",
        "security community",
        "Collective Security Treaty",
        " Organization",
        " ",
        "\n",
        "[",
        "]",
        "(",
        ")",
        "`",
        "<",
        ">",
        "</span>",
        '<span class="cite">',
        "[^1]",
        "](x)",
        "{ .term }",
        "# ",
        "\\",
        '"',
        "2021",
        "&amp;",
        "*",
        "_",
        "é",
        fn_token("1"),
    ]
)
_TEXT = st.lists(_FRAGMENTS | st.text(max_size=6), max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=_TEXT, preset=st.sets(st.sampled_from([t.id for t in TERMS])))
def test_marking_never_raises_and_keeps_the_visible_text(text: str, preset: set[str]) -> None:
    seen = set(preset)
    out = g.mark_terms(text, TERMS, seen, URL)
    assert _unmark(out) == text
    assert preset <= seen
    # Each term is marked at most once, and only when it was not marked before.
    ids = re.findall(re.escape(URL) + r"#([a-z0-9-]+)", out)
    assert len(ids) == len(set(ids))
    assert not set(ids) & preset


# ---------------------------------------------------------------- bad data files

_REQUIRED_BLOCK = "".join(
    f"""
- id: {rid}
  name: Term {rid}
  variants: [word{n}]
  short: A short definition.
  explanation: An explanation.
  sources:
    - {{bib: deutsch1957}}
"""
    for n, rid in enumerate(g.REQUIRED_IDS)
)


def _load(tmp_path: Path, extra: str) -> tuple[list[Term], list[str]]:
    path = tmp_path / "glossary" / "terms.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_REQUIRED_BLOCK + textwrap.dedent(extra), encoding="utf-8")
    reporter = Reporter()
    terms = g.load_terms(path, reporter, root=tmp_path)
    return terms, [d.format() for d in reporter.diagnostics]


def _line_of(extra: str, needle: str) -> int:
    """1-based line in the written file of the first line containing ``needle``."""
    lines = (_REQUIRED_BLOCK + textwrap.dedent(extra)).splitlines()
    return next(n for n, line in enumerate(lines, 1) if needle in line)


def test_minimal_file_is_clean(tmp_path: Path) -> None:
    terms, messages = _load(tmp_path, "")
    assert messages == []
    assert [t.id for t in terms] == list(g.REQUIRED_IDS)


def test_duplicate_id_names_file_and_line(tmp_path: Path) -> None:
    extra = """
    - id: crrf
      name: Again
      variants: [again]
      short: Again.
      explanation: Again.
      sources: [{bib: kornilenko2020}]
    """
    terms, messages = _load(tmp_path, extra)
    line = _line_of(extra, "name: Again") - 1
    assert messages == [
        f"glossary/terms.yml:{line}: error: duplicate id 'crrf' (first defined at line 2)"
        " [glossary-duplicate-id]"
    ]
    assert [t.id for t in terms].count("crrf") == 1


def test_unknown_related_id_names_file_and_line(tmp_path: Path) -> None:
    extra = """
    - id: csto
      name: CSTO
      variants: [CSTO]
      short: An organization.
      explanation: More.
      sources: [{article: zhang-2023, line: 57}]
      related:
        - crrf
        - no-such-term
    """
    _, messages = _load(tmp_path, extra)
    line = _line_of(extra, "- no-such-term")
    assert messages == [
        f"glossary/terms.yml:{line}: error: term 'csto' names unknown related id 'no-such-term'"
        " [glossary-unknown-related]"
    ]


# One well-formed entry; each case below breaks one thing in it.
_GOOD = (
    "- id: x\n"
    "  name: X\n"
    "  variants: [x]\n"
    "  short: S.\n"
    "  explanation: E.\n"
    "  sources: [{bib: a2000}]\n"
)
_BAD_ENTRIES = {
    "empty-short": (_GOOD.replace("short: S.", "short: ''"), "short: ''", "glossary-empty-short"),
    "long-short": (
        _GOOD.replace("short: S.", "short: " + "y" * 201),
        "short: yyy",
        "glossary-short-too-long",
    ),
    "bad-id": (_GOOD.replace("id: x", "id: Bad_Id"), "id: Bad_Id", "glossary-bad-id"),
    "bad-bib-key": (
        _GOOD.replace("a2000", "Kornilenko"),
        "{bib: Kornilenko}",
        "glossary-bad-source",
    ),
    "article-without-line": (
        _GOOD.replace("[{bib: a2000}]", "\n    - {article: zhang-2023}"),
        "{article: zhang-2023}",
        "glossary-bad-source",
    ),
    "no-source": (_GOOD.replace("[{bib: a2000}]", "[]"), "sources: []", "glossary-no-source"),
    "unknown-key": (_GOOD + "  colour: red\n", "colour: red", "glossary-unknown-key"),
    "missing-explanation": (
        _GOOD.replace("  explanation: E.\n", ""),
        "- id: x",
        "glossary-missing-field",
    ),
    "line-zero": (
        _GOOD + "  wordings:\n    - {article: zhang-2023, line: 0, text: t}\n",
        "line: 0",
        "glossary-bad-type",
    ),
    "yaml-syntax": ("- id: x\n  name: [unclosed\n", "name: [unclosed", "glossary-yaml"),
}


@pytest.mark.parametrize(
    ("extra", "needle", "code"), list(_BAD_ENTRIES.values()), ids=list(_BAD_ENTRIES)
)
def test_bad_entries_are_reported_with_their_line(
    tmp_path: Path, extra: str, needle: str, code: str
) -> None:
    _, messages = _load(tmp_path, extra)
    assert messages, "expected a diagnostic"
    assert any(m.endswith(f"[{code}]") for m in messages), messages
    if code != "glossary-yaml":  # the parser points at where it gave up, not at our needle
        line = _line_of(extra, needle)
        assert any(
            m.startswith(f"glossary/terms.yml:{line}: error:") and m.endswith(f"[{code}]")
            for m in messages
        ), messages


def test_missing_required_id_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "glossary" / "terms.yml"
    path.parent.mkdir(parents=True)
    path.write_text(_GOOD, encoding="utf-8")
    reporter = Reporter()
    g.load_terms(path, reporter, root=tmp_path)
    missing = [d.format() for d in reporter.diagnostics if d.code == "glossary-missing-required"]
    assert len(missing) == len(g.REQUIRED_IDS)
    assert missing[0] == (
        "glossary/terms.yml:1: error: required term 'crrf' is missing [glossary-missing-required]"
    )


def test_wording_not_on_its_line_is_reported() -> None:
    span = g.Span("glossary/terms.yml", 7)
    term = Term(
        "t",
        "T",
        ("T",),
        "S.",
        "E.",
        (),
        (),
        (
            Wording("choi-2022", 3, "an invented quotation", span),
            Wording("choi-2022", 2, "x", span),
        ),
        span,
    )
    reporter = Reporter()
    g.check_against_sources([term], TEXTS, reporter)
    codes = [d.code for d in reporter.diagnostics]
    assert codes == ["glossary-wording-mismatch", "glossary-bad-line"]
    assert reporter.diagnostics[0].format().startswith("glossary/terms.yml:7: error:")


# ---------------------------------------------------------------- the page


def test_page_is_alphabetical_with_anchors_wordings_and_occurrences(
    real_terms: list[Term],
) -> None:
    paragraphs = [
        ("choi-2022", "p1", TEXTS["choi-2022"][2]),
        ("zhang-2023", "p7", "The CRRF of the CSTO."),
    ]
    found = g.find_occurrences(real_terms, paragraphs)
    titles = {slug: f"Title of {slug}" for slug in SLUGS}
    page = g.render_glossary_page(real_terms, found, titles, {("choi-2022", 3): "p1"})

    headings = re.findall(r"^## (.*) \{ #([a-z0-9-]+) \}$", page, re.M)
    assert {anchor for _, anchor in headings} == {t.id for t in real_terms}
    names = [re.sub(r"\\(.)", r"\1", name) for name, _ in headings]
    assert names == sorted(names, key=lambda n: re.sub(r"^\W+", "", n).casefold())

    crrf = page.split("{ #crrf }")[1].split("\n## ")[0]
    assert "[¶ 7](articles/zhang-2023.md#p7)" in crrf
    assert "Title of zhang-2023" in crrf

    article4 = page.split("{ #charter-article-4 }")[1].split("\n## ")[0]
    assert "**How the articles word it**" in article4
    assert "[Title of choi-2022, ¶ 1](articles/choi-2022.md#p1)" in article4
    assert "](#treaty-article-4)" in article4  # related terms link within the page

    article5 = page.split("{ #charter-article-5 }")[1].split("\n## ")[0]
    assert "(articles/zhang-2023.md)" in article5  # line not yet mapped: link to the article
    assert "[Title of zhang-2023](articles/zhang-2023.md)" in article5
    assert "line 71" not in article5  # a source line means nothing to a reader


def test_page_reports_terms_without_occurrences() -> None:
    page = g.render_glossary_page([NATO], {"nato": []}, {})
    assert "## NATO { #nato }" in page
    assert "No article paragraph uses this term." in page


def test_page_lists_many_paragraphs_compactly() -> None:
    paragraphs = [("a", f"p{n}", f"The NATO, once more ({n}).") for n in range(1, 9)]
    page = g.render_glossary_page([NATO], g.find_occurrences([NATO], paragraphs), {"a": "A"})
    assert page.count("The NATO, once more") == 5
    assert (
        "    - also [¶ 6](articles/a.md#p6), [¶ 7](articles/a.md#p7), [¶ 8](articles/a.md#p8)"
        in page
    )


def test_glossary_page_shows_markup_characters_as_written(built) -> None:
    """ "<", ">", "&", a backslash and Markdown's own characters in a term show as written:
    no "\\<" (Python-Markdown cannot escape "<"), no doubled backslash, no live tag."""
    from helpers import to_html, visible_text

    odd = "a < b > c & d, &lt;tag&gt;, back\\slash, x|y, *star* _u_ [l](u) {a} #h `c`"
    term = Term(
        "odd", "Odd <name>", ("Odd <name>",), f"Short {odd}.", f"Long {odd}.", (), (), (),
        g.Span("glossary/terms.yml", 1),
    )  # fmt: skip
    paragraphs = [("a", "p1", f"The Odd <name> is here: {odd}.")]
    page = g.render_glossary_page([term], g.find_occurrences([term], paragraphs), {"a": "A"})
    html = to_html(page)
    text = visible_text(html)
    assert "<name>" not in html and "<tag>" not in html
    assert f"Short {odd}." in text and f"Long {odd}." in text and "Odd <name>" in text
    assert "\\<" not in text and "\\\\" not in text and "\\*" not in text
    real = visible_text(to_html(built.pages["glossary.md"]))
    assert "\\<" not in real and "\\\\" not in real and "\\" not in real


def test_page_links_each_quotation_to_the_block_or_note_that_holds_it(built) -> None:
    """A wording whose line is a note body links to that note ("note 15"), one inside a
    block quotation to the quotation's ¶ (issue 13: ¶45, not ¶44; notes 14 and 15 of
    Zhang, not ¶20)."""
    page = built.pages["glossary.md"]
    entry = page.split("{ #treaty-article-4 }", 1)[1].split("\n## ", 1)[0]
    assert (
        "Global Security Governance, note 15](articles/zhang-2023.md#fn:15): “Article 4 in "
        "the COLLECTIVE SECURITY TREATY.”"
    ) in entry
    assert "articles/beloglazov-2023.md#p45): “an effective collective security" in entry
    charter5 = page.split("{ #charter-article-5 }", 1)[1].split("\n## ", 1)[0]
    assert "note 14](articles/zhang-2023.md#fn:14): “Article 5, Chapter 2" in charter5


# ---------------------------------------------------------------- the editors' own checks


def test_a_checked_source_needs_no_address_from_an_article(tmp_path: Path) -> None:
    """A statement in the reader's own voice that no article makes correctly is checked
    against a primary or reliable source, cited as {checked: title, url: address}; its
    address need not occur in an article (a document source's must)."""
    extra = """
    - id: charter
      name: Charter
      variants: [charter]
      short: Signed in Chisinau.
      explanation: Signed in Chisinau.
      sources:
        - {checked: "Charter (the President of Russia's website)", url: "http://en.kremlin.ru/x"}
    """
    terms, messages = _load(tmp_path, extra)
    assert messages == []
    source = next(t for t in terms if t.id == "charter").sources[0]
    assert isinstance(source, g.CheckedSource) and source.url == "http://en.kremlin.ru/x"
    reporter = Reporter()
    g.check_against_sources(terms, {"zhang-2023": TEXTS["zhang-2023"]}, reporter)
    assert [d.format() for d in reporter.diagnostics] == []
    page = g.render_glossary_page(terms, {}, {})
    assert "- [Charter (the President of Russia's website)](http://en.kremlin.ru/x) (checked" in (
        page
    )


def test_a_checked_source_must_be_a_web_address(tmp_path: Path) -> None:
    extra = """
    - id: charter
      name: Charter
      variants: [charter]
      short: Signed.
      explanation: Signed.
      sources:
        - {checked: "Charter", url: "javascript:alert(1)"}
    """
    _, messages = _load(tmp_path, extra)
    assert len(messages) == 1 and "[glossary-bad-source]" in messages[0]


def test_a_document_address_is_looked_for_in_each_text_on_its_own() -> None:
    """An address counts when one text gives it (the texts are searched one by one,
    never joined), however many texts there are and wherever it is; one no text
    gives is an error."""
    span = g.Span("glossary/terms.yml", 4)
    urls = ("https://example.org/doc/a", "https://example.org/doc/b", "https://example.org/c")
    term = Term(
        "t", "T", ("T",), "S.", "E.", tuple(DocumentSource("D", u, span) for u in urls), (), (),
        span,
    )  # fmt: skip
    texts = {f"a{i}": ("Nothing here.", "Nor here.") for i in range(50)}
    texts["a20"] = ("See", "https://example.org/doc/a for it.")
    texts["a49"] = ("Also https://example.org/doc/b.",)
    reporter = Reporter()
    g.check_against_sources([term], texts, reporter)
    assert [d.message for d in reporter.diagnostics] == [
        "no article text gives the address 'https://example.org/c'"
    ]
