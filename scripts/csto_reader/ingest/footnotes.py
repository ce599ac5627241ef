"""Stage 3: footnotes.  Find note markers in the text and pair them with their bodies.

Markers come in the encodings conversions leave: ``<sup>3</sup>``, Unicode superscripts
(``space¹.``), an asterisk with or without a number (``intensify*9``, ``"Islamic State"*``)
and bare digits glued to a word or stop (``(RK)1``, ``Kazakhstan.2``).  Bare digits and
asterisks are only read as markers when the article's note bodies use that encoding,
and bare digits only in the order 1, 2, 3, ... so that "2.5 thousand" stays a number.

Pairing: a body with a number goes to the marker with that number.  A body whose number
the conversion lost goes to the one unpaired marker numbered between its neighbours'
numbers.  Asterisk-only markers and asterisk-only bodies left over pair in order when
their counts agree.  Whatever stays unpaired is reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..codes import codes_of
from ..diagnostics import Reporter
from ..model import (
    CITE_CLOSE,
    CITE_MID,
    CITE_OPEN,
    FN_CLOSE,
    FN_OPEN,
    PROSE_KINDS,
    Block,
    Footnote,
    FootnoteBody,
    Paired,
    Span,
    fn_token,
    map_texts,
    texts_of,
)

SUP_OPEN = "\ufdd2"  # superscript text that is not a note marker, e.g. "26<sup>th</sup>"
SUP_CLOSE = "\ufdd3"
_TMP = "\ufdd4"  # placeholder for a found marker until pairing decides its key

# Diagnostic codes this stage reports (meanings: the registry, codes.py).
CODES = codes_of("ingest.footnotes")

UNICODE_SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹"
SUP_NUMBER = re.compile(r"<sup>(\d+)</sup>")
SUP_OTHER = re.compile(r"<sup>([^<]*)</sup>")
UNICODE_MARK = re.compile(rf"(?<=\S)([{UNICODE_SUP}]+)")
BRACKET_MARK = re.compile(r"(?<=\S)\[(\d{1,3})\]")  # endnote markers "text.[1]"
ASTERISK_MARK = re.compile(r"(?<=[\w\"”’)])\*(\d*)(?!\*)")
# A bare-digit marker: digits glued to a word, a closing bracket or quotation mark, or
# any stop ("Kazakhstan.2", "(RK)1", "turning point?3", "so!4", "“collective”5"),
# followed by a space, a comma, a semicolon, a colon or the end ("2.5" is no marker).
BARE_BEFORE = r"A-Za-z)\].,;:!?…”\"’»"
BARE_MARK = re.compile(rf"(?<=[{BARE_BEFORE}])(\d{{1,3}})(?![\d.,]\d)(?=[\s,;:]|$)")
# How many markers in a row the conversion may have lost: a later marker still pairs.
MAX_LOST = 3


@dataclass
class Marker:
    number: int | None
    asterisk: bool
    span: Span
    original: str
    key: str | None = None


def _superscript(text: str) -> str:
    return SUP_OTHER.sub(lambda m: f"{SUP_OPEN}{m.group(1)}{SUP_CLOSE}", text)


class _Scanner:
    def __init__(self, bodies: tuple[FootnoteBody, ...]):
        self.markers: list[Marker] = []
        self.asterisks = any(b.asterisk for b in bodies)
        # "[n]" is an endnote marker only where the notes are labelled "[n]"; elsewhere
        # it is a numeric citation and stays text.
        self.brackets = any(b.bracket for b in bodies)
        self.bare_mode = False
        self.max_number = max((b.number or 0 for b in bodies), default=0)
        self.bare_plan: list[list[int]] = []  # per text scanned: its bare markers, in order
        self.bare_text = 0  # the index of the next text scanned

    def _add(self, number: int | None, asterisk: bool, span: Span, original: str) -> str:
        self.markers.append(Marker(number, asterisk, span, original))
        return f"{_TMP}{len(self.markers) - 1}{_TMP}"

    def scan(self, text: str, span: Span) -> str:
        text = SUP_NUMBER.sub(lambda m: self._add(int(m.group(1)), False, span, m.group(0)), text)
        text = UNICODE_MARK.sub(
            lambda m: self._add(
                int("".join(str(UNICODE_SUP.index(c)) for c in m.group(1))), False, span, m.group(0)
            ),
            text,
        )
        if self.asterisks:
            text = ASTERISK_MARK.sub(
                lambda m: self._add(
                    int(m.group(1)) if m.group(1) else None, True, span, m.group(0)
                ),
                text,
            )
        if self.brackets:
            text = BRACKET_MARK.sub(
                lambda m: self._add(int(m.group(1)), False, span, m.group(0)), text
            )
        if self.bare_mode:
            text = self._scan_bare(text, span)
        return _superscript(text)

    def plan_bare(self, texts: list[str]) -> None:
        """Decide which bare digits of ``texts`` (every text ``scan`` will see, in its
        order) are markers: the run 1, 2, 3, ... in reading order.  A number the text
        lacks (the conversion lost that marker) is skipped when a later number, at most
        ``MAX_LOST`` ahead, comes before any other candidate for it: its body is then
        reported unplaced, and the markers after it still pair."""
        found = [(ti, int(m.group(1))) for ti, t in enumerate(texts) for m in BARE_MARK.finditer(t)]
        self.bare_plan = [[] for _ in texts]
        expected = 1
        for i, (ti, k) in enumerate(found):
            if not expected <= k <= min(self.max_number, expected + MAX_LOST):
                continue
            if k > expected and any(expected <= n < k for _, n in found[i + 1 :]):
                continue  # the lost number may still come: wait for it
            self.bare_plan[ti].append(k)
            expected = k + 1

    def _scan_bare(self, text: str, span: Span) -> str:
        numbers = self.bare_plan[self.bare_text] if self.bare_text < len(self.bare_plan) else []
        self.bare_text += 1
        pos = 0
        out = []
        for k in numbers:
            m = re.compile(rf"(?<=[{BARE_BEFORE}]){k}(?![\d.,]\d)(?=[\s,;:]|$)").search(text, pos)
            if not m:
                break
            out.append(text[pos : m.start()])
            out.append(self._add(k, False, span, m.group(0)))
            pos = m.end()
        out.append(text[pos:])
        return "".join(out)


def pair_footnotes(
    blocks: tuple[Block, ...],
    byline: tuple[str, ...],
    bodies: tuple[FootnoteBody, ...],
    path: str,
    reporter: Reporter,
) -> Paired:
    """Replace markers in ``blocks`` and ``byline`` with footnote tokens; pair bodies.

    A body without a marker is an error (``footnote-unplaced``) unless the article's
    ``accept:`` lists the code; the sink then makes it a note.  It stays on the page."""
    scanner = _Scanner(bodies)
    all_text = " ".join(byline) + " ".join(_texts(blocks))
    # Bare digits are markers only when no other marker encoding is used in the text
    # (endnotes numbered "1." or "[1]" may be called by "[1]" or by bare digits).  An
    # author's asterisk ("Anna Ivanova*" / "* Lecturer, ...") beside bare-digit notes
    # is no other encoding; numbered asterisk calls ("grew*9") are.
    scanner.bare_mode = any(b.number is not None for b in bodies) and not (
        SUP_NUMBER.search(all_text)
        or UNICODE_MARK.search(all_text)
        or (scanner.brackets and BRACKET_MARK.search(all_text))
        or (scanner.asterisks and re.search(r"(?<=[\w\"”’)])\*\d", all_text))
    )
    if scanner.bare_mode:
        scanner.plan_bare(_scanned_texts(byline, blocks))
    new_byline = tuple(scanner.scan(b, Span(path, 1)) for b in byline)
    new_blocks = tuple(_map_block(b, scanner.scan) for b in blocks)
    # The scanner finds one encoding after another; pairing and the notes list go by
    # the order the markers stand in the text ("left⁸ ... grew*9 ... came¹⁰": 8, 9, 10).
    placed_in = _reading_order(scanner.markers, new_byline, new_blocks)
    markers = [m for m, _ in placed_in]

    by_number: dict[int, list[int]] = {}  # note number -> indexes of its bodies
    for bi, b in enumerate(bodies):
        if b.number is not None:
            by_number.setdefault(b.number, []).append(bi)
    duplicates = _report_duplicates(bodies, by_number, reporter)
    body_key: dict[int, str] = {}  # body index -> the key of the marker it pairs with
    _pair_by_number(markers, by_number, body_key)
    _pair_lost_numbers(markers, bodies, body_key)
    _pair_split_asterisks(placed_in, bodies, body_key)
    _pair_asterisks(markers, bodies, body_key)
    footnotes = _footnotes(bodies, body_key, duplicates, reporter)
    _report_missing_bodies(markers, reporter)

    resolve = _resolver(scanner.markers)
    new_blocks = tuple(_map_block(b, lambda text, _: resolve(text)) for b in new_blocks)
    new_byline = tuple(resolve(b) for b in new_byline)
    order: dict[str, int] = {}
    for i, m in enumerate(markers):
        if m.key:
            order.setdefault(m.key, i)
    footnotes.sort(key=lambda f: (not f.placed, order.get(f.key, 10**6)))
    return Paired(new_blocks, new_byline, tuple(footnotes))


_PLACEHOLDER = re.compile(rf"{_TMP}(\d+){_TMP}")


def _reading_order(
    markers: list[Marker], byline: tuple[str, ...], blocks: tuple[Block, ...]
) -> list[tuple[Marker, int]]:
    """The markers in reading order (byline, then the blocks as ``_map_block`` walks
    them), each with the index of the text it stands in; a marker found nowhere (none
    should be) comes last."""
    texts = list(byline)
    texts += [t.text for b in blocks for t in texts_of(b) if t.kind in _SCANNED and t.text]
    out: dict[int, tuple[Marker, int]] = {}
    for ti, text in enumerate(texts):
        for m in _PLACEHOLDER.finditer(text):
            out.setdefault(int(m.group(1)), (markers[int(m.group(1))], ti))
    for i, marker in enumerate(markers):
        out.setdefault(i, (marker, len(texts)))
    return list(out.values())


def _pair_split_asterisks(
    placed_in: list[tuple[Marker, int]],
    bodies: tuple[FootnoteBody, ...],
    body_key: dict[int, str],
) -> None:
    """A body labelled with a number and an asterisk ("^{10 *}") whose marker has no
    asterisk (``country¹⁰``) is also the note of the free asterisk-only marker standing
    just before that marker in the same text (``"Islamic State"*into the country¹⁰``):
    the conversion split the call "*10" in two, and both calls link to the one note."""
    for bi, key in body_key.items():
        body = bodies[bi]
        if not body.asterisk or body.number is None:
            continue
        for i, (m, text) in enumerate(placed_in):
            if m.key != key or m.asterisk or m.number != body.number or i == 0:
                continue
            before, before_text = placed_in[i - 1]
            if before_text == text and before.key is None and before.asterisk:
                if before.number is None:
                    before.key = key
            break


def _pair_by_number(
    markers: list[Marker], by_number: dict[int, list[int]], body_key: dict[int, str]
) -> None:
    """A body with a number goes to the first free marker with that number."""
    for m in markers:
        if m.number is not None and by_number.get(m.number):
            m.key = str(m.number)
            body_key[by_number[m.number].pop(0)] = m.key


def _pair_lost_numbers(
    markers: list[Marker], bodies: tuple[FootnoteBody, ...], body_key: dict[int, str]
) -> None:
    """A body whose number was lost goes to the one free marker numbered between its
    neighbours' numbers (an asterisk body prefers an asterisk marker)."""
    for bi, body in enumerate(bodies):
        if body.number is not None or bi in body_key:
            continue
        before = max((b.number for b in bodies[:bi] if b.number is not None), default=0)
        after = min((b.number for b in bodies[bi + 1 :] if b.number is not None), default=10**6)
        free = [
            m
            for m in markers
            if m.key is None and m.number is not None and before < m.number < after
        ]
        if body.asterisk and len(free) > 1:
            free = [m for m in free if m.asterisk]
        if len(free) == 1:
            free[0].key = str(free[0].number)
            body_key[bi] = free[0].key


