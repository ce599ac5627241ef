"""The PDFs (pdf.py): the whole reader and an article, checked as a reader would use them.

The PDFs are typeset once per module: ``site/downloads/`` is used when ``make site`` made
it after the last change to the inputs; otherwise the site is built into a temporary
directory (``site_dir``, conftest) and the reader and one article are typeset there.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest
from pypdf import PdfReader

from conftest import ROOT
from csto_reader.publish import pdf

# What a PDF is made from: when any of these is newer than site/downloads/reader.pdf, the
# PDFs of site/ are stale and the tests make their own.
INPUTS = (
    "sources",
    "scripts/csto_reader",
    "scripts/mkdocs_hooks.py",
    "docs",
    "glossary",
    "bib",
    "teaching",
    "timeline",
    "index",
    "mkdocs.yml",
)
ARTICLE = "zhang-2023"  # the per-article PDF checked here: notes, citations, glossary terms


def _newest_input() -> float:
    newest = 0.0
    for name in INPUTS:
        path = ROOT / name
        files = [path] if path.is_file() else path.rglob("*") if path.is_dir() else []
        for file in files:
            if file.is_file() and "__pycache__" not in file.parts:
                newest = max(newest, file.stat().st_mtime)
    return newest


@dataclass(frozen=True)
class Built:
    """A built site and its PDFs."""

    site: Path
    reader: Path
    article: Path
    articles: dict[str, Path]  # every article's PDF, by slug


@pytest.fixture(scope="module")
def built_pdfs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The reader's PDF and every article's, typeset once for this module."""
    site = ROOT / "site"
    reader = site / "downloads" / "reader.pdf"
    if (site / "index.html").is_file() and reader.is_file():
        slugs = pdf.read_site(site).slugs
        articles = {slug: site / "downloads" / f"{slug}.pdf" for slug in slugs}
        fresh = reader.stat().st_mtime > _newest_input()
        if fresh and all(path.is_file() for path in articles.values()):
            return Built(site, reader, articles[ARTICLE], articles)
    site = request.getfixturevalue("site_dir")
    out = tmp_path_factory.mktemp("pdf")
    jobs = pdf.plan_jobs(site, out)
    # As `make site` typesets them (two workers, the reader started at once), cold.
    cache = tmp_path_factory.mktemp("cache") / "pdf-fixes.json"
    results = pdf.build_pdfs(site, jobs=2, out_dir=out, cache=cache)
    for result in results:
        assert not result.warnings, f"{result.path.name}: {result.warnings}"
    articles = {job.slug: job.out for job in jobs if job.slug is not None}
    return Built(site, out / "reader.pdf", out / f"{ARTICLE}.pdf", articles)


@pytest.fixture(scope="module")
def site_info(built_pdfs: Built) -> pdf.Site:
    return pdf.read_site(built_pdfs.site)


@pytest.fixture(scope="module")
def reader_html(built_pdfs: Built, site_info: pdf.Site) -> lxml.html.HtmlElement:
    """The document the reader's PDF is typeset from (assembled again: no layout)."""
    return pdf.assemble_reader(site_info, datetime.date.today())


@pytest.fixture(scope="module")
def reader(built_pdfs: Built) -> PdfReader:
    return PdfReader(built_pdfs.reader)


@dataclass(frozen=True)
class PageText:
    """What pypdf reads from a page: its text (normalized) and its margin numbers."""

    text: str
    margin_numbers: frozenset[str]


