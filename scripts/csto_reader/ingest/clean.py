"""Stage 1: clean.  Take page furniture out of a received text, line by line.

Each rule handles a *kind* of artefact that PDF and web conversions leave, never one
article's wording.  Every removal is recorded (text, source line, rule) so the site can
show it on /editorial/.  The lines that stay keep their source line numbers.

Also undone here: conversion escapes (``\\_`` and ``\\$`` from Markdown exporters).
A line that stays then goes through ``TEXT_RULES``, which normalise its spacing and
record its link syntax, never its words; each change is recorded too (a
``Normalisation``: rule, source line, the stretch before and after), for /editorial/.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from ..markup import markdown_links
from ..model import Cleaned, Line, Normalisation, Removal, SourceText, Span

# Labels of web-page interface elements that exporters copy along with an article:
# buttons, tabs, dialog closers and cookie banners.  Matched against a whole line.
WEB_CHROME = {
    "cover page",
    "cite item",
    "full text",
    "pdf",
    "html",
    "download",
    "×",
    "x",
    "comments are closed.",
    "this website uses cookies",
    "about cookies",
    "you consent to our cookies if you continue to use our website.",
    "accept cookies",
    "share",
    "print",
    "privacy policy",
    "terms of use",
    "cookie settings",
}

# Words of a row of share buttons or footer links: "Share this: Twitter Facebook",
# "Twitter | Facebook | Print", "Privacy Policy | Terms of Use | Contact".
SHARE_WORDS = frozenset(
    "share this on via twitter x facebook linkedin email e-mail mail whatsapp telegram"
    " reddit print pinterest tumblr pocket mastodon bluesky threads vk copy link tweet pdf"
    " more".split()
)
FOOTER_LINKS = frozenset(
    {
        "privacy policy",
        "privacy",
        "terms of use",
        "terms of service",
        "terms and conditions",
        "cookie policy",
        "cookies",
        "cookie settings",
        "contact",
        "contact us",
        "about us",
        "imprint",
        "accessibility",
        "sitemap",
    }
)
ROW_SEPARATOR = re.compile(r"\s*[|·•/]\s*")
SHARE_LEAD = re.compile(r"^(?:share(?: this(?: article| post)?)?(?: on)?)\s*:?\s*(?:\S|$)", re.I)
# A web page's byline: "By Anna Ivanova | 12 January 2022", "January 12, 2022 · 7 min
# read", "Posted on 12 January 2022 by ...".
READING_TIME = re.compile(r"\b\d{1,3}\s*(?:-\s*)?min(?:ute)?s?\.?\s+read\b", re.I)
BY_DATE = re.compile(
    r"^(?:by|posted(?: on)?|published(?: on)?|updated(?: on)?)\b.*\b(?:19|20)\d\d\b", re.I
)
TAGS_LINE = re.compile(
    r"^(?:tags?|tagged(?: with)?|filed under|categor(?:y|ies)|topics)\s*:\s*\S", re.I
)
# The label of a box of a web page's chrome, whose lines go with it: a newsletter box,
# a comment form, related posts.
BOX_LABELS = frozenset(
    {
        "subscribe to our newsletter",
        "sign up for our newsletter",
        "newsletter",
        "leave a reply",
        "leave a comment",
        "post comment",
        "related posts",
        "related articles",
        "related",
        "you may also like",
        "read next",
        "recommended",
        "more from this author",
    }
)
BOX_PARTS = 10  # at most this many short blocks after a box's label go with it

# The line a repository or database stamps on every page of a paper it serves: "Electronic
# copy available at: https://ssrn.com/abstract=1234567", "Downloaded from https://... on
# 3 May 2023", "This content downloaded from 192.0.2.1 on ...": the stamp's wording,
# then an address.  Known by its form, since a three-page paper may show it once.
REPOSITORY_STAMP = re.compile(
    r"^\W*(?:electronic copy (?:of this paper )?(?:is )?available at"
    r"|(?:this content )?downloaded from)\b"
    r"\s*:?\s*(?:https?://|www\.|\d{1,3}(?:\.\d{1,3}){3}\b|[\w-]+(?:\.[\w-]+)+/)",
    re.I,
)
ISSN = re.compile(r"\bISSN:?\s*\d{4}-\d{3}[\dXx]\b")
# A publisher's cost code on a paper's first page: an ISBN or ISSN, the year and the
# per-copy fee, perhaps with the copyright holder: "978-1-5555-0000-0/23/$31.00 ©2023
# IEEE", "0001-0782/22/01 $15.00", "0022-1996/$ - see front matter © 2004 Elsevier".
COST_CODE = re.compile(
    r"^\s*(?:ISBN\s*)?\d[\dXx-]{7,16}(?:/\d{2}){0,2}(?:/|\s+)\s*\$\s*(?:\d+(?:\.\d{2})?|-)"
    r"(?:\s.*)?$"
)
# "117", "— 2 —", "- 3 -", "Page 4 of 12", "p. 5"
PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]\s*\d{1,4}\s*[-–—]|\d{1,4}|(?:page|p\.)\s*\d{1,4}(?:\s+of\s+\d{1,4})?)\s*$",
    re.I,
)
RULE = re.compile(r"^\s*(-{3,}|\*{3,}|_{3,})\s*$")
ICON = re.compile(
    r"\[[\u2190-\u21ff\u2200-\u23ff\u25a0-\u27bf\u2b00-\u2bff]\]"
)  # e.g. "[⊠]" mail icons

# Undo escapes that Markdown exporters add: "\\_" and "\_" mean "_", "\$" means "$".
ESCAPE = re.compile(r"\\{1,2}([_$*#\[\]()<>!.\-+`{}|])")


# normalize_for_match's one pass over the characters: emphasis marks and quotes go,
# dashes become "-" (the three sets share no character, so one table does all three)
_MATCH_FOLD = str.maketrans(
    {
        **dict.fromkeys("*_#`\u2018\u2019\u201c\u201d\"'"),
        **dict.fromkeys([*map(chr, range(0x2010, 0x2016)), "\u2212"], "-"),
    }
)


@functools.lru_cache(maxsize=4096)
def normalize_for_match(text: str) -> str:
    """Fold a line for comparisons: strip Markdown emphasis, unify dashes and case.
    (Memoized: the cleaner's and the segmenter's rules fold the same lines and chunks
    again and again, some 3,800 calls on 570 texts for the four articles.)"""
    text = unicodedata.normalize("NFKC", text).translate(_MATCH_FOLD)
    return " ".join(text.split()).lower()  # runs of whitespace as one space, trimmed


def unescape(text: str) -> str:
    """Undo exporter escapes (``politics\\\\_sub`` -> ``politics_sub``, ``\\$50`` -> ``$50``)."""
    return ESCAPE.sub(r"\1", text)


def is_blank(text: str) -> bool:
    """Blank, or only spaces including no-break spaces."""
    return not text.strip() and not text.replace("\u00a0", "").strip()


def _running_lines(source: SourceText) -> set[int]:
    """Line numbers of running heads and footers.

    Two kinds: (a) a line in capitals that repeats the start of another line of the
    file (a section rubric printed on every page); (b) a line that names an author and
    the article's title together with a year, outside the front matter (a running
    bibliographic footer).  The front matter's own "For citation:" line is left to
    the segmenter.
    """
    found: set[int] = set()
    texts = [normalize_for_match(t) for t in source.lines]
    title = normalize_for_match(source.meta.title)
    families = [a.name.split()[-1].lower() for a in source.meta.authors]
    for i, raw in enumerate(source.lines):
        t = texts[i]
        if not t:
            continue
        if (
            len(raw) < 120
            and len(t.split()) >= 2
            and (letters := [c for c in raw if c.isalpha()])
            and all(c.isupper() for c in letters)
            and any(j != i and texts[j].startswith(t) and texts[j] for j in range(len(texts)))
        ):
            found.add(i + 1)
            continue
        if (
            title
            and title in t
            and any(f in t for f in families)
            and re.search(r"\b(19|20)\d\d\b", t)
            and re.search(r"\d+\s*[-–]\s*\d+\s*$", raw.strip())
            and not re.match(r"\s*for citation", t)
        ):
            found.add(i + 1)
    return found


def _masked(raw: str) -> str:
    """A line folded for comparison with its numbers masked: page "118" and page "120"
    of one running head read alike."""
    return re.sub(r"\d+", "#", normalize_for_match(raw))


def _furniture_like(raw: str) -> bool:
    """A short line that may be page furniture: 2 to 15 words with some letters, no
    tab (a table row), no list mark or Markdown heading, not ending a sentence or a
    clause ("Ibid." is a note, not furniture), not a label such as "Table 2"."""
    t = raw.strip()
    return (
        "\t" not in t
        and 2 <= len(t.split()) <= 15
        and not t.startswith("#")
        and not FIGURE_LABEL.match(t)
        and sum(c.isalpha() for c in t) >= 3
        and not re.search(r"[.,;:!?…]$", t)
        and not re.match(r"^[-*•]\s", t)
    )


def _title_like(raw: str) -> bool:
    """Every word of four letters or more capitalised, as in a running head
    ("2023] A TEST ARTICLE 119", "118 Journal of Eurasian Studies")."""
    long_words = [w for w in re.findall(r"[^\W\d_]+", raw) if len(w) >= 4]
    return bool(long_words) and all(w[0].isupper() for w in long_words)


# "Table 2", "Figure 3": a label whose number is its own, not a page's
FIGURE_LABEL = re.compile(
    r"^\W*(?:table|figure|fig\.|chart|map|box|chapter|part|section|article|appendix)\s+\d",
    re.I,
)
PAGE_HEAD = re.compile(r"^(?:\d{1,4}\s+\S.*|.*\S\s+\d{1,4})$")  # "118 JOURNAL ...", "... 119"


# A law review's running heads, in the Bluebook manner: "2023] SHORT TITLE 119" on odd
# pages, "118 JOURNAL ABBREV. [Vol. 5:117" on even ones (known by their form alone).
LAW_REVIEW_HEAD = re.compile(
    r"^(?:(?:19|20)\d\d\]\s+\S.*\s\d{1,4}|\d{1,4}\s+\S.*\[Vol\.\s*\d+:\d+)$"
)


def _page_heads(lines: tuple[str, ...]) -> set[int]:
    """Line numbers of running heads that carry the page number (and volume data), so
    that they differ from page to page: "118 EURASIAN SEC. REV. [Vol. 5:117" and
    "120 EURASIAN SEC. REV. [Vol. 5:117", "2023] A TEST ARTICLE 119": a title-like
    short line with a number at one end, found twice or more with other numbers."""
    groups: dict[str, list[int]] = {}
    for i, raw in enumerate(lines):
        t = raw.strip()
        if PAGE_HEAD.match(t) and _furniture_like(t) and _title_like(t):
            groups.setdefault(_masked(t), []).append(i)
    found = {i + 1 for i, raw in enumerate(lines) if LAW_REVIEW_HEAD.match(raw.strip())}
    for idx in groups.values():
        numbers = {tuple(re.findall(r"\d+", lines[i])) for i in idx}
        if len(idx) >= 2 and len(numbers) >= 2:
            found.update(i + 1 for i in idx)
    return found


# A running head naming the authors with the page number at one end: "24 H. WHITCOMBE",
# "A. IVANOVA AND B. PETROV 119", "Ivanova et al. 7" (the number not a year).
AUTHOR_HEAD = re.compile(r"^(?:(?P<lead>\d{1,4})\s+(?P<a>\D+?)|(?P<b>\D+?)\s+(?P<end>\d{1,4}))$")
YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
NAME_JOINERS = frozenset({"and", "et", "al"})
PROSE_LINE = re.compile(
    r"^(?:\S+\s+){9,}.*[.!?][\"”’)]?\s*$"
)  # ten words or more, ending a sentence


def _author_heads(source: SourceText) -> set[int]:
    """Line numbers of running heads that name the article's authors beside the page
    number, e.g. "24 H. WHITCOMBE" (a short paper may print its even-page head once, so
    ``_page_heads`` cannot count it): a line of a number that is not a year and words
    that are all words of the authors' names in meta.yml, their initials, "and" or "et
    al.", the first author's family name among them.  Not in the front matter, before
    the first sentence of prose, where a byline may end in an affiliation's number
    ("Anna Ivanova 1"); not a table row (a tab)."""
    names = [re.findall(r"[^\W\d_]+", normalize_for_match(a.name)) for a in source.meta.authors]
    if not names or not names[0]:
        return set()
    vocab = {w for name in names for w in name} | NAME_JOINERS
    initials = {w[0] for name in names for w in name}
    prose = next((i for i, t in enumerate(source.lines) if PROSE_LINE.search(t)), None)
    found: set[int] = set()
    for i, raw in enumerate(source.lines):
        if prose is None or i <= prose or "\t" in raw:
            continue
        m = AUTHOR_HEAD.match(raw.strip())
        if not m or YEAR.match(m.group("lead") or m.group("end")):
            continue
        rest = normalize_for_match(m.group("a") or m.group("b"))
        if re.search(r"[^\w\s.,&-]", rest) or len(rest.split()) > 12:
            continue
        words = re.findall(r"[^\W\d_]+", rest)
        if names[0][-1] in words and all(
            w in vocab or (len(w) == 1 and w in initials) for w in words
        ):
            found.add(i + 1)
    return found


def _repeated_lines(lines: tuple[str, ...], venue: str = "") -> set[int]:
    """Line numbers of a footer or header repeated on every page, e.g. "Electronic copy
    available at: https://ssrn.com/abstract=1234567": a short line (``_furniture_like``)
    found three times or more, its numbers aside.  A capitalised line with no number or
    address could be a heading used in several sections ("Policy implications"): it
    must be found four times, unless it is the journal's name (``venue``, folded, or
    the start of the file's first line, its masthead)."""
    groups: dict[str, list[int]] = {}
    for i, raw in enumerate(lines):
        if _furniture_like(raw):
            groups.setdefault(_masked(raw), []).append(i)
    masthead = next((normalize_for_match(t) for t in lines if not is_blank(t)), "")
    found: set[int] = set()
    for idx in groups.values():
        raw = lines[idx[0]]
        heading_like = raw.strip()[:1].isupper() and not re.search(r"\d|https?://|www\.", raw)
        folded = normalize_for_match(raw)
        if heading_like and (folded == venue or masthead.startswith(folded)):
            heading_like = False  # the journal's name, as a running head
        if len(idx) >= (4 if heading_like else 3):
            found.update(i + 1 for i in idx)
    return found


