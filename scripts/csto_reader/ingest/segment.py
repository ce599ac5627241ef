"""Stage 2: segment.  Turn cleaned lines into the parts of an article.

Front matter (title, byline, abstract, keywords: rendered in the header), body blocks
(headings, paragraphs, block quotes, lists, tables), footnote bodies wherever page
breaks left them, the reference list, and labelled back matter (about the author,
article information, licence).  Paragraphs that a page break or a block of footnotes
cut in two are joined again.

Every rule here is written for a kind of layout, not for one article's wording.  The
rules are small named functions in two ordered tables: ``FRONT_RULES`` for the header
and ``BODY_RULES`` for the body, where each chunk (consecutive non-blank lines) goes to
the first rule that takes it.  Each rule's docstring names its kind of artefact with
an example, and each has a fixture case under tests/fixtures/stages/segment/.  A text
that writes one paragraph per line with no blank line between (``writes_line_paragraphs``)
has its chunks split into lines first (``LINE_PARAGRAPH_RULES``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ..diagnostics import Reporter
from ..model import (
    PROSE_KINDS,
    ArticleMeta,
    BackMatter,
    Block,
    Cleaned,
    FootnoteBody,
    Heading,
    Line,
    ListBlock,
    ListItem,
    Paragraph,
    Quote,
    ReferenceItem,
    Removal,
    Segmented,
    Span,
    Table,
    texts_of,
)
from .clean import normalize_for_match
from .footnotes import BARE_MARK
from .reference_lines import entry_start, join_entry_line

# Section names that open the reference list, and labelled back matter.
REFERENCE_LABELS = {
    "references",
    "reference",
    "bibliography",
    "literature",
    "works cited",
    "list of references",
    "reference list",
    "sources and literature",
} | {
    # German section labels, which a German journal's house style keeps in an English
    # text: "Literatur", "Literaturverzeichnis", "Quellen und Literatur".
    "literatur",
    "literaturverzeichnis",
    "quellen",
    "quellen und literatur",
    "quellenverzeichnis",
}
NOTES_LABELS = {"notes", "endnotes", "note"} | {"anmerkungen", "fußnoten", "endnoten"}
BRACKET_BODY = re.compile(r"^\[(\d{1,3})\]\s*(.*)$", re.S)
BACK_LABELS = {
    "about the author",
    "about the authors",
    "contribution of the author",
    "contribution of the authors",
    "author contributions",
    "article info",
    "article information",
    "peer review info",
    "conflicts of interest",
    "funding",
    "acknowledgements",
    "acknowledgments",
    "information about the author",
    "information about the authors",
}
# Back-matter headings as a family: "Funding", "Funding information", "Declaration of
# interest", "Data availability statement", "Notes on contributors" ...  A notes section
# ends at one of these (its last note does not run on into the back matter).
BACK_LABEL = re.compile(
    r"^(?:about the authors?|acknowledge?ments?|funding(?: information| statement)?"
    r"|financial support|(?:declarations?|conflicts?|statement) of (?:competing )?interests?"
    r"|(?:competing|conflicting) interests?|disclosure statement"
    r"|data (?:availability|access)(?: statement)?|notes on contributors?"
    r"|authors?(?:'s)? contributions?|ethics statement)$"
)
# The same label opening a paragraph: "Funding: This work was supported by ..."
BACK_LABEL_INLINE = re.compile(
    r"^\W*(funding|acknowledge?ments?|declaration of (?:competing )?interests?"
    r"|conflicts? of interests?|competing interests?|data availability(?: statement)?"
    r"|disclosure statement)\W*[:.]\s+(\S.*)$",
    re.I | re.S,
)


def is_back_label(name: str) -> bool:
    """Whether a heading's normalized text names a back-matter section."""
    return name in BACK_LABELS or bool(BACK_LABEL.match(name.rstrip(" :.")))


# Top-level sections of the IMRaD plan; "results" and "discussion" hold subsections, and
# so does APA's "Method" (Participants, Measures, Procedure).
IMRAD = {
    "introduction",
    "materials and methods",
    "method",
    "methods",
    "methodology",
    "results",
    "discussion",
    "results and discussion",
    "conclusion",
    "conclusions",
    "literature review",
    "background",
    "theoretical framework",
}
FUNCTION_WORDS = {
    "a",
    "an",
    "the",
    "that",
    "as",
    "of",
    "and",
    "or",
    "to",
    "with",
    "in",
    "on",
    "by",
    "for",
    "from",
    "which",
    "who",
    "is",
    "are",
    "was",
    "were",
}
IMRAD_CONTAINERS = {"results", "discussion", "results and discussion", "method", "methods"}

MARKED_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
EMPHASIS_LINE = re.compile(r"^(\*{2,3})([^*]+)\1$")
# "Abstract." / "**Key words:**" / "Key words — CSTO" / a line "ABSTRACT" alone; not
# "Abstract ideas of ..." (read on a chunk's first line: the text may follow on the next)
LABEL = re.compile(
    r"^\W*(abstract|key\s*words|keywords|index\s+terms|for citation"
    r"|zusammenfassung|schlüsselwörter|schlagwörter|stichwörter)"
    r"(?:\W*[:.\u2013\u2014]\W*|\s+-\s+\W*|\W*$)(.*)$",
    re.I | re.S,
)
# A header label in German (a German journal's house style): the label it stands for.
LOCAL_LABELS = {
    "zusammenfassung": "abstract",
    "schlüsselwörter": "keywords",
    "schlagwörter": "keywords",
    "stichwörter": "keywords",
}
# An author note under the byline, marked with the byline's asterisks: "* Anna Ivanova
# is a lecturer at ..." (a note, not a one-item bullet list).
# (not "**Igepri** Institute", a line in bold).
AUTHOR_NOTE = re.compile(r"^(\*{1,3})\s*([A-Z\u00c0-\u024f][^*\n]*(?:\n.*)?)$", re.S)
BYLINE_STAR = re.compile(r"(?<=[\w.)])\*{1,3}(?=\W|$)")
EMPHASIS = re.compile(r"(\*{1,3})([^*]+)\1")  # "*Sheng Zhang*": italics, no note mark
ORDERED_ITEM = re.compile(r"^(?:[-*•]\s+)?(\d{1,3})[.)]\s+(.*)$")
BULLET_ITEM = re.compile(r"^[-*•]\s+(.*)$")
# an IEEE reference list's entry number: "[1] R. Allison, ..."
BRACKET_ITEM = re.compile(r"^\[(\d{1,3})\]\s+(\S.*)$")
REFERENCE_START = re.compile(
    r"^[^\W\d][^\s,.(]*,(?:\s+[A-Z][\w.-]*\.?)+[^()]{0,80}\(\d{4}[a-z]?[,)]"
)
TABLE_CAPTION = re.compile(r"^\W*(Table\s+\d+)\.?\W*$", re.I)
# The note under a table, APA's "Note." or a "Source:" line.
TABLE_NOTE = re.compile(r"^\W*(?:notes?|sources?)\W*[.:]\s*\S", re.I)
# An item of a list as a word processor saves it as text: a bullet glyph or a number
# (or letter) then a tab, perhaps after tabs: "\t•\tto send", "\t\to\tof 2,000", "1.\tto".
TAB_ITEM = re.compile(r"^[ \t]*([•◦▪▫■□●○◆◇§o*\-–]|\d{1,3}[.)]|[a-z][.)])\t+(\S.*)$")
URL = re.compile(r"(?:https?://|www\.)\S+")

# Footnote bodies as conversions write them.
SUP_BODY = re.compile(r"^<sup>(\d+)</sup>\s*(.*)$", re.S)
UNICODE_SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹"
UNICODE_BODY = re.compile(rf"^([{UNICODE_SUP}]+)\s*(.*)$", re.S)
CARET_BODY = re.compile(r"^\^\{\s*(\d*)\s*(\*?)\s*\}\s*(.*)$", re.S)
BARE_BODY = re.compile(r"^(\d{1,3})\s+(\S.*)$", re.S)

TRAILING_MARKS = re.compile(
    rf"(\s*(<sup>\d+</sup>|[{UNICODE_SUP}]+|\*\d*|\[\d+(?::\s*[\d–-]+)?\]))+$"
)

BARE_MARK_END = re.compile(r"(?<=[.,;:!?”\"’)])\d{1,3}$")  # "... in 1994.3"

# A block that text can run on into (``_Walk.text_block``).
TextBlock = Paragraph | Quote | ListBlock


def _matched(pattern: re.Pattern[str], text: str) -> re.Match[str]:
    """``pattern.match(text)`` where a rule has found already that it matches."""
    m = pattern.match(text)
    if m is None:
        raise ValueError(f"{pattern.pattern!r} does not match {text!r}")
    return m


def sup_to_int(text: str) -> int:
    return int("".join(str(UNICODE_SUP.index(c)) for c in text))


@dataclass
class Chunk:
    """Consecutive non-blank lines."""

    lines: list[Line]
    kind: str = "prose"
    # words broken by a line-end hyphen that keep it when joined ("non-interference")
    compounds: frozenset[str] = frozenset()

    def part(self, lines: list[Line]) -> Chunk:
        """A chunk of some of these lines (which join as these do)."""
        return Chunk(lines, compounds=self.compounds)

    @property
    def first(self) -> int:
        return self.lines[0].number

    @property
    def last(self) -> int:
        return self.lines[-1].number

    @property
    def text(self) -> str:
        return join_wrapped([ln.text for ln in self.lines], self.compounds)


LINE_END_HYPHEN = re.compile(r"([^\W\d_]+)-$")
FIRST_WORD = re.compile(r"[^\W\d_]+")


# The line so far ends in an address cut after a hyphen: "https://example.org/a-b-"
ADDRESS_CUT = re.compile(r"(?:https?://|www\.)\S*-$", re.I)


def join_wrapped(lines: list[str], compounds: frozenset[str] = frozenset()) -> str:
    """Join hard-wrapped lines into one.  A word broken at the line end by a hyphen
    ("inter-" / "nal") is mended, unless it is one of ``compounds``, words written with
    their hyphen ("non-" / "interference": see ``line_end_compounds``); a hyphen before
    a capital or a number is the word's own ("anti-" / "Western"); every other line
    break becomes a space."""
    out = ""
    for raw in lines:
        t = raw.strip()
        if not t:
            continue
        # (the pattern ends in "-$", and ``out`` never ends in a line end)
        broken = LINE_END_HYPHEN.search(out) if out.endswith("-") else None
        first = FIRST_WORD.match(t)
        if broken and ADDRESS_CUT.search(out):
            out += t  # a URL cut at one of its own hyphens keeps it ("intervene-in-")
        elif broken and first and t[:1].islower():
            keep = f"{broken.group(1)}-{first.group(0)}".lower() in compounds
            out = (out if keep else out[:-1]) + t
        elif broken and (t[:1].isupper() or t[:1].isdigit()):
            out += t
        else:
            out = f"{out} {t}" if out else t
    return out


