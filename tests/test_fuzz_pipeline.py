"""Fuzz test of the whole pipeline (hypothesis): any input gives pages or the project's own
error report, never another exception.

Each example is a tiny project root in a temporary folder: one or two articles
(``sources/<slug>/article.txt`` and ``meta.yml``) and, some of the time, the other data
files (``bib/corrections.yml``, a ``bib/*.bib``, ``glossary/terms.yml``,
``timeline/events.yml`` and ``related.yml``, ``teaching/course.yml``,
``sources/aliases.yml``, ``sources/addresses.tsv``).  The texts are put together from
fragments of the kinds real conversions give (headings, numbered headings, prose, every
footnote marker and note body the pipeline reads, reference-list entries in APA, Chicago,
Vancouver, Harvard and the Russian GOST style, URLs and DOIs) mixed with markup, Markdown
specials, odd Unicode (form feed, U+2028, private-use, noncharacters, lone surrogates) and
random text; the YAML files are well-formed documents of the right shape with random
values, random documents, or random YAML-like text.

``csto_reader.pipeline.build(root)`` then either

- raises ``BuildError``, each of whose diagnostics formats as one line
  ``file:line: severity: message [code]``, or
- returns pages that are text, hold none of the pipeline's internal delimiters (the
  noncharacters U+FDD0 to U+FDEF), have front matter MkDocs can read, and whose Markdown,
  turned into HTML with the site's extensions, has no live ``<script>`` (the pipeline
  writes none), ``<iframe>``, ``<object>``, ``<embed>`` or ``<style>``, no ``on...=``
  attribute and no ``javascript:`` / ``vbscript:`` / ``data:`` address.

Any other exception fails the test; hypothesis prints the shrunk input.  Every crash it
has found is kept as a regression case in ``tests/test_fuzz_regressions.py``.

Budget: ``FUZZ_EXAMPLES`` examples per test (default 20, three tests: well under a minute
in ``make test``); ``make fuzz`` runs thousands.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import traceback
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, currently_in_test_context, given, note, settings
from hypothesis import strategies as st

from csto_reader.diagnostics import BuildError
from csto_reader.ingest.sources import META_KEYS
from csto_reader.pipeline import build

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    # `make test` (no FUZZ_EXAMPLES) runs the same examples every time, so that a pass or a
    # failure there is about the change and not about the draw; `make fuzz` draws anew and
    # goes looking (what it finds becomes a case in test_fuzz_regressions.py).
    derandomize="FUZZ_EXAMPLES" not in os.environ,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)
# The site's Markdown extensions (mkdocs.yml), so the HTML is what MkDocs makes of a page.
EXTENSIONS = [
    "abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html", "tables",
    "toc", "pymdownx.details", "pymdownx.superfences",
]  # fmt: skip
DIAGNOSTIC = re.compile(r"[^\s:][^:\n]*:[1-9]\d*: (error|warning|note): [^\n\r]+ \[[a-z0-9-]+\]")
INTERNAL = re.compile("[\ufdd0-\ufdef]")

# ---------------------------------------------------------------- text fragments

WORDS = (
    "the CSTO Russia Kazakhstan Kyrgyzstan security treaty organization member states "
    "collective forces peacekeeping operation in of and to a was were is by on for with "
    "regional Central Asia January crisis governance institutional barriers military "
    "Charter Article request assistance government troops deployment Moscow Armenia"
).split()
NAMES = ["Smith", "Jones", "Ivanov", "Zhang", "Choi", "O'Neil", "Müller", "van der Berg"]
SPECIAL = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(2)>",
    '<a href="javascript:alert(3)">x</a>', "[click](javascript:alert(4))",
    "<iframe src=//evil></iframe>", "<style>body{display:none}</style>", "{: onclick=alert(5) }",
    "{: #p1 .para }", '<b onmouseover="alert(6)">b</b>', "![i](javascript:alert(7))",
    "<https://example.org/a_b>", "[t](https://example.org)", "<!-- c -->", "&amp; &lt; &#x3c;",
    "*", "**", "_", "__", "#", "`", "```", "|", ">", "\\", "\\*", "[", "]", "(", ")", "{", "}",
    "^", "~", "$", "%", "!", "<", "&", '"', "'", "<sup>th</sup>", "<sup>", "</sup>", "<br>",
    "\f", "\u2028", "\u2029", "\u0085", "\r", "\t", "\u00a0", "\u200b", "\u200f", "\u202e",
    "\ufeff", "\uf0b7", "\ue000", "\ue005x\ue006", "\ufffd", "\U0001f600", "e\u0301", "ﬁ",
    "⊠", "–", "—", "’", "“", "”", "«", "»", "№", "§", "¶", "1.", "2)", "- ", "• ", "^{1}",
    "^{*}", "* * *", "---", "***", "___", "\U000f0000", "\U0010fffd",
]  # fmt: skip
URLS = [
    "https://doi.org/10.1162/isec.18.2.44", "doi:10.1000/xyz", "10.1080/14479338.2014.1108",
    "https://www.mid.ru/foreign_policy/official_documents/-/asset_publisher/x_",
    "http://www.xinhuanet.com/english/2021-06/05/c\\_139990358.htm", "www.example.org/a(b)",
    "https://en.odkb-csto.org/documents/ x", "mailto:a@b.org", "javascript:alert(8)",
    "data:text/html,<script>alert(9)</script>", "https://x.org/?a=1&b=<2>\"",
]  # fmt: skip


def one_in(n: int) -> st.SearchStrategy[bool]:
    """True about once in ``n`` draws (hypothesis favours the ends of a range, so not
    ``integers(0, n - 1) == 0``)."""
    return st.integers(0, 10 * n - 1).map(lambda k: k % n == n // 2)


word = st.sampled_from(WORDS)
name = st.sampled_from(NAMES)
year = st.one_of(st.integers(1990, 2024).map(str), st.sampled_from(["2020a", "2020b", "n.d."]))
num = st.integers(1, 6)
# Characters no source may hold (the sources stage refuses them): put in now and then.
FORBIDDEN = ["\x00", "\x0b", "\x1b", "\x7f", "\ufdd0", "\ufdd5", "\ufdef", "\ufffe", "\ud800"]
# Any other Unicode: letters, marks, symbols, format characters, private use, ...
junk = st.text(st.characters(exclude_categories=("Cs", "Cc", "Cn")), max_size=12)
sup_digits = num.map(lambda n: "".join("⁰¹²³⁴⁵⁶⁷⁸⁹"[int(d)] for d in str(n)))
marker = st.one_of(
    num.map(lambda n: f"<sup>{n}</sup>"),
    sup_digits,
    num.map(lambda n: f"[{n}]"),
    num.map(str),
    num.map(lambda n: f"*{n}"),
    st.just("*"),
    num.map(lambda n: f"[{n}: 15]"),
)
citation = st.one_of(
    st.builds(lambda a, y: f"({a}, {y})", name, year),
    st.builds(lambda a, b, y: f"({a} & {b}, {y}, p. 5)", name, name, year),
    st.builds(lambda a, y: f"{a} ({y})", name, year),
    st.builds(lambda a, y: f"({a} et al., {y}; {a}, {y})", name, year),
    num.map(lambda n: f"[{n}]"),
    st.builds(lambda n, m: f"[{n}, {m}]", num, num),
    st.builds(lambda n, m: f"[{n}-{m}]", num, num),
)
# Mostly words: a text of noise alone would be all header to the segmenter.
token = st.one_of(
    *[word] * 12, marker, citation, st.sampled_from(SPECIAL), st.sampled_from(URLS), junk, name
)


def glue(parts: list[str]) -> str:
    return " ".join(parts)


prose = st.lists(token, min_size=1, max_size=60).map(glue)
long_prose = st.lists(st.one_of(word, word, word, token), min_size=30, max_size=70).map(glue)
heading = st.one_of(
    st.sampled_from(
        ["Introduction", "Conclusion", "Results", "Discussion", "Materials and methods",
         "References", "Notes", "Bibliography", "Literature", "Abstract", "Keywords",
         "About the author", "Funding", "Table 1", "Figure 1", "Endnotes", "Works cited"]
    ),
    st.builds(lambda n, w: f"{n}. {w.capitalize()}", num, word),
    st.builds(lambda n, m, w: f"{n}.{m} {w.capitalize()} {w}", num, num, word),
    st.builds(lambda h, w: f"{'#' * h} {w}", st.integers(1, 7), prose),
    word.map(lambda w: f"**{w.capitalize()}**"),
)  # fmt: skip
note_body = st.builds(
    lambda m, text: f"{m} {text}",
    st.one_of(
        num.map(lambda n: f"<sup>{n}</sup>"), sup_digits, num.map(lambda n: f"[{n}]"),
        num.map(str), st.just("*"), num.map(lambda n: f"*{n}"), num.map(lambda n: f"^{{{n}}}"),
        st.just("^{*}"),
    ),
    prose,
)  # fmt: skip
title = st.one_of(
    *[st.lists(word, min_size=1, max_size=6).map(lambda ws: " ".join(ws).capitalize())] * 4,
    st.lists(token, min_size=1, max_size=8).map(glue),
)


def reference_for(a: str, y: str, n: int) -> st.SearchStrategy[str]:
    """An entry for the work of ``a`` in ``y`` (number ``n`` in a numbered list), in one
    of the styles the articles use."""
    return st.one_of(
        st.builds(  # APA
            lambda i, t, u: f"{a}, {i}. ({y}). {t}. *Journal of Things*, 12(2), 45-73. {u}",
            st.sampled_from("ABJK"), title, st.sampled_from(URLS),
        ),
        st.builds(  # Chicago
            lambda f, t: f'{a}, {f}. {y}. "{t}." Journal of Things 12 (2): 45–73.', name, title
        ),
        st.builds(  # Vancouver
            lambda b, t: f"{n}. {a} J, {b} K. {t}. J Things. {y};12(2):45-73.", name, title
        ),
        st.builds(  # Harvard
            lambda t: f"{a}, J. ({y}) {t}. London: Press, pp. 3-4. doi:10.1000/{n}", title
        ),
        st.builds(  # GOST, as the Russian journals give it
            lambda p, t: f"{p}{n}. {a} A.V. {t} // Bulletin. {y}. Vol. 20, № 4:707–720 "
            "[In Russian].",
            st.sampled_from(["", "- "]), title,
        ),
        st.builds(  # a corporate author, a web page
            lambda t, u: f"{a} Organization. ({y}, May 15). {t}. <{u}>",
            title, st.sampled_from(URLS),
        ),
    )  # fmt: skip


def citation_of(a: str, y: str, n: int) -> st.SearchStrategy[str]:
    """An in-text citation of that work."""
    return st.sampled_from([
        f"({a}, {y})", f"({a} & Jones, {y}, p. 5)", f"{a} ({y})", f"({a} et al., {y}; {a}, {y})",
        f"({a}, {y}, pp. 3–4)", f"[{n}]", f"[{n}, p. 7]", f"[{n}; {n + 1}]", f"[{n}-{n + 2}]",
        f"({a} {y})", f"{a}'s ({y})", f"({a}, {y}{'b' if y[-1:].isdigit() else ''})",
    ])  # fmt: skip


reference = st.builds(lambda a, y, n: (a, y, n), name, year, num).flatmap(
    lambda w: reference_for(*w)
)
block = st.one_of(
    *[long_prose] * 6, prose, heading, heading, note_body, reference,
    st.lists(prose, min_size=1, max_size=4).map(lambda xs: "\n".join(f"- {x}" for x in xs)),
    st.lists(prose, min_size=1, max_size=4).map(
        lambda xs: "\n".join(f"{i}) {x}" for i, x in enumerate(xs, 1))
    ),
    st.lists(st.lists(word, min_size=2, max_size=2), min_size=1, max_size=3).map(
        lambda rows: "| a | b |\n| --- | --- |\n" + "\n".join(f"| {r[0]} | {r[1]} |" for r in rows)
    ),
    prose.map(lambda p: f"> {p}"),
    st.builds(lambda k, t: f"{k}{t}", st.sampled_from(["Abstract. ", "Keywords: ",
              "For citation: ", "**Key words:** "]), prose),
    junk, st.text(st.characters(exclude_categories=("Cs", "Cc", "Cn")), max_size=200),
)  # fmt: skip
separator = st.sampled_from(["\n\n", "\n\n", "\n\n", "\n", "\n\n\n", "\r\n\r\n", "\n \n"])


@st.composite
def article_text(draw: st.DrawFn, meta_title: str) -> bytes:
    """An article as a conversion might give it: header, body, notes, reference list;
    written in UTF-8 with a BOM, CRLF, stray bytes or a lone surrogate some of the time."""
    parts = []
    if draw(st.booleans()):
        parts.append(meta_title)
    if draw(st.booleans()):
        parts.append("A. Author" + draw(st.sampled_from(["", "<sup>1</sup>", "*", "¹", "[⊠]"])))
    works = draw(st.lists(st.tuples(name, year), min_size=1, max_size=4))
    body = draw(st.lists(block, min_size=1, max_size=12))
    if draw(st.integers(0, 3)):  # the body usually starts with prose, as the segmenter expects
        body.insert(0, draw(long_prose))
    for _ in range(draw(st.integers(0, 6))):  # citations of the listed works, in the body
        i = draw(st.integers(0, len(body) - 1))
        n = draw(st.integers(1, len(works)))
        words = body[i].split(" ")
        at = draw(st.integers(0, len(words)))
        words.insert(at, draw(citation_of(*works[n - 1], n)))
        body[i] = " ".join(words)
    parts += body
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(["Notes", "Endnotes", "NOTES", ""])))
        parts += draw(st.lists(note_body, max_size=5))
    if draw(st.booleans()):
        parts.append(
            draw(st.sampled_from(["References", "Bibliography", "REFERENCES", "Works cited"]))
        )
        listed = [draw(reference_for(a, y, n)) for n, (a, y) in enumerate(works, 1)]
        parts += listed + draw(st.lists(reference, max_size=2))
    seps = draw(st.lists(separator, min_size=len(parts), max_size=len(parts)))
    text = "".join(p + s for p, s in zip(parts, seps, strict=True))
    if draw(one_in(20)):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(FORBIDDEN)) + text[at:]
    if draw(one_in(10)):
        text = text.replace("\n", "\r\n")
    data = text.encode("utf-8", "surrogatepass")
    if draw(one_in(6)):  # a BOM, a Latin-1 byte, a NUL
        odd = draw(st.sampled_from([b"\xef\xbb\xbf" + data, data + b"\xe9\n", data + b"\x00"]))
        data = odd
    return data


# ---------------------------------------------------------------- YAML documents

scalar = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(), st.text(max_size=20),
    st.sampled_from(SPECIAL), st.sampled_from(URLS), st.dates(), word,
)  # fmt: skip
any_value = st.recursive(
    scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.one_of(st.text(max_size=8), st.sampled_from(META_KEYS)), inner, max_size=3
        ),
    ),
    max_leaves=8,
)
YAML_BITS = [
    "{", "}", "[", "]", ":", ": ", "- ", "\n", "\n  ", "  ", "&a ", "*a", "<<: *a",
    "!!python/object/apply:os.system ['true']", "!tag ", "!!binary ", "!!timestamp ", "!!int ",
    "!!str ", "!!float ", "!!bool ", "'", '"', "|", ">-", "#", "? ", "---", "...", "%YAML 1.1\n",
    "title", "authors", "name", "id", "x", "1", "0x1f", "1e9", "~", "null", "yes", "no", ".inf",
    "\t", "\\", "\ufeff", "\x85", "2022-01-06", "12:30", "slug", "line", "article", "quote", "p1",
]  # fmt: skip
yaml_like = st.lists(st.one_of(st.sampled_from(YAML_BITS), junk), max_size=40).map("".join)
deep = st.builds(
    lambda key, n, kind: f"{key}: " + {"[": "[" * n + "]" * n, "{": "{a: " * n + "}" * n}[kind],
    st.sampled_from(["title", "x", "- a"]), st.integers(1, 1500), st.sampled_from("[{"),
)  # fmt: skip
alias_bomb = st.builds(
    lambda levels, width: "a0: &a0 [x]\n" + "".join(
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]\n" for i in range(1, levels)
    ),
    st.integers(1, 6), st.integers(1, 5),
)  # fmt: skip


def dump(value: object, flow: bool | None) -> bytes:
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=flow, sort_keys=False)
    return text.encode("utf-8", "surrogatepass")


def document(shaped: st.SearchStrategy) -> st.SearchStrategy[bytes]:
    """A YAML file: mostly ``shaped`` (a value of the right form) dumped, else random."""
    dumped = st.builds(dump, st.one_of(shaped, shaped, shaped, any_value),
                       st.sampled_from([False, True, None]))  # fmt: skip
    raw = st.one_of(yaml_like, deep, alias_bomb).map(lambda t: t.encode("utf-8", "surrogatepass"))
    return st.one_of(dumped, dumped, dumped, dumped, raw)


def maybe(valid: st.SearchStrategy) -> st.SearchStrategy:
    """Mostly a valid value, sometimes anything."""
    return st.one_of(valid, valid, valid, any_value)


def author(wild: bool) -> st.SearchStrategy[dict]:
    odd = maybe if wild else (lambda s: s)
    return st.fixed_dictionaries(
        {"name": odd(st.sampled_from(["A. Author", "Ann Smith", "B. <b>x</b>", "Ó'Neil & Co"]))},
        optional={
            "affiliation": odd(meta_text), "email": odd(st.sampled_from(["a@b.org", "x.y@un.int"])),
            "orcid": odd(st.sampled_from(["0000-0002-1982-9519", "0000-0001-2345-678X"])),
        },
    )  # fmt: skip


def no_controls(text: str) -> str:
    return re.sub(r"[\x00-\x1f\x7f]", " ", text).strip() or "x"


# Text a meta.yml value may hold (no control characters).
meta_text = prose.map(no_controls)
meta_title = title.map(no_controls)
HTTP_URLS = [
    "https://doi.org/10.1162/isec.18.2.44",
    "http://example.org/a_b?c=1&d=2",
    "https://x.org/p?q=\u00e9",
]
META_VALUES = {
    "venue": meta_title, "volume": st.one_of(num, st.just("12")),
    "issue": st.one_of(num, st.just("1")),
    "pages": st.just("190-203"), "year": st.integers(1000, 9999),
    "doi": st.sampled_from(["10.1000/xyz", "10.53658/RW2023-3-4(10)-190-203"]),
    "url": st.sampled_from(HTTP_URLS), "license": st.just("CC BY 4.0"),
    "license_url": st.sampled_from(HTTP_URLS), "keywords": st.lists(word, max_size=4),
    "abstract": long_prose.map(no_controls), "kind": st.sampled_from(["article", "commentary"]),
    "language": st.sampled_from(["en", "pt", "ru", "x<y>", 'en" onload="x']),
    "citation_style": st.sampled_from(["author-date", "numeric", "none"]), "note": meta_text,
    "provenance": st.dictionaries(st.just("title"), meta_text, max_size=1),
    "accept": st.lists(st.sampled_from(["footnote-unplaced", "x"]), max_size=2),
    "editorial": st.lists(meta_text, min_size=1, max_size=2),
}  # fmt: skip
# Values a meta.yml must refuse with a message.
ODD_META = {
    "kind": st.just("x"), "year": st.sampled_from([-5, 0, 99999, True, "2020"]),
    "url": st.sampled_from(URLS), "license_url": st.sampled_from(URLS),
    "doi": st.sampled_from(URLS), "provenance": st.dictionaries(st.sampled_from(META_KEYS), prose),
    "slug": st.sampled_from(["other", "X"]), "title": st.sampled_from(["", " ", "\ud800"]),
}  # fmt: skip


@st.composite
def meta_mapping(draw: st.DrawFn, slug: str, wild: bool) -> dict:
    """A meta.yml mapping: every value valid, or (``wild``) any value some of the time."""
    odd = maybe if wild else (lambda s: s)
    meta = {
        "title": draw(odd(meta_title)),
        "authors": draw(odd(st.lists(author(wild), min_size=1, max_size=3))),
    }
    if not draw(one_in(8)):  # without a style no citation is looked for
        meta["citation_style"] = draw(odd(st.sampled_from(["author-date", "numeric"])))
    for key in draw(st.lists(st.sampled_from(sorted(META_VALUES)), max_size=6, unique=True)):
        meta[key] = draw(odd(META_VALUES[key]))
    if draw(one_in(10)):
        meta["slug"] = slug
    if wild and draw(one_in(5)):
        key = draw(st.sampled_from(sorted(ODD_META)))
        meta[key] = draw(ODD_META[key])
    if wild and draw(one_in(20)):
        meta[draw(st.text(max_size=6))] = draw(any_value)
    return meta


def meta_document(slug: str, strict: bool) -> st.SearchStrategy[bytes]:
    """meta.yml: a valid one (``strict``) or any of the kinds ``document`` gives, or the
    two required keys with unquoted odd scalars."""
    if strict:
        return meta_mapping(slug, wild=False).map(lambda m: dump(m, False))
    valid = meta_mapping(slug, wild=True).map(lambda m: dump(m, False))
    unquoted = st.builds(
        lambda t, a: f"title: {t}\nauthors:\n  - name: {a}\n".encode("utf-8", "surrogatepass"),
        st.one_of(yaml_like, token), st.one_of(yaml_like, token),
    )  # fmt: skip
    return st.one_of(valid, document(meta_mapping(slug, wild=True)), unquoted)


# ---------------------------------------------------------------- the other data files

ADDRESSES = [
    "", "articles/x/", "articles/x/#p1", "articles/x/#p2", "articles/x/#introduction",
    "articles/a-2024/#p1", "glossary/", "timeline/", "bibliography/", "teaching/",
    "../evil/", "/abs/", "https://evil.org/", "javascript:alert(1)", "glossary/#csto",
    "articles/x/#fn:1", "index.md", "editorial/",
]  # fmt: skip
ANCHORS = ["p1", "p2", "p3", "p99", "introduction", "conclusion", "fn:1", "fn:ast", "#p1", ""]
term_id = st.one_of(st.sampled_from(["csto", "crrf", "x", "bad id", "csto-charter"]), word)
# Keys as the bibliography stage makes them from the names above (family name + year).
bib_key = st.builds(
    lambda a, y: f"{a}{y}",
    st.sampled_from(["smith", "jones", "ivanov", "zhang", "choi", "oneil", "muller", "berg"]),
    st.sampled_from(["2020", "2020a", "2020b", "nd", "1999"]),
)
DATES = ["1992", "2001-08", "1992-05-15", "2022-01-06/2022-01-19", "1992-13-45", "x", "2022/"]


@st.composite
def passage(draw: st.DrawFn, texts: dict[str, list[str]], quote_key: str = "quote") -> dict:
    """{article, line, quote} pointing into an article, right or wrong."""
    slug = draw(st.sampled_from([*sorted(texts), "nope"]))
    lines = texts.get(slug) or [""]
    n = draw(st.integers(0, len(lines) + 1))
    line = lines[n - 1] if 1 <= n <= len(lines) else ""
    i = draw(st.integers(0, len(line)))
    quote = line[i : draw(st.integers(i, len(line)))] or draw(prose)
    return {
        "article": slug,
        "line": draw(maybe(st.just(n))),
        quote_key: draw(maybe(st.just(quote))),
    }


def glossary_terms(texts: dict[str, list[str]]) -> st.SearchStrategy:
    source = st.one_of(
        passage(texts).map(lambda p: {"article": p["article"], "line": p["line"]}),
        bib_key.map(lambda k: {"bib": k}),
        st.builds(lambda t, u: {"document": t, "url": u}, title, st.sampled_from(URLS)),
    )
    term = st.fixed_dictionaries(
        {"id": maybe(term_id), "name": maybe(title)},
        optional={
            "variants": maybe(st.lists(st.one_of(word, title), max_size=3)),
            "short": maybe(prose), "explanation": maybe(long_prose),
            "sources": maybe(st.lists(source, max_size=3)),
            "related": maybe(st.lists(term_id, max_size=2)),
            "wordings": maybe(st.lists(passage(texts, "text"), max_size=2)),
        },
    )  # fmt: skip
    return st.lists(term, max_size=4)


def timeline_events(texts: dict[str, list[str]]) -> st.SearchStrategy:
    event = st.fixed_dictionaries(
        {"id": maybe(term_id), "date": maybe(st.sampled_from(DATES)), "label": maybe(title),
         "sources": maybe(st.lists(passage(texts), max_size=3))},
        optional={
            "after": maybe(term_id), "note": maybe(prose),
            "disagreements": maybe(st.lists(st.fixed_dictionaries(
                {"topic": maybe(prose), "versions": maybe(st.lists(passage(texts), max_size=3))}
            ), max_size=2)),
        },
    )  # fmt: skip
    return st.lists(event, max_size=4)


def related_groups(texts: dict[str, list[str]]) -> st.SearchStrategy:
    group = st.fixed_dictionaries(
        {"id": maybe(term_id), "question": maybe(prose),
         "passages": maybe(st.lists(passage(texts), max_size=4))}
    )  # fmt: skip
    return st.lists(group, max_size=3)


def course(slugs: list[str]) -> st.SearchStrategy:
    slug = st.sampled_from([*slugs, "nope"])
    question = st.fixed_dictionaries(
        {"text": maybe(prose), "paragraphs": maybe(st.lists(st.sampled_from(ANCHORS), max_size=3))}
    )
    return st.fixed_dictionaries(
        {},
        optional={
            "reading_order": maybe(st.lists(
                st.fixed_dictionaries({"slug": maybe(slug), "why": maybe(prose)}), max_size=3)),
            "terms_first": maybe(st.lists(term_id, max_size=3)),
            "questions": maybe(st.dictionaries(slug, maybe(st.lists(question, max_size=2)))),
        },
    )  # fmt: skip


def corrections(slugs: list[str]) -> st.SearchStrategy:
    fields = st.dictionaries(
        st.sampled_from(["title", "address", "year", "author", "ENTRYTYPE", "x-title-lang",
                         "x-year-suffix", "doi", "url", "journal", "x"]),
        st.one_of(st.none(), prose, year, st.sampled_from(["book", "article", "misc", "pt"])),
        max_size=3,
    )  # fmt: skip
    key = st.builds(lambda s, k: f"{s}/{k}", st.sampled_from([*slugs, "nope"]), bib_key)
    return st.dictionaries(st.one_of(key, st.text(max_size=8)), maybe(fields), max_size=3)


aliases = st.dictionaries(st.sampled_from(ADDRESSES), st.sampled_from(ADDRESSES), max_size=3)
manifest = st.lists(
    st.builds(lambda a, k, lab: f"{a}\t{k}\t{lab}", st.sampled_from(ADDRESSES),
              st.sampled_from(["page", "paragraph", "section", "glossary", "event", "x"]), prose),
    max_size=4,
).map(lambda lines: "# addresses\n" + "\n".join(lines) + "\n")  # fmt: skip
bibtex = st.lists(
    st.one_of(
        st.builds(lambda t, k, a, ti, y: f"@{t}{{{k},\n  author = {{{a}}},\n  title = {{{ti}}},\n"
                  f"  year = {{{y}}}\n}}\n", st.sampled_from(["article", "book", "misc", "x"]),
                  bib_key, name, title, year),
        st.sampled_from(["@article{", "}", "{", "@comment{x}", "@string{a = b}", "% c\n", "@"]),
        junk,
    ),
    max_size=4,
).map("".join)  # fmt: skip


@st.composite
def other_files(draw: st.DrawFn, texts: dict[str, list[str]]) -> dict[str, bytes]:
    """Some of the data files beside the articles, each present a third of the time."""
    slugs = sorted(texts)
    choices = {
        "glossary/terms.yml": document(glossary_terms(texts)),
        "timeline/events.yml": document(timeline_events(texts)),
        "timeline/related.yml": document(related_groups(texts)),
        "teaching/course.yml": document(course(slugs)),
        "bib/corrections.yml": document(corrections(slugs)),
        "sources/aliases.yml": document(aliases),
        "sources/addresses.tsv": manifest.map(lambda t: t.encode("utf-8", "surrogatepass")),
        f"bib/{slugs[0]}.bib": bibtex.map(lambda t: t.encode("utf-8", "surrogatepass")),
    }
    files = {}
    for rel, strategy in choices.items():
        if draw(one_in(3)):
            files[rel] = draw(strategy)
            if draw(one_in(10)):  # not UTF-8
                files[rel] += draw(st.sampled_from([b"\xe9\n", b"\xff\xfe", b"\xc3"]))
            elif draw(one_in(15)):  # a folder where the file should be
                files[rel + "/"] = files.pop(rel)
    return files


# ---------------------------------------------------------------- projects

SLUGS = ["x", "a-2024", "b-2023"]


@st.composite
def project(
    draw: st.DrawFn, strict_meta: bool, others: bool, random_text: bool = True
) -> dict[str, bytes]:
    """rel path -> bytes: one or two articles and, if ``others``, other data files
    (else, some of the time, a valid-shaped bib/corrections.yml)."""
    files: dict[str, bytes] = {}
    texts: dict[str, list[str]] = {}
    for slug in SLUGS[: draw(st.integers(1, 2))]:
        meta = draw(meta_document(slug, strict_meta))
        try:
            meta_title = str(yaml.safe_load(meta).get("title"))
        except Exception:  # noqa: BLE001 - any unreadable meta.yml: no title to repeat
            meta_title = draw(title)
        text = draw(article_text(meta_title)) if random_text else BASE_ARTICLE
        files[f"sources/{slug}/meta.yml"] = meta
        files[f"sources/{slug}/article.txt"] = text
        texts[slug] = text.decode("utf-8", "replace").split("\n")
    if others:
        files.update(draw(other_files(texts)))
    elif draw(one_in(4)):
        fixes = draw(corrections(sorted(texts)))
        files["bib/corrections.yml"] = dump(fixes, False)
    return files


BASE = Path(__file__).parent / "bad-inputs" / "no-reference-list" / "sources" / "x"
BASE_ARTICLE = (BASE / "article.txt").read_bytes()


# ---------------------------------------------------------------- running and checking


class Slow(Exception):
    """A build that took longer than ``TIME_LIMIT`` seconds on a tiny input."""


TIME_LIMIT = 60


def crash_site(exc: BaseException) -> tuple[str, str, str]:
    """(exception type, module file, function) of the innermost frame in the pipeline."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "csto_reader" in f.filename]
    last = frames[-1] if frames else traceback.extract_tb(exc.__traceback__)[-1]
    return type(exc).__name__, Path(last.filename).name, last.name


