"""The /teaching/ page: linking from a syllabus, a reading order with reading times, the
glossary terms to meet first, and our discussion questions tied to ¶ numbers.

Its content is data (``teaching/course.yml``); every ¶ and term it names is checked
against the build, so a question never points at a paragraph that is not there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..codes import codes_of
from ..diagnostics import Reporter
from ..ingest.anchors import anchor_index
from ..markup import escape_text, front_matter
from ..model import ArticleBuild, ArticleMeta, Course, Question, Reading, Span
from ..yamlfile import Typed, load
from .pages import reading_minutes

COURSE = Path("teaching") / "course.yml"

# Diagnostic codes this module reports.
TEACHING_YAML = "teaching-yaml"  # course.yml is not readable, well-formed, limited YAML
TEACHING_TYPE = "teaching-type"  # a value of the wrong type (text where a list belongs...)
TEACHING_UNKNOWN_KEY = "teaching-unknown-key"  # a key course.yml does not know
TEACHING_MISSING_KEY = "teaching-missing-key"  # an item without its required key
TEACHING_REF = "teaching-ref"  # names an article, term or paragraph the build lacks
CODES = codes_of("publish.teaching")  # meanings: the registry (codes.py)


def load_course(root: Path, reporter: Reporter) -> Course | None:
    """The course file, or ``None`` when it is absent or wrong (after reporting)."""
    path = root / COURSE
    if not path.exists():
        return None
    file = COURSE.as_posix()
    document = load(path, file, reporter, TEACHING_YAML)
    if document is None:
        return None
    typed = Typed(
        file,
        reporter,
        TEACHING_TYPE,
        unknown_code=TEACHING_UNKNOWN_KEY,
        missing_code=TEACHING_MISSING_KEY,
    )
    before = len(reporter.errors)
    course = _course(typed, document.root)
    return course if len(reporter.errors) == before else None


def _course(typed: Typed, root: yaml.Node | None) -> Course | None:
    if root is None:
        typed.error(None, "course.yml: expected a mapping, found nothing")
        return None
    fields = typed.mapping(root, "course.yml", (), ("reading_order", "terms_first", "questions"))
    if fields is None:
        return None
    readings = _readings(typed, fields["reading_order"]) if "reading_order" in fields else []
    terms = typed.texts(fields["terms_first"], "terms_first") if "terms_first" in fields else []
    questions: list[tuple[str, Span, tuple[Question, ...]]] = []
    by_slug = typed.mapping(fields["questions"], "questions") if "questions" in fields else {}
    for slug, node in (by_slug or {}).items():
        items = typed.sequence(node, f"questions for {slug}", "mappings") or []
        found = (_question(typed, item, slug) for item in items)
        questions.append((slug, typed.span(node), tuple(q for q in found if q is not None)))
    return Course(
        reading_order=tuple(readings),
        terms_first=tuple((tid, typed.span(node)) for tid, node in terms or []),
        questions=tuple(questions),
    )


def _readings(typed: Typed, node: yaml.Node) -> list[Reading]:
    out: list[Reading] = []
    for item in typed.sequence(node, "reading_order", "mappings") or []:
        fields = typed.mapping(item, "reading_order item", ("slug",), ("why",))
        if fields is None:
            continue
        slug = typed.text(fields["slug"], "reading_order slug")
        why = typed.text(fields["why"], "reading_order why") if "why" in fields else ""
        if slug is not None and why is not None:
            out.append(Reading(slug, why, typed.span(item)))
    return out


def _question(typed: Typed, node: yaml.Node, slug: str) -> Question | None:
    fields = typed.mapping(node, f"a question for {slug}", ("text",), ("paragraphs",))
    if fields is None:
        return None
    text = typed.text(fields["text"], "question text")
    paragraphs = typed.texts(fields["paragraphs"], "paragraphs") if "paragraphs" in fields else []
    if text is None or paragraphs is None:
        return None
    return Question(text, tuple((p, typed.span(n)) for p, n in paragraphs), typed.span(node))


def article_order(metas: Sequence[ArticleMeta], course: Course | None) -> list[str]:
    """The slugs in the order the reader presents them (the navigation, the examples on
    /teaching/): the course's reading order first, then the other articles by year
    (undated last) and title.  The slug only separates two articles of one year with
    one title, so naming an article's folder never moves the others."""
    known = {m.slug for m in metas}
    first = [r.slug for r in (course.reading_order if course else ()) if r.slug in known]
    first = list(dict.fromkeys(first))
    rest = sorted(
        (m for m in metas if m.slug not in first),
        key=lambda m: (m.year is None, m.year or 0, m.title.casefold(), m.slug),
    )
    return first + [m.slug for m in rest]