# Prefixes that English writes with a hyphen before a word ("self-defence",
# "non-interference", "ex-president", "quasi-alliance", "cross-border", "well-known").
HYPHEN_PREFIXES = frozenset({"non", "self", "ex", "quasi", "cross", "well", "all", "half"})
WORDS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# Endings that English adds to a word and never hyphenates: a line-end break before one
# ("deploy-" / "ment", "invita-" / "tion") is a syllable break, not a compound.
WORD_ENDINGS = frozenset(
    "ment ments tion tions sion sions ation ations ness ity ities ing ings ed ly al ally"
    " ance ances ence ences able ably ible ibly ful less ous ive ives ize izes ized ise"
    " ises ised ism isms ist ists ure ures ary ory ical ship ships".split()
)


def line_end_compounds(lines: tuple[Line, ...], path: str, reporter: Reporter) -> frozenset[str]:
    """The words broken by a line-end hyphen ("non-" / "interference") that keep their
    hyphen when the lines are joined, decided from the document's own vocabulary: the
    text writes the word with its hyphen elsewhere ("non-interference" inside a line), or
    not solid ("noninterference") and its first part is a prefix English hyphenates
    (``HYPHEN_PREFIXES``).  A word the text writes neither way, with no such prefix, is
    joined solid, as most such breaks are; it is reported (``hyphen-doubtful``) unless
    what follows the break is an ending English never hyphenates (``WORD_ENDINGS``:
    "deploy-" / "ment")."""
    vocabulary: set[str] | None = None  # read only when some line ends in a hyphen
    keep: set[str] = set()
    texts = [(ln.number, ln.text.strip()) for ln in lines]
    for (n, a), (_, b) in zip(texts, texts[1:], strict=False):
        if not a.endswith("-"):  # what LINE_END_HYPHEN needs first (``a`` is stripped)
            continue
        broken, first = LINE_END_HYPHEN.search(a), FIRST_WORD.match(b)
        if not (broken and first and b[:1].islower()):
            continue
        if vocabulary is None:
            vocabulary = {w.lower() for ln in lines for w in WORDS.findall(ln.text)}
        head, tail = broken.group(1), first.group(0)
        word, solid = f"{head}-{tail}".lower(), f"{head}{tail}".lower()
        if word in vocabulary or (solid not in vocabulary and head.lower() in HYPHEN_PREFIXES):
            keep.add(word)
        elif solid not in vocabulary and tail.lower() not in WORD_ENDINGS:
            reporter.note(
                Span(path, n),
                f"'{head}-' / '{tail}' at a line end joined as '{head}{tail}'; the text "
                f"writes it nowhere else, with or without the hyphen",
                "hyphen-doubtful",
            )
    return frozenset(keep)


def chunks_of(lines: tuple[Line, ...], compounds: frozenset[str] = frozenset()) -> list[Chunk]:
    out: list[Chunk] = []
    cur: list[Line] = []
    for ln in lines:
        if ln.text.strip():
            cur.append(ln)
        elif cur:
            out.append(Chunk(cur, compounds=compounds))
            cur = []
    if cur:
        out.append(Chunk(cur, compounds=compounds))
    return out


# ---------------------------------------------------------------- paragraph indents
#
# A PDF conversion of a typeset page marks each paragraph by indenting its first line,
# with no blank line between paragraphs (pdftotext keeps the indent as spaces).  Whether
# a text does is read from the text itself (``paragraph_indent``); then a chunk is split
# where a line is indented further than the line before (``SPLIT_RULES``).

INDENT_MAX = 8  # spaces: a first-line indent; a line further in is centred or a table
INDENT_EVIDENCE = 3  # paragraph openings needed before a text is read as indent-marked


def indent_of(text: str) -> int:
    """The spaces before a line's text (a line with a tab counts as not indented)."""
    stripped = text.lstrip(" ")
    return 0 if stripped.startswith("\t") else len(text) - len(stripped)


def _opens_indented(prev: str, cur: str, nxt: str) -> int:
    """The indent of ``cur`` when it reads as an indented paragraph opening: a flush
    line that ends a sentence (or a numbered heading) before it, ``cur`` indented up to
    ``INDENT_MAX`` spaces, opening with a capital and running on (its sentence does not
    end on it), then a flush line; 0 otherwise.  A hanging indent (a reference list's
    wrapped entries) has its indented lines after an unended line, or ending there."""
    k = indent_of(cur)
    if not (1 <= k <= INDENT_MAX and indent_of(prev) == 0 and indent_of(nxt) == 0):
        return 0
    if not (prev.strip() and nxt.strip()) or "\t" in cur or not cur.strip()[:1].isupper():
        return 0
    if ends_sentence(cur) or not (ends_sentence(prev) or numbered_heading(prev)):
        return 0
    return k


def paragraph_indent(lines: tuple[Line, ...]) -> int | None:
    """The first-line indent that marks the text's paragraphs, if it uses one: the most
    common indent of paragraph openings (``_opens_indented``), found at least
    ``INDENT_EVIDENCE`` times; None for a text whose paragraphs are not so marked."""
    counts: dict[int, int] = {}
    texts = [ln.text for ln in lines]
    for prev, cur, nxt in zip(texts, texts[1:], texts[2:], strict=False):
        k = _opens_indented(prev, cur, nxt)
        if k:
            counts[k] = counts.get(k, 0) + 1
    if not counts:
        return None
    k = max(counts, key=lambda i: (counts[i], -i))
    return k if counts[k] >= INDENT_EVIDENCE else None


def _indent_split(prev: Line, line: Line, indent: int | None) -> bool:
    """paragraph-indent: in a text whose paragraphs are marked by a first-line indent
    (``paragraph_indent``), a line indented about as far, after a flush line that ends
    a sentence or is a numbered heading, opens a new chunk: "1. INTRODUCTION" / "   The
    request made ..." is a heading and a paragraph, and "... in 2010 [4–6]." / "   This
    note reads ..." two paragraphs.  A line opening in lower case runs on, and so does
    one that ends its sentence where it starts (a hanging indent's second line)."""
    k, text = indent_of(line.text), line.text.strip()
    return (
        indent is not None
        and abs(k - indent) <= 2
        and indent_of(prev.text) == 0
        and not text[:1].islower()
        and not ends_sentence(text)
        and (ends_sentence(prev.text) or numbered_heading(prev.text) is not None)
    )


def _lettered_heading_split(prev: Line, line: Line, indent: int | None) -> bool:
    """lettered-heading-line: an IEEE section or subsection heading ("II. BACKGROUND",
    "A. Treaty Basis", ``lettered_heading``) stands on its own line, with or without
    a blank line around it: the chunk breaks after it, and before it when the line
    above ends a sentence or is such a heading."""
    if lettered_heading(prev.text):
        return True
    return lettered_heading(line.text) is not None and ends_sentence(prev.text)


# "Index Terms—CSTO, ..." / "Keywords: ..." opening a line inside a chunk (IEEE runs
# its abstract and index terms on with no blank line between)
RUN_IN_LABEL = re.compile(
    r"^(?:Abstract|ABSTRACT|Index\s+Terms|INDEX\s+TERMS|Keywords|KEYWORDS)"
    r"\s*[:\u2013\u2014]\s*\S"
)


def _run_in_label_split(prev: Line, line: Line, indent: int | None) -> bool:
    """run-in-label-line: a header label run in with its text ("Index Terms—CSTO,
    Kazakhstan", "Keywords: CSTO"), at the start of a line after one that ends a
    sentence, opens a chunk of its own: the abstract above it ends there."""
    return bool(RUN_IN_LABEL.match(line.text.strip())) and ends_sentence(prev.text)


def _block_quote_split(prev: Line, line: Line, indent: int | None) -> bool:
    """block-quote-indent: a block quotation set in further than a paragraph indent
    (``INDENT_MAX``), with no blank line around it, as a PDF of an essay leaves it: the
    chunk breaks before it after a lead-in ("... puts the point more sharply:") and
    after it when the quotation has ended its sentence ("... invitations. (Omarova
    88)") and a line at the margin follows."""
    k, before = indent_of(line.text), indent_of(prev.text)
    if k > INDENT_MAX >= before:
        return leads_in(prev.text.rstrip())
    return before > INDENT_MAX >= k and ends_sentence(prev.text) and bool(line.text.strip())


# Chunk split rules: each says whether a chunk breaks before a line (given the line
# before it and the text's paragraph indent, None when it has none); the walk records
# the rule that split it.
SPLIT_RULES: tuple[tuple[str, Callable[[Line, Line, int | None], bool]], ...] = (
    ("paragraph-indent", _indent_split),
)
# Split rules that do not depend on a paragraph indent, applied after a text written
# one paragraph a line has been split into its lines (``LINE_PARAGRAPH_RULES``).
LINE_SPLIT_RULES: tuple[tuple[str, Callable[[Line, Line, int | None], bool]], ...] = (
    ("lettered-heading-line", _lettered_heading_split),
    ("run-in-label-line", _run_in_label_split),
    ("block-quote-indent", _block_quote_split),
)


def split_indented(
    chunks: list[Chunk],
    indent: int | None,
    trace: list[tuple[int, str]],
    rules: tuple[tuple[str, Callable[[Line, Line, int | None], bool]], ...] = SPLIT_RULES,
) -> list[Chunk]:
    """``chunks`` split by ``rules`` (the paragraph-indent rule only in a text with a
    paragraph indent), up to the reference list's label (a list may hang its
    entries' second lines); each split is recorded in ``trace`` as (line, rule)."""
    out: list[Chunk] = []
    for n, ch in enumerate(chunks):
        if normalize_for_match(ch.lines[0].text) in REFERENCE_LABELS:
            return out + chunks[n:]
        start = 0
        for i in range(1, len(ch.lines)):
            rule = next((n for n, r in rules if r(ch.lines[i - 1], ch.lines[i], indent)), None)
            if rule:
                out.append(ch.part(ch.lines[start:i]))
                trace.append((ch.lines[i].number, rule))
                start = i
        out.append(ch.part(ch.lines[start:]))
    return out


def strip_emphasis(text: str) -> str:
    return re.sub(r"^\*+|\*+$", "", text.strip()).strip()


def words(text: str) -> int:
    return len(text.split())


def footnote_body(text: str) -> tuple[int | None, bool, str] | None:
    """(number, asterisk, text) when ``text`` opens like a footnote body."""
    m = SUP_BODY.match(text)
    if m:
        return int(m.group(1)), False, m.group(2)
    m = UNICODE_BODY.match(text)
    if m:
        return sup_to_int(m.group(1)), False, m.group(2)
    m = CARET_BODY.match(text)
    if m:
        return (int(m.group(1)) if m.group(1) else None), bool(m.group(2)), m.group(3)
    return None


# "2. Two Requests", "4. A SECURITY COMMUNITY?", "2.1 The Charter: aims and means"
NUMBERED_HEADING = re.compile(
    r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+([A-Z][^.!?:;,]*(:\s*[^.!?:;,\s][^.!?:;,]*)?\??)$"
)


