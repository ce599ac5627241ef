"""In-text citations: every form the texts use, no false positives, resolution with
editorial notes, the audit, counts per real article, and a scanner that never raises."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csto_reader.diagnostics import Reporter
from csto_reader.model import FN_CLOSE, FN_OPEN, ArticleCitations, Citation, ReferenceItem, Span
from csto_reader.scholarly.citations import (
    AUTHORS,
    CORPORATE_RATIO,
    NAME_RATIO,
    SPELLING,
    UNCITED,
    UNRESOLVED,
    YEAR_MISMATCH,
    cite_article,
    fold,
    initials,
    resolve,
    scan_citations,
)
from csto_reader.scholarly.references import parse_reference_list

AD = "author-date"
NUM = "numeric"

# ------------------------------------------------------------------ helpers


def items_of(text: str, style: str = AD) -> list[tuple]:
    """(text, names, year, locator, et_al) of every item found."""
    return [
        (i.text, i.names, i.year, i.locator, i.et_al)
        for c in scan_citations(text, style)
        for i in c.items
    ]


def refs_from(lines: list[str], slug: str = "test") -> list:
    items = [ReferenceItem(t, Span("test.txt", n + 1)) for n, t in enumerate(lines)]
    return parse_reference_list(items, slug, Reporter())


@pytest.fixture(scope="module")
def results(by_slug) -> dict[str, tuple[ArticleCitations, Reporter]]:
    """Each real article scanned, resolved and audited, with its diagnostics."""
    out = {}
    for slug, b in by_slug.items():
        refs = parse_reference_list(b.article.references, slug, Reporter())
        reporter = Reporter()
        out[slug] = (cite_article(b.article, refs, reporter, b.article.source_lines), reporter)
    return out


def resolved_by_text(result: ArticleCitations) -> dict[str, list]:
    out: dict[str, list] = {}
    for r in result.resolved:
        out.setdefault(" ".join(r.item.text.split()), []).append(r)
    return out


# ------------------------------------------------------- every citation form


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "became a regional state. (Thakur, 1993; Kobayashi, 2017) Even if",
            [
                ("Thakur, 1993", ("Thakur",), "1993", None, False),
                ("Kobayashi, 2017", ("Kobayashi",), "2017", None, False),
            ],
        ),
        (
            "the Middle East. (Kazantsev et al., 2021)",
            [("Kazantsev et al., 2021", ("Kazantsev",), "2021", None, True)],
        ),
        (
            "non-traditional issues. (Sodiqov, 2012; Herod et al, 1998)",
            [
                ("Sodiqov, 2012", ("Sodiqov",), "2012", None, False),
                ("Herod et al, 1998", ("Herod",), "1998", None, True),
            ],
        ),
        (
            "defend their regimes. (Pedersen 2002; Kozyulin 2012) To confront",
            [
                ("Pedersen 2002", ("Pedersen",), "2002", None, False),
                ("Kozyulin 2012", ("Kozyulin",), "2012", None, False),
            ],
        ),
        (
            "Beyond the material field, Nocetti (2015) argues Russia",
            [("Nocetti (2015)", ("Nocetti",), "2015", None, False)],
        ),
        (
            "Anderi Kazantsev, Svetlana Medvedeva, and Ivan Safranchuk (2021) suggest",
            [
                (
                    "Anderi Kazantsev, Svetlana Medvedeva, and Ivan Safranchuk (2021)",
                    ("Kazantsev", "Medvedeva", "Safranchuk"),
                    "2021",
                    None,
                    False,
                )
            ],
        ),
        (
            "extremist organizations. (Golub & Golub, 2018) Empirically",
            [("Golub & Golub, 2018", ("Golub", "Golub"), "2018", None, False)],
        ),
        (
            "an attack on all. (Collaborative Security Treaty Organization [CSTO], 1992)",
            [
                (
                    "Collaborative Security Treaty Organization [CSTO], 1992",
                    ("Collaborative Security Treaty Organization",),
                    "1992",
                    None,
                    False,
                )
            ],
        ),
        (
            "the situation in Afghanistan. (Brown, 2021; UN News [UNN], 2021) Chaos",
            [
                ("Brown, 2021", ("Brown",), "2021", None, False),
                ("UN News [UNN], 2021", ("UN News",), "2021", None, False),
            ],
        ),
        (
            "through social networks (Sairambay, 2022, \u00a0p. 585). The radical",
            [("Sairambay, 2022, \u00a0p. 585", ("Sairambay",), "2022", "p. 585", False)],
        ),
        (
            "by the Russian Federation (Shamarov, 2022a, pp. 23—24, 30). Collective",
            [("Shamarov, 2022a, pp. 23—24, 30", ("Shamarov",), "2022a", "pp. 23—24, 30", False)],
        ),
        (
            "Russian (Bobrova, 2022; Dzhantaleeva, 2022; Shamarov, 2022a; 2022b) \u00a0and",
            [
                ("Bobrova, 2022", ("Bobrova",), "2022", None, False),
                ("Dzhantaleeva, 2022", ("Dzhantaleeva",), "2022", None, False),
                ("Shamarov, 2022a", ("Shamarov",), "2022a", None, False),
                ("2022b", ("Shamarov",), "2022b", None, False),
            ],
        ),
        (
            "non-member-states (Shamarov, 2022a, p. 23; Kashirina & Epiphanova, 2022,  p. 385).",
            [
                ("Shamarov, 2022a, p. 23", ("Shamarov",), "2022a", "p. 23", False),
                (
                    "Kashirina & Epiphanova, 2022,  p. 385",
                    ("Kashirina", "Epiphanova"),
                    "2022",
                    "p. 385",
                    False,
                ),
            ],
        ),
        (
            "the terminology developed by Karl Deutsch (1957) related to",
            [("Karl Deutsch (1957)", ("Deutsch",), "1957", None, False)],
        ),
        (
            "As Baldwin (1997) says, people's concept",
            [("Baldwin (1997)", ("Baldwin",), "1997", None, False)],
        ),
        (
            "As proposed by the Commission on Global Governance (1995), besides",
            [
                (
                    "Commission on Global Governance (1995)",
                    ("Commission on Global Governance",),
                    "1995",
                    None,
                    False,
                )
            ],
        ),
        (
            "Statements are collected in Nikitina (2012).",
            [("Nikitina (2012)", ("Nikitina",), "2012", None, False)],
        ),
        # Chicago-style locators without "p." (the fifth-article fixture's forms)
        (
            "act when the threat comes from within (Allison 2004, 465). This",
            [("Allison 2004, 465", ("Allison",), "2004", "465", False)],
        ),
        (
            "to stay out (Nikitina 2012, 45–47; Allison 2004).",
            [
                ("Nikitina 2012, 45–47", ("Nikitina",), "2012", "45–47", False),
                ("Allison 2004", ("Allison",), "2004", None, False),
            ],
        ),
        (
            "As Deutsch (1957, 5–7) reminds us",
            [("Deutsch (1957, 5–7)", ("Deutsch",), "1957", "5–7", False)],
        ),
        (
            "a family name that is a month (March & Olsen, 1984; Weingast, 1996)",
            [
                ("March & Olsen, 1984", ("March", "Olsen"), "1984", None, False),
                ("Weingast, 1996", ("Weingast",), "1996", None, False),
            ],
        ),
        (
            "two years by one author (Solingen, 1998, 2007)",
            [
                ("Solingen, 1998", ("Solingen",), "1998", None, False),
                ("2007", ("Solingen",), "2007", None, False),
            ],
        ),
        (
            "a particle (dos Santos, 2022) and an accent (Šćepanović, 2020)",
            [
                ("dos Santos, 2022", ("dos Santos",), "2022", None, False),
                ("Šćepanović, 2020", ("Šćepanović",), "2020", None, False),
            ],
        ),
    ],
)
def test_author_date_forms(text, expected):
    assert items_of(text) == expected


def test_item_offsets_point_at_the_cited_work():
    text = "state. (Thakur, 1993; Kobayashi, 2017) Even"
    (c,) = scan_citations(text, AD)
    assert text[c.start : c.end] == c.text == "(Thakur, 1993; Kobayashi, 2017)"
    assert [text[i.start : i.end] for i in c.items] == ["Thakur, 1993", "Kobayashi, 2017"]
    assert c.kind == "parenthetical"


def test_narrative_citation_covers_name_and_year():
    text = "Beyond the material field, Nocetti (2015) argues"
    (c,) = scan_citations(text, AD)
    assert c.kind == "narrative"
    assert text[c.start : c.end] == "Nocetti (2015)"


def test_corporate_author_keeps_its_abbreviation():
    (c,) = scan_citations("(UN News [UNN], 2021)", AD)
    (item,) = c.items
    assert item.abbreviation == "UNN" and item.corporate
    (c,) = scan_citations("(CSTO, 2012)", AD)
    assert c.items[0].names == ("CSTO",) and c.items[0].corporate


@pytest.mark.parametrize(
    "text, expected",
    [
        ("reports [2] describes", [(2, None, "2")]),
        ("the Warsaw Pact Organization [5:68].", [(5, "68", "5:68")]),
        ("participating countries [6: 339–340].", [(6, "339–340", "6: 339–340")]),
        ("the Russian Federation [3:710–711].", [(3, "710–711", "3:710–711")]),
        ("the Afghan problem [9: 10627].", [(9, "10627", "9: 10627")]),
        ("several works [1, 4]", [(1, None, "1"), (4, None, "4")]),
        ("several works [2; 7:226]", [(2, None, "2"), (7, "226", "7:226")]),
        ("a page [5, p. 68]", [(5, "p. 68", "5, p. 68")]),
    ],
)
def test_numeric_forms(text, expected):
    found = [(i.number, i.locator, i.text) for c in scan_citations(text, NUM) for i in c.items]
    assert found == expected


# ------------------------------------------------------------ not citations


@pytest.mark.parametrize(
    "text",
    [
        "before the collapse of the USSR (in 1989) and ruled",
        "In total, 2.5 thousand military personnel",
        "in the Republic of Kazakhstan (RK) from 6 to 19 January 2022",
        "the most criticized event occurred in 2010 that",
        "G. Mikaelyan, Senior Research Fellow (online, January 2023, Yerevan). From",
        "T.V. Marmotova, PhD in History (Astana, online, April 2022), A.T. Tazhibayev",
        "S.A. Shegirbayev (offline, Astana, January 2023) participated",
        "P.S. Vorobyov (online, January 2023 Bishkek) was interviewed",
        "Brown, V. F. (2021, August 31). Will the Taliban regime survive?",
        "a request (January 5, 2022) by Kazakh President",
        "His Foreign Policy Concept for 2020-2030 (2020-2030), adopted",
        "official site (accessed: 18.03.2023)",
        "in March (2019) the power was transferred",
        "the 2022 January tragedy (2022) was",
        "",
        "()",
        "(, 2020)",
        "(; 2020)",
        "(et al., 2020)",
    ],
)
def test_not_author_date_citations(text):
    assert scan_citations(text, AD) == []


@pytest.mark.parametrize(
    "text",
    [
        "Central Asia. [In Russian]",
        "2014:256 [In English].",
        "[0]",
        "[1234]",
        "[a]",
        "[5:]",
        "[]",
        "[2, In Russian]",
    ],
)
def test_not_numeric_citations(text):
    assert scan_citations(text, NUM) == []


def test_style_decides_what_is_scanned():
    assert scan_citations("(Thakur, 1993) and [2]", "none") == []
    assert [c.kind for c in scan_citations("(Thakur, 1993) and [2]", NUM)] == ["numeric"]
    assert [c.kind for c in scan_citations("(Thakur, 1993) and [2]", AD)] == ["parenthetical"]


def test_footnote_tokens_are_never_part_of_a_citation():
    token = f"{FN_OPEN}3{FN_CLOSE}"
    text = f"to CSTO.{token} (CSTO, 2012) the organization{token}"
    (c,) = scan_citations(text, AD)
    assert c.text == "(CSTO, 2012)"
    # a token inside the parenthesis breaks it: no citation across it
    assert scan_citations(f"(Thakur, {token}1993)", AD) == []
    assert scan_citations(f"Nocetti{token} (2015)", AD) == []
    assert scan_citations(f"[5{token}:68]", NUM) == []
    # a footnote key that looks like a year is not a citation either
    assert scan_citations(f"Nocetti {FN_OPEN}2015{FN_CLOSE}", AD) == []


# -------------------------------------------------------- resolution (unit)

ZHANG_LIKE = [
    "March, J. & Olsen, J. (1983). The New Institutionalism. *American Political Science "
    "Review*, 78(3), 734-749.",
    "Pedersen, T. (2002). Cooperative hegemony. *Review of International Studies*, 28(4), 677-696.",
    "Krahmann, E. (2003). National, regional, and global governance. *Global Governance*, "
    "9(3), 323–346.",
    "Krahmann, E. (2005). American hegemony or global governance? *International Studies "
    "Review*, 7(4), 531-545.",
    "Walt, S. M. (1991). The renaissance of security studies. *International Studies "
    "Quarterly*, 35(2), 211-239.",
    "Waltz, K. (1993). The emerging structure of international politics. *International "
    "security*, 18(2), 45-73.",
    "Collective Security Treaty. (1992, May 15). *Collective Security Treaty, dated May 15, "
    "1992.* Collaborative Security Treaty Organization.",
    "Collective Security Treaty Organization. (2012, April 27). *Charter of The Collective "
    "Treaty of Organization dated October 07, 2002.*",
]


def resolve_one(text: str, refs: list, style: str = AD):
    reporter = Reporter()
    res = resolve(scan_citations(text, style), refs, "test", reporter, Span("a.txt", 7))
    return res, reporter


@pytest.mark.parametrize(
    "cited, key, note, codes",
    [
        ("(March & Olsen, 1983)", "march1983", None, ()),
        (
            "(March & Olsen, 1984)",
            "march1983",
            "The reference list dates this work 1983.",
            (YEAR_MISMATCH,),
        ),
        (
            "(Pederson, 2002)",
            "pedersen2002",
            "The reference list spells the name Pedersen.",
            (SPELLING,),
        ),
        (
            "(Krahnmann, 2003)",
            "krahmann2003",
            "The reference list spells the name Krahmann.",
            (SPELLING,),
        ),
        ("(Krahmann, 2005)", "krahmann2005", None, ()),
        # near names that are different people: the exact name wins
        ("(Walt, 1991)", "walt1991", None, ()),
        ("(Waltz, 1993)", "waltz1993", None, ()),
        (
            "(Collaborative Security Treaty Organization [CSTO], 1992)",
            "cst1992",
            "The reference list names the author Collective Security Treaty.",
            (SPELLING,),
        ),
        ("(CSTO, 2012)", "csto2012", None, ()),
        (
            "(March, 1983)",
            "march1983",
            "The reference list gives the authors as March and Olsen.",
            (AUTHORS,),
        ),
        ("(Nobody, 2001)", None, "No entry in the reference list.", (UNRESOLVED,)),
        # a spelling slip and a year slip at once is too far to link
        (
            "(Pederson, 2004)",
            None,
            "No entry in the reference list. It lists Pedersen 2002.",
            (UNRESOLVED,),
        ),
        # a year further than MAX_YEAR_GAP is another work
        (
            "(Krahmann, 2015)",
            None,
            "No entry in the reference list. It lists Krahmann 2003; Krahmann 2005.",
            (UNRESOLVED,),
        ),
    ],
)
def test_resolution_notes(cited, key, note, codes):
    res, reporter = resolve_one(cited, refs_from(ZHANG_LIKE))
    (r,) = res
    assert (r.key, r.note, r.codes) == (key, note, codes)
    assert [d.code for d in reporter.diagnostics] == list(codes)
    assert all(d.severity == "note" for d in reporter.diagnostics)
    assert all(d.span == Span("a.txt", 7) for d in reporter.diagnostics)


def test_letters_decide_between_works_of_one_year():
    refs = refs_from(
        [
            "Shamarov, P. V. (2022a). CSTO peacekeeping operation in Kazakhstan. *Representative "
            "Power*, (5-6), 22-35.",
            "Shamarov, P. V. (2022b). Conceptualizing Russia’s peacekeeping efforts. *National "
            "Strategy Issues*, 2(71), 14-34.",
        ]
    )
    res, _ = resolve_one("(Shamarov, 2022a; 2022b)", refs)
    assert [r.key for r in res] == ["shamarov2022a", "shamarov2022b"]
    (r,), reporter = resolve_one("(Shamarov, 2022)", refs)
    assert r.key is None and r.note.startswith("Ambiguous")
    assert [d.code for d in reporter.diagnostics] == [UNRESOLVED]


def test_ambiguous_corporate_author_stays_unresolved():
    refs = refs_from(
        [
            "Collective Security Council. (2010). *Decision one*. Moscow.",
            "Collective Security Committee. (2010). *Decision two*. Moscow.",
        ]
    )
    (r,), _ = resolve_one("(Collective Security Commission, 2010)", refs)
    assert r.key is None and r.note.startswith("Ambiguous: the reference list has 2 entries")


def test_repeated_listing_resolves_to_the_first():
    refs = refs_from(
        [
            "Sipri. (2015). *Sipri Yearbook 2015*. Oxford University Press.",
            "Sipri. (2015). *Sipri Yearbook 2015*. Oxford University Press.",
        ]
    )
    (r,), reporter = resolve_one("(Sipri, 2015)", refs)
    assert r.key == "sipri2015" and r.note is None and not reporter.diagnostics


def test_numeric_resolution_and_missing_number():
    refs = refs_from(
        [
            "Meshcheryakov K.E. Integration processes in the post-Soviet space. St. Petersburg: "
            "Scythia print. 2012:237 [In Russian].",
        ]
    )
    refs = [r.__class__(r.entry_type, r.fields, r.text, r.span, 5, r.key) for r in refs]
    (r,), reporter = resolve_one("[5:68]", refs, NUM)
    assert (r.key, r.item.locator, r.note) == ("meshcheryakov2012", "68", None)
    (r,), reporter = resolve_one("[6]", refs, NUM)
    assert r.key is None and r.note == "No entry 6 in the reference list."
    assert [d.code for d in reporter.diagnostics] == [UNRESOLVED]


def test_thresholds_are_what_the_docstring_claims():
    from rapidfuzz import fuzz

    def score(a, b):
        return fuzz.ratio(fold(a), fold(b))

    assert score("Pederson", "Pedersen") >= NAME_RATIO
    assert score("Krahnmann", "Krahmann") >= NAME_RATIO
    assert score("Perrew", "Perrewé") >= NAME_RATIO
    assert score("Schein", "Schmid") < NAME_RATIO
    assert (
        fuzz.token_set_ratio(
            "collaborative security treaty organization", "collective security treaty"
        )
        >= CORPORATE_RATIO
    )
    assert initials("Collective Security Treaty Organization") == "CSTO"
    assert initials("UN News") == "UNN"


# ------------------------------------------------------- the real articles

# Counted by hand from the texts: parenthetical groups and narrative citations in the
# body and footnotes (Zhang: 61 groups holding 138 works, plus 5 narrative citations;
# Syssoyeva: 34 groups holding 56 works, plus 3 narrative; Beloglazov: 12 brackets).
EXPECTED_COUNTS = {
    "beloglazov-2023": dict(
        citations=12,
        cited_works=12,
        linked=12,
        linked_with_note=0,
        unresolved=0,
        uncited_references=0,
    ),
    "choi-2022": dict(
        citations=0, cited_works=0, linked=0, linked_with_note=0, unresolved=0, uncited_references=0
    ),
    "syssoyeva-2023": dict(
        citations=37,
        cited_works=59,
        linked=59,
        linked_with_note=0,
        unresolved=0,
        uncited_references=0,
    ),
    "zhang-2023": dict(
        citations=66,
        cited_works=143,
        linked=131,
        linked_with_note=11,
        unresolved=1,
        uncited_references=3,
    ),
}


@pytest.mark.parametrize("slug", sorted(EXPECTED_COUNTS))
def test_counts_per_article(results, slug):
    result, _ = results[slug]
    assert result.counts() == EXPECTED_COUNTS[slug]


def test_zhang_kinds_of_citation(results):
    result, _ = results["zhang-2023"]
    kinds = [c.kind for t in result.texts for c in t.citations]
    assert kinds.count("parenthetical") == 61 and kinds.count("narrative") == 5


def test_every_citation_is_accounted_for(results):
    for slug in EXPECTED_COUNTS:
        result, _ = results[slug]
        for r in result.resolved:
            assert r.status in {"linked", "noted", "unresolved"}
            assert (r.key is None) == (r.status == "unresolved")
            assert r.status == "linked" or r.note


def test_zhang_notes_by_kind(results):
    _, reporter = results["zhang-2023"]
    notes = sorted(
        (d.code, d.span.line, d.message.split("citation ")[-1])
        for d in reporter.diagnostics
        if d.code != UNCITED
    )
    assert notes == sorted(
        [
            (
                UNRESOLVED,
                45,
                "“Risse, 2016”: No entry in the reference list. It lists Risse et al. 1999.",
            ),
            (
                SPELLING,
                57,
                "“Collaborative Security Treaty Organization [CSTO], 1992”: "
                "The reference list names the author Collective Security Treaty.",
            ),
            (SPELLING, 57, "“Krahnmann, 2003”: The reference list spells the name Krahmann."),
            (YEAR_MISMATCH, 77, "“Gilpin, 1986”: The reference list dates this work 1984."),
            (AUTHORS, 89, "“Booth & Smith, 1991”: The reference list gives the authors as Booth."),
            (YEAR_MISMATCH, 103, "“Goodin, 1996”: The reference list dates this work 1998."),
            (YEAR_MISMATCH, 117, "“March & Olsen, 1984”: The reference list dates this work 1983."),
            (YEAR_MISMATCH, 117, "“Weingast, 1996”: The reference list dates this work 1998."),
            (
                SPELLING,
                117,
                "“Carlson & Perrew, 1995”: The reference list spells the name Perrewé.",
            ),
            (SPELLING, 125, "“Pederson, 2002”: The reference list spells the name Pedersen."),
            (
                SPELLING,
                153,
                "“Carlson & Perrew, 1995”: The reference list spells the name Perrewé.",
            ),
            (YEAR_MISMATCH, 182, "“Bordachev, 2018”: The reference list dates this work 2017."),
        ]
    )
    assert all(d.severity == "note" for d in reporter.diagnostics)


def test_known_slips_resolve_to_the_right_entries(results):
    z = resolved_by_text(results["zhang-2023"][0])
    assert [r.key for r in z["March & Olsen, 1984"]] == ["march1983"]
    assert z["March & Olsen, 1984"][0].note == "The reference list dates this work 1983."
    assert {r.key for r in z["Pederson, 2002"]} == {"pedersen2002"}
    assert {r.key for r in z["Pedersen 2002"]} == {"pedersen2002"}
    assert {r.key for r in z["Krahnmann, 2003"]} == {"krahmann2003"}
    assert {r.key for r in z["Krahmann, 2005"]} == {"krahmann2005"}
    (herod,) = z["Herod et al, 1998"]
    assert (herod.key, herod.note) == ("herod1998", None)
    assert {r.key for r in z["Kazantsev et al., 2021"]} == {"kazantsev2021"}
    (full,) = z["Anderi Kazantsev, Svetlana Medvedeva, and Ivan Safranchuk (2021)"]
    assert (full.key, full.note) == ("kazantsev2021", None)
    assert z["Collaborative Security Treaty Organization [CSTO], 1992"][0].key == "cst1992"
    assert z["CSTO, 2012"][0].key == "csto2012"
    assert z["UN News [UNN], 2021"][0].key == "unnews2021"
    assert z["Commission on Global Governance (1995)"][0].key == "cgg1995"
    assert {r.key for r in z["Sipri, 2015"]} == {"sipri2015"}  # not the repeated listing
    assert {r.key for r in z["Trobanko, 2009"]} == {"trobanko2009"}
    assert {r.key for r in z["Kucera, 2015"]} == {"kucera2015"}
    assert {r.key for r in z["Carlson & Perrewe, 1995"]} == {"carlson1995"}
    assert z["Risse, 2016"][0].key is None


def test_syssoyeva_letters_and_locators(results):
    s = resolved_by_text(results["syssoyeva-2023"][0])
    assert s["2022b"][0].key == "shamarov2022b"
    assert {r.key for r in s["Shamarov, 2022a"]} == {"shamarov2022a"}
    assert s["Shamarov, 2022b, p. 19"][0].key == "shamarov2022b"
    (r,) = s["Shamarov, 2022a, pp. 23—24, 30"]
    assert (r.key, r.item.locator) == ("shamarov2022a", "pp. 23—24, 30")
    assert s["Santos, 2022"][0].key == "santos2022"  # "dos Santos" in the list
    assert s["Karl Deutsch (1957)"][0].key == "deutsch1957"
    assert s["Ethel Solingen (2007)"][0].key == "solingen2007"
    assert s["Solingen, 1998, p. 3"][0].key == "solingen1998"
    # citations in footnotes are found too
    result, _ = results["syssoyeva-2023"]
    assert sum(len(t.citations) for t in result.texts if t.where == "footnote") == 2


def test_beloglazov_numeric_references(results):
    b = resolved_by_text(results["beloglazov-2023"][0])
    (r,) = b["5:68"]
    assert (r.key, r.item.number, r.item.locator) == ("meshcheryakov2012", 5, "68")
    assert b["6: 339–340"][0].key == "troitsky2018"
    assert b["2"][0].key == "bordyuzha2007" and b["8"][0].key == "bordyuzha2011"
    assert b["3:710–711"][0].item.locator == "710–711"


def test_audit_lists_references_cited_nowhere(results):
    result, reporter = results["zhang-2023"]
    assert [r.key for r in result.uncited] == ["kucera2022", "marson2022", "risse1999"]
    uncited = [d for d in reporter.diagnostics if d.code == UNCITED]
    assert len(uncited) == 3 and all(d.severity == "note" for d in uncited)
    for slug in ("beloglazov-2023", "syssoyeva-2023", "choi-2022"):
        assert results[slug][0].uncited == ()


def test_offsets_match_the_block_text(results):
    for slug in EXPECTED_COUNTS:
        result, _ = results[slug]
        for t in result.texts:
            for c in t.citations:
                assert t.text[c.start : c.end] == c.text
                for i in c.items:
                    assert t.text[i.start : i.end] == i.text


# ------------------------------------------------------------------ property

_FRAGMENTS = st.sampled_from(
    [
        "(",
        ")",
        "[",
        "]",
        ";",
        ",",
        " ",
        "\u00a0",
        ":",
        "&",
        "-",
        "—",
        ".",
        "a",
        "et al.",
        "Smith",
        "Kazantsev",
        "March",
        "UN News",
        "[UNN]",
        "dos",
        "and",
        "the",
        "of",
        "p.",
        "pp.",
        "2022",
        "2022a",
        "1984",
        "5",
        "68",
        "339–340",
        f"{FN_OPEN}1{FN_CLOSE}",
        "\ufdd22\ufdd3",
        FN_OPEN,
        FN_CLOSE,
        "\ufdd2",
        "\ufdd3",
        "January",
        "In",
        "As",
    ]
)


def _token_ranges(text: str) -> list[tuple[int, int]]:
    import re

    return [
        (m.start(), m.end())
        for m in re.finditer(
            r"\ufdd0[^\ufdd0-\ufdd3]*\ufdd1|\ufdd2[^\ufdd0-\ufdd3]*\ufdd3|[\ufdd0-\ufdd3]", text
        )
    ]


def _check(text: str, citations: list[Citation]) -> None:
    last = 0
    tokens = _token_ranges(text)
    for c in citations:
        assert last <= c.start < c.end <= len(text)
        assert text[c.start : c.end] == c.text
        assert c.items
        pos = c.start
        for i in c.items:
            assert pos <= i.start < i.end <= c.end
            pos = i.end
        for a, b in tokens:
            assert b <= c.start or a >= c.end
        assert not any(ch in c.text for ch in "\ufdd0\ufdd1\ufdd2\ufdd3")
        last = c.end


@settings(max_examples=400, deadline=None)
@given(st.lists(_FRAGMENTS, max_size=40).map("".join), st.sampled_from([AD, NUM, "none"]))
def test_scan_never_raises_on_citation_like_text(text, style):
    _check(text, scan_citations(text, style))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.sampled_from([AD, NUM]))
def test_scan_never_raises_on_any_text(text, style):
    _check(text, scan_citations(text, style))


def test_a_note_naming_a_document_cites_its_entry(built) -> None:
    """Zhang's note 15 ("Article 4 in the COLLECTIVE SECURITY TREATY.") and Beloglazov's
    note 14 ("The Charter of the Collective Security Treaty Organization / Ivanov ...")
    name a document without its address: each counts as a citation of the entry whose
    name it gives (the names come from the entry's title and from the notes that cite it
    by address), so the entries' "Cited at" lists name them (issue 13)."""
    page = built.pages["bibliography.md"]

    def cited_at(key: str) -> str:
        entry = page.split(f'<li id="{key}"', 1)[1].split("</li>", 1)[0]
        return entry.split('class="bib-cited">', 1)[1].split("</p>", 1)[0]

    assert "zhang-2023/#fn:15" in cited_at("cst1992")
    assert "beloglazov-2023/#fn:14" in cited_at("csto2012")
    # a note that names the Organization or the Treaty's anniversary cites neither
    assert 'beloglazov-2023/#fn:1"' not in cited_at("cst1992")
    assert "zhang-2023/#fn:14" not in cited_at("cst1992")
