"""PDF stage: the whole reader and each article, typeset with WeasyPrint from the built site.

The input is a built site (``mkdocs build`` output).  From each article page we take the
content of Material's ``<article>`` element only (never Material's layout CSS), and assemble
one HTML document per PDF, styled by our own paged-media stylesheet (``pdf.css``):

* ``reader.pdf``: cover, contents with page numbers, every article (each starting on a
  right-hand page), then the glossary and the chronology as appendices when the site has
  ``/glossary/`` and ``/timeline/`` pages;
* ``<slug>.pdf``: one article, and the glossary terms it links to.

Each article prints its reference list once, in the article's own form, with where the
reader cites each work (``pdf_apparatus``); the merged bibliography of the web edition is
not printed again: a citation links to the entry in the article's list, and the cover says
where the merged list is (``/bibliography/``, ``reader.bib``).

The HTML is rewritten on the way:

* every ``id`` is prefixed with its page's prefix (``zhang-2023--p14``), so ids are unique
  across the combined document, and every link to a page in the document (``#p14``,
  ``../../glossary/#crrf``, ``../beloglazov-2023/#p3``) becomes a link to the prefixed id;
  a link to an entry of ``/bibliography/`` leads to that work in the reference list of
  the article (the same one when it lists the work); a link to a page that is not in the
  PDF (the editorial page, the downloads) loses its ``href`` and stays as text;
* each footnote body (``li#fn:K`` at the end of the page) moves to the place of its marker
  (``sup.fn``) as a ``span.fn-note`` that the stylesheet floats to the foot of the page
  (``float: footnote``); it keeps its number from the web page (``data-label``).  A note
  without a marker stays in the notes list;
* web-only parts go: permalink anchors, back-links of notes, the downloads line, the
  BibTeX to copy, instructions for the web page ("copied when you click its number").

``build_pdfs`` gives the reader the footnote fixes the articles' PDFs needed
(``PdfJob.fixes``): an article is set alike in both (it starts on a right-hand page), so
the reader is laid out once instead of twice.  The reader's job, the longest, starts at
once beside the articles' jobs: with the fixes kept from the last build when nothing they
depend on changed (``FIXES_CACHE``, checked against the fixes the articles find), else it
parses its document while the articles are laid out and starts its layout as soon as each
article has sent its fixes, before the articles write their PDFs.

The PDFs are tagged (PDF/UA-1: structure tree, document language, title shown as the
window title, headings, lists, tables; footnotes tagged ``Note``), see ``render_pdf``.

WeasyPrint fetches nothing from the network: ``LocalOnlyFetcher`` allows only ``file:`` and
``data:`` URLs, and records any other that a document asks for.

This is the only module that imports WeasyPrint.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import functools
import gc
import hashlib
import json
import logging
import multiprocessing
import multiprocessing.queues
import os
import queue
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import lxml.html
import weasyprint
from lxml.html import HtmlElement
from weasyprint.urls import URLFetcher

from ..diagnostics import WARNING, BuildError, Diagnostic, Reporter
from ..markup import NOTE_PREFIX, note_anchor, note_ref_anchor, parse_note_anchor
from ..model import Span
from . import pdf_apparatus as apparatus
from .pdf_apparatus import by_class as _by_class
from .pdf_apparatus import drop_keep_tail as _drop_keep_tail
from .pdf_apparatus import element as _element
from .pdf_apparatus import has_class as _has_class
from .pdf_apparatus import resolve_link
from .pdf_apparatus import text_of as _text

STYLESHEET = Path(__file__).with_name("pdf.css")

# @page sizes by the --paper option.
PAPER_SIZES: dict[str, str] = {"a4": "A4", "letter": "letter"}

# Appendix pages of the site, in the order they follow the articles: (site path, id prefix).
APPENDIX_PAGES: tuple[tuple[str, str], ...] = (
    ("glossary/", "glossary"),
    ("timeline/", "chronology"),
    ("index/", "index"),  # the index of names (publish/index_page.py), last as in a book
)

# The merged bibliography: read for the notes of each work, not printed (see above).
BIBLIOGRAPHY_PAGE = "bibliography/"

# The PDF variant written: tagged PDF for assistive technology (WeasyPrint >= 66).
PDF_VARIANT = "pdf/ua-1"

# Elements that hold lines of text (numbered data-b in the assembled document).
_BLOCK_TAGS = (
    "p",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "div",
    "td",
    "th",
    "caption",
    "dd",
    "dt",
    "aside",
    "section",
    "figcaption",
)

# Where build_pdfs keeps the footnote fixes of the last build (relative to the current
# folder, the project root as `make` runs; beside the ingest cache, git-ignored).
FIXES_CACHE = Path(".cache") / "csto_reader" / "pdf-fixes.json"

# How many times a document is laid out again to bring footnotes to their calls' pages.
FOOTNOTE_PASSES = 4

# The pretend host that relative links are resolved against (never contacted).
_SITE_HOST = "reader.invalid"

# Elements that exist only for the web page.
_WEB_ONLY_XPATH = (
    ".//a[contains(concat(' ', normalize-space(@class), ' '), ' headerlink ')]"
    " | .//a[contains(concat(' ', normalize-space(@class), ' '), ' footnote-backref ')]"
    " | .//p[contains(concat(' ', normalize-space(@class), ' '), ' downloads ')]"
    " | .//script | .//style | .//form | .//nav | .//button | .//select | .//label"
    " | .//div[contains(concat(' ', normalize-space(@class), ' '), ' bib-filter ')]"
    " | .//div[contains(concat(' ', normalize-space(@class), ' '), ' anno-bar ')]"
    " | .//*[contains(concat(' ', normalize-space(@class), ' '), ' md-source-file ')]"
    " | .//a[contains(concat(' ', normalize-space(@class), ' '), ' md-content__button ')]"
)


# ------------------------------------------------------------------------ reading pages


@dataclass
class SitePage:
    """One page of the built site, cut down to its content and ready for a combined PDF.

    ``ids`` maps each fragment used on the web page (``p14``, ``fn:3``, ``fnref:3``) to the
    id of its target in the combined document (``zhang-2023--p14``).
    """

    key: str
    prefix: str
    content: HtmlElement
    title: str
    ids: dict[str, str] = field(default_factory=dict)

    @property
    def top_id(self) -> str:
        """The id of the section that holds the page in the combined document."""
        return f"{self.prefix}--top"


@dataclass(frozen=True)
class ArticleInfo:
    """What the cover, the contents, the running heads and the metadata say of an article."""

    slug: str
    title: str
    authors: str
    venue: str
    keywords: str
    sections: tuple[tuple[str, str], ...]  # (web id, heading text) of each h2
    label: str = ""  # the first author's surname, as the article's APA line gives it


def page_content(site_dir: Path, key: str, drop_xpath: str = _WEB_ONLY_XPATH) -> HtmlElement | None:
    """Material's ``article.md-content__inner`` of ``site_dir/<key>index.html``, its
    attributes cleared and the elements ``drop_xpath`` finds removed (their tails kept);
    None when the page or that element is absent.  The PDF and the EPUB stage read pages
    through it."""
    path = site_dir / key / "index.html"
    if not path.is_file():
        return None
    root = lxml.html.parse(str(path)).getroot()
    found = _by_class(root, "article", "md-content__inner")
    if not found:
        return None
    content = found[0]
    content.attrib.clear()
    for element in content.xpath(drop_xpath):
        _drop_keep_tail(element)
    return content


def load_page(site_dir: Path, key: str, prefix: str) -> SitePage | None:
    """Read ``site_dir/<key>index.html`` and return its cleaned content, or None if absent.

    The content is the children of Material's ``article.md-content__inner``; web-only parts
    are removed, and every id is prefixed with ``prefix``.
    """
    content = page_content(site_dir, key)
    if content is None:
        return None
    _open_disclosures(content, keep=key.startswith("articles/"))
    title_element = content.find(".//h1")
    title = _text(title_element) or prefix
    page = SitePage(key=key, prefix=prefix, content=content, title=title)
    _place_footnotes(page)
    _prefix_ids(page)
    return page


# A clause of the web page that tells what a click does ("; the paragraph's own address is
# copied when you click its number"): the sentence stays, the clause goes.
_CLICK_CLAUSE = re.compile(r"[;,]?[^;,.]*\b(?:click|tap)(?:s|ed|ing)?\b[^;.]*")


def _open_disclosures(content: HtmlElement, *, keep: bool) -> None:
    """Print what a ``<details>`` holds, or leave it out.

    An article's reference list tells, in a ``<details>``, each entry as the article
    printed it: the text its printed list is made from (``pdf_apparatus``).  Elsewhere
    the disclosures are left out.
    """
    # The BibTeX of "Cite this article" is for copying from the web page, not for paper,
    # and so is the instruction to click a paragraph's number.
    for bibtex in content.xpath(".//pre[contains(@class, 'cite-bibtex')]"):
        label = bibtex.getprevious()
        if label is not None and _text(label) == "BibTeX:":
            _drop_keep_tail(label)
        _drop_keep_tail(bibtex)
    for cite in content.xpath(".//details[contains(@class, 'cite-this')]//p"):
        for node in cite.iter():
            if node.text:
                node.text = _CLICK_CLAUSE.sub("", node.text)
            if node.tail and node is not cite:
                node.tail = _CLICK_CLAUSE.sub("", node.tail)
    # the web page's disclosure around an article's reference list: the list alone
    for wrapper in content.xpath(".//details[contains(@class, 'references-all')]"):
        for summary in wrapper.findall("summary"):
            _drop_keep_tail(summary)
        wrapper.drop_tag()
    for details in content.xpath(".//details"):
        if not keep:
            _drop_keep_tail(details)
            continue
        details.tag = "div"
        details.set("class", f"details {details.get('class') or ''}".strip())
        details.attrib.pop("open", None)
        for summary in details.findall("summary"):
            summary.tag = "p"
            summary.set("class", "details-summary")


def article_info(page: SitePage) -> ArticleInfo:
    """The article's title, authors, venue, keywords and h2 sections, read from its page."""
    header = _by_class(page.content, "div", "article-header")
    authors = ""
    venue = ""
    keywords = ""
    if header:
        byline = _by_class(header[0], "p", "byline")
        if byline:
            authors = _text_without(byline[0], "fn-note")
        venue_p = _by_class(header[0], "p", "venue")
        # Without the note on where the venue was found (span.provenance).
        venue = _text_without(venue_p[0], "provenance") if venue_p else ""
        keywords_p = _by_class(header[0], "p", "keywords")
        if keywords_p:
            keywords = _text(keywords_p[0]).removeprefix("Keywords:").strip()
    sections = tuple(
        (h.get("data-web-id", ""), _text_without(h, "fn-note"))
        for h in page.content.iter("h2")
        if h.get("id")
    )
    return ArticleInfo(
        slug=page.prefix,
        title=page.title,
        authors=authors,
        venue=venue,
        keywords=keywords,
        sections=sections,
        label=_short_label(page.content, authors or page.title),
    )