def numbered_heading(text: str) -> tuple[str, int] | None:
    """ "2. Two Requests" or "2.1 The Treaty": a short numbered title with no closing
    punctuation but a question mark ("4. A SECURITY COMMUNITY?"), perhaps with a
    subtitle after a colon ("2.1 The Charter: aims and means").  Returns the text and
    its depth (1 for "2.", 2 for "2.1")."""
    m = NUMBERED_HEADING.match(text.strip())
    if not m or words(m.group(2)) > (16 if m.group(3) else 10):
        return None
    return text.strip(), m.group(1).count(".") + 1


# IEEE sections: "I. INTRODUCTION", "IV. RESULTS AND DISCUSSION" (capitals, as the
# small capitals of the PDF come out), and their lettered subsections "A. Treaty Basis"
# (title case: every word capitalised but the short function words).
ROMAN_HEADING = re.compile(r"^([IVX]{1,5})\.\s+([A-Z][A-Z0-9’'&,:\- ]*[A-Z0-9?])$")
LETTER_HEADING = re.compile(r"^([A-H])\.\s+([A-Z][\w’'-]*(?:\s+[\w’'-]+:?){0,9}\??)$")


def lettered_heading(text: str) -> tuple[str, int] | None:
    """ "II. BACKGROUND" (depth 1) or "A. Treaty Basis" (depth 2): a section numbered
    with a roman numeral, in capitals, or a subsection lettered A to H, in title case;
    at most 10 words, no closing punctuation but a question mark."""
    t = text.strip()
    m = ROMAN_HEADING.match(t)
    if m and words(m.group(2)) <= 10:
        return t, 1
    m = LETTER_HEADING.match(t)
    if not m or words(m.group(2)) > 10:
        return None
    rest = m.group(2).split()[1:]
    if all(w[:1].isupper() or w.lower() in FUNCTION_WORDS for w in rest):
        return t, 2
    return None


def heading_of(chunk: Chunk) -> tuple[str, str] | None:
    """(text, style) if the chunk is a heading; style is roman, italic, plain or
    numbered-N (N the depth of its section number)."""
    if len(chunk.lines) != 1:
        return None
    raw = chunk.lines[0].text.strip()
    num = numbered_heading(raw) or lettered_heading(raw)
    if num:
        return num[0], f"numbered-{num[1]}"
    m = MARKED_HEADING.match(raw)
    if m:
        inner = m.group(2).strip()
        style = (
            "italic"
            if inner.startswith("***") or (inner.startswith("*") and not inner.startswith("**"))
            else "roman"
        )
        return strip_emphasis(inner), style
    m = EMPHASIS_LINE.match(raw)
    if m and words(m.group(2)) <= 12 and not m.group(2).rstrip().endswith((".", ",", ";", ":")):
        return m.group(2).strip(), "italic" if len(m.group(1)) == 3 else "roman"
    return None


def looks_unmarked_heading(text: str) -> bool:
    """A short line standing alone that reads as a title, e.g. "Materials and methods"."""
    t = text.strip()
    if not t or words(t) > 20 or len(t) > 160:
        return False
    # a sentence ending with a note marker, "... in 1994.3" or "... in 1994.³", ended
    unmarked = BARE_MARK_END.sub("", TRAILING_MARKS.sub("", t)) or t
    if unmarked[-1] in ".,;:" or URL.search(t) or "\t" in t:
        return False
    if not (t[0].isupper() or t[0].isdigit()) or t.isdigit():
        return False
    if ORDERED_ITEM.match(t) or BULLET_ITEM.match(t) or footnote_body(t) or BARE_BODY.match(t):
        return False
    # a lead-in to a quotation or a cut sentence, not a title: "..., stated that"
    if t.split()[-1] in FUNCTION_WORDS or (", " in t and words(t) > 8):
        return False
    return any(c.isalpha() for c in t)


def ends_sentence(text: str) -> bool:
    """True when a paragraph ends a sentence (trailing note markers ignored).

    Author-date writers often put the citation after the full stop:
    "... is prevalent. (Schmidt, 2014)" also ends a sentence.
    """
    t = _without_end_marks(text.rstrip())
    if t.endswith(">"):
        t = re.sub(r"</?[a-z]+>$", "", t)
    # where "$" matches: the end, or before a final line end
    end = t[:-1] if t.endswith("\n") else t
    if end.rstrip('"”’)]*')[-1:] in SENTENCE_STOPS:  # [.?!…] then closing marks
        return True
    if not end.endswith(")"):
        return False
    m = re.search(r"\(([^()]*)\)$", t)
    return bool(m and re.search(r"[.?!][\"”’]?\s*$", t[: m.start()]))


SENTENCE_STOPS = frozenset(".?!…")


def _without_end_marks(t: str) -> str:
    """``BARE_MARK_END.sub("", TRAILING_MARKS.sub("", t).rstrip())`` for ``t`` with no
    trailing whitespace, each pattern tried only when ``t`` ends as its match must
    (both end in "$": the search would scan the whole paragraph to find nothing)."""
    last = t[-1:]
    if last and (last in ">*]" or last in UNICODE_SUP or last.isdecimal()):
        t = TRAILING_MARKS.sub("", t).rstrip()
    if t[-1:].isdecimal():
        t = BARE_MARK_END.sub("", t)
    return t


def ends_with_note(text: str) -> bool:
    """Ends with a note marker or a numeric citation, e.g. "...space¹." or "...[5:68]."."""
    t = text.rstrip().rstrip(".").rstrip()
    return bool(re.search(rf"([{UNICODE_SUP}]+|<sup>\d+</sup>|\[\d+(?::\s*[\d–\- ]+)?\])$", t))


def leads_in(text: str) -> bool:
    """A paragraph that announces a quotation: ends with ",", ":" or "that"/"as"."""
    t = text.rstrip()
    return t.endswith((",", ":")) or bool(re.search(r"\b(that|as|follows)$", t))


def parse_table(chunk: Chunk) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    rows = []
    for ln in chunk.lines:
        cells = []
        for cell in ln.text.split("\t"):
            items = re.findall(r"<li>(.*?)</li>", cell, re.S)
            if items:
                cell = "\n".join(html.unescape(re.sub(r"^\s*-\s*", "", i)).strip() for i in items)
            else:
                cell = html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            cells.append(cell)
        rows.append(tuple(cells))
    return rows[0], tuple(rows[1:])


def assign_levels(found: list[tuple[int, str, str]]) -> dict[int, int]:
    """Heading levels: roman headings are h2, italic ones h3.  Unmarked headings follow the
    IMRaD plan: its top-level names are h2; others are h3 inside a Results or Discussion
    section and h2 elsewhere."""
    levels: dict[int, int] = {}
    inside_container = False
    for idx, text, style in found:
        name = normalize_for_match(text)
        if style.startswith("numbered-"):
            levels[idx] = min(3, 1 + int(style.split("-")[1]))
            name = normalize_for_match(re.sub(r"^[\d.]+\s*", "", text))
            inside_container = name in IMRAD_CONTAINERS
        elif style == "italic":
            levels[idx] = 3
        elif style == "roman":
            levels[idx] = 2
        elif name in IMRAD:
            levels[idx] = 2
            inside_container = name in IMRAD_CONTAINERS
        else:
            levels[idx] = 3 if inside_container else 2
    return levels


def _matches_author(text: str, meta: ArticleMeta) -> bool:
    t = normalize_for_match(re.sub(r"<sup>.*?</sup>|[⁰¹²³⁴⁵⁶⁷⁸⁹]", "", text))
    for a in meta.authors:
        name = normalize_for_match(a.name)
        if t == name or (words(t) <= 8 and all(w in t.split() for w in name.split())):
            return True
    return False


def _front_field(text: str, meta: ArticleMeta) -> str | None:
    """Which header field a front-matter chunk states, if any."""
    t = normalize_for_match(text)
    title = normalize_for_match(meta.title)
    if t == title or (title and t.replace(" ", "") == title.replace(" ", "")):
        return "title"
    if _matches_author(text, meta):
        return "byline"
    for a in meta.authors:
        if a.affiliation and t == normalize_for_match(a.affiliation):
            return "affiliation"
        if (a.email and a.email.lower() in t) or (a.orcid and a.orcid in t):
            return "contact"
    return None


def _title_line_split(chunk: Chunk, meta: ArticleMeta) -> list[Chunk] | None:
    """title-line: a line that is the article's title (meta.yml), inside a chunk of
    other lines, stands alone: an MLA essay's heading block ("Camille Duval" /
    "Professor ..." / course / date) runs into the title line and the title into the
    first paragraph, with no blank line between (a title of one line only)."""
    for i, ln in enumerate(chunk.lines):
        if len(chunk.lines) > 1 and _front_field(ln.text, meta) == "title":
            parts = [chunk.lines[:i], chunk.lines[i : i + 1], chunk.lines[i + 1 :]]
            return [chunk.part(p) for p in parts if p]
    return None


# Rules that split a chunk of the header, given the article's meta.yml.
FRONT_SPLIT_RULES: tuple[tuple[str, Callable[[Chunk, ArticleMeta], list[Chunk] | None]], ...] = (
    ("title-line", _title_line_split),
)


def split_front(chunks: list[Chunk], walk: _Walk) -> list[Chunk]:
    """The chunks before the first prose paragraph (30 words or more in a chunk that
    does not start with the title) split by ``FRONT_SPLIT_RULES``, each split traced."""
    out: list[Chunk] = []
    for n, ch in enumerate(chunks):
        parts = next(((name, p) for name, r in FRONT_SPLIT_RULES if (p := r(ch, walk.meta))), None)
        if parts is None:
            out.append(ch)
            if words(ch.text) >= 30:
                return out + chunks[n + 1 :]
            continue
        out += parts[1]
        walk.trace.append((ch.first, parts[0]))
    return out


def segment(cleaned: Cleaned, meta: ArticleMeta, reporter: Reporter) -> Segmented:
    """Split a cleaned text into header, body blocks, footnote bodies, references and
    back matter.  Text that no rule understands stays in the body as a paragraph.

    Three passes: the header (``FRONT_RULES``), the run of bare-number note bodies, and
    the walk of the body, where each chunk goes to the first rule of ``BODY_RULES``
    that takes it."""
    chunks = chunks_of(cleaned.lines, line_end_compounds(cleaned.lines, cleaned.path, reporter))
    walk = _Walk(cleaned.path, meta, indent=paragraph_indent(cleaned.lines))
    chunks = split_indented(chunks, walk.indent, walk.trace)
    chunks = _split_line_paragraphs(chunks, walk)
    chunks = split_indented(chunks, walk.indent, walk.trace, LINE_SPLIT_RULES)
    chunks = split_front(chunks, walk)
    front, body_start = _read_front(chunks, walk)
    if (
        front.abstract
        and meta.abstract
        and normalize_for_match(front.abstract) != normalize_for_match(meta.abstract)
    ):
        reporter.warning(
            Span(walk.path, 1),
            "the abstract in meta.yml differs from the text's abstract",
            "abstract-mismatch",
        )
    walk.body = _split_labels(chunks[body_start:])
    walk.bare_headings = _bare_numbered_headings(walk.body)
    walk.bare_run = _bare_note_run(walk.body, walk.bare_headings)
    _walk_body(walk, {r.span.line for r in cleaned.removals})
    levels = assign_levels(walk.headings)
    blocks = [
        replace(b, level=levels[i]) if isinstance(b, Heading) else b
        for i, b in enumerate(walk.blocks)
    ]
    back_matter = tuple(BackMatter(t, tuple(p), s) for t, p, s in walk.back if p)
    for t, p, s in walk.back:
        if not p:
            reporter.warning(s, f"section '{t}' is empty", "empty-section")
    return Segmented(
        tuple(front.title_lines),
        tuple(front.byline),
        tuple(blocks),
        tuple(walk.bodies),
        tuple(walk.references),
        walk.references_title,
        back_matter,
        tuple(cleaned.removals) + tuple(walk.removals),
        front.abstract,
        front.keywords,
        tuple(walk.trace),
        affiliations=front.affiliations,
    )


