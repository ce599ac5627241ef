"""Stage check: nothing is silently lost between the source text and the page.

Two checks run inside every build (``pipeline.build``), so a rule that eats text fails
the build instead of publishing a short or empty page:

* ``check_body`` (after segmentation): the article has a body, and its body, notes,
  references and back matter hold at least half the words of its text.  Text shown in
  the header and the cleaner's declared removals (page numbers, running heads, ...) are
  not counted as text; what the masthead rule takes *is* counted, since that rule
  guesses and is the one that can take an article's own words.
* ``check_nothing_lost`` (after rendering): every word of every source line reaches the
  page's visible text, except the declared removals (``Article.removals``).  A word that
  does not is reported at its source line.

Words are compared as the reader sees them: Markdown turned into HTML, tags dropped,
entities decoded, superscript digits read as digits.
"""

from __future__ import annotations

import functools
import html
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import pairwise

import markdown as md

from ..codes import codes_of
from ..diagnostics import Reporter
from ..markup import markdown_links
from ..model import (
    Article,
    Block,
    Removal,
    Segmented,
    Span,
    texts_of,
)

BODY_EMPTY = "body-empty"  # no heading, paragraph, list or table is left of the text
BODY_LOST = "body-lost"  # the page keeps under half the words of the text
TEXT_LOST = "text-lost"  # words of a source line reach the page nowhere, undeclared

CODES = codes_of("ingest.completeness")  # meanings: the registry (codes.py)

# Removal rules whose words still count as the article's text for ``check_body``.
# (the masthead, and the furniture found by repetition or as a box of web chrome, whose
# extent is a guess: if the page keeps too little, the guess is checked)
GUESSED_RULES = frozenset({"masthead", "repeated-footer", "web-box"})
MIN_SHARE = 0.5  # the least share of the text's words the page must keep
MAX_REPORTED = 10  # lines named one by one by ``check_nothing_lost``

