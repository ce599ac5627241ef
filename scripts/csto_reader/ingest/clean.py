"""Stage 1: clean.  Take page furniture out of a received text, line by line.

Each rule handles a *kind* of artefact that PDF and web conversions leave, never one
article's wording.  Every removal is recorded (text, source line, rule) so the site can
show it on /editorial/.  The lines that stay keep their source line numbers.

Also undone here: conversion escapes (``\\_`` and ``\\$`` from Markdown exporters).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..model import Line, Removal, SourceText, Span

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
}

ISSN = re.compile(r"\bISSN:?\s*\d{4}-\d{3}[\dXx]\b")
PAGE_NUMBER = re.compile(r"^\s*\d{1,4}\s*$")
RULE = re.compile(r"^\s*(-{3,}|\*{3,}|_{3,})\s*$")
ICON = re.compile(
    r"\[[\u2190-\u21ff\u2200-\u23ff\u25a0-\u27bf\u2b00-\u2bff]\]"
)  # e.g. "[⊠]" mail icons

# Undo escapes that Markdown exporters add: "\\_" and "\_" mean "_", "\$" means "$".
ESCAPE = re.compile(r"\\{1,2}([_$*#\[\]()<>!.\-+`{}|])")


@dataclass(frozen=True)
class Cleaned:
    slug: str
    path: str
    lines: tuple[Line, ...]  # every line kept, blank ones included (text "")
    removals: tuple[Removal, ...]
    rules: tuple[int, ...]  # line numbers of horizontal rules (page-break markers)


def normalize_for_match(text: str) -> str:
    """Fold a line for comparisons: strip Markdown emphasis, unify dashes and case."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[*_#`]+", "", text)
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = re.sub(r"[\u2018\u2019\u201c\u201d\"']", "", text)
    return re.sub(r"\s+", " ", text).strip().lower()


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
        letters = [c for c in raw if c.isalpha()]
        if (
            len(t.split()) >= 2
            and len(raw) < 120
            and letters
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


def _stands_alone(lines: tuple[str, ...], i: int) -> bool:
    """Whether line ``i`` is a block of its own (blank or no line before and after): a
    button label is; the word "share" wrapped onto a line of a paragraph is not."""
    before = i == 0 or is_blank(lines[i - 1])
    after = i + 1 >= len(lines) or is_blank(lines[i + 1])
    return before and after


def clean(source: SourceText) -> Cleaned:
    """Remove page furniture from ``source`` and record each removal."""
    running = _running_lines(source)
    lines: list[Line] = []
    removals: list[Removal] = []
    rules: list[int] = []

    def remove(number: int, text: str, rule: str, reason: str) -> None:
        removals.append(Removal(Span(source.path, number), text, rule, reason))
        lines.append(Line(number, ""))

    for number, raw in enumerate(source.lines, start=1):
        stripped = raw.strip()
        if is_blank(raw):
            lines.append(Line(number, ""))
            continue
        if RULE.match(raw):
            rules.append(number)
            remove(number, raw, "page-break-rule", "horizontal rule left by a page break")
            continue
        if stripped.lower() in WEB_CHROME and _stands_alone(source.lines, number - 1):
            remove(number, raw, "web-chrome", "web-page interface label")
            continue
        if PAGE_NUMBER.match(raw):
            remove(number, raw, "page-number", "bare page number")
            continue
        if ISSN.search(raw) and len(stripped) < 200:
            remove(number, raw, "issn-line", "journal ISSN line (masthead or page footer)")
            continue
        if number in running:
            remove(number, raw, "running-head", "running head or footer repeated on each page")
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
        lines.append(Line(number, unescape(text.rstrip())))
    return Cleaned(source.slug, source.path, tuple(lines), tuple(removals), tuple(rules))
