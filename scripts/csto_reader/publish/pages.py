"""Site-wide generated pages: the home page with its article cards, and /editorial/,
which lists every removal the cleaner made and every editorial note."""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Collection, Sequence

from ..diagnostics import Diagnostic
from ..markup import escape_text, front_matter
from ..model import FN_CLOSE, FN_OPEN, Article, texts_of
from .metadata import reader_downloads
from .render import inline_html

WORDS_PER_MINUTE = 230


def reading_minutes(word_count: int) -> int:
    return max(1, round(word_count / WORDS_PER_MINUTE))


# The reader's tools on the home page: (generated page, link text, what it is for).
TOOLS = (
    (
        "glossary.md",
        "Glossary",
        "the organizations, treaties, forces, events and ideas the articles name",
    ),
    ("timeline.md", "Chronology", "the events the articles describe, in date order"),
    (
        "index/index.md",
        "Index of names",
        "the people, places and institutions the articles name, with every ¶ that names them",
    ),
    ("bibliography.md", "Bibliography", "every work the articles list, in one list"),
    ("teaching.md", "For instructors", "a reading order, key terms and questions"),
)


def _tools(pages: Collection[str]) -> list[str]:
    """The home page's "The reader's tools" block: a link to each tool page that exists."""
    items = [f"- [{label}]({page}): {what}" for page, label, what in TOOLS if page in pages]
    if not items:
        return []
    return [
        '<div class="reader-tools" markdown="1">\n',
        "## The reader's tools\n",
        *items,
        "\n</div>\n",
    ]


def render_home(
    articles: list[Article],
    word_counts: dict[str, int],
    order: Sequence[str] = (),
    pages: Collection[str] = (),
) -> str:
    """The home page: what the reader is, the reader's tools (those of ``pages``, the
    generated pages; above the cards, so that a desktop screen shows them at once), one
    card per article in ``order`` (slugs: ``teaching.article_order``, the one order of
    the navigation, the cards and the reader PDF) and the downloads."""
    out = [
        front_matter("The CSTO Reader", hide=["navigation"]),
        "# The CSTO Reader\n",
        "A teaching reader of scholarly writing on the Collective Security Treaty "
        "Organization (CSTO) and its January 2022 deployment in Kazakhstan. Each article "
        "is reproduced from the text as received, cleaned of page furniture by general "
        "rules, with numbered paragraphs you can cite and link (for example "
        "`articles/zhang-2023/#p12`). What the cleaner removed is listed on the "
        "[editorial page](editorial.md).\n",
        *_tools(pages),
        '<div class="article-cards" markdown="0">',
    ]
    rank = {slug: i for i, slug in enumerate(order)}
    ordered = sorted(articles, key=lambda a: rank.get(a.meta.slug, len(rank)))
    out.extend(_card(a, word_counts) for a in ordered)
    out.append("</div>\n")
    # Raw HTML, not Markdown links: the downloads are written after the MkDocs build
    # (`make site`), so strict link validation would find no such documentation file.
    # The offline copy holds no zip of itself: reader.js turns that link into plain text
    # when the page is opened from disk.
    out.append(
        '<p class="downloads">For offline reading: <a href="downloads/reader.pdf">the whole '
        'reader as PDF</a> and <a href="downloads/reader.epub">as EPUB</a> (for e-readers), '
        "one PDF and one EPUB per article (on each article page), and <a "
        'class="offline-zip" href="downloads/reader-offline.zip">an offline copy of the '
        "site</a> that opens from disk.</p>\n"
    )
    out.append(
        '<p class="downloads reference-files">'
        f"{reader_downloads('', 'bibliography.md' in pages)}</p>\n"
    )
    return "\n".join(out)


def _card(a: Article, word_counts: dict[str, int]) -> str:
    m = a.meta
    authors = ", ".join(html.escape(x.name) for x in m.authors)
    venue = html.escape(m.venue) if m.venue else html.escape(m.kind.capitalize())
    year = f", {m.year}" if m.year else ""
    minutes = reading_minutes(word_counts.get(m.slug, 0))
    abstract = m.abstract or next(
        (t.text for b in a.blocks for t in texts_of(b) if t.kind in ("paragraph", "quote")), ""
    )
    words = _without_note_calls(abstract).split()
    first = " ".join(words[:40]) + ("…" if len(words) > 40 else "")
    return (
        f'<article class="article-card"><h2><a href="articles/{m.slug}/">'
        f"{html.escape(m.title)}</a></h2>"
        f'<p class="card-authors">{authors}</p>'
        f'<p class="card-venue"><cite>{venue}</cite>{year} · {minutes} min read</p>'
        f'<p class="card-abstract">{inline_html(first)}</p></article>'
    )