def _block_at(lines: tuple[str, ...], i: int) -> list[int]:
    """The indexes of the lines of the block (non-blank lines) starting at ``i``."""
    out = []
    while i < len(lines) and not is_blank(lines[i]):
        out.append(i)
        i += 1
    return out


def _box_part(lines: tuple[str, ...], block: list[int]) -> bool:
    """A block that goes on a box of web chrome: one or two short lines (post titles,
    form fields, buttons) that do not open with a number (a numbered heading) or a
    copyright notice (the page's licence, which the segmenter keeps)."""
    return (
        0 < len(block) <= 2
        and all(len(lines[i].split()) <= 12 for i in block)
        and not any(re.match(r"\s*(?:\d|©|\(c\)|copyright\b)", lines[i], re.I) for i in block)
    )


def _box_lines(lines: tuple[str, ...]) -> set[int]:
    """Line numbers of boxes of web chrome: a label opening a block ("Subscribe to our
    newsletter", "Leave a Reply", "Related posts"), the rest of its block, and up to
    ``BOX_PARTS`` short blocks after it (``_box_part``)."""
    found: set[int] = set()
    for i, raw in enumerate(lines):
        if normalize_for_match(raw) not in BOX_LABELS or (i and not is_blank(lines[i - 1])):
            continue
        block = _block_at(lines, i)
        for _ in range(BOX_PARTS + 1):
            found.update(j + 1 for j in block)
            nxt = block[-1] + 1
            while nxt < len(lines) and is_blank(lines[nxt]):
                nxt += 1
            block = _block_at(lines, nxt)
            if not _box_part(lines, block):
                break
    return found


