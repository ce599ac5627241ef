"""BibTeX I/O, merging, corrections and APA formatting."""

from __future__ import annotations

import random
import shutil
import tempfile
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csto_reader.diagnostics import Reporter
from csto_reader.model import BibSet, MergedEntry, Provenance, Reference, Span
from csto_reader.scholarly.bibliography import (
    KeyRecord,
    decode_value,
    encode_value,
    load_corrections,
    load_keys,
    merge,
    merged_key_index,
    parse_bib_text,
    read_bib,
    regenerate_bibs,
    write_article_bib,
    write_keys,
    write_merged_bib,
    write_reader_bib,
)
from csto_reader.scholarly.cite_format import format_bibliography, format_entries, year_suffixes
from test_references import ROOT, SLUGS, fixture_items, parsed

LISTS = ("beloglazov-2023", "syssoyeva-2023", "zhang-2023")


@cache
def bibset() -> tuple[BibSet, tuple[str, ...]]:
    """Everything regenerated from the fixture items with the committed corrections."""
    reporter = Reporter()
    out = regenerate_bibs(ROOT, {s: fixture_items(s) for s in SLUGS}, reporter, write=False)
    return out, tuple(d.format() for d in reporter.diagnostics)


def merged_by_key() -> dict[str, MergedEntry]:
    return {m.key: m for m in bibset()[0].merged}


def per_article() -> dict[str, list[Reference]]:
    return {s: list(parsed(s)[0]) for s in LISTS}


# ----------------------------------------------------------- golden files


def test_committed_bib_files_are_what_regeneration_gives() -> None:
    """bib/*.bib are reviewed copies; `make bib` regenerates them (review the diff)."""
    out, diagnostics = bibset()
    assert [d for d in diagnostics if ": error:" in d or ": warning:" in d] == []
    assert sorted(out.files) == [
        "bib/beloglazov-2023.bib",
        "bib/keys.tsv",
        "bib/reader.bib",
        "bib/syssoyeva-2023.bib",
        "bib/zhang-2023.bib",
    ]
    for rel, text in out.files.items():
        assert (ROOT / rel).read_text(encoding="utf-8") == text, f"{rel} differs"


def test_regenerate_writes_only_articles_with_lists(tmp_path: Path) -> None:
    reporter = Reporter()
    regenerate_bibs(tmp_path, {s: fixture_items(s) for s in SLUGS}, reporter)
    written = sorted(p.name for p in (tmp_path / "bib").iterdir())
    assert written == [
        "beloglazov-2023.bib",
        "keys.tsv",
        "reader.bib",
        "syssoyeva-2023.bib",
        "zhang-2023.bib",
    ]
    before = (tmp_path / "bib" / "reader.bib").stat().st_mtime_ns
    regenerate_bibs(tmp_path, {s: fixture_items(s) for s in SLUGS}, Reporter())
    assert (
        tmp_path / "bib" / "reader.bib"
    ).stat().st_mtime_ns == before  # unchanged: not rewritten


# ------------------------------------------------------------- round trips


@pytest.mark.parametrize("slug", LISTS)
def test_article_bib_round_trip(slug: str) -> None:
    refs = list(bibset()[0].per_article[slug])
    text = write_article_bib(slug, refs)
    reporter = Reporter()
    back = parse_bib_text(text, f"bib/{slug}.bib", reporter)
    assert reporter.diagnostics == []
    assert back == refs  # keys, types, every field, span, text and list number


def test_reader_bib_round_trip() -> None:
    merged = bibset()[0].merged
    reporter = Reporter()
    back = parse_bib_text(write_reader_bib(merged), "bib/reader.bib", reporter)
    assert reporter.diagnostics == []
    assert [r.key for r in back] == [m.key for m in merged]
    for r, m in zip(back, merged, strict=True):
        assert r.entry_type == m.entry_type
        assert {k: v for k, v in r.fields.items() if not k.startswith("x-")} == {
            k: v for k, v in m.fields.items() if not k.startswith("x-")
        }
        assert r.get("x-articles") == ", ".join(m.slugs)


