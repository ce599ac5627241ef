"""Fixture files for the stage tests (tests/fixtures/stages/<stage>/<case>.txt).

One case per file, in the manner of MyST-Parser's fixture files: a short description,
the rules it shows, the input text, optional metadata, then what the stage gives,
written readably (kind, source lines, text) and the diagnostics it reports::

    Case: a numbered heading and a paragraph under it
    Rules: heading, paragraph
    === input
    1. Introduction

    The Organization was founded in 2002.
    === meta
    title: A Test Article
    === blocks
    heading h2 L1: 1. Introduction
    paragraph L3: The Organization was founded in 2002.
    === diagnostics
    (none)

``Case:``, ``Rules:``, ``input`` and ``meta`` are written by hand; every other section
is the stage's output.  The tests only compare; ``python tests/regenerate_fixtures.py``
(``make fixtures``) rewrites the output sections from the current code, for review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from csto_reader.diagnostics import Reporter
from csto_reader.ingest.anchors import anchor_index, number_blocks
from csto_reader.ingest.clean import clean
from csto_reader.ingest.footnotes import SUP_CLOSE, SUP_OPEN, pair_footnotes
from csto_reader.ingest.segment import segment
from csto_reader.ingest.sources import split_lines
from csto_reader.model import (
    CITE_CLOSE,
    CITE_MID,
    CITE_OPEN,
    CITE_SEP,
    FN_CLOSE,
    FN_OPEN,
    ArticleMeta,
    Author,
    Heading,
    ListBlock,
    Paragraph,
    Quote,
    SourceText,
    Span,
    Table,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "stages"
STAGES = ("clean", "segment", "footnotes", "anchors", "render", "references", "citations")
HAND_SECTIONS = ("input", "meta")
SLUG = "case"
PATH = f"sources/{SLUG}/article.txt"
DEFAULT_META = {"title": "A Test Article", "authors": [{"name": "Anna Ivanova"}]}


@dataclass
class Case:
    path: Path
    description: str
    rules: tuple[str, ...]
    sections: dict[str, str] = field(default_factory=dict)  # name -> text, in file order

    @property
    def stage(self) -> str:
        return self.path.parent.name

    @property
    def expected(self) -> dict[str, str]:
        return {k: v for k, v in self.sections.items() if k not in HAND_SECTIONS}


def read_case(path: Path) -> Case:
    """Parse one fixture file."""
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition("=== ")
    description = re.search(r"^Case:\s*(.*)$", head, re.M)
    rules = re.search(r"^Rules:\s*(.*)$", head, re.M)
    case = Case(
        path,
        description.group(1).strip() if description else "",
        tuple(r.strip() for r in rules.group(1).split(",") if r.strip()) if rules else (),
    )
    for block in re.split(r"^=== ", "=== " + rest, flags=re.M)[1:]:
        name, _, body = block.partition("\n")
        case.sections[name.strip()] = body.removesuffix("\n")
    return case


def write_case(case: Case, outputs: dict[str, str]) -> str:
    """The file text of ``case`` with ``outputs`` as its output sections."""
    out = [f"Case: {case.description}"]
    if case.rules:
        out.append(f"Rules: {', '.join(case.rules)}")
    for name in HAND_SECTIONS:
        if name in case.sections:
            out += [f"=== {name}", case.sections[name]]
    for name, body in outputs.items():
        out += [f"=== {name}", body]
    return "\n".join(out) + "\n"


def cases(stage: str) -> list[Path]:
    return sorted((FIXTURES / stage).glob("*.txt"))


# ---------------------------------------------------------------- inputs


def source_of(case: Case) -> SourceText:
    """The case's input as the sources stage would hand it on."""
    data = dict(DEFAULT_META)
    if case.sections.get("meta", "").strip():
        data.update(yaml.safe_load(case.sections["meta"]))
    authors = tuple(Author(**a) for a in data.pop("authors"))
    for key in ("keywords", "accept"):
        if key in data:
            data[key] = tuple(data[key])
    meta = ArticleMeta(slug=SLUG, authors=authors, span=Span(f"sources/{SLUG}/meta.yml", 1), **data)
    return SourceText(SLUG, PATH, split_lines(case.sections["input"]), meta)


# ---------------------------------------------------------------- readable output