def _pair_asterisks(
    markers: list[Marker], bodies: tuple[FootnoteBody, ...], body_key: dict[int, str]
) -> None:
    """Asterisk-only markers and asterisk bodies left over pair in order when their
    counts agree; their keys are "*", "**", ..."""
    free_stars = [m for m in markers if m.key is None and m.number is None and m.asterisk]
    star_bodies = [
        bi for bi, b in enumerate(bodies) if bi not in body_key and b.asterisk and b.number is None
    ]
    if free_stars and len(free_stars) == len(star_bodies):
        for n, (m, bi) in enumerate(zip(free_stars, star_bodies, strict=True), start=1):
            m.key = "*" * n
            body_key[bi] = m.key


def _footnotes(
    bodies: tuple[FootnoteBody, ...],
    body_key: dict[int, str],
    duplicates: set[int],
    reporter: Reporter,
) -> list[Footnote]:
    """The footnotes in body order; a body with no marker is reported (the sink makes it
    a note when the article accepts ``footnote-unplaced``) and kept as an unplaced
    editorial note."""
    footnotes: list[Footnote] = []
    for bi, body in enumerate(bodies):
        if bi in duplicates:
            continue  # reported already; a second note with the number would repeat its id
        if bi in body_key:
            footnotes.append(Footnote(body_key[bi], _superscript(body.text), body.span))
            continue
        label = str(body.number) if body.number is not None else "unnumbered"
        msg = f"footnote body {label} has no marker in the text"
        reporter.error(body.span, msg, "footnote-unplaced")  # accept: makes it a note
        footnotes.append(Footnote(label, _superscript(body.text), body.span, placed=False))
    return footnotes