def _listed_by(slugs: list[str]) -> MergedEntry:
    listings = tuple(Provenance(s, "waltz1979", "Waltz, K. (1979).", f"{s}:9") for s in slugs)
    return MergedEntry("waltz1979", "book", {"title": "Theory", "year": "1979"}, listings)


def test_an_articles_download_names_a_few_other_listings_and_counts_the_rest() -> None:
    """A work many articles list: the file of one article's works names its own listing
    and five others, then the count (reader.bib, and a work five others list, name all)."""
    many = _listed_by([f"a{i:02d}" for i in range(12)])
    few = replace(_listed_by([f"a{i:02d}" for i in range(2, 8)]), key="waltz1979b")
    text = write_merged_bib([many, few], "h", part_of="a07")
    (got_many, got_few) = parse_bib_text(text, "x.bib", Reporter())
    more = "and 6 other articles (bib/reader.bib names them all)"
    assert got_many.get("x-articles") == f"a00, a01, a02, a03, a04, a07, {more}"
    assert got_many.get("x-provenance").split("; ")[-2:] == ["a07/waltz1979 (a07:9)", more]
    assert got_few.get("x-articles") == ", ".join(f"a{i:02d}" for i in range(2, 8))
    whole = parse_bib_text(write_merged_bib([many], "h"), "x.bib", Reporter())[0]
    assert whole.get("x-articles") == ", ".join(many.slugs)
    assert len(whole.get("x-provenance").split("; ")) == 12


def test_committed_files_read_back_cleanly() -> None:
    for slug in LISTS:
        reporter = Reporter()
        back = read_bib(ROOT / "bib" / f"{slug}.bib", reporter, f"bib/{slug}.bib")
        assert reporter.diagnostics == []
        assert len(back) == len(fixture_items(slug))


def test_escaping_in_the_written_text() -> None:
    cst = next(r for r in bibset()[0].per_article["zhang-2023"] if r.key == "cst1992")
    text = write_article_bib("zhang-2023", [cst])
    assert "author = {{Collective Security Treaty}}" in text
    # verbatim URL; the source text escapes its LaTeX specials
    assert (
        "url = {https://en.odkb-csto.org/documents/documents/dogovor_o_kollektivnoy_bezopasnosti/}"
        in text
    )
    assert "dogovor\\_o\\_kollektivnoy" in text.split("x-source-text")[1]


_field_text = (
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60)
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=150, deadline=None)
@given(
    title=_field_text,
    family=st.text(alphabet="abcdefgh&%$#_~^\\ é", min_size=1, max_size=20)
    .map(str.strip)
    .filter(bool),
    url=st.from_regex(r"https://[a-z]{1,10}\.org/[a-zA-Z0-9_%&=?#~-]{0,20}", fullmatch=True),
)
def test_round_trip_any_values(title: str, family: str, url: str) -> None:
    fields = {
        "author": "{" + family + "} and Doe, J.",
        "title": title,
        "journal": title[::-1],
        "url": url,
        "x-source": "sources/x/article.txt:3",
        "x-source-text": title + " " + url,
    }
    r = Reference(
        "article",
        fields,
        fields["x-source-text"],
        Span("sources/x/article.txt", 3),
        None,
        "doe2020",
    )
    reporter = Reporter()
    back = parse_bib_text(write_article_bib("x", [r]), "bib/x.bib", reporter)
    assert reporter.diagnostics == []
    assert back == [r]


@pytest.mark.parametrize(
    "value", ["a & b", "50% of {it}", "x_y $z$ #1", "back\\slash", "~^", "\\textbackslash{}"]
)
def test_encode_decode_inverse(value: str) -> None:
    assert decode_value("title", encode_value("title", value)) == value


# ------------------------------------------------------- failed blocks


