"""The /teaching/ page: linking from a syllabus, a reading order with reading times, the
glossary terms to meet first, and our discussion questions tied to ¶ numbers.

Its content is data (``teaching/course.yml``); every ¶ and term it names is checked
against the build, so a question never points at a paragraph that is not there.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .diagnostics import Reporter
from .model import Span
from .pages import reading_minutes
from .render import escape_text

COURSE = Path("teaching") / "course.yml"


def load_course(root: Path, reporter: Reporter) -> dict | None:
    path = root / COURSE
    if not path.exists():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        line = getattr(getattr(e, "problem_mark", None), "line", 0) + 1
        reporter.error(Span(str(COURSE), line), f"malformed YAML: {e}", "teaching-yaml")
        return None
    if not isinstance(data, dict):
        reporter.error(Span(str(COURSE), 1), "expected a mapping", "teaching-type")
        return None
    return data


def render_teaching(
    course: dict,
    articles: dict[str, tuple[str, int, set[str]]],
    terms: dict[str, str],
    reporter: Reporter,
) -> str:
    """``articles``: slug -> (title, words, anchors); ``terms``: glossary id -> name."""
    where = Span(str(COURSE), 1)
    slug0 = next(iter(articles), "zhang-2023")
    out = [
        "---\ntitle: For instructors\n---\n",
        "# For instructors\n",
        "## Linking from a syllabus { #linking }\n",
        "Every article, section and paragraph has an address that stays the same between "
        "releases. Click a paragraph's number (or a heading's ¶ sign) to copy its full "
        "address. The patterns:\n",
        "| What | Address pattern | Example |\n| --- | --- | --- |",
        f"| An article | `articles/<slug>/` | [articles/{slug0}/](articles/{slug0}.md) |",
        f"| A section | `articles/<slug>/#<section>` | "
        f"[articles/{slug0}/#introduction](articles/{slug0}.md#introduction) |",
        f"| A paragraph | `articles/<slug>/#p<N>` | "
        f"[articles/{slug0}/#p12](articles/{slug0}.md#p12) |",
        "| A glossary entry | `glossary/#<term>` | [glossary/#crrf](glossary.md#crrf) |",
        "| A bibliography entry | `bibliography/#<key>` | "
        "[bibliography/#kornilenko2020](bibliography.md#kornilenko2020) |",
        "",
        "To cite a paragraph of the reader, name the article and the number: "
        "“Zhang ¶14”. The PDFs print the same numbers in the margin.\n",
        "Every address, with the first words of each paragraph, can be downloaded for a "
        'learning platform: <a href="../downloads/addresses.csv">CSV</a> or '
        '<a href="../downloads/addresses.md">Markdown</a>.\n',
        "## Suggested reading order { #reading-order }\n",
    ]
    for n, item in enumerate(course.get("reading_order", []), start=1):
        slug = item.get("slug")
        if slug not in articles:
            reporter.error(where, f"reading order names unknown article '{slug}'", "teaching-ref")
            continue
        title, words, _ = articles[slug]
        out.append(
            f"{n}. [{escape_text(title)}](articles/{slug}.md) "
            f"({reading_minutes(words)} min): {escape_text(item.get('why', ''))}"
        )
    out.append("\n## Glossary terms to meet first { #terms-first }\n")
    for tid in course.get("terms_first", []):
        if tid not in terms:
            reporter.error(where, f"unknown glossary term '{tid}'", "teaching-ref")
            continue
        out.append(f"- [{escape_text(terms[tid])}](glossary.md#{tid})")
    out.append("\n## Discussion questions { #questions }\n")
    out.append(
        '<p class="editorial-label">These questions are ours, written for this '
        "reader; they are not part of the articles.</p>\n"
    )
    for slug, questions in (course.get("questions") or {}).items():
        if slug not in articles:
            reporter.error(where, f"questions for unknown article '{slug}'", "teaching-ref")
            continue
        title, _, anchors = articles[slug]
        out.append(f"### {escape_text(title)} {{ #questions-{slug} }}\n")
        for q in questions:
            refs = []
            for p in q.get("paragraphs", []):
                if p not in anchors:
                    reporter.error(
                        where, f"question on {slug} names missing paragraph {p}", "teaching-ref"
                    )
                    continue
                refs.append(f"[¶{p[1:]}](articles/{slug}.md#{p})")
            out.append(f"1. {escape_text(q.get('text', ''))} ({', '.join(refs)})")
        out.append("")
    return "\n".join(out) + "\n"