def run_build(files: dict[str, bytes]):
    """Write ``files`` into a fresh root and build it; the output, or the BuildError.
    A path ending in "/" is made a folder."""
    import signal

    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        root = Path(tmp)
        for rel, data in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if rel.endswith("/"):
                path.mkdir()
            else:
                path.write_bytes(data)

        def too_slow(signum, frame):  # noqa: ANN001, ARG001
            raise Slow(f"build took more than {TIME_LIMIT} s")

        previous = signal.signal(signal.SIGALRM, too_slow)
        signal.alarm(TIME_LIMIT)
        try:
            return build(root)
        except BuildError as error:
            return error
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)


def _note(text: str) -> None:
    """Hypothesis's ``note`` inside a fuzz example; nothing in a plain regression test."""
    if currently_in_test_context():
        note(text)


def check_project(files: dict[str, bytes]) -> None:
    """Build ``files``; fail on a crash or on output that breaks a promise."""
    for rel, data in sorted(files.items()):
        _note(f"--- {rel}\n{data!r}")
    try:
        result = run_build(files)
    except Exception as exc:
        site = crash_site(exc)
        raise AssertionError(f"crash {site}:\n{traceback.format_exc()}") from exc
    if isinstance(result, BuildError):
        check_diagnostics(result)
        if result.output is not None:  # what was built before the failure: pages all the same
            check_pages(result.output, must_have_pages=False)
    else:
        check_pages(result)


