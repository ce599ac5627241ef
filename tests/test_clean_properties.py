"""Properties of the cleaner and the segmenter (hypothesis): layout changes lose no word.

A generated article (a title, a byline, paragraphs of words taken from the real texts) is
laid out in ways a PDF or web conversion may lay out the same text: its paragraphs'
lines wrapped at other places, a block of footnotes dropped into a paragraph at a page
break, more or fewer blank lines.  Whatever the layout, the page shows the same words:
the words of the article, each as often as the text has it.  And cleaning a cleaned text
changes nothing.

The pipeline is run as the build runs it: ``csto_reader.pipeline.build_article``.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, SLUGS
from csto_reader.diagnostics import Reporter
from csto_reader.ingest.clean import WEB_CHROME, clean
from csto_reader.ingest.segment import BACK_LABELS, NOTES_LABELS, REFERENCE_LABELS
from csto_reader.ingest.segment import LABEL as HEADER_LABEL
from csto_reader.model import ArticleMeta, Author, Paragraph, SourceText
from csto_reader.pipeline import build_article
from helpers import to_html, visible_text, words

TITLE = "A Test Article"
AUTHOR = "Ann Author"
META = ArticleMeta(slug="t-2024", title=TITLE, authors=(Author(AUTHOR),))
PATH = "sources/t-2024/article.txt"
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def vocabulary() -> tuple[str, ...]:
    """Plain words of the real articles' prose: letters only, as they stand (case kept).

    Left out on purpose, because the properties are about layout and not about these
    rules: numbers (a number alone on a line is a page number to any cleaner), markup,
    words in capitals only (a line in capitals that starts another line is a running
    head), the labels of web-page buttons ("Share", "PDF": a line holding only one
    is web chrome; see the xfail test at the end), and the one-word labels that open
    the reference list, the notes or the back matter ("Reference", "Notes", "Funding":
    a line holding only one, which a stray blank line on each side can make of a word
    of a paragraph, is that section's heading)."""
    found: set[str] = set()
    for slug in SLUGS:
        text = (ROOT / "sources" / slug / "article.txt").read_text(encoding="utf-8")
        found.update(re.findall(r"(?<![\w<>/*#\\])[A-Za-z]{2,14}(?![\w<>/*#\\])", text))
    labels = {w for w in REFERENCE_LABELS | NOTES_LABELS | BACK_LABELS if " " not in w}
    left_out = WEB_CHROME | labels
    return tuple(sorted(w for w in found if not w.isupper() and w.lower() not in left_out))


word = st.sampled_from(vocabulary())
# A sentence: words, the first capitalized, a full stop at the end.
sentence = st.lists(word, min_size=4, max_size=18).map(
    lambda ws: " ".join([ws[0][:1].upper() + ws[0][1:], *ws[1:]]) + "."
)
# A paragraph of at least 30 words, so that the body starts with the first one.
# (A paragraph that opens with "Abstract", "Keywords" or "For citation" is a header
# label to the segmenter: left out here, see the xfail test below.)
paragraph = (
    st.lists(sentence, min_size=3, max_size=6)
    .filter(lambda ss: sum(len(s.split()) for s in ss) >= 30)
    .map(" ".join)
    .filter(lambda p: not HEADER_LABEL.match(p))
)
article_paragraphs = st.lists(paragraph, min_size=1, max_size=4)


def source_of(text: str) -> SourceText:
    return SourceText(slug=META.slug, path=PATH, lines=tuple(text.split("\n")), meta=META)


def article_text(paragraphs: list[str], layout=None, gap: list[int] | None = None) -> str:
    """Title, byline, then the paragraphs; ``layout(i, paragraph)`` gives a paragraph's
    lines (one line each by default); ``gap[i]`` blank lines follow paragraph i."""
    parts = [TITLE, "", AUTHOR, ""]
    for i, para in enumerate(paragraphs):
        parts += layout(i, para) if layout else [para]
        parts += [""] * (gap[i] if gap else 1)
    return "\n".join(parts)


def built(text: str):
    reporter = Reporter()
    b = build_article(source_of(text), reporter)
    return b, reporter


PNUM = re.compile(r'<a class="pnum"[^>]*>\d+</a>')


def page_words(b) -> Counter:
    """The words a reader sees on the page, less the paragraph numbers (made, not read)."""
    return Counter(words(visible_text(PNUM.sub(" ", to_html(b.markdown)))))


def wrap(para: str, cuts: list[int]) -> list[str]:
    """Break ``para`` into lines after the word positions in ``cuts``."""
    ws = para.split()
    points = sorted({c % len(ws) for c in cuts if c % len(ws)})
    lines, start = [], 0
    for p in [*points, len(ws)]:
        lines.append(" ".join(ws[start:p]))
        start = p
    return lines


def body_paragraphs(b) -> list[str]:
    return [blk.text for blk in b.article.blocks if isinstance(blk, Paragraph)]


# ---------------------------------------------------------------- re-wrapping


@SETTINGS
@given(paras=article_paragraphs, cuts=st.lists(st.lists(st.integers(1, 200), max_size=12)))
def test_rewrapping_lines_loses_no_word(paras: list[str], cuts: list[list[int]]) -> None:
    """A paragraph broken into lines anywhere reads exactly as the paragraph on one line."""
    one_line, _ = built(article_text(paras))
    wrapped, _ = built(article_text(paras, lambda i, p: wrap(p, cuts[i] if i < len(cuts) else [])))
    assert page_words(wrapped) == page_words(one_line)
    assert body_paragraphs(wrapped) == body_paragraphs(one_line) == paras


# ---------------------------------------------------------------- page breaks


def page_break_case(paras: list[str], i: int, at: int, note: str, blank: bool):
    """The article with paragraph ``i`` cut after ``at`` words by a page break with the
    page's footnote, and the same article with the note at its end instead."""
    ws = paras[i].split()
    at = max(1, min(at, len(ws) - 2))
    if ws[at - 1].endswith("."):  # a cut between sentences may start a new paragraph
        at += 1
    # The second half starts in lower case, as a sentence continued on the next page.
    ws[at] = ws[at].lower()
    ws[min(2, at - 1)] += "<sup>1</sup>"
    first, second = " ".join(ws[:at]), " ".join(ws[at:])
    note_block = ["---", "", f"<sup>1</sup> {note}"]
    broken = [first, *([""] if blank else []), *note_block, "", second]
    cut = article_text(paras, lambda k, p: broken if k == i else [p])
    whole = article_text(paras[:i] + [" ".join(ws)] + paras[i + 1 :]) + "\n" + "\n".join(note_block)
    return cut, whole


def assert_page_break_loses_nothing(cut: str, whole: str, note: str) -> None:
    expected, _ = built(whole)
    b, reporter = built(cut)
    errors = [d.format() for d in reporter.diagnostics if d.severity == "error"]
    assert not errors
    assert [f.text for f in b.article.footnotes] == [note]
    assert body_paragraphs(b) == body_paragraphs(expected)
    assert page_words(b) == page_words(expected)


@SETTINGS
@given(
    paras=st.lists(paragraph, min_size=2, max_size=4),
    where=st.integers(1, 3),
    at=st.integers(21, 60),
    note=sentence,
    blank_before_rule=st.booleans(),
)
def test_footnote_block_at_a_page_break_loses_no_word(
    paras: list[str], where: int, at: int, note: str, blank_before_rule: bool
) -> None:
    """A paragraph cut by a page break, with the page's footnote between its halves:

        ... first half of the paragraph<sup>1</sup> more words of the first half

        ---

        <sup>1</sup> The note.

        second half of the paragraph ...

    reads as the whole paragraph with the note at the end of the article: joined again,
    the note paired with its marker, no word lost.  (Here the first paragraph is not cut
    and the first half has more than 20 words: the xfail tests below show why.)"""
    i = 1 + (where - 1) % (len(paras) - 1)
    assert_page_break_loses_nothing(*page_break_case(paras, i, at, note, blank_before_rule), note)


# ---------------------------------------------------------------- blank lines


@SETTINGS
@given(
    paras=article_paragraphs,
    gaps=st.lists(st.integers(1, 4), min_size=4, max_size=4),
    lead=st.integers(0, 3),
    trailing_spaces=st.booleans(),
)
def test_more_or_fewer_blank_lines_lose_no_word(
    paras: list[str], gaps: list[int], lead: int, trailing_spaces: bool
) -> None:
    """Runs of blank lines (or lines of spaces) of any length between paragraphs and at
    the ends of the text change nothing on the page."""
    reference, _ = built(article_text(paras))
    text = "\n" * lead + article_text(paras, gap=gaps)
    if trailing_spaces:
        text = text.replace("\n\n", "\n   \n")
    b, _ = built(text)
    assert page_words(b) == page_words(reference)
    assert body_paragraphs(b) == paras


@SETTINGS
@given(
    paras=st.lists(paragraph, min_size=2, max_size=4),
    where=st.integers(1, 3),
    cuts=st.lists(st.integers(1, 200), min_size=1, max_size=6),
)
def test_a_blank_line_inside_a_paragraph_loses_no_word(
    paras: list[str], where: int, cuts: list[int]
) -> None:
    """Stray blank lines splitting a paragraph (a conversion's line breaks) keep every
    word: the pieces are joined again or stand as paragraphs or headings, never dropped.
    (Not the first paragraph: see the xfail test for the opening paragraph below.)"""
    i = 1 + (where - 1) % (len(paras) - 1)
    reference, _ = built(article_text(paras))
    pieces = wrap(paras[i], cuts)
    layout = [line for piece in pieces for line in (piece, "")][:-1]
    b, _ = built(article_text(paras, lambda k, p: layout if k == i else [p]))
    assert page_words(b) == page_words(reference)


# ---------------------------------------------------------------- limits found and fixed

OPENING = "The treaty was signed by six states. " * 5  # 35 words
SECOND = "The charter was adopted by the same states. " * 4


def test_a_short_first_half_of_a_cut_paragraph_is_joined() -> None:
    paras = [OPENING.strip(), SECOND.strip()]
    cut, whole = page_break_case(paras, 1, 2, "A note.", False)
    assert_page_break_loses_nothing(cut, whole, "A note.")


def test_a_short_opening_paragraph_reaches_the_page() -> None:
    b, _ = built(article_text(["The treaty was signed.", OPENING.strip()]))
    assert "The treaty was signed." in body_paragraphs(b)


def test_an_opening_paragraph_starting_with_the_word_abstract_stays() -> None:
    para = "Abstract ideas of security " + OPENING.strip()
    b, _ = built(article_text([para]))
    assert body_paragraphs(b) == [para]


def test_a_wrapped_line_of_one_word_is_kept() -> None:
    para = OPENING.strip() + " Two states whose members\nshare\na border remain in it."
    one_line, _ = built(article_text([para.replace("\n", " ")]))
    wrapped, _ = built(article_text([para]))
    assert page_words(wrapped) == page_words(one_line)


# ---------------------------------------------------------------- idempotence


def clean_again(text: str) -> tuple[list[str], list[str], list[str]]:
    """(lines after one cleaning, lines after cleaning those, what the second removed)."""
    once = clean(source_of(text))
    first = [line.text for line in once.lines]
    twice = clean(source_of("\n".join(first)))
    return first, [line.text for line in twice.lines], [r.text for r in twice.removals]


@pytest.mark.parametrize("slug", SLUGS)
def test_cleaning_a_real_article_twice_changes_nothing(slug: str) -> None:
    from csto_reader.ingest.sources import discover

    source = next(s for s in discover(ROOT, Reporter()) if s.slug == slug)
    once = clean(source)
    again = clean(
        SourceText(source.slug, source.path, tuple(x.text for x in once.lines), source.meta)
    )
    assert [x.text for x in again.lines] == [x.text for x in once.lines]
    assert [r.text for r in again.removals] == []


@SETTINGS
@given(paras=article_paragraphs, cuts=st.lists(st.integers(1, 200), max_size=12))
def test_cleaning_generated_prose_twice_changes_nothing(paras: list[str], cuts: list[int]) -> None:
    first, second, removed = clean_again(article_text(paras, lambda i, p: wrap(p, cuts)))
    assert second == first and removed == []


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_characters="\\"), max_size=60))
def test_cleaning_any_text_twice_changes_nothing(text: str) -> None:
    """Idempotence on arbitrary text (backslashes aside: see the next test)."""
    first, second, removed = clean_again(text)
    assert second == first and removed == []


@pytest.mark.xfail(
    reason=r"clean is not idempotent on an escaped backslash before a special character: "
    r"'\\\<' (three backslashes, '<') cleans to '\<', which cleans to '<' (clean.ESCAPE "
    r"takes one or two backslashes).  Unescaping is not idempotent by nature when its "
    r"output can hold what looks like an escape; reported, for a decision",
    strict=True,
)
def test_cleaning_escaped_backslashes_twice_changes_nothing() -> None:
    first, second, removed = clean_again("\\\\\\<")
    assert first == ["\\\\\\<"[2:]] and second == first