def read_page(page: object) -> PageText:
    """The page's text, and the numbers set left of its text block (the ¶ numbers)."""
    runs: list[tuple[float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            runs.append((tm[4] * cm[0] + tm[5] * cm[2] + cm[4], text.strip()))

    raw = page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    numbers: frozenset[str] = frozenset()
    if runs:
        text_edge = Counter(round(x) for x, _ in runs).most_common(1)[0][0]
        numbers = frozenset(t for x, t in runs if x < text_edge - 5 and t.isdigit())
    return PageText(normalize(raw), numbers)


@pytest.fixture(scope="module")
def reader_text(reader: PdfReader) -> list[PageText]:
    return [read_page(page) for page in reader.pages]


@pytest.fixture(scope="module")
def reader_pages(reader_text: list[PageText]) -> list[str]:
    return [page.text for page in reader_text]


def normalize(text: str) -> str:
    """Page text with line-end hyphenation undone and white space collapsed."""
    text = text.replace("\u2010\n", "").replace("\u00ad\n", "").replace("-\n", "-")
    return " ".join(text.split())


def outline(reader: PdfReader) -> list[tuple[int, str]]:
    """The PDF's bookmarks as (depth, title), in order."""

    def walk(items: list[object], depth: int) -> Iterator[tuple[int, str]]:
        for item in items:
            if isinstance(item, list):
                yield from walk(item, depth + 1)
            else:
                yield depth, " ".join(str(item.title).split())  # type: ignore[attr-defined]

    return list(walk(reader.outline, 0))


def article_infos(site: pdf.Site) -> list[pdf.ArticleInfo]:
    return [
        pdf.article_info(pdf.load_page(site.site_dir, f"articles/{slug}/", slug))  # type: ignore[arg-type]
        for slug in site.slugs
    ]


# ---------------------------------------------------------------------------- basics


def test_the_pdfs_open_and_carry_metadata(built_pdfs: Built, site_info: pdf.Site) -> None:
    reader = PdfReader(built_pdfs.reader)
    assert len(reader.pages) > 20
    assert reader.metadata.title == site_info.title
    infos = article_infos(site_info)
    for info in infos:
        assert info.authors and info.authors in (reader.metadata.author or "")
    assert reader.trailer["/Root"]["/Lang"] == "en"

    article = PdfReader(built_pdfs.article)
    info = next(i for i in infos if i.slug == ARTICLE)
    assert len(article.pages) > 3
    assert article.metadata.title == info.title
    assert article.metadata.author == info.authors


def test_a4_by_default(reader: PdfReader) -> None:
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_outline_holds_every_article_and_its_sections(
    reader: PdfReader, site_info: pdf.Site
) -> None:
    entries = outline(reader)
    for info in article_infos(site_info):
        assert (0, info.title) in entries, f"no bookmark for {info.title!r}"
        start = entries.index((0, info.title))
        following = []
        for depth, title in entries[start + 1 :]:
            if depth == 0:
                break
            following.append((depth, title))
        for _web_id, heading in info.sections:
            assert (1, heading) in following, f"{info.slug}: no bookmark for section {heading!r}"


def test_fonts_are_embedded_noto(reader: PdfReader) -> None:
    seen = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            name = str(font["/BaseFont"])
            if name in seen:
                continue
            seen.add(name)
            if "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            else:
                descriptor = font["/FontDescriptor"]
            files = [key for key in descriptor.get_object() if key.startswith("/FontFile")]
            assert files, f"font {name} is not embedded"
    assert any("Noto-Serif" in name for name in seen), seen


# ------------------------------------------------------------------------- footnotes


def _text_before(note: lxml.html.HtmlElement) -> str:
    """The text of the note's block up to its call (other notes left out)."""
    block = note.getparent()
    while block.tag not in ("p", "li", "td", "div", "blockquote"):
        block = block.getparent()
    clone = lxml.html.fromstring(lxml.html.tostring(block))
    for inner in clone.xpath(".//span[contains(@class, 'fn-note')]"):
        tail = inner.tail
        is_this = inner.get("id") == note.get("id")
        label = inner.get("data-label", "")
        inner.clear()
        inner.text = "\ufdd0" if is_this else label  # another note: its call's number
        inner.tail = tail
    return " ".join(clone.text_content().split("\ufdd0")[0].split())


def _call_pages(pages: list[str], before: str, label: str) -> set[int]:
    """Pages whose text shows the call: the word before it and its number ("cranes.10").

    When that pair is on several pages, those also showing the two words before it (on
    the page, or on the page before when the call starts a page) are kept.
    """
    words = before.split()
    if not words:
        return set()
    last = re.split(r"[-\u2010]", words[-1])[-1]  # a word broken at a hyphen: its end
    call = re.compile(re.escape(last) + r"\s?" + re.escape(label) + r"(?!\d)")
    found = {index for index, text in enumerate(pages) if call.search(text)}
    prefix = " ".join(words[-3:-1])
    if len(found) > 1 and prefix:
        found = {i for i in found if prefix in pages[i] or (i and prefix in pages[i - 1])}
    return found


def test_each_footnote_is_on_the_page_of_its_call(
    reader_pages: list[str], reader_html: lxml.html.HtmlElement
) -> None:
    notes = reader_html.xpath("//span[contains(@class, 'fn-note')]")
    assert len(notes) > 40
    problems = []
    for note in notes:
        label = note.get("data-label")
        body = " ".join(note.text_content().split())[:45]
        body_pages = {i for i, text in enumerate(reader_pages) if body in text}
        call_pages = _call_pages(reader_pages, _text_before(note), label)
        if not body_pages:
            problems.append(f"{note.get('id')}: note text {body!r} not found")
        elif not call_pages & body_pages:
            problems.append(
                f"{note.get('id')}: call on pages {sorted(p + 1 for p in call_pages)}, "
                f"note on pages {sorted(p + 1 for p in body_pages)}"
            )
    assert not problems, "\n".join(problems)


def test_the_layout_check_sees_a_note_away_from_its_call() -> None:
    """pdf.misplaced_footnotes reads WeasyPrint's pages: on a tiny page the note goes over."""
    import weasyprint

    document = weasyprint.HTML(
        string="<style>@page { size: 100mm 60mm } .fn-note { float: footnote }</style>"
        "<p>Text text text<span class='fn-note' id='n1' data-label='1'>The note.</span> "
        + "more text " * 40
        + "</p><p>"
        + "last paragraph " * 30
        + "</p>",
        url_fetcher=pdf.LocalOnlyFetcher(),
    ).render()
    misplaced = pdf.misplaced_footnotes(document)
    assert [(m.note_id, m.label, m.call_page) for m in misplaced] == [("n1", "1", 0)]
    assert misplaced[0].body_page > 0


# ------------------------------------------------------------------------------ text


def test_text_holds_notes_and_paragraph_numbers_in_the_margin(
    reader: PdfReader, reader_text: list[PageText], reader_html: lxml.html.HtmlElement
) -> None:
    reader_pages = [page.text for page in reader_text]
    whole = " ".join(reader_pages)
    for note in reader_html.xpath("//span[contains(@class, 'fn-note')]"):
        assert " ".join(note.text_content().split())[:45] in whole
    destinations = set(reader.named_destinations)
    margins = [page.margin_numbers for page in reader_text]
    missing = []
    paragraphs = reader_html.xpath("//*[contains(@class, 'para')][@id]")
    assert len(paragraphs) > 100
    for para in paragraphs:
        number = para.get("data-web-id", "").removeprefix("p")
        # The ¶ anchor is the web page's (#p14), prefixed with the article: zhang-2023--p14.
        if para.get("id") not in destinations:
            missing.append(f"{para.get('id')}: no destination")
        if pdf._has_class(para, "table-block"):
            continue  # its first words are table cells
        first = " ".join(" ".join(para.text_content().split()).split()[1:6])
        pages = [i for i, text in enumerate(reader_pages) if first in text]
        if not any(number in margins[i] for i in pages):
            missing.append(f"{para.get('id')}: {number} not in the margin beside {first!r}")
    assert not missing, "\n".join(missing[:20])


def test_latin_diacritics_and_cyrillic_are_set_in_noto(tmp_path: Path) -> None:
    document = lxml.html.document_fromstring(
        "<html lang='en'><body><section class='article'><h1 class='article-title' "
        "data-running-title='t' data-running-authors='a'>Šćepanović</h1>"
        "<p class='para'>Šćepanović, Jelena; Организация Договора о коллективной "
        "безопасности; Қазақстан; Tokayev’s “reforms”.</p></section></body></html>"
    )
    result = pdf.render_pdf(document, tmp_path / "t.pdf", report=lambda line: None)
    assert result.warnings == ()  # no .notdef glyph
    text = normalize(PdfReader(tmp_path / "t.pdf").pages[0].extract_text())
    assert "Šćepanović, Jelena" in text
    assert "Организация Договора о коллективной безопасности" in text
    assert "Қазақстан" in text


def test_required_glossary_terms_are_in_the_reader(
    built_pdfs: Built, reader_pages: list[str]
) -> None:
    page = built_pdfs.site / "glossary" / "index.html"
    assert page.is_file(), "the site has no glossary page"
    from csto_reader.scholarly.glossary import REQUIRED_IDS

    glossary = lxml.html.parse(str(page)).getroot()
    whole = " ".join(reader_pages)
    for term_id in REQUIRED_IDS:
        heading = glossary.get_element_by_id(term_id)
        name = " ".join(heading.text_content().replace("¶", "").split())
        assert name in whole, f"glossary term {name!r} not in the reader's PDF"


# ----------------------------------------------------------------------------- links


def _internal_links(page: object) -> list[str]:
    links = []
    for annotation in page.get("/Annots") or []:  # type: ignore[attr-defined]
        annotation = annotation.get_object()
        if annotation.get("/Subtype") == "/Link" and "/Dest" in annotation:
            links.append(str(annotation["/Dest"]))
    return links


def test_contents_links_to_every_article_and_section(
    reader: PdfReader, site_info: pdf.Site
) -> None:
    contents_page = next(
        i for i, (depth, title) in enumerate(outline(reader)) if title == "Contents"
    )
    destinations = {dest for page in reader.pages[:6] for dest in _internal_links(page)}
    assert contents_page == 0
    for info in article_infos(site_info):
        assert f"{info.slug}--top" in destinations
        for web_id, _heading in info.sections:
            assert f"{info.slug}--{web_id}" in destinations


def test_citations_and_terms_link_inside_the_reader(reader: PdfReader, built_pdfs: Built) -> None:
    links = [dest for page in reader.pages for dest in _internal_links(page)]
    named = set(reader.named_destinations)
    assert all(dest in named for dest in links), "a link to a missing destination"
    # Citations lead to the work in the article's own reference list (the merged
    # bibliography is on the web edition, not printed again).
    assert not any(dest.startswith("bibliography--") for dest in links)
    assert sum("--ref-" in dest for dest in links) > 100
    if (built_pdfs.site / "glossary" / "index.html").is_file():
        assert sum(dest.startswith("glossary--") for dest in links) > 50


def test_article_pdf_is_the_article_with_its_own_references(built_pdfs: Built) -> None:
    article = PdfReader(built_pdfs.article)
    entries = outline(article)
    assert entries[0][0] == 0 and entries[0][1] == article.metadata.title
    links = [dest for page in article.pages for dest in _internal_links(page)]
    named = set(article.named_destinations)
    assert all(dest in named for dest in links)
    assert not any(dest.startswith("bibliography--") for dest in links)
    if (built_pdfs.site / "bibliography" / "index.html").is_file():
        # Citations jump to the article's own reference list.
        assert sum(dest.startswith(f"{ARTICLE}--ref-") for dest in links) > 50
    text = normalize(" ".join(page.extract_text() for page in article.pages))
    assert "Activities of the Collective Security Treaty Organization" not in text


# ---------------------------------------------------------------------------- network


def test_weasyprint_fetches_only_local_files(tmp_path: Path) -> None:
    fetcher = pdf.LocalOnlyFetcher()
    with pytest.raises(ValueError, match="only file: and data:"):
        fetcher.fetch("https://example.org/image.png")
    assert fetcher.refused == ["https://example.org/image.png"]
    document = lxml.html.document_fromstring(
        "<html><body><p>x<img src='https://example.org/a.png'>"
        "<img src='http://127.0.0.1:9/b.png'></p></body></html>"
    )
    result = pdf.render_pdf(document, tmp_path / "n.pdf", report=lambda line: None)
    assert any("refused to fetch https://example.org/a.png" in w for w in result.warnings)
    assert any("refused to fetch http://127.0.0.1:9/b.png" in w for w in result.warnings)


def test_letter_paper_by_option(built_pdfs: Built, tmp_path: Path) -> None:
    site = pdf.read_site(built_pdfs.site)
    document = pdf.assemble_article(site, "choi-2022", datetime.date.today())
    result = pdf.render_pdf(
        document,
        tmp_path / "letter.pdf",
        paper="letter",
        base_dir=site.site_dir,
        report=lambda line: None,
    )
    box = PdfReader(result.path).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_a_very_long_word_wraps_inside_the_page(tmp_path: Path) -> None:
    """A 3,000-character word in a title, a heading, a paragraph and a table cell is
    broken across lines: every word pdftotext finds lies inside the page (before the
    fix the title ran off the right edge as one line)."""
    import re
    import subprocess

    word = "0123456789" * 300  # 3,000 characters, no break or hyphenation point
    head = pdf.running_head(f"A {word} title")
    assert head == "A " + word[:39] + "… title"
    assert len(pdf.running_head("word " * 100)) <= 121
    title = "Activities of the Collective Security Treaty Organization in Central Asia (2002-2022)"
    assert pdf.running_head(title) == title
    document = lxml.html.document_fromstring(
        "<html lang='en'><body><section class='article'>"
        f"<h1 class='article-title' data-running-title='{head}' "
        f"data-running-authors='a'>A {word} title</h1>"
        f"<h2>Heading {word[:600]}</h2><p class='para'>Text {word[:900]} text.</p>"
        f"<table><tr><th>Head</th><td>{word[:700]}</td></tr></table>"
        "</section></body></html>"
    )
    result = pdf.render_pdf(document, tmp_path / "t.pdf", report=lambda line: None)
    assert result.pages >= 1
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(tmp_path / "t.pdf"), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    words = [
        (float(m.group(1)), float(m.group(2)), m.group(3))
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)<', boxes
        )
    ]
    pieces = [w for w in words if re.fullmatch(r"\d{8,}", w[2])]
    assert sum(len(w[2]) for w in pieces) == 3000 + 600 + 900 + 700  # all of it is shown
    outside = [(x0, x1, text[:30]) for x0, x1, text in words if x1 > width - 10 or x0 < 0]
    assert not outside, outside[:5]
    assert len(pieces) > 20  # broken over many lines


