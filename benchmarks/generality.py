"""Score the pipeline on the generality corpus and on the four real articles.

    .venv/bin/python benchmarks/generality.py [--record] [--slug SLUG ...] [--failures N]

The corpus is ``tests/fixtures/corpus/<slug>/``: made-up articles (test data), each in
another common format, with an ``expected.yml`` written by hand from the text.  Each
article goes through the pipeline's stages alone, beside the reader's four articles
(``check.run_stages``, what ``python -m csto_reader check`` runs), and is scored on:

* headings found (text and level);
* notes paired (a note body with the expected start, paired with its marker);
* reference FIELDS: every field of every expected entry (authors' family names, year,
  title, container, publisher, volume, issue, pages, DOI, URL, language) against the
  parsed entry that holds the expected title; precision counts every scored field the
  pipeline gave, on aligned entries and on entries that are no entry at all;
* citation LINKS: each (citation, work) pair, placed by the source line of the citation
  (one line either side allowed, for a citation wrapped across lines) and the entry it
  should reach;
* joins: the expected joined wording appears on the page;
* junk lines left: a line that should have been removed is neither removed nor absent
  from the page;
* sentences lost: every sentence of the body (between the expected first and last
  lines, junk lines left out) must reach the page (compared as letters only, so a join,
  a note marker or a link does not count as a loss).

The four real articles are scored on citation records against the counts made by hand
in ``tests/test_citations.py`` (``EXPECTED_COUNTS``): works cited, linked, unresolved.

``--record`` replaces the section "Generality corpus" of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import ast
import datetime
import html
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import results_file  # benchmarks/results_file.py (this script's folder is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
SECTION = "## Generality corpus (benchmarks/generality.py)"
sys.path.insert(0, str(ROOT / "scripts"))

import yaml  # noqa: E402

from csto_reader.check import run_stages  # noqa: E402
from csto_reader.diagnostics import Reporter  # noqa: E402
from csto_reader.ingest.sources import load_source  # noqa: E402
from csto_reader.model import Heading, Reference  # noqa: E402
from csto_reader.pipeline import render_one  # noqa: E402
from csto_reader.scholarly.references import split_names  # noqa: E402

FIELDS = (
    "authors",
    "year",
    "title",
    "container",
    "publisher",
    "volume",
    "issue",
    "pages",
    "doi",
    "url",
    "language",
)
TARGETS = {"citation F1": 0.97, "field F1": 0.95, "junk left": 0, "sentences lost": 0}


# ------------------------------------------------------------------ normalising


def fold(text: str) -> str:
    """Casefolded, NFKC, letters and digits separated by single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", text))


def letters(text: str) -> str:
    """Letters only (NFKC, casefolded): what a sentence is compared as."""
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalpha())


def spaced(text: str) -> str:
    """NFKC with straight quotes and dashes, whitespace collapsed (for joins)."""
    text = unicodedata.normalize("NFKC", text)
    for a, b in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("\u00a0", " ")):
        text = text.replace(a, b)
    return " ".join(text.split())


def pages_norm(value: str) -> str:
    """ "101–19" -> "101-119" (an abbreviated end page completed)."""
    parts = [p for p in re.split(r"\s*[-–—]+\s*", value.strip()) if p]
    if len(parts) == 2 and parts[0].isdigit() and parts[1].isdigit():
        start, end = parts
        if len(end) < len(start):
            end = start[: len(start) - len(end)] + end
        return f"{start}-{end}"
    return "-".join(parts)


def doi_norm(value: str) -> str:
    value = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", value.strip(), flags=re.I)
    return value.rstrip(".").casefold()


def url_norm(value: str) -> str:
    return re.sub(r"^https?://(www\.)?", "", value.strip().rstrip(".").rstrip("/"))


def family(name: str) -> str:
    name = name.strip().strip("{}")
    return fold(name.split(",")[0] if "," in name else name)


def field_value(name: str, value: Any) -> str:
    """An expected or predicted value as compared."""
    if name == "authors":
        return "; ".join(fold(str(v)) for v in value)
    if name == "pages":
        return pages_norm(str(value))
    if name == "doi":
        return doi_norm(str(value))
    if name == "url":
        return url_norm(str(value))
    return fold(str(value))