@dataclass
class _Walk:
    """The state of one article's segmentation, shared by the rules."""

    path: str
    meta: ArticleMeta
    body: list[Chunk] = field(default_factory=list)
    bare_run: set[int] = field(default_factory=set)  # indexes of bare-number note bodies
    # indexes of numbered headings written like bare-number notes ("1 Introduction")
    bare_headings: frozenset[int] = frozenset()
    removals: list[Removal] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    bodies: list[FootnoteBody] = field(default_factory=list)
    references: list[ReferenceItem] = field(default_factory=list)
    references_title: str | None = None
    back: list[tuple[str, list[str], Span]] = field(default_factory=list)
    headings: list[tuple[int, str, str]] = field(default_factory=list)  # (block, text, style)
    region: str = "body"  # body | notes | references | back
    interrupted: bool = False  # removed furniture or a note stands since the last block
    pending_caption: Chunk | None = None  # a "Table 1" line waiting for its table
    pending_title: Chunk | None = None  # the title line after it (APA: "Table 1" / title)
    author_marks: int = 0  # asterisks on the byline ("Anna Ivanova*") not yet given a note
    indent: int | None = None  # the first-line indent marking paragraphs, if the text has one
    trace: list[tuple[int, str]] = field(default_factory=list)  # (first line, rule)

    def drop(self, chunk: Chunk, rule: str, reason: str) -> None:
        self.removals.append(
            Removal(Span(self.path, chunk.first, chunk.last), chunk.text, rule, reason)
        )

    def span(self, chunk: Chunk) -> Span:
        return Span(self.path, chunk.first, chunk.last)

    def text_block(self) -> TextBlock | None:
        """The last block if text can run on into it (paragraph, quote or list)."""
        last = self.blocks[-1] if self.blocks else None
        return last if isinstance(last, (Paragraph, Quote, ListBlock)) else None

    def open_text(self) -> tuple[TextBlock, str] | None:
        """(block, its last text) when the last text block ends mid-sentence."""
        prev = self.text_block()
        prev_text = _last_text(prev) if prev else None
        if prev is None or prev_text is None or ends_sentence(prev_text):
            return None
        return prev, prev_text

    def add_back_text(self, chunk: Chunk) -> None:
        if not self.back:
            self.back.append(("Back matter", [], Span(self.path, chunk.first)))
        self.back[-1][1].append("\n".join(ln.text.strip() for ln in chunk.lines))


# ---------------------------------------------------------------- 1. the header
#
# The header is looked for up to the first prose paragraph (30 words or more); the body
# starts right after the last chunk the header takes (title, byline, abstract,
# keywords, ...), so a short opening paragraph stays in the body.  Unrecognized chunks
# before that are masthead.  An article with no such paragraph (only short paragraphs,
# headings, notes or references) is looked through to its end; one whose text states
# none of its header has no masthead at all: what stands before the header is
# masthead, and without a header that cannot be told.


@dataclass
class _Front:
    """What the header rules found."""

    abstract: str | None = None
    keywords: str | None = None
    title_lines: list[int] = field(default_factory=list)
    byline: list[str] = field(default_factory=list)
    # a label standing alone ("ABSTRACT", "Keywords"): the next chunk is its text
    expect: str | None = None
    # (author's name, affiliation) the text states under the byline
    affiliations: tuple[tuple[str, str], ...] = ()


def _label_text(walk: _Walk, front: _Front, ch: Chunk, name: str) -> bool:
    """Take ``ch`` as the text of the ``name`` label standing alone before it."""
    if front.expect != name:
        return False
    setattr(front, name, ch.text)
    front.expect = None
    walk.drop(ch, "header", f"the {name}, shown in the article header")
    return True


def _abstract_text(walk: _Walk, front: _Front, ch: Chunk) -> bool:
    """abstract-text: the paragraph after an "Abstract" label standing alone, e.g.
    "ABSTRACT" / "This article examines ..."."""
    return _label_text(walk, front, ch, "abstract")


def _keywords_text(walk: _Walk, front: _Front, ch: Chunk) -> bool:
    """keywords-text: the line after a "Keywords" label standing alone, e.g.
    "KEYWORDS" / "CSTO; Kazakhstan"."""
    return _label_text(walk, front, ch, "keywords")


def _label_of(ch: Chunk) -> tuple[str, str] | None:
    """(label, its text) when the chunk opens with a header label: the text after the
    label on its line and on the chunk's next lines ("Abstract" / "This article ...")."""
    m = LABEL.match(ch.lines[0].text.strip())
    if not m:
        return None
    rest = join_wrapped([m.group(2)] + [ln.text for ln in ch.lines[1:]])
    name = re.sub(r"\s+", "", m.group(1).lower())
    name = "keywords" if name == "indexterms" else name  # IEEE's name
    return LOCAL_LABELS.get(name, name), rest.strip()


def _header_label(walk: _Walk, front: _Front, ch: Chunk) -> bool:
    """header-label: a labelled header line, e.g. "Abstract: This article ...",
    "ABSTRACT" with the text on the next line, "**Key words:** CSTO; Russia", "Key
    words — CSTO", "KEYWORDS" alone, or "For citation: Zhang, W. (2023) ..."."""
    label = _label_of(ch)
    if not label:
        return False
    name, rest = label
    if name not in ("abstract", "keywords"):
        walk.drop(ch, "front-matter", "citation line; the header and 'Cite this' replace it")
        return True
    walk.drop(ch, "header", f"the {name}, shown in the article header")
    if rest:
        setattr(front, name, rest)
    else:
        front.expect = name
    return True


def _byline_notes(walk: _Walk, front: _Front, ch: Chunk) -> bool:
    """byline-notes: in the header, the notes on the byline's markers, e.g. "Boris
    Petrov¹ and Anna Ivanova²" / "¹ University of Tartu" / "² Eurasian Research
    Institute" (one a line or one a chunk): note bodies, paired with the byline's
    markers, not masthead."""
    if not front.byline or footnote_body(ch.lines[0].text.strip()) is None:
        return False
    for part in _note_parts(ch, _explicit_number):
        found = footnote_body(part.text)
        if found is not None:
            walk.bodies.append(FootnoteBody(*found, walk.span(part)))
    return True


# An institution's name, the kind of line an author's affiliation is: "Example
# University, Dublin", "Institute of Strategic Studies, Astana", "Faculty of Law".
INSTITUTION = re.compile(
    r"\b(?:universit\w*|institut\w*|academy|akadem\w*|acad[eé]mi\w*|college|school"
    r"|cent(?:re|er)|department|faculty|ministry|laboratory|foundation|observatory"
    r"|hochschule|[eé]cole|polytechnic)\b",
    re.I,
)
# Note markers after a name in the byline: "Brennan¹", "Abenov²˒³", "Petrov<sup>1</sup>".
BYLINE_MARKS = re.compile(
    rf"(?:[{UNICODE_SUP}]+|<sup>[\d,\s]+</sup>)(?:[,˒]\s*(?:[{UNICODE_SUP}]+|<sup>[\d,\s]+</sup>))*"
)


def _mark_numbers(marks: str) -> list[int]:
    """The numbers of a run of byline markers: "²˒³" -> [2, 3], "<sup>1,2</sup>" -> [1, 2]."""
    out: list[int] = []
    for piece in re.findall(rf"[{UNICODE_SUP}]+|\d+", marks):
        out.append(sup_to_int(piece) if piece[0] in UNICODE_SUP else int(piece))
    return out


def _is_affiliation(text: str, meta: ArticleMeta) -> bool:
    """A line naming an author's affiliation: the affiliation meta.yml gives, or a short
    line naming an institution that does not end a sentence ("Example University,
    Dublin"), not a note ("Corresponding author: ...", "The views expressed ...")."""
    name = normalize_for_match(text)
    if any(a.affiliation and name == normalize_for_match(a.affiliation) for a in meta.authors):
        return True
    return words(text) <= 15 and not ends_sentence(text) and bool(INSTITUTION.search(text))


def _byline_authors(byline: str, meta: ArticleMeta) -> dict[int, list[str]]:
    """Marker number -> the authors of meta.yml whose name in the byline it follows
    ("Siobhan Brennan¹ and Nurlan Abenov²": {1: [Siobhan Brennan], 2: [Nurlan Abenov]})."""
    out: dict[int, list[str]] = {}
    for m in BYLINE_MARKS.finditer(byline):
        before = normalize_for_match(EMPHASIS.sub(r"\2", byline[: m.start()]))
        for a in meta.authors:
            family = normalize_for_match(a.name).split()
            if family and re.search(rf"(?:^|\W){re.escape(family[-1])}\W*$", before):
                for k in _mark_numbers(m.group()):
                    out.setdefault(k, []).append(a.name)
    return out


def _byline_affiliations(walk: _Walk, front: _Front, ch: Chunk) -> bool:
    """byline-affiliations: in the header, the affiliations of the authors the byline
    marks with superscript numbers, e.g. "Boris Petrov¹ and Anna Ivanova²" / "¹
    University of Tartu" / "² Eurasian Research Institute, Almaty": each marked line
    names an institution (``_is_affiliation``) and its number follows an author's name.
    Front matter, shown in the header's list of affiliations (``Segmented.affiliations``
    fills what meta.yml leaves out), not notes: the byline's markers go."""
    if not front.byline or footnote_body(ch.lines[0].text.strip()) is None:
        return False
    authors: dict[int, list[str]] = {}
    for line in front.byline:
        for k, names in _byline_authors(line, walk.meta).items():
            authors.setdefault(k, []).extend(names)
    found = [footnote_body(p.text) for p in _note_parts(ch, _explicit_number)]
    if not all(
        f is not None and f[0] in authors and _is_affiliation(f[2], walk.meta) for f in found
    ):
        return False
    for f in found:
        if f is not None and f[0] is not None:
            front.affiliations += tuple((name, f[2].strip()) for name in authors[f[0]])
    numbers = {f[0] for f in found if f is not None}
    front.byline = [
        BYLINE_MARKS.sub(lambda m: _unmarked(m.group(), numbers), line) for line in front.byline
    ]
    walk.drop(ch, "front-matter", "author affiliations; shown in the article header")
    return True