def _report_missing_bodies(markers: list[Marker], reporter: Reporter) -> None:
    for m in markers:
        if m.key is None:
            label = str(m.number) if m.number is not None else "*"
            reporter.error(
                m.span, f"footnote marker {label} has no footnote body", "footnote-missing-body"
            )


def _resolver(markers: list[Marker]) -> Callable[[str], str]:
    """A function that turns the scanner's placeholders into footnote tokens (paired
    markers) or back into their original text (unpaired ones)."""

    def one(mm: re.Match[str]) -> str:
        marker = markers[int(mm.group(1))]
        return fn_token(marker.key) if marker.key else marker.original

    def resolve(text: str) -> str:
        return re.sub(rf"{_TMP}(\d+){_TMP}", one, text)

    return resolve


def _report_duplicates(
    bodies: tuple[FootnoteBody, ...], by_number: dict[int, list[int]], reporter: Reporter
) -> set[int]:
    """Each note body that repeats an earlier body's number is an error; returns their
    indexes (the first body with the number is the one kept)."""
    out: set[int] = set()
    for number, indexes in sorted(by_number.items()):
        first = bodies[indexes[0]].span.line
        for bi in indexes[1:]:
            reporter.error(
                bodies[bi].span,
                f"footnote body {number} repeats the number of the body on line {first}",
                "footnote-duplicate",
            )
            out.add(bi)
    return out