EXTENSIONS = ["attr_list", "md_in_html", "toc", "tables", "abbr", "footnotes"]
HTML_TAG = re.compile(r"</?(?:sup|sub|ul|ol|li|p|br|span|div|b|i|em|strong)\b[^>]*>", re.I)
ORDERED = re.compile(r"^\s*(?:[-*]\s+)?\d{1,3}[.)]\s")
# The mark of a sub-item a word processor saves as text, "\t\to\tof 2,000" or "a)\t..."
# (segment's tab-list makes it a nested list item, whose mark the page draws).
TAB_ITEM_MARK = re.compile(r"^[ \t]*(?:o|[a-z][.)])\t")
SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
WORD = re.compile(r"[^\W_]+")
SUPERSCRIPT_RUN = re.compile(r"([⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
FRONT_MATTER = re.compile(r"^---\n.*?\n---\n", re.S)
ANY_TAG = re.compile(r"<[^>]+>")


# ---------------------------------------------------------------- words


def words(text: str) -> list[str]:
    """Word tokens; superscript digits count as digits."""
    # the runs of superscripts translated, not the whole text (a page: 6 ms against 0.4)
    return WORD.findall(SUPERSCRIPT_RUN.sub(_digits, text))


def _digits(m: re.Match[str]) -> str:
    return m.group().translate(SUPERSCRIPTS)


@functools.cache
def _converter() -> md.Markdown:
    """One Markdown converter for every page of a build (made once, reset per page, as
    ``render`` does with its own)."""
    return md.Markdown(extensions=EXTENSIONS)


def page_words(markdown: str) -> Counter[str]:
    """The words a reader sees on a generated page (its YAML front matter aside)."""
    body = FRONT_MATTER.sub("", markdown, count=1)
    page = _converter().reset().convert(body)
    return Counter(words(html.unescape(ANY_TAG.sub(" ", page))))


# What ``shown_at_least`` leaves to a real conversion (``_not_read``): a table's header
# rule (a row's cells beyond the header's are dropped), a link or image other than
# ``[label](address)`` with a plain address, a reference, abbreviation or footnote
# definition, ``[TOC]``.
NOT_READ_TEXT = ("](", "][", "![", "[TOC]")
TABLE_RULE = re.compile(r"^[ \t:-]*\|[ \t|:-]*-[ \t|:-]*$|^[ \t:-]*-[ \t:-]*\|[ \t|:-]*$", re.M)
DEFINITION = re.compile(r"^(?: {0,3}\[[^\]\n]*\]:|\*\[|\[\^)", re.M)
PLAIN_LINK_ADDRESS = re.compile(r"\]\([^()\s]*\)")  # [label](address): the address is hidden
COMMENT = re.compile(r"<!--.*?-->", re.S)
BRACES = re.compile(r"\{[^{}\n]*\}")  # attribute lists, { #id } and {: .class }
FOOTNOTE_MARK = re.compile(r"\[\^[^\]\n]*\]")
LIST_NUMBER = re.compile(r"^([ \t>*+-]*)\d+[.)](?=\s|$)", re.M)  # drawn by <ol>


def _not_read(body: str) -> bool:
    if "<!--" in body or any(text in body for text in NOT_READ_TEXT):
        return True
    if "|" in body and TABLE_RULE.search(body):
        return True
    return ("]:" in body or "[" in body) and DEFINITION.search(body) is not None


def shown_at_least(markdown: str) -> Counter[str] | None:
    """Words the page ``markdown`` shows, read without converting it: never more of a
    word than ``page_words`` counts (what Markdown may hide, such as attribute lists,
    link addresses, comments, list numbers and tags, is taken out, and so is whatever
    merely looks like it); None when the page holds something only a conversion can
    tell (``_not_read``).  So when these words already hold every word of the source,
    the page does too, and the conversion is not needed."""
    body = FRONT_MATTER.sub("", markdown, count=1)
    body = PLAIN_LINK_ADDRESS.sub("] ", COMMENT.sub(" ", body))
    if _not_read(body):
        return None
    body = LIST_NUMBER.sub(r"\1 ", FOOTNOTE_MARK.sub(" ", BRACES.sub(" ", body)))
    return Counter(words(html.unescape(ANY_TAG.sub(" ", body))))


def line_words(line: str) -> list[str]:
    """The words of one source line as they should appear on the page: list numbers
    (made by ``<ol>``) and sub-item marks (``TAB_ITEM_MARK``), ``mailto:``, the inline
    tags conversions leave and the address of a Markdown-style link (the page shows its
    label: clean's ``markdown-link``) do not count."""
    return list(_line_words(line))


@functools.lru_cache(maxsize=1 << 15)
def _line_words(line: str) -> tuple[str, ...]:
    # memoized: both checks read every source line (``check_body`` after segmenting,
    # ``check_nothing_lost`` after rendering)
    for m, label, _ in reversed(markdown_links(line)):
        line = line[: m.start()] + f" {label} " + line[m.end() :]
    line = ORDERED.sub(" ", line)
    line = TAB_ITEM_MARK.sub(" ", line)
    line = html.unescape(line.replace("mailto:", " "))
    line = HTML_TAG.sub(" ", line)
    line = SUPERSCRIPT_RUN.sub(r" \1 ", line)
    return tuple(words(line))


def kept_lines(
    lines: Sequence[str], removals: Iterable[Removal], counted: frozenset[str] = frozenset()
) -> list[tuple[int, list[str]]]:
    """(line number, words) of every source line not declared removed.  A removal whose
    rule is in ``counted`` does not excuse its lines; an ``icon`` removal takes out only
    its glyph."""
    removed: set[int] = set()
    partial: dict[int, list[str]] = {}
    for r in removals:
        if r.rule in counted:
            continue
        if r.rule == "icon":
            partial.setdefault(r.span.line, []).append(r.text)
            continue
        removed.update(range(r.span.line, (r.span.end_line or r.span.line) + 1))
    out = []
    for n, line in enumerate(lines, start=1):
        if n in removed:
            continue
        for piece in partial.get(n, []):
            line = line.replace(piece, " ")
        out.append((n, line_words(line)))
    return out


# ---------------------------------------------------------------- the body is there


def _block_texts(blocks: Iterable[Block]) -> Iterable[str]:
    return (piece.text for b in blocks for piece in texts_of(b))


def _count(texts: Iterable[str]) -> int:
    return sum(len(line_words(t)) for t in texts)


def check_body(path: str, lines: Sequence[str], seg: Segmented, reporter: Reporter) -> bool:
    """Report an article whose body came out empty, or whose body, notes, references
    and back matter keep under half the words of its text.  ``seg`` is the segmenter's
    result.  Returns whether the body passed."""
    kept = {
        "the body": _count(_block_texts(seg.blocks)),
        "notes": _count(b.text for b in seg.bodies),
        "the reference list": _count(r.text for r in seg.references),
        "back matter": _count(p for m in seg.back_matter for p in m.paragraphs),
    }
    guessed = [r for r in seg.removals if r.rule in GUESSED_RULES]
    dropped = _count(r.text for r in guessed)
    where = ""
    if guessed:
        first, last = guessed[0].span.line, guessed[-1].span.end_line or guessed[-1].span.line
        where = f"; {dropped} words were dropped as masthead, lines {first}-{last}"
    if not seg.blocks:
        went = ", ".join(f"{n} words to {k}" for k, n in kept.items() if n)
        reporter.error(
            Span(path, 1),
            "the article body is empty: no heading, paragraph, list or table is left of "
            f"the text ({went or 'it holds only what the header shows'}{where})",
            BODY_EMPTY,
        )
        return False
    text = sum(len(w) for _, w in kept_lines(lines, seg.removals, GUESSED_RULES))
    total = sum(kept.values())
    if text and total < MIN_SHARE * text:
        reporter.error(
            Span(path, 1),
            f"most of the text is lost: the page keeps {total} of its {text} words "
            f"(under half){where}",
            BODY_LOST,
        )
        return False
    return True


# ---------------------------------------------------------------- every word reaches the page


def lost_words(
    lines: Sequence[str], removals: Iterable[Removal], markdown: str
) -> list[tuple[int, list[str]]]:
    """(line number, words) of the source lines whose words are not on the page
    ``markdown`` (declared removals aside), in line order.  Words are counted, so a
    missing word is put on the line that misses the most words.  The page is first
    read without converting it (``shown_at_least``): if that reading holds every word,
    nothing is lost; else the page is converted and counted."""
    kept = kept_lines(lines, removals)
    shown = shown_at_least(markdown)
    if shown is not None and not _missing(lines, kept, shown)[1]:
        return []
    per_line, missing = _missing(lines, kept, page_words(markdown))
    if not missing:
        return []
    found: dict[int, list[str]] = {}
    for n, w, c in sorted(per_line, key=lambda x: (-sum((x[2] & missing).values()), x[0])):
        take = c & missing
        if not take:
            continue
        missing -= take
        found[n] = _in_order(w, take)
    return sorted(found.items())


def _missing(
    lines: Sequence[str], kept: list[tuple[int, list[str]]], page: Counter[str]
) -> tuple[list[tuple[int, list[str], Counter[str]]], Counter[str]]:
    """(each kept line with its words and their counts, the words ``page`` lacks)."""
    per_line = [(n, w, Counter(w)) for n, w in _mend_hyphens(lines, kept, page)]
    source: Counter[str] = Counter()
    for _, _, c in per_line:
        source.update(c)
    return per_line, source - page


def _mend_hyphens(
    lines: Sequence[str], kept: list[tuple[int, list[str]]], page: Counter[str]
) -> list[tuple[int, list[str]]]:
    """A word broken at a line end ("inter-" / "nal") counts as the one word the page
    shows ("internal") when the page has it; else as its two pieces."""
    out = [(n, list(w)) for n, w in kept]
    with_words = [i for i, (_, w) in enumerate(out) if w]
    for i, j in pairwise(with_words):
        (n, first), (m, second) = out[i], out[j]
        if not first or not re.search(r"\w-\s*$", lines[n - 1]):
            continue
        if not lines[m - 1].lstrip()[:1].islower():
            continue
        joined = first[-1] + second[0]
        if page[joined] > 0:
            first[-1] = joined
            del second[0]
    return out


def _in_order(tokens: list[str], take: Counter[str]) -> list[str]:
    """The tokens counted in ``take``, in the order the line has them."""
    left = Counter(take)
    out = []
    for t in tokens:
        if left[t] > 0:
            left[t] -= 1
            out.append(t)
    return out


def check_nothing_lost(article: Article, markdown: str, reporter: Reporter) -> bool:
    """Report every source line of ``article`` whose words the page ``markdown`` does
    not show (declared removals aside).  Returns whether nothing was lost."""
    lost = lost_words(article.source_lines, article.removals, markdown)
    path = article.source_path
    for n, ws in lost[:MAX_REPORTED]:
        shown = " ".join(ws[:12]) + (" …" if len(ws) > 12 else "")
        reporter.error(
            Span(path, n),
            f"text lost: not on the page and not declared removed "
            f"({len(ws)} word{'s' if len(ws) > 1 else ''}): {shown}",
            TEXT_LOST,
        )
    if len(lost) > MAX_REPORTED:
        n = lost[MAX_REPORTED][0]
        reporter.error(
            Span(path, n),
            f"text lost: and {len(lost) - MAX_REPORTED} more lines from line {n} on",
            TEXT_LOST,
        )
    return not lost
