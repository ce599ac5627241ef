"""Where a name may not be matched in a text: the masking rules the glossary's term
marks and the index of names share.

``protected_ranges(text)`` returns the (start, end) ranges of a paragraph (its Markdown,
or its text with the pipeline's tokens) where no match may fall: links and any other
bracketed text (footnote references ``[^n]``), inline code, HTML tags and elements
(citations marked ``<span class="cite">``), bare addresses, attribute lists, footnote
and citation tokens, heading lines, YAML front matter, parenthesized author-date
citations ("(Pedersen 2002; Kozyulin 2012)"), character references and backslash
escapes.
"""

from __future__ import annotations

import re
from typing import Protocol

from ..model import CITE_CLOSE, CITE_OPEN, FN_CLOSE, FN_OPEN


class Named(Protocol):
    """What the matcher needs of a glossary term or an index entry."""

    @property
    def id(self) -> str: ...

    @property
    def variants(self) -> tuple[str, ...]: ...


# Regions of a text where no name may be matched (besides links and
# bracketed text and HTML elements, found by the scanners below).
_PROTECTED_RES: tuple[re.Pattern[str], ...] = (
    re.compile(r"(`+).*?\1|`+[^`]*$", re.S),  # inline code (and an unclosed code span)
    re.compile(r"<[^<>\n]*>"),  # any tag, comment or autolink
    re.compile(r"\bhttps?://[^\s<>()]+"),  # a bare address
    re.compile(r"\{[^{}\n]*\}"),  # attribute lists
    re.compile(re.escape(FN_OPEN) + ".*?" + re.escape(FN_CLOSE), re.S),  # footnote tokens
    re.compile(re.escape(CITE_OPEN) + ".*?" + re.escape(CITE_CLOSE), re.S),  # citation tokens
    re.compile(r"^[ \t]{0,3}#{1,6}(?:[ \t].*)?$", re.M),  # a heading line
    re.compile(r"\A---\n.*?^---[ \t]*$", re.S | re.M),  # YAML front matter of a whole page
    # A parenthesized author-date citation not yet marked: "(Pedersen 2002; Kozyulin 2012)".
    re.compile(r"\((?=[^()]*[A-Z][^()]*?\b(?:1[5-9]|20)\d\d[a-z]?\b)[^()]*\)"),
    re.compile(r"&#?\w+;"),  # character references
    re.compile(r"\\."),  # backslash escapes
)

_VOID_ELEMENTS = frozenset(
    {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_TAG_RE = re.compile(r"<(/?)([A-Za-z][\w-]*)\b[^<>]*?(/?)>")


# What the bracket scanners stop at (everything else is skipped in one search).
_STOPS = {"[": re.compile(r"[\\\[\]]"), "(": re.compile(r"[\\()]")}
_BRACKET_OR_ESCAPE = re.compile(r"[\\\[]")


def _closing(text: str, start: int, open_ch: str, close_ch: str) -> int | None:
    """Index of the bracket closing the one at ``start`` (nesting and escapes respected)."""
    stops = _STOPS[open_ch]
    depth = 0
    i = start
    while (m := stops.search(text, i)) is not None:
        i = m.start()
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == open_ch:
            depth += 1
        elif ch == close_ch:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def _bracket_ranges(text: str) -> list[tuple[int, int]]:
    """Links, images, reference links and any other ``[...]`` (footnote refs ``[^n]``)."""
    ranges: list[tuple[int, int]] = []
    i = 0
    while (m := _BRACKET_OR_ESCAPE.search(text, i)) is not None:
        i = m.start()
        if text[i] == "\\":
            i += 2
            continue
        close = _closing(text, i, "[", "]")
        if close is None:
            i += 1
            continue
        end = close + 1
        if end < len(text) and text[end] in "([":
            follow = _closing(text, end, text[end], ")" if text[end] == "(" else "]")
            if follow is not None:
                end = follow + 1
        start = i - 1 if i > 0 and text[i - 1] == "!" else i
        ranges.append((start, end))
        i = end
    return ranges


def _element_ranges(text: str) -> list[tuple[int, int]]:
    """Inline HTML elements with their content, e.g. ``<span class="cite">...</span>``."""
    ranges: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for m in _TAG_RE.finditer(text):
        closing, name, self_closing = m.group(1), m.group(2).lower(), m.group(3)
        if self_closing or name in _VOID_ELEMENTS:
            continue
        if not closing:
            stack.append((name, m.start()))
            continue
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth][0] == name:
                if depth == 0:
                    ranges.append((stack[0][1], m.end()))
                del stack[depth:]
                break
    # An element left open protects the rest of the text: better unmarked than broken.
    if stack:
        ranges.append((stack[0][1], len(text)))
    return ranges


def protected_ranges(text: str) -> list[tuple[int, int]]:
    """The ranges of ``text`` where no name may be matched (see the module docstring)."""
    ranges = _bracket_ranges(text) + _element_ranges(text)
    for pattern in _PROTECTED_RES:
        ranges.extend((m.start(), m.end()) for m in pattern.finditer(text))
    return ranges