def readable(text: str | None) -> str:
    """Block text with the pipeline's delimiters shown: ``[^3]`` for a footnote marker,
    ``^(th)`` for other superscript, ``[[cite key|text]]`` for a linked citation."""
    if text is None:
        return ""
    text = re.sub(rf"{FN_OPEN}(.*?){FN_CLOSE}", r"[^\1]", text)
    text = re.sub(rf"{SUP_OPEN}(.*?){SUP_CLOSE}", r"^(\1)", text)
    text = re.sub(
        rf"{CITE_OPEN}(.*?){CITE_MID}(.*?){CITE_CLOSE}",
        lambda m: f"[[cite {m.group(1).split(CITE_SEP)[0]}|{m.group(2)}]]",
        text,
    )
    return text.replace("\n", "\\n")


def lines(span: Span) -> str:
    if span.end_line is None or span.end_line == span.line:
        return f"L{span.line}"
    return f"L{span.line}-{span.end_line}"


def _anchor(obj) -> str:
    return f" #{obj.anchor}" if getattr(obj, "anchor", None) else ""


def show_block(b) -> list[str]:
    """One block as readable lines: kind, source lines, text (items and rows indented)."""
    if isinstance(b, Heading):
        return [f"heading h{b.level} {lines(b.span)}: {readable(b.text)}"]
    if isinstance(b, (Paragraph, Quote)):
        kind = "paragraph" if isinstance(b, Paragraph) else "quote"
        return [f"{kind} {lines(b.span)}{_anchor(b)}: {readable(b.text)}"]
    if isinstance(b, ListBlock):
        kind = f"ordered start={b.start}" if b.ordered else "bullet"
        out = [f"list {kind} {lines(b.span)}"]
        for it in b.items:
            number = f" [{it.number}]" if it.number is not None else ""
            indent = "  " * getattr(it, "depth", 0)  # a sub-item one step further in
            out.append(f"  {indent}item {lines(it.span)}{number}{_anchor(it)}: {readable(it.text)}")
            if it.quote is not None:
                qa = f" #{it.quote_anchor}" if it.quote_anchor else ""
                out.append(f"    quote{qa}: {readable(it.quote)}")
        return out
    if isinstance(b, Table):
        out = [f"table {lines(b.span)}{_anchor(b)} caption={b.caption!r}"]
        out.append("  header: " + " | ".join(readable(c) for c in b.header))
        out += ["  row: " + " | ".join(readable(c) for c in row) for row in b.rows]
        if b.note:
            out.append(f"  note: {readable(b.note)}")
        return out
    return [f"other {b!r}"]


def _join(items: list[str]) -> str:
    return "\n".join(items) if items else "(none)"


def _diagnostics(reporter: Reporter) -> str:
    return _join([d.format() for d in reporter.diagnostics])


# ---------------------------------------------------------------- stages


def run_clean(case: Case) -> dict[str, str]:
    cleaned = clean(source_of(case))
    kept = [f"L{ln.number}: {ln.text}" for ln in cleaned.lines if ln.text]
    removals = [f"{lines(r.span)} {r.rule}: {r.text}" for r in cleaned.removals]
    normalised = [
        f"{lines(n.span)} {n.rule}: {spaces_shown(n.before)} -> {spaces_shown(n.after)}"
        for n in cleaned.normalisations
    ]
    return {
        "lines": _join([spaces_shown(k) for k in kept]),
        "removals": _join(removals),
        "normalisations": _join(normalised),
        "page breaks": _join([f"L{n}" for n in cleaned.rules]),
    }


def spaces_shown(text: str) -> str:
    """Text with its no-break spaces written ``<nbsp>`` and other odd spaces ``<U+2009>``,
    so that a fixture shows what a normalisation did (a regular space stays a space)."""
    return re.sub(
        "[\u00a0\u2000-\u200a\u202f\u205f\u3000\ufeff]",
        lambda m: "<nbsp>" if m.group() == "\u00a0" else f"<U+{ord(m.group()):04X}>",
        text,
    )


