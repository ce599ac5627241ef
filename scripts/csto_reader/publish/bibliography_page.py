"""Render the merged bibliography (/bibliography/) and each article's own reference list.

Entries are formatted in APA 7 by citeproc-py (``cite_format``); every entry keeps its
provenance: which articles list it, the text as each list prints it, and (once citations
are linked) every paragraph that cites it.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from ..diagnostics import Reporter
from ..markup import (
    fn_key,
    front_matter,
    is_para_anchor,
    json_script,
    parse_note_anchor,
    short_title,
)
from ..model import Disagreement, MergedEntry, Provenance, Reference
from ..workers import map_reported
from .metadata import coins_span, described_work
from .render import inline_html, raw_html_safe

__all__ = [
    "mark_title_language",
    "render_article_references",
    "render_bibliography",
    "short_title",  # from markup, where the chronology finds it too
]


ENTRIES_PER_TASK = 64  # bibliography entries a worker renders at a time


def _article_link(slug: str, anchor: str | None, titles: Mapping[str, str], prefix: str) -> str:
    label = html.escape(short_title(slug, titles))
    href = f"{prefix}articles/{slug}/" + (f"#{anchor}" if anchor else "")
    text = label
    note = parse_note_anchor(anchor) if anchor else None
    if anchor and is_para_anchor(anchor):
        text = f"{label} ¶{anchor[1:]}"
    elif note is not None:
        text = f"{label} note {html.escape(fn_key(note))}"
    return f'<a href="{href}">{text}</a>'


def mark_title_language(entry_html: str, fields: Mapping[str, str]) -> str:
    """Wrap the title in ``<span lang>`` when the entry records the title's language
    (``x-title-lang``, e.g. a Portuguese title in an English reader)."""
    lang, title = fields.get("x-title-lang"), fields.get("title")
    if not lang or not title:
        return entry_html
    escaped = html.escape(title, quote=False)
    return entry_html.replace(escaped, f'<span lang="{html.escape(lang)}">{escaped}</span>', 1)


def render_bibliography(
    merged: Sequence[MergedEntry],
    ordered: Sequence[tuple[str, str]],
    titles: Mapping[str, str],
    cited_at: Mapping[str, Sequence[tuple[str, str, str | None]]] | None = None,
) -> str:
    """Markdown for /bibliography/.  ``ordered``: (key, APA html) in sorted order;
    ``cited_at``: key -> [(slug, anchor, editorial note or None)]."""
    cited_at = cited_at or {}
    by_key = {m.key: m for m in merged}
    out = _bibliography_intro(len(ordered), titles, _without_list(merged, titles, cited_at))

    def entries(part: Sequence[tuple[str, str]], _: Reporter) -> list[str]:
        return [_bibliography_entry(by_key[k], h, titles, cited_at.get(k, [])) for k, h in part]

    # an entry depends on its work alone: slices of them on every core
    parts = [ordered[i : i + ENTRIES_PER_TASK] for i in range(0, len(ordered), ENTRIES_PER_TASK)]
    for done in map_reported(entries, parts, Reporter()):
        out.extend(done)
    out.append("</ol>\n")  # the filter runs from docs/assets/javascripts/bibliography.js
    return "\n".join(out)


def _bibliography_intro(count: int, titles: Mapping[str, str], without_list: str) -> list[str]:
    return [
        front_matter(
            "Bibliography",
            "One bibliography for the whole reader, merged from the articles' reference lists.",
        ),
        "# Bibliography\n",
        f"The works the articles list, merged into one bibliography of {count} "
        "entries and formatted in APA 7. Under each entry: the articles whose reference "
        "lists hold it, with the text as each list prints it, and the paragraphs that cite "
        "it. The merged list is also available for a reference manager: "
        '<a href="../downloads/reader.ris" type="application/x-research-info-systems">'
        'RIS</a> · <a href="../downloads/reader.bib" type="application/x-bibtex">BibTeX</a>'
        ' · <a href="../downloads/reader.json" type="application/vnd.citationstyles.csl+json">'
        "CSL-JSON</a> (Zotero's browser button also offers to save the entries of this page "
        "one by one).\n",
        '<div class="bib-filter" markdown="0"><label for="bib-article">Show the works of'
        '</label> <select id="bib-article"><option value="">all articles</option>'
        + "".join(
            f'<option value="{html.escape(s)}">{html.escape(short_title(s, titles))}</option>'
            for s in titles
        )
        + '</select> <span role="status" class="bib-status"><span id="bib-count"></span>'
        + without_list
        + "</span></div>\n",
        '<ol class="bibliography" markdown="0">',
    ]


def _bibliography_entry(
    m: MergedEntry,
    entry_html: str,
    titles: Mapping[str, str],
    cites: Sequence[tuple[str, str, str | None]],
) -> str:
    """One ``<li>``: the APA entry (with its COinS and its JSON-LD), the lists that hold
    it, where it is cited, and the text as each list prints it."""
    parts = [
        f'<li id="{html.escape(m.key)}" class="bib-entry" data-articles="{" ".join(m.slugs)}">',
        f'<div class="bib-text">{raw_html_safe(mark_title_language(entry_html, m.fields))}</div>',
        coins_span(m),
        f'<script type="application/ld+json">{json_script(described_work(m))}</script>',
    ]
    listed = ", ".join(_article_link(p.slug, None, titles, "../") for p in m.provenance)
    shared = " (shared source)" if len(m.slugs) > 1 else ""
    parts.append(f'<p class="bib-listed">Listed in: {listed}{shared}</p>')
    if cites:
        links = ", ".join(_article_link(s, a, titles, "../") for s, a, _ in cites)
        parts.append(f'<p class="bib-cited">Cited at: {links}</p>')
    else:
        parts.append(
            '<p class="bib-cited bib-uncited">Not cited in the text of the '
            "articles that list it.</p>"
        )
    parts.extend(_disagreement_note(d, titles) for d in m.disagreements)
    for p in m.provenance:
        name = html.escape(short_title(p.slug, titles))
        parts.append(
            f'<details class="bib-original"><summary>As printed in {name}</summary>'
            f"<p>{inline_html(p.text)}</p>"
            f'<p class="bib-source">In {_listing_link(p, f"the reference list of {name}")}.</p>'
            "</details>"
        )
    parts.append("</li>")
    return "".join(parts)


def _listing_link(p: Provenance, label: str) -> str:
    """A link (``label``, HTML) to where an article's reference list prints a work.
    The source file and line (``p.source``) are the maintainers' business, not the
    reader's: bib/*.bib keeps them (``x-source``)."""
    return f'<a href="../articles/{p.slug}/#ref-{html.escape(p.key)}">{label}</a>'