def render_teaching(
    course: Course,
    builds: Sequence[ArticleBuild],
    terms: Mapping[str, str],
    reporter: Reporter,
    order: Sequence[str] = (),
) -> str:
    """Markdown for /teaching/ (``teaching.md``); ``terms``: glossary id -> name;
    ``order``: the slugs in reading order (``article_order``).  A slug, term or paragraph
    the course names and the build lacks is an error at its line.  The address examples
    are of the first article in that order with a section heading (else the first)."""
    rank = {slug: i for i, slug in enumerate(order)}
    builds = sorted(builds, key=lambda b: rank.get(b.article.meta.slug, len(rank)))
    articles = {
        b.article.meta.slug: _ArticleInfo(
            b.article.meta.title,
            b.words,
            frozenset(a for a, _, _ in anchor_index(b.article.blocks, b.heading_ids)),
        )
        for b in builds
    }
    with_sections = (s for s, info in articles.items() if _sections(info.anchors))
    slug0 = next(with_sections, next(iter(articles), None))
    out = _linking(_examples(slug0, articles[slug0].anchors) if slug0 else [])
    out += _reading_order(course, articles, reporter)
    out += _terms_first(course, terms, reporter)
    out += _questions(course, articles, reporter)
    return "\n".join(out) + "\n"


@dataclass(frozen=True)
class _ArticleInfo:
    title: str
    words: int
    anchors: frozenset[str]


def _sections(anchors: frozenset[str]) -> list[str]:
    return sorted(a for a in anchors if not re.fullmatch(r"p\d+|fn:.*", a))


def _examples(slug: str, anchors: frozenset[str]) -> list[str]:
    """The address rows of an article, a section and a paragraph of ``slug``."""
    rows = [f"| An article | `articles/<slug>/` | [articles/{slug}/](articles/{slug}.md) |"]
    sections = _sections(anchors)
    section = "introduction" if "introduction" in anchors else next(iter(sections), None)
    if section:
        rows.append(
            f"| A section | `articles/<slug>/#<section>` | "
            f"[articles/{slug}/#{section}](articles/{slug}.md#{section}) |"
        )
    para = "p12" if "p12" in anchors else "p1"
    if para in anchors:
        rows.append(
            f"| A paragraph | `articles/<slug>/#p<N>` | "
            f"[articles/{slug}/#{para}](articles/{slug}.md#{para}) |"
        )
    return rows


def _linking(examples: list[str]) -> list[str]:
    return [
        front_matter("For instructors"),
        "# For instructors\n",
        "## Linking from a syllabus { #linking }\n",
        "Every article, section and paragraph has an address that stays the same between "
        "releases. Click a paragraph's number (or a heading's ¶ sign) to copy its full "
        "address. The patterns:\n",
        "| What | Address pattern | Example |\n| --- | --- | --- |",
        *examples,
        "| A glossary entry | `glossary/#<term>` | [glossary/#crrf](glossary.md#crrf) |",
        "| A bibliography entry | `bibliography/#<key>` | "
        "[bibliography/#kornilenko2020](bibliography.md#kornilenko2020) |",
        "",
        "To cite a paragraph of the reader, name the article and the number: "
        "“Zhang ¶14”. The PDFs print the same numbers in the margin.\n",
        "Every address, with the first words of each paragraph, can be downloaded for a "
        'learning platform: <a href="../downloads/addresses.csv">CSV</a> or '
        '<a href="../downloads/addresses.md">Markdown</a>.\n',
    ]


def _reading_order(
    course: Course, articles: Mapping[str, _ArticleInfo], reporter: Reporter
) -> list[str]:
    out = ["## Suggested reading order { #reading-order }\n"]
    for n, item in enumerate(course.reading_order, start=1):
        info = articles.get(item.slug)
        if info is None:
            reporter.error(
                item.span, f"reading order names unknown article '{item.slug}'", TEACHING_REF
            )
            continue
        out.append(
            f"{n}. [{escape_text(info.title)}](articles/{item.slug}.md) "
            f"({reading_minutes(info.words)} min): {escape_text(item.why)}"
        )
    return out


def _terms_first(course: Course, terms: Mapping[str, str], reporter: Reporter) -> list[str]:
    out = ["\n## Glossary terms to meet first { #terms-first }\n"]
    for tid, span in course.terms_first:
        if tid not in terms:
            reporter.error(span, f"unknown glossary term '{tid}'", TEACHING_REF)
            continue
        out.append(f"- [{escape_text(terms[tid])}](glossary.md#{tid})")
    return out


def _questions(
    course: Course, articles: Mapping[str, _ArticleInfo], reporter: Reporter
) -> list[str]:
    out = [
        "\n## Discussion questions { #questions }\n",
        '<p class="editorial-label">These questions are ours, written for this '
        "reader; they are not part of the articles.</p>\n",
    ]
    for slug, span, questions in course.questions:
        info = articles.get(slug)
        if info is None:
            reporter.error(span, f"questions for unknown article '{slug}'", TEACHING_REF)
            continue
        out.append(f"### {escape_text(info.title)} {{ #questions-{slug} }}\n")
        for q in questions:
            refs = []
            for p, p_span in q.paragraphs:
                if p not in info.anchors:
                    reporter.error(
                        p_span, f"question on {slug} names missing paragraph {p}", TEACHING_REF
                    )
                    continue
                refs.append(f"[¶{p[1:]}](articles/{slug}.md#{p})")
            out.append(f"1. {escape_text(q.text)} ({', '.join(refs)})")
        out.append("")
    return out