# ---------------------------------------------------------------------- the apparatus


def _folded(text: str) -> str:
    """Letters and digits only, case-folded: what survives line breaks and hyphenation."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


def _reference_titles(slug: str) -> dict[str, str]:
    """The title of each entry of an article's reference list (bib/<slug>.bib), by key."""
    import bibtexparser
    from bibtexparser.middlewares import LatexDecodingMiddleware

    library = bibtexparser.parse_string(
        (ROOT / "bib" / f"{slug}.bib").read_text(encoding="utf-8"),
        append_middleware=[LatexDecodingMiddleware()],
    )
    return {
        e.key: e.fields_dict["title"].value for e in library.entries if "title" in e.fields_dict
    }


def test_each_reference_is_printed_once_per_article(built_pdfs: Built, site_info: pdf.Site) -> None:
    """Each work of an article's reference list is printed once in its PDF (before: the
    formatted entry, the printed one and the merged bibliography repeated it): its title
    occurs once in its entry (twice where a note gives the reader's differing entry), and
    the PDF shows the title as often as the document it is typeset from (addresses that
    spell the title out included)."""
    checked = 0
    problems = []
    for slug, path in built_pdfs.articles.items():
        if not (ROOT / "bib" / f"{slug}.bib").is_file():
            continue
        document = pdf.assemble_article(site_info, slug, datetime.date.today())
        whole = _folded(document.text_content())
        for link in document.iter("a"):
            if "://" in (link.text or ""):
                link.text = ""  # an address that spells the title out ("Eurasia-Doomed-...")
        entries = document.xpath("//*[contains(@class, 'references')]/li")
        printed = _folded(_pdf_text(path))
        for key, title in _reference_titles(slug).items():
            folded = _folded(title)
            if len(title.split()) < 4 or folded not in whole:
                continue  # a short title ("UN Charter") also occurs as a word of the text
            checked += 1
            for entry in entries:
                if not entry.get("id", "").endswith(f"--ref-{key}"):
                    continue
                expected = 1 + len(entry.xpath(".//p[contains(@class, 'ref-note')]"))
                if _folded(entry.text_content()).count(folded) > expected:
                    problems.append(f"{slug} {key}: more than {expected} times in its entry")
            if printed.count(folded) != whole.count(folded):
                problems.append(f"{slug} {key}: {printed.count(folded)} times in the PDF")
    assert checked > 100
    assert not problems, "\n".join(problems[:20])


