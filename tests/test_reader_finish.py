"""The finish of the pages a reader reads (issue 13): no conversion debris, no build
internals.

On the site built once per session (``site_dir``): the article, bibliography and
glossary pages show no file path of the project, no ``.txt:`` line reference, no raw
Markdown link syntax and no source line ("line 17"); no article shows two spaces in a
row (a no-break space beside a space prints as a double gap); the glossary names a work
by author and year, never by its BibTeX key.  Then the rules behind them, each on its
own: a Markdown-style link is one link, never nested; the cleaner's white-space and
punctuation rules; the warning for text in meta.yml that names a file or a line.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import SLUGS
from csto_reader.diagnostics import Reporter
from csto_reader.ingest.clean import normalise_line
from csto_reader.ingest.sources import load_meta
from csto_reader.model import Span
from csto_reader.publish.render import inline_html
from csto_reader.scholarly.cite_format import author_date_labels

READER_PAGES = [f"articles/{s}/index.html" for s in SLUGS] + [
    "bibliography/index.html",
    "glossary/index.html",
]
# White space as HTML collapses it (CSS ``white-space: normal``): not the no-break space.
COLLAPSED = re.compile(r"[ \t\n\r\f]+")


class _Text(HTMLParser):
    """The text of a page's ``<article>`` (the content, without Material's navigation),
    as a reader sees it: text nodes only (attributes are not text), closed
    ``<details>`` included, scripts, styles and ``<pre>`` (BibTeX) left out."""

    SKIP = frozenset({"script", "style", "pre"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.inside = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.inside += 1
        if tag in self.SKIP:
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.inside -= 1
        if tag in self.SKIP:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if self.inside and not self.skip:
            self.parts.append(data)


def rendered_text(page: Path) -> str:
    """A built page's reading text, its ordinary white space collapsed as a browser
    does (a no-break space stays what it is)."""
    parser = _Text()
    parser.feed(page.read_text(encoding="utf-8"))
    return COLLAPSED.sub(" ", "".join(parser.parts))


def _around(text: str, m: re.Match[str]) -> str:
    return repr(text[max(0, m.start() - 40) : m.end() + 40])


# ---------------------------------------------------------------- the built pages


@pytest.mark.parametrize("page", READER_PAGES)
def test_no_build_internals_or_link_syntax_in_the_text(site_dir: Path, page: str) -> None:
    text = rendered_text(site_dir / page)
    assert len(text) > 5000  # the page's text, not an empty shell
    found = [
        f"{what}: {_around(text, m)}"
        for what, pattern in (
            ("a project path", r"\bsources/"),
            ("a file:line reference", r"\.txt:\d*"),
            ("raw Markdown link syntax", r"\]\(https?:"),
            ("a source line", r"\blines? \d+\b"),  # "line 17" of a file readers never see
        )
        for m in re.finditer(pattern, text)
    ]
    assert found == []


@pytest.mark.parametrize("slug", SLUGS)
def test_no_double_space_in_an_article(site_dir: Path, slug: str) -> None:
    text = rendered_text(site_dir / "articles" / slug / "index.html")
    gaps = [_around(text, m) for m in re.finditer(r"(?<=\S)[ \u00a0]{2,}(?=\S)", text)]
    assert gaps == []


def test_glossary_names_works_by_author_and_year(site_dir: Path) -> None:
    page = (site_dir / "glossary" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="\.\./bibliography/#([^"]+)">(.*?)</a>', page)
    assert len(links) >= 15
    keys = [key for key, text in links if html.unescape(text) == key]
    assert keys == []
    labels = {html.unescape(text) for _, text in links}
    assert {"Chirciu (2020)", "Shamarov (2022a)", "Mansfield & Solingen (2010)"} <= labels
    assert all(re.search(r"\((?:\d{4}[a-z]?|n\.d\.[-a-z]*)\)$", t) for t in labels), labels


def test_as_printed_links_the_listing_in_its_article(site_dir: Path) -> None:
    page = (site_dir / "bibliography" / "index.html").read_text(encoding="utf-8")
    sources = re.findall(r'<p class="bib-source">(.*?)</p>', page)
    assert len(sources) == page.count('<details class="bib-original">') > 150
    first = re.search(r'<li id="abrahamsen2009".*?<p class="bib-source">(.*?)</p>', page)
    assert first is not None
    assert first.group(1) == (
        'In <a href="../articles/zhang-2023/#ref-abrahamsen2009">the reference list of '
        "Zhang (2023)</a>."
    )
    zhang = (site_dir / "articles" / "zhang-2023" / "index.html").read_text(encoding="utf-8")
    assert 'id="ref-abrahamsen2009"' in zhang


def test_zhang_notes_show_each_address_once_as_one_link(site_dir: Path) -> None:
    page = (site_dir / "articles" / "zhang-2023" / "index.html").read_text(encoding="utf-8")
    notes = {n: re.search(rf'<li id="fn:{n}">(.*?)</li>', page).group(1) for n in (12, 14, 16, 17)}
    for n, note in notes.items():
        assert '<a href="http' in note, n
        assert not re.search(r"<a [^>]*>[^<]*(?:<(?!/a>)[^>]*>[^<]*)*<a ", note), n  # nested
        for href, text in re.findall(r'<a href="(https?://[^"]+)">([^<]*)</a>', note):
            assert html.unescape(text) == html.unescape(href)
    assert sum(len(re.findall(r'<a href="https?://', n)) for n in notes.values()) == 5


# ---------------------------------------------------------------- the rules on their own


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("[https://x.org/a_b](https://x.org/a_b)", '<a href="https://x.org/a_b">https://x.org/a_b</a>'),
        ("[*Page* at https://x.org](https://x.org/p)", '<a href="https://x.org/p"><em>Page</em> at https://x.org</a>'),
        ("[Tulip](https://x.org/Tulip_(film)).", '<a href="https://x.org/Tulip_(film)">Tulip</a>.'),
        ("[x](javascript:alert(1))", "[x](javascript:alert(1))"),
        ("[a <b>](https://x.org)", '<a href="https://x.org">a &lt;b&gt;</a>'),
    ],
)  # fmt: skip
def test_a_markdown_style_link_is_one_link(source: str, shown: str) -> None:
    out = inline_html(source)
    assert out == shown
    assert out.count("<a ") <= 1


@pytest.mark.parametrize(
    ("received", "cleaned"),
    [
        ("held from 3 to \u00a019 May", "held from 3 to 19 May"),
        ("the\u00a0 \u00a0Council", "the Council"),
        ("10\u00a0\u00a0am", "10\u00a0am"),  # only no-break spaces: one no-break space
        ("one\u2009\u2009two", "one two"),
        ("  indented  text", "  indented text"),  # the indent is the segmenter's
        ("cells\t\tkept", "cells\t\tkept"),  # a tab separates table cells
        ("late 1990s . Then", "late 1990s. Then"),
        ("first , second ; third : fourth ?", "first, second; third: fourth?"),
        ("(see the annex ) .", "(see the annex)."),
        ("as follows: ... and .5 percent", "as follows: ... and .5 percent"),
    ],
)
def test_white_space_rules_change_spacing_never_words(received: str, cleaned: str) -> None:
    text, records = normalise_line(received, Span("f", 1))
    assert text == cleaned
    assert re.sub(r"\s", "", text) == re.sub(r"\s", "", received)  # only spaces changed
    assert (records == []) == (text == received)  # every change is recorded
    assert normalise_line(text, Span("f", 1))[0] == text  # a second run changes nothing


def test_a_french_text_keeps_its_space_before_a_colon() -> None:
    text, _ = normalise_line("Pourquoi ? Voici : un accord , signé .", Span("f", 1), "fr")
    assert text == "Pourquoi ? Voici : un accord, signé."


def test_author_date_labels() -> None:
    class Entry:
        def __init__(self, key: str, **fields: str) -> None:
            self.key, self.entry_type, self.fields = key, "article", fields

    labels = author_date_labels(
        [
            Entry("a", author="Chirciu, A.", year="2020", title="T"),
            Entry("b", author="Mansfield, E. D. and Solingen, E.", year="2010", title="T"),
            Entry("c", author="A, X. and B, Y. and C, Z.", year="2021", title="T"),
            Entry("d", author="{CGTN}", year="2022", title="T"),
            Entry("e", author="Shamarov, P. V.", year="2022", title="Alpha"),
            Entry("f", author="Shamarov, P. V.", year="2022", title="Beta"),
            Entry("g", title="A work with no author and a long title"),
        ]
    )
    assert labels == {
        "a": "Chirciu (2020)",
        "b": "Mansfield & Solingen (2010)",
        "c": "A et al. (2021)",
        "d": "CGTN (2022)",
        "e": "Shamarov (2022a)",
        "f": "Shamarov (2022b)",
        "g": "A work with no author… (n.d.)",
    }


@pytest.mark.parametrize(
    ("yaml_text", "named", "line"),
    [
        ("editorial:\n  - The masthead (line 3) gives 190-203.\n", "line 3", 5),
        ("provenance:\n  venue: the journal's page (cited in sources/README.md)\n", "sources/", 5),
        ("note: Taken from article.txt as received.\n", "article.txt", 4),
    ],
)
def test_meta_text_for_readers_may_not_name_a_file_or_line(
    tmp_path: Path, yaml_text: str, named: str, line: int
) -> None:
    meta = tmp_path / "sources" / "x-2024" / "meta.yml"
    meta.parent.mkdir(parents=True)
    meta.write_text(f"title: T\nauthors: [{{name: A B}}]\nvenue: V\n{yaml_text}", "utf-8")
    reporter = Reporter()
    assert load_meta(meta, "x-2024", tmp_path, reporter) is not None  # a warning only
    (d,) = reporter.diagnostics
    assert (d.severity, d.code, d.span.line) == ("warning", "meta-internal-reference", line)
    assert repr(named) in d.message


def test_meta_text_in_reader_terms_passes(tmp_path: Path) -> None:
    meta = tmp_path / "sources" / "x-2024" / "meta.yml"
    meta.parent.mkdir(parents=True)
    meta.write_text(
        "title: T\nauthors: [{name: A B}]\nvenue: V\n"
        "provenance:\n  venue: the journal's article page, journals.example.md/view/1\n"
        "editorial:\n  - The running footer gives pages 138-148 on every line of it.\n",
        "utf-8",
    )
    reporter = Reporter()
    assert load_meta(meta, "x-2024", tmp_path, reporter) is not None
    assert reporter.diagnostics == []