def check_diagnostics(error: BuildError) -> None:
    assert error.diagnostics, "BuildError without a diagnostic"
    for d in error.diagnostics:
        line = d.format()
        assert DIAGNOSTIC.fullmatch(line), f"not one file:line: diagnostic: {line!r}"
        assert d.severity == "error"


def check_pages(out, must_have_pages: bool = True) -> None:  # noqa: ANN001
    assert out.pages or not must_have_pages, "a successful build with no page"
    for rel, page in out.pages.items():
        assert isinstance(rel, str) and isinstance(page, str), (rel, type(page))
        found = INTERNAL.search(page)
        assert found is None, f"{rel}: internal delimiter {found.group()!r} in the page"
        body = check_front_matter(rel, page)
        live = LiveMarkup()
        live.feed(markdown.markdown(body, extensions=EXTENSIONS))
        live.close()
        assert not live.found, f"{rel}: live markup {live.found}"
    for rel, data in out.files.items():
        assert isinstance(data, bytes), (rel, type(data))
        assert INTERNAL.search(data.decode("utf-8", "replace")) is None, rel


def check_front_matter(rel: str, page: str) -> str:
    """The page's front matter is a YAML mapping MkDocs reads; returns the Markdown body."""
    match = re.match(r"---\n(.*?\n)?---\n", page, re.S)
    if match is None:
        assert not page.startswith("---"), f"{rel}: front matter not closed"
        return page
    meta = yaml.safe_load(match.group(1) or "")
    assert meta is None or isinstance(meta, dict), f"{rel}: front matter {meta!r}"
    if meta and "title" in meta:
        assert isinstance(meta["title"], str), f"{rel}: title {meta['title']!r}"
    return page[match.end() :]