def _disagreement_note(d: Disagreement, titles: Mapping[str, str]) -> str:
    """An editorial note: the listings disagree on a field; the entry keeps its value."""

    def said(value: str, where: Provenance) -> str:
        shown = f"“{html.escape(value)}”" if value else "nothing"
        return f"{shown} in {_listing_link(where, html.escape(short_title(where.slug, titles)))}"

    return (
        f'<p class="bib-disagreement">Editorial note: the listings differ '
        f"on {html.escape(d.field)}: {said(d.kept, d.kept_from)}, kept here; "
        f"{said(d.other, d.other_from)}.</p>"
    )


def _without_list(
    merged: Sequence[MergedEntry],
    titles: Mapping[str, str],
    cited_at: Mapping[str, Sequence[tuple[str, str, str | None]]],
) -> str:
    """For each article no entry comes from, the filter's word why (shown by
    bibliography.js when that article is chosen), with the entries it cites, if any."""
    listing = {p.slug for m in merged for p in m.provenance}
    by_key = {m.key: m for m in merged}
    cited_by: dict[str, set[str]] = {}  # slug -> the keys it cites (read once, not per slug)
    for k, places in cited_at.items():
        for s, _, _ in places:
            cited_by.setdefault(s, set()).add(k)
    out = []
    for slug in titles:
        if slug in listing:
            continue
        name = html.escape(short_title(slug, titles))
        cites = sorted(cited_by.get(slug, ()))
        quoted = (
            " The works it cites that other articles list: "
            + ", ".join(f'<a href="#{html.escape(k)}">{_label(by_key[k])}</a>' for k in cites)
            + "."
            if cites
            else ""
        )
        out.append(
            f'<span class="bib-none" data-article="{html.escape(slug)}" hidden>{name} has no '
            f"reference list, so no entry of this bibliography comes from it.{quoted}</span>"
        )
    return "".join(out)


def _label(m: MergedEntry) -> str:
    """ "Zhang (2023)": the first author's surname (or the title) and the year."""
    names = m.get("author") or m.get("editor")
    first = names.split(" and ")[0].split(",")[0].strip("{} ") if names else m.get("title")
    year = f" ({m.get('year')})" if m.get("year") else ""
    return html.escape(first.replace("{", "").replace("}", "") + year)


def render_article_references(
    refs: Sequence[Reference],
    key_index: Mapping[tuple[str, str], str],
    formatted: Mapping[str, str],
    slug: str,
) -> str:
    """An article's own list: each item formatted like the bibliography, linked to its
    merged entry, with the text as the article prints it.

    The list is a disclosure, closed until the reader opens it: a browser opens it by
    itself to show an entry a link or a find in the page leads to (``#ref-...``), and
    prints it open (print.css), and the PDFs and EPUBs show the list without it
    (``pdf._open_disclosures``).  Closed, its elements (12 an entry: 1,500 of zhang-2023's
    2,400) are neither styled nor laid out when the page opens, which Material's scripts
    restyle as a whole three times at start (Lighthouse's total blocking time)."""
    numbered = all(r.number is not None for r in refs)
    tag = "ol" if numbered else "ul"
    works = "work" if len(refs) == 1 else "works"
    out = [
        f'<details class="references-all" markdown="0"><summary>The {len(refs)} {works} '
        "of the list</summary>",
        f'<{tag} class="references">',
    ]
    for r in refs:
        merged_key = key_index.get((slug, r.key), r.key)
        entry = raw_html_safe(mark_title_language(formatted.get(merged_key, ""), r.fields))
        num = f'<span class="ref-num">{r.number}.</span> ' if numbered else ""
        out.append(
            f'<li id="ref-{html.escape(r.key)}">{num}<div class="bib-text">{entry}</div>'
            f'<p class="ref-links"><a href="../../bibliography/#{html.escape(merged_key)}">'
            f"In the reader's bibliography</a></p>"
            f'<details class="bib-original"><summary>As printed in the article</summary>'
            f"<p>{inline_html(r.text)}</p></details></li>"
        )
    out.append(f"</{tag}></details>\n")
    return "\n".join(out)
