"""Between the articles: the chronology (timeline/events.yml -> /timeline/) and the related
passages (timeline/related.yml -> the links between passages; their place on the article
pages is tested in test_related.py).

The data files are checked against the texts (every quotation on its stated line, every
line in a numbered paragraph or a note of the built page); the page against what it must
show (an anchor per event, links to the paragraphs, January 2022 day by day, the
disagreements side by side); the see-also links for symmetry; and bad data files for
diagnostics that name the file and line.
"""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest

from conftest import ROOT
from csto_reader.diagnostics import Reporter
from csto_reader.ingest.anchors import anchor_index, line_anchors, note_anchors
from csto_reader.ingest.article import source_texts
from csto_reader.ingest.sources import split_lines
from csto_reader.model import EventDate, PartialDate
from csto_reader.scholarly.timeline import (
    anchor_label,
    load_events,
    load_related,
    parse_date,
    passage_anchors,
    render_timeline,
    see_also_by_question,
    sort_events,
    timeline_anchor_refs,
)

CSS = ROOT / "docs" / "assets" / "stylesheets" / "timeline.css"
# The extensions of mkdocs.yml that the page's markup relies on.
MD_EXTENSIONS = ["attr_list", "md_in_html", "tables", "toc", "def_list", "footnotes"]

# What the chronology must hold (issue 4): the founding texts, the forces' agreements,
# 2010, 2020 and January 2022.
REQUIRED_EVENTS = {
    "collective-security-treaty": "1992-05-15",
    "csto-created": "2002-05-14",
    "csto-charter": "2002-10-07",
    "crdf-central-asia": "2001-05-25",
    "crrf-agreement": "2009-06-14",
    "osh-2010": "2010",
    "amendments-2010": "2010-12-10",
    "nagorno-karabakh-2020": "2020",
    "request-for-help": "2022-01-05",
    "troops-arrive": "2022-01-06",
    "active-phase": "2022-01-07/2022-01-13",
    "deployment-completed": "2022-01-09",
    "withdrawal": "2022-01-13/2022-01-19",
}
REQUIRED_GROUPS = {
    "kyrgyzstan-2010-kazakhstan-2022",
    "russia-in-the-csto",
    "russia-in-kazakhstan",
    "article-4-and-sovereignty",
    "paper-tiger",
    "security-community",
}


def plain(text: str) -> str:
    """Text without Markdown escapes (``\\_``) and with runs of whitespace collapsed."""
    return " ".join(re.sub(r"\\+(?=[^\w\s]|_)", "", text).split())


# ---------------------------------------------------------------- the real data


@pytest.fixture(scope="module")
def data(built):
    reporter = Reporter()
    lines = source_texts(b.article for b in built.articles)  # as the pipeline passes them
    events = load_events(ROOT, reporter, lines)
    related = load_related(ROOT, reporter, lines)
    return events, related, reporter


@pytest.fixture(scope="module")
def anchors(built) -> dict[tuple[str, int], str]:
    return passage_anchors(b.article for b in built.articles)


@pytest.fixture(scope="module")
def titles(built) -> dict[str, str]:
    return {b.article.meta.slug: b.article.meta.title for b in built.articles}


@pytest.fixture(scope="module")
def page(data, anchors, titles) -> str:
    events, _, _ = data
    return render_timeline(events, anchors, titles)


def all_passages(events, related):
    for e in events:
        yield from e.sources
        for d in e.disagreements:
            yield from d.versions
    for g in related:
        yield from g.passages


def test_the_data_files_load_without_diagnostics(data) -> None:
    events, related, reporter = data
    assert [d.format() for d in reporter.diagnostics] == []
    n_events = len(yaml_items(ROOT / "timeline" / "events.yml"))
    n_groups = len(yaml_items(ROOT / "timeline" / "related.yml"))
    assert len(events) == n_events  # nothing was dropped
    assert len(related) == n_groups