def _short_label(content: HtmlElement, fallback: str) -> str:
    """The first author's surname as the article's own APA line gives it ("Zhang, S.
    (2023). ..." -> "Zhang"), else the last word of ``fallback`` (the byline)."""
    for line in _by_class(content, "p", "cite-apa"):
        said = _text(line).split(":", 1)[-1].strip()
        surname = re.match(r"([^,(]+?),", said)
        if surname:
            return surname.group(1).strip()
    words = fallback.split()
    return words[-1] if words else fallback


def _text_without(element: HtmlElement, skip_class: str) -> str:
    """The element's text, leaving out descendants of class ``skip_class`` (footnotes)."""
    clone = copy.deepcopy(element)
    for inner in clone.xpath(
        f".//*[contains(concat(' ', normalize-space(@class), ' '), ' {skip_class} ')]"
    ):
        _drop_keep_tail(inner)
    return _text(clone)


def _unwrap_to_span(element: HtmlElement) -> None:
    """Turn a link into plain text in a span (keeping its class and content)."""
    for name in ("href", "title", "target", "rel", "aria-label"):
        element.attrib.pop(name, None)
    element.tag = "span"


# ------------------------------------------------------------------------------ footnotes


def _place_footnotes(page: SitePage) -> None:
    """Move each footnote body to its marker, as a ``span.fn-note`` for ``float: footnote``.

    The body keeps the web page's number (``data-label``).  A second marker of the same
    note becomes a plain link to the first.  A note with no marker stays in the list; when
    no note is left there, the list goes, and so does its heading ("Notes") if it then
    heads nothing.
    """
    content = page.content
    bodies: dict[str, HtmlElement] = {}
    for li in content.xpath(f".//li[starts-with(@id, '{NOTE_PREFIX}')]"):
        bodies[parse_note_anchor(li.get("id")) or ""] = li
    placed: set[str] = set()
    for sup in _by_class(content, "sup", "fn"):
        link = sup.find("a")
        href = link.get("href", "") if link is not None else ""
        key = (parse_note_anchor(href) if href.startswith("#") else None) or ""
        body = bodies.get(key)
        if body is None:
            continue
        label = _text(body.find("span[@class='fn-label']")) or _text(link) or key
        if key in placed:
            again = lxml.html.Element("sup", {"class": "fn-again"})
            again_link = lxml.html.Element("a", {"href": f"#{note_anchor(key)}"})
            again_link.text = label
            again.append(again_link)
            again.tail = sup.tail
            sup.getparent().replace(sup, again)
            continue
        placed.add(key)
        note = _note_span(body, key, label)
        note.tail = sup.tail
        sup.getparent().replace(sup, note)
        _keep_call_with_word(note)
        page.ids[note_ref_anchor(key)] = note_anchor(key)  # prefixed with the rest in _prefix_ids
        body.getparent().remove(body)
    for footnote_div in _by_class(content, "div", "footnote"):
        if footnote_div.find(".//li") is not None:
            continue
        heading = footnote_div.getprevious()
        footnote_div.getparent().remove(footnote_div)
        if heading is not None and heading.tag in ("h2", "h3") and _heads_nothing(heading):
            _drop_keep_tail(heading)


def _keep_call_with_word(note: HtmlElement) -> None:
    """Wrap the word before a note's call and the note in ``span.fn-keep`` (no line break
    inside), so that the call never starts a line, or a page, away from its word."""
    parent = note.getparent()
    previous = note.getprevious()
    before = (previous.tail if previous is not None else parent.text) or ""
    word = re.search(r"\S+$", before)
    if word is None:
        return
    keep = lxml.html.Element("span", {"class": "fn-keep"})
    keep.text = word.group(0)
    if previous is not None:
        previous.tail = before[: word.start()]
    else:
        parent.text = before[: word.start()]
    keep.tail = note.tail
    note.tail = None
    parent.replace(note, keep)
    keep.append(note)


def _note_span(body: HtmlElement, key: str, label: str) -> HtmlElement:
    """A ``span.fn-note`` with the note's content (block children turned into spans)."""
    note = lxml.html.Element(
        "span", {"class": "fn-note", "id": note_anchor(key), "data-label": label}
    )
    note.text = body.text
    for child in list(body):
        if child.tag == "span" and _has_class(child, "fn-label"):
            # The label is shown by ::footnote-marker; keep what follows it.
            if child.tail:
                if len(note):
                    note[-1].tail = (note[-1].tail or "") + child.tail
                else:
                    note.text = (note.text or "") + child.tail
            continue
        note.append(child)
    # A <p> inside a <span> would be split by the HTML parser: make blocks spans.
    for block in note.xpath(".//p | .//div | .//ul | .//ol | .//li | .//blockquote"):
        block.set("class", f"fn-{block.tag} {block.get('class') or ''}".strip())
        block.tag = "span"
    if note.text:
        note.text = note.text.lstrip()
    return note


