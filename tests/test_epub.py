"""The EPUBs (publish/epub.py): made from the session's built site (``site_dir``, conftest),
validated with EPUBCheck (Debian package ``epubcheck``: 0 errors, 0 warnings) and DAISY Ace
(npm, with Debian's Chromium: 0 violations), and read back with zipfile + lxml: the web
edition's ¶ ids, EPUB notes, the navigation, the metadata."""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import lxml.etree
import lxml.html
import pytest
import yaml

from conftest import ROOT, SLUGS
from csto_reader.diagnostics import Reporter
from csto_reader.publish import epub
from csto_reader.publish.pdf import read_site

NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


@pytest.fixture(scope="module")
def epubs(site_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """reader.epub and one EPUB per article, by name without ".epub"."""
    out = tmp_path_factory.mktemp("epubs")
    reporter = Reporter()
    results = epub.build_epubs(site_dir, out_dir=out, reporter=reporter)
    assert not reporter.diagnostics, reporter.diagnostics
    return {r.path.stem: r.path for r in results}


class Book:
    """An EPUB opened with zipfile: its package document and its XHTML documents."""

    def __init__(self, path: Path) -> None:
        with zipfile.ZipFile(path) as z:
            self.names = z.namelist()
            container = lxml.etree.fromstring(z.read("META-INF/container.xml"))
            self.opf_path = container.xpath("//*[local-name()='rootfile']/@full-path")[0]
            self.opf = lxml.etree.fromstring(z.read(self.opf_path))
            self.base = posixpath.dirname(self.opf_path)
            self.docs = {
                posixpath.relpath(n, self.base): lxml.etree.fromstring(z.read(n))
                for n in self.names
                if n.endswith(".xhtml")
            }

    def meta(self, prop: str) -> list[str]:
        return [m.text for m in self.opf.xpath(f"//opf:meta[@property='{prop}']", namespaces=NS)]

    def dc(self, name: str) -> list[str]:
        return [e.text for e in self.opf.xpath(f"//dc:{name}", namespaces=NS)]

    def ids(self, doc: str) -> set[str]:
        return set(self.docs[doc].xpath("//@id"))

    def nav(self) -> lxml.etree._Element:
        (href,) = self.opf.xpath("//opf:item[@properties='nav']/@href", namespaces=NS)
        return self.docs[href]

    def toc(self) -> lxml.etree._Element:
        (found,) = self.nav().xpath("//x:nav[@epub:type='toc']", namespaces=NS)
        return found

    def resolves(self, doc: str, href: str) -> bool:
        path, _, fragment = href.partition("#")
        target = posixpath.normpath(posixpath.join(posixpath.dirname(doc), path)) if path else doc
        if target not in self.docs:
            return False
        return not fragment or fragment in self.ids(target)


def web_paragraph_ids(site_dir: Path, slug: str) -> list[str]:
    root = lxml.html.parse(str(site_dir / "articles" / slug / "index.html")).getroot()
    return [p.get("id") for p in root.xpath("//article//p[starts-with(@id, 'p')]")]


def test_epubcheck_finds_no_error_and_no_warning(epubs: dict[str, Path], tmp_path: Path) -> None:
    program = shutil.which("epubcheck")
    assert program, "epubcheck (Debian package) is not installed: make setup"
    assert set(epubs) == {"reader", *SLUGS}
    for name, path in epubs.items():
        report = tmp_path / f"{name}.json"
        # Debian's /usr/bin/epubcheck is the jar itself, run by java.
        run = subprocess.run(
            ["java", "-jar", str(Path(program).resolve()), str(path), "--json", str(report)],
            capture_output=True,
            text=True,
        )
        messages = json.loads(report.read_text(encoding="utf-8"))["messages"]
        found = [
            f"{m['severity']} {m['ID']}: {m['message']}"
            for m in messages
            if m["severity"] in ("FATAL", "ERROR", "WARNING")
        ]
        assert not found, f"{name}.epub:\n" + "\n".join(found[:20])
        assert run.returncode == 0, run.stdout + run.stderr


def ace_program() -> Path:
    """DAISY Ace's command line, installed by `make setup` (npm ci, package.json);
    CSTO_ACE names another copy."""
    return Path(os.environ.get("CSTO_ACE") or ROOT / "node_modules" / ".bin" / "ace-cli")


def test_daisy_ace_finds_no_violation(epubs: dict[str, Path], tmp_path: Path) -> None:
    program = ace_program()
    chromium = shutil.which("chromium")
    assert program.is_file(), f"{program}: no DAISY Ace (make setup runs npm ci)"
    assert chromium, "Debian's chromium is not installed: make setup"
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium, "PUPPETEER_SKIP_DOWNLOAD": "1"}
    for name, path in epubs.items():
        out = tmp_path / name
        run = subprocess.run(
            [str(program), "--silent", "--force", "--outdir", str(out), str(path)],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        violations = [
            f"{subject['earl:testSubject']['url']}: {test['earl:test']['dct:title']}"
            for subject in report["assertions"]
            for test in subject.get("assertions", [])
            if test["earl:result"]["earl:outcome"] != "pass"
        ]
        assert not violations, f"{name}.epub:\n" + "\n".join(violations[:20])
        assert report["earl:result"]["earl:outcome"] == "pass"


def test_each_article_keeps_the_web_paragraph_ids(epubs: dict[str, Path], site_dir: Path) -> None:
    reader = Book(epubs["reader"])
    for slug in SLUGS:
        wanted = web_paragraph_ids(site_dir, slug)
        assert wanted[:3] == ["p1", "p2", "p3"], slug
        for book in (Book(epubs[slug]), reader):
            ids = book.ids(f"{slug}.xhtml")
            missing = [pid for pid in wanted if pid not in ids]
            assert not missing, f"{slug}: {missing[:5]}"


def test_noterefs_lead_to_footnotes(epubs: dict[str, Path]) -> None:
    total = 0
    for path in epubs.values():
        book = Book(path)
        for name, doc in book.docs.items():
            notes = {a.get("id") for a in doc.iter(f"{{{NS['x']}}}aside")}
            for link in doc.xpath("//x:a[@epub:type='noteref']", namespaces=NS):
                href = link.get("href")
                assert href.startswith("#") and href[1:] in notes, f"{path.name} {name}: {href}"
                (aside,) = doc.xpath(f"//x:aside[@id='{href[1:]}']", namespaces=NS)
                assert aside.get(EPUB_TYPE) == "footnote"
                assert "".join(aside.itertext()).strip()
                total += 1
    assert total > 20  # the articles have notes


def test_every_link_inside_the_book_resolves(epubs: dict[str, Path]) -> None:
    for path in epubs.values():
        book = Book(path)
        broken = [
            f"{name}: {href}"
            for name, doc in book.docs.items()
            for href in doc.xpath("//x:a/@href", namespaces=NS)
            if ":" not in href.partition("#")[0] and not book.resolves(name, href)
        ]
        assert not broken, f"{path.name}: {broken[:10]}"


def test_nav_lists_every_article_the_glossary_bibliography_and_paragraphs(
    epubs: dict[str, Path], site_dir: Path
) -> None:
    book = Book(epubs["reader"])
    nav = book.nav()
    toc = book.toc()
    listed = set(toc.xpath(".//x:a/@href", namespaces=NS))
    for name in [f"{slug}.xhtml" for slug in SLUGS] + ["glossary.xhtml", "bibliography.xhtml"]:
        assert name in listed
        assert name in book.docs
    (pages,) = nav.xpath(f"//x:nav[@epub:type='{epub.PARAGRAPH_LIST}']", namespaces=NS)
    assert not nav.xpath("//x:nav[@epub:type='page-list']", namespaces=NS)  # no print pages
    entries = pages.xpath(".//x:a/@href", namespaces=NS)
    order = read_site(site_dir).slugs  # the home page's order
    assert sorted(order) == SLUGS
    expected = [
        f"{slug}.xhtml#{pid}" for slug in order for pid in web_paragraph_ids(site_dir, slug)
    ]
    assert entries == expected
    # Articles link to the glossary and the bibliography inside the book.
    zhang = book.docs["zhang-2023.xhtml"]
    hrefs = zhang.xpath("//x:a/@href", namespaces=NS)
    assert any(h.startswith("bibliography.xhtml#") for h in hrefs)
    assert any(h.startswith("glossary.xhtml#") for h in hrefs)


def test_package_metadata_follows_meta_yml_and_declares_accessibility(
    epubs: dict[str, Path],
) -> None:
    for slug in SLUGS:
        meta = yaml.safe_load((ROOT / "sources" / slug / "meta.yml").read_text(encoding="utf-8"))
        book = Book(epubs[slug])
        assert book.dc("title") == [" ".join(meta["title"].split())]
        assert book.dc("language") == [meta.get("language", "en")]
        assert book.dc("creator") == [a["name"] for a in meta["authors"]]
    for path in epubs.values():
        book = Book(path)
        assert book.meta("schema:accessMode") == ["textual"]
        assert book.meta("schema:accessModeSufficient") == ["textual"]
        assert "tableOfContents" in book.meta("schema:accessibilityFeature")
        assert book.meta("schema:accessibilityHazard") == ["none"]
        assert book.meta("schema:accessibilitySummary")[0]
        assert book.meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
        texts = "".join("".join(d.itertext()) for d in book.docs.values())
        assert "copied when you click" not in texts
        for doc in book.docs.values():
            assert not doc.xpath("//x:script | //x:button | //x:form", namespaces=NS)
            assert not doc.xpath("//@*[starts-with(name(), 'data-')]")  # the scripts' data
            assert not doc.xpath("//x:*[@class='pnum'][@href]", namespaces=NS)  # no ¶ buttons


def test_a_folder_without_a_site_is_reported(tmp_path: Path) -> None:
    reporter = Reporter()
    assert epub.build_epubs(tmp_path, reporter=reporter) == []
    assert [d.code for d in reporter.diagnostics] == ["epub-site-missing"]


def test_home_and_article_pages_link_the_epubs(site_dir: Path) -> None:
    home = lxml.html.parse(str(site_dir / "index.html")).getroot()
    assert "downloads/reader.epub" in home.xpath("//a/@href")
    for slug in SLUGS:
        page = lxml.html.parse(str(site_dir / "articles" / slug / "index.html")).getroot()
        links = page.xpath("//p[contains(@class, 'downloads')]//a/@href")
        assert f"../../downloads/{slug}.epub" in links
        assert "../../downloads/reader.epub" in links


# ------------------------------------------- the chronology and the index of names (reader)

# The web pages of the reader's apparatus and their chapters in reader.epub, in book order.
APPENDICES = [
    ("glossary/", "glossary.xhtml"),
    ("timeline/", "chronology.xhtml"),
    ("bibliography/", "bibliography.xhtml"),
    ("index/", "index.xhtml"),
]


def web_content(site_dir: Path, key: str) -> lxml.html.HtmlElement:
    """The ``<article>`` of a built page, without its permalink anchors (the "¶" after
    each heading)."""
    root = lxml.html.parse(str(site_dir / key / "index.html")).getroot()
    (article,) = root.xpath("//article")
    for anchor in article.xpath(".//a[contains(@class, 'headerlink')]"):
        anchor.drop_tree()
    return article


def words(element: lxml.etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def chapter_of(book: Book, name: str) -> lxml.etree._Element:
    (section,) = book.docs[name].xpath("/x:html/x:body/x:section", namespaces=NS)
    return section


def test_reader_nav_lists_the_chronology_and_the_index_of_names(
    epubs: dict[str, Path], site_dir: Path
) -> None:
    book = Book(epubs["reader"])
    nav = book.nav()
    toc = book.toc()
    top = [(a.get("href"), words(a)) for a in toc.xpath("x:ol/x:li/x:a", namespaces=NS)]
    order = read_site(site_dir).slugs
    titles = {key: words(web_content(site_dir, key).find(".//h1")) for key, _ in APPENDICES}
    assert titles["timeline/"] == "Chronology"
    assert titles["index/"] == "Index of names"
    assert [href for href, _ in top] == [f"{s}.xhtml" for s in order] + [
        name for _, name in APPENDICES
    ]
    assert top[len(order) :] == [(name, titles[key]) for key, name in APPENDICES]
    # Each lists its sections (the chronology's periods, the index's letters).
    for key, name in (("timeline/", "chronology.xhtml"), ("index/", "index.xhtml")):
        sections = toc.xpath(f"x:ol/x:li[x:a/@href='{name}']/x:ol/x:li/x:a", namespaces=NS)
        web = web_content(site_dir, key).xpath(".//h2[@id]")
        assert [(a.get("href"), words(a)) for a in sections] == [
            (f"{name}#{h.get('id')}", words(h)) for h in web
        ]
        assert len(sections) >= 4
    marks = {
        a.get("href"): a.get(EPUB_TYPE)
        for a in nav.xpath("//x:nav[@epub:type='landmarks']//x:a", namespaces=NS)
    }
    assert marks["index.xhtml"] == "index"
    assert marks["chronology.xhtml"] == "appendix"
    # The single-article books hold neither (the whole reader's apparatus).
    for slug in SLUGS:
        single = Book(epubs[slug])
        assert "chronology.xhtml" not in single.docs
        assert "index.xhtml" not in single.docs


def test_every_chronology_event_of_the_web_page_is_in_the_reader(
    epubs: dict[str, Path], site_dir: Path
) -> None:
    book = Book(epubs["reader"])
    chapter = chapter_of(book, "chronology.xhtml")
    web = web_content(site_dir, "timeline/")
    events = web.xpath(".//div[contains(concat(' ', @class, ' '), ' tl-event ')]")
    (count,) = [int(w) for w in words(web.find("p")).split()[:1]]  # "44 events that ..."
    assert len(events) == count >= 40
    for event in events:
        heading = event.find("h3")
        (made,) = chapter.xpath(f".//x:h3[@id='{heading.get('id')}']", namespaces=NS)
        assert words(made) == words(heading)
        (holder,) = made.xpath("..", namespaces=NS)
        # The whole event: the passages quoted, the editors' notes, the differing wordings.
        assert words(holder) == words(event), heading.get("id")
    # The periods of January 2022 keep their dates and labels, without the drawn chart.
    for period in web.xpath(".//li[contains(@class, 'tl-period')]"):
        assert words(period) in words(chapter)
    assert not chapter.xpath(".//@style")


def test_the_index_of_names_has_every_entry_of_the_web_page(
    epubs: dict[str, Path], site_dir: Path
) -> None:
    chapter = chapter_of(Book(epubs["reader"]), "index.xhtml")
    web = web_content(site_dir, "index/")
    entries = web.xpath(".//p[contains(@class, 'index-entry')]")
    assert len(entries) >= 80
    for entry in entries:
        (made,) = chapter.xpath(f".//x:p[@id='{entry.get('id')}']", namespaces=NS)
        assert words(made) == words(entry)
        locators = entry.getnext()
        assert locators.tag == "ul"
        assert words(made.getnext()) == words(locators)
    # Nothing of the page is lost: the chapter reads as the web page does.
    assert words(chapter) == words(web)


def test_chronology_and_index_links_lead_to_the_web_anchors_inside_the_book(
    epubs: dict[str, Path], site_dir: Path
) -> None:
    """Each link of the two pages keeps its target: the same ¶ (``#p12``), note
    (``#fn:3``), glossary, bibliography, chronology or index id, in the book's chapter of
    that page, where an element holds that id."""
    book = Book(epubs["reader"])
    files = {f"articles/{slug}/": f"{slug}.xhtml" for slug in SLUGS} | dict(APPENDICES)
    for key, name in (("timeline/", "chronology.xhtml"), ("index/", "index.xhtml")):
        web_links = web_content(site_dir, key).xpath(".//a[@href]")
        made = chapter_of(book, name).xpath(".//x:a", namespaces=NS)
        assert len(made) == len(web_links) >= 200
        paragraphs = 0
        articles = {f"{slug}.xhtml": web_content(site_dir, f"articles/{slug}/") for slug in SLUGS}
        for link, ours in zip(web_links, made, strict=True):
            assert words(ours) == words(link)
            href = link.get("href")
            if href.startswith(("http://", "https://")):
                assert ours.get("href") == href
                continue
            path, _, fragment = href.partition("#")
            target_key = posixpath.normpath(posixpath.join(key, path)) + "/" if path else key
            target = files[target_key]
            wanted = f"#{fragment}" if target == name else f"{target}#{fragment}"
            assert ours.get("href") == wanted, href
            assert book.resolves(name, wanted), wanted
            if re.fullmatch(r"p\d+", fragment):  # a ¶: the web page's, word for word
                (para,) = book.docs[target].xpath(f"//*[@id='{fragment}']")
                (web_para,) = articles[target].xpath(f".//*[@id='{fragment}']")
                assert lxml.etree.QName(para).localname == web_para.tag
                assert words(para) == words(web_para), (target, fragment)
                paragraphs += 1
        assert paragraphs >= 50, key