def _unmarked(marks: str, numbers: set[int | None]) -> str:
    """A run of byline markers without those of ``numbers`` (affiliations)."""
    every = _mark_numbers(marks)
    kept = [k for k in every if k not in numbers]
    if len(kept) == len(every):
        return marks
    return "".join("".join(UNICODE_SUP[int(d)] for d in str(k)) for k in kept)


def _front_author_note(walk: _Walk, front: _Front, ch: Chunk) -> bool:
    """author-note: in the header, a note on the byline's asterisk (see
    ``_author_note``)."""
    return _take_author_note(walk, ch)


def _header_field(walk: _Walk, front: _Front, ch: Chunk) -> bool:
    """header-field: a line stating a field of meta.yml: the title, the byline
    ("Anna Ivanova¹"), an affiliation, an e-mail address or ORCID."""
    field_name = _front_field(ch.text, walk.meta)
    if not field_name:
        return False
    if field_name in ("title", "byline"):
        walk.drop(ch, "header", f"the {field_name}, shown in the article header")
    if field_name == "title":
        front.title_lines.extend(ln.number for ln in ch.lines)
    elif field_name == "byline":
        front.byline.append(ch.text)
        walk.author_marks += len(BYLINE_STAR.findall(EMPHASIS.sub(r"\2", ch.text)))
    else:
        walk.drop(ch, "front-matter", f"author {field_name}; shown in the article header")
    return True


def _title_and_byline(walk: _Walk, front: _Front, ch: Chunk) -> bool:
    """title-and-byline: the title and the byline in one chunk, with no blank line
    between them, as a PDF conversion leaves a title page: "CONSENT, COLLECTIVE
    SECURITY ..." / "THE CSTO DEPLOYMENT ..." / "Irina S. Marenko*" (the title's lines,
    then lines naming the authors; each part is a header field of its own)."""
    for j in range(1, len(ch.lines)):
        title, byline = ch.part(ch.lines[:j]), ch.part(ch.lines[j:])
        if _front_field(title.text, walk.meta) != "title":
            continue
        if _front_field(byline.text, walk.meta) != "byline":
            return False
        return _header_field(walk, front, title) and _header_field(walk, front, byline)
    return False


# APA's title-page label over the author note (correspondence, disclosures), alone on
# its line: "Author Note", "AUTHOR NOTE", "Author's note".
AUTHOR_NOTE_LABEL = re.compile(r"^\W*authors?(?:['’]s)?\s+notes?\W*$", re.I)


def _author_note_label(walk: _Walk, front: _Front, ch: Chunk) -> bool:
    """author-note-label: APA's "Author Note" label alone on its line, over the note's
    text ("Correspondence concerning this article should be addressed to ..."), on the
    label's next lines or in the next chunk: the note is kept as back matter under its
    label, not dropped with the masthead."""
    if not AUTHOR_NOTE_LABEL.match(ch.lines[0].text.strip()):
        return False
    label = ch.lines[0].text.strip().strip(":.* ")
    text = join_wrapped([ln.text for ln in ch.lines[1:]])
    walk.back.append((label, [text] if text else [], Span(walk.path, ch.first)))
    front.expect = None if text else "author note"
    return True


def _author_note_text(walk: _Walk, front: _Front, ch: Chunk) -> bool:
    """author-note-text: the paragraph under an "Author Note" label standing alone."""
    if front.expect != "author note" or not walk.back:
        return False
    walk.back[-1][1].append(ch.text)
    front.expect = None
    return True


# Header rules in the order they are tried; each takes a chunk or passes it on.
FRONT_RULES = (
    ("abstract-text", _abstract_text),
    ("keywords-text", _keywords_text),
    ("header-label", _header_label),
    ("header-field", _header_field),
    ("title-and-byline", _title_and_byline),
    ("author-note", _front_author_note),
    ("byline-affiliations", _byline_affiliations),
    ("byline-notes", _byline_notes),
    ("author-note-label", _author_note_label),
    ("author-note-text", _author_note_text),
)


def _read_front(chunks: list[Chunk], walk: _Walk) -> tuple[_Front, int]:
    """Run the header rules; drop the masthead before the header; return what the
    header holds and the index of the first body chunk."""
    front = _Front()
    end = len(chunks)
    for i, ch in enumerate(chunks):
        rule = next((name for name, r in FRONT_RULES if r(walk, front, ch)), None)
        if rule:
            ch.kind = "front"
            walk.trace.append((ch.first, rule))
        elif words(ch.text) >= 30 and heading_of(ch) is None:
            end = i
            break
    taken = [j for j in range(end) if chunks[j].kind == "front"]
    body_start = taken[-1] + 1 if taken else 0
    for ch in chunks[:body_start]:
        if ch.kind != "front":
            walk.drop(ch, "masthead", "journal masthead or page furniture before the article body")
            walk.trace.append((ch.first, "masthead"))
    return front, body_start


# ---------------------------------------------------------------- 2. bare-number notes


def _bare_number(text: str) -> int | None:
    """The number of a line opening like a bare-number note body, "3 See ..."."""
    m = BARE_BODY.match(text.strip())
    return int(m.group(1)) if m and not ORDERED_ITEM.match(text.strip()) else None


def _endnote_number(text: str) -> int | None:
    """The number of a line opening like an endnote, "[3] ...", "3. ..." or "3 ..."."""
    t = text.strip()
    m = BRACKET_BODY.match(t) or ORDERED_ITEM.match(t) or BARE_BODY.match(t)
    return int(m.group(1)) if m else None


def _explicit_number(text: str) -> int | None:
    """The number of a line opening like a marked note body ("³ ...", "<sup>3</sup>
    ..."); 0 for a body with no number ("^{*} ...")."""
    fb = footnote_body(text.strip())
    return None if fb is None else (fb[0] or 0)


def _note_parts(ch: Chunk, number_of: Callable[[str], int | None]) -> list[Chunk]:
    """A chunk of note bodies split where the next note opens: at each line whose
    number (``number_of``) follows the last one's, or any marked body when the numbers
    are written as superscripts (``_explicit_number``).  Notes at a page foot often
    stand on consecutive lines with no blank line between them, and a long note wraps
    onto lines of its own: "¹ See the text of the" / "treaty." / "² Ibid."."""
    parts = [[ch.lines[0]]]
    last = number_of(ch.lines[0].text)
    for ln in ch.lines[1:]:
        k = number_of(ln.text)
        if last is not None and k is not None and (k == last + 1 or number_of is _explicit_number):
            parts.append([ln])
            last = k
        else:
            parts[-1].append(ln)
    return [ch.part(part) for part in parts]


def _bare_note_run(body: list[Chunk], headings: frozenset[int] = frozenset()) -> set[int]:
    """Footnote bodies written as bare numbers ("3 See ..."): the chunks that continue
    the run 1, 2, 3, ... (two at least; one alone is likely a number in the text).  A
    chunk may hold several, one a line ("1 See ..." / "2 Ibid.").  The chunks of
    ``headings`` (``_bare_numbered_headings``) are not in the run."""
    run: set[int] = set()
    expected = 1
    for i, ch in enumerate(body):
        if i in headings:
            continue
        parts = _note_parts(ch, _bare_number)
        if _bare_number(parts[0].text) == expected:
            run.add(i)
            expected += len(parts)
    return run if expected > 2 else set()


def _bare_title_number(ch: Chunk) -> int | None:
    """The number of a one-line chunk written "N Title" with no period after the number:
    a short, title-like line with no closing punctuation but a question mark
    (``numbered_heading`` at depth 1), e.g. "1 Introduction", "4 A precedent?"."""
    if len(ch.lines) != 1 or ORDERED_ITEM.match(ch.text.strip()):
        return None
    found = numbered_heading(ch.text)
    if found is None or found[1] != 1 or _bare_number(ch.text) is None:
        return None
    return _bare_number(ch.text)


def _bare_numbered_headings(body: list[Chunk]) -> frozenset[int]:
    """The chunks "1 Introduction", "2 The rules on paper", ... that are numbered
    headings, not bare-number note bodies: one-line titles (``_bare_title_number``)
    whose numbers follow the document's heading sequence 1, 2, 3, ... (with its
    subsections "2.1 ..." after their section) rather than its note markers: a title
    line whose number is a marker of the text before it still waiting for its body
    ("... in 1994.3" before "3 Interview with an official") is that note.  Two such
    sections at least, or one with a subsection: a lone "1 ..." line proves no
    sequence."""
    found: list[int] = []
    expected, subsections = 1, 0
    waiting: set[int] = set()  # bare-digit markers of the prose whose body has not come
    for i, ch in enumerate(body):
        k = _bare_title_number(ch)
        title = numbered_heading(ch.text) if len(ch.lines) == 1 else None
        if k is not None and k not in waiting:
            if k == expected:
                found.append(i)
                expected += 1
        elif k is not None:
            waiting.discard(k)
        elif title is not None:
            subsections += title[1] == 2 and title[0].startswith(f"{expected - 1}.")
        elif _bare_number(ch.lines[0].text) is not None:
            waiting.difference_update(_bare_number(p.text) for p in _note_parts(ch, _bare_number))
        else:
            waiting.update(int(m.group(1)) for m in BARE_MARK.finditer(ch.text))
    return frozenset(found) if len(found) >= 2 or (found and subsections) else frozenset()


def _split_labels(body: list[Chunk]) -> list[Chunk]:
    """A section label on the first line of a chunk, with the section's first lines
    under it and no blank line between ("Notes" / "1. See ...", "References" /
    "Allison, R. (2004) ...", "Funding" / "This work ..."): the label becomes a chunk of
    its own, so that the rules see the label and the section apart.  So does an author
    note with the page's first notes under it ("* Lecturer, ..." / "1 Statement ...")."""
    out: list[Chunk] = []
    for ch in body:
        first = ch.part(ch.lines[:1])
        at = _at(0, first)
        label = at.is_label and (
            at.name in NOTES_LABELS or at.name in REFERENCE_LABELS or is_back_label(at.name)
        )
        if len(ch.lines) > 1 and label:
            out += [first, ch.part(ch.lines[1:])]
            continue
        notes = [
            i
            for i, ln in enumerate(ch.lines)
            if i and (BARE_BODY.match(ln.text.strip()) or footnote_body(ln.text.strip()))
        ]
        if notes and AUTHOR_NOTE.match(ch.lines[0].text.strip()):
            out += [ch.part(ch.lines[: notes[0]]), ch.part(ch.lines[notes[0] :])]
        else:
            out.append(ch)
    return out


# ---------------------------------------------------------------- 2b. one paragraph a line
#
# A word processor's "save as text" writes each paragraph on one long line, often with
# no blank line between paragraphs, so one chunk of the text holds a whole section:
# its headings, paragraphs, lists and table.  Whether a text is written so is decided
# from its own lines (``writes_line_paragraphs``); when it is, each line becomes a chunk
# of its own (``LINE_PARAGRAPH_RULES``) before the header and body rules run.

PARAGRAPH_LINE_WORDS = 12  # a line this long that ends a sentence may be a paragraph
WRAPPED_LINE_WORDS = 6  # a line this long that does not end one is a hard wrap