def _stands_alone(lines: tuple[str, ...], i: int) -> bool:
    """Whether line ``i`` is a block of its own (blank or no line before and after): a
    button label is; the word "share" wrapped onto a line of a paragraph is not."""
    before = i == 0 or is_blank(lines[i - 1])
    after = i + 1 >= len(lines) or is_blank(lines[i + 1])
    return before and after


@dataclass(frozen=True)
class _LineAt:
    """One source line as the line rules see it."""

    number: int  # 1-based
    raw: str
    lines: tuple[str, ...]  # the whole file, for rules that look at neighbours
    running: frozenset[int]  # line numbers of running heads and footers
    repeated: frozenset[int] = frozenset()  # lines repeated on every page
    boxes: frozenset[int] = frozenset()  # lines of boxes of web chrome


def _page_break_rule(at: _LineAt) -> str | None:
    """page-break-rule: a horizontal rule a page break left, e.g. "---" or "* * *" written
    "***"."""
    return "horizontal rule left by a page break" if RULE.match(at.raw) else None


def _web_chrome(at: _LineAt) -> str | None:
    """web-chrome: a web-page interface label standing alone, e.g. "Share", "Download",
    "Accept cookies" (not the word "share" wrapped onto a line of a paragraph)."""
    if at.raw.strip().lower() in WEB_CHROME and _stands_alone(at.lines, at.number - 1):
        return "web-page interface label"
    return None


