"""The cold build's speed cuts (issue 15) give what the slower code gave.

Each cut replaced some work by less work to the same result: a citation's exact tier
found without scoring every work, citeproc-py's macros looked up once per style, term
matchers kept by the ids and variants they read, one translate pass (memoized) for
``normalize_for_match``, a hyphen test before a regex in ``join_wrapped``, memoized
``inline_html`` and source-line words.  Here each is compared with the code it
replaced (kept below as the reference) or with its unmemoized self; the golden files
check the four real articles' output byte for byte.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, replace

from citeproc import model as citeproc_model

from csto_reader.ingest import completeness
from csto_reader.ingest.clean import normalize_for_match
from csto_reader.ingest.segment import (
    ADDRESS_CUT,
    BARE_MARK_END,
    FIRST_WORD,
    LINE_END_HYPHEN,
    TRAILING_MARKS,
    ends_sentence,
    join_wrapped,
)
from csto_reader.model import CiteItem, Reference, Span
from csto_reader.publish.render import inline_html
from csto_reader.scholarly import cite_format
from csto_reader.scholarly.citations import Work, _pick, _pick_scored
from csto_reader.scholarly.glossary import match_names

# ---------------------------------------------------------------- citations: the exact tier

FAMILIES = ["Smith", "Smyth", "Smithe", "de Vries", "Vries", "Pedersen", "Pederson", "Walt",
            "Waltz", "Schmid", "Schmidt", "Šćepanović", "Scepanovic", ""]  # fmt: skip
CORPORATE = ["Collective Security Treaty Organization", "UN News", "Kazakh Foreign Ministry"]
YEARS = ["2019", "2020", "2020a", "2020b", "2021", "2023", "n.d.", ""]


def _random_work(rng: random.Random, n: int) -> Work:
    year = rng.choice(YEARS)
    suffix = year[4:] if len(year) == 5 else ""
    if rng.random() < 0.2:
        corporate = rng.choice(CORPORATE)
        families: tuple[str, ...] = (corporate,)
    else:
        corporate = None
        families = tuple(rng.choice(FAMILIES) for _ in range(rng.randint(0, 3)))
    canonical = f"w{rng.randrange(n)}" if n and rng.random() < 0.1 else f"w{n}"
    return Work(f"w{n}", canonical, families, corporate, year[:4], suffix, None)


def _random_item(rng: random.Random) -> CiteItem:
    corporate = rng.random() < 0.2
    if corporate:
        names: tuple[str, ...] = (rng.choice([*CORPORATE, "CSTO", "UNN"]),)
    else:
        names = tuple(rng.choice(FAMILIES) for _ in range(rng.randint(0, 3)))
    author = " ".join(names) if rng.random() < 0.5 else (names[0] if names else "")
    return CiteItem(0, 0, author, names, rng.choice(YEARS), et_al=rng.random() < 0.2,
                    author=author, abbreviation=rng.choice([None, "CSTO"]),
                    corporate=corporate)  # fmt: skip


def test_exact_tier_shortcut_picks_what_scoring_every_work_picks() -> None:
    rng = random.Random(15)
    for _ in range(4000):
        works = [_random_work(rng, n) for n in range(rng.randint(0, 12))]
        item = _random_item(rng)
        if works and rng.random() < 0.5:  # cite a listed work, as most citations do
            w = rng.choice(works)
            item = replace(item, names=w.families, year=w.year + w.suffix)
        assert _pick(item, works) == _pick_scored(item, works), (item, works)


# ---------------------------------------------------------------- citeproc: macros once


def _references() -> list[Reference]:
    fields = [
        {"author": "Zhang, Wei and Petrov, Ivan", "title": "The CSTO after Kazakhstan",
         "journal": "Journal of Eurasian Studies", "volume": "14", "number": "2",
         "pages": "101--120", "year": "2023", "doi": "10.1000/xyz"},
        {"author": "{Collective Security Treaty Organization}", "title": "Charter",
         "year": "2002", "url": "https://example.org/charter"},
        {"editor": "Golub, Anna", "title": "Security in Central Asia", "publisher": "Aspect",
         "year": "2014"},
    ]  # fmt: skip
    types = ["article", "misc", "book"]
    return [
        Reference(t, f, f["title"], Span("x.bib", 1), None, f"k{i}")
        for i, (t, f) in enumerate(zip(types, fields, strict=True))
    ]


def test_citeproc_with_macros_kept_formats_as_with_an_xpath_search_each_time() -> None:
    refs = _references()
    kept = cite_format.format_entries(refs)  # loading the style installs the lookup
    assert citeproc_model.CitationStylesElement.get_macro is cite_format._get_macro
    try:
        citeproc_model.CitationStylesElement.get_macro = cite_format._FIND_MACRO
        searched = cite_format.format_entries(refs)
    finally:
        citeproc_model.CitationStylesElement.get_macro = cite_format._get_macro
    assert kept == searched
    assert all(kept.values())


def test_kept_macro_is_the_element_the_search_finds() -> None:
    root = cite_format._style().root
    names = [m.get("name") for m in root.xpath_search("cs:macro")]
    assert names
    for name in names:
        assert cite_format._get_macro(root, name) is cite_format._FIND_MACRO(root, name)


# ---------------------------------------------------------------- term matchers


@dataclass(frozen=True)
class _Entry:
    id: str
    variants: tuple[str, ...]
    note: str = ""  # a field the matcher does not read


def test_matcher_depends_on_ids_and_variants_only() -> None:
    text = "The CSTO met; the Collective Security Treaty Organization (CSTO) did not."
    a = [_Entry("csto", ("Collective Security Treaty Organization", "CSTO"), "one")]
    b = [_Entry("csto", ("Collective Security Treaty Organization", "CSTO"), "two")]
    assert match_names(a, text) == match_names(b, text)
    assert [m[2] for m in match_names(a, text)] == ["csto", "csto"]
    # a changed variant is a different matcher, not the one kept for the old variants
    c = [_Entry("csto", ("Collective Security Treaty Organization",), "one")]
    assert len(match_names(c, text)) == 1
    d = [_Entry("org", ("Collective Security Treaty Organization", "CSTO"), "one")]
    assert {m[2] for m in match_names(d, text)} == {"org"}


# ---------------------------------------------------------------- folding and joining


def _normalize_before(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[*_#`]+", "", text)
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = re.sub(r"[\u2018\u2019\u201c\u201d\"']", "", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def test_normalize_for_match_folds_as_the_four_substitutions_did() -> None:
    rng = random.Random(7)
    alphabet = (
        "ab Z*_#`\u2018\u2019\u201c\u201d\"'\u2010\u2011\u2015\u2016\u2212 \t\n"
        "\u00a0\u2003\x1c\ufb01\u00bd\u0130É-—–"
    )
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        assert normalize_for_match.__wrapped__(text) == _normalize_before(text), repr(text)
        assert normalize_for_match(text) == _normalize_before(text)


def _join_before(lines: list[str], compounds: frozenset[str]) -> str:
    out = ""
    for raw in lines:
        t = raw.strip()
        if not t:
            continue
        broken = LINE_END_HYPHEN.search(out)
        first = FIRST_WORD.match(t)
        if broken and ADDRESS_CUT.search(out):
            out += t
        elif broken and first and t[:1].islower():
            keep = f"{broken.group(1)}-{first.group(0)}".lower() in compounds
            out = (out if keep else out[:-1]) + t
        elif broken and (t[:1].isupper() or t[:1].isdigit()):
            out += t
        else:
            out = f"{out} {t}" if out else t
    return out


def test_join_wrapped_joins_as_before_the_hyphen_test() -> None:
    rng = random.Random(3)
    pieces = ["inter-", "nal", "non-", "interference", "anti-", "Western", "2022-",
              "www.x.org/a-", "b-c", "-", " ", "", "word", "Word.", "x-\n", "é-", "ñ",
              "https://a.org/in-"]  # fmt: skip
    compounds = frozenset({"non-interference", "inter-nal"})
    for _ in range(20000):
        lines = [
            "".join(rng.choice(pieces) for _ in range(rng.randint(0, 3)))
            for _ in range(rng.randint(0, 5))
        ]
        assert join_wrapped(lines, compounds) == _join_before(lines, compounds), lines


def _ends_sentence_before(text: str) -> bool:
    t = BARE_MARK_END.sub("", TRAILING_MARKS.sub("", text.rstrip()).rstrip())
    t = re.sub(r"</?[a-z]+>$", "", t)
    if re.search(r"[.?!…][\"”’)\]*]*$", t):
        return True
    m = re.search(r"\(([^()]*)\)$", t)
    return bool(m and re.search(r"[.?!][\"”’]?\s*$", t[: m.start()]))


def test_ends_sentence_decides_as_the_whole_text_searches_did() -> None:
    rng = random.Random(11)
    pieces = ["a", "word", " ", ".", "?", "!", "…", '"', "”", "’", ")", "(", "]", "[", "*",
              "1", "23", "٣", "¹", "²", "<sup>4</sup>", "<i>", "</i>", "\n", ":", "–", ",",
              "(Smith, 2014)", "x.)"]  # fmt: skip
    for _ in range(50000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        assert ends_sentence(text) == _ends_sentence_before(text), repr(text)


# ---------------------------------------------------------------- memoized conversions


def test_line_words_gives_each_caller_its_own_list() -> None:
    line = "1. See [the charter](https://x.org) &amp; note³ <sup>4</sup>"
    first = completeness.line_words(line)
    assert first == list(completeness._line_words.__wrapped__(line))
    first.append("changed")
    assert completeness.line_words(line) == first[:-1]


def test_inline_html_kept_is_the_fresh_conversion() -> None:
    texts = ["*Title* of a work", "A & B < C", "plain words", "*Title* of a work"]
    for text in texts:
        assert inline_html(text) == inline_html.__wrapped__(text)
