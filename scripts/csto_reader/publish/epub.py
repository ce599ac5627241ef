"""EPUB stage: the whole reader and each article as EPUB 3, made with EbookLib from the built site.

The input is a built site (``mkdocs build`` output), read as the PDF stage reads it
(``pdf.py``): the content of Material's ``<article>`` element, without the web-only parts
(permalink anchors, the downloads line, the BibTeX to copy, the instructions for clicking,
scripts, forms and buttons, the COinS spans for Zotero).  Each site page becomes one XHTML
content document, serialised by lxml as XML:

* ``reader.epub``: every article (in the order of the home page), then the glossary, the
  chronology (``/timeline/``), the merged bibliography and the index of names (``/index/``),
  the chronology and the index as the web pages show them (quotations, ¶ and note links),
  less the drawn parts of the periods chart (``_chronology_for_reading``);
* ``<slug>.epub``: the article, then the glossary and the bibliography (the chronology and
  the index are the whole reader's: a link to them stays as text).

Ids stay those of the web page (``p12``, ``fn:3``), each page being its own file, so the
¶ numbers and anchors are the web edition's.  A paragraph's number (``a.pnum``) stays as
text.  Footnotes become EPUB notes: the call links with ``epub:type="noteref"`` to an
``aside epub:type="footnote"`` that keeps the note's id.  A link to a page that the EPUB
holds points at its file; a link to another page of the site (the editorial page, the
downloads) stays as text.

The navigation document has the table of contents (articles and their sections, then the
appendices and theirs), a ¶ list (a hidden ``nav epub:type="paragraph-list"`` linking every
¶ anchor, labelled "¶ 12"), and landmarks.  The ¶ list is not a ``page-list``: that would claim page
breaks of a print edition, which DAISY Ace then looks for (``epub-pagelist-broken``) and
whose source the metadata would have to name; the web edition has no pages.

The package metadata carries title, language and authors as the article pages state them
(their ``citation_*`` tags, from ``meta.yml``), and the EPUB Accessibility 1.1 metadata
(``ACCESSIBILITY``).
"""

from __future__ import annotations

import datetime
import mimetypes
import re
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import lxml.etree
import lxml.html
from ebooklib import epub
from lxml.html import HtmlElement

from ..diagnostics import Reporter
from ..model import Span
from .pdf import _WEB_ONLY_XPATH, _open_disclosures, build_date_now, page_content, read_site
from .pdf_apparatus import by_class, drop_keep_tail, resolve_link, text_of

XHTML_NS = "http://www.w3.org/1999/xhtml"
OPS_NS = "http://www.idpf.org/2007/ops"

# The stylesheet of the content documents (kept small: the reading system sets the page).
STYLESHEET = """\
body { line-height: 1.45; }
.pnum { font-size: 0.75em; font-weight: bold; margin-right: 0.4em; color: #555; }
aside.footnote { font-size: 0.9em; margin: 0.4em 0; }
.fn-label { font-weight: bold; margin-right: 0.3em; }
table { border-collapse: collapse; }
td, th { border: 1px solid #999; padding: 0.2em 0.4em; vertical-align: top; }
h3 { font-size: 1.1em; }
.tl-event { margin: 1.4em 0; }
.tl-badge { font-size: 0.8em; font-weight: bold; border: 1px solid #999; padding: 0 0.3em;
  margin-right: 0.3em; white-space: nowrap; }
.tl-note-label, .ednote-label, .tl-differ-title { font-weight: bold; }
.tl-periods { margin: 1em 0; }
.tl-periods-list { padding-left: 1.5em; }
.tl-period { margin: 0.3em 0; }
.tl-period-dates { display: block; font-weight: bold; }
.index-letters { word-spacing: 0.3em; }
.index-entry { margin: 1em 0 0.2em; }
"""