@pytest.mark.parametrize(
    ("text", "line", "kind"),
    [
        # an unclosed value: the block is aborted where the next one starts
        (
            "@article{a,\n  title = {x},\n}\n\n@book{b,\n  title = {unclosed,\n  year = 2000\n}\n",
            5,
            "ParsingFailedBlock",
        ),
        # the same key twice
        ("@misc{a, title = {one}}\n\n@misc{a, title = {two}}\n", 3, "DuplicateBlockKeyBlock"),
        # no key
        ("\n\n@article{title = {x}, year = {2000}}\n", 3, "ParsingFailedBlock"),
    ],
)
def test_failed_blocks_are_reported_with_file_and_line(
    tmp_path: Path, text: str, line: int, kind: str
) -> None:
    path = tmp_path / "bib" / "broken.bib"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    reporter = Reporter()
    read_bib(path, reporter, "bib/broken.bib")
    messages = [d.format() for d in reporter.diagnostics]
    assert len(messages) == 1, messages
    prefix = f"bib/broken.bib:{line}: error: BibTeX entry not read: "
    assert messages[0].startswith(prefix)
    assert messages[0].endswith("[bib-parse]")
    reason = messages[0][len(prefix) : -len("[bib-parse]")].strip()
    assert reason and kind not in reason, messages[0]  # the library's reason, in words


# ------------------------------------------------------------------ merge


def test_merge_counts() -> None:
    merged = bibset()[0].merged
    # 157 listings (123 + 9 + 25): three works repeated in Zhang, Kornilenko in two lists
    assert sum(len(m.provenance) for m in merged) == 157
    assert len(merged) == 153
    assert len({m.key for m in merged}) == 153


def test_true_duplicates_merge() -> None:
    m = merged_by_key()
    kornilenko = m["kornilenko2020"]
    assert kornilenko.slugs == ("beloglazov-2023", "syssoyeva-2023")
    assert [p.source for p in kornilenko.provenance] == [
        "sources/beloglazov-2023/article.txt:193",
        "sources/syssoyeva-2023/article.txt:168",
    ]
    assert kornilenko.get("doi") == "10.22363/2313-0660-2020-20-4-707-720"  # from syssoyeva's
    for key in ("trobanko2009", "sipri2015", "schein1985"):
        assert [(p.slug, p.key) for p in m[key].provenance] == [
            ("zhang-2023", key),
            ("zhang-2023", f"{key}-2"),
        ]
    assert "trobanko2009-2" not in m and "sipri2015-2" not in m


@pytest.mark.parametrize(
    "keys",
    [
        ("shamarov2022a", "shamarov2022b"),
        ("krahmann2003", "krahmann2005"),
        ("bordyuzha2007", "bordyuzha2011"),
        ("solingen1998", "solingen2007"),
        ("kucera2015", "kucera2022"),
        ("cst1992", "csto2012"),
    ],
)
def test_different_works_stay_apart(keys: tuple[str, ...]) -> None:
    m = merged_by_key()
    for key in keys:
        assert len(m[key].provenance) == 1


def test_merged_key_index() -> None:
    index = merged_key_index(bibset()[0].merged)
    assert index[("zhang-2023", "sipri2015-2")] == "sipri2015"
    assert index[("beloglazov-2023", "kornilenko2020")] == "kornilenko2020"


@settings(max_examples=12, deadline=None)
@given(st.randoms(use_true_random=False))
def test_merge_is_independent_of_input_order(rnd: random.Random) -> None:
    lists = per_article()
    expected = merge(lists)
    slugs = list(lists)
    rnd.shuffle(slugs)
    shuffled = {}
    for slug in slugs:
        refs = list(lists[slug])
        rnd.shuffle(refs)
        shuffled[slug] = refs
    assert merge(shuffled) == expected


def _ref(key: str, slug: str, line: int, **fields: str) -> Reference:
    return Reference("article", fields, key, Span(f"sources/{slug}/article.txt", line), None, key)


def test_same_key_different_works_across_articles_get_letters() -> None:
    a = _ref("smith2020", "a", 1, author="Smith, J.", year="2020", title="Borders in Central Asia")
    b = _ref("smith2020", "b", 1, author="Smith, J.", year="2020", title="Water and power")
    merged = merge({"a": [a], "b": [b]})
    assert [m.key for m in merged] == ["smith2020a", "smith2020b"]
    assert merged_key_index(merged) == {
        ("a", "smith2020"): "smith2020a",
        ("b", "smith2020"): "smith2020b",
    }