def predicted_fields(ref: Reference) -> dict[str, str]:
    """The scored fields of a parsed entry, under the corpus's names."""
    f = ref.fields
    out: dict[str, str] = {}
    names = f.get("author") or f.get("editor")
    if names:
        out["authors"] = "; ".join(family(n) for n in split_names(names))
    picks = {
        "year": ("year",),
        "title": ("title",),
        "container": ("journal", "booktitle", "organization", "howpublished"),
        "publisher": ("publisher", "institution"),
        "volume": ("volume",),
        "issue": ("number", "issue"),
        "pages": ("pages",),
        "doi": ("doi",),
        "url": ("url",),
        "language": ("langid",),
    }
    for name, keys in picks.items():
        value = next((f[k] for k in keys if f.get(k)), "")
        if value:
            out[name] = field_value(name, value)
    return out


def page_text(markdown: str) -> str:
    """A rendered page as a reader sees its words: front matter, tags, link targets,
    attribute lists and Markdown escapes taken out."""
    if markdown.startswith("---\n"):
        end = markdown.find("\n---\n", 4)
        markdown = markdown[end + 5 :] if end > 0 else markdown
    # the reader's own editorial notes inside a sentence are not the author's words
    text = re.sub(r'<span class="ednote".*?\]</span>', "", markdown, flags=re.S)
    # an inline tag shows no space ("\\[<a ...>8</a>\\]" reads "[8]"); a block tag does
    text = re.sub(r"</?(?:a|span|sup|sub|em|strong|i|b|abbr|cite|mark)\b[^>]*>", "", text)
    text = re.sub(r"<[^>]*>", " ", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)(\{[^}]*\})?", r"\1", text)
    # attribute lists: "{: #p1 .para }", a heading's "{ #method }"
    text = re.sub(r"\{:?\s+[#.][^}]*\}", " ", text)
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>~])", r"\1", text)
    return html.unescape(text)


# ------------------------------------------------------------------ results


@dataclass
class Score:
    """One article's counts; failures are readable lines for a developer."""

    slug: str
    error: str = ""
    builds: str = ""
    headings: list[int] = field(default_factory=lambda: [0, 0, 0])  # found, expected, got
    notes: list[int] = field(default_factory=lambda: [0, 0])  # paired, expected
    fields: list[int] = field(default_factory=lambda: [0, 0, 0])  # tp, predicted, expected
    links: list[int] = field(default_factory=lambda: [0, 0, 0])  # tp, predicted, expected
    joins: list[int] = field(default_factory=lambda: [0, 0])
    junk: list[int] = field(default_factory=lambda: [0, 0])  # left, expected
    sentences: list[int] = field(default_factory=lambda: [0, 0])  # lost, total
    failures: list[tuple[str, str]] = field(default_factory=list)  # (kind, detail)

    def fail(self, kind: str, detail: str) -> None:
        self.failures.append((kind, detail))


def prf(tp: int, predicted: int, expected: int) -> tuple[float, float, float]:
    p = tp / predicted if predicted else (1.0 if not expected else 0.0)
    r = tp / expected if expected else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


# ------------------------------------------------------------------ scoring


@dataclass
class Run:
    """What the stages gave for one corpus article."""

    source_lines: tuple[str, ...]
    article: Any
    references: tuple[Reference, ...]
    resolved: tuple[Any, ...]
    page: str
    diagnostics: tuple[Any, ...]


def run_article(folder: Path) -> Run:
    reporter = Reporter()
    source = load_source(folder, ROOT, reporter)
    if source is None:
        raise RuntimeError("; ".join(d.format() for d in reporter.diagnostics))
    stages = run_stages(ROOT, source, reporter)
    slug = source.slug
    refs = stages.after.per_article.get(slug, ()) if stages.after else ()
    cites = stages.cites.citations.get(slug)
    page = render_one(stages.build, stages.after, stages.cites, None, None, Reporter())
    return Run(
        source.lines,
        stages.build.article,  # before citation linking: its text holds no link tokens
        tuple(refs),
        tuple(cites.resolved) if cites else (),
        page,
        stages.diagnostics,  # those of the files of the article's own folder
    )