# EPUB Accessibility 1.1 metadata (schema.org properties in the package document).
ACCESSIBILITY: tuple[tuple[str, str], ...] = (
    ("schema:accessMode", "textual"),
    ("schema:accessModeSufficient", "textual"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityFeature", "displayTransformability"),
    ("schema:accessibilityHazard", "none"),
    (
        "schema:accessibilitySummary",
        "Text only, with no images. The headings give the structure of each article; "
        "the table of contents lists the articles and their sections. Notes are linked "
        "EPUB footnotes, and every paragraph keeps the number of the web edition, listed "
        "in the navigation's ¶ list.",
    ),
    ("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"),
)


def accessibility(with_images: bool) -> tuple[tuple[str, str], ...]:
    """``ACCESSIBILITY``, or for a book with images the same with visual access mode and
    alternative text (every image keeps the web page's alt text)."""
    if not with_images:
        return ACCESSIBILITY
    summary = (
        "Text, with images described by alternative text. The headings give the structure "
        "of each article; the table of contents lists the articles and their sections. "
        "Notes are linked EPUB footnotes, and every paragraph keeps the number of the web "
        "edition, listed in the navigation's ¶ list."
    )
    added = (
        ("schema:accessMode", "visual"),
        ("schema:accessibilityFeature", "alternativeText"),
    )
    kept = tuple(
        (prop, summary if prop == "schema:accessibilitySummary" else value)
        for prop, value in ACCESSIBILITY
    )
    return kept[:1] + added[:1] + kept[1:] + added[1:]


# The epub:type of the navigation's list of ¶ anchors (not "page-list": see above).
PARAGRAPH_LIST = "paragraph-list"

# Appendix pages of the site that every EPUB holds: (site path, file name).
APPENDIX_PAGES: tuple[tuple[str, str], ...] = (
    ("glossary/", "glossary.xhtml"),
    ("bibliography/", "bibliography.xhtml"),
)

# The chronology and the index of names: the whole reader's apparatus (every article's
# events and names), in reader.epub only.  Their order in the book, after the articles.
CHRONOLOGY_PAGE = "timeline/"
INDEX_PAGE = "index/"
READER_APPENDIX_PAGES: tuple[tuple[str, str], ...] = (
    ("glossary/", "glossary.xhtml"),
    (CHRONOLOGY_PAGE, "chronology.xhtml"),
    ("bibliography/", "bibliography.xhtml"),
    (INDEX_PAGE, "index.xhtml"),  # last, as in a book
)

# The landmark (EPUB structural semantics) of each appendix page.
LANDMARKS: dict[str, str] = {
    "glossary/": "glossary",
    CHRONOLOGY_PAGE: "appendix",
    "bibliography/": "bibliography",
    INDEX_PAGE: "index",
}

# Web-only parts beyond those the PDF stage removes: the COinS spans that Zotero reads.
_EPUB_ONLY_DROP = " | .//span[contains(concat(' ', normalize-space(@class), ' '), ' Z3988 ')]"

# Attributes of the web page that XHTML does not allow.
_DROPPED_ATTRIBUTES = ("markdown",)

_NOTE_ID = re.compile(r"fn:(.+)")


@dataclass
class Chapter:
    """One site page as an XHTML content document of the EPUB."""

    key: str  # site path, "articles/zhang-2023/"
    file_name: str  # "zhang-2023.xhtml"
    title: str
    content: HtmlElement
    sections: list[tuple[str, str]] = field(default_factory=list)  # (id, h2 text)
    paragraphs: list[str] = field(default_factory=list)  # ¶ ids in order

    def ids(self) -> set[str]:
        return {e.get("id") for e in self.content.iter() if isinstance(e.tag, str) and e.get("id")}


@dataclass(frozen=True)
class BookMeta:
    """What the package document says of a book."""

    identifier: str
    title: str
    language: str
    authors: tuple[str, ...]
    source: str = ""  # the DOI URL of a single article


@dataclass(frozen=True)
class EpubResult:
    path: Path
    size: int
    seconds: float


# ------------------------------------------------------------------------ reading pages


def load_chapter(site_dir: Path, key: str, file_name: str) -> Chapter | None:
    """The cleaned content of ``site_dir/<key>index.html``, or None when it is absent."""
    content = page_content(site_dir, key, _WEB_ONLY_XPATH + _EPUB_ONLY_DROP)
    if content is None:
        return None
    content.tag = "section"
    _open_disclosures(content, keep=True)
    if key == CHRONOLOGY_PAGE:
        _chronology_for_reading(content)
    for pnum in by_class(content, "a", "pnum"):
        pnum.tag = "span"
        for name in ("href", "title"):
            pnum.attrib.pop(name, None)
    _footnotes_as_notes(content)
    title = text_of(content.find(".//h1")) or key.strip("/")
    chapter = Chapter(key=key, file_name=file_name, title=title, content=content)
    chapter.sections = [(h.get("id"), text_of(h)) for h in content.iter("h2") if h.get("id")]
    chapter.paragraphs = [
        p.get("id") for p in content.iter("p") if re.fullmatch(r"p\d+", p.get("id") or "")
    ]
    return chapter


def _footnotes_as_notes(content: HtmlElement) -> None:
    """Note calls get ``epub:type="noteref"``; each note (``li#fn:K``) becomes an
    ``aside epub:type="footnote"`` with the same id, where the notes list was."""
    for link in content.iter("a"):
        if _NOTE_ID.fullmatch((link.get("href") or "").removeprefix("#")):
            link.set("data-epub-type", "noteref")
            link.set("role", "doc-noteref")
    for holder in by_class(content, "div", "footnote"):
        asides = []
        for li in holder.xpath(".//li[starts-with(@id, 'fn:')]"):
            aside = lxml.html.Element(
                "aside",
                {
                    "id": li.get("id"),
                    "class": "footnote",
                    "data-epub-type": "footnote",
                    "role": "doc-footnote",
                },
            )
            aside.text = li.text
            for child in list(li):
                aside.append(child)
            asides.append(aside)
        parent = holder.getparent()
        index = parent.index(holder)
        for offset, aside in enumerate(asides):
            parent.insert(index + offset, aside)
        drop_keep_tail(holder)


def _chronology_for_reading(content: HtmlElement) -> None:
    """The chronology's drawn parts, which only the web page's stylesheet can draw, go:
    the bars and the day scale of the periods chart (each period keeps its dates and its
    link, so the chart reads as a list) and the day labels of the day-by-day list (each
    event's heading carries its date, as in the PDF).  The rest is the web page: every
    event with its date, label, the passages that describe it (quoted, linked to their ¶
    or note), the editors' notes and sources, and the articles' differing wordings."""
    for bar in by_class(content, "span", "tl-bar") + by_class(content, "div", "tl-scale"):
        drop_keep_tail(bar)
    for label in by_class(content, "p", "tl-day-label"):
        drop_keep_tail(label)
    # The chart's geometry: CSS custom properties (--tl-from: 5) that nothing here reads.
    for drawn in by_class(content, "figure", "tl-periods") + by_class(content, "li", "tl-period"):
        drawn.attrib.pop("style", None)


# ---------------------------------------------------------------------------------- links


def _point_links(chapters: Sequence[Chapter]) -> None:
    """Links to a page of the book point at its file (and at an id it has); a link to
    another page of the site stays as text; an image without a local file is dropped."""
    files = {c.key: c.file_name for c in chapters}
    ids = {c.file_name: c.ids() for c in chapters}
    for chapter in chapters:
        for link in list(chapter.content.iter("a")):
            href = link.get("href")
            if href is None:
                continue
            where = resolve_link(chapter.key, href)
            if where is None:
                continue  # another host: an ordinary external link
            target = files.get(where[0])
            if target is None:
                _unlink(link)
                continue
            fragment = where[1]
            if fragment and fragment not in ids[target]:
                fragment = ""
            here = target == chapter.file_name
            if here and not fragment:
                _unlink(link)
                continue
            link.set("href", (f"#{fragment}" if here else f"{target}#{fragment}").rstrip("#"))


def collect_images(site_dir: Path, chapters: Sequence[Chapter]) -> dict[str, Path]:
    """Point each image at its copy in the EPUB (``images/<name>``), keeping its alt text
    (an image without one gets an empty alt, as decoration); an image without a local
    file is left out.  Returns the EPUB file names and the files to copy."""
    images: dict[str, Path] = {}
    for chapter in chapters:
        for image in list(chapter.content.iter("img")):
            where = resolve_link(chapter.key, image.get("src") or "")
            local = (site_dir / where[0].rstrip("/")).resolve() if where else None
            if local is None or not local.is_file() or not local.is_relative_to(site_dir.resolve()):
                drop_keep_tail(image)
                continue
            name = f"images/{local.parent.name}-{local.name}"
            images[name] = local
            image.set("src", name)
            image.set("alt", image.get("alt") or "")
            for attribute in ("loading", "decoding"):
                image.attrib.pop(attribute, None)
    return images


def _unlink(link: HtmlElement) -> None:
    for name in ("href", "title", "target", "rel", "type"):
        link.attrib.pop(name, None)
    link.tag = "span"


# ------------------------------------------------------------------------------- XHTML


def _to_xhtml(element: HtmlElement) -> lxml.etree._Element:
    """A copy of an lxml.html tree in the XHTML namespace (``data-epub-type`` ->
    ``epub:type``), dropping comments and attributes that XHTML does not allow."""
    made = lxml.etree.Element(f"{{{XHTML_NS}}}{element.tag}")
    for name, value in element.attrib.items():
        if _web_only_attribute(str(element.tag), name):
            continue
        if name == "data-epub-type":
            made.set(f"{{{OPS_NS}}}type", value)
        elif name == "hidden":
            made.set(name, "hidden")
        else:
            made.set(name, value)
    made.text = element.text
    for child in element:
        if isinstance(child.tag, str):
            copied = _to_xhtml(child)
            copied.tail = child.tail
            made.append(copied)
        elif child.tail:
            _append_text(made, child.tail)
    return made


def _web_only_attribute(tag: str, name: str) -> bool:
    """Attributes that XHTML does not allow, the web page's scripts read (``data-*``: the
    bibliography's filter, the previews) or that show a preview on hover (a link's
    ``title``: a citation's full reference, which the bibliography holds)."""
    if name == "data-epub-type":
        return False
    return name in _DROPPED_ATTRIBUTES or name.startswith("data-") or tag == "a" and name == "title"


def _append_text(parent: lxml.etree._Element, text: str) -> None:
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def xhtml_document(title: str, language: str, body: Sequence[lxml.etree._Element]) -> bytes:
    """A complete XHTML content document."""
    nsmap = {None: XHTML_NS, "epub": OPS_NS}
    html = lxml.etree.Element(f"{{{XHTML_NS}}}html", nsmap=nsmap)
    html.set("lang", language)
    html.set("{http://www.w3.org/XML/1998/namespace}lang", language)
    head = lxml.etree.SubElement(html, f"{{{XHTML_NS}}}head")
    lxml.etree.SubElement(head, f"{{{XHTML_NS}}}meta", charset="utf-8")
    lxml.etree.SubElement(head, f"{{{XHTML_NS}}}title").text = title
    lxml.etree.SubElement(
        head, f"{{{XHTML_NS}}}link", rel="stylesheet", type="text/css", href="style.css"
    )
    body_element = lxml.etree.SubElement(html, f"{{{XHTML_NS}}}body")
    for element in body:
        body_element.append(element)
    written: bytes = lxml.etree.tostring(
        html, xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>"
    )
    return written


class _Document(epub.EpubHtml):  # type: ignore[misc]
    """A content document whose XHTML is made here (EbookLib would parse it again as HTML
    and drop what is not in a body child)."""

    def get_content(self, default: object = None) -> bytes:
        return bytes(self.content)


def _element(tag: str, attrib: dict[str, str] | None = None, text: str = "") -> lxml.etree._Element:
    made = lxml.etree.Element(f"{{{XHTML_NS}}}{tag}", attrib or {})
    if text:
        made.text = text
    return made


def _link_item(href: str, text: str) -> lxml.etree._Element:
    item = _element("li")
    item.append(_element("a", {"href": href}, text))
    return item


def nav_document(chapters: Sequence[Chapter], articles: int, book: BookMeta) -> bytes:
    """The navigation document: contents, the ¶ list (``PARAGRAPH_LIST``), landmarks."""
    toc = _element("nav", {f"{{{OPS_NS}}}type": "toc", "id": "toc", "role": "doc-toc"})
    toc.append(_element("h1", None, "Contents"))
    top = _element("ol")
    for chapter in chapters:
        item = _link_item(chapter.file_name, chapter.title)
        if chapter.sections:
            sections = _element("ol")
            for web_id, text in chapter.sections:
                sections.append(_link_item(f"{chapter.file_name}#{web_id}", text))
            item.append(sections)
        top.append(item)
    toc.append(top)
    pages = _element(
        "nav", {f"{{{OPS_NS}}}type": PARAGRAPH_LIST, "id": "paragraphs", "hidden": "hidden"}
    )
    pages.append(_element("h2", None, "Paragraphs (¶ numbers of the web edition)"))
    listing = _element("ol")
    for chapter in chapters[:articles]:
        prefix = f"{chapter.title}, " if articles > 1 else ""
        for pid in chapter.paragraphs:
            listing.append(_link_item(f"{chapter.file_name}#{pid}", f"{prefix}¶ {pid[1:]}"))
    pages.append(listing)
    landmarks = _element("nav", {f"{{{OPS_NS}}}type": "landmarks", "id": "landmarks"})
    landmarks.append(_element("h2", None, "Landmarks"))
    marks = _element("ol")
    for chapter, kind in _landmarks(chapters, articles):
        entry = _link_item(chapter.file_name, chapter.title)
        entry[0].set(f"{{{OPS_NS}}}type", kind)
        marks.append(entry)
    landmarks.append(marks)
    return xhtml_document(book.title, book.language, [toc, pages, landmarks])


def _landmarks(chapters: Sequence[Chapter], articles: int) -> list[tuple[Chapter, str]]:
    marks = [(chapters[0], "bodymatter")] if chapters else []
    for chapter in chapters[articles:]:
        marks.append((chapter, LANDMARKS[chapter.key]))
    return marks


# ------------------------------------------------------------------------------- books


def article_meta(site_dir: Path, slug: str) -> BookMeta:
    """Title, language, authors and DOI of an article, from its page's ``citation_*``
    tags (which render ``meta.yml``)."""
    root = lxml.html.parse(str(site_dir / "articles" / slug / "index.html")).getroot()
    tags: dict[str, list[str]] = {}
    for meta in root.iter("meta"):
        name = meta.get("name") or ""
        if name.startswith("citation_"):
            tags.setdefault(name, []).append(" ".join((meta.get("content") or "").split()))
    doi = (tags.get("citation_doi") or [""])[0]
    return BookMeta(
        identifier=f"urn:csto-reader:{slug}",
        title=(tags.get("citation_title") or [text_of(root.find(".//h1")) or slug])[0],
        language=(tags.get("citation_language") or [root.get("lang") or "en"])[0],
        authors=tuple(tags.get("citation_author", [])),
        source=f"https://doi.org/{doi}" if doi else "",
    )


def make_book(
    meta: BookMeta,
    chapters: Sequence[Chapter],
    articles: int,
    images: dict[str, Path] | None = None,
) -> epub.EpubBook:
    """The EbookLib book of ``chapters`` (the first ``articles`` of them articles)."""
    book = epub.EpubBook()
    book.set_identifier(meta.identifier)
    book.set_title(meta.title)
    book.set_language(meta.language)
    for number, author in enumerate(meta.authors, 1):
        book.add_author(author, uid=f"creator{number}")
    if meta.source:
        book.add_metadata("DC", "source", meta.source)
    images = images or {}
    for prop, value in accessibility(bool(images)):
        book.add_metadata(None, "meta", value, {"property": prop})
    book.add_item(
        epub.EpubItem(
            uid="style", file_name="style.css", media_type="text/css", content=STYLESHEET.encode()
        )
    )
    items = []
    for chapter in chapters:
        item = _Document(title=chapter.title, file_name=chapter.file_name, lang=meta.language)
        item.content = xhtml_document(chapter.title, meta.language, [_to_xhtml(chapter.content)])
        book.add_item(item)
        items.append(item)
    nav = _Document(title="Contents", file_name="nav.xhtml", lang=meta.language)
    nav.content = nav_document(chapters, articles, meta)
    nav.properties = ["nav"]
    book.add_item(nav)
    book.add_item(epub.EpubNcx())
    for number, (name, path) in enumerate(sorted(images.items())):
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        book.add_item(
            epub.EpubItem(
                uid=f"image{number}",
                file_name=name,
                media_type=media_type,
                content=path.read_bytes(),
            )
        )
    book.toc = [
        epub.Link(c.file_name, c.title, c.file_name.removesuffix(".xhtml")) for c in chapters
    ]
    book.spine = [nav, *items]
    return book


class _Writer(epub.EpubWriter):  # type: ignore[misc]
    """EbookLib's writer, also stating the language on the package element (``xml:lang``,
    which DAISY Ace asks for beside ``dc:language``)."""

    def _write_opf_metadata(self, root: lxml.etree._Element) -> None:
        root.set("{http://www.w3.org/XML/1998/namespace}lang", self.book.language)
        super()._write_opf_metadata(root)


def write_book(book: epub.EpubBook, target: Path, modified: datetime.date) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.combine(modified, datetime.time())
    writer = _Writer(str(target), book, {"epub3_pages": False, "mtime": stamp})
    writer.process()
    writer.write()


def _chapters(
    site_dir: Path, slugs: Sequence[str], appendices: Sequence[tuple[str, str]]
) -> list[Chapter]:
    chapters: list[Chapter] = []
    for slug in slugs:
        chapter = load_chapter(site_dir, f"articles/{slug}/", f"{slug}.xhtml")
        if chapter is not None:
            chapters.append(chapter)
    for key, file_name in appendices:
        chapter = load_chapter(site_dir, key, file_name)
        if chapter is not None:
            chapters.append(chapter)
    _point_links(chapters)
    return chapters


def build_one(site_dir: Path, out: Path, slug: str | None, modified: datetime.date) -> EpubResult:
    """Write ``reader.epub`` (slug None) or ``<slug>.epub`` into ``out``."""
    started = time.perf_counter()
    site = read_site(site_dir)
    slugs = list(site.slugs) if slug is None else [slug]
    chapters = _chapters(site_dir, slugs, READER_APPENDIX_PAGES if slug is None else APPENDIX_PAGES)
    if slug is None:
        metas = [article_meta(site_dir, s) for s in slugs]
        authors = tuple(dict.fromkeys(a for m in metas for a in m.authors))
        languages = {m.language for m in metas}
        language = languages.pop() if len(languages) == 1 else "en"
        meta = BookMeta("urn:csto-reader:reader", site.title, language, authors)
        target = out / "reader.epub"
    else:
        meta = article_meta(site_dir, slug)
        target = out / f"{slug}.epub"
    images = collect_images(site_dir, chapters)
    write_book(make_book(meta, chapters, len(slugs), images), target, modified)
    return EpubResult(target, target.stat().st_size, time.perf_counter() - started)


def _missing_pages(site_dir: Path, sink: Reporter) -> bool:
    """Report a site without a home page or with an article card but no article page."""
    home = site_dir / "index.html"
    if not home.is_file():
        sink.error(
            Span(str(home), 1), "no built home page: build the site first", "epub-site-missing"
        )
        return True
    missing = [
        s
        for s in read_site(site_dir).slugs
        if not (site_dir / "articles" / s / "index.html").is_file()
    ]
    for slug in missing:
        page = site_dir / "articles" / slug / "index.html"
        sink.error(Span(str(page), 1), "no built article page", "epub-page-missing")
    return bool(missing)


def build_epubs(
    site_dir: Path, *, out_dir: Path | None = None, reporter: Reporter | None = None
) -> list[EpubResult]:
    """Write ``downloads/reader.epub`` and ``downloads/<slug>.epub`` into a built site."""
    sink = reporter if reporter is not None else Reporter()
    if _missing_pages(site_dir, sink):
        return []
    out = out_dir or site_dir / "downloads"
    modified = build_date_now()
    slugs = read_site(site_dir).slugs
    results = [build_one(site_dir, out, None, modified)]
    results += [build_one(site_dir, out, slug, modified) for slug in slugs]
    for result in results:
        if not zipfile.is_zipfile(result.path):
            sink.error(Span(str(result.path), 1), "the EPUB written is no zip file", "epub-write")
    return results
