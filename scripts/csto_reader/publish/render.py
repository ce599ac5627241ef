"""Stage 5: render.  Write the Markdown page of an article for Material for MkDocs.

Source text is data: every character that Markdown or HTML could read as markup is
escaped (by ``markup``, the one escaping path), so no ``<script>`` from a source reaches a
page.  The only markup that passes
is what the conversions meant as markup (``*emphasis*``, ``[label](url)``, ``<url>``),
re-emitted by us, plus bare URLs made into links.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable, Mapping

import markdown as _markdown

from ..ingest.anchors import unique_slug
from ..ingest.footnotes import split_tokens
from ..markup import (
    LINK_SCHEMES,
    MARKDOWN_LINK,
    escape_text,
    front_matter,
    html_text,
    note_anchor,
    note_ref_anchor,
)
from ..model import (
    CITE_MID,
    CITE_SEP,
    Article,
    ArticleMeta,
    Block,
    Footnote,
    Heading,
    ListBlock,
    Paragraph,
    Quote,
    Table,
    Term,
    fn_token,
)
from ..scholarly.glossary import REMARK_AFTER_WORDS, mark_terms_spaced
from ..textcheck import is_safe_url
from .citing import narrative_authors, render_cite_this
from .metadata import article_downloads
from .related import Related, RelatedPassages

# The inline rules, tried together at each position (the first that matches wins): what
# the conversions meant as markup, re-emitted by us.  Each has a name and a writer below.
INLINE_RULES = (
    # "[label](address)" from a web conversion -> a link showing its label (see
    # markup.MARKDOWN_LINK); an unsafe address ("javascript:") stays text
    ("markdown_link", MARKDOWN_LINK.pattern.replace("(?P<", "(?P<md_")),
    # "<https://x.org>" -> a link showing the address
    ("angle_link", r"<(?P<angle_url>https?://[^>\s]+)>"),
    # "https://x.org/a." or "www.x.org" -> a link, the sentence's stop outside it
    ("bare_url", r"(?<![\w/])(?:https?://|www\.)[^\s<>\"]+"),
    ("strong", r"\*\*(?=\S)(?P<strong_text>[^*]+?)(?<=\S)\*\*"),
    ("emphasis", r"(?<![\w*])\*(?=\S)(?P<em_text>[^*]+?)(?<=\S)\*(?![\w*])"),
)
INLINE = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in INLINE_RULES))
# Inside a link's label no rule makes another link: a link is never nested in a link.
LINK_RULES = frozenset({"markdown_link", "angle_link", "bare_url"})


def _description(abstract: str | None) -> str | None:
    """The first 160 characters of the abstract, for ``<meta name="description">``."""
    return abstract[:160] if abstract else None


def _url(url: str) -> tuple[str, str]:
    """Split trailing punctuation off a bare URL: "https://x.org/a)." -> (url, ").")."""
    trail = ""
    while url and url[-1] in ".,;:)]»”’\"'":
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        trail = url[-1] + trail
        url = url[:-1]
    return url, trail


BROKEN_DOI = re.compile(r"^https?://(?:dx\.)?doi:?/?\s*(10\.\S+)$", re.I)


def _href(url: str) -> str:
    """The address a link goes to.  The text keeps what the source wrote; a DOI written
    in a form no browser can open ("https://doi:10.1017/...") goes to doi.org."""
    if url.startswith("www."):
        url = "https://" + url
    if url[:4].lower() == "doi:":
        url = "https://doi.org/" + url[4:]
    doi = BROKEN_DOI.match(url)
    if doi:
        url = "https://doi.org/" + doi.group(1)
    return url.replace(" ", "%20").replace("<", "%3C").replace(">", "%3E")


def _link(label_md: str, url: str) -> str:
    return f"[{label_md}](<{_href(url)}>)"


def inline_text(text: str, links: bool = True) -> str:
    """Markdown for a run of source text without footnote tokens; ``links=False`` for a
    link's label, where an address stays text."""
    out: list[str] = []
    pos = 0
    while (m := INLINE.search(text, pos)) is not None:
        written = None if not links and m.lastgroup in LINK_RULES else _write_inline(m, links)
        if written is None:  # not markup after all: its first character is text
            out.append(escape_text(text[pos : m.start() + 1]))
            pos = m.start() + 1
            continue
        out.append(escape_text(text[pos : m.start()]) + written)
        pos = m.end()
    out.append(escape_text(text[pos:]))
    return "".join(out)