def yaml_items(path: Path) -> list:
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_the_chronology_holds_the_required_events_and_groups(data) -> None:
    events, related, _ = data
    dates = {e.id: e.date.iso for e in events}
    for eid, iso in REQUIRED_EVENTS.items():
        assert dates.get(eid) == iso, eid
    assert REQUIRED_GROUPS <= {g.id for g in related}
    # every January day the articles date, from the first protests to the withdrawal
    jan = {e.date.start.day for e in events if (e.date.start.year, e.date.start.month) == (2022, 1)}
    assert {1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13} <= jan
    # the disagreements the issue names: Choi's CRRF year, the request's day, the 2010
    # amendments (Treaty or Charter)
    topics = {e.id: [d for d in e.disagreements] for e in events}
    assert {v.slug for d in topics["crrf-agreement"] for v in d.versions} >= {
        "choi-2022",
        "beloglazov-2023",
    }
    assert any("January 6th" in v.quote for d in topics["request-for-help"] for v in d.versions)
    assert {v.slug for d in topics["amendments-2010"] for v in d.versions} == {
        "zhang-2023",
        "beloglazov-2023",
    }


def test_every_quote_occurs_on_its_stated_line(data) -> None:
    events, related, _ = data
    texts = {
        p.parent.name: split_lines(p.read_text(encoding="utf-8-sig"))
        for p in (ROOT / "sources").glob("*/article.txt")
    }
    wrong = []
    for p in all_passages(events, related):
        line = texts[p.slug][p.line - 1]
        if plain(p.quote) not in plain(line):
            wrong.append(f"{p.span.file}:{p.span.line}: {p.quote!r} not on {p.slug}:{p.line}")
    assert wrong == []


def test_every_passage_maps_to_an_existing_paragraph_or_note(data, built, by_slug) -> None:
    events, related, _ = data
    paragraphs = line_anchors(b.article for b in built.articles)
    notes = note_anchors(b.article for b in built.articles)
    missing = []
    for p in all_passages(events, related):
        key = (p.slug, p.line)
        build = by_slug[p.slug]
        if key in notes:
            # a footnote: its id is on the rendered page
            if f'id="{notes[key]}"' not in build.markdown:
                missing.append(f"{p.span.file}:{p.span.line}: #{notes[key]} not on the page")
            continue
        anchor = paragraphs.get(key)
        known = {a for a, _, _ in anchor_index(build.article.blocks, build.heading_ids)}
        if anchor is None or anchor not in known or not re.fullmatch(r"p\d+", anchor):
            missing.append(f"{p.span.file}:{p.span.line}: {p.slug}:{p.line} -> {anchor}")
    assert missing == []


def test_related_passages_are_body_paragraphs(data, anchors) -> None:
    """See-also notes are placed under paragraphs, so no group points into a note."""
    _, related, _ = data
    for g in related:
        for p in g.passages:
            assert re.fullmatch(r"p\d+", anchors[(p.slug, p.line)]), (g.id, p)


def test_anchor_refs_report_nothing_for_the_real_data(data, anchors, by_slug) -> None:
    events, related, _ = data
    known = {
        slug: {a for a, _, _ in anchor_index(b.article.blocks, b.heading_ids)}
        | {a for (s, _), a in anchors.items() if s == slug and a.startswith("fn:")}
        for slug, b in by_slug.items()
    }
    reporter = Reporter()
    used = timeline_anchor_refs(events, related, anchors, reporter, known)
    assert reporter.diagnostics == []
    assert used and all(a in known[s] for s, a in used)


def test_anchor_refs_report_a_line_in_no_paragraph(data, anchors) -> None:
    events, related, _ = data
    # Drop the anchor of one passage's line, as if the paragraph had gone.
    p = events[0].sources[0]
    broken = {k: v for k, v in anchors.items() if k != (p.slug, p.line)}
    reporter = Reporter()
    timeline_anchor_refs(events, related, broken, reporter)
    assert reporter.diagnostics, "a missing anchor must be an error"
    d = reporter.diagnostics[0]
    assert (d.severity, d.code) == ("error", "timeline-anchor")
    assert d.span.file == "timeline/events.yml" and d.span.line == p.span.line
    # and a known-anchor set without the paragraph
    reporter = Reporter()
    a = anchors[(p.slug, p.line)]
    timeline_anchor_refs(events[:1], [], anchors, reporter, {p.slug: set()})
    assert any(f"#{a}" in d.message for d in reporter.errors)