def _share_row(at: _LineAt) -> str | None:
    """share-row: a row of share buttons or footer links anywhere, e.g. "Share this:
    Twitter Facebook LinkedIn", "Twitter | Facebook | Print", "Privacy Policy | Terms of
    Use | Contact" (not "to share intelligence" in a sentence)."""
    low = normalize_for_match(at.raw)
    parts = [p for p in ROW_SEPARATOR.split(low) if p]
    words = [w.strip(":,") for p in parts for w in p.split()]
    if not 2 <= len(words) <= 16:
        return None

    def chrome(part: str) -> bool:
        return part in FOOTER_LINKS or all(w.strip(":,") in SHARE_WORDS for w in part.split())

    buttons = set(words) - {"share", "this", "on", "via", "more", "x", "copy", "link"}
    if all(chrome(p) for p in parts) and (buttons or len(parts) >= 2):
        return "row of share buttons or links of a web page"
    return None


def _web_byline(at: _LineAt) -> str | None:
    """web-byline: a web page's byline with its date or reading time, e.g. "By Anna
    Ivanova | 12 January 2022", "January 12, 2022 · 7 min read" (the header shows the
    authors; the date is in meta.yml)."""
    t = at.raw.strip()
    if len(t.split()) > 16 or t.endswith("."):
        return None
    if READING_TIME.search(t) or (BY_DATE.match(t) and _stands_alone(at.lines, at.number - 1)):
        return "byline and date of a web page"
    return None