def _opens_entry_or_item(text: str) -> bool:
    """A line that opens a list item, a note body or a reference entry, or holds a tab
    (a table row or a tab-list item): such runs of lines say nothing of how the text
    writes its paragraphs."""
    return bool(
        "\t" in text
        or ORDERED_ITEM.match(text)
        or BULLET_ITEM.match(text)
        or footnote_body(text)
        or BARE_BODY.match(text)
        or entry_start(text)
    )


def writes_line_paragraphs(chunks: list[Chunk]) -> bool:
    """Whether the text writes one paragraph per line with no blank line between them,
    decided from its own lines: of the lines with another line under them in the same
    chunk (lists, notes, reference entries and tabbed rows left out), those that read
    as a whole paragraph (twelve words or more, ending a sentence) outnumber the hard
    wraps more than two to one, and there are two at least.  A hard wrap is a line of
    six words or more that has not ended its sentence and goes on in lower case on the
    next line (or ends with a hyphen); a hard-wrapped text has many, while a heading or
    a lead-in to a quotation over the next block does not count as one."""
    paragraphs = wraps = 0
    for ch in chunks:
        for a, b in zip(ch.lines, ch.lines[1:], strict=False):
            upper, lower = a.text.strip(), b.text.strip()
            if _opens_entry_or_item(upper) or _opens_entry_or_item(lower):
                continue
            if words(upper) >= PARAGRAPH_LINE_WORDS and ends_sentence(upper):
                paragraphs += 1
            elif words(upper) >= WRAPPED_LINE_WORDS and not ends_sentence(upper):
                wraps += lower[:1].islower() or upper.endswith("-")
    return paragraphs >= 2 and paragraphs > 2 * wraps


def _continues_line(upper: str, lower: str) -> bool:
    """In a text written one paragraph per line, the lines that still go together: the
    rows of a table or the items of a tab list (both lines hold a tab), and a line
    opening in lower case under a line of text that has not ended its sentence (a
    title or a paragraph wrapped after all).  Under a note body, a list item or a
    reference entry, and for a quotation (under a lead-in such as "... stated that",
    or ending with a note marker), the body rules decide (paragraph-continued,
    quote): they see what stands between."""
    if "\t" in upper and "\t" in lower:
        return True
    return (
        lower[:1].islower()
        and not ends_sentence(upper)
        and not leads_in(upper)
        and not ends_with_note(lower)
        and not _opens_entry_or_item(upper)
    )


def _line_paragraphs(chunk: Chunk) -> list[Chunk] | None:
    """line-paragraphs: in a text written one paragraph per line (``writes_line_
    paragraphs``), each line is a block of its own: "Method" / "Participants" / "We
    surveyed 412 adults ..." / "Measures" are two headings, a paragraph and a heading,
    and "References" on its own line opens the list.  A table's rows and a tab list's
    items stay together (``_continues_line``).  None when the chunk stays whole."""
    parts = [[chunk.lines[0]]]
    for ln in chunk.lines[1:]:
        if _continues_line(parts[-1][-1].text.strip(), ln.text.strip()):
            parts[-1].append(ln)
        else:
            parts.append([ln])
    return [chunk.part(p) for p in parts] if len(parts) > 1 else None


# Rules that split the text's chunks before the header and body rules see them, tried
# in order on each chunk of a text that writes one paragraph per line.
LINE_PARAGRAPH_RULES = (("line-paragraphs", _line_paragraphs),)


def _split_line_paragraphs(chunks: list[Chunk], walk: _Walk) -> list[Chunk]:
    """The chunks as the rules see them: when the text writes one paragraph per line,
    each chunk goes to the first of ``LINE_PARAGRAPH_RULES`` that splits it."""
    if not writes_line_paragraphs(chunks):
        return chunks
    out: list[Chunk] = []
    for ch in chunks:
        for name, rule in LINE_PARAGRAPH_RULES:
            parts = rule(ch)
            if parts is not None:
                walk.trace.append((ch.first, name))
                out += parts
                break
        else:
            out.append(ch)
    return out


# ---------------------------------------------------------------- 3. the body walk


@dataclass(frozen=True)
class _At:
    """One body chunk as the rules see it."""

    index: int  # in the body
    chunk: Chunk
    text: str
    head: tuple[str, str] | None  # (text, style) if marked as a heading
    name: str  # normalized text of the heading or chunk
    is_label: bool  # a one-line heading or title-like line

    @property
    def title(self) -> str:
        return self.head[0] if self.head else self.text.strip()


def _at(index: int, ch: Chunk) -> _At:
    text = ch.text
    head = heading_of(ch)
    name = normalize_for_match(head[0] if head else text)
    is_label = (head is not None or looks_unmarked_heading(text)) and len(ch.lines) == 1
    return _At(index, ch, text, head, name, is_label)


def _walk_body(walk: _Walk, removed_lines: set[int]) -> None:
    """Give each body chunk to the first rule that takes it; a chunk after removed
    furniture (a page break) is marked as interrupting the text before it."""
    last_line = walk.body[0].first if walk.body else 0
    for i, ch in enumerate(walk.body):
        if any(last_line < n < ch.first for n in removed_lines):
            walk.interrupted = True
        last_line = ch.last
        at = _at(i, ch)
        for name, rule in BODY_RULES:
            if rule(walk, at):
                walk.trace.append((ch.first, name))
                break
    _flush_caption(walk)


def _flush_caption(walk: _Walk) -> None:
    """A "Table 1" line (and the title under it) with no table after it stays text."""
    for ch in (walk.pending_caption, walk.pending_title):
        if ch is not None:
            walk.blocks.append(Paragraph(ch.text, walk.span(ch)))
            walk.trace.append((ch.first, "caption-without-table"))
    walk.pending_caption = walk.pending_title = None


# -- section labels and the regions they open


def _references_heading(walk: _Walk, at: _At) -> bool:
    """references-heading: a one-line label opening the reference list, e.g.
    "References", "**Bibliography**", "Sources and literature"."""
    if not (at.is_label and at.name in REFERENCE_LABELS):
        return False
    walk.region, walk.references_title = "references", at.title
    return True


def _notes_heading(walk: _Walk, at: _At) -> bool:
    """notes-heading: the label of an endnotes section, e.g. "Notes" or "## Endnotes";
    removed (the notes are shown as footnotes)."""
    if not (at.is_label and at.name in NOTES_LABELS):
        return False
    walk.region = "notes"
    walk.removals.append(
        Removal(
            Span(walk.path, at.chunk.first),
            at.text,
            "notes-heading",
            "heading of the endnotes; notes are shown as footnotes",
        )
    )
    return True


def _back_after_notes(walk: _Walk, at: _At) -> bool:
    """back-after-notes: in the notes or back matter, a back-matter label that ends the
    section before, e.g. "Funding" or "Data availability: The data are ..." after the
    last note."""
    if walk.region not in ("notes", "back") or not _ends_notes(at.chunk, at.head, at.name):
        return False
    inline = BACK_LABEL_INLINE.match(at.text)
    title = inline.group(1) if inline else at.title
    walk.back.append((title.rstrip(" :."), [], Span(walk.path, at.chunk.first)))
    walk.region = "back"
    if inline:
        walk.back[-1][1].append(inline.group(2).strip())
    return True


def _numbered_endnote(walk: _Walk, at: _At) -> bool:
    """numbered-endnote: a note in a notes section, e.g. "[3] Ibid.", "3. Ibid." or
    "3 Ibid."; notes on consecutive lines are split (``_note_parts``)."""
    if walk.region != "notes" or _endnote_number(at.text) is None:
        return False
    for part in _note_parts(at.chunk, _endnote_number):
        t = part.text
        m = _matched(BRACKET_BODY, t) if BRACKET_BODY.match(t) else None
        m = m or ORDERED_ITEM.match(t) or _matched(BARE_BODY, t)
        walk.bodies.append(
            FootnoteBody(int(m.group(1)), False, m.groups()[-1], walk.span(part), bracket=True)
        )
    return True


def _marked_endnote(walk: _Walk, at: _At) -> bool:
    """marked-endnote: a note in a notes section written with a marked number, e.g.
    "Notes" / "³ The request was made ..." / "⁴ Exercise reports ..." (Unicode
    superscripts, "<sup>3</sup>" or "^{3}"); notes on consecutive lines are split."""
    if walk.region != "notes" or footnote_body(at.text) is None:
        return False
    return _footnote_body(walk, at)


def _endnote_continued(walk: _Walk, at: _At) -> bool:
    """endnote-continued: an unnumbered paragraph in a notes section, the second
    paragraph of the note before it."""
    if walk.region != "notes" or not walk.bodies:
        return False
    last = walk.bodies[-1]
    walk.bodies[-1] = replace(
        last,
        text=last.text + " " + at.text,
        span=Span(walk.path, last.span.line, at.chunk.last),
    )
    return True


def _back_heading(walk: _Walk, at: _At) -> bool:
    """back-heading: a one-line label opening back matter, e.g. "About the author",
    "Article information", "Conflicts of interest"."""
    if not (at.is_label and is_back_label(at.name)):
        return False
    walk.region = "back"
    walk.back.append((at.title, [], Span(walk.path, at.chunk.first)))
    return True


def _copyright(walk: _Walk, at: _At) -> bool:
    """copyright: after the body, a line opening with "Copyright" or "©", e.g.
    "© 2023 The Author. Published under CC BY 4.0": a licence section of its own."""
    if walk.region == "body" or not re.match(r"^(copyright|©)", at.text.strip(), re.I):
        return False
    walk.region = "back"
    walk.back.append(("Copyright and licence", [], Span(walk.path, at.chunk.first)))
    walk.add_back_text(at.chunk)
    return True


# An article's history, printed after its references: "Manuscript received 1 March
# 2023", "Received: ... Accepted: ...", "Published online ...".
HISTORY = re.compile(
    r"^\W*(?:manuscript received|received|accepted|revised|published online|first published)\b"
    r"[^.]{0,40}\b(?:19|20)\d\d\b",
    re.I,
)


def _article_history(walk: _Walk, at: _At) -> bool:
    """article-history: after the references or notes, the dates of the article's
    history, e.g. "Manuscript received 1 March 2023." (back matter, not a reference
    entry or a note; under a back-matter heading it is that section's text)."""
    if walk.region not in ("references", "notes") or not HISTORY.match(at.text):
        return False
    walk.region = "back"
    walk.back.append(("Article history", [], Span(walk.path, at.chunk.first)))
    walk.add_back_text(at.chunk)
    return True


def _reference_entries(walk: _Walk, at: _At) -> bool:
    """reference-entries: the entries of the reference list, one per list line or per
    paragraph, e.g. "Allison, R. (2004). Regionalism ..."."""
    if walk.region != "references":
        return False
    _add_references(at.chunk, walk.references, walk.path)
    return True


def _back_text(walk: _Walk, at: _At) -> bool:
    """back-text: a paragraph of the back-matter section it stands in, e.g. the text
    under "About the author"."""
    if walk.region != "back":
        return False
    walk.add_back_text(at.chunk)
    return True


# -- notes standing in the body