# ---------------------------------------------------------------- the page


def test_the_page_has_one_anchor_per_event(data, page) -> None:
    events, _, _ = data
    for e in events:
        assert page.count(f"{{ #{e.id} }}") == 1, e.id
    html = markdown.markdown(page.split("---\n", 2)[2], extensions=MD_EXTENSIONS)
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "duplicate ids on the page"
    for e in events:
        assert f'id="{e.id}"' in html, e.id


def test_the_page_links_every_passage_to_its_paragraph(data, page, anchors) -> None:
    events, _, _ = data
    html = markdown.markdown(page.split("---\n", 2)[2], extensions=MD_EXTENSIONS)
    hrefs = set(re.findall(r'href="(articles/[^"]+)"', html))
    for e in events:
        for p in e.sources:
            assert f"articles/{p.slug}.md#{anchors[(p.slug, p.line)]}" in hrefs, (e.id, p)
    # every in-page link points at an id on the page
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    for target in re.findall(r'href="#([^"]+)"', html):
        assert target in ids, target


def test_events_appear_in_date_order_with_january_day_by_day(data, page) -> None:
    events, _, _ = data
    positions = [page.index(f"{{ #{e.id} }}") for e in events]
    assert positions == sorted(positions)
    starts = [e.date.start.sort_key for e in events if e.after is None]
    assert starts == sorted(starts)
    jan = page.index("{ #january-2022 }")
    days = re.findall(r'<div class="tl-day" id="day-2022-01-(\d\d)"', page)
    assert days == sorted(days) and days[0] == "01"
    for e in events:
        s = e.date.start
        inside = (s.year, s.month) == (2022, 1) and (s.day or 0) <= 19
        assert (page.index(f"{{ #{e.id} }}") > jan) == (inside or s.sort_key > (2022, 1, 19)), e.id
    # the periods chart: one bar per January range, linked to its event
    for e in events:
        if e.date.is_range and (e.date.start.year, e.date.start.month) == (2022, 1):
            assert f'<a href="#{e.id}"><span class="tl-period-dates">' in page, e.id


def test_disagreements_are_side_by_side_tables(data, page, anchors) -> None:
    events, _, _ = data
    html = markdown.markdown(page.split("---\n", 2)[2], extensions=MD_EXTENSIONS)
    n = sum(len(e.disagreements) for e in events)
    assert n >= 8
    assert html.count('class="tl-differ"') == n
    assert html.count("<table>") == n
    for e in events:
        for d in e.disagreements:
            for v in d.versions:
                link = f'href="articles/{v.slug}.md#{anchors[(v.slug, v.line)]}"'
                assert link in html, (e.id, v)
        if e.disagreements:
            # told in words, not by colour or shape alone
            block = page[page.index(f"{{ #{e.id} }}") :]
            assert "Articles differ" in block[:800]


def test_the_page_needs_no_script_and_its_classes_are_styled(page) -> None:
    assert "<script" not in page
    css = CSS.read_text(encoding="utf-8")
    assert "http" not in re.sub(r"/\*.*?\*/", "", css, flags=re.S), "no external resource"
    classes = set(re.findall(r'class="([^"]+)"', page))
    for name in {c for cs in classes for c in cs.split()}:
        assert f".{name}" in css, f"class {name} has no rule in timeline.css"
    assert "prefers-color-scheme" not in css  # follows Material's scheme variables
    assert "var(--md-" in css


def test_text_is_escaped_on_the_page(tmp_path: Path) -> None:
    root = make_root(tmp_path, "Markup *here* <b>bold</b> | a pipe [x](y).\n")
    write(
        root,
        "timeline/events.yml",
        """\
- id: odd
  date: 2020-02-02
  label: A label with *stars* and <tags>
  sources:
    - {article: demo-2020, line: 1, quote: "Markup *here* <b>bold</b>"}
  disagreements:
    - topic: A | pipe
      versions:
        - {article: demo-2020, line: 1, quote: "| a pipe [x](y)."}
        - {article: demo-2020, line: 1, quote: "<b>bold</b>"}
""",
    )
    reporter = Reporter()
    events = load_events(root, reporter, texts(root))
    assert reporter.diagnostics == []
    md = render_timeline(events, {("demo-2020", 1): "p1"}, {"demo-2020": "Demo"})
    html = markdown.markdown(md.split("---\n", 2)[2], extensions=MD_EXTENSIONS)
    assert "<b>" not in html and "<tags>" not in html and "<em>" not in html
    assert 'href="y"' not in html
    assert html.count("<tr>") == 3  # header + two versions: the pipe did not split a row