def test_two_dois_never_merge() -> None:
    common = {"author": "Smith, J.", "year": "2020", "title": "Borders in Central Asia"}
    a = _ref("smith2020", "a", 1, doi="10.1/aaa", **common)
    b = _ref("smith2020", "b", 1, **common)  # no DOI: would link a and c
    c = _ref("smith2020", "c", 1, doi="10.1/ccc", **common)
    merged = merge({"a": [a], "b": [b], "c": [c]})
    assert len(merged) == 2
    assert sorted(len(m.provenance) for m in merged) == [1, 2]


def test_same_doi_merges_whatever_the_wording() -> None:
    a = _ref("x2020", "a", 1, author="X, Y.", year="2020", title="One title", doi="10.1/Z")
    b = _ref("x2021", "b", 1, author="X, Y.", year="2021", title="Quite another", doi="10.1/z")
    assert len(merge({"a": [a], "b": [b]})) == 1


def test_thirty_works_of_one_author_in_one_year_stay_apart() -> None:
    """30 works by one author in one year, with different titles (some differing only in
    a number): keyed 2020a ... 2020z, 2020aa ... 2020ad in their list, and with a second
    article listing one of them, 30 entries, the shared one among them, each with its own
    year suffix a ... ad."""
    from csto_reader.scholarly.references import assign_keys, year_letter

    titles = [f"Working paper {n} on regional security" for n in range(1, 21)] + [
        f"Report on {topic}" for topic in ("borders", "water", "energy", "trade", "migration")
    ] + [f"Central Asia {volume}" for volume in ("I", "II", "III", "IV", "V")]  # fmt: skip
    refs = [
        Reference("book", {"author": "Smith, J.", "year": "2020", "title": t}, t,
                  Span("sources/a/article.txt", n), None)
        for n, t in enumerate(titles, start=1)
    ]  # fmt: skip
    keyed = assign_keys(refs)
    assert [r.key for r in keyed] == [f"smith2020{year_letter(n)}" for n in range(30)]
    assert not any(r.get("x-duplicate-of") for r in keyed)
    other = _ref("smith2020", "b", 1, author="Smith, J.", year="2020", title=titles[26].upper())
    merged = merge({"a": keyed, "b": [other]})
    assert len(merged) == 30
    assert len({m.key for m in merged}) == 30
    shared = [m for m in merged if len(m.slugs) == 2]
    assert [m.get("title") for m in shared] == [titles[26]]
    suffixes = year_suffixes([Reference("book", m.fields, "", Span("x", 1), None, m.key)
                              for m in merged])  # fmt: skip
    assert sorted(suffixes.values(), key=lambda s: (len(s), s)) == [
        year_letter(n) for n in range(30)
    ]


def test_year_letters_go_on_after_z() -> None:
    from csto_reader.scholarly.references import year_letter

    assert [year_letter(n) for n in (0, 25, 26, 27, 51, 52, 701, 702)] == [
        "a", "z", "aa", "ab", "az", "ba", "zz", "aaa",
    ]  # fmt: skip


def test_titles_with_different_numbers_are_different_works() -> None:
    from csto_reader.scholarly.references import titles_match

    assert not titles_match("Working paper 3 on security", "Working paper 4 on security")
    assert not titles_match("Central Asia II", "Central Asia III")
    assert titles_match("Working paper 3 on security", "Working Paper 3 on Security.")
    assert not titles_match("Central Asia I", "Central Asia II")


# ------------------------------------------------------------ corrections


def test_committed_correction_is_applied_and_marked() -> None:
    out, _ = bibset()
    laumulin = next(r for r in out.per_article["beloglazov-2023"] if r.key == "laumulin2009")
    assert laumulin.get("title").endswith("Central Asia in the XXI century")
    assert laumulin.get("address") == "Almaty"
    assert laumulin.get("x-corrected") == "address, title"
    assert "century Almaty. KISI" in laumulin.get("x-source-text")  # the original stays
    assert merged_by_key()["laumulin2009"].get("address") == "Almaty"