def _tags_line(at: _LineAt) -> str | None:
    """tags-line: a web post's tags or categories, e.g. "Tags: CSTO, Kazakhstan"."""
    if TAGS_LINE.match(at.raw.strip()) and len(at.raw.split()) <= 25:
        return "tags or categories of a web page"
    return None


def _web_box(at: _LineAt) -> str | None:
    """web-box: a box of web chrome, its label and its short lines: "Subscribe to our
    newsletter" / "Enter your email address", "Leave a Reply" / ... / "Post Comment",
    "Related posts" / the titles of other posts (see ``_box_lines``)."""
    return "newsletter box, comment form or related posts" if at.number in at.boxes else None


def _repeated_footer(at: _LineAt) -> str | None:
    """repeated-footer: a short line repeated on every page, e.g. "Electronic copy
    available at: https://ssrn.com/abstract=1234567" (see ``_repeated_lines``)."""
    return "footer or header repeated on every page" if at.number in at.repeated else None


def _repository_stamp(at: _LineAt) -> str | None:
    """repository-stamp: the line a repository or database stamps on each page it
    serves, e.g. "Electronic copy available at: https://ssrn.com/abstract=1234567" or
    "Downloaded from https://... on 3 May 2023", a short line standing alone (known by
    its form: a short paper may show it once, so ``repeated-footer`` cannot count it)."""
    t = at.raw.strip()
    alone = _stands_alone(at.lines, at.number - 1)
    if REPOSITORY_STAMP.match(t) and len(t.split()) <= 16 and alone:
        return "a repository's download stamp, printed on every page"
    return None


def _page_number(at: _LineAt) -> str | None:
    """page-number: a line holding only a page number, e.g. "117", "— 2 —", "- 3 -" or
    "Page 4 of 12"."""
    return "bare page number" if PAGE_NUMBER.match(at.raw) else None


def _issn_line(at: _LineAt) -> str | None:
    """issn-line: a short line with an ISSN, e.g. "ISSN 2587-9324 (Print)"."""
    if ISSN.search(at.raw) and len(at.raw.strip()) < 200:
        return "journal ISSN line (masthead or page footer)"
    return None


def _cost_code(at: _LineAt) -> str | None:
    """cost-code: a publisher's cost-code line at the foot of a paper's first page
    (``COST_CODE``), e.g. "978-1-5555-0000-0/23/$31.00 ©2023 IEEE", a short line."""
    if COST_CODE.match(at.raw) and len(at.raw.split()) <= 12:
        return "publisher's cost code and copyright line of the first page"
    return None