def _heads_nothing(heading: HtmlElement) -> bool:
    """True when the next element is a heading of the same or a higher rank, or none."""
    following = heading.getnext()
    if following is None:
        return True
    if re.fullmatch(r"h[1-6]", str(following.tag)):
        return int(str(following.tag)[1]) <= int(str(heading.tag)[1])
    return False


def _prefix_ids(page: SitePage) -> None:
    """Prefix every id with the page's prefix, and record old -> new in ``page.ids``."""
    for element in page.content.iter():
        if not isinstance(element.tag, str):
            continue
        old = element.get("id")
        if old is None:
            continue
        new = f"{page.prefix}--{old}"
        element.set("id", new)
        element.set("data-web-id", old)
        page.ids[old] = new
    for alias, target in list(page.ids.items()):
        if not target.startswith(f"{page.prefix}--"):
            page.ids[alias] = f"{page.prefix}--{target}"


# ---------------------------------------------------------------------------------- links


def _rewrite_links(
    pages: Sequence[SitePage], existing_ids: set[str], site_dir: Path
) -> dict[str, list[str]]:
    """Point links between the document's pages at their prefixed ids; unlink the rest.

    Returns, per page prefix, the ids its links point to (for choosing appendix entries).
    """
    by_key = {page.key: page for page in pages}
    targets: dict[str, list[str]] = {page.prefix: [] for page in pages}
    for page in pages:
        for link in list(page.content.iter("a")):
            href = link.get("href")
            if href is None:
                continue
            where = resolve_link(page.key, href)
            if where is None:
                continue  # another host: an ordinary external link in the PDF
            key, fragment = where
            target_page = by_key.get(key)
            target = None
            if target_page is not None:
                target = target_page.ids.get(fragment) if fragment else target_page.top_id
            if target is not None and target in existing_ids:
                link.set("href", f"#{target}")
                targets[page.prefix].append(target)
            else:
                _unwrap_to_span(link)
        for image in page.content.iter("img"):
            src = image.get("src") or ""
            where = resolve_link(page.key, src)
            if where is not None:
                local = (site_dir / where[0].rstrip("/")).resolve()
                if local.is_file() and local.is_relative_to(site_dir.resolve()):
                    image.set("src", local.as_uri())
                else:
                    _drop_keep_tail(image)
    return targets


def _all_ids(roots: Iterable[HtmlElement]) -> set[str]:
    return {
        element.get("id")
        for root in roots
        for element in root.iter()
        if isinstance(element.tag, str) and element.get("id")
    }


# ------------------------------------------------------------------------ the documents


@dataclass(frozen=True)
class Site:
    """The parts of a built site that the PDFs are made from."""

    site_dir: Path
    title: str
    description: str
    slugs: tuple[str, ...]


def read_site(site_dir: Path) -> Site:
    """The site's title, description and articles (in the order of the home page cards)."""
    home = lxml.html.parse(str(site_dir / "index.html")).getroot()
    # Material's <title> is "<page title> - <site name>".
    title = _text(home.find(".//title")).rsplit(" - ", 1)[-1] or "The CSTO Reader"
    description = ""
    for meta in home.iter("meta"):
        if meta.get("name") == "description":
            description = " ".join((meta.get("content") or "").split())
    slugs: list[str] = []
    for link in home.iter("a"):
        match = re.fullmatch(
            r"(?:\./)?articles/([a-z0-9-]+)/(?:index\.html)?", link.get("href", "")
        )
        if (
            match
            and match.group(1) not in slugs
            and (site_dir / "articles" / match.group(1)).is_dir()
        ):
            slugs.append(match.group(1))
    if not slugs:  # no cards: every built article, by name
        slugs = sorted(p.parent.name for p in (site_dir / "articles").glob("*/index.html"))
    return Site(site_dir=site_dir, title=title, description=description, slugs=tuple(slugs))


def _article_section(page: SitePage, info: ArticleInfo) -> HtmlElement:
    """The article's content in a ``section.article``, its h1 carrying the running heads."""
    section = _element("section", {"class": "article", "id": page.top_id, "lang": "en"})
    section.text = page.content.text
    for child in list(page.content):
        section.append(child)
    h1 = section.find(".//h1")
    if h1 is not None:
        h1.set("class", "article-title")
        h1.set("data-running-title", running_head(info.title))
        h1.set("data-running-authors", running_head(info.authors or info.title))
    return section


def running_head(text: str, limit: int = 120) -> str:
    """``text`` short enough for the one line of a running head: a word over 40
    characters is cut, and the whole at a word before ``limit`` characters, each with
    "…" (the article's own titles are far shorter and stay as they are)."""
    short = " ".join(w if len(w) <= 40 else w[:39] + "…" for w in text.split())
    if len(short) <= limit:
        return short
    cut = short[:limit].rsplit(" ", 1)[0] if " " in short[:limit] else short[:limit]
    return cut.rstrip(" ,;:") + "…"


def _appendix_section(
    page: SitePage, letter: str, keep_ids: set[str] | None, note: str, *, brief: bool = False
) -> HtmlElement | None:
    """An appendix from a whole site page, or from the entries whose ids are in keep_ids
    (see ``_select_entries`` for ``brief``)."""
    section = _element("section", {"class": f"appendix appendix-{page.prefix}", "id": page.top_id})
    children = list(page.content)
    h1 = page.content.find(".//h1")
    title = page.title
    heading = _element(
        "h1",
        {
            "class": "appendix-title",
            "data-running-title": f"Appendix {letter}: {title}",
            "data-running-authors": "The CSTO Reader",
        },
        f"Appendix {letter}: {title}",
    )
    if h1 is not None and h1.get("id"):
        heading.set("id", h1.get("id"))
    section.append(heading)
    if keep_ids is None:
        for child in children:
            if child is not h1:
                section.append(child)
        return section
    entries = _select_entries(page.content, keep_ids, brief=brief)
    if not entries:
        return None
    section.append(_element("p", {"class": "appendix-note"}, note))
    for entry in entries:
        section.append(entry)
    return section


def _select_entries(
    content: HtmlElement, keep_ids: set[str], *, brief: bool = False
) -> list[HtmlElement]:
    """The entries of an appendix page that hold one of ``keep_ids``, in page order.

    An entry is a heading with what follows it up to the next heading of the same or a
    higher rank (only the first block after it when ``brief``: a glossary term and its
    definition), a list item (kept in a list like its own), or a top-level block.
    """
    chosen: list[HtmlElement] = []
    seen: set[int] = set()
    children = list(content)
    for element in list(content.iter()):
        if not isinstance(element.tag, str) or element.get("id") not in keep_ids:
            continue
        entry = element
        while (
            entry.getparent() is not None and entry.getparent() is not content and entry.tag != "li"
        ):
            entry = entry.getparent()
        if id(entry) in seen:
            continue
        seen.add(id(entry))
        if entry.tag == "li":
            wrapper = _element(entry.getparent().tag, {"class": "entries"})
            wrapper.append(copy.deepcopy(entry))
            chosen.append(wrapper)
        elif re.fullmatch(r"h[2-6]", str(entry.tag)):
            rank = int(str(entry.tag)[1])
            chosen.append(copy.deepcopy(entry))
            for count, follower in enumerate(children[children.index(entry) + 1 :]):
                tag = str(follower.tag)
                if re.fullmatch(r"h[1-6]", tag) and int(tag[1]) <= rank or brief and count:
                    break
                seen.add(id(follower))
                chosen.append(copy.deepcopy(follower))
        elif entry.getparent() is content and entry.tag != "h1":
            chosen.append(copy.deepcopy(entry))
    return chosen