def test_an_event_may_name_the_sources_the_editors_checked(tmp_path: Path) -> None:
    """``checked:`` lists the primary or reliable sources a label or note in the reader's
    own voice was checked against (the articles' passages stay under ``sources``)."""
    root = make_root(tmp_path)
    write(
        root,
        "timeline/events.yml",
        EVENT_OK
        + """\
  note: The editors checked the date.
  checked:
    - {title: "The Treaty (a legal database)", url: "https://example.org/treaty"}
""",
    )
    reporter = Reporter()
    events = load_events(root, reporter, texts(root))
    assert reporter.diagnostics == []
    assert [(c.title, c.url) for c in events[0].checked] == [
        ("The Treaty (a legal database)", "https://example.org/treaty")
    ]
    md = render_timeline(events, {("demo-2020", 1): "p1"}, {"demo-2020": "Demo"})
    assert "Checked against:" in md
    assert '<a href="https://example.org/treaty">The Treaty (a legal database)</a>' in md


def test_a_checked_source_must_be_a_web_address(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    write(
        root,
        "timeline/events.yml",
        EVENT_OK + '  checked:\n    - {title: "X", url: "javascript:alert(1)"}\n',
    )
    reporter = Reporter()
    events = load_events(root, reporter, texts(root))
    assert [d.code for d in reporter.diagnostics] == ["timeline-schema"]
    assert events and events[0].checked == ()


# ---------------------------------------------------------------- see also


def see_also(related, anchors, titles) -> dict:
    """(slug, anchor) -> the links of every group it is in, each once, in group order."""
    out: dict = {}
    for here, groups in see_also_by_question(related, anchors, titles).items():
        links = out.setdefault(here, [])
        for _, group_links in groups:
            links.extend(link for link in group_links if link not in links)
    return out


def test_see_also_is_symmetric_and_never_links_to_itself(data, anchors, titles) -> None:
    _, related, _ = data
    links = see_also(related, anchors, titles)
    assert links
    for (slug, anchor), targets in links.items():
        assert targets
        assert len(targets) == len(set(targets))
        for t in targets:
            assert (t.slug, t.anchor) != (slug, anchor)
            back = links[(t.slug, t.anchor)]
            assert any((b.slug, b.anchor) == (slug, anchor) for b in back), (slug, anchor, t)
            assert t.label.endswith(anchor_label(t.anchor))
            assert t.label == f"{t.article}, {anchor_label(t.anchor)}"
    # every passage of every group has its note
    for g in related:
        for p in g.passages:
            assert (p.slug, anchors[(p.slug, p.line)]) in links


# ---------------------------------------------------------------- dates and order


@pytest.mark.parametrize(
    ("text", "iso", "words"),
    [
        ("1992", "1992", "1992"),
        ("2001-08", "2001-08", "August 2001"),
        ("1992-05-15", "1992-05-15", "15 May 1992"),
        ("2022-01-06/2022-01-19", "2022-01-06/2022-01-19", "6–19 January 2022"),
        ("2010-05-05/2010-06-07", "2010-05-05/2010-06-07", "5 May – 7 June 2010"),
        ("2021-12-30/2022-01-02", "2021-12-30/2022-01-02", "30 December 2021 – 2 January 2022"),
    ],
)
def test_parse_date(text: str, iso: str, words: str) -> None:
    date = parse_date(text)
    assert isinstance(date, EventDate)
    assert (date.iso, date.text()) == (iso, words)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "92",
        "1992-13",
        "1992-02-30",
        "2022-01-19/2022-01-06",
        "2022-01-01/2022-01-02/2022-01-03",
        "15 May 1992",
    ],
)
def test_parse_date_rejects(text: str) -> None:
    assert parse_date(text) is None


