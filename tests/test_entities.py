"""The index of names: index/entities.yml, matching in the texts, /index/ in the built site."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urljoin

import lxml.html
import pytest

from csto_reader.diagnostics import Reporter
from csto_reader.model import (
    Article,
    ArticleMeta,
    Author,
    Entity,
    Footnote,
    Heading,
    Paragraph,
    ParagraphSource,
    Span,
    cite_token,
    fn_token,
)
from csto_reader.scholarly.entities import (
    ENTITIES_FILE,
    article_texts,
    find_entity_occurrences,
    index_candidates,
    load_entities,
)

ROOT = Path(__file__).resolve().parents[1]


def _load(tmp_path: Path, text: str) -> tuple[list[Entity], list[str]]:
    path = tmp_path / "entities.yml"
    path.write_text(text, encoding="utf-8")
    reporter = Reporter()
    entities = load_entities(path, reporter, "index/entities.yml")
    return entities, [d.format() for d in reporter.diagnostics]


GOOD = """\
- name: Tokayev, Kassym-Jomart
  kind: person
  variants: [Kassym-Jomart Tokayev, Tokayev]
  identification: President of Kazakhstan.
  source: {article: a-2022, paragraph: 1}
"""


@pytest.mark.parametrize(
    ("text", "first"),
    [
        (
            GOOD.replace("kind: person", "kind: planet"),
            "index/entities.yml:2: error: kind 'planet' is not one of person, place, "
            "institution [index-bad-kind]",
        ),
        (
            GOOD.replace("  identification: President of Kazakhstan.\n", ""),
            "index/entities.yml:1: error: an entry has no 'identification' [index-missing-field]",
        ),
        (
            GOOD + "  colour: red\n",
            "index/entities.yml:6: error: unknown key 'colour' in an entry",
        ),
        (
            GOOD.replace("paragraph: 1", "line: 1"),
            "index/entities.yml:5: error: a source is {article: slug, paragraph: N}",
        ),
        (
            GOOD.replace("[Kassym-Jomart Tokayev, Tokayev]", "[Tokayev, Tokayev]"),
            "index/entities.yml:3: error: variant 'Tokayev' given twice [index-variant]",
        ),
        (
            GOOD + GOOD.replace("Tokayev, Kassym-Jomart", "Tokayev again"),
            "index/entities.yml:6: error: variant 'Kassym-Jomart Tokayev' of 'Tokayev again' "
            "is a variant of 'Tokayev, Kassym-Jomart' too (line 1) [index-variant-clash]",
        ),
        (
            GOOD + GOOD.replace("[Kassym-Jomart Tokayev, Tokayev]", "[K. Tokayev]"),
            "index/entities.yml:6: error: duplicate id 'tokayev-kassym-jomart' (first at "
            "line 1) [index-duplicate-id]",
        ),
        (
            GOOD.replace("{article: a-2022, paragraph: 1}", "{document: x, url: 'javascript:1'}"),
            "index/entities.yml:5: error: document url 'javascript:1' is not an http://",
        ),
        ("- name: [unclosed\n", "index/entities.yml:1: error: malformed YAML: expected ','"),
        (GOOD + "  kind: place\n", "index/entities.yml:6: error:"),
    ],
)
def test_loader_errors_name_file_and_line(tmp_path: Path, text: str, first: str) -> None:
    entities, messages = _load(tmp_path, text)
    assert messages, "no diagnostic"
    assert messages[0].startswith(first), messages


def test_a_good_entry_loads_with_a_slug_id(tmp_path: Path) -> None:
    entities, messages = _load(tmp_path, GOOD)
    assert messages == []
    (entity,) = entities
    assert entity.id == "tokayev-kassym-jomart"
    assert entity.source == ParagraphSource("a-2022", "p1", entity.source.span)


def _article(blocks, footnotes=()) -> Article:
    meta = ArticleMeta(slug="a-2022", title="A", authors=(Author("A. Author"),))
    return Article(
        meta, "sources/a-2022/article.txt", (), tuple(blocks), tuple(footnotes), (), None, (), ()
    )


def _entity(name: str, *variants: str) -> Entity:
    return Entity(
        id=name.lower(),
        name=name,
        kind="person",
        variants=variants,
        identification="x",
        source=ParagraphSource("a-2022", "p1", Span("f", 1)),
        span=Span("f", 1),
    )


def test_matching_skips_headings_links_citations_and_note_markers() -> None:
    putin = _entity("Putin", "Putin")
    span = Span("sources/a-2022/article.txt", 1)
    blocks = [
        Heading(2, "Putin and the CSTO", span),
        Paragraph("See [Putin's speech](https://example.org/putin) online.", span, "p1"),
        Paragraph(
            "As " + cite_token("Putin (2021)", "putin2021", "Putin, V.", None) + " wrote, nothing.",
            span,
            "p2",
        ),
        Paragraph("A reply (Putin 2022) and a marker" + fn_token("Putin"), span, "p3"),
        Paragraph("Putin spoke" + fn_token("1") + " twice; Putin again.", span, "p4"),
    ]
    notes = [Footnote("1", "Putin said so.", span)]
    found = find_entity_occurrences([putin], article_texts([_article(blocks, notes)]))
    assert [(o.anchor, o.matched) for o in found["putin"]] == [("p4", "Putin"), ("fn:1", "Putin")]


def test_variants_are_merged_longest_first() -> None:
    otunbayeva = _entity("Otunbayeva", "Roza Otunbayeva", "Roza Otunbaeva", "Otunbayeva")
    span = Span("f", 1)
    blocks = [
        Paragraph("Interim President Roza Otunbaeva asked.", span, "p1"),
        Paragraph("Then Otunbayeva waited.", span, "p2"),
    ]
    found = find_entity_occurrences([otunbayeva], article_texts([_article(blocks)]))
    assert [(o.anchor, o.matched) for o in found["otunbayeva"]] == [
        ("p1", "Roza Otunbaeva"),
        ("p2", "Otunbayeva"),
    ]


def test_candidates_propose_names_not_in_the_file() -> None:
    span = Span("f", 1)
    texts = [
        ("a", "p1", "Kurmanbek Bakiyev met the Collective Security Council in Bishkek."),
        ("a", "p2", "However, Kurmanbek Bakiyev and the Collective Security Council waited."),
    ]
    known = [_entity("Bishkek", "Bishkek")]
    found = dict(index_candidates(known, texts))
    assert found == {"Kurmanbek Bakiyev": 2, "Collective Security Council": 2}
    del span


# ---------------------------------------------------------------- the real index


@pytest.fixture(scope="module")
def index(built):
    from csto_reader.pipeline import build

    del built
    reporter = Reporter()
    entities = load_entities(ROOT / ENTITIES_FILE, reporter, ENTITIES_FILE.as_posix())
    assert [d.format() for d in reporter.diagnostics] == []
    return entities, build(ROOT)


def test_the_index_has_sixty_entries_each_named_somewhere(index) -> None:
    entities, out = index
    assert len(entities) >= 60
    page = out.pages["index/index.md"]
    for entity in entities:
        entry = page.split(f"{{: #{entity.id} .index-entry }}", 1)[1].split("\n\n", 2)[1]
        assert "(../articles/" in entry, f"{entity.name} has no occurrence"
    assert not [d for d in out.diagnostics if d.code == "index-entry-unused"]


def test_name_variants_are_merged_in_one_entry(index) -> None:
    entities, _out = index
    by_name = {e.name: e for e in entities}
    assert {"Roza Otunbayeva", "Roza Otunbaeva"} <= set(by_name["Otunbayeva, Roza"].variants)
    assert {"Nur-Sultan", "Astana"} <= set(by_name["Nur-Sultan (Astana)"].variants)
    csto = by_name["Collective Security Treaty Organization (CSTO)"]
    assert {"CSTO", "CTSO", "Collective Security Treaty Organization"} <= set(csto.variants)
    assert csto.note and "CTSO" in csto.note


def test_every_index_link_resolves_in_the_built_site(site_dir: Path) -> None:
    page = site_dir / "index" / "index.html"
    tree = lxml.html.fromstring(page.read_text(encoding="utf-8"))
    entries = tree.xpath("//p[contains(@class, 'index-entry')]")
    assert len(entries) >= 60
    checked = 0
    ids: dict[Path, set[str]] = {}
    for href in tree.xpath("//article//a/@href"):
        if re.match(r"^[a-z]+:", href) or href.startswith("#"):
            continue
        target = urljoin("index/", href)
        path, _, fragment = target.partition("#")
        file = site_dir / path / "index.html" if path.endswith("/") else site_dir / path
        assert file.is_file(), href
        if fragment:
            if file not in ids:
                html = lxml.html.fromstring(file.read_text(encoding="utf-8"))
                ids[file] = set(html.xpath("//@id"))
            assert unquote(fragment) in ids[file], href
            checked += 1
    assert checked > 500


def test_glossary_and_chronology_mentions_are_listed(site_dir: Path) -> None:
    html = (site_dir / "index" / "index.html").read_text(encoding="utf-8")
    assert 'href="../glossary/#crrf"' in html
    assert 'href="../timeline/#troops-arrive"' in html


def test_glossary_and_chronology_entries_link_the_names_they_mention(site_dir: Path) -> None:
    """The other way round: a glossary entry and an event link the index entries they
    name, under their heading."""
    for page, anchor, entry in (
        ("glossary", "crrf", "afghanistan"),
        ("timeline", "troops-arrive", "almaty"),
    ):
        tree = lxml.html.fromstring((site_dir / page / "index.html").read_text(encoding="utf-8"))
        (heading,) = tree.xpath(f"//*[@id='{anchor}']")
        (line,) = heading.xpath("following-sibling::p[1][contains(@class, 'index-see')]")
        assert f"../index/#{entry}" in line.xpath(".//a/@href")


def test_search_index_holds_the_entries(site_dir: Path) -> None:
    search = (site_dir / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "index/#" in search or '"location":"index/"' in search.replace(" ", "")
    assert "Otunbayeva" in search and "Zhanaozen" in search