def _running_head(at: _LineAt) -> str | None:
    """running-head: a running head or footer (see ``_running_lines`` and
    ``_page_heads``, ``_author_heads``), e.g. "CSTO STUDIES" repeating a rubric, "Ivanova
    A. The Treaty ... 2023. 5(1): 117-130", "118 JOURNAL ABBREV. [Vol. 5:117" with its page
    number, or "24 H. WHITCOMBE", the author's name beside the page number."""
    if at.number in at.running:
        return "running head or footer repeated on each page"
    return None


# A copyright line: "© 2022 ...", "(c) 2022 ...", "Copyright 2022 ...".
COPYRIGHT_LEAD = re.compile(r"^\s*(?:©|\(c\)|copyright\b)", re.I)
FOOTER_PARTS = re.compile(r"\.\s+|\s*[|·•]\s*|\s{2,}")


def _site_footer(at: _LineAt) -> str | None:
    """site-footer: a web site's copyright line that carries the site's footer links,
    e.g. "© 2022 Example Institute. All rights reserved. Privacy Policy" (an article's
    licence line, "© 2023 The Author. Published under CC BY 4.0.", holds no such link
    and stays for the segmenter's copyright section)."""
    if not COPYRIGHT_LEAD.match(at.raw) or len(at.raw.split()) > 40:
        return None
    parts = [p.strip(" .,;:") for p in FOOTER_PARTS.split(normalize_for_match(at.raw))]
    if any(p in FOOTER_LINKS for p in parts[1:]):
        return "copyright footer of a web site, with its links"
    return None


# Line rules in the order they are tried; the first that gives a reason removes the line.
LINE_RULES = (
    ("page-break-rule", _page_break_rule),
    ("web-chrome", _web_chrome),
    ("share-row", _share_row),
    ("web-byline", _web_byline),
    ("tags-line", _tags_line),
    ("page-number", _page_number),
    ("issn-line", _issn_line),
    ("cost-code", _cost_code),
    ("running-head", _running_head),
    ("repeated-footer", _repeated_footer),
    ("repository-stamp", _repository_stamp),
    ("web-box", _web_box),
    ("site-footer", _site_footer),
)


# ---------------------------------------------------------------- text rules

# White space a conversion may leave inside a line: spaces, the no-break space (U+00A0,
# an HTML "&nbsp;"), the narrow no-break space, the figure space and the other Unicode
# spaces.  Not the tab, which separates the cells of a table (segment's table rule).
SPACE = "[ \u00a0\u2000-\u200a\u202f\u205f\u3000]"
SPACE_RUN = re.compile(rf"(?<=\S){SPACE}{{2,}}(?=\S)")
NO_BREAK = frozenset("\u00a0\u202f\u2007")
# A space between a word (or a closing bracket or quote) and a stop, comma, semicolon,
# colon, closing parenthesis, question or exclamation mark that ends there ("early
# 2000s ." -> "early 2000s."); an ellipsis (" ...") or a decimal (" .5") is not one.
SPACE_BEFORE_MARK = re.compile(rf"(?<=[\w)\]”’]){SPACE}+(?=[.,;:)?!](?:[\s.,;:)?!\"”’»]|$))")
# Languages whose typography sets a space before ; : ? ! (French), where the rule keeps it.
SPACED_MARK_LANGUAGES = ("fr",)
CONTEXT = 15  # characters of context either side of a change, for /editorial/


@dataclass(frozen=True)
class _Change:
    """One change a text rule made: where (in the text it was given) and to what."""

    start: int
    end: int
    replacement: str


def _space_run(text: str, language: str) -> list[_Change]:
    """space-run: a run of two or more spaces inside a line becomes one ("from 6 to  19
    January", a space beside a no-break space, as web conversions write "&nbsp;"); a run
    only of no-break spaces stays one no-break space, so the words it binds stay bound."""
    return [
        _Change(m.start(), m.end(), "\u00a0" if set(m.group()) <= NO_BREAK else " ")
        for m in SPACE_RUN.finditer(text)
    ]


