"""``check`` and ``init``: an instructor's two commands for a new article.

``check_article(root, folder)`` builds one article through the pipeline's own stages
(sources -> ``prepare_article`` -> bibliography -> citations -> ``render_one``), with the
reader's other articles ingested beside it so that the bibliography stage shows what the
new listings would merge into, and returns a readable report and its exit status.

What needs a decision (exit status 1; the ``--help`` of ``check`` and the README's
"Adding an article" give the same list, ``DECISIONS``):

* an error (a strict build would stop on it);
* a note body with no marker, or a marker with no body, not accepted in ``accept:``;
* an in-text citation that matches no entry of the article's reference list;
* a reference entry no rule understands (kept as @misc), not accepted in ``accept:``.

``init_meta(root, folder)`` writes the text of a starting ``meta.yml`` from what the text
states, each field under a comment naming its source line (``init`` in cli.py).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .diagnostics import Diagnostic, Reporter
from .ingest.anchors import anchor_index
from .ingest.article import prepare_article
from .ingest.clean import clean
from .ingest.segment import LABEL, chunks_of, segment
from .ingest.sources import discover, load_source, read_text_lines
from .model import (
    ArticleBuild,
    ArticleMeta,
    Author,
    BibliographyBuild,
    Block,
    CitationsBuild,
    Heading,
    Line,
    ListBlock,
    Paragraph,
    Quote,
    Reference,
    SourceText,
    Table,
)
from .pipeline import render_one
from .scholarly.bibliography import build_bibliography
from .scholarly.citations import detect_style, link_citations

DECISIONS = (
    "an error (a strict build would stop on it)",
    "a note body with no marker, or a marker with no body (unless meta.yml accepts it)",
    "an in-text citation that matches no reference entry",
    "a reference entry no rule understands (unless meta.yml accepts ref-unparsed)",
)
NOTE_CODES = ("footnote-unplaced", "footnote-missing-body")
UNPARSED = "ref-unparsed"
UNRESOLVED = "citation-unresolved"


@dataclass
class Report:
    """The report's text, section by section, and what needs a decision."""

    lines: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)

    def section(self, title: str) -> None:
        self.lines.extend(["", title, "-" * len(title)])

    def add(self, text: str) -> None:
        self.lines.append(f"  {text}")

    @property
    def text(self) -> str:
        return "\n".join(self.lines).lstrip("\n") + "\n"

    @property
    def status(self) -> int:
        return 1 if self.decisions else 0


@dataclass(frozen=True)
class Stages:
    """What the stages returned for the checked article."""

    build: ArticleBuild
    before: BibliographyBuild | None  # the reader's bibliography without the article
    after: BibliographyBuild | None  # with it
    cites: CitationsBuild
    diagnostics: tuple[Diagnostic, ...]  # the article's own, in the order reported


def run_stages(root: Path, source: SourceText, reporter: Reporter) -> Stages:
    """The article through the pipeline's stages, beside the reader's other articles
    (ingested with a reporter of their own: their doubts are not this article's)."""
    quiet = Reporter()
    others = [prepare_article(s, quiet).article for s in discover(root, quiet)]
    others = [a for a in others if a.meta.slug != source.slug]
    b = prepare_article(source, reporter)
    refs = {a.meta.slug: a.references for a in others}
    before = build_bibliography(root, refs, Reporter())
    after = build_bibliography(root, {**refs, source.slug: b.article.references}, reporter)
    cites = link_citations([b.article], after, reporter) if after else CitationsBuild({}, {}, {})
    render_one(b, after, cites, None, None, reporter)
    # the article's own: those of the files in its folder, wherever the folder is
    # (sources/<slug>/, or a folder elsewhere that the instructor checks first)
    own = posixpath.dirname(source.path) + "/"
    diags = tuple(d for d in reporter.diagnostics if d.span.file.startswith(own))
    return Stages(b, before, after, cites, diags)