def test_an_event_dated_by_its_year_follows_the_event_it_names(data) -> None:
    events, _, _ = data
    ids = [e.id for e in events]
    assert ids.index("osh-2010") == ids.index("kyrgyzstan-coup-2010") + 1
    shuffled = sort_events(list(reversed(events)))
    assert [e.id for e in shuffled].index("osh-2010") == [e.id for e in shuffled].index(
        "kyrgyzstan-coup-2010"
    ) + 1
    assert PartialDate(2010).sort_key < PartialDate(2010, 4).sort_key


# ---------------------------------------------------------------- bad data files


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def texts(root: Path) -> dict[str, tuple[str, ...]]:
    """Slug -> the lines of each ``sources/<slug>/article.txt`` under ``root``, as the
    sources stage gives them to the loaders (which never read a text themselves)."""
    paths = sorted((root / "sources").glob("*/article.txt"))
    return {p.parent.name: split_lines(p.read_text(encoding="utf-8")) for p in paths}


def make_root(tmp_path: Path, line1: str = "The treaty was signed on 15 May 1992.\n") -> Path:
    """A tiny project: one article of three lines."""
    write(
        tmp_path,
        "sources/demo-2020/article.txt",
        line1 + "\nA URL with an escape: dogovor\\\\_o\\\\_kollektivnoy.\n",
    )
    return tmp_path


EVENT_OK = """\
- id: treaty
  date: 1992-05-15
  label: Signed
  sources:
    - {article: demo-2020, line: 1, quote: "signed on 15 May 1992"}
"""

BAD_EVENTS = [
    # (name, events.yml, expected line, code, words in the message)
    (
        "unknown article",
        EVENT_OK.replace("article: demo-2020", "article: nobody-1999"),
        5,
        "timeline-ref",
        "unknown article 'nobody-1999'",
    ),
    (
        "quote not on the line",
        EVENT_OK.replace("signed on 15 May 1992", "signed in 1993"),
        5,
        "timeline-ref",
        "is not on line 1",
    ),
    (
        "line out of range",
        EVENT_OK.replace("line: 1,", "line: 40,"),
        5,
        "timeline-ref",
        "out of range",
    ),
    (
        "line not a number",
        EVENT_OK.replace("line: 1,", "line: one,"),
        5,
        "timeline-ref",
        "positive line number",
    ),
    ("bad date", EVENT_OK.replace("1992-05-15", "15 May 1992"), 2, "timeline-date", "ISO 8601"),
    ("missing key", EVENT_OK.replace("  label: Signed\n", ""), 1, "timeline-schema", "'label'"),
    (
        "unknown key",
        EVENT_OK.replace("  label: Signed\n", "  label: Signed\n  colour: red\n"),
        4,
        "timeline-schema",
        "unknown key 'colour'",
    ),
    ("duplicate id", EVENT_OK + EVENT_OK, 6, "timeline-duplicate-id", "used twice"),
    (
        "bad id",
        EVENT_OK.replace("id: treaty", "id: Treaty 1992"),
        1,
        "timeline-schema",
        "lowercase",
    ),
    (
        "malformed YAML",
        EVENT_OK.replace("label: Signed", "label: [Signed"),
        4,
        "timeline-yaml",
        "malformed YAML",
    ),
    (
        "one version",
        EVENT_OK
        + """\
  disagreements:
    - topic: Alone
      versions:
        - {article: demo-2020, line: 1, quote: "15 May 1992"}
""",
        7,
        "timeline-schema",
        "at least two versions",
    ),
    (
        "unknown after",
        EVENT_OK.replace("  label: Signed\n", "  label: Signed\n  after: nothing\n"),
        1,
        "timeline-ref",
        "unknown event 'nothing'",
    ),
]