def test_corrections_survive_regeneration_and_unknown_keys_are_errors(tmp_path: Path) -> None:
    (tmp_path / "bib").mkdir()
    shutil.copy(ROOT / "bib" / "corrections.yml", tmp_path / "bib" / "corrections.yml")
    with (tmp_path / "bib" / "corrections.yml").open("a", encoding="utf-8") as f:
        f.write(
            "\nzhang-2023/nosuchkey2000:\n  title: x\n"
            "\nzhang-2023/westad2006:\n  publisher: Cambridge University Press\n  note: null\n"
        )
    reporter = Reporter()
    regenerate_bibs(tmp_path, {s: fixture_items(s) for s in SLUGS}, reporter)
    errors = [d.format() for d in reporter.errors]
    lines = (tmp_path / "bib" / "corrections.yml").read_text().splitlines()
    bad_line = lines.index("zhang-2023/nosuchkey2000:") + 1
    assert errors == [
        f"bib/corrections.yml:{bad_line}: error: correction for unknown entry "
        "zhang-2023/nosuchkey2000 [bib-correction]"
    ]
    back = {r.key: r for r in read_bib(tmp_path / "bib" / "zhang-2023.bib", Reporter())}
    assert back["westad2006"].get("publisher") == "Cambridge University Press"
    assert back["westad2006"].get("x-corrected") == "note, publisher"
    # regenerating again gives the same files
    first = (tmp_path / "bib" / "zhang-2023.bib").read_text()
    regenerate_bibs(tmp_path, {s: fixture_items(s) for s in SLUGS}, Reporter())
    assert (tmp_path / "bib" / "zhang-2023.bib").read_text() == first


def test_malformed_corrections_file(tmp_path: Path) -> None:
    path = tmp_path / "corrections.yml"
    path.write_text("# header\n\nzhang-2023/x2000: just a string\n", encoding="utf-8")
    reporter = Reporter()
    assert load_corrections(path, reporter) == []
    assert reporter.errors[0].format().startswith("bib/corrections.yml:3: error:")


# ------------------------------------------------------------ formatting


@cache
def formatted() -> dict[str, str]:
    return format_entries(bibset()[0].merged)


def test_apa_article() -> None:
    html = formatted()["kornilenko2020"]
    assert html.startswith(
        "Kornilenko, A. V. (2020). Peacekeeping potential of the Collective Security Treaty "
        "Organization. <i>Vestnik RUDN. International Relations</i>, <i>20</i>(4), 707–720. "
    )
    doi = "https://doi.org/10.22363/2313-0660-2020-20-4-707-720"
    assert html.endswith(f'<a href="{doi}">{doi}</a>')


def test_apa_book_and_corporate_author() -> None:
    assert formatted()["schein1985"] == (
        "Schein, E. H. (1985). <i>Organizational culture in leadership</i>. Jossey-Bass."
    )
    assert formatted()["sipri2015"].startswith("Sipri. (2015). <i>Sipri Yearbook 2015:")
    assert formatted()["risse1999"].startswith(
        "Risse, T., Ropp, S., &amp; Sikkink, K. (Eds.). (1999)."
    )
    assert formatted()["risse1999"].count("Risse") == 1


def test_apa_web_item_escapes_and_links() -> None:
    html = formatted()["ahrend2005"]
    assert "&amp;id=id&amp;accname=guest" in html  # the URL's & escaped, in text and href
    assert '<a href="https://www.oecd-ilibrary.org/' in html
    assert "?</i>." not in formatted()["brown2021"]  # no period after a title's "?"
    assert formatted()["brown2021"].startswith(
        "Brown, V. F. (2021, August 31). <i>Will the Taliban"
    )


