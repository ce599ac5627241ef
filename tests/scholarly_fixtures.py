"""Runners for the scholarly stage fixtures: tests/fixtures/stages/references/ and
tests/fixtures/stages/citations/ (format: tests/stage_fixtures.py).

* **references**: the input (an article text with its reference list) goes through
  clean and segment; the list's lines are shown with the line rules that open or join
  entries (``reference_lines.ENTRY_START_RULES``, ``WRAP_RULES``), then every entry
  with the entry rule that read it (``references.ENTRY_RULES``), its type, key and
  fields, then the diagnostics of the reference stage.
* **citations**: the input goes through the ingest stages and its reference list is
  parsed; every cited work is shown with where it stands, its text as written, its
  locator and the key it links to (or ``unresolved``), then the rules that read the
  citations (``citations.CITATION_RULES``, ``NOTE_RULES``; ``detected <style>`` when
  meta.yml names none), then the diagnostics of the citation stage.
"""

from __future__ import annotations

import re

from csto_reader.diagnostics import Reporter
from csto_reader.ingest.article import prepare_article
from csto_reader.ingest.clean import clean
from csto_reader.ingest.reference_lines import entry_start, join_entry_line
from csto_reader.ingest.segment import segment
from csto_reader.model import Reference
from csto_reader.scholarly.citations import STYLE_DETECTED, cite_article
from csto_reader.scholarly.references import (
    parse_reference,
    parse_reference_list,
    repeat_authors,
)

SHOWN_OUT = {"x-source", "x-source-text"}


def _join(items: list[str]) -> str:
    return "\n".join(items) if items else "(none)"


def _lines(first: int, last: int | None) -> str:
    return f"L{first}" if last is None or last == first else f"L{first}-{last}"


def _line_rules(source_lines: tuple[str, ...], spans: list[tuple[int, int]]) -> list[str]:
    """Each line of each entry: ``opens (rule)`` for an entry's first line that a start
    rule reads, ``joined (rule)`` for a continuation a wrap rule joined."""
    out = []
    for first, last in spans:
        start = entry_start(re.sub(r"^\s*\d{1,3}[.)]\s+", "", source_lines[first - 1]))
        out.append(f"L{first} opens" + (f" ({start})" if start else ""))
        text = source_lines[first - 1]
        for n in range(first + 1, last + 1):
            line = source_lines[n - 1]
            if not line.strip():
                continue
            text, wrap = join_entry_line(text, line)
            out.append(f"L{n} joined" + (f" ({wrap})" if wrap else ""))
    return out


def _show_entry(ref: Reference, rule: str) -> list[str]:
    number = f" [{ref.number}]" if ref.number is not None else ""
    out = [
        f"{ref.key} {_lines(ref.span.line, ref.span.end_line)}{number} {rule}: @{ref.entry_type}"
    ]
    out += [f"  {k}: {v}" for k, v in ref.fields.items() if k not in SHOWN_OUT]
    return out


def run_references(case) -> dict[str, str]:
    from stage_fixtures import SLUG, source_of

    source = source_of(case)
    seg = segment(clean(source), source.meta, Reporter())
    spans = [(r.span.line, r.span.end_line or r.span.line) for r in seg.references]
    reporter = Reporter()
    refs = parse_reference_list(seg.references, SLUG, reporter)
    rules = {}
    # the entry rule of each item (a silent second parse, of the item as the list
    # parser reads it: "---." given the names above)
    for item in repeat_authors(seg.references):
        trace: list[str] = []
        parse_reference(item, SLUG, Reporter(), trace)
        rules[item.span.line] = trace[0] if trace else "unparsed"
    entries = [ln for r in refs for ln in _show_entry(r, rules[r.span.line])]
    not_entries = [
        f"L{d.span.line} not-an-entry" for d in reporter.diagnostics if d.code == "ref-not-entry"
    ]
    return {
        "lines": _join(_line_rules(source.lines, spans) + not_entries),
        "entries": _join(entries),
        "diagnostics": _join([d.format() for d in reporter.diagnostics]),
    }


def run_citations(case) -> dict[str, str]:
    from stage_fixtures import SLUG, source_of

    source = source_of(case)
    article = prepare_article(source, Reporter()).article
    refs = parse_reference_list(article.references, SLUG, Reporter())
    reporter = Reporter()
    trace: list[str] = []
    cited = cite_article(article, refs, reporter, article.source_lines, trace)
    out = []
    for t in cited.texts:
        where = f"note {t.footnote}" if t.footnote else (t.anchor or t.where)
        for r in t.resolved:
            loc = f" loc={r.item.locator}" if r.item.locator else ""
            via = f" via={r.item.via}" if r.item.via else ""
            target = r.key or "unresolved"
            out.append(f"{where} L{r.span.line}: “{r.item.text}”{loc}{via} -> {target}")
    used = list(dict.fromkeys(trace))
    for d in reporter.diagnostics:
        if d.code == STYLE_DETECTED:
            used.append("detected " + d.message.split("read as ")[1].split(":")[0])
    return {
        "links": _join(out),
        "rules": _join(used),
        "diagnostics": _join([d.format() for d in reporter.diagnostics]),
    }