def _bare_numbered_heading(walk: _Walk, at: _At) -> bool:
    """bare-numbered-heading: a numbered heading with no period after its number, which
    opens like a bare-number note body: "1 Introduction" / ... / "2 The rules on paper"
    (``_bare_numbered_headings``: the numbers follow the headings, not the note
    markers)."""
    if at.index not in walk.bare_headings or at.head is None:
        return False
    return _heading(walk, at)


def _footnote_body(walk: _Walk, at: _At) -> bool:
    """footnote-body: a note body where a page break left it, written "<sup>3</sup>
    See ...", "³ See ...", "^{3} See ..." or, in a run 1, 2, 3, ..., "3 See ...";
    bodies on consecutive lines are split (``_note_parts``)."""
    fb = footnote_body(at.text)
    if not fb and at.index not in walk.bare_run:
        return False
    for part in _note_parts(at.chunk, _explicit_number if fb else _bare_number):
        found = footnote_body(part.text)
        if found is None:  # at.index is in the bare run: its parts open with a number
            m = _matched(BARE_BODY, part.text)
            found = int(m.group(1)), False, m.group(2)
        number, asterisk, body_text = found
        walk.bodies.append(FootnoteBody(number, asterisk, body_text, walk.span(part)))
    walk.interrupted = True
    return True


def _unnumbered_note(walk: _Walk, at: _At) -> bool:
    """unnumbered-note: a short note between paragraphs that cites a document by its
    address and lost its number, e.g. "Statement by the CSTO. Available from:
    http://..."."""
    if not _is_unnumbered_note(at.chunk, walk.blocks):
        return False
    walk.bodies.append(FootnoteBody(None, False, at.text, walk.span(at.chunk)))
    walk.interrupted = True
    return True


def _take_author_note(walk: _Walk, ch: Chunk) -> bool:
    """A chunk "* Anna Ivanova is ..." while the byline has an asterisk with no note."""
    m = AUTHOR_NOTE.match("\n".join(ln.text.strip() for ln in ch.lines))
    if walk.author_marks <= 0 or not m:
        return False
    text = join_wrapped(m.group(2).split("\n"))
    walk.bodies.append(FootnoteBody(None, True, text, walk.span(ch)))
    walk.author_marks -= 1
    return True


def _author_note(walk: _Walk, at: _At) -> bool:
    """author-note: the note on an author's name marked with an asterisk in the byline
    ("Anna Ivanova*"), written "* Anna Ivanova is a lecturer at ..." under the byline or
    at the foot of the first page: a footnote of the byline, not a bullet list."""
    if walk.region != "body" or not _take_author_note(walk, at.chunk):
        return False
    walk.interrupted = True
    return True


def _author_bio(walk: _Walk, at: _At) -> bool:
    """author-bio: the author's biography closing a web commentary, e.g. "Anna Ivanova
    is a researcher at ..." as one of the last two chunks."""
    if at.index < len(walk.body) - 2 or not _is_bio(at.text, walk.meta):
        return False
    walk.back.append(("About the author", [at.text], Span(walk.path, at.chunk.first)))
    walk.region = "back"
    return True


# -- headings and tables


def _heading(walk: _Walk, at: _At) -> bool:
    """heading: a marked heading ("## 2. Two Requests", "**Methods**", "2.1 The
    Treaty") or a short title-like line standing alone ("Materials and methods")."""
    if not at.head and not (
        looks_unmarked_heading(at.text)
        and len(at.chunk.lines) == 1
        and not TABLE_CAPTION.match(at.text)
    ):
        return False
    walk.headings.append((len(walk.blocks), at.title, at.head[1] if at.head else "plain"))
    walk.blocks.append(Heading(2, at.title, Span(walk.path, at.chunk.first)))
    walk.interrupted = False
    return True


def _table_caption(walk: _Walk, at: _At) -> bool:
    """table-caption: a line "Table 1" kept for the table that follows it, with the
    title on the line under it if there is one (APA: "Table 1" / "Deployments ...")."""
    lines = at.chunk.lines
    if not (TABLE_CAPTION.match(lines[0].text) and len(lines) <= 2):
        return False
    if any("\t" in ln.text for ln in lines):
        return False
    walk.pending_caption = Chunk(lines[:1])
    walk.pending_title = Chunk(lines[1:]) if len(lines) == 2 else None
    return True


def _table_title(walk: _Walk, at: _At) -> bool:
    """table-title: the one line between a "Table 1" line and its table, its title
    (APA: "Table 1" / "Deployments of the Collective Peacekeeping Forces" / rows)."""
    nxt = walk.body[at.index + 1] if at.index + 1 < len(walk.body) else None
    if not (
        walk.pending_caption
        and walk.pending_title is None
        and len(at.chunk.lines) == 1
        and "\t" not in at.text
        and nxt is not None
        and "\t" in nxt.lines[0].text
    ):
        return False
    walk.pending_title = at.chunk
    return True


def _table(walk: _Walk, at: _At) -> bool:
    """table: two lines or more holding tabs, e.g. "Year\\tMembers" / "2002\\t6"; the
    first row is the header.  Lines with no tab before the rows are its caption and
    title ("Table 2" / "Members"), and after them its note ("Note. ...")."""
    lines = at.chunk.lines
    if sum("\t" in ln.text for ln in lines) < 2:
        return False
    tabbed = [i for i, ln in enumerate(lines) if "\t" in ln.text]
    head, rows, tail = (
        lines[: tabbed[0]],
        lines[tabbed[0] : tabbed[-1] + 1],
        lines[tabbed[-1] + 1 :],
    )
    if head and (walk.pending_caption or not TABLE_CAPTION.match(head[0].text) or len(head) > 2):
        return False
    if tail and not TABLE_NOTE.match(tail[0].text):
        return False
    if head:
        walk.pending_caption = Chunk(head[:1])
        walk.pending_title = Chunk(head[1:]) if len(head) == 2 else None
    header, body = parse_table(Chunk(rows))
    note = join_wrapped([ln.text for ln in tail]) or None
    first = walk.pending_caption.first if walk.pending_caption else at.chunk.first
    span = Span(walk.path, first, at.chunk.last)
    walk.blocks.append(Table(_caption(walk), header, body, span, note))
    walk.pending_caption = walk.pending_title = None
    return True


def _caption(walk: _Walk) -> str:
    """The caption of the table that follows "Table 1" (and its title): "Table 1" or
    "Table 1. Deployments of ..."."""
    cap, title = walk.pending_caption, walk.pending_title
    label = _matched(TABLE_CAPTION, cap.text).group(1) if cap else ""
    return f"{label}. {title.text}" if label and title else label


def _caption_without_table(walk: _Walk, at: _At) -> bool:
    """caption-without-table: a "Table 1" line followed by something that is not a
    table stays a paragraph ("Table 1" / "shows ...").  Passes the chunk on."""
    _flush_caption(walk)
    return False


def _table_note(walk: _Walk, at: _At) -> bool:
    """table-note: the paragraph after a table that opens with its caption or with a
    note label, e.g. "Table 1. Source: CSTO statistics." or APA's "Note. Data from
    ..."."""
    last = walk.blocks[-1] if walk.blocks and isinstance(walk.blocks[-1], Table) else None
    if not last or last.note:
        return False
    label = last.caption.split(".")[0]
    if not ((label and at.text.startswith(label)) or TABLE_NOTE.match(at.text)):
        return False
    span = Span(walk.path, last.span.line, at.chunk.last)  # the note is part of the table
    walk.blocks[-1] = replace(last, note=at.text, span=span)
    return True


# -- lists and prose


def _list(walk: _Walk, at: _At) -> bool:
    """list: a chunk opening with an item, "1. First" or "- First" (one chunk may hold
    several items); continues a list of the same kind just before it."""
    ch = at.chunk
    first = ch.lines[0].text.strip()
    ordered = bool(ORDERED_ITEM.match(first))
    if not ordered and not (BULLET_ITEM.match(first) and not first.startswith("**")):
        return False
    start = int(_matched(ORDERED_ITEM, first).group(1)) if ordered else 1
    _add_list(walk, ch, ordered, _list_items(ch, walk.path), start)
    return True


def _add_list(
    walk: _Walk, ch: Chunk, ordered: bool, items: tuple[ListItem, ...], start: int
) -> None:
    """Add a list, or continue the list of the same kind just before it."""
    prev = walk.text_block()
    if isinstance(prev, ListBlock) and prev.ordered == ordered:
        walk.blocks[-1] = replace(
            prev, items=prev.items + items, span=Span(walk.path, prev.span.line, ch.last)
        )
    else:
        walk.blocks.append(ListBlock(ordered, items, walk.span(ch), start))
    walk.interrupted = False


def _tab_list(walk: _Walk, at: _At) -> bool:
    """tab-list: a list as a word processor saves it as text, each item a bullet glyph or
    a number then a tab, sub-items indented with another glyph: "\\t•\\tto send ..." /
    "\\t\\to\\tof 2,000 troops" (a nested list, not a table); "1.\\tto guard ...".  A
    line with no item mark continues the item before it."""
    lines = at.chunk.lines
    marks = [TAB_ITEM.match(ln.text) for ln in lines]
    if marks[0] is None or any(
        m is None and "\t" in ln.text.strip() for m, ln in zip(marks, lines, strict=True)
    ):
        return False
    kinds: list[str] = []  # the kinds of mark in order of first use: their depth
    items: list[ListItem] = []
    for m, ln in zip(marks, lines, strict=True):
        if m is None:
            items[-1] = replace(items[-1], text=join_wrapped([items[-1].text, ln.text]))
            items[-1] = replace(items[-1], span=Span(walk.path, items[-1].span.line, ln.number))
            continue
        mark = m.group(1)
        kind = (
            "number"
            if mark[0].isdigit()
            else "letter"
            if mark[0].isalpha() and len(mark) > 1
            else mark
        )
        kinds += [kind] if kind not in kinds else []
        number = int(mark[:-1]) if kind == "number" else None
        items.append(
            ListItem(
                m.group(2).strip(), Span(walk.path, ln.number), number, depth=kinds.index(kind)
            )
        )
    ordered = kinds[0] == "number"
    _add_list(walk, at.chunk, ordered, tuple(items), items[0].number or 1)
    return True


def _heading_cut_paragraph(walk: _Walk, at: _At) -> bool:
    """heading-cut-paragraph: a page break cut a paragraph after a short first line,
    which looked like a heading: "The treaty" / notes / "was signed ..." is one
    paragraph, and so is a first line that reads as a sentence (``_reads_as_sentence``)
    before a capitalised word: "... six states of the former" / page furniture /
    "Soviet Union, ..."."""
    last = walk.blocks[-1] if walk.blocks else None
    if not (
        isinstance(last, Heading)
        and walk.headings
        and walk.headings[-1][0] == len(walk.blocks) - 1
        and walk.headings[-1][2] == "plain"
        and walk.interrupted
        and (at.text[:1].islower() or _reads_as_sentence(last.text))
    ):
        return False
    walk.headings.pop()
    walk.blocks[-1] = Paragraph(
        f"{last.text} {at.text}", Span(walk.path, last.span.line, at.chunk.last)
    )
    walk.interrupted = False
    return True