def test_printed_initials_are_kept() -> None:
    """Russian initials of two letters ("Sh.", "Yu.") stay as the lists print them;
    citeproc-py's initialising would cut them to "S." and "Y." (issue 13)."""
    by_key = {m.key: m for m in bibset()[0].merged}
    keys = {"M. Sh.": None, "Yu. V.": None, "G. Yu.": None}
    for m in by_key.values():
        for initials in keys:
            if initials in m.get("author"):
                keys[initials] = m.key
    assert all(keys.values()), keys
    html = formatted()
    assert html[keys["M. Sh."]].startswith("Dzhantaleeva, M. Sh. (")
    assert html[keys["Yu. V."]].startswith("Morozov, Yu. V. (")
    assert html[keys["G. Yu."]].startswith("Sergeev, N. V., &amp; Volkov, G. Yu. (")
    one = _ref("x2020", "a", 1, author="Xu, Zh. A. and Yi, B.", year="2020", title="T")
    assert format_entries([one])["x2020"].startswith("Xu, Zh. A., &amp; Yi, B. (2020)")


def test_a_mended_address_shows_the_printed_text_and_says_so() -> None:
    """Zhang's list prints "...kyrgystan](...). Html": the link goes to the mended
    address, its text stays as printed, and an editorial note says it was mended."""
    html = formatted()["panfilova2019"]
    mended = "http://www.ng.ru/cis/2019-09-25/1_6_7685_kyrgystan.html"
    assert (
        f'<a href="{mended}">http://www.ng.ru/cis/2019-09-25/1_6_7685_kyrgystan. Html</a>' in html
    )
    assert '<span class="bib-mended">[' in html and "“.html”" in html
    assert f">{mended}<" not in html


def test_year_suffixes_and_sorting() -> None:
    entries = format_bibliography(bibset()[0].merged)
    keys = [e.key for e in entries]
    assert keys.index("shamarov2022a") + 1 == keys.index("shamarov2022b")
    html = dict((e.key, e.html) for e in entries)
    assert "(2022a)" in html["shamarov2022a"] and "(2022b)" in html["shamarov2022b"]
    # diacritics do not sort a name after Z
    assert keys.index("scepanovic2020") < keys.index("zimmermann2017")
    assert keys.index("krahmann2003") < keys.index("krahmann2005")


def test_year_suffixes_computed_when_the_list_gives_none() -> None:
    a = _ref("x2020a", "a", 1, author="X, Y.", year="2020", title="Beta")
    b = _ref("x2020b", "a", 2, author="X, Y.", year="2020", title="Alpha")
    c = _ref("z2020", "a", 3, author="Z, Y.", year="2020", title="Gamma")
    assert year_suffixes([a, b, c]) == {"x2020b": "a", "x2020a": "b"}
    html = format_entries([a, b, c])
    assert "(2020a). <i>Alpha</i>" in html["x2020b"] and "(2020)" in html["z2020"]


# ------------------------------------------------------- permanent keys


def _records(merged: list[MergedEntry]) -> list[KeyRecord]:
    """The key registry as `make bib` would write it for ``merged``."""
    reporter = Reporter()
    text = write_keys([], merged)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "keys.tsv"
        path.write_text(text, encoding="utf-8")
        records = load_keys(path, reporter)
    assert reporter.diagnostics == []
    return records


KUCERA = {"author": "Kucera, J.", "year": "2022"}


def test_a_new_listing_of_a_published_work_merges_into_its_entry() -> None:
    old = _ref("kucera2022", "old", 5, title="Russia and the CSTO", volume="36", **KUCERA)
    published = merge({"old": [old]})
    records = _records(published)
    new = _ref("kucera2022", "new", 9, title="Russia and the CSTO.", volume="38",
               author="Kucera, Jan", year="2022", number="2")  # fmt: skip
    merged = merge({"old": [old], "new": [new]}, records)
    assert [m.key for m in merged] == ["kucera2022"]
    entry = merged[0]
    assert entry.fields == published[0].fields  # nothing overwritten, nothing added
    assert entry.slugs == ("new", "old")
    found = {(d.field, d.kept, d.other, d.other_from.source) for d in entry.disagreements}
    assert found == {
        ("volume", "36", "38", "sources/new/article.txt:9"),
        ("author", "Kucera, J.", "Kucera, Jan", "sources/new/article.txt:9"),
        ("number", "", "2", "sources/new/article.txt:9"),
    }
    assert {d.kept_from.source for d in entry.disagreements} == {"sources/old/article.txt:5"}