# The texts of a block (``model.texts_of``) scanned for markers: the prose (whose markers
# tell which encoding the article uses) and a table's note.
_SCANNED = PROSE_KINDS | {"table-note"}


def _scanned_texts(byline: tuple[str, ...], blocks: tuple[Block, ...]) -> list[str]:
    """Every text the scanner sees, in the order it sees them (the byline, then each
    block's texts as ``_map_block`` walks them)."""
    seen = list(byline)

    def keep(text: str, span: Span) -> str:
        seen.append(text)
        return text

    for b in blocks:
        _map_block(b, keep)
    return seen


def _texts(blocks: Iterable[Block]) -> list[str]:
    return [t.text for b in blocks for t in texts_of(b) if t.kind in PROSE_KINDS]


def _map_block(block: Block, fn: Callable[[str, Span], str]) -> Block:
    """``block`` with ``fn(text, span)`` applied to every text scanned for markers."""
    return map_texts(block, lambda t: fn(t.text, t.span) if t.kind in _SCANNED else t.text)


def split_tokens(text: str) -> list[tuple[str, str]]:
    """Split text into ("text", s), ("fn", key), ("sup", s) and ("cite", payload MID text)
    pieces for rendering."""
    parts: list[tuple[str, str]] = []
    pattern = re.compile(
        rf"{FN_OPEN}(.*?){FN_CLOSE}|{SUP_OPEN}(.*?){SUP_CLOSE}"
        rf"|{CITE_OPEN}(.*?){CITE_MID}(.*?){CITE_CLOSE}",
        re.S,
    )
    pos = 0
    for m in pattern.finditer(text):
        if m.start() > pos:
            parts.append(("text", text[pos : m.start()]))
        if m.group(1) is not None:
            parts.append(("fn", m.group(1)))
        elif m.group(2) is not None:
            parts.append(("sup", m.group(2)))
        else:
            parts.append(("cite", m.group(3) + CITE_MID + m.group(4)))
        pos = m.end()
    if pos < len(text):
        parts.append(("text", text[pos:]))
    return parts