AUXILIARIES = frozenset({"is", "are", "was", "were", "has", "have", "had"})


def _reads_as_sentence(text: str) -> bool:
    """A line that looked like a heading but reads as the start of a sentence: eight
    words or more, one of them a verb such as "was" in lower case ("The Organization
    was founded in 2002 by six states of the former"), which a title does not have."""
    ws = text.split()
    return len(ws) >= 8 and any(w in AUXILIARIES for w in ws)


def _indented_quote(walk: _Walk, at: _At) -> bool:
    """block-quote: two or more lines all set in further than a paragraph indent
    (``INDENT_MAX``) after a paragraph that leads in to them ("... more sharply:") are
    a block quotation (split off by the block-quote-indent rule)."""
    prev = walk.text_block()
    prev_text = _last_text(prev) if isinstance(prev, Paragraph) else None
    lines = at.chunk.lines
    if prev_text is None or len(lines) < 2 or not leads_in(prev_text):
        return False
    if not all(indent_of(ln.text) > INDENT_MAX for ln in lines):
        return False
    walk.blocks.append(Quote(at.text, walk.span(at.chunk)))
    walk.interrupted = False
    return True


def _embedded_quote(walk: _Walk, at: _At) -> bool:
    """quote: a passage ending with a note marker after text that has not ended its
    sentence, e.g. "... stated that" / "the Organization is ...¹." (inside a list
    item it becomes the item's quotation)."""
    open_text = walk.open_text()
    if open_text is None or not ends_with_note(at.text):
        return False
    prev, prev_text = open_text
    if isinstance(prev, Quote) or (walk.interrupted and not leads_in(prev_text)):
        return False
    if isinstance(prev, ListBlock):
        last = prev.items[-1]
        item = replace(
            last,
            quote=at.text,
            quote_line=at.chunk.first,
            span=Span(walk.path, last.span.line, at.chunk.last),
        )
        walk.blocks[-1] = replace(prev, items=prev.items[:-1] + (item,))
    else:
        walk.blocks.append(Quote(at.text, walk.span(at.chunk)))
    walk.interrupted = False
    return True


def _paragraph_continued(walk: _Walk, at: _At) -> bool:
    """paragraph-continued: the rest of a paragraph a page or column break cut: the
    text before has not ended its sentence and this opens in lower case, the text
    before ends with a hyphen ("inter-" / "national"), or furniture stood between."""
    open_text = walk.open_text()
    if open_text is None:
        return False
    prev, prev_text = open_text
    text = at.text
    if not (text[:1].islower() or prev_text.endswith("-") or walk.interrupted):
        return False
    joiner = "" if LINE_END_HYPHEN.search(prev_text) else " "
    walk.blocks[-1] = _extend(prev, joiner + text, at.chunk.last)
    walk.interrupted = False
    return True


def _sentence_continued(walk: _Walk, at: _At) -> bool:
    """sentence-continued: a paragraph a column or page break cut before a capitalised
    word, with nothing between: the text before is a paragraph of some length that has
    not ended its sentence ("... by the leaders of" / "Russia, Belarus ..."), and does
    not lead in to what follows with a colon or end with an address.  Decided by the
    sentence, not by the case of the next word."""
    open_text = walk.open_text()
    if open_text is None or not isinstance(open_text[0], Paragraph):
        return False
    prev, prev_text = open_text
    if words(prev_text) < 8 or prev_text.endswith(":") or URL.search(prev_text.split()[-1]):
        return False
    if not (at.text[:1].isupper() or at.text[:1].isdigit()):
        return False
    walk.blocks[-1] = _extend(prev, " " + at.text, at.chunk.last)
    return True


def _indent_continued(walk: _Walk, at: _At) -> bool:
    """indent-continued: in a text whose paragraphs open with an indent, a chunk after
    a page break (furniture or notes between) whose first line is not indented is the
    rest of the paragraph before, even where a sentence ended at the break: "... of the
    amended Treaty [8]." / running head, author note, footer / "Whether that ..."."""
    prev = walk.blocks[-1] if walk.blocks else None
    if walk.indent is None or not walk.interrupted or not isinstance(prev, Paragraph):
        return False
    if indent_of(at.chunk.lines[0].text) or not at.text[:1].isalnum():
        return False
    walk.blocks[-1] = _extend(prev, " " + at.text, at.chunk.last)
    walk.interrupted = False
    return True


def _paragraph(walk: _Walk, at: _At) -> bool:
    """paragraph: anything else is a paragraph of its own."""
    walk.blocks.append(Paragraph(at.text, walk.span(at.chunk)))
    walk.interrupted = False
    return True


# Body rules in the order they are tried: each takes a chunk (returns True) or passes
# it on.  Section labels come first, then the regions they open (notes, references,
# back matter), then notes standing in the body, headings, tables, lists and prose.
# Adding a kind of artefact means adding a rule here and a fixture under
# tests/fixtures/stages/segment/ that names it.
BODY_RULES = (
    ("references-heading", _references_heading),
    ("notes-heading", _notes_heading),
    ("back-after-notes", _back_after_notes),
    ("numbered-endnote", _numbered_endnote),
    ("marked-endnote", _marked_endnote),
    ("endnote-continued", _endnote_continued),
    ("back-heading", _back_heading),
    ("copyright", _copyright),
    ("article-history", _article_history),
    ("reference-entries", _reference_entries),
    ("back-text", _back_text),
    ("bare-numbered-heading", _bare_numbered_heading),
    ("footnote-body", _footnote_body),
    ("author-note", _author_note),
    ("unnumbered-note", _unnumbered_note),
    ("author-bio", _author_bio),
    ("table-title", _table_title),
    ("heading", _heading),
    ("table-caption", _table_caption),
    ("tab-list", _tab_list),
    ("table", _table),
    ("caption-without-table", _caption_without_table),
    ("table-note", _table_note),
    ("list", _list),
    ("indent-continued", _indent_continued),
    ("heading-cut-paragraph", _heading_cut_paragraph),
    ("block-quote", _indented_quote),
    ("quote", _embedded_quote),
    ("paragraph-continued", _paragraph_continued),
    ("sentence-continued", _sentence_continued),
    ("paragraph", _paragraph),
)

# Every rule name, in order (chunk splits, header, masthead, body), for the fixture tests.
RULE_NAMES = (
    tuple(n for n, _ in SPLIT_RULES)
    + tuple(n for n, _ in LINE_PARAGRAPH_RULES)
    + tuple(n for n, _ in LINE_SPLIT_RULES)
    + tuple(n for n, _ in FRONT_SPLIT_RULES)
    + tuple(n for n, _ in FRONT_RULES)
    + ("masthead",)
    + tuple(n for n, _ in BODY_RULES)
)


def _ends_notes(ch: Chunk, head: tuple[str, str] | None, name: str) -> bool:
    """In a notes section or the back matter: a chunk that opens a back-matter section
    ("Funding", "**Declaration of interest**", "Data availability: ...") instead of
    continuing the last note or the section before."""
    if BACK_LABEL_INLINE.match(ch.text):
        return True
    if len(ch.lines) != 1 or words(ch.text) > 8:
        return False
    if head is None and not looks_unmarked_heading(ch.text.rstrip(" :")):
        return False
    return is_back_label(name)


def _last_text(block: Block) -> str | None:
    """The last prose text of ``block`` (a list's last item, or the quotation in it)."""
    prose = [t.text for t in texts_of(block) if t.kind in PROSE_KINDS]
    return prose[-1] if prose else None


def _extend(block: TextBlock, extra: str, last_line: int) -> TextBlock:
    if isinstance(block, ListBlock):
        last = block.items[-1]
        if last.quote:
            item = replace(last, quote=last.quote + extra)
        else:
            item = replace(last, text=last.text + extra)
        item = replace(item, span=Span(item.span.file, item.span.line, last_line))
        return replace(
            block,
            items=block.items[:-1] + (item,),
            span=Span(block.span.file, block.span.line, last_line),
        )
    return replace(
        block, text=block.text + extra, span=Span(block.span.file, block.span.line, last_line)
    )


def _list_items(ch: Chunk, path: str) -> tuple[ListItem, ...]:
    items: list[ListItem] = []
    for ln in ch.lines:
        t = ln.text.strip()
        m = ORDERED_ITEM.match(t) or BULLET_ITEM.match(t)
        if m:
            number = int(m.group(1)) if m.re is ORDERED_ITEM else None
            items.append(ListItem(m.groups()[-1], Span(path, ln.number), number))
        elif items:
            items[-1] = replace(items[-1], text=items[-1].text + " " + t)
        else:
            items.append(ListItem(t, Span(path, ln.number)))
    return tuple(items)


def _add_references(ch: Chunk, refs: list[ReferenceItem], path: str) -> None:
    """Reference items: one per list line or per paragraph; a line holding only a URL
    (or continuing without a list marker inside a list) belongs to the item before it.
    A list may number its entries "1." or, IEEE style, "[1]" (``BRACKET_ITEM``).
    In a numbered list (the chunk opens "1. ..." or "[1] ...") a line without a number never opens
    an entry, however it starts: "1. Sadykova AB. ... Cent Eurasian" / "Law J.
    2022;14(2):101–19." is one entry, though "Law J." reads like a Vancouver name."""
    first = ch.lines[0].text.strip()
    numbered = (ORDERED_ITEM.match(first) or BRACKET_ITEM.match(first)) is not None
    for ln in ch.lines:
        t = ln.text.strip()
        m = ORDERED_ITEM.match(t) or BRACKET_ITEM.match(t)
        b = BULLET_ITEM.match(t)
        url_only = bool(re.fullmatch(r"<?\[?(https?://|www\.)\S+", t))
        # a line that opens like an entry of a common style starts a new item even
        # without a list marker: "Kissinger, H. (2014). World order." after a hard line
        # break (rules in reference_lines.ENTRY_START_RULES)
        opens_entry = entry_start(t) is not None and not numbered
        if m:
            refs.append(ReferenceItem(m.group(2), Span(path, ln.number), int(m.group(1))))
        elif b and not url_only:
            refs.append(ReferenceItem(b.group(1), Span(path, ln.number)))
        elif refs and (url_only or (ln is not ch.lines[0] and not opens_entry)):
            last = refs[-1]
            text, _ = join_entry_line(last.text, t)
            refs[-1] = replace(last, text=text, span=Span(path, last.span.line, ln.number))
        else:
            refs.append(ReferenceItem(t, Span(path, ln.number)))


def _is_unnumbered_note(ch: Chunk, blocks: list[Block]) -> bool:
    """A short note standing between paragraphs that cites a document by its address,
    e.g. "Statement by ... Available from: http://..." whose number the conversion lost."""
    t = ch.text.strip()
    return (
        bool(blocks)
        and words(t) < 60
        and bool(re.search(r"(https?://\S+|Available from:.*|URL:.*)$", t))
        and not ORDERED_ITEM.match(t)
        and not BULLET_ITEM.match(t)
    )


def _is_bio(text: str, meta: ArticleMeta) -> bool:
    return any(
        text.startswith(a.name + " is ") or text.startswith(a.name + ", ") for a in meta.authors
    )