def test_a_different_work_of_a_published_author_and_year_gets_a_new_key() -> None:
    old = _ref("kucera2022", "zz", 5, title="Russia and the CSTO", **KUCERA)
    records = _records(merge({"zz": [old]}))
    # a new article whose slug sorts first, listing another work with a title that sorts
    # first: neither may take the published key
    other = _ref("kucera2022", "aa", 3, title="A different question altogether", **KUCERA)
    merged = merge({"zz": [old], "aa": [other]}, records)
    assert {m.key: m.slugs for m in merged} == {"kucera2022": ("zz",), "kucera2022b": ("aa",)}
    third = _ref("kucera2022", "ab", 3, title="Another work again", **KUCERA)
    records = _records(merged)
    merged = merge({"zz": [old], "aa": [other], "ab": [third]}, records)
    assert {m.key: m.slugs for m in merged} == {
        "kucera2022": ("zz",),
        "kucera2022b": ("aa",),
        "kucera2022c": ("ab",),
    }


def test_published_keys_survive_a_listing_that_would_join_them() -> None:
    """Two published works stay two entries even when a new listing matches both."""
    a = _ref("smith2020", "a", 1, author="Smith, J.", year="2020", title="Borders", doi="10.1/a")
    b = _ref("smith2020", "b", 1, author="Smith, J.", year="2020", title="Borders")
    records = [
        KeyRecord("smith2020", "smith", "2020", "borders", "10.1/a", (("a", "smith2020"),)),
        KeyRecord("smith2020x", "smith", "2020", "borders", "", (("b", "smith2020"),)),
    ]
    c = _ref("smith2020", "c", 1, author="Smith, J.", year="2020", title="Borders")
    merged = merge({"a": [a], "b": [b], "c": [c]}, records)
    assert sorted(m.key for m in merged) == ["smith2020", "smith2020x"]


def test_unparsed_entries_get_unique_content_keys() -> None:
    texts = ["Manuscript received in May", "Electronic copy available at some place",
             "Unreadable thing, no author"]  # fmt: skip
    refs = [
        Reference("misc", {"title": t}, t, Span(f"sources/{s}/article.txt", 1), None, "anonnd")
        for s, t in zip("abc", texts, strict=True)
    ]
    merged = merge({s: [r] for s, r in zip("abc", refs, strict=True)})
    keys = [m.key for m in merged]
    assert len(set(keys)) == 3 and all(k.startswith("anonnd-") for k in keys)
    # adding another article with an unparsed entry changes none of them
    extra = Reference("misc", {"title": "Another"}, "Another", Span("sources/d/article.txt", 1),
                      None, "anonnd")  # fmt: skip
    more = merge({**{s: [r] for s, r in zip("abc", refs, strict=True)}, "d": [extra]})
    assert {m.key for m in more} >= set(keys) and len(more) == 4


def _renamed(lists: dict[str, list[Reference]], names: dict[str, str]) -> dict:
    """The same lists under other slugs (the source labels renamed too)."""
    out = {}
    for slug, refs in lists.items():
        new = names[slug]
        out[new] = [
            replace(
                r,
                fields={
                    **r.fields,
                    "x-source": r.get("x-source").replace(f"sources/{slug}/", f"sources/{new}/"),
                },
                span=replace(
                    r.span, file=r.span.file.replace(f"sources/{slug}/", f"sources/{new}/")
                ),
            )
            for r in refs
        ]
    return out


def _shape(merged: list[MergedEntry], names: dict[str, str]) -> list:
    back = {v: k for k, v in names.items()}
    return [
        (m.key, m.entry_type, dict(m.fields), sorted((back[p.slug], p.key) for p in m.provenance),
         sorted((d.field, d.kept, d.other, back[d.other_from.slug]) for d in m.disagreements))
        for m in merged
    ]  # fmt: skip