def heading_key(text: str) -> str:
    return fold(re.sub(r"^\s*(\d+(\.\d+)*\.?|[IVX]+\.|[A-H]\.)\s+", "", text))


def score_headings(score: Score, expected: Sequence[Mapping[str, Any]], run: Run) -> None:
    got = [
        (b.level, heading_key(b.text), b.text) for b in run.article.blocks if isinstance(b, Heading)
    ]
    # a level may be a list: either is right (APA levels 1 and 2 look alike in plain text)
    want = [(_levels(h["level"]), heading_key(h["text"]), h["text"]) for h in expected]
    score.headings = [0, len(want), len(got)]
    for level, key, text in want:
        hit = [g for g in got if g[1] == key]
        if hit and hit[0][0] in level:
            score.headings[0] += 1
        elif hit:
            score.fail("heading level", f"{text!r}: h{hit[0][0]}, expected h{level[0]}")
        else:
            score.fail("heading missed", f"{text!r} (h{level[0]}) is not a heading")
    for _, key, text in got:
        if key not in {w[1] for w in want}:
            score.fail("heading spurious", f"{text!r} made a heading")


def _levels(level: int | list[int]) -> tuple[int, ...]:
    return tuple(level) if isinstance(level, list) else (int(level),)


def score_notes(score: Score, expected: Sequence[Mapping[str, Any]], run: Run) -> None:
    notes = run.article.footnotes
    score.notes = [0, len(expected)]
    for note in expected:
        start = fold(note["starts"])
        hit = [n for n in notes if fold(n.text).startswith(start)]
        if hit and hit[0].placed:
            score.notes[0] += 1
        elif hit:
            score.fail("note unpaired", f"note {note['marker']}: body found, marker not paired")
        else:
            score.fail("note missed", f"note {note['marker']} ({note['starts'][:40]}…) not a note")
    extra = [
        n for n in notes if not any(fold(n.text).startswith(fold(e["starts"])) for e in expected)
    ]
    for n in extra:
        score.fail("note spurious", f"a note {n.key!r} from line {n.span.line}: {n.text[:50]!r}")


def align(expected: Sequence[Mapping[str, Any]], refs: Sequence[Reference]) -> dict[int, int]:
    """Expected entry index -> predicted entry index, by the title within the entry."""
    out: dict[int, int] = {}
    used: set[int] = set()
    for i, entry in enumerate(expected):
        title = fold(str(entry.get("title", "")))
        best, ratio = None, 0.0
        for j, ref in enumerate(refs):
            if j in used:
                continue
            text = fold(ref.get("x-source-text") or ref.text)
            r = (
                1.0
                if title and title in text
                else SequenceMatcher(None, title, fold(ref.get("title"))).ratio()
            )
            if r > ratio:
                best, ratio = j, r
        if best is not None and ratio >= 0.6:
            out[i] = best
            used.add(best)
    return out


def score_references(
    score: Score, expected: Sequence[Mapping[str, Any]], run: Run
) -> dict[int, int]:
    pairs = align(expected, run.references)
    tp = predicted = wanted = 0
    for i, entry in enumerate(expected):
        want = {k: field_value(k, v) for k, v in entry.items() if k in FIELDS}
        wanted += len(want)
        if i not in pairs:
            score.fail(
                "reference missed", f"entry {i + 1} ({entry.get('title', '')[:50]}…) not found"
            )
            continue
        got = predicted_fields(run.references[pairs[i]])
        predicted += len(got)
        for name, value in want.items():
            if got.get(name) == value:
                tp += 1
            else:
                shown = got.get(name, "(none)")
                score.fail(f"field {name}", f"entry {i + 1}: {shown!r}, expected {value!r}")
        for name in sorted(set(got) - set(want)):
            score.fail(f"field {name} extra", f"entry {i + 1}: {got[name]!r} not in the entry")
    for j, ref in enumerate(run.references):
        if j not in pairs.values():
            predicted += len(predicted_fields(ref))
            score.fail(
                "reference spurious", f"line {ref.span.line}: {ref.text[:60]!r} read as an entry"
            )
    score.fields = [tp, predicted, wanted]
    return pairs