def _write_inline(m: re.Match[str], links: bool) -> str | None:
    """The Markdown of one ``INLINE`` match, by its rule; None when it is not markup.
    ``links``: whether a link may be made inside emphasis (not in a link's label)."""
    rule = m.lastgroup
    if rule == "markdown_link":
        url = m.group("md_url")
        if not is_safe_url(url, LINK_SCHEMES):
            return None
        return _link(inline_text(m.group("md_label"), links=False), url)
    if rule == "angle_link":
        return _link(escape_text(m.group("angle_url")), m.group("angle_url"))
    if rule == "bare_url":
        url, trail = _url(m.group("bare_url"))
        return _link(escape_text(url), url) + escape_text(trail)
    if rule == "strong":
        return f"**{inline_text(m.group('strong_text'), links)}**"
    return f"*{inline_text(m.group('em_text'), links)}*"


def inline(text: str) -> str:
    """Markdown for source text with footnote and superscript tokens."""
    out = []
    for kind, value in split_tokens(text):
        if kind == "text":
            out.append(inline_text(value))
        elif kind == "sup":
            out.append(f"<sup>{html.escape(value)}</sup>")
        elif kind == "cite":
            out.append(render_cite(value))
        else:
            out.append(
                f'<sup class="fn" id="{note_ref_anchor(value)}"><a class="footnote-ref" '
                f'href="#{note_anchor(value)}" '
                f'aria-label="Note {html.escape(value)}">{html.escape(value)}</a></sup>'
            )
    return "".join(out)


# The letters whose lowercase form is not one code point (in this Python's Unicode
# data only "İ", U+0130; a test checks every code point against this class).
LONGER_LOWERCASE = re.compile("[\u0130]")


def raw_html_safe(fragment: str) -> str:
    """Write as character references the few letters whose lowercase form is longer
    (Turkish "İ" lowercases to two code points): Python-Markdown's raw-HTML scanner
    lowercases the block and loses its place on them, breaking the following tag."""
    return LONGER_LOWERCASE.sub(lambda m: f"&#{ord(m.group())};", fragment)


def render_cite(value: str) -> str:
    """A cited work: a link to its bibliography entry, and the editorial note when the
    citation differs from the reference list (or has no entry).  Its preview is not in
    the page: ``previews.py`` writes it, once per work, into the page's previews file."""
    payload, text = value.split(CITE_MID, 1)
    key, _preview, note = (payload.split(CITE_SEP) + ["", ""])[:3]
    shown = inline_text(text)
    if key:
        link = f'<a class="cite" href="../../bibliography/#{html.escape(key)}">{shown}</a>'
    else:
        link = f'<span class="cite cite--unresolved">{shown}</span>'
    if note:
        link += (
            f'<span class="ednote" role="note"> [<span class="ednote-label">Editorial '
            f"note:</span> {escape_text(note)}]</span>"
        )
    return link


_MD = _markdown.Markdown()  # one converter, reset per use: building one is the slow part


@functools.lru_cache(maxsize=8192)
def inline_html(text: str) -> str:
    """HTML for source text (used inside raw HTML blocks such as the header).  The
    conversion depends on ``text`` alone, and the same texts come again (a reference
    as its article prints it, on the article's page and in the bibliography: 160 of
    420 conversions for the four articles), so each is converted once per process."""
    md = _MD.reset().convert(inline(text))
    return raw_html_safe(re.sub(r"^<p>|</p>$", "", md.strip()))


def pnum(anchor: str) -> str:
    n = anchor[1:]
    return (
        f'<a class="pnum" href="#{anchor}" title="Paragraph {n}: link to this paragraph">{n}</a> '
    )


class TermMarker:
    """Marks glossary terms in the paragraph Markdown of one article: the first use of a
    term becomes a link to its entry (its preview: ``previews.py``), and a later
    use again only where the term's previous mark is at least ``gap`` words back
    (``glossary.REMARK_AFTER_WORDS``).  Words are counted over the marked blocks in page
    order, so one marker serves one page."""

    def __init__(
        self,
        terms: Iterable[Term] = (),
        glossary_url: str = "../glossary.md",
        gap: int = REMARK_AFTER_WORDS,
    ):
        self.terms = list(terms)
        self.glossary_url = glossary_url
        self.gap = gap
        self.words = 0  # words of the blocks marked so far
        self.last_marked: dict[str, int] = {}  # term id -> word position of its last mark

    def __call__(self, md: str) -> str:
        if not self.terms:
            return md
        out, self.words = mark_terms_spaced(
            md, self.terms, self.last_marked, self.words, self.glossary_url, self.gap
        )
        return out


NO_TERMS = TermMarker()