def _cover(
    site: Site,
    infos: Sequence[ArticleInfo],
    build_date: datetime.date,
    *,
    has_bibliography: bool = False,
) -> HtmlElement:
    """The cover: title, the articles, and how the printed edition relates to the web."""
    cover = _element("section", {"class": "cover", "id": "cover"})
    cover.append(_element("p", {"class": "cover-kicker"}, "A reading edition"))
    cover.append(_element("h1", {"class": "cover-title"}, site.title))
    if site.description:
        cover.append(_element("p", {"class": "cover-subtitle"}, site.description))
    items = []
    for info in infos:
        link = _element("a", {"href": f"#{info.slug}--top"})
        link.append(_element("span", {"class": "cover-article-title"}, info.title))
        if info.authors:
            link.append(_element("span", {"class": "cover-article-authors"}, info.authors))
        if info.venue:
            link.append(_element("span", {"class": "cover-article-venue"}, info.venue))
        items.append(_element("li", children=[link]))
    cover.append(_element("ol", {"class": "cover-articles"}, children=items))
    cover.append(
        _element(
            "p",
            {"class": "cover-date"},
            f"Built on {build_date.day} {build_date:%B %Y} from the web edition. "
            "The ¶ numbers in the margins are those of the web pages "
            "(articles/<slug>/#p12), so a passage cited from paper can be found online. "
            "Each article is under the licence stated on its first page."
            + (
                " Each work is printed in the reference list of every article that lists "
                "it, as that article prints it, with the passages that cite it; the merged "
                "bibliography of all the works, in APA 7, is on the web edition's "
                "Bibliography page (/bibliography/) and in downloads/reader.bib."
                if has_bibliography
                else ""
            ),
        )
    )
    return cover


def _contents(infos: Sequence[ArticleInfo], appendices: Sequence[tuple[str, str]]) -> HtmlElement:
    """The table of contents: articles with their sections, then the appendices."""
    nav = _element("section", {"class": "toc", "id": "contents"})
    nav.append(_element("h1", {"class": "toc-title"}, "Contents"))
    entries = []
    for info in infos:
        link = _element("a", {"class": "toc-link", "href": f"#{info.slug}--top"}, info.title)
        item = _element("li", {"class": "toc-article"}, children=[link])
        if info.authors:
            item.append(_element("span", {"class": "toc-authors"}, info.authors))
        sections = [
            _element(
                "li",
                children=[
                    _element("a", {"class": "toc-link", "href": f"#{info.slug}--{web_id}"}, text)
                ],
            )
            for web_id, text in info.sections
            if web_id
        ]
        if sections:
            item.append(_element("ol", {"class": "toc-sections"}, children=sections))
        entries.append(item)
    for top_id, title in appendices:
        link = _element("a", {"class": "toc-link", "href": f"#{top_id}"}, title)
        entries.append(_element("li", {"class": "toc-appendix"}, children=[link]))
    nav.append(_element("ol", {"class": "toc-list"}, children=entries))
    return nav


def _document(
    title: str,
    authors: Sequence[str],
    description: str,
    keywords: str,
    build_date: datetime.date,
    body_class: str,
    sections: Iterable[HtmlElement],
) -> HtmlElement:
    """The complete HTML of a PDF, with the metadata WeasyPrint writes into it."""
    html = _element("html", {"lang": "en"})
    head = _element("head")
    head.append(_element("meta", {"charset": "utf-8"}))
    head.append(_element("title", None, title))
    for author in authors:
        if author:
            head.append(_element("meta", {"name": "author", "content": author}))
    if description:
        head.append(_element("meta", {"name": "description", "content": description}))
    if keywords:
        head.append(_element("meta", {"name": "keywords", "content": keywords}))
    head.append(
        _element(
            "meta",
            {
                "name": "generator",
                "content": f"csto_reader pdf (WeasyPrint {weasyprint.__version__})",
            },
        )
    )
    head.append(_element("meta", {"name": "dcterms.created", "content": build_date.isoformat()}))
    html.append(head)
    body = _element("body", {"class": body_class}, children=sections)
    html.append(body)
    # Number the blocks, so that a block seen in WeasyPrint's layout can be found here.
    for number, element in enumerate(body.iter(*_BLOCK_TAGS)):
        element.set("data-b", str(number))
    return html


def to_html(document: HtmlElement) -> str:
    """The HTML text of an assembled document."""
    return lxml.html.tostring(document, encoding="unicode", doctype="<!DOCTYPE html>")


def _load_articles(site: Site, slugs: Sequence[str]) -> list[SitePage]:
    pages = []
    for slug in slugs:
        page = load_page(site.site_dir, f"articles/{slug}/", slug)
        if page is None:
            raise FileNotFoundError(f"{site.site_dir}/articles/{slug}/index.html: no article page")
        pages.append(page)
    return pages


def _load_appendices(site: Site) -> list[SitePage]:
    pages = []
    for key, prefix in APPENDIX_PAGES:
        page = load_page(site.site_dir, key, prefix)
        if page is not None:
            pages.append(page)
    return pages


def article_labels(site: Site) -> dict[str, str]:
    """A short name for each article of the site, by its site path ("articles/zhang-2023/":
    "Zhang"); two articles by one surname are told apart by their titles."""
    labels: dict[str, str] = {}
    for slug in site.slugs:
        path = site.site_dir / "articles" / slug / "index.html"
        root = lxml.html.parse(str(path)).getroot()
        title = _text(root.find(".//h1"))
        labels[f"articles/{slug}/"] = _short_label(root, title or slug)
    counts = Counter(labels.values())
    for key, label in list(labels.items()):
        if counts[label] > 1:
            root = lxml.html.parse(str(site.site_dir / key / "index.html")).getroot()
            labels[key] = f"{label}, {running_head(_text(root.find('.//h1')), 40)}"
    return labels


def _work_notes(site: Site) -> dict[str, apparatus.WorkNotes]:
    """What the site's ``/bibliography/`` says of each work (none without that page)."""
    path = site.site_dir / BIBLIOGRAPHY_PAGE / "index.html"
    if not path.is_file():
        return {}
    return apparatus.read_work_notes(lxml.html.parse(str(path)).getroot())


def _print_apparatus(
    site: Site, articles: Sequence[SitePage], appendices: Sequence[SitePage]
) -> dict[str, apparatus.WorkNotes]:
    """Set the reference lists, the glossary and the chronology for print (in place)."""
    labels = article_labels(site)
    notes = _work_notes(site)
    for page in articles:
        apparatus.print_reference_lists(page.content, page.key, notes, labels)
    dates: dict[str, str] = {}
    for page in appendices:
        if page.key == "timeline/":
            dates = apparatus.chronology_dates(page.content)
    for page in appendices:
        if page.key == "glossary/":
            shorts = {key: work.short for key, work in notes.items() if work.short}
            apparatus.print_glossary(page.content, labels, shorts)
        elif page.key == "timeline/":
            apparatus.print_chronology(page.content, labels)
        elif page.key == "index/":
            apparatus.print_index(page.content, dates)
    return notes