_NOTE_CALL = re.compile(f"{FN_OPEN}.*?{FN_CLOSE}", re.S)


def _without_note_calls(text: str) -> str:
    """``text`` with its note calls taken out: a card's excerpt (an article with no
    abstract shows its first paragraph) has no notes to call, and two cards' calls of
    note 1 would give the home page the id ``fnref:1`` twice."""
    return _NOTE_CALL.sub("", text)


def render_editorial(articles: list[Article], diagnostics: list[Diagnostic]) -> str:
    """/editorial/: every removal (text, source line, rule) and every editorial note."""
    out = [
        front_matter("Editorial notes"),
        "# Editorial notes\n",
        "Nothing is removed from an article silently. This page lists, for each article, "
        "what the cleaner took out of the received text (with the source line and the "
        "rule that took it), the notes the build made about the source, and errors in "
        "the originals that the pages show rather than correct.\n",
    ]
    notes_by_file: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in diagnostics:
        notes_by_file[d.span.file].append(d)
    for a in articles:
        m = a.meta
        out.append(f"## {escape_text(m.title)} {{ #{m.slug} }}\n")
        out.append(f"Source: `{a.source_path}` · [Read the article](articles/{m.slug}.md)\n")
        if m.editorial:
            out.append("### Errors and discrepancies in the original\n")
            out.extend(f"- {escape_text(e)}" for e in m.editorial)
            out.append("")
        ds = notes_by_file.get(a.source_path, [])
        if ds:
            out.append("### Build notes\n")
            out.extend(f"- line {d.span.line}: {escape_text(d.message)} (`{d.code}`)" for d in ds)
            out.append("")
        out.append(f"### Removed text ({len(a.removals)} pieces)\n")
        out.append("| Line | Rule | Text removed |\n| ---: | --- | --- |")
        for r in sorted(a.removals, key=lambda r: r.span.line):
            lines = f"{r.span.line}" + (
                f"–{r.span.end_line}" if r.span.end_line and r.span.end_line != r.span.line else ""
            )
            text = escape_text(r.text).replace("|", "\\|").replace("\n", " ")
            out.append(f"| {lines} | {r.rule} | {text} |")
        out.append("")
        out += _normalisations(a)
    return "\n".join(out)


# How /editorial/ shows the white space of a normalised stretch: a run of spaces or an
# unusual space one mark per character (a no-break space ⍽, any other space ␣).
_SHOWN_SPACE = re.compile(
    "[ \u00a0\u2000-\u200a\u202f\u205f\u3000]{2,}|[\u00a0\u2000-\u200a\u202f\u205f\u3000]"
)
_NO_BREAK = "\u00a0\u202f\u2007"


def _shown(text: str) -> str:
    """A normalised stretch for the table: its spaces made visible, escaped."""
    text = _SHOWN_SPACE.sub(
        lambda m: "".join("⍽" if c in _NO_BREAK else "␣" for c in m.group()), text
    )
    return escape_text(text).replace("|", "\\|").replace("\n", " ")


def _normalisations(a: Article) -> list[str]:
    """The cleaner's normalisations of one article: spacing and link syntax, never
    words (``clean.TEXT_RULES``), one row per change."""
    if not a.normalisations:
        return []
    out = [
        f"### Spacing and link syntax normalised ({len(a.normalisations)} "
        f"change{'s' if len(a.normalisations) != 1 else ''})\n",
        "No word is changed. ⍽ marks a no-break space, ␣ another space of a run.\n",
        # a class for reader.css, which lets long addresses wrap (no sideways scrolling)
        '<div class="normalisations" markdown="1">\n',
        "| Line | Rule | As received | On the page |\n| ---: | --- | --- | --- |",
    ]
    for n in sorted(a.normalisations, key=lambda n: n.span.line):
        out.append(f"| {n.span.line} | {n.rule} | {_shown(n.before)} | {_shown(n.after)} |")
    return [*out, "\n</div>\n"]