def test_numbered_references_start_with_their_number_on_the_entry_line(
    built_pdfs: Built,
) -> None:
    """No "1." alone on a line above its entry (Beloglazov's and Syssoyeva's lists)."""
    alone = []
    for slug in ("beloglazov-2023", "syssoyeva-2023"):
        for line in _pdf_text(built_pdfs.articles[slug]).splitlines():
            if re.fullmatch(r"\s*\d{1,3}\.\s*", line):
                alone.append(f"{slug}: {line!r}")
    assert not alone, alone[:10]


def _reference_headings(document: lxml.html.HtmlElement) -> tuple[str, ...]:
    headings = set()
    for items in document.xpath("//*[contains(@class, 'references')]"):
        heading = items.getprevious()
        if heading is not None and heading.tag == "h2":
            headings.add(" ".join(heading.text_content().split()))
    return tuple(sorted(headings))


def _benchmark() -> object:
    import importlib.util

    if str(ROOT / "benchmarks") not in sys.path:  # its sibling results_file.py
        sys.path.insert(0, str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location("pdf_benchmark", ROOT / "benchmarks" / "pdf.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["pdf_benchmark"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_apparatus_is_at_most_a_third_of_the_reader(
    built_pdfs: Built, reader_html: lxml.html.HtmlElement
) -> None:
    """Reference lists and appendices, measured from the bookmarks, are at most a third of
    the pages (58 % before: 65 of 112 pages)."""
    titles = _reference_headings(reader_html)
    assert titles
    share = _benchmark().apparatus_share(built_pdfs.reader, titles)  # type: ignore[attr-defined]
    assert share.parts.get("reference lists", 0) > 3
    assert any(name.startswith("Appendix") for name in share.parts)
    assert share.fraction <= 1 / 3, (share.pages, share.apparatus, share.parts)


def _appendix_pages(reader: PdfReader, name: str) -> list[str]:
    """The raw text of the pages of the appendix whose bookmark ends with ``name``."""
    marks = [(depth, title, reader.get_destination_page_number(item)) for depth, title, item in
             _outline_items(reader.outline, 0)]  # fmt: skip
    tops = [(title, page) for depth, title, page in marks if depth == 0]
    for index, (title, page) in enumerate(tops):
        if title.endswith(name):
            end = tops[index + 1][1] if index + 1 < len(tops) else len(reader.pages)
            return [reader.pages[i].extract_text() for i in range(page, max(end, page + 1))]
    return []


def _outline_items(items: list[object], depth: int) -> Iterator[tuple[int, str, object]]:
    for item in items:
        if isinstance(item, list):
            yield from _outline_items(item, depth + 1)
        else:
            yield depth, " ".join(str(item.title).split()), item  # type: ignore[attr-defined]


def test_glossary_prints_paragraph_references_without_breaking_them(
    reader: PdfReader, reader_html: lxml.html.HtmlElement
) -> None:
    """The glossary lists sources and uses as ¶ references, not snippets, and no line
    ends with a "¶" whose number went to the next line."""
    pages = _appendix_pages(reader, "Glossary")
    assert len(pages) > 3
    torn = [
        f"{line!r} / {following!r}"
        for text in pages
        for line, following in zip(text.splitlines(), text.splitlines()[1:], strict=False)
        if line.rstrip().endswith("¶") or re.fullmatch(r"\s*¶\s*", line)
    ]
    assert not torn, torn[:10]
    glossary = reader_html.xpath("//section[contains(@class, 'appendix-glossary')]")[0]
    assert len(glossary.xpath(".//p[contains(@class, 'gl-refs')]")) > 50
    # No snippet list ("¶ 40: … south of the Republic …") is left.
    assert not [li for li in glossary.iter("li") if "…" in li.text_content()]


def test_the_chronology_is_printed_with_its_events_and_differences(
    built_pdfs: Built, reader: PdfReader
) -> None:
    page = built_pdfs.site / "timeline" / "index.html"
    assert page.is_file(), "the site has no chronology page"
    timeline = lxml.html.parse(str(page)).getroot()
    pages = _appendix_pages(reader, "Chronology")
    assert pages, "no chronology appendix in the reader's PDF"
    text = normalize(" ".join(pages))
    events = timeline.xpath("//div[contains(@class, 'tl-event')]/h3")
    assert len(events) > 20
    missing = []
    for heading in events:
        clone = copy.deepcopy(heading)
        for date in clone.xpath(".//span[contains(@class, 'tl-date')]"):
            date.getparent().remove(date)
        label = " ".join(clone.text_content().replace("¶", "").split())
        if label[:50] not in text:
            missing.append(label)
    assert not missing, missing[:10]
    differ = timeline.xpath("//div[contains(@class, 'tl-differ')]//td[2]")
    assert differ and all(" ".join(td.text_content().split())[:30] in text for td in differ)


# ---------------------------------------------------------------------------- tagging


def _struct_kids(element: object) -> list[object]:
    kids = element.get("/K")  # type: ignore[attr-defined]
    if kids is None:
        return []
    if not isinstance(kids, list):
        kids = [kids]
    found = []
    for kid in kids:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if hasattr(kid, "get") and kid.get("/S") is not None:
            found.append(kid)
    return found


def _struct_types(root: object) -> list[str]:
    """The structure types of the tree under ``root``, depth first in document order."""
    types = []
    stack = list(reversed(_struct_kids(root)))
    while stack:
        element = stack.pop()
        types.append(str(element["/S"]))  # type: ignore[index]
        stack.extend(reversed(_struct_kids(element)))
    return types


def test_every_pdf_is_tagged(built_pdfs: Built) -> None:
    """PDF/UA: a structure tree, the language, the title shown, headings in order, notes."""
    for path in [built_pdfs.reader, *built_pdfs.articles.values()]:
        reader = PdfReader(path)
        catalog = reader.trailer["/Root"]
        assert "/StructTreeRoot" in catalog, path.name
        assert catalog["/Lang"] == "en"
        assert bool(catalog["/MarkInfo"]["/Marked"])
        assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
        assert reader.metadata.title
        types = _struct_types(catalog["/StructTreeRoot"].get_object())
        headings = [int(t[2]) for t in types if re.fullmatch(r"/H[1-6]", t)]
        assert headings and headings[0] == 1, (path.name, headings[:5])
        jumps = [(a, b) for a, b in zip(headings, headings[1:], strict=False) if b > a + 1]
        assert not jumps, (path.name, jumps[:5])
        assert {1, 2}.issubset(headings), path.name
        if path == built_pdfs.reader:
            assert 3 in headings
            assert types.count("/Note") > 40
            figures = [t for t in types if t == "/Figure"]
            assert not figures or "/Alt" in str(catalog["/StructTreeRoot"].get_object())


def test_an_image_keeps_its_alternate_text_and_a_note_is_a_note(tmp_path: Path) -> None:
    pixel = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
        "z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )
    document = lxml.html.document_fromstring(
        "<html lang='en'><head><title>Tagged</title></head><body><section class='article'>"
        "<h1 class='article-title' data-running-title='t' data-running-authors='a'>Tagged</h1>"
        f"<h2>Part</h2><p class='para'>Text<span class='fn-note' id='fn:1' data-label='1'>"
        f"The note.</span> and <img src='{pixel}' alt='A map of Central Asia'></p>"
        "</section></body></html>"
    )
    result = pdf.render_pdf(document, tmp_path / "t.pdf", report=lambda line: None)
    assert result.warnings == ()
    root = PdfReader(tmp_path / "t.pdf").trailer["/Root"]["/StructTreeRoot"].get_object()
    types = _struct_types(root)
    assert "/Figure" in types and "/Note" in types
    assert "A map of Central Asia" in str(_find(root, "/Figure").get("/Alt"))  # type: ignore[union-attr]
    assert "/IDTree" in root


def _find(root: object, kind: str) -> object | None:
    stack = _struct_kids(root)
    while stack:
        element = stack.pop()
        if element["/S"] == kind:  # type: ignore[index]
            return element
        stack.extend(_struct_kids(element))
    return None


# ---------------------------------------------------------------- the printed apparatus


def _appendix(document: lxml.html.HtmlElement, name: str) -> lxml.html.HtmlElement:
    found = document.xpath(f"//section[contains(@class, 'appendix-{name}')]")
    assert found, f"no {name} appendix"
    return found[0]


def test_glossary_prints_definitions_and_says_where_the_discussion_is(
    reader_html: lxml.html.HtmlElement, built_pdfs: Built
) -> None:
    """Each printed term has its definition and ¶ lines, not the editors' discussion
    (which stays on /glossary/, and the appendix says so); no reference-list key
    ("ref-csto2012") is printed as a locator."""
    glossary = _appendix(reader_html, "glossary")
    web = lxml.html.parse(str(built_pdfs.site / "glossary" / "index.html")).getroot()
    terms = glossary.findall("h2")
    assert len(terms) == len(web.xpath("//article//h2"))
    for term in terms:
        following = term.getnext()
        while following is not None and "index-see" in (following.get("class") or ""):
            following = following.getnext()
        assert following is not None and "gl-definition" in (following.get("class") or ""), (
            " ".join(term.text_content().split())
        )
    notes = [
        " ".join(p.text_content().split()) for p in glossary.xpath(".//p[@class='appendix-note']")
    ]
    assert any("/glossary/" in note and "discussion" in note for note in notes)
    # The discussion of a term (plain paragraphs after its definition) is not printed.
    plain = [p for p in glossary.findall("p") if not p.get("class")]
    assert len(plain) <= 1 + len(glossary.xpath("./p[starts-with(normalize-space(.), 'Written')]"))
    assert not re.search(r"\bref-[a-z]", glossary.text_content())


def test_index_prints_paragraph_numbers_once_per_article_and_events_by_date(
    reader_html: lxml.html.HtmlElement,
) -> None:
    """The printed index: one "¶" per article's run of numbers, no page counters (which
    cost WeasyPrint a layout again), and chronology events named by their dates."""
    index = _appendix(reader_html, "index")
    items = index.xpath(".//li")
    assert len(items) > 100
    for item in items:
        signs = [a for a in item.iter("a") if (a.text or "").startswith("¶")]
        assert len(signs) <= 1, " ".join(item.text_content().split())
    dated = [a.text or "" for a in index.iter("a") if a.get("href", "").startswith("#chronology--")]
    assert dated and all(re.search(r"\b\d{4}\b", text) for text in dated), dated[:5]
    assert "target-counter" not in "".join(
        line for line in pdf.STYLESHEET.read_text().splitlines() if "appendix-index" in line
    )


def test_article_glossary_gives_each_term_its_definition(site_info: pdf.Site) -> None:
    """The glossary of an article's PDF: each term with its short definition (the first
    block after the heading, not the hidden links to the index of names)."""
    document = pdf.assemble_article(site_info, ARTICLE, datetime.date.today())
    glossary = _appendix(document, "glossary")
    terms = glossary.findall("h2")
    assert terms
    for term in terms:
        definition = term.getnext()
        assert definition is not None and definition.find("strong") is not None
        assert "index-see" not in (definition.get("class") or "")


def test_footnote_fixes_carry_from_a_document_to_another() -> None:
    """What keep_notes_with_calls set on a block (by its id) is set on the block of the
    same id in another document; other ids and attributes are left alone."""
    made = lxml.html.document_fromstring(
        "<html><body><p id='a--p1' data-orphans='1'>x</p><p id='a--p2'>y</p>"
        "<p data-break-before='page'>no id</p></body></html>"
    )
    fixes = pdf.footnote_fixes(made)
    assert fixes == (("a--p1", "data-orphans", "1"),)
    other = lxml.html.document_fromstring(
        "<html><body><p id='a--p2'>y</p><p id='a--p1'>x</p></body></html>"
    )
    pdf.apply_footnote_fixes(
        other, [*fixes, ("a--p9", "data-orphans", "1"), ("a--p2", "style", "x")]
    )
    assert other.get_element_by_id("a--p1").get("data-orphans") == "1"
    assert other.get_element_by_id("a--p2").get("style") is None


# ------------------------------------------------------------------ scheduling and cache


def _tiny_site(root: Path, slugs: Sequence[str]) -> Path:
    """A built site as small as the PDF stage accepts: a home page with a card per
    article, and each article's page with a heading and two paragraphs."""
    root.mkdir()
    cards = "".join(f'<a href="articles/{slug}/">{slug}</a>' for slug in slugs)
    (root / "index.html").write_text(
        f"<html><head><title>Home - Tiny Reader</title></head><body>{cards}</body></html>",
        encoding="utf-8",
    )
    for slug in slugs:
        page = root / "articles" / slug / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(
            "<html><head><title>T</title></head><body><article class='md-content__inner'>"
            f"<h1 id='{slug}'>Article {slug}</h1><p id='p1'>First paragraph.</p>"
            "<p id='p2'>Second paragraph.</p></article></body></html>",
            encoding="utf-8",
        )
    return root


def test_the_cached_fixes_are_keyed_by_what_the_pdfs_are_made_from(tmp_path: Path) -> None:
    """The key changes with an article's page, the paper, the date; the fixes kept under
    a key are read back under it only."""
    site = _tiny_site(tmp_path / "site", ["a-2020", "b-2021"])
    date = datetime.date(2026, 1, 2)
    (job,) = pdf.plan_jobs(site, tmp_path / "out", "a4", date, slugs=[])
    key = pdf.fixes_key(site, job)
    assert pdf.fixes_key(site, job) == key
    assert pdf.fixes_key(site, dataclasses.replace(job, paper="letter")) != key
    assert pdf.fixes_key(site, dataclasses.replace(job, build_date=date.replace(day=3))) != key
    page = site / "articles" / "b-2021" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Second", "2nd"), encoding="utf-8")
    changed = pdf.fixes_key(site, job)
    assert changed != key
    cache = tmp_path / "cache" / "fixes.json"
    assert pdf.read_cached_fixes(cache, changed) is None  # no file yet
    fixes = (("b-2021--p2", "data-orphans", "1"),)
    pdf.write_cached_fixes(cache, changed, fixes)
    assert pdf.read_cached_fixes(cache, changed) == fixes
    assert pdf.read_cached_fixes(cache, key) is None  # stale
    cache.write_text("{not json", encoding="utf-8")
    assert pdf.read_cached_fixes(cache, changed) is None


def test_the_reader_is_typeset_with_the_fixes_the_articles_find(tmp_path: Path) -> None:
    """In a pool: cold (the reader waits for the articles' fixes), with the cache of the
    last build, and with a cache that misleads (the reader is typeset again with the
    fixes found); every time the reader carries exactly the articles' fixes and the PDFs
    are the same."""
    site = _tiny_site(tmp_path / "site", ["a-2020", "b-2021", "c-2022"])
    cache = tmp_path / "fixes.json"
    made = []
    for attempt in ("cold", "cached", "misled"):
        if attempt == "misled":
            kept = json.loads(cache.read_text(encoding="utf-8"))
            kept["fixes"] = [["a-2020--p2", "data-break-before", "page"]]
            cache.write_text(json.dumps(kept), encoding="utf-8")
        results = pdf.build_pdfs(site, jobs=2, out_dir=tmp_path / attempt, cache=cache)
        assert [r.path.name for r in results] == [
            "reader.pdf", "a-2020.pdf", "b-2021.pdf", "c-2022.pdf"
        ]  # fmt: skip
        found = sorted(fix for r in results[1:] for fix in r.footnote_fixes)
        assert sorted(results[0].footnote_fixes) == found, attempt
        assert json.loads(cache.read_text(encoding="utf-8"))["fixes"] == [list(f) for f in found]
        key = pdf.fixes_key(site, pdf.plan_jobs(site, tmp_path / attempt)[0])
        assert pdf.read_cached_fixes(cache, key) == tuple(found)  # what the next build reads
        made.append([r.pages for r in results])
    assert made[0] == made[1] == made[2]