def _point_bibliography_links(
    pages: Sequence[SitePage], notes: dict[str, apparatus.WorkNotes]
) -> None:
    """Links to an entry of ``/bibliography/`` lead to the work in an article's reference
    list: the linking article's own when it lists the work, else the first that does.  A
    link that shows the bare key ("chirciu2020") shows the work's author and year."""
    holders: dict[str, list[SitePage]] = {}
    for page in pages:
        for web_id in page.ids:
            if web_id.startswith("ref-"):
                holders.setdefault(web_id.removeprefix("ref-"), []).append(page)
    for page in pages:
        for link in page.content.iter("a"):
            where = resolve_link(page.key, link.get("href", ""))
            if where is None or where[0] != BIBLIOGRAPHY_PAGE or not where[1]:
                continue
            key = where[1]
            listing = holders.get(key, [])
            if listing:
                holder = page if page in listing else listing[0]
                link.set("href", f"/{holder.key}#ref-{key}")
            if _text(link) == key and key in notes and notes[key].short:
                for child in list(link):
                    link.remove(child)
                link.text = notes[key].short


def assemble_reader(site: Site, build_date: datetime.date) -> HtmlElement:
    """The HTML of the whole reader: cover, contents, articles, appendices."""
    articles = _load_articles(site, site.slugs)
    appendices = _load_appendices(site)
    infos = [article_info(page) for page in articles]
    notes = _print_apparatus(site, articles, appendices)
    pages = [*articles, *appendices]
    _point_bibliography_links(pages, notes)
    _rewrite_links(
        pages, _all_ids(p.content for p in pages) | {p.top_id for p in pages}, site.site_dir
    )
    sections: list[HtmlElement] = []
    appendix_sections: list[HtmlElement] = []
    toc_appendices: list[tuple[str, str]] = []
    for index, page in enumerate(appendices):
        letter = chr(ord("A") + index)
        section = _appendix_section(page, letter, None, "")
        if section is not None:
            appendix_sections.append(section)
            toc_appendices.append((page.top_id, f"Appendix {letter}: {page.title}"))
    sections.append(_cover(site, infos, build_date, has_bibliography=bool(notes)))
    sections.append(_contents(infos, toc_appendices))
    sections.extend(
        _article_section(page, info) for page, info in zip(articles, infos, strict=True)
    )
    sections.extend(appendix_sections)
    authors = [info.authors for info in infos]
    keywords = ", ".join(
        dict.fromkeys(k.strip() for info in infos for k in info.keywords.split(",") if k.strip())
    )
    return _document(
        site.title, authors, site.description, keywords, build_date, "reader", sections
    )


def assemble_article(site: Site, slug: str, build_date: datetime.date) -> HtmlElement:
    """The HTML of one article's PDF: the article with its own reference list, then the
    glossary's terms that it links to, each with its short definition.

    A citation links to the entry of the article's own reference list (``#ref-<key>``)
    rather than to the reader's bibliography, which this PDF does not hold.
    """
    (article,) = _load_articles(site, [slug])
    glossary = [page for page in _load_appendices(site) if page.prefix == "glossary"]
    for page in glossary:
        # The links to the index of names (hidden in print) would stand where the brief
        # entry takes the definition from (the first block after the heading).
        for see in _by_class(page.content, "p", "index-see"):
            _drop_keep_tail(see)
    info = article_info(article)
    notes = _print_apparatus(site, [article], [])
    _point_bibliography_links([article, *glossary], notes)
    pages = [article, *glossary]
    targets = _rewrite_links(
        pages, _all_ids(p.content for p in pages) | {p.top_id for p in pages}, site.site_dir
    )
    sections = [_article_section(article, info)]
    for page in glossary:
        wanted = {t for t in targets[article.prefix] if t.startswith(f"{page.prefix}--")}
        note = (
            "The terms of the reader's glossary that this article uses, with their short "
            "definitions; their sources and every use are in the reader's PDF, and the "
            "editors' discussion of each term on the web edition's Glossary page "
            "(/glossary/)."
        )
        section = _appendix_section(page, "A", wanted, note, brief=True) if wanted else None
        if section is not None:
            sections.append(section)
    # Links into glossary entries that were left out become plain text.
    kept = _all_ids(sections)
    for section in sections:
        for link in list(section.iter("a")):
            href = link.get("href", "")
            if href.startswith("#") and href[1:] not in kept:
                _unwrap_to_span(link)
    return _document(
        info.title, [info.authors], site.description, info.keywords, build_date, "single", sections
    )


# ------------------------------------------------------------------------------ rendering


class LocalOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that fetches ``file:`` and ``data:`` URLs and nothing else.

    Any other URL raises ``ValueError`` (WeasyPrint then leaves the resource out and logs a
    warning); the URL is recorded in ``refused``.
    """

    ALLOWED = ("file", "data")

    def __init__(self) -> None:
        super().__init__(allowed_protocols=self.ALLOWED, allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None):  # type: ignore[override]
        """Fetch a ``file:`` or ``data:`` URL; record and refuse any other."""
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme not in self.ALLOWED:
            self.refused.append(url)
            raise ValueError(f"not fetched: only file: and data: URLs are allowed ({url})")
        return super().fetch(url, headers)


# Footnote fixes: (id of a block, attribute, value) that keep_notes_with_calls set.
Fixes = tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class PdfResult:
    """One written PDF: where, how many pages, how long it took, what went wrong."""

    path: Path
    pages: int
    seconds: float
    size: int
    warnings: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...] = ()  # the warnings, each with its code
    # What keep_notes_with_calls changed, as (id of the block, attribute, value).
    footnote_fixes: Fixes = ()


class _ProgressHandler(logging.Handler):
    """Turns WeasyPrint's progress log into a line every few pages on stderr."""

    def __init__(self, label: str, report: Callable[[str], None], every: int = 10) -> None:
        super().__init__(logging.INFO)
        self.label = label
        self.report = report
        self.every = every
        self.started = time.monotonic()

    def emit(self, record: logging.LogRecord) -> None:
        """Report every tenth page laid out, a new layout pass, and the writing."""
        message = record.getMessage()
        match = re.match(r"Step 5 - Creating layout - Page (\d+)$", message)
        elapsed = time.monotonic() - self.started
        if match and int(match.group(1)) % self.every == 0:
            self.report(f"{self.label}: {match.group(1)} pages laid out ({elapsed:.1f} s)")
        elif "Repagination" in message:
            self.report(f"{self.label}: laying out again for page references ({elapsed:.1f} s)")
        elif message.startswith("Step 6"):
            self.report(f"{self.label}: writing the PDF ({elapsed:.1f} s)")


class _WarningCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the warning's text."""
        self.messages.append(record.getMessage())


def _lay_out(
    document: HtmlElement,
    stylesheets: list[weasyprint.CSS],
    base_url: str,
    fetcher: LocalOnlyFetcher,
    label: str,
    report: Callable[[str], None],
    before: Callable[[], Fixes] | None = None,
) -> tuple[weasyprint.Document, list[MisplacedNote]]:
    """Lay ``document`` out, again (up to ``FOOTNOTE_PASSES`` times) while a footnote lands
    on another page than its call; the last layout and the notes still misplaced.

    ``before`` gives fixes to set once the document is parsed, before its first layout.
    """
    for attempt in range(1, FOOTNOTE_PASSES + 1):
        html = weasyprint.HTML(string=to_html(document), base_url=base_url, url_fetcher=fetcher)
        if before is not None and attempt == 1:
            fixes = before()
            apply_footnote_fixes(document, fixes)
            apply_footnote_fixes(html.etree_element, fixes)  # the tree WeasyPrint parsed
        rendered = html.render(stylesheets=stylesheets)
        misplaced = misplaced_footnotes(rendered)
        if not misplaced or attempt == FOOTNOTE_PASSES:
            break
        if not keep_notes_with_calls(document, rendered, misplaced):
            break
        report(
            f"{label}: {len(misplaced)} footnote(s) off their call's page; "
            f"laying out again (pass {attempt + 1})"
        )
    return rendered, misplaced