@settings(max_examples=6, deadline=None)
@given(st.permutations(["aaa-2030", "mmm-2030", "zzz-2030"]), st.randoms(use_true_random=False))
def test_keys_and_entries_do_not_depend_on_slug_order(order: list[str], rnd: random.Random) -> None:
    """Rename the articles' slugs (so they sort in another order) and shuffle the lists:
    the same keys, fields, listings and disagreements, with and without published keys."""
    lists = per_article()
    same = {s: s for s in lists}
    expected = _shape(merge(lists), same)
    records = _records(merge(lists))
    with_records = _shape(merge(lists, records), same)
    names = dict(zip(lists, order, strict=True))
    renamed = _renamed(lists, names)
    for refs in renamed.values():
        rnd.shuffle(refs)
    shuffled = dict(rnd.sample(sorted(renamed.items()), len(renamed)))
    assert _shape(merge(shuffled), names) == expected
    # published keys recorded under the old slugs do not match renamed listings by
    # identity; they are found again by content
    renamed_records = [
        replace(r, listings=tuple((names[s], k) for s, k in r.listings)) for r in records
    ]
    assert _shape(merge(shuffled, renamed_records), names) == with_records
    assert _shape(merge(shuffled, records), names) == with_records


def test_committed_keys_record_every_key() -> None:
    out, _ = bibset()
    reporter = Reporter()
    records = load_keys(ROOT / "bib" / "keys.tsv", reporter)
    assert reporter.diagnostics == []
    assert {r.key for r in records} == {m.key for m in out.merged}
    assert (ROOT / "bib" / "keys.tsv").read_text(encoding="utf-8") == out.files["bib/keys.tsv"]


def test_malformed_keys_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "keys.tsv"
    path.write_text("# header\nsmith2020\tsmith\n" + "a\tb\tc\td\te\tf/g\n" * 2, encoding="utf-8")
    reporter = Reporter()
    records = load_keys(path, reporter, "bib/keys.tsv")
    assert [r.key for r in records] == ["a"]
    assert [d.format() for d in reporter.diagnostics] == [
        "bib/keys.tsv:2: error: expected six tab-separated columns: key, author, year, title, "
        "DOI, listings [bib-keys]",
        "bib/keys.tsv:4: error: key a is recorded twice [bib-keys]",
    ]


def test_a_work_listed_by_many_articles_is_compared_once_per_listing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """300 lists naming one book alike and 300 naming one article by its DOI, each with
    its own spelling of the author: two entries, found with about one comparison per
    listing (not one per pair: 300 listings are 44,850 pairs)."""
    from csto_reader.scholarly import bibliography

    calls = []
    real = bibliography._one_work
    monkeypatch.setattr(bibliography, "_one_work", lambda a, b: calls.append(1) or real(a, b))
    book = {"author": "Deutsch, K. W.", "year": "1957", "title": "Political community"}
    lists = {f"s{n:03}": [_ref("deutsch1957", f"s{n:03}", 4, **book)] for n in range(300)}
    for n in range(300):
        slug = f"t{n:03}"
        lists[slug] = [_ref("kim2019", slug, 7, author=f"Kim{n % 7}, A.", year="2019",
                            title=f"Wording {n}", doi="10.1/SAME")]  # fmt: skip
    merged = merge(lists)
    assert [(m.key, len(m.provenance)) for m in merged] == [("deutsch1957", 300), ("kim2019", 300)]
    assert len(calls) < 2 * 600


def test_identical_listings_under_two_published_keys_stay_two_entries() -> None:
    book = {"author": "Smith, J.", "year": "2020", "title": "Borders in Central Asia"}
    a, b, c = (_ref("smith2020", s, 1, **book) for s in "abc")
    title = "borders in central asia"
    records = [
        KeyRecord("smith2020", "smith", "2020", title, "", (("a", "smith2020"),)),
        KeyRecord("smith2020x", "smith", "2020", title, "", (("b", "smith2020"),)),
    ]
    merged = merge({"a": [a], "b": [b], "c": [c]}, records)
    assert sorted((m.key, m.slugs) for m in merged) == [
        ("smith2020", ("a", "c")),
        ("smith2020x", ("b",)),
    ]