def check_article(root: Path, folder: Path) -> Report:
    """The readable report of one article folder (``sources/<slug>``)."""
    report = Report()
    reporter = Reporter()
    source = load_source(_folder(root, folder), root, reporter)
    if source is None:
        report.section("The article cannot be read")
        for d in reporter.diagnostics:
            report.add(d.format())
        report.decisions.extend(d.format() for d in reporter.errors)
        return report
    stages = run_stages(root, source, reporter)
    article = stages.build.article
    report.lines.append(f"check {source.path}: {article.meta.title}")
    _header(report, stages)
    _style(report, stages)
    _structure(report, stages)
    _notes(report, stages)
    _references(report, stages)
    _citations(report, stages)
    _removals(report, stages)
    _merges(report, stages)
    _doubts(report, stages)
    return report


def _folder(root: Path, folder: Path) -> Path:
    return folder if folder.is_absolute() else root / folder


def _line(span_line: int, end: int | None = None) -> str:
    return f"{span_line}" if not end or end == span_line else f"{span_line}-{end}"


def _short(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _header(report: Report, stages: Stages) -> None:
    article = stages.build.article
    meta = article.meta
    report.section("Header (meta.yml, and where the text states it)")
    for name, value in _meta_fields(meta):
        report.add(f"{name:<15} {_short(value)}")
    header = [r for r in article.removals if r.rule in ("header", "front-matter")]
    for r in header:
        what = r.reason.split(";")[0].split(",")[0]
        where = f"{r.span.file}:{_line(r.span.line, r.span.end_line)}"
        report.add(f"{where:<40} {what}: {_short(r.text, 50)}")
    if not header:
        report.add("the text states none of its header in a form the segmenter knows")


def _meta_fields(meta: ArticleMeta) -> list[tuple[str, str]]:
    out = [("title", meta.title)]
    out += [("author", ", ".join(x for x in (a.name, a.affiliation) if x)) for a in meta.authors]
    for name in ("year", "venue", "volume", "issue", "pages", "doi", "url", "kind"):
        value = getattr(meta, name)
        if value:
            out.append((name, str(value)))
    if meta.keywords:
        out.append(("keywords", "; ".join(meta.keywords)))
    if meta.abstract:
        out.append(("abstract", f"{len(meta.abstract.split())} words"))
    if meta.accept:
        out.append(("accept", ", ".join(meta.accept)))
    return out


def _style(report: Report, stages: Stages) -> None:
    article = stages.build.article
    report.section("Citation style")
    if article.meta.citation_style:
        report.add(f"{article.meta.citation_style} (named in meta.yml)")
        return
    style, why = detect_style(article)
    report.add(f"{style}: detected, as meta.yml names none ({why})")
    report.add(f"write 'citation_style: {_meta_style(style)}' in meta.yml to fix the choice")


def _meta_style(style: str) -> str:
    """The meta.yml value for a detected style (notes: nothing is scanned in the text)."""
    return "none" if style == "notes" else style


def _structure(report: Report, stages: Stages) -> None:
    b = stages.build
    blocks = b.article.blocks
    headings = [x for x in blocks if isinstance(x, Heading)]
    report.section(f"Headings ({len(headings)})")
    if not headings:
        report.add("none (the page is one run of paragraphs)")
    for h in headings:
        report.add(f"line {h.span.line:<5} h{h.level}  {_short(h.text)}")
    anchors = [a for a, _, _ in anchor_index(blocks, b.heading_ids) if re.fullmatch(r"p\d+", a)]
    kinds = {
        "paragraphs": sum(isinstance(x, Paragraph) for x in blocks),
        "quotations": sum(isinstance(x, Quote) for x in blocks),
        "list items": sum(len(x.items) for x in blocks if isinstance(x, ListBlock)),
        "tables": sum(isinstance(x, Table) for x in blocks),
    }
    report.section("Body")
    shown = ", ".join(f"{n} {k}" for k, n in kinds.items() if n)
    report.add(f"{len(anchors)} numbered passages (¶ anchors): {shown or 'none'}")
    report.add(f"{b.words} words")


def _codes(stages: Stages, codes: Iterable[str], *, accepted: bool = False) -> list[Diagnostic]:
    """The article's diagnostics of ``codes``; without ``accepted`` only those meta.yml's
    accept: did not turn into notes."""
    wanted = set(codes)
    return [
        d
        for d in stages.diagnostics
        if d.code in wanted and (accepted or d.severity != "note" or d.code == UNRESOLVED)
    ]


def _notes(report: Report, stages: Stages) -> None:
    notes = stages.build.article.footnotes
    placed = [n for n in notes if n.placed]
    report.section("Notes")
    report.add(f"{len(placed)} paired with their markers, {len(notes) - len(placed)} without one")
    for d in _codes(stages, NOTE_CODES, accepted=True):
        report.add(d.format())
    open_ = _codes(stages, NOTE_CODES)
    report.decisions.extend(d.format() for d in open_ if d.severity != "error")


def _references(report: Report, stages: Stages) -> None:
    refs = stages.build.article.references
    unparsed = _codes(stages, [UNPARSED], accepted=True)
    report.section("Reference list")
    title = stages.build.article.references_title or "no reference list found"
    report.add(
        f"{len(refs)} entries ({title}): {len(refs) - len(unparsed)} parsed, "
        f"{len(unparsed)} unparsed (kept as @misc)"
    )
    for d in unparsed:
        report.add(d.format())
    report.decisions.extend(d.format() for d in _codes(stages, [UNPARSED]))


def _citations(report: Report, stages: Stages) -> None:
    slug = stages.build.article.meta.slug
    cited = stages.cites.citations.get(slug)
    items = cited.resolved if cited else []
    status = {s: [r for r in items if r.status == s] for s in ("linked", "noted", "unresolved")}
    report.section("Citations")
    report.add(
        f"{len(items)} cited works: {len(status['linked'])} linked, "
        f"{len(status['noted'])} linked with an editorial note, "
        f"{len(status['unresolved'])} unresolved"
    )
    for r in status["noted"]:
        report.add(f"{r.span.file}:{r.span.line}: note: {_short(r.note or '', 90)}")
    for r in status["unresolved"]:
        within = f" in {_short(r.citation.text, 60)}" if len(r.citation.items) > 1 else ""
        line = f"{r.span.file}:{r.span.line}: unresolved: {r.item.text}{within}"
        report.add(line)
        report.decisions.append(line)
    if cited and cited.uncited:
        report.add(f"{len(cited.uncited)} entries cited nowhere in the text:")
        for ref in cited.uncited:
            report.add(f"  {ref.span.file}:{ref.span.line}: {_short(ref.text, 60)}")


def _removals(report: Report, stages: Stages) -> None:
    removals = stages.build.article.removals
    report.section(f"Removed from the page ({len(removals)}; each rule and its lines)")
    for r in sorted(removals, key=lambda r: r.span.line):
        where = f"{r.span.file}:{_line(r.span.line, r.span.end_line)}"
        report.add(f"{where:<40} [{r.rule}] {_short(r.text, 50)}")


def _merges(report: Report, stages: Stages) -> None:
    slug = stages.build.article.meta.slug
    report.section("The reader's bibliography")
    after = stages.after
    if after is None or slug not in after.per_article:
        report.add("nothing: the article has no reference list")
        return
    existing = {m.key for m in stages.before.merged} if stages.before else set()
    merged = {m.key: m for m in after.merged}
    new: list[tuple[str, str, Reference]] = []
    into: list[tuple[str, str, Reference]] = []
    for ref in after.per_article[slug]:
        key = after.key_index.get((slug, ref.key), ref.key)
        where = f"{ref.span.file}:{ref.span.line}"
        (into if key in existing else new).append((key, where, ref))
    report.add(
        f"{len(new)} new entries (no other article lists them), "
        f"{len(into)} merged into entries of other articles (their keys kept)"
    )
    for key, where, _ in into:
        entry = merged[key]
        others = ", ".join(s for s in entry.slugs if s != slug)
        report.add(f"{where}  -> #{key} (already listed in {others})")
        for d in entry.disagreements:
            if d.other_from.slug == slug:
                report.add(
                    f"    {d.field}: the entry keeps {d.kept!r}; this list gives {d.other!r}"
                )
    if new:
        report.add("new keys:")
        for row in _wrapped([f"#{key}" for key, _, _ in new], 84):
            report.add(f"  {row}")


def _wrapped(words: Sequence[str], width: int) -> list[str]:
    rows: list[str] = []
    for w in words:
        if rows and len(rows[-1]) + len(w) + 1 <= width:
            rows[-1] += f" {w}"
        else:
            rows.append(w)
    return rows


def _doubts(report: Report, stages: Stages) -> None:
    report.section(f"Every diagnostic ({len(stages.diagnostics)})")
    for d in stages.diagnostics:
        report.add(d.format())
    errors = [d.format() for d in stages.diagnostics if d.severity == "error"]
    report.decisions[:0] = errors
    report.section("Decisions needed")
    if not report.decisions:
        report.add("none: the article builds as it is")
    for line in report.decisions:
        report.add(line)


# ---------------------------------------------------------------- init


DOI_IN_TEXT = re.compile(r"\b10\.\d{4,9}/[^\s\"<>]+")
YEAR_IN_TEXT = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)")
MASTHEAD_CUE = re.compile(r"\((?:19|20)\d\d\)|©|\bcopyright\b|\bvol\b|\bpublished\b", re.I)
LINK = re.compile(r"(?:https?://|www\.|\b10\.\d{4,9}/)\S+")
NAME_WORD = re.compile(r"^(?:[A-Z][a-z’'-]+|[A-Z]\.(?:[A-Z]\.)*|[A-Z][a-z]*-[A-Z][a-z]+)$")
MARKUP = re.compile(r"<sup>.*?</sup>|\[[^\]]*\]|[*#_]+|[\d†‡¹²³⁴⁵⁶⁷⁸⁹⁰]+$")