def render_pdf(
    document: HtmlElement,
    target: Path,
    *,
    paper: str = "a4",
    label: str = "",
    base_dir: Path | None = None,
    report: Callable[[str], None] | None = None,
    tagged: bool = True,
    laid_out: Callable[[Fixes], None] | None = None,
    awaited: Callable[[], Fixes] | None = None,
) -> PdfResult:
    """Typeset an assembled ``document`` with ``pdf.css`` into ``target``.

    ``paper`` is a key of ``PAPER_SIZES``.  Relative URLs resolve against ``base_dir``;
    WeasyPrint fetches only ``file:`` and ``data:`` URLs.  When a footnote lands on another
    page than its call, the document is laid out again with that page's last paragraph
    allowed to break sooner (see ``keep_notes_with_calls``); ``document`` is changed then.
    The PDF is tagged (``PDF_VARIANT``) unless ``tagged`` is False (for measuring the cost).
    ``laid_out`` is told the footnote fixes as soon as the layout is done, before the
    writing, and ``awaited`` gives fixes to set before the first layout, once the document
    is parsed (so that the reader's job parses while the articles' jobs find theirs, see
    ``_typeset_in_pool``).
    """
    if paper not in PAPER_SIZES:
        raise ValueError(f"unknown paper size {paper!r}; choose one of {sorted(PAPER_SIZES)}")
    report = report or (lambda line: print(line, file=sys.stderr, flush=True))
    label = label or target.name
    fetcher = LocalOnlyFetcher()
    start = time.monotonic()
    with _weasyprint_logs(label, report) as warnings, _no_cycle_collection():
        base_url = (base_dir or STYLESHEET.parent).resolve().as_uri() + "/"
        stylesheets = [
            weasyprint.CSS(filename=str(STYLESHEET), url_fetcher=fetcher),
            weasyprint.CSS(string=f"@page {{ size: {PAPER_SIZES[paper]}; }}", url_fetcher=fetcher),
        ]
        rendered, misplaced = _lay_out(
            document, stylesheets, base_url, fetcher, label, report, awaited
        )
        if laid_out is not None:
            laid_out(footnote_fixes(document))
        target.parent.mkdir(parents=True, exist_ok=True)
        write_pdf(rendered, target, tagged=tagged)
    seconds = time.monotonic() - start
    problems = _problems(target, warnings.messages, fetcher.refused, misplaced)
    result = PdfResult(
        path=target,
        pages=len(rendered.pages),
        seconds=seconds,
        size=target.stat().st_size,
        warnings=tuple(d.message for d in problems),
        diagnostics=problems,
        footnote_fixes=footnote_fixes(document),
    )
    report(f"{label}: {result.pages} pages, {result.size / 1024:.0f} KB, {seconds:.1f} s")
    return result


def write_pdf(rendered: weasyprint.Document, target: Path, *, tagged: bool = True) -> None:
    """Write a laid-out document: as tagged PDF/UA-1, with each footnote tagged ``Note``.

    WeasyPrint (70) writes the structure tree from the HTML: ``lang`` of the root as the
    document language, ``<title>`` as the title shown in the window (``DisplayDocTitle``),
    h1-h6, paragraphs, lists, tables, links, ``alt`` of images; ``tag_footnotes`` adds the
    notes.
    """
    with _page_references_kept():
        if tagged:
            rendered.write_pdf(str(target), pdf_variant=PDF_VARIANT, finisher=tag_footnotes)
        else:
            rendered.write_pdf(str(target))


@contextlib.contextmanager
def _weasyprint_logs(label: str, report: Callable[[str], None]) -> Iterator[_WarningCollector]:
    """WeasyPrint's progress told to ``report`` and its warnings collected, meanwhile."""
    progress = logging.getLogger("weasyprint.progress")
    main_logger = logging.getLogger("weasyprint")
    progress_handler = _ProgressHandler(label, report)
    warnings = _WarningCollector()
    old_levels = (progress.level, main_logger.level)
    progress.setLevel(logging.INFO)
    main_logger.setLevel(logging.WARNING)
    progress.addHandler(progress_handler)
    main_logger.addHandler(warnings)
    try:
        yield warnings
    finally:
        progress.removeHandler(progress_handler)
        main_logger.removeHandler(warnings)
        progress.setLevel(old_levels[0])
        main_logger.setLevel(old_levels[1])


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off while a document is laid out and written.

    A layout makes hundreds of thousands of boxes that live until the PDF is written, and
    each full collection walks them all: with it on, the reader's job spent a sixth of its
    CPU time collecting (9.1-10.5 s against 7.6 s with it off, for 36 MB more at the
    peak).  The garbage is reference-counted away as usual; the cycles among it are
    collected when the collector is on again.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


@contextlib.contextmanager
def _page_references_kept() -> Iterator[None]:
    """While writing, ``pydyf.PDF.page_references`` is made once per page count.

    pydyf (0.13) builds the tuple of every page's reference anew at each read, and
    WeasyPrint's tagging reads it once per tagged box (about 20,000 times for the
    reader's 69 pages): a quarter of the writing time.  Pages are only ever added
    (``add_page`` extends ``Kids``), so the tuple is the same while the page count is;
    the PDF written is byte-identical.
    """
    import pydyf  # WeasyPrint's PDF writer

    original = pydyf.PDF.page_references

    def page_references(pdf: pydyf.PDF) -> object:
        kids = pdf.pages["Kids"]
        kept = pdf.__dict__.get("_kept_page_references")
        if kept is None or kept[0] != len(kids):
            kept = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
            pdf.__dict__["_kept_page_references"] = kept
        return kept[1]

    pydyf.PDF.page_references = property(page_references)
    try:
        yield
    finally:
        pydyf.PDF.page_references = original


def tag_footnotes(document: weasyprint.Document, pdf: object) -> None:
    """Tag each footnote of a tagged PDF as a ``Note`` with an ``ID`` (PDF/UA-1 7.9).

    WeasyPrint tags a page's footnote area as a ``NonStruct`` child of the ``Document``
    element holding one ``Span`` per note (its ``float: footnote`` span); those become
    ``Note``, and the structure tree root gets the ``IDTree`` the IDs need.
    """
    import pydyf  # WeasyPrint's PDF writer

    objects = pdf.objects  # type: ignore[attr-defined]
    catalog = pdf.catalog  # type: ignore[attr-defined]

    def get(reference: bytes) -> pydyf.Dictionary:
        return objects[int(bytes(reference).split()[0])]

    if "StructTreeRoot" not in catalog:
        return
    root = get(catalog["StructTreeRoot"])
    names = pydyf.Array()
    count = 0
    for top in root["K"]:
        for kid in get(top)["K"]:
            area = get(kid) if isinstance(kid, bytes) else None
            if area is None or area.get("S") != "/NonStruct":
                continue
            notes = [get(k) for k in area["K"] if isinstance(k, bytes)]
            if not notes or any(note.get("S") != "/Span" for note in notes):
                continue
            for note in notes:
                count += 1
                identifier = f"note-{count:05d}"
                note["S"] = "/Note"
                note["ID"] = pydyf.String(identifier)
                names.extend([pydyf.String(identifier), note.reference])
    if count:
        id_tree = pydyf.Dictionary({"Names": names})
        pdf.add_object(id_tree)  # type: ignore[attr-defined]
        root["IDTree"] = id_tree.reference


def _problems(
    target: Path, warned: Sequence[str], refused: Sequence[str], misplaced: Sequence[MisplacedNote]
) -> tuple[Diagnostic, ...]:
    """What went wrong while typesetting one PDF, each message once (as warnings)."""
    span = Span(str(target), 1)
    found = [Diagnostic(span, WARNING, m, "pdf-weasyprint") for m in warned]
    found += [
        Diagnostic(span, WARNING, f"refused to fetch {url}", "pdf-fetch-refused") for url in refused
    ]
    found += [
        Diagnostic(
            span,
            WARNING,
            f"footnote {note.label} ({note.note_id}) is on page {note.body_page + 1}, its "
            f"call on page {note.call_page + 1}",
            "pdf-footnote-page",
        )
        for note in misplaced
    ]
    first: dict[str, Diagnostic] = {}
    for diagnostic in found:
        first.setdefault(diagnostic.message, diagnostic)
    return tuple(first.values())