def line_of(lines: Sequence[str], snippet: str) -> int:
    hits = [n for n, text in enumerate(lines, 1) if snippet in text]
    if len(hits) != 1:
        raise ValueError(f"expected.yml: {snippet!r} is on {len(hits)} lines of article.txt")
    return hits[0]


def score_citations(
    score: Score, expected: Sequence[Mapping[str, Any]], pairs: Mapping[int, int], run: Run
) -> None:
    entry_of = {run.references[j].key: i + 1 for i, j in pairs.items()}
    got = [(r.span.line, entry_of.get(r.key, 0), r) for r in run.resolved if r.key is not None]
    unresolved = [r for r in run.resolved if r.key is None]
    want = [
        (line_of(run.source_lines, c["at"]), t, c["text"]) for c in expected for t in c["targets"]
    ]
    used: set[int] = set()
    tp = 0
    for line, target, text in want:
        hit = next(
            (
                k
                for k, g in enumerate(got)
                if k not in used and g[1] == target and abs(g[0] - line) <= 1
            ),
            None,
        )
        if hit is None:
            score.fail("citation not linked", f"line {line}: {text} -> entry {target}")
        else:
            used.add(hit)
            tp += 1
    for k, (line, target, r) in enumerate(got):
        if k not in used:
            where = f"entry {target}" if target else f"{r.key} (no expected entry)"
            score.fail("citation wrong link", f"line {line}: {r.item.text!r} -> {where}")
    for r in unresolved:
        score.fail("citation unresolved", f"line {r.span.line}: {r.item.text!r}")
    score.links = [tp, len(got), len(want)]


def score_joins(score: Score, expected: Sequence[str], page: str) -> None:
    shown = spaced(page)
    score.joins = [0, len(expected)]
    for phrase in expected:
        if spaced(phrase) in shown:
            score.joins[0] += 1
        else:
            score.fail("join", f"{phrase!r} not on the page as one run of text")


def removed_lines(run: Run) -> set[int]:
    out: set[int] = set()
    for r in run.article.removals:
        out.update(range(r.span.line, (r.span.end_line or r.span.line) + 1))
    return out


def score_junk(score: Score, expected: Sequence[str], run: Run, shown: str) -> None:
    gone = removed_lines(run)
    score.junk = [0, 0]
    for junk in expected:
        lines = [n for n, t in enumerate(run.source_lines, 1) if t.strip() == junk.strip()]
        if not lines:
            raise ValueError(f"expected.yml: removal {junk!r} is no line of article.txt")
        for n in lines:
            score.junk[1] += 1
            text = spaced(junk)
            pattern = rf"(?<!\w){re.escape(text)}(?!\w)"
            if n not in gone and re.search(pattern, shown):
                score.junk[0] += 1
                score.fail("junk left", f"line {n}: {text[:70]!r}")


# A word processor's list mark before a tab ("\t\to\tstate television"): the page
# shows it as the list's bullet, not as a word of the item.
TAB_MARK = re.compile(r"^[ \t]*(?:[•◦▪o*\-–]|[a-z][.)])\t+")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z“\"(‘'])")


def body_sentences(expected: Mapping[str, Any], lines: Sequence[str]) -> list[tuple[int, str]]:
    body = expected["body"]
    first, last = line_of(lines, body["first"]), line_of(lines, body["last"])
    junk = {j.strip() for j in expected.get("removals") or ()}
    kept = [
        (n, TAB_MARK.sub("", lines[n - 1]))
        for n in range(first, last + 1)
        if lines[n - 1].strip() not in junk
    ]
    out: list[tuple[int, str]] = []
    for para in _paragraphs(kept):
        n, text = para
        for sentence in SENTENCE_END.split(text):
            if len(letters(sentence)) >= 12:
                out.append((n, sentence))
    return out


def _paragraphs(kept: Iterable[tuple[int, str]]) -> list[tuple[int, str]]:
    paras: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for n, text in kept:
        if not text.strip():
            if current:
                paras.append((start, " ".join(current)))
            current = []
            continue
        if not current:
            start = n
        current.append(text.strip())
    if current:
        paras.append((start, " ".join(current)))
    return paras