def plain(text: str) -> str:
    """A header line without its Markdown marks, superscripts and bracketed signs."""
    return " ".join(MARKUP.sub(" ", text).split())


def doi_in(text: str) -> str | None:
    """The first DOI a line states, without the punctuation that ends its sentence."""
    m = DOI_IN_TEXT.search(text)
    return m.group().rstrip(".,;:)]") if m else None


def year_in(text: str) -> int | None:
    """The year a masthead line states ("Vol. 3, No. 2 (2024)", "© 2023"): only on a
    line with such a cue, and never a year inside a DOI or an address."""
    if not MASTHEAD_CUE.search(text):
        return None
    years = YEAR_IN_TEXT.findall(LINK.sub(" ", text))
    return int(years[-1]) if years else None


def byline_names(text: str) -> list[str] | None:
    """The author names of a byline ("Ada N. Okafor", "A. Smith and B. Jones"), or None
    when the line is not only names."""
    parts = [p.strip() for p in re.split(r",\s*|\s+and\s+|\s*&\s*", plain(text)) if p.strip()]
    if not parts:
        return None
    for p in parts:
        words = p.split()
        if not 2 <= len(words) <= 5 or not all(NAME_WORD.match(w) for w in words):
            return None
    return parts


def looks_like_title(text: str) -> bool:
    """A header chunk that can be a title: 3 to 30 words, no sentence end, no volume,
    page or link data."""
    words = text.split()
    if not 3 <= len(words) <= 30 or text.rstrip().endswith("."):
        return False
    return not re.search(r"\b(?:vol|no|pp|issn|doi)\b\.?|https?://|@", text, re.I)