def _para(
    text: str,
    anchor: str,
    indent: str = "",
    quote: bool = False,
    mark: TermMarker = NO_TERMS,
    after: str = "",
) -> str:
    """A numbered paragraph; ``after``: raw HTML to end it with (the related-passages mark)."""
    lead = f"{indent}> " if quote else indent
    return f"{lead}{pnum(anchor)}{mark(inline(text))}{after}\n{lead}{{: #{anchor} .para }}\n"


def render_table(t: Table, after: str = "") -> str:
    rows = []
    head = "".join(f'<th scope="col">{inline_html(c)}</th>' for c in t.header)
    for r in t.rows:
        cells = []
        for c in r:
            items = [i for i in c.split("\n") if i.strip()]
            if len(items) > 1 or (items and "\n" in c):
                cells.append(
                    "<td><ul>" + "".join(f"<li>{inline_html(i)}</li>" for i in items) + "</ul></td>"
                )
            else:
                cells.append(f"<td>{inline_html(c)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    caption = f"<caption>{inline_html(t.caption)}</caption>" if t.caption else ""
    note = f'<p class="table-note">{inline_html(t.note)}</p>' if t.note else ""
    anchor = _anchor(t.anchor)
    return (
        f'<div class="para table-block" id="{anchor}" markdown="0">'
        f'<a class="pnum" href="#{anchor}" title="Paragraph {anchor[1:]}: link">'
        f"{anchor[1:]}</a>{after}"
        f'<div class="table-scroll"><table>{caption}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>{note}</div>\n"
    )


def render_header(article: Article) -> str:
    """The raw-HTML header of an article page: byline (with the author notes), the
    authors' affiliations, venue, DOI or URL, licence, keywords, abstract, how to cite
    it and its downloads."""
    m = article.meta
    # For the reader's own scripts (annotations.js): which article this is, and how
    # "Copy citation" and the notes' export name it ("Zhang (2023, ¶12)").
    data = (
        f'data-article="{html_text(m.slug)}" '
        f'data-cite-author="{html_text(narrative_authors(m))}" '
        f'data-cite-year="{html_text(str(m.year) if m.year else "n.d.")}"'
    )
    parts = [raw_html_safe(f'<div class="article-header" markdown="0" {data}>'), _byline(article)]
    parts += _affiliations(m)
    parts += _venue(m)
    parts += _identifiers(m)
    parts.append(raw_html_safe(render_cite_this(m)))
    parts.append(
        f'<p class="downloads"><a href="../../downloads/{m.slug}.pdf">PDF of this '
        f'article</a> · <a href="../../downloads/reader.pdf">PDF of the whole reader</a>'
        f' · <a href="../../downloads/{m.slug}.epub">EPUB of this article</a>'
        f' · <a href="../../downloads/reader.epub">EPUB of the whole reader</a>'
        f' · <a href="../../editorial/#{m.slug}">What the cleaner removed from this '
        f"text</a></p>"
    )
    parts.append(
        f'<p class="downloads reference-files">'
        f"{article_downloads(m.slug, bool(article.references))}</p>"
    )
    parts.append("</div>")
    return "\n".join(parts) + "\n"


# The reading settings of the bar (annotations.js's SETTINGS, reader.js's CLASSES).
_SETTINGS = (
    ("pnum", "Show paragraph numbers"),
    ("terms", "Mark glossary terms in the text"),
    ("related", "Show “See also” passages"),
)


def render_annotation_bar() -> str:
    """The bar under an article's header: how many highlights and notes the student has
    here (none, until annotations.js, loaded on demand, counts them) and the reading
    settings.  Written into the page, so that it does not appear late and push the text
    down; the scripts fill it in.  Fixed texts, the same on every article."""
    items = "".join(
        f'<label class="reader-settings__item"><input type="checkbox" '
        f'name="csto-setting-{html_text(name)}" checked> {html_text(label)}</label>'
        for name, label in _SETTINGS
    )
    intro = (
        "<strong>0 highlights and notes</strong> of yours on this article. Select a passage "
        "to highlight it (or select it and press H), or click a paragraph number to note the "
        "whole paragraph or cite it. They stay in this browser only: nothing is sent "
        'anywhere. <a href="../../my-notes/">All my notes</a>'
    )
    return (
        '<div class="anno-bar anno-ui" role="region" aria-label="Your highlights and notes" '
        f'markdown="0">\n<p class="anno-bar__intro">{intro}</p>\n'
        '<details class="reader-settings anno-ui"><summary>Reading settings</summary>'
        f'<div class="reader-settings__list">{items}</div>'
        '<p class="reader-settings__note">Kept in this browser only, for every page of the '
        "reader.</p></details>\n</div>\n"
    )


def _byline(article: Article) -> str:
    notes = [v for b in article.author_notes for k, v in split_tokens(b) if k == "fn"]
    by = ", ".join(html.escape(a.name) for a in article.meta.authors)
    by += "".join(inline_html(fn_token(k)) for k in notes)
    return f'<p class="byline">{by}</p>'


def _affiliations(m: ArticleMeta) -> list[str]:
    affs = [a for a in m.authors if a.affiliation or a.email or a.orcid]
    if not affs:
        return []
    parts = ['<ul class="affiliations">']
    for a in affs:
        bits = [html.escape(a.affiliation)] if a.affiliation else []
        if a.email:
            bits.append(f'<a href="mailto:{html.escape(a.email)}">{html.escape(a.email)}</a>')
        if a.orcid:
            bits.append(
                f'ORCID <a href="https://orcid.org/{html.escape(a.orcid)}">'
                f"{html.escape(a.orcid)}</a>"
            )
        parts.append(f"<li>{html.escape(a.name)}: {', '.join(bits)}</li>")
    parts.append("</ul>")
    return parts


def _venue(m: ArticleMeta) -> list[str]:
    venue = []
    if m.venue:
        venue.append(f"<cite>{html.escape(m.venue)}</cite>")
    if m.volume:
        venue.append(html.escape(m.volume) + (f"({html.escape(m.issue)})" if m.issue else ""))
    if m.pages:
        venue.append(f"pp. {html.escape(m.pages)}")
    if m.year:
        venue.append(str(m.year))
    if not venue:
        return []
    prov = m.provenance.get("venue")
    src = f' <span class="provenance">(venue from {html.escape(prov)})</span>' if prov else ""
    return [f'<p class="venue">{", ".join(venue)}{src}</p>']


def _identifiers(m: ArticleMeta) -> list[str]:
    """DOI (or URL), licence, source note, keywords and abstract."""
    parts = []
    if m.doi:
        d = html.escape(m.doi)
        parts.append(
            f'<p class="doi">DOI: <a href="https://doi.org/{d}">https://doi.org/{d}</a></p>'
        )
    elif m.url:
        parts.append(
            f'<p class="doi">URL: <a href="{html.escape(m.url)}">{html.escape(m.url)}</a></p>'
        )
    if m.license:
        lic = html.escape(m.license)
        if m.license_url:
            lic = f'<a href="{html.escape(m.license_url)}">{lic}</a>'
        parts.append(f'<p class="license">Licence: {lic}</p>')
    if m.note:
        parts.append(f'<p class="source-note">{inline_html(m.note)}</p>')
    if m.keywords:
        kws = ", ".join(html.escape(k) for k in m.keywords)
        parts.append(f'<p class="keywords"><strong>Keywords:</strong> {kws}</p>')
    if m.abstract:
        parts.append(
            f'<div class="abstract"><p><strong>Abstract.</strong> '
            f"{inline_html(m.abstract)}</p></div>"
        )
    return parts


def render_footnotes(notes: tuple[Footnote, ...]) -> str:
    placed = [f for f in notes if f.placed]
    if not placed:
        return ""
    items = []
    for f in placed:
        items.append(
            f'<li id="{note_anchor(f.key)}"><span class="fn-label">{html.escape(f.key)}</span> '
            f"{inline_html(f.text)} "
            f'<a class="footnote-backref" href="#{note_ref_anchor(f.key)}" '
            'title="Back to the text">↩</a></li>'
        )
    return (
        '\n## Notes { #notes }\n\n<div class="footnote" markdown="0"><ol class="notes">'
        + "".join(items)
        + "</ol></div>\n"
    )


def editorial_note(text_html: str) -> str:
    return (
        f'<aside class="editorial-note" markdown="0"><p class="editorial-label">'
        f"Editorial note</p>{text_html}</aside>\n"
    )


def render_article(
    article: Article,
    heading_ids: Mapping[int, str],
    references_md: str | None = None,
    mark: TermMarker = NO_TERMS,
    see_also: Mapping[str, Related] | None = None,
    head: Mapping[str, object] | None = None,
) -> str:
    """The whole Markdown page of one article.  ``references_md``: its reference list
    as the bibliography stage formats it (else the list as printed); ``see_also``:
    anchor -> the related groups of that passage (a mark at the block, one list at the
    end of its section: ``publish.related``); ``head``: more front matter
    fields, already escaped (``metadata.page_head``: the citation tags and JSON-LD)."""
    m = article.meta
    related = RelatedPassages(m.slug, see_also)
    out = [
        front_matter(m.title, _description(m.abstract), **(head or {})),
        f"# {inline_text(m.title)} {{ #title }}\n",
        render_header(article),
        render_annotation_bar(),
    ]
    for note in m.editorial:
        out.append(editorial_note(f"<p>{inline_html(note)}</p>"))
    unplaced = sorted((f for f in article.footnotes if not f.placed), key=lambda f: f.span.line)
    for i, b in enumerate(article.blocks):
        out += _block(b, i, heading_ids, mark, related)
        # an unplaced note sits where its text stood in the source
        nxt = article.blocks[i + 1].span.line if i + 1 < len(article.blocks) else 10**9
        while unplaced and unplaced[0].span.line < nxt:
            out.append(_unplaced_note(unplaced.pop(0)))
    out.append(related.section_list())
    out.append(render_footnotes(article.footnotes))
    out.append(related.rest_list())
    out += _references(article, references_md)
    out += _back_matter(article, heading_ids)
    return one_id_per_note_call("\n".join(part for part in out if part))


_NOTE_CALL_ID = re.compile(r'<sup class="fn" id="([^"]+)">')


def one_id_per_note_call(page: str) -> str:
    """A note called twice (Beloglazov's note 10: ``"Islamic State"*`` and ``country¹⁰``)
    keeps its call id on the first call only; a later call links to the note without
    an id, so the page holds no id twice."""
    seen: set[str] = set()

    def once(m: re.Match[str]) -> str:
        if m.group(1) in seen:
            return '<sup class="fn">'
        seen.add(m.group(1))
        return m.group(0)

    return _NOTE_CALL_ID.sub(once, page)


def _block(
    b: Block, i: int, heading_ids: Mapping[int, str], mark: TermMarker, related: RelatedPassages
) -> list[str]:
    """A block's Markdown: the one place that writes each kind of block.  A heading comes
    after the related-passages list of the section it ends; a numbered block ends with
    its related-passages mark if it has one."""
    match b:
        case Heading():
            heading = f"{'#' * b.level} {inline_text(b.text)} {{ #{heading_ids[i]} }}\n"
            return [related.section_list(), heading]
        case Paragraph() | Quote():
            anchor = _anchor(b.anchor)
            after = related.mark(anchor)
            return [_para(b.text, anchor, quote=isinstance(b, Quote), mark=mark, after=after)]
        case Table():
            return [render_table(b, related.mark(_anchor(b.anchor)))]
        case ListBlock():
            return [_list(b, mark, related)]
    return []


def _list(b: ListBlock, mark: TermMarker, related: RelatedPassages) -> str:
    lines = []
    for n, it in enumerate(b.items, start=1):
        # a sub-item (depth 1, 2, ...) is a bullet of a list nested in the item before it
        marker = f"{it.number or n}." if b.ordered and not it.depth else "-"
        pad = "    " * it.depth
        anchor = _anchor(it.anchor)
        after = related.mark(anchor)
        lines.append(
            f"{pad}{marker} {pnum(anchor)}{mark(inline(it.text))}{after}"
            f"\n{pad}    {{: #{anchor} .para }}\n"
        )
        if it.quote:
            qa = _anchor(it.quote_anchor)
            indent = pad + "    "
            lines.append(
                "\n"
                + _para(it.quote, qa, indent=indent, quote=True, mark=mark, after=related.mark(qa))
            )
    return "\n".join(lines)


def _anchor(anchor: str | None) -> str:
    if anchor is None:
        raise ValueError("a body block without its anchor: the anchors stage did not run")
    return anchor


def _unplaced_note(f: Footnote) -> str:
    return editorial_note(
        f"<p>The original prints the following note ({html.escape(f.key)}) "
        f"here, but its text has no marker for it:</p>"
        f"<blockquote><p>{inline_html(f.text)}</p></blockquote>"
    )


def _references(article: Article, references_md: str | None) -> list[str]:
    if not article.references:
        return []
    title = article.references_title or "References"
    out = [f"\n## {inline_text(title)} {{ #references }}\n"]
    if references_md:
        return out + [references_md]
    numbered = all(r.number is not None for r in article.references)
    for n, r in enumerate(article.references, start=1):
        marker = f"{r.number}." if numbered else "-"
        out.append(f"{marker} {inline(r.text)}\n    {{: #ref-{r.number or n} }}\n")
    return out


def _back_matter(article: Article, heading_ids: Mapping[int, str]) -> list[str]:
    out = []
    taken = set(heading_ids.values())
    for bm in article.back_matter:
        out.append(f"\n## {inline_text(bm.title)} {{ #{unique_slug(bm.title, taken)} }}\n")
        for p in bm.paragraphs:
            out.append("<br>\n".join(inline(x) for x in p.split("\n")) + "\n")
    return out
