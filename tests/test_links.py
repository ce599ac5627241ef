"""Links: every internal link and anchor in the built site resolves; external links are listed.

The test walks every HTML page of the site that ``mkdocs build --strict`` makes (the
``site_dir`` fixture).  An internal address (relative, or absolute on this site) must name
a file of the site, and its ``#fragment`` an element id of that file.  The files that
``make site`` adds after the MkDocs build (the PDFs, the offline copy) are accepted by
name.  External links are not fetched (the build machine is offline): they are written
to a report in the test's temporary folder; ``benchmarks/external_links.py`` prints them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

# Attributes that make a browser follow or fetch an address.
LINK_ATTRIBUTES = {
    "a": "href",
    "area": "href",
    "link": "href",
    "img": "src",
    "script": "src",
    "iframe": "src",
    "source": "src",
    "video": "src",
    "audio": "src",
    "embed": "src",
    "form": "action",
}
NOT_CHECKED_SCHEMES = {"javascript", "data", "blob"}
BASE = "http://site.invalid/"  # stands for the site's root while resolving addresses
HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]$"
)


@dataclass(frozen=True)
class Link:
    page: str  # the page's path in the site, e.g. "articles/zhang-2023/index.html"
    tag: str
    url: str
    text: str  # the link text (for a), shortened


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []
        self._open_a: list[int] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if values.get(key):
                self.ids.add(values[key] or "")
        attribute = LINK_ATTRIBUTES.get(tag)
        if attribute and values.get(attribute) is not None:
            if tag == "link" and "preconnect" in (values.get("rel") or ""):
                return
            self.links.append((tag, (values[attribute] or "").strip()))
            self.texts.append("")
            if tag == "a":
                self._open_a.append(len(self.links) - 1)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open_a:
            self._open_a.pop()

    def handle_data(self, data: str) -> None:
        for i in self._open_a:
            self.texts[i] = (self.texts[i] + data)[:80]


@dataclass
class SiteLinks:
    ids: dict[str, set[str]]  # page path -> element ids
    links: list[Link]


def site_links(site: Path) -> SiteLinks:
    """Every id and every followed or fetched address of every HTML page under ``site``."""
    ids: dict[str, set[str]] = {}
    links: list[Link] = []
    for file in sorted(site.rglob("*.html")):
        rel = file.relative_to(site).as_posix()
        parser = _PageParser()
        parser.feed(file.read_text(encoding="utf-8"))
        ids[rel] = parser.ids
        links += [
            Link(rel, tag, url, " ".join(text.split()))
            for (tag, url), text in zip(parser.links, parser.texts, strict=True)
        ]
    return SiteLinks(ids, links)


def is_external(url: str, site_url: str = "") -> bool:
    parts = urlsplit(url)
    if site_url and url.startswith(site_url):
        return False
    return bool(parts.scheme or parts.netloc) and parts.scheme not in NOT_CHECKED_SCHEMES


def external_links(site: Path, site_url: str = "") -> list[Link]:
    """The links of the site that leave it (http, https, mailto, ...), in page order."""
    return [link for link in site_links(site).links if is_external(link.url, site_url)]


def target_file(site: Path, path: str) -> str | None:
    """The site file an address path names (a folder means its index.html), or None."""
    rel = unquote(path).lstrip("/")
    candidates = (
        [rel + "index.html"] if rel.endswith("/") or rel == "" else [rel, rel + "/index.html"]
    )
    for candidate in candidates:
        if (site / candidate).is_file():
            return candidate
    return None


def made_after_mkdocs(site: Path) -> set[str]:
    """Files `make site` adds to the site after `mkdocs build`: the PDFs and EPUBs (the
    reader's and one per article) and the offline copy, all under downloads/."""
    slugs = [p.parent.name for p in (site / "articles").glob("*/index.html")]
    names = ["reader.pdf", "reader.epub", "reader-offline.zip"]
    names += [f"{slug}.{kind}" for slug in slugs for kind in ("pdf", "epub")]
    return {f"downloads/{name}" for name in names}


def broken_internal_links(site: Path, found: SiteLinks) -> list[str]:
    later = made_after_mkdocs(site)
    broken = []
    for link in found.links:
        if not link.url or is_external(link.url):
            continue
        if urlsplit(link.url).scheme in NOT_CHECKED_SCHEMES:
            continue
        resolved = urlsplit(urljoin(BASE + link.page, link.url))
        target = target_file(site, resolved.path)
        where = f"{link.page}: <{link.tag}> {link.url!r}"
        if target is None:
            if unquote(resolved.path).lstrip("/") not in later:
                broken.append(f"{where}: no file {resolved.path}")
            continue
        fragment = unquote(resolved.fragment)
        if fragment and target.endswith(".html") and fragment not in found.ids[target]:
            broken.append(f"{where}: no id {fragment!r} in {target}")
    return broken


# ---------------------------------------------------------------- tests


@pytest.fixture(scope="module")
def found(site_dir: Path) -> SiteLinks:
    return site_links(site_dir)


def test_the_walk_sees_every_page_and_many_links(site_dir: Path, found: SiteLinks) -> None:
    assert "index.html" in found.ids and "about/index.html" in found.ids
    assert len(found.ids) == len(list(site_dir.rglob("*.html")))
    assert len(found.links) > 100


def test_no_broken_internal_link_or_anchor(site_dir: Path, found: SiteLinks) -> None:
    broken = broken_internal_links(site_dir, found)
    assert not broken, f"{len(broken)} broken internal links:\n" + "\n".join(broken[:50])


def test_broken_links_are_caught(tmp_path: Path) -> None:
    """The checker itself: a missing page, a missing anchor, a good anchor, a folder link."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<p id="x">x</p><a href="#x">ok</a>')
    (tmp_path / "index.html").write_text(
        '<a href="a/">ok</a><a href="a/#x">ok</a><a href="a/#y">no id</a>'
        '<a href="b/">no page</a><a href="https://example.org/">out</a><a href="#">top</a>'
        '<a href="downloads/reader.pdf">later</a><a href="downloads/other.pdf">no file</a>'
    )
    broken = broken_internal_links(tmp_path, site_links(tmp_path))
    assert len(broken) == 3, broken
    assert any("no id 'y'" in b for b in broken)
    assert any("'b/'" in b for b in broken)
    assert any("other.pdf" in b for b in broken)


def test_external_links_are_listed(site_dir: Path, tmp_path_factory) -> None:
    """The report of external links: one line per link, "url<TAB>page<TAB>text"."""
    links = external_links(site_dir)
    report = tmp_path_factory.mktemp("links") / "external-links.txt"
    report.write_text(
        "".join(f"{link.url}\t{link.page}\t{link.text}\n" for link in links), encoding="utf-8"
    )
    assert links, "no external link at all: the DOIs and sources should be there"
    assert all(urlsplit(link.url).scheme in ("http", "https", "mailto") for link in links), [
        link.url for link in links if urlsplit(link.url).scheme not in ("http", "https", "mailto")
    ]


def malformed(url: str) -> str | None:
    """Why an external http(s) address cannot work, or None if it is well formed."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return None
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as error:
        return str(error)
    host = (parts.hostname or "").rstrip(".")
    if not HOSTNAME.match(host if host.isascii() else host.encode("idna").decode("ascii")):
        return f"host {host!r} is not a domain name"
    if re.search(r"\s", url):
        return "contains white space"
    return None


def test_external_links_are_well_formed(site_dir: Path) -> None:
    """An http(s) link names a real host name: no "https://doi:10.1017/..." (which the
    browser would send to a host called "doi")."""
    bad = sorted(
        {
            f"{link.url} ({reason}) on {link.page}"
            for link in external_links(site_dir)
            if (reason := malformed(link.url))
        }
    )
    assert not bad, f"{len(bad)} malformed external links:\n" + "\n".join(bad)