@dataclass(frozen=True)
class Field:
    name: str
    value: object
    line: int
    source: str  # what the comment says besides the line


def init_fields(root: Path, folder: Path) -> tuple[list[Field], Reporter]:
    """The fields a starting meta.yml can take from the text, with their lines.  The
    abstract and keywords are what the segment stage's header rules find."""
    reporter = Reporter()
    folder = _folder(root, folder)
    rel = f"sources/{folder.name}/article.txt"
    lines = read_text_lines(folder / "article.txt", rel, reporter)
    if lines is None:
        return [], reporter
    meta = ArticleMeta(slug=folder.name, title="", authors=())
    cleaned = clean(SourceText(folder.name, rel, lines, meta))
    seg = segment(cleaned, meta, Reporter())
    found: list[Field] = []
    header_end = _body_start(seg.blocks, len(lines) + 1)
    for r in seg.removals:
        if r.rule != "header" or r.span.line >= header_end:
            continue
        if "abstract" in r.reason and seg.abstract and r.text.strip() != "Abstract":
            found.append(Field("abstract", " ".join(seg.abstract.split()), r.span.line, "abstract"))
        if "keywords" in r.reason and seg.keywords:
            words = [w.strip(" .") for w in re.split(r"[;,]", seg.keywords) if w.strip(" .")]
            found.append(Field("keywords", words, r.span.line, "keywords"))
    found = list({f.name: f for f in found}.values())
    found += _title_and_authors(cleaned.lines, header_end)
    found += _doi_and_year(lines, header_end)
    order = ("title", "authors", "year", "doi", "keywords", "abstract")
    return sorted(found, key=lambda f: order.index(f.name)), reporter