@dataclass(frozen=True)
class MisplacedNote:
    """A footnote whose body is laid out on another page than its call (pages from 0)."""

    note_id: str
    label: str
    call_page: int
    body_page: int


def _walk(box: object) -> Iterable[object]:
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _walk(child)


def misplaced_footnotes(rendered: weasyprint.Document) -> list[MisplacedNote]:
    """The footnotes of a laid-out document that are not on the page of their call.

    Reads WeasyPrint's page boxes: a call is the ``::footnote-call`` box in the page's
    flow, a body is a child of the page's footnote area.
    """
    calls: dict[str, int] = {}
    bodies: dict[str, int] = {}
    labels: dict[str, str] = {}
    for number, page in enumerate(rendered.pages):
        page_box = page._page_box  # noqa: SLF001 (WeasyPrint is pinned; no public API)
        for child in page_box.children:
            is_area = type(child).__name__ == "FootnoteAreaBox"
            if is_area:
                for body in child.children:
                    element = getattr(body, "element", None)
                    if element is not None and element.get("id"):
                        bodies.setdefault(element.get("id"), number)
                continue
            for box in _walk(child):
                footnote = getattr(box, "footnote", None)
                if footnote is not None and str(box.element_tag).endswith("::footnote-call"):
                    element = footnote.element
                    calls.setdefault(element.get("id"), number)
                    labels[element.get("id")] = element.get("data-label", "")
    return [
        MisplacedNote(note_id, labels.get(note_id, ""), call_page, bodies[note_id])
        for note_id, call_page in calls.items()
        if note_id in bodies and bodies[note_id] != call_page
    ]


def _last_block_on_page(page: weasyprint.Page) -> str | None:
    """The ``data-b`` number of the block holding the last line of text in the page's flow."""
    last: str | None = None

    def visit(box: object, block: str | None) -> None:
        nonlocal last
        element = getattr(box, "element", None)
        tag = str(getattr(box, "element_tag", ""))
        if element is not None and "::" not in tag and element.get("data-b"):
            block = element.get("data-b")
        if type(box).__name__ == "LineBox":
            last = block
            return
        if getattr(box, "style", None) is not None and box.style["position"] == "absolute":
            return  # the ¶ numbers in the margin
        for child in getattr(box, "children", None) or ():
            visit(child, block)

    flow = page._page_box.children[0]  # noqa: SLF001
    visit(flow, None)
    return last


def keep_notes_with_calls(
    document: HtmlElement, rendered: weasyprint.Document, misplaced: Sequence[MisplacedNote]
) -> bool:
    """Change ``document`` so that the misplaced notes stay with their calls; False if stuck.

    WeasyPrint moves the last footnote of a page to the next page when that makes room
    for a paragraph's last line that ``orphans`` would otherwise push over
    (Kozea/WeasyPrint#2432).  That paragraph is the last block on the call's page: first
    it may leave a single line behind (``orphans: 1``), then, if that is not enough, it
    starts the next page.
    """
    by_number = {
        element.get("data-b"): element
        for element in document.iter()
        if isinstance(element.tag, str) and element.get("data-b")
    }
    changed = False
    for note in misplaced:
        if note.body_page <= note.call_page:
            continue  # a note before its call: nothing here moves it
        block = by_number.get(_last_block_on_page(rendered.pages[note.call_page]) or "")
        if block is None:
            continue
        if block.get("data-orphans") != "1":
            block.set("data-orphans", "1")
            changed = True
        elif block.get("data-break-before") != "page":
            block.set("data-break-before", "page")
            changed = True
    return changed


# ------------------------------------------------------------------------------ the stage


def build_date_now() -> datetime.date:
    """Today, or the date of ``SOURCE_DATE_EPOCH`` when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC).date()
    return datetime.date.today()


@dataclass(frozen=True)
class PdfJob:
    """One PDF to make: ``slug`` None for the whole reader."""

    site_dir: Path
    out: Path
    slug: str | None
    paper: str
    build_date: datetime.date
    tagged: bool = True
    # Footnote fixes found when an article's own PDF was laid out (PdfResult), applied
    # before the first layout: an article is set alike in the reader (it starts on a
    # right-hand page in both), so the reader need not be laid out a second time.
    fixes: Fixes = ()
    # In a pool of _typeset: the articles whose fixes this job (the reader's) waits for on
    # the pool's channel before its layout, and whether this job (an article's) tells its
    # fixes there as soon as its layout is done.
    awaits: tuple[str, ...] = ()
    announces: bool = False


def run_job(job: PdfJob) -> PdfResult:
    """Assemble and typeset one PDF (a function of plain data, so it can run in a worker)."""
    site = read_site(job.site_dir)
    if job.slug is None:
        document = assemble_reader(site, job.build_date)
    else:
        document = assemble_article(site, job.slug, job.build_date)
    apply_footnote_fixes(document, job.fixes)
    slug = job.slug or ""
    return render_pdf(
        document,
        job.out,
        paper=job.paper,
        label=job.out.name,
        base_dir=job.site_dir,
        tagged=job.tagged,
        laid_out=(lambda fixes: _announce(slug, fixes)) if job.announces else None,
        awaited=(lambda: _awaited_fixes(job.awaits)) if job.awaits else None,
    )


# How long the reader's job waits for the articles' fixes at most (a worker that died
# without a word); without them the reader finds its own, laying itself out again.
AWAIT_SECONDS = 900.0

# In a worker of _typeset's pool: the queue on which the articles' jobs send
# (slug, fixes) and the reader's job receives them.
_channel: multiprocessing.queues.Queue[tuple[str, Fixes]] | None = None


def _join_channel(channel: multiprocessing.queues.Queue[tuple[str, Fixes]]) -> None:
    """The pool's initializer: keep the channel in this worker."""
    global _channel
    _channel = channel


def _announce(slug: str, fixes: Fixes) -> None:
    if _channel is not None:
        _channel.put((slug, fixes))


def _unless_failed(
    channel: multiprocessing.queues.Queue[tuple[str, Fixes]], slug: str, done: Future[PdfResult]
) -> None:
    """An article's job that failed sent no fixes: tell the reader's not to wait for them."""
    if done.exception() is not None:
        channel.put((slug, ()))


def _awaited_fixes(slugs: Sequence[str]) -> Fixes:
    """The fixes of the articles ``slugs``, as their jobs send them (none outside a pool)."""
    waiting = set(slugs)
    found: list[tuple[str, str, str]] = []
    deadline = time.monotonic() + AWAIT_SECONDS
    while waiting and _channel is not None:
        try:
            slug, fixes = _channel.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        if slug in waiting:
            waiting.discard(slug)
            found += fixes
    return tuple(found)


def plan_jobs(
    site_dir: Path,
    out_dir: Path,
    paper: str = "a4",
    build_date: datetime.date | None = None,
    slugs: Sequence[str] | None = None,
) -> list[PdfJob]:
    """The PDFs of a built site: ``reader.pdf`` first (the longest), then one per article."""
    site = read_site(site_dir)
    date = build_date or build_date_now()
    chosen = list(slugs) if slugs is not None else list(site.slugs)
    jobs = [PdfJob(site_dir, out_dir / "reader.pdf", None, paper, date)]
    jobs += [PdfJob(site_dir, out_dir / f"{slug}.pdf", slug, paper, date) for slug in chosen]
    return jobs