@pytest.mark.parametrize(
    ("name", "text", "line", "code", "words"), BAD_EVENTS, ids=[c[0] for c in BAD_EVENTS]
)
def test_bad_events_file_gives_file_line_errors(
    tmp_path: Path, name: str, text: str, line: int, code: str, words: str
) -> None:
    root = make_root(tmp_path)
    write(root, "timeline/events.yml", text)
    reporter = Reporter()
    load_events(root, reporter, texts(root))
    assert reporter.diagnostics, name
    d = reporter.diagnostics[0]
    assert d.format().startswith(f"timeline/events.yml:{line}: error: "), d.format()
    assert d.code == code and words in d.message, d.format()


BAD_RELATED = [
    ("unknown article", "nobody-1999", 1, "treaty was signed", 4, "related-ref", "unknown article"),
    (
        "quote not on the line",
        "other-2021",
        1,
        "a sentence it lacks",
        4,
        "related-ref",
        "is not on line 1",
    ),
    ("line out of range", "other-2021", 9, "Another text", 4, "related-ref", "out of range"),
]


@pytest.mark.parametrize(
    ("name", "slug", "line_no", "quote", "line", "code", "words"),
    BAD_RELATED,
    ids=[c[0] for c in BAD_RELATED],
)
def test_bad_related_file_gives_file_line_errors(
    tmp_path: Path, name: str, slug: str, line_no: int, quote: str, line: int, code: str, words: str
) -> None:
    root = make_root(tmp_path)
    write(root, "sources/other-2021/article.txt", "Another text about the treaty.\n")
    write(
        root,
        "timeline/related.yml",
        f"""\
- id: treaty
  question: What was signed?
  passages:
    - {{article: {slug}, line: {line_no}, quote: "{quote}"}}
    - {{article: demo-2020, line: 1, quote: "The treaty was signed"}}
""",
    )
    reporter = Reporter()
    assert load_related(root, reporter, texts(root)) == []
    d = reporter.diagnostics[0]
    assert d.format().startswith(f"timeline/related.yml:{line}: error: "), d.format()
    assert d.code == code and words in d.message, d.format()


def test_a_group_needs_two_articles(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    write(
        root,
        "timeline/related.yml",
        """\
- id: alone
  question: Q?
  passages:
    - {article: demo-2020, line: 1, quote: "The treaty"}
    - {article: demo-2020, line: 1, quote: "15 May 1992"}
""",
    )
    reporter = Reporter()
    assert load_related(root, reporter, texts(root)) == []
    assert reporter.diagnostics[0].format().startswith("timeline/related.yml:1: error: ")


def test_an_invalid_passage_is_left_out_and_the_rest_kept(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    write(
        root,
        "timeline/events.yml",
        EVENT_OK + '    - {article: demo-2020, line: 1, quote: "not there"}\n',
    )
    reporter = Reporter()
    events = load_events(root, reporter, texts(root))
    assert [d.format() for d in reporter.diagnostics] == [
        "timeline/events.yml:6: error: quote 'not there' is not on line 1 of "
        "sources/demo-2020/article.txt [timeline-ref]"
    ]
    assert [len(e.sources) for e in events] == [1]


def test_quotes_are_compared_without_markdown_escapes(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    write(
        root,
        "timeline/events.yml",
        EVENT_OK
        + """\
- id: url
  date: 2002
  label: A URL
  sources:
    - {article: demo-2020, line: 3, quote: "dogovor_o_kollektivnoy"}
""",
    )
    reporter = Reporter()
    events = load_events(root, reporter, texts(root))
    assert reporter.diagnostics == [] and [e.id for e in events] == ["treaty", "url"]


def test_no_data_files_means_no_events(tmp_path: Path) -> None:
    reporter = Reporter()
    root = make_root(tmp_path)
    assert load_events(root, reporter, texts(root)) == []
    assert load_related(tmp_path, reporter, texts(tmp_path)) == []
    assert reporter.diagnostics == []


# ---------------------------------------------------------------- once wired in


def test_the_build_publishes_the_chronology(built, page) -> None:
    """The pipeline writes timeline.md: render_timeline's output, with a line under an
    event's heading linking the index entries it names (index_page.link_mentions)."""
    published = built.pages["timeline.md"]
    added = re.compile(r"\n\n\*In the index of names:\* [^\n]*\n\{: \.index-see \}")
    assert len(added.findall(published)) > 10
    assert added.sub("", published) == page