def _body_start(blocks: Sequence[Block], default: int) -> int:
    """The first line of the first prose paragraph (30 words or more, as the segment
    stage's header rules count): where a header ends."""
    for b in blocks:
        if isinstance(b, Paragraph) and len(b.text.split()) >= 30:
            return b.span.line
    return default


def _title_and_authors(lines: tuple[Line, ...], header_end: int) -> list[Field]:
    """The title-like chunk before the body that a byline follows (else the first
    title-like chunk), and that byline's names."""
    chunks = [c for c in chunks_of(lines) if c.first < header_end and not LABEL.match(c.text)]
    titles = [i for i, c in enumerate(chunks) if looks_like_title(plain(c.text))]
    titles = [i for i in titles if byline_names(chunks[i].text) is None]
    bylined = [i for i in titles if i + 1 < len(chunks) and byline_names(chunks[i + 1].text)]
    if not (bylined or titles):
        return []
    pick = (bylined or titles)[0]
    out = [Field("title", plain(chunks[pick].text), chunks[pick].first, "title")]
    if pick in bylined:
        names = byline_names(chunks[pick + 1].text) or []
        out.append(Field("authors", [{"name": n} for n in names], chunks[pick + 1].first, "byline"))
    return out


def _doi_and_year(lines: Sequence[str], header_end: int) -> list[Field]:
    """The DOI anywhere in the header, the year of the masthead (before the abstract)."""
    out: list[Field] = []
    for n, text in enumerate(lines[: header_end - 1], 1):
        text = plain(text) if not DOI_IN_TEXT.search(text) else text
        doi = doi_in(text)
        if doi and not any(f.name == "doi" for f in out):
            out.append(Field("doi", doi, n, "DOI"))
        year = year_in(text)
        if year and not any(f.name == "year" for f in out):
            out.append(Field("year", year, n, "year"))
    return out


def style_hint(root: Path, folder: Path, fields: Sequence[Field]) -> tuple[str, str] | None:
    """(meta.yml value, why) of the citation style the text reads as: ``detect_style``
    on the article through the ingest stages, with the title and authors found.  A
    reading of the text, not a field it states, so ``init`` writes it as a comment."""
    folder = _folder(root, folder)
    quiet = Reporter()
    rel = f"sources/{folder.name}/article.txt"
    lines = read_text_lines(folder / "article.txt", rel, quiet)
    if lines is None:
        return None
    title = next((str(f.value) for f in fields if f.name == "title"), "")
    names = next((f.value for f in fields if f.name == "authors"), [])
    authors = tuple(Author(n["name"]) for n in names) if isinstance(names, list) else ()
    meta = ArticleMeta(slug=folder.name, title=title, authors=authors)
    built = prepare_article(SourceText(folder.name, rel, lines, meta), quiet)
    style, why = detect_style(built.article)
    return _meta_style(style), f"{style}: {why}"


def render_meta(slug: str, fields: Sequence[Field], style: tuple[str, str] | None = None) -> str:
    """The text of a starting meta.yml: each field under a comment naming its line."""
    out = [
        "# A starting meta.yml written by `python -m csto_reader init` from what the text",
        f"# states (line numbers are lines of sources/{slug}/article.txt).  Check every",
        "# field against the text, add what the text does not state with its provenance,",
        "# and name the citation_style (author-date, numeric or none).",
    ]
    for f in fields:
        out.append(f"# {f.source}: line {f.line}")
        dumped = yaml.safe_dump({f.name: f.value}, allow_unicode=True, sort_keys=False, width=88)
        out.append(dumped.rstrip("\n"))
    if style:
        out.append(f"# The text reads as {style[1]}.")
        out.append("# Name the style if that is right:")
        out.append(f"# citation_style: {style[0]}")
    return "\n".join(out) + "\n"
