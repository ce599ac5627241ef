"""The EPUBs (publish/epub.py): made from the session's built site (``site_dir``, conftest),
validated with EPUBCheck (Debian package ``epubcheck``: 0 errors, 0 warnings) and DAISY Ace
(npm, with Debian's Chromium: 0 violations), and read back with zipfile + lxml: the web
edition's ¶ ids, EPUB notes, the navigation, the metadata."""

from __future__ import annotations

import json
import os
import posixpath
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
    (toc,) = nav.xpath("//x:nav[@epub:type='toc']", namespaces=NS)
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