def _space_before_mark(text: str, language: str) -> list[_Change]:
    """space-before-punctuation: the space a conversion left before a stop, comma,
    semicolon, colon, closing parenthesis, question or exclamation mark is taken out
    ("early 2000s ." -> "early 2000s.").  English typography never sets one (a note call
    or a link taken out beside the mark leaves it); in French, a space before ; : ? !
    is the rule, so there only the space before . , ) goes."""
    spaced = language.lower().split("-")[0] in SPACED_MARK_LANGUAGES
    return [
        _Change(m.start(), m.end(), "")
        for m in SPACE_BEFORE_MARK.finditer(text)
        if not (spaced and text[m.end()] in ";:?!")
    ]


def _stray_bom(text: str, language: str) -> list[_Change]:
    """byte-order-mark: a byte-order mark (U+FEFF) left inside the text, where files
    saved by a word processor were joined or a BOM was read as a character (the one
    opening a file is dropped when the file is read); it is invisible, and a word with
    it inside matches nothing."""
    return [_Change(m.start(), m.end(), "") for m in re.finditer("\ufeff", text)]


def _markdown_link(text: str, language: str) -> list[_Change]:
    """markdown-link: a link in Markdown syntax from a web page's conversion,
    "[label](https://...)", is shown as a link with its label (the render stage makes
    it, through ``markup.markdown_links``): the brackets and the address do not show,
    so "[https://x.org/a](https://x.org/a)" prints its address once.  The line's text
    keeps the syntax (the references and citations stages read it); only an address
    that may be a link (``textcheck.is_safe_url``) counts, any other stays text."""
    return [_Change(m.start(), m.end(), label) for m, label, _ in markdown_links(text)]


# Text rules in the order they run on each kept line, and whether the line's text takes
# their changes (``markdown-link`` only records what the page will show).
TEXT_RULES = (
    ("byte-order-mark", _stray_bom, True),
    ("markdown-link", _markdown_link, False),
    ("space-run", _space_run, True),
    ("space-before-punctuation", _space_before_mark, True),
)


def normalise_line(text: str, span: Span, language: str = "en") -> tuple[str, list[Normalisation]]:
    """``text`` after ``TEXT_RULES``, and a record of each change (with context)."""
    records: list[Normalisation] = []
    for name, rule, applies in TEXT_RULES:
        changes = rule(text, language)
        for c in changes:
            a, b = max(0, c.start - CONTEXT), min(len(text), c.end + CONTEXT)
            before = text[a:b]
            after = text[a : c.start] + c.replacement + text[c.end : b]
            records.append(Normalisation(span, name, before, after))
        if applies:
            for c in reversed(changes):
                text = text[: c.start] + c.replacement + text[c.end :]
    return text, records


def clean(source: SourceText) -> Cleaned:
    """Remove page furniture from ``source`` and record each removal.  A line goes to
    the first rule of ``LINE_RULES`` that removes it; a line that stays loses its icon
    glyphs (rule ``icon``) and its exporter escapes, then goes through ``TEXT_RULES``
    (each change recorded)."""
    running = frozenset(_running_lines(source) | _page_heads(source.lines) | _author_heads(source))
    venue = normalize_for_match(source.meta.venue or "")
    repeated = frozenset(_repeated_lines(source.lines, venue))
    boxes = frozenset(_box_lines(source.lines))
    lines: list[Line] = []
    removals: list[Removal] = []
    rules: list[int] = []
    normalisations: list[Normalisation] = []
    for number, raw in enumerate(source.lines, start=1):
        if is_blank(raw):
            lines.append(Line(number, ""))
            continue
        at = _LineAt(number, raw, source.lines, running, repeated, boxes)
        removed = next(((n, why) for n, rule in LINE_RULES if (why := rule(at))), None)
        if removed:
            if removed[0] == "page-break-rule":
                rules.append(number)
            removals.append(Removal(Span(source.path, number), raw, *removed))
            lines.append(Line(number, ""))
            continue
        text = raw
        icon = ICON.search(text)
        if icon:
            removals.append(
                Removal(
                    Span(source.path, number), icon.group(0), "icon", "icon glyph of a web link"
                )
            )
            text = ICON.sub("", text)
        text, changed = normalise_line(
            unescape(text.rstrip()), Span(source.path, number), source.meta.language
        )
        normalisations += changed
        lines.append(Line(number, text))
    return Cleaned(
        source.slug,
        source.path,
        tuple(lines),
        tuple(removals),
        tuple(rules),
        tuple(normalisations),
    )