def run_segment(case: Case) -> dict[str, str]:
    reporter = Reporter()
    seg = segment(clean(source_of(case)), source_of(case).meta, reporter)
    header = [f"title lines: {', '.join(map(str, seg.title_lines)) or '-'}"]
    header += [f"byline: {readable(b)}" for b in seg.byline]
    header += [f"affiliation: {name}: {text}" for name, text in seg.affiliations]
    header += [f"abstract: {seg.abstract}"] if seg.abstract is not None else []
    header += [f"keywords: {seg.keywords}"] if seg.keywords is not None else []
    if seg.references_title is not None:
        header.append(f"references title: {seg.references_title}")
    notes = []
    for n in seg.bodies:
        flags = "".join(f" {f}" for f in ("asterisk", "bracket") if getattr(n, f))
        number = n.number if n.number is not None else "?"
        notes.append(f"note {number} {lines(n.span)}{flags}: {readable(n.text)}")
    refs = [
        f"ref {lines(r.span)}{f' [{r.number}]' if r.number is not None else ''}: {r.text}"
        for r in seg.references
    ]
    back = []
    for bm in seg.back_matter:
        back.append(f"{bm.title} {lines(bm.span)}")
        back += ["  " + readable(p) for p in bm.paragraphs]
    return {
        "header": _join(header),
        "blocks": _join([ln for b in seg.blocks for ln in show_block(b)]),
        "notes": _join(notes),
        "references": _join(refs),
        "back matter": _join(back),
        "removals": _join([f"{lines(r.span)} {r.rule}: {r.text}" for r in seg.removals]),
        "rules": _join([f"L{line} {rule}" for line, rule in seg.rules]),
        "diagnostics": _diagnostics(reporter),
    }


def _paired(case: Case, reporter: Reporter):
    source = source_of(case)
    seg = segment(clean(source), source.meta, Reporter())
    reporter.accept(PATH, source.meta.accept)  # meta.yml's accept:, as the pipeline does
    return pair_footnotes(seg.blocks, seg.byline, seg.bodies, PATH, reporter)


def run_footnotes(case: Case) -> dict[str, str]:
    reporter = Reporter()
    paired = _paired(case, reporter)
    notes = [
        f"[^{f.key}] {lines(f.span)}{'' if f.placed else ' unplaced'}: {readable(f.text)}"
        for f in paired.footnotes
    ]
    return {
        "byline": _join([readable(b) for b in paired.byline]),
        "blocks": _join([ln for b in paired.blocks for ln in show_block(b)]),
        "footnotes": _join(notes),
        "diagnostics": _diagnostics(reporter),
    }


def run_anchors(case: Case) -> dict[str, str]:
    blocks, heading_ids = number_blocks(_paired(case, Reporter()).blocks)
    index = [f"#{a} L{line}: {words}" for a, words, line in anchor_index(blocks, heading_ids)]
    return {
        "blocks": _join([ln for b in blocks for ln in show_block(b)]),
        "anchors": _join(index),
    }


def run_render(case: Case) -> dict[str, str]:
    from csto_reader.pipeline import build_article

    reporter = Reporter()
    build = build_article(source_of(case), reporter)
    return {"markdown": build.markdown.rstrip("\n"), "diagnostics": _diagnostics(reporter)}


def run_references(case: Case) -> dict[str, str]:
    from scholarly_fixtures import run_references as run

    return run(case)


def run_citations(case: Case) -> dict[str, str]:
    from scholarly_fixtures import run_citations as run

    return run(case)


RUNNERS = {
    "references": run_references,
    "citations": run_citations,
    "clean": run_clean,
    "segment": run_segment,
    "footnotes": run_footnotes,
    "anchors": run_anchors,
    "render": run_render,
}


def run(case: Case) -> dict[str, str]:
    return RUNNERS[case.stage](case)


# ---------------------------------------------------------------- for the tests


def check(path: Path) -> Case:
    """Assert that the stage gives what the fixture file says, section by section."""
    case = read_case(path)
    assert case.description, f"{path.name}: no 'Case:' line"
    assert "input" in case.sections, f"{path.name}: no input section"
    got = run(case)
    assert list(got) == list(case.expected), (
        f"{path.name}: sections {list(case.expected)}, expected {list(got)}"
        " (python tests/regenerate_fixtures.py rewrites them)"
    )
    for name, text in got.items():
        assert text == case.expected[name], (
            f"{path.name}, section '{name}' differs:\n--- expected\n{case.expected[name]}"
            f"\n--- got\n{text}"
        )
    return case


def ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]