def score_sentences(score: Score, expected: Mapping[str, Any], run: Run, shown: str) -> None:
    page = letters(shown)
    sentences = body_sentences(expected, run.source_lines)
    lost = [(n, s) for n, s in sentences if letters(s) not in page]
    score.sentences = [len(lost), len(sentences)]
    for n, s in lost:
        score.fail("sentence lost", f"paragraph at line {n}: {s[:70]!r}")


def score_article(folder: Path) -> Score:
    score = Score(folder.name)
    expected = yaml.safe_load((folder / "expected.yml").read_text(encoding="utf-8"))
    try:
        run = run_article(folder)
    except Exception as exc:  # a traceback is itself a failure to report
        score.error = f"{type(exc).__name__}: {exc}"
        score.fail("crash", score.error)
        return score
    errors = [d for d in run.diagnostics if d.severity == "error"]
    warnings = [d for d in run.diagnostics if d.severity == "warning"]
    score.builds = "errors" if errors else ("warnings" if warnings else "clean")
    for d in errors + warnings:
        score.fail(f"diagnostic {d.severity}", d.format())
    shown = page_text(run.page)
    score_headings(score, expected.get("headings") or (), run)
    score_notes(score, expected.get("notes") or (), run)
    pairs = score_references(score, expected.get("references") or (), run)
    score_citations(score, expected.get("citations") or (), pairs, run)
    score_joins(score, expected.get("joins") or (), shown)
    score_junk(score, expected.get("removals") or (), run, shown)
    score_sentences(score, expected, run, shown)
    return score


# ------------------------------------------------------------------ the real four


