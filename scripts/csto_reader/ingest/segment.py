"""Stage 2: segment.  Turn cleaned lines into the parts of an article.

Front matter (title, byline, abstract, keywords: rendered in the header), body blocks
(headings, paragraphs, block quotes, lists, tables), footnote bodies wherever page
breaks left them, the reference list, and labelled back matter (about the author,
article information, licence).  Paragraphs that a page break or a block of footnotes
cut in two are joined again.

Every rule here is written for a kind of layout, not for one article's wording.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace

from ..diagnostics import Reporter
from ..model import (
    ArticleMeta,
    BackMatter,
    FootnoteBody,
    Heading,
    Line,
    ListBlock,
    ListItem,
    Paragraph,
    Quote,
    ReferenceItem,
    Removal,
    Span,
    Table,
)
from .clean import Cleaned, normalize_for_match

# Section names that open the reference list, and labelled back matter.
REFERENCE_LABELS = {
    "references",
    "reference",
    "bibliography",
    "literature",
    "works cited",
    "list of references",
    "sources and literature",
}
NOTES_LABELS = {"notes", "endnotes", "note"}
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


# Top-level sections of the IMRaD plan; "results" and "discussion" hold subsections.
IMRAD = {
    "introduction",
    "materials and methods",
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
IMRAD_CONTAINERS = {"results", "discussion", "results and discussion"}

MARKED_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
EMPHASIS_LINE = re.compile(r"^(\*{2,3})([^*]+)\1$")
# "Abstract." / "**Key words:**" / a line "Abstract" alone; not "Abstract ideas of ..."
LABEL = re.compile(
    r"^\W*(abstract|key\s*words|keywords|for citation)(?:\W*[:.]\W*|\W*$)(.*)$", re.I | re.S
)
ORDERED_ITEM = re.compile(r"^(?:[-*•]\s+)?(\d{1,3})[.)]\s+(.*)$")
BULLET_ITEM = re.compile(r"^[-*•]\s+(.*)$")
REFERENCE_START = re.compile(
    r"^[^\W\d][^\s,.(]*,(?:\s+[A-Z][\w.-]*\.?)+[^()]{0,80}\(\d{4}[a-z]?[,)]"
)
TABLE_CAPTION = re.compile(r"^\W*(Table\s+\d+)\.?\W*$", re.I)
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


def sup_to_int(text: str) -> int:
    return int("".join(str(UNICODE_SUP.index(c)) for c in text))


@dataclass
class Chunk:
    """Consecutive non-blank lines."""

    lines: list[Line]
    kind: str = "prose"
    data: dict = field(default_factory=dict)

    @property
    def first(self) -> int:
        return self.lines[0].number

    @property
    def last(self) -> int:
        return self.lines[-1].number

    @property
    def text(self) -> str:
        return join_wrapped([ln.text for ln in self.lines])


def join_wrapped(lines: list[str]) -> str:
    """Join hard-wrapped lines into one.  A word broken at the line end by a hyphen
    ("inter-" / "nal") is mended; every other line break becomes a space."""
    out = ""
    for raw in lines:
        t = raw.strip()
        if not t:
            continue
        if re.search(r"[a-z]-$", out) and t[:1].islower():
            out = out[:-1] + t
        else:
            out = f"{out} {t}" if out else t
    return out


@dataclass(frozen=True)
class Segmented:
    """What the segmenter found, before footnote markers are paired with bodies."""

    title_lines: tuple[int, ...]
    byline: tuple[str, ...]  # byline texts (may hold footnote markers)
    blocks: tuple  # Heading | Paragraph | Quote | ListBlock | Table | EditorialSlot
    bodies: tuple[FootnoteBody, ...]
    references: tuple[ReferenceItem, ...]
    references_title: str | None
    back_matter: tuple[BackMatter, ...]
    removals: tuple[Removal, ...]
    abstract: str | None
    keywords: str | None


def chunks_of(lines: tuple[Line, ...]) -> list[Chunk]:
    out: list[Chunk] = []
    cur: list[Line] = []
    for ln in lines:
        if ln.text.strip():
            cur.append(ln)
        elif cur:
            out.append(Chunk(cur))
            cur = []
    if cur:
        out.append(Chunk(cur))
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


NUMBERED_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+([A-Z][^.!?:;,]*)$")


def numbered_heading(text: str) -> tuple[str, int] | None:
    """ "2. Two Requests" or "2.1 The Treaty": a short numbered title with no closing
    punctuation.  Returns the text and its depth (1 for "2.", 2 for "2.1")."""
    m = NUMBERED_HEADING.match(text.strip())
    if not m or words(m.group(2)) > 10:
        return None
    return text.strip(), m.group(1).count(".") + 1


def heading_of(chunk: Chunk) -> tuple[str, str] | None:
    """(text, style) if the chunk is a heading; style is roman, italic, plain or
    numbered-N (N the depth of its section number)."""
    if len(chunk.lines) != 1:
        return None
    raw = chunk.lines[0].text.strip()
    num = numbered_heading(raw)
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
    if t[-1] in ".,;:" or URL.search(t) or "\t" in t:
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
    t = TRAILING_MARKS.sub("", text.rstrip()).rstrip()
    t = re.sub(r"</?[a-z]+>$", "", t)
    if re.search(r"[.?!…][\"”’)\]*]*$", t):
        return True
    m = re.search(r"\(([^()]*)\)$", t)
    return bool(m and re.search(r"[.?!][\"”’]?\s*$", t[: m.start()]))


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


def segment(cleaned: Cleaned, meta: ArticleMeta, reporter: Reporter) -> Segmented:
    """Split a cleaned text into header, body blocks, footnote bodies, references and
    back matter.  Text that no rule understands stays in the body as a paragraph."""
    path = cleaned.path
    chunks = chunks_of(cleaned.lines)
    removed_lines = {r.span.line for r in cleaned.removals}
    removals: list[Removal] = []

    def drop(chunk: Chunk, rule: str, reason: str) -> None:
        removals.append(Removal(Span(path, chunk.first, chunk.last), chunk.text, rule, reason))

    # ---- 1. front matter.  It is looked for up to the first prose paragraph (30 words
    # or more); the body starts right after the last chunk the header takes (title,
    # byline, abstract, keywords, ...), so a short opening paragraph stays in the body.
    # Unrecognized chunks before that are masthead.  An article with no such paragraph
    # (only short paragraphs, headings, notes or references) is looked through to its
    # end; one whose text states none of its header has no masthead at all: what stands
    # before the header is masthead, and without a header that cannot be told.
    abstract: str | None = None
    keywords: str | None = None
    title_lines: list[int] = []
    byline: list[str] = []
    body_start = len(chunks)
    expect_abstract = False
    for i, ch in enumerate(chunks):
        label = LABEL.match(ch.text)
        if expect_abstract:
            abstract, expect_abstract = ch.text, False
            drop(ch, "header", "the abstract, shown in the article header")
            ch.kind = "front"
            continue
        if label:
            name = label.group(1).lower().replace(" ", "")
            ch.kind = "front"
            if name in ("abstract", "keywords"):
                drop(ch, "header", f"the {name}, shown in the article header")
            if name == "abstract":
                if label.group(2).strip():
                    abstract = label.group(2).strip()
                else:
                    expect_abstract = True
            elif name in ("keywords",):
                keywords = label.group(2).strip()
            else:
                drop(ch, "front-matter", "citation line; the header and 'Cite this' replace it")
            continue
        field_name = _front_field(ch.text, meta)
        if field_name:
            ch.kind = "front"
            if field_name in ("title", "byline"):
                drop(ch, "header", f"the {field_name}, shown in the article header")
            if field_name == "title":
                title_lines.extend(ln.number for ln in ch.lines)
            elif field_name == "byline":
                byline.append(ch.text)
            else:
                drop(ch, "front-matter", f"author {field_name}; shown in the article header")
            continue
        if words(ch.text) >= 30 and heading_of(ch) is None:
            body_start = i
            break
    front = [j for j in range(body_start) if chunks[j].kind == "front"]
    body_start = front[-1] + 1 if front else 0
    for ch in chunks[:body_start]:
        if ch.kind != "front":
            drop(ch, "masthead", "journal masthead or page furniture before the article body")
    if (
        abstract
        and meta.abstract
        and normalize_for_match(abstract) != normalize_for_match(meta.abstract)
    ):
        reporter.warning(
            Span(path, 1),
            "the abstract in meta.yml differs from the text's abstract",
            "abstract-mismatch",
        )

    body = chunks[body_start:]

    # ---- 2. footnote bodies written as bare numbers: a run numbered 1, 2, 3, ...
    bare_run: set[int] = set()
    expected = 1
    for i, ch in enumerate(body):
        m = BARE_BODY.match(ch.text)
        if m and int(m.group(1)) == expected and not ORDERED_ITEM.match(ch.text):
            bare_run.add(i)
            expected += 1
    if len(bare_run) < 2:
        bare_run = set()

    # ---- 3. walk the body
    blocks: list = []
    bodies: list[FootnoteBody] = []
    references: list[ReferenceItem] = []
    references_title: str | None = None
    back: list[tuple[str, list[str], Span]] = []
    headings: list[tuple[int, str, str]] = []
    region = "body"
    interrupted = False
    last_line = body[0].first if body else 0
    pending_caption: Chunk | None = None

    def text_block():
        return (
            blocks[-1] if blocks and isinstance(blocks[-1], (Paragraph, Quote, ListBlock)) else None
        )

    for i, ch in enumerate(body):
        text = ch.text
        if any(last_line < n < ch.first for n in removed_lines):
            interrupted = True
        last_line = ch.last
        head = heading_of(ch)
        name = normalize_for_match(head[0] if head else text)
        is_label = (head is not None or looks_unmarked_heading(text)) and len(ch.lines) == 1
        if is_label and name in REFERENCE_LABELS:
            region, references_title = "references", (head[0] if head else text.strip())
            continue
        if is_label and name in NOTES_LABELS:
            region = "notes"
            removals.append(
                Removal(
                    Span(path, ch.first),
                    text,
                    "notes-heading",
                    "heading of the endnotes; notes are shown as footnotes",
                )
            )
            continue
        if region in ("notes", "back") and _ends_notes(ch, head, name):
            inline = BACK_LABEL_INLINE.match(text)
            title = inline.group(1) if inline else (head[0] if head else text.strip())
            back.append((title.rstrip(" :."), [], Span(path, ch.first)))
            region = "back"
            if inline:
                back[-1][1].append(inline.group(2).strip())
            continue
        if region == "notes":
            m = BRACKET_BODY.match(text) or ORDERED_ITEM.match(text) or BARE_BODY.match(text)
            if m:
                bodies.append(
                    FootnoteBody(
                        int(m.group(1)),
                        False,
                        m.groups()[-1],
                        Span(path, ch.first, ch.last),
                        bracket=True,
                    )
                )
                continue
            if bodies:  # a note's second paragraph
                last = bodies[-1]
                bodies[-1] = replace(
                    last, text=last.text + " " + text, span=Span(path, last.span.line, ch.last)
                )
                continue
        if is_label and is_back_label(name):
            region = "back"
            back.append((head[0] if head else text.strip(), [], Span(path, ch.first)))
            continue
        if region != "body" and re.match(r"^(copyright|©)", text.strip(), re.I):
            region = "back"
            back.append(("Copyright and licence", [], Span(path, ch.first)))
        if region == "references":
            _add_references(ch, references, path)
            continue
        if region == "back":
            if not back:
                back.append(("Back matter", [], Span(path, ch.first)))
            back[-1][1].append("\n".join(ln.text.strip() for ln in ch.lines))
            continue

        # footnote bodies
        fb = footnote_body(text)
        if fb or i in bare_run:
            if fb:
                number, asterisk, body_text = fb
            else:
                m = BARE_BODY.match(text)
                number, asterisk, body_text = int(m.group(1)), False, m.group(2)
            bodies.append(FootnoteBody(number, asterisk, body_text, Span(path, ch.first, ch.last)))
            interrupted = True
            continue
        if _is_unnumbered_note(ch, blocks):
            bodies.append(FootnoteBody(None, False, text, Span(path, ch.first, ch.last)))
            interrupted = True
            continue

        # the author's biography closing a web commentary
        if i >= len(body) - 2 and _is_bio(text, meta):
            back.append(("About the author", [text], Span(path, ch.first)))
            region = "back"
            continue

        if head or (
            looks_unmarked_heading(text) and len(ch.lines) == 1 and not TABLE_CAPTION.match(text)
        ):
            htext = head[0] if head else text.strip()
            headings.append((len(blocks), htext, head[1] if head else "plain"))
            blocks.append(Heading(2, htext, Span(path, ch.first)))
            interrupted = False
            continue
        if TABLE_CAPTION.match(text) and len(ch.lines) == 1:
            pending_caption = ch
            continue
        if sum("\t" in ln.text for ln in ch.lines) >= 2:
            header, rows = parse_table(ch)
            caption = TABLE_CAPTION.match(pending_caption.text).group(1) if pending_caption else ""
            blocks.append(Table(caption, header, rows, Span(path, ch.first, ch.last)))
            pending_caption = None
            continue
        if pending_caption is not None:  # a caption line with no table after it stays text
            blocks.append(Paragraph(pending_caption.text, Span(path, pending_caption.first)))
            pending_caption = None
        last_table = blocks[-1] if blocks and isinstance(blocks[-1], Table) else None
        if last_table and last_table.caption and text.startswith(last_table.caption):
            blocks[-1] = replace(last_table, note=text)
            continue

        # lists: one chunk may hold several items
        first = ch.lines[0].text.strip()
        if ORDERED_ITEM.match(first) or (BULLET_ITEM.match(first) and not first.startswith("**")):
            items = _list_items(ch, path)
            prev = text_block()
            ordered = bool(ORDERED_ITEM.match(first))
            if isinstance(prev, ListBlock) and prev.ordered == ordered:
                blocks[-1] = replace(
                    prev, items=prev.items + items, span=Span(path, prev.span.line, ch.last)
                )
            else:
                start = int(ORDERED_ITEM.match(first).group(1)) if ordered else 1
                blocks.append(ListBlock(ordered, items, Span(path, ch.first, ch.last), start))
            interrupted = False
            continue

        # prose: a new paragraph, a block quotation, or the rest of a cut paragraph
        last = blocks[-1] if blocks else None
        if (
            isinstance(last, Heading)
            and headings
            and headings[-1][0] == len(blocks) - 1
            and headings[-1][2] == "plain"
            and interrupted
            and text[:1].islower()
        ):
            # a page break cut a paragraph after a short first line, which looked like a
            # heading: "The treaty" / notes / "was signed ..." is one paragraph
            headings.pop()
            blocks[-1] = Paragraph(f"{last.text} {text}", Span(path, last.span.line, ch.last))
            interrupted = False
            continue
        prev = text_block()
        prev_text = _last_text(prev) if prev else None
        span = Span(path, ch.first, ch.last)
        if prev is not None and prev_text is not None and not ends_sentence(prev_text):
            if (
                ends_with_note(text)
                and not isinstance(prev, Quote)
                and (not interrupted or leads_in(prev_text))
            ):
                if isinstance(prev, ListBlock):
                    last = prev.items[-1]
                    blocks[-1] = replace(
                        prev,
                        items=prev.items[:-1]
                        + (replace(last, quote=text, span=Span(path, last.span.line, ch.last)),),
                    )
                else:
                    blocks.append(Quote(text, span))
                interrupted = False
                continue
            if text[:1].islower() or prev_text.endswith("-") or interrupted:
                joiner = "" if prev_text.endswith("-") and text[:1].islower() else " "
                blocks[-1] = _extend(prev, joiner + text, ch.last)
                interrupted = False
                continue
        blocks.append(Paragraph(text, span))
        interrupted = False

    if pending_caption is not None:
        blocks.append(Paragraph(pending_caption.text, Span(path, pending_caption.first)))

    levels = assign_levels(headings)
    blocks = [
        replace(b, level=levels[i]) if isinstance(b, Heading) else b for i, b in enumerate(blocks)
    ]
    back_matter = tuple(BackMatter(t, tuple(p), s) for t, p, s in back if p)
    for t, p, s in back:
        if not p:
            reporter.warning(s, f"section '{t}' is empty", "empty-section")
    return Segmented(
        tuple(title_lines),
        tuple(byline),
        tuple(blocks),
        tuple(bodies),
        tuple(references),
        references_title,
        back_matter,
        tuple(cleaned.removals) + tuple(removals),
        abstract,
        keywords,
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


def _last_text(block) -> str | None:
    if isinstance(block, (Paragraph, Quote)):
        return block.text
    if isinstance(block, ListBlock):
        last = block.items[-1]
        return last.quote or last.text
    return None


def _extend(block, extra: str, last_line: int):
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
    (or continuing without a list marker inside a list) belongs to the item before it."""
    for ln in ch.lines:
        t = ln.text.strip()
        m = ORDERED_ITEM.match(t)
        b = BULLET_ITEM.match(t)
        url_only = bool(re.fullmatch(r"<?\[?(https?://|www\.)\S+", t))
        # a line that opens like an author-date entry starts a new item even without a
        # list marker: "Kissinger, H. (2014). World order." after a hard line break
        opens_entry = bool(REFERENCE_START.match(t))
        if m:
            refs.append(ReferenceItem(m.group(2), Span(path, ln.number), int(m.group(1))))
        elif b and not url_only:
            refs.append(ReferenceItem(b.group(1), Span(path, ln.number)))
        elif refs and (url_only or (ln is not ch.lines[0] and not opens_entry)):
            last = refs[-1]
            refs[-1] = replace(
                last, text=last.text + " " + t, span=Span(path, last.span.line, ln.number)
            )
        else:
            refs.append(ReferenceItem(t, Span(path, ln.number)))


def _is_unnumbered_note(ch: Chunk, blocks: list) -> bool:
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
