"""Nothing silently lost: the build's own checks (csto_reader.ingest.completeness), the
masthead rule on articles without a long paragraph, and stages after the sources stage
using its lines (form feed and U+2028 shift no line number)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from csto_reader.diagnostics import BuildError, Reporter
from csto_reader.ingest import completeness as c
from csto_reader.ingest.sources import split_lines
from csto_reader.model import Heading, Paragraph, Removal, Span
from csto_reader.pipeline import build

BAD = ROOT / "tests" / "bad-inputs"
PATH = "sources/x/article.txt"


def page(*paragraphs: str) -> str:
    return "---\ntitle: T\n---\n\n" + "\n\n".join(paragraphs) + "\n"


# ---------------------------------------------------------------- lost_words


def test_lost_words_names_each_line_and_its_words() -> None:
    lines = ["A Title", "", "alpha beta gamma", "", "delta epsilon"]
    assert c.lost_words(lines, (), page("alpha beta gamma")) == [
        (1, ["A", "Title"]),
        (5, ["delta", "epsilon"]),
    ]


def test_declared_removals_are_not_lost() -> None:
    lines = ["A Title", "", "alpha beta gamma", "", "delta", "epsilon"]
    removals = (
        Removal(Span(PATH, 1), "A Title", "header"),
        Removal(Span(PATH, 5, 6), "delta epsilon", "masthead"),
    )
    assert c.lost_words(lines, removals, page("alpha beta gamma")) == []


def test_an_icon_removal_excuses_only_its_glyph() -> None:
    lines = ["mail [⊠] author@example.org"]
    removals = (Removal(Span(PATH, 1), "[⊠]", "icon"),)
    assert c.lost_words(lines, removals, page("mail author@example.org")) == []
    assert c.lost_words(lines, removals, page("mail")) == [(1, ["author", "example", "org"])]


def test_a_missing_word_goes_to_the_line_that_misses_most() -> None:
    """'the' is on both lines and once on the page: the line that lost everything
    gets it, not the first line."""
    lines = ["the treaty holds", "the charter was signed"]
    assert c.lost_words(lines, (), page("the treaty holds")) == [
        (2, ["the", "charter", "was", "signed"])
    ]


def test_markup_numbers_and_superscripts_count_as_the_page_shows_them() -> None:
    lines = ["1. first item", "a note<sup>3</sup> and x¹²", "&amp; mailto:a@b.org"]
    md = page("1. first item", "a note<sup>3</sup> and x<sup>12</sup>", "&amp; a@b.org")
    assert c.lost_words(lines, (), md) == []


def test_a_word_broken_at_a_line_end_counts_as_one() -> None:
    """ "inter-" / "nal" is "internal" on the page (the segmenter mends it), also across
    a page break; a hyphen the page keeps leaves two words."""
    lines = ["crises are inter-", "nal, and", "", "12", "", "the well-", "known case"]
    removals = (Removal(Span(PATH, 4), "12", "page-number"),)
    assert c.lost_words(lines, removals, page("crises are internal, and the wellknown case")) == []
    assert (
        c.lost_words(lines, removals, page("crises are inter- nal, and the well- known case")) == []
    )
    assert c.lost_words(lines, removals, page("crises are internal, and the case")) == [
        (6, ["well"]),
        (7, ["known"]),
    ]


def test_check_nothing_lost_reports_each_line_as_an_error() -> None:
    from csto_reader.model import Article, ArticleMeta

    meta = ArticleMeta(slug="x", title="T", authors=())
    lines = tuple(f"word{n} kept" for n in range(1, 15))
    article = Article(meta, PATH, (), (), (), (), None, (), (), source_lines=lines)
    reporter = Reporter()
    assert not c.check_nothing_lost(article, page("kept " * 14), reporter)
    got = [d.format() for d in reporter.diagnostics]
    assert got[0] == (
        "sources/x/article.txt:1: error: text lost: not on the page and not declared "
        "removed (1 word): word1 [text-lost]"
    )
    assert len(got) == c.MAX_REPORTED + 1
    assert got[-1] == (
        "sources/x/article.txt:11: error: text lost: and 4 more lines from line 11 on [text-lost]"
    )
    assert c.check_nothing_lost(article, page(" ".join(lines)), Reporter())


# ---------------------------------------------------------------- read without converting

# Pieces of Markdown, some of which Markdown hides or changes (attribute lists, link
# addresses, list numbers, comments, tags, definitions, tables, entities, escapes).
PIECES = [
    "alpha", "Beta", "1986", "x¹²", "AT&T", "&amp;", "&lt;b&gt;", "&copy", "&#42;", "\\*",
    "*em*", "**strong**", "_under_", "snake_case", "`code <b>x</b>`", "<span class=\"t\">w</span>",
    '<a href="u" title="t > q">lab</a>', "[label](addr)", '[label](addr "title words")',
    "[lab](a(b)c)", "[label][ref]", "![alt text](img.png)", "{ #id }", "{: .c }", "{ word }",
    "<!-- hidden words -->", "<!--", "-->", "<http://a.b/c>", "a < b > c", "[^1]", "[TOC]",
    "<div markdown=\"1\">", "<div markdown=\"0\">", "</div>", "<details>", "</details>",
    "<sup>3</sup>", "<script>var s</script>", "{", "}", "<", ">", "&", "#", "|",
]  # fmt: skip
LINE_STARTS = ["", "", "", "1. ", "2) ", "- ", "- 3. ", "> ", "# ", "## ", "    ", "| ",
               "[ref]: http://x.org \"t\"", "*[AT]: Atlas", "[^1]: a note", "|---|---|",
               "--- | ---", "===", "---"]  # fmt: skip
LINE_ENDS = ["", "", "", " { #id-words }", "\n{: #p1 .para }", "{ .term }", " {: .c }"]


@st.composite
def markdown_pages(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        start = draw(st.sampled_from(LINE_STARTS))
        pieces = draw(st.lists(st.sampled_from(PIECES), max_size=8))
        lines.append(start + " ".join(pieces) + draw(st.sampled_from(LINE_ENDS)))
        if draw(st.booleans()):
            lines.append("")
    return page("\n".join(lines))


@settings(max_examples=400, deadline=None)
@given(markdown_pages())
def test_the_reading_without_conversion_never_counts_a_word_the_page_lacks(md: str) -> None:
    shown = c.shown_at_least(md)
    assert shown is None or not shown - c.page_words(md)


@pytest.mark.parametrize(
    "hidden",
    [
        "*[ABBR]: the words of a definition",
        "[ref]: http://example.org/definition-words",
        "| a | b |\n|---|---|\n| c | d | extra cell words |",
        "[label](http://example.org/a(b)c/address-words)",
        "![image alternative words](img.png)",
    ],
)
def test_what_only_a_conversion_can_tell_is_converted(hidden: str) -> None:
    """A page where Markdown may hide words the page's text holds: read by converting
    it, and the hidden words are reported lost."""
    md = page("kept words", hidden)
    assert c.shown_at_least(md) is None
    words = c.words(hidden.split("|")[-2] if "|" in hidden else hidden)
    lines = ["kept words", *words]
    lost = [w for _, ws in c.lost_words(lines, (), md) for w in ws]
    assert lost and set(lost) <= set(words)


def test_the_real_pages_are_read_without_converting(built) -> None:
    """Each real page's reading without conversion holds every word of its source, so
    the build does not convert it a second time; and it counts no word the conversion
    does not."""
    for b in built.articles:
        a = b.article
        shown = c.shown_at_least(b.markdown)
        assert shown is not None, a.meta.slug
        assert not shown - c.page_words(b.markdown), a.meta.slug
        kept = c.kept_lines(a.source_lines, a.removals)
        assert not c._missing(a.source_lines, kept, shown)[1], a.meta.slug


# ---------------------------------------------------------------- check_body


class Seg:
    """The parts of model.Segmented that check_body reads."""

    def __init__(self, blocks=(), bodies=(), references=(), back_matter=(), removals=()):
        self.blocks, self.bodies, self.references = blocks, bodies, references
        self.back_matter, self.removals = back_matter, removals


def test_check_body_empty() -> None:
    reporter = Reporter()
    removal = Removal(Span(PATH, 1), "A Title", "header")
    assert not c.check_body(PATH, ["A Title"], Seg(removals=(removal,)), reporter)
    assert [d.format() for d in reporter.diagnostics] == [
        "sources/x/article.txt:1: error: the article body is empty: no heading, paragraph, "
        "list or table is left of the text (it holds only what the header shows) [body-empty]"
    ]


def test_check_body_under_half_counts_what_the_masthead_took() -> None:
    lines = ["one two three four five", "", "six seven", "", "eight nine"]
    masthead = Removal(Span(PATH, 1), lines[0], "masthead")
    header = Removal(Span(PATH, 3), lines[2], "header")
    body = (Paragraph("eight nine", Span(PATH, 5)),)
    reporter = Reporter()
    assert not c.check_body(PATH, lines, Seg(body, removals=(masthead, header)), reporter)
    assert [d.format() for d in reporter.diagnostics] == [
        "sources/x/article.txt:1: error: most of the text is lost: the page keeps 2 of its "
        "7 words (under half); 5 words were dropped as masthead, lines 1-1 [body-lost]"
    ]
    # the same text with a body of half its words passes
    body = (Heading(2, "one two", Span(PATH, 1)), Paragraph("eight nine", Span(PATH, 5)))
    assert c.check_body(PATH, lines, Seg(body, removals=(header,)), Reporter())


# ---------------------------------------------------------------- the masthead rule


def built_case(name: str):
    return build(BAD / name).articles[0]


@pytest.mark.parametrize(
    "name", ["only-short-paragraphs", "only-headings", "masthead-without-title"]
)
def test_short_articles_keep_their_text(name: str) -> None:
    """No long paragraph, or no header in the text: every word after the header is
    on the page, and nothing is dropped as masthead."""
    b = built_case(name)
    assert not [r for r in b.article.removals if r.rule == "masthead"]
    assert c.lost_words(b.article.source_lines, b.article.removals, b.markdown) == []
    kept = " ".join(blk.text for blk in b.article.blocks)
    assert "Tashkent" in kept or "Treaty of Tashkent" in kept


def test_real_mastheads_are_still_removed(by_slug) -> None:
    rules = {r.rule for r in by_slug["zhang-2023"].article.removals}
    assert "masthead" in rules
    lines = [r.span.line for r in by_slug["zhang-2023"].article.removals if r.rule == "masthead"]
    assert lines == [3, 5, 14, 18, 22]


# ---------------------------------------------------------------- one reading of the sources


def diagnostics_of(root: Path) -> list[str]:
    try:
        out = build(root)
    except BuildError as exc:
        return [d.format() for d in exc.output.diagnostics] + ["(failed)"]
    return [d.format() for d in out.diagnostics]


def project_copy(tmp: Path) -> Path:
    for name in ("sources", "bib", "glossary", "timeline", "teaching", "index"):
        shutil.copytree(ROOT / name, tmp / name)
    cache = ROOT / "build" / "cache"
    if cache.is_dir():
        shutil.copytree(cache, tmp / "build" / "cache")
    return tmp


def test_form_feed_and_line_separator_shift_no_line(tmp_path: Path, built) -> None:
    """A form feed on a line of its own (a PDF page break) and a U+2028 inside a line:
    the glossary, citations and chronology checks name the same lines as before."""
    root = project_copy(tmp_path)
    for slug, mark in (("zhang-2023", "form feed"), ("beloglazov-2023", "line separator")):
        path = root / "sources" / slug / "article.txt"
        lines = list(split_lines(path.read_text(encoding="utf-8")))
        blank = next(i for i in range(10, len(lines)) if not lines[i].strip())
        if mark == "form feed":
            lines[blank] = "\f"
        else:
            i = next(j for j in range(blank, len(lines)) if " " in lines[j])
            lines[i] = lines[i].replace(" ", "\u2028 ", 1)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert diagnostics_of(root) == [d.format() for d in built.diagnostics]


def test_no_stage_reads_a_rejected_article(tmp_path: Path) -> None:
    """latin1-with-timeline: the chronology is checked against the article the sources
    stage accepted; the rejected one gives its one message and no traceback."""
    assert diagnostics_of(BAD / "latin1-with-timeline") == [
        (BAD / "latin1-with-timeline" / "expected.txt").read_text(encoding="utf-8").strip(),
        "(failed)",
    ]