def hand_counts() -> dict[str, dict[str, int]]:
    """``EXPECTED_COUNTS`` of tests/test_citations.py (counted by hand), read as data."""
    tree = ast.parse((ROOT / "tests" / "test_citations.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "EXPECTED_COUNTS":
            value = node.value
            assert isinstance(value, ast.Dict)
            return {
                ast.literal_eval(k): {kw.arg: ast.literal_eval(kw.value) for kw in v.keywords}  # type: ignore[misc]
                for k, v in zip(value.keys, value.values, strict=True)
                if k is not None and isinstance(v, ast.Call)
            }
    raise LookupError("EXPECTED_COUNTS not found in tests/test_citations.py")


def score_real() -> list[dict[str, Any]]:
    from csto_reader.diagnostics import BuildError
    from csto_reader.pipeline import build

    try:
        out = build(ROOT)
    except BuildError as exc:
        out = exc.args[1] if len(exc.args) > 1 else None
        if out is None:
            raise
    rows = []
    for slug, want in sorted(hand_counts().items()):
        b = next(x for x in out.articles if x.article.meta.slug == slug)
        got = b.citations.counts() if b.citations else {}
        rows.append({"slug": slug, "hand": want, "got": got})
    return rows


# ------------------------------------------------------------------ report


def _pct(x: float) -> str:
    return f"{x:.3f}"


def table(scores: Sequence[Score]) -> list[str]:
    rows = [
        "| article | build | headings | notes paired | field P / R / F1 | citation P / R / F1 "
        "| joins | junk left | sentences lost |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    total = Score("**total**")
    for s in scores:
        rows.append(_row(s))
        for name in ("headings", "notes", "fields", "links", "joins", "junk", "sentences"):
            a, b = getattr(total, name), getattr(s, name)
            setattr(total, name, [x + y for x, y in zip(a, b, strict=True)])
    total.builds = f"{sum(s.builds == 'clean' for s in scores)} clean"
    rows.append(_row(total))
    return rows


def _row(s: Score) -> str:
    fp, fr, ff = prf(*s.fields)
    cp, cr, cf = prf(*s.links)
    return (
        f"| {s.slug} | {s.error and 'crash' or s.builds} | {s.headings[0]}/{s.headings[1]} "
        f"(+{max(s.headings[2] - s.headings[0], 0)}) | {s.notes[0]}/{s.notes[1]} "
        f"| {_pct(fp)} / {_pct(fr)} / {_pct(ff)} ({s.fields[0]}/{s.fields[2]}) "
        f"| {_pct(cp)} / {_pct(cr)} / {_pct(cf)} ({s.links[0]}/{s.links[2]}) "
        f"| {s.joins[0]}/{s.joins[1]} | {s.junk[0]}/{s.junk[1]} "
        f"| {s.sentences[0]}/{s.sentences[1]} |"
    )


def failure_kinds(scores: Sequence[Score]) -> list[str]:
    counts: dict[str, dict[str, int]] = {}
    for s in scores:
        for kind, _ in s.failures:
            counts.setdefault(kind, {}).setdefault(s.slug, 0)
            counts[kind][s.slug] += 1
    out = []
    for kind, per in sorted(counts.items(), key=lambda kv: -sum(kv[1].values())):
        where = ", ".join(f"{slug} {n}" for slug, n in sorted(per.items()))
        out.append(f"- {kind}: {sum(per.values())} ({where})")
    return out


def real_table(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    out = [
        "| article | works cited (by hand) | found | linked | linked with note | unresolved |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    sums = [0, 0, 0, 0, 0]
    for r in rows:
        h, g = r["hand"], r["got"]
        vals = [h["cited_works"], g.get("cited_works", 0), g.get("linked", 0)]
        vals += [g.get("linked_with_note", 0), g.get("unresolved", 0)]
        sums = [a + b for a, b in zip(sums, vals, strict=True)]
        out.append(f"| {r['slug']} | " + " | ".join(map(str, vals)) + " |")
    out.append("| **total** | " + " | ".join(map(str, sums)) + " |")
    out.append("")
    out.append(f"Real articles: {sums[2] + sums[3]} of {sums[0]} citation records linked.")
    return out


def report(scores: Sequence[Score], real: Sequence[Mapping[str, Any]], limit: int) -> str:
    tp = [sum(getattr(s, n)[0] for s in scores) for n in ("fields", "links")]
    pred = [sum(getattr(s, n)[1] for s in scores) for n in ("fields", "links")]
    exp = [sum(getattr(s, n)[2] for s in scores) for n in ("fields", "links")]
    ff, cf = prf(tp[0], pred[0], exp[0])[2], prf(tp[1], pred[1], exp[1])[2]
    junk = sum(s.junk[0] for s in scores)
    lost = sum(s.sentences[0] for s in scores)
    lines = [
        SECTION,
        "",
        f"Run {datetime.date.today().isoformat()}, {len(scores)} corpus articles.",
        "",
    ]
    lines += table(scores)
    lines += ["", "Targets (issue 10): citation-link F1 >= 0.97, reference-field F1 >= 0.95, "
              "0 junk lines, 0 sentences lost.", ""]  # fmt: skip
    lines.append(
        f"- citation-link F1 {cf:.3f} ({'met' if cf >= 0.97 else 'missed'}); reference-field "
        f"F1 {ff:.3f} ({'met' if ff >= 0.95 else 'missed'}); junk lines left {junk}; "
        f"sentences lost {lost}."
    )
    lines += ["", "The four real articles (hand counts of tests/test_citations.py):", ""]
    lines += real_table(real)
    lines += ["", "Failure kinds (count, per article):", ""]
    lines += failure_kinds(scores)
    if limit:
        lines += ["", "Failures (first of each article):", ""]
        for s in scores:
            for kind, detail in s.failures[:limit]:
                lines.append(f"- {s.slug}: {kind}: {detail}")
    return "\n".join(lines) + "\n"


def record(text: str) -> None:
    """Replace (or add) this script's section of RESULTS.md."""
    results_file.record(SECTION.removeprefix("## "), text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--record", action="store_true", help="write the section of RESULTS.md")
    parser.add_argument("--slug", action="append", help="score only this corpus article")
    parser.add_argument("--failures", type=int, default=0, help="list N failures per article")
    parser.add_argument("--no-real", action="store_true", help="skip the four real articles")
    args = parser.parse_args(argv)
    folders = sorted(p for p in CORPUS.iterdir() if (p / "expected.yml").is_file())
    if args.slug:
        folders = [f for f in folders if f.name in args.slug]
    scores = [score_article(f) for f in folders]
    real = [] if args.no_real else score_real()
    text = report(scores, real, args.failures)
    print(text)
    if args.record:
        record(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