# The pipeline writes no inline script (the bibliography filter is a file: csp.py).
OWN_SCRIPTS: set[str] = set()
BAD_SCHEME = re.compile(r"^\s*(javascript|vbscript|data):", re.I)


def _inert_json(body: str) -> bool:
    """A JSON-LD element's text that a browser only reads: valid JSON, and no ``<`` that
    could end the element or open another (``markup.json_script`` writes ``\\u003c``)."""
    try:
        json.loads(body)
    except ValueError:
        return False
    return "<" not in body


class LiveMarkup(HTMLParser):
    """Elements and attributes a page would run: scripts, frames,
    objects, styles, ``on...`` handlers, script addresses."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script: list[str] | None = None
        self._data_type = False  # the open script element is JSON-LD (data, never run)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("iframe", "object", "embed", "style", "base", "form"):
            self.found.append(f"<{tag}>")
        for key, value in attrs:
            cleaned = re.sub(r"[\x00-\x20]", "", value or "")
            if key.startswith("on") or BAD_SCHEME.match(cleaned):
                self.found.append(f"<{tag} {key}={value!r}>")
        if tag == "script":
            self._script = []
            self._data_type = dict(attrs).get("type") == "application/ld+json"

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            body = "".join(self._script)
            if body.strip() not in {s.strip() for s in OWN_SCRIPTS} and not (
                self._data_type and _inert_json(body)
            ):
                self.found.append("<script>" + body[:80])
            self._script = None

    def close(self) -> None:
        super().close()
        if self._script is not None:
            self.found.append("<script> (unclosed)")


# ---------------------------------------------------------------- the tests


@SETTINGS
@given(project(strict_meta=True, others=False))
def test_random_articles(files: dict[str, bytes]) -> None:
    """Random article texts with a valid meta.yml."""
    check_project(files)


@SETTINGS
@given(project(strict_meta=False, others=False, random_text=False))
def test_random_meta(files: dict[str, bytes]) -> None:
    """Random meta.yml documents beside a valid article."""
    check_project(files)


@SETTINGS
@given(project(strict_meta=False, others=True))
def test_random_project(files: dict[str, bytes]) -> None:
    """Everything random: texts, meta.yml and the other data files."""
    check_project(files)


@pytest.mark.parametrize(
    ("markup", "live"),
    [
        ('<script type="application/ld+json">{"@id": "#k", "name": "a \\u003c b"}</script>', False),
        ('<script type="application/ld+json">{"name": "<b>"}</script>', True),
        ('<script type="application/ld+json">alert(1)</script>', True),
        ('<script type="text/javascript">{"name": "x"}</script>', True),
        ("<script>alert(1)</script>", True),
    ],
)
def test_only_inert_json_ld_is_not_live_markup(markup: str, live: bool) -> None:
    found = LiveMarkup()
    found.feed(markup)
    found.close()
    assert bool(found.found) == live