def missing_pages(site_dir: Path, reporter: Reporter) -> bool:
    """Report a site without a home page or with an article card but no article page."""
    home = site_dir / "index.html"
    if not home.is_file():
        reporter.error(
            Span(str(home), 1),
            "no built home page: build the site first (mkdocs build -d SITE)",
            "pdf-site-missing",
        )
        return True
    missing = False
    for slug in read_site(site_dir).slugs:
        page = site_dir / "articles" / slug / "index.html"
        if not page.is_file():
            reporter.error(Span(str(page), 1), "no built article page", "pdf-page-missing")
            missing = True
    return missing


def build_pdfs(
    site_dir: Path,
    *,
    paper: str = "a4",
    jobs: int = 0,
    out_dir: Path | None = None,
    reporter: Reporter | None = None,
    cache: Path | None = FIXES_CACHE,
) -> list[PdfResult]:
    """Write ``downloads/reader.pdf`` and ``downloads/<slug>.pdf`` into a built site.

    ``jobs`` worker processes typeset the PDFs side by side (0: one per CPU, at most 4).
    The footnote fixes found are kept in the file ``cache`` (None: none kept) for the
    next build, whose reader then starts at once if nothing they depend on changed.  A
    site without its pages is reported (no PDF is made) and each PDF's warnings are
    reported to ``reporter``; without one, an error raises ``BuildError``.
    """
    sink = reporter if reporter is not None else Reporter()
    if missing_pages(site_dir, sink):
        if reporter is None:
            raise BuildError(sink.errors)
        return []
    results = _typeset(site_dir, out_dir or site_dir / "downloads", paper, jobs, cache)
    for result in results:
        for diagnostic in result.diagnostics:
            sink.add(diagnostic)
    return results


def _typeset(
    site_dir: Path, out: Path, paper: str, jobs: int, cache: Path | None
) -> list[PdfResult]:
    """Every PDF, the reader with the footnote fixes the articles' layouts found (see
    ``PdfJob.fixes``); the results in the order of ``plan_jobs``.

    One after the other with one worker; else in a pool (``_typeset_in_pool``).  The
    fixes found are kept in ``cache`` (a file) under the digest of what the PDFs are
    made from (``fixes_key``), for the next build.
    """
    reader, *articles = plan_jobs(site_dir, out, paper)
    workers = jobs or min(4, os.cpu_count() or 1, len(articles) + 1)
    key = fixes_key(site_dir, reader)
    if workers <= 1 or not articles:
        done = [run_job(job) for job in articles]
        fixes = tuple(fix for result in done for fix in result.footnote_fixes)
        results = [run_job(replace(reader, fixes=fixes)), *done]
    else:
        cached = read_cached_fixes(cache, key) if cache is not None else None
        results = _typeset_in_pool(reader, articles, workers, cached)
    if cache is not None:
        found = tuple(fix for result in results[1:] for fix in result.footnote_fixes)
        write_cached_fixes(cache, key, found)
    return results


def _typeset_in_pool(
    reader: PdfJob, articles: Sequence[PdfJob], workers: int, cached: Fixes | None
) -> list[PdfResult]:
    """The PDFs in worker processes, the reader's job in one of its own from the start.

    With the fixes of the last build (``cached``), the reader is laid out with them at
    once while ``workers - 1`` processes typeset the articles; if the articles find other
    fixes (the cache misled), the reader is typeset again with theirs.  Without them, the
    reader's job reads the site and assembles its document while ``workers`` processes
    lay the articles out, and starts its layout when each article has sent its fixes
    (before writing its PDF: a quarter of an article's time).
    """
    context = multiprocessing.get_context()
    channel: multiprocessing.queues.Queue[tuple[str, Fixes]] = context.Queue()
    if cached is not None:
        first_job = replace(reader, fixes=cached)
        size = workers
    else:
        first_job = replace(reader, awaits=tuple(job.slug or "" for job in articles))
        size = min(workers, len(articles)) + 1  # the reader's waits, then lays out
    with ProcessPoolExecutor(
        max_workers=size, mp_context=context, initializer=_join_channel, initargs=(channel,)
    ) as pool:
        first = pool.submit(run_job, first_job)
        pending = []
        for job in articles:
            future = pool.submit(run_job, replace(job, announces=cached is None))
            future.add_done_callback(functools.partial(_unless_failed, channel, job.slug or ""))
            pending.append(future)
        done = [future.result() for future in pending]
        found = tuple(fix for result in done for fix in result.footnote_fixes)
        if cached is not None and sorted(cached) != sorted(found):
            first = pool.submit(run_job, replace(reader, fixes=found))
        return [first.result(), *done]


# The code the PDFs' layout depends on (with WeasyPrint's version): a change to any of
# them invalidates the cached fixes.
_CODE_FILES = (Path(__file__), Path(apparatus.__file__), STYLESHEET)


def fixes_key(site_dir: Path, job: PdfJob) -> str:
    """The digest of what the articles' PDFs are made from: every page of the site that
    the PDFs read (home, articles, appendices, bibliography), the code and stylesheet
    of this stage, WeasyPrint's version, the paper and the build date."""
    site = read_site(site_dir)
    keys = ["", *(f"articles/{slug}/" for slug in site.slugs), BIBLIOGRAPHY_PAGE]
    keys += [key for key, _prefix in APPENDIX_PAGES]
    digest = hashlib.sha256()
    for part in (weasyprint.__version__, job.paper, job.build_date.isoformat(), *site.slugs):
        digest.update(part.encode() + b"\0")
    for path in (*_CODE_FILES, *(site_dir / key / "index.html" for key in keys)):
        digest.update(path.read_bytes() if path.is_file() else b"(none)")
        digest.update(b"\0")
    return digest.hexdigest()


def read_cached_fixes(cache: Path, key: str) -> Fixes | None:
    """The fixes kept in ``cache`` under ``key``; None when absent, unreadable or stale."""
    try:
        kept = json.loads(cache.read_text(encoding="utf-8"))
        if kept.get("key") != key:
            return None
        return tuple((str(a), str(b), str(c)) for a, b, c in kept["fixes"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def write_cached_fixes(cache: Path, key: str, fixes: Fixes) -> None:
    """Keep ``fixes`` under ``key`` in ``cache`` (through a temporary file, so that a
    build running beside this one never reads half of it)."""
    text = json.dumps({"key": key, "fixes": [list(fix) for fix in fixes]}, indent=1)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=cache.parent, prefix=".pdf-fixes-")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text + "\n")
        os.replace(name, cache)
    except OSError:
        return  # no cache: the next build finds the fixes again


# The attributes that keep_notes_with_calls sets on a block.
_FIX_ATTRIBUTES = ("data-orphans", "data-break-before")


def footnote_fixes(document: HtmlElement) -> tuple[tuple[str, str, str], ...]:
    """The blocks of ``document`` that ``keep_notes_with_calls`` changed, by their ids."""
    return tuple(
        (element.get("id"), name, element.get(name))
        for element in document.iter()
        if isinstance(element.tag, str) and element.get("id")
        for name in _FIX_ATTRIBUTES
        if element.get(name)
    )


def apply_footnote_fixes(document: HtmlElement, fixes: Iterable[tuple[str, str, str]]) -> None:
    """Set the attributes of ``fixes`` on the blocks of ``document`` that have those ids
    (a fix whose block is not there is left out).  ``document`` may also be the
    ElementTree tree that WeasyPrint parsed (``HTML.etree_element``)."""
    fixes = tuple(fixes)
    if not fixes:
        return
    by_id = {
        element.get("id"): element
        for element in document.iter()
        if isinstance(element.tag, str) and element.get("id")
    }
    for block_id, name, value in fixes:
        if name in _FIX_ATTRIBUTES and block_id in by_id:
            by_id[block_id].set(name, value)
