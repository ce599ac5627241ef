"""The sources stage: the four real articles load cleanly; bad input is named by file:line."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csto_reader.diagnostics import Reporter
from csto_reader.ingest import sources
from csto_reader.model import ArticleMeta, SourceText

ROOT = Path(__file__).resolve().parent.parent
BAD_INPUTS = Path(__file__).resolve().parent / "bad-inputs"
# The sha256 of each received text, recorded from ../shared/articles when it was copied
# (that folder is not part of the repository, so the test must not depend on it).
RECEIVED = Path(__file__).resolve().parent / "received-articles.sha256"

META = "title: A Test Article\nauthors:\n  - name: A. Author\n"
TEXT = "A Test Article\n\nIntroduction\n\nA first paragraph of the body.\n"


def load(root: Path) -> tuple[list[SourceText], list[str]]:
    reporter = Reporter()
    loaded = sources.discover(root, reporter)
    return loaded, [d.format() for d in reporter.diagnostics]


# ---------------------------------------------------------------- the real articles


@pytest.fixture(scope="module")
def real() -> dict[str, SourceText]:
    loaded, diagnostics = load(ROOT)
    assert diagnostics == []
    return {s.slug: s for s in loaded}


def test_real_sources_load_in_slug_order(real: dict[str, SourceText]) -> None:
    assert list(real) == ["beloglazov-2023", "choi-2022", "syssoyeva-2023", "zhang-2023"]


def test_real_titles_and_authors(real: dict[str, SourceText]) -> None:
    expected = {
        "zhang-2023": (
            "From the Kazakhstan Crisis to see how Russia Involved in Global Security Governance",
            "Sheng Zhang",
        ),
        "beloglazov-2023": (
            "Activities of the Collective Security Treaty Organization in Central Asia (2002-2022)",
            "Albert V. Beloglazov",
        ),
        "syssoyeva-2023": (
            "2022 January Events and CSTO Peacekeeping Mission in Kazakhstan",
            "Rigina V. Syssoyeva",
        ),
        "choi-2022": (
            "What the CSTO’s intervention in Kazakhstan really means",
            "Siheon Nathaniel Choi",
        ),
    }
    for slug, (title, author) in expected.items():
        meta = real[slug].meta
        assert meta.title == title
        assert [a.name for a in meta.authors] == [author]
        assert meta.language == "en"


def test_real_meta_fields(real: dict[str, SourceText]) -> None:
    beloglazov = real["beloglazov-2023"].meta
    assert beloglazov.pages == "190-203"  # the masthead's range, not the footer's
    assert beloglazov.doi == "10.53658/RW2023-3-4(10)-190-203"
    assert beloglazov.accept == ("footnote-unplaced",)
    assert any("138-148" in note and "running footer" in note for note in beloglazov.editorial)
    assert beloglazov.authors[0].orcid == "0000-0002-1982-9519"

    syssoyeva = real["syssoyeva-2023"].meta
    assert syssoyeva.venue == "Vestnik RUDN. International Relations"
    for field in ("venue", "volume", "issue", "pages", "doi"):
        assert (
            "journals.rudn.ru/international-relations/article/view/35170"
            in (syssoyeva.provenance[field])
        )
    assert syssoyeva.license is not None and "NonCommercial 4.0" in syssoyeva.license

    choi = real["choi-2022"].meta
    assert (choi.kind, choi.citation_style, choi.venue, choi.url) == (
        "commentary",
        "none",
        None,
        None,
    )
    assert choi.note is not None and "The National Interest" in choi.note
    assert real["zhang-2023"].meta.citation_style == "author-date"
    assert beloglazov.citation_style == "numeric"


def test_real_meta_is_what_the_text_states(real: dict[str, SourceText]) -> None:
    """Title, abstract and keywords are the text's own words, found verbatim in it."""
    for source in real.values():
        text = "\n".join(source.lines)
        meta = source.meta
        assert meta.title in text
        assert meta.abstract is None or meta.abstract in text
        for keyword in meta.keywords:
            assert keyword in text
        for field in meta.provenance:
            assert getattr(meta, field) not in (None, ())


def test_real_text_kept_exactly(real: dict[str, SourceText]) -> None:
    for slug, source in real.items():
        raw = (ROOT / "sources" / slug / "article.txt").read_text(encoding="utf-8")
        assert source.lines == tuple(raw.split("\n")[: len(source.lines)])
        final = "\n" if raw.endswith("\n") else ""
        assert "\n".join(source.lines) + final == raw
        assert source.path == f"sources/{slug}/article.txt"


def test_sources_are_verbatim_copies() -> None:
    """Every article text is byte for byte the text received (by its recorded sha256)."""
    received = {}
    for line in RECEIVED.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            digest, name = line.split()
            received[name.removesuffix(".txt")] = digest
    texts = {p.parent.name: p for p in (ROOT / "sources").glob("*/article.txt")}
    assert sorted(texts) == sorted(received)
    for slug, path in sorted(texts.items()):
        assert hashlib.sha256(path.read_bytes()).hexdigest() == received[slug], path


def test_meta_keys_match_the_model() -> None:
    fields = {f.name for f in dataclasses.fields(ArticleMeta)} - {"slug", "span"}
    assert set(sources.META_KEYS) - {"slug"} == fields


# ---------------------------------------------------------------- bad input, generated


def write_case(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


def article(text: str | bytes, meta: str | bytes = META) -> dict[str, str | bytes]:
    return {"sources/x/article.txt": text, "sources/x/meta.yml": meta}


FAILING: list[tuple[str, dict[str, str | bytes], str, str, str]] = [
    # (case, files, "file:line" of the message, how the message begins, its code)
    ("empty", article(""), "sources/x/article.txt:1", "empty: the article text", "source-empty"),
    ("whitespace-only", article(" \n\t\n\n"), "sources/x/article.txt:1", "empty:", "source-empty"),
    ("bom-only", article(b"\xef\xbb\xbf"), "sources/x/article.txt:1", "empty:", "source-empty"),
    (
        "binary",
        article(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"),
        "sources/x/article.txt:3",
        "binary file: NUL byte on line 3",
        "source-binary",
    ),
    (
        "non-utf8",
        article("Title\n\nCaf\xe9 society\n".encode("latin-1")),
        "sources/x/article.txt:3",
        "not UTF-8: byte 0xE9 at line 3, column 4",
        "source-encoding",
    ),
    (
        "non-utf8-after-multibyte",
        article("Šćepanović\n«Ok» \xff\n".encode().replace(b"\xc3\xbf", b"\xff")),
        "sources/x/article.txt:2",
        "not UTF-8: byte 0xFF at line 2, column 6",
        "source-encoding",
    ),
    (
        "utf16",
        article("Title\n".encode("utf-16")),
        "sources/x/article.txt:1",
        "not UTF-8: the article text is UTF-16",
        "source-encoding",
    ),
    (
        "huge-single-line",
        article("word " * 1_000_000),
        "sources/x/article.txt:1",
        "line 1 is 5,000,000 characters long; the cleaner expects text broken into lines",
        "source-line-too-long",
    ),
    (
        "missing-meta",
        {"sources/x/article.txt": TEXT},
        "sources/x/meta.yml:1",
        "missing: every article needs a meta.yml next to article.txt",
        "meta-missing",
    ),
    (
        "missing-article",
        {"sources/x/meta.yml": META},
        "sources/x/article.txt:1",
        "missing:",
        "source-unreadable",
    ),
    (
        "malformed-yaml",
        article(TEXT, "title: A Test\nauthors:\n  - name: A\n   affiliation: B\n"),
        "sources/x/meta.yml:4",
        "malformed YAML:",
        "meta-yaml",
    ),
    (
        "unclosed-quote",
        article(TEXT, META + 'abstract: "never closed\nkind: article\n'),
        "sources/x/meta.yml:4",
        "malformed YAML: found unexpected end of stream",
        "meta-yaml",
    ),
    (
        "meta-not-utf8",
        article(TEXT, "title: Caf\xe9\nauthors: [{name: A}]\n".encode("latin-1")),
        "sources/x/meta.yml:1",
        "not UTF-8: byte 0xE9 at line 1, column 11",
        "source-encoding",
    ),
    ("meta-empty", article(TEXT, "# nothing\n"), "sources/x/meta.yml:1", "", "meta-not-mapping"),
    ("meta-a-list", article(TEXT, "- a\n- b\n"), "sources/x/meta.yml:1", "", "meta-not-mapping"),
    (
        "unknown-key",
        article(TEXT, META + "year: 2023\njournal: X\n"),
        "sources/x/meta.yml:5",
        "unknown key 'journal'; allowed keys: slug, title, authors,",
        "meta-unknown-key",
    ),
    (
        "duplicate-key",
        article(TEXT, META + "year: 2023\nyear: 2024\n"),
        "sources/x/meta.yml:5",
        "duplicate key 'year' (first given on line 4)",
        "meta-duplicate-key",
    ),
    (
        "missing-authors",
        article(TEXT, "title: A Test\n"),
        "sources/x/meta.yml:1",
        "missing key 'authors'",
        "meta-missing-key",
    ),
    (
        "authors-text",
        article(TEXT, "title: A Test\nauthors: A and B\n"),
        "sources/x/meta.yml:2",
        "authors: expected a list of mappings with a name",
        "meta-type",
    ),
    (
        "author-without-name",
        article(TEXT, "title: A Test\nauthors:\n  - affiliation: X\n"),
        "sources/x/meta.yml:3",
        "author: missing key 'name'",
        "meta-missing-key",
    ),
    (
        "author-unknown-key",
        article(TEXT, META + "    mail: a@b.c\n"),
        "sources/x/meta.yml:4",
        "unknown author key 'mail'",
        "meta-unknown-key",
    ),
    (
        "keywords-not-a-list",
        article(TEXT, META + "keywords: a, b\n"),
        "sources/x/meta.yml:4",
        "keywords: expected a list of text",
        "meta-type",
    ),
    (
        "year-text",
        article(TEXT, META + "year: '2023'\n"),
        "sources/x/meta.yml:4",
        "year: expected a number",
        "meta-type",
    ),
    (
        "doi-url",
        article(TEXT, META + "doi: https://doi.org/10.1/x\n"),
        "sources/x/meta.yml:4",
        "doi: 'https://doi.org/10.1/x' is not a bare DOI",
        "meta-value",
    ),
    (
        "bad-kind",
        article(TEXT, META + "kind: essay\n"),
        "sources/x/meta.yml:4",
        "kind: 'essay' is not one of: article, commentary",
        "meta-value",
    ),
    (
        "provenance-without-field",
        article(TEXT, META + "provenance:\n  venue: a page\n"),
        "sources/x/meta.yml:5",
        "provenance given for 'venue', but meta.yml gives no venue",
        "meta-value",
    ),
    (
        "slug-mismatch",
        article(TEXT, "slug: y\n" + META),
        "sources/x/meta.yml:1",
        "slug 'y' differs from the folder name 'x'",
        "meta-slug-mismatch",
    ),
    (
        "bad-slug",
        {"sources/Zhang_2023/article.txt": TEXT, "sources/Zhang_2023/meta.yml": META},
        "sources/Zhang_2023/article.txt:1",
        "invalid slug 'Zhang_2023'",
        "slug-invalid",
    ),
    ("no-sources-folder", {"README.md": "x"}, "sources:1", "missing:", "sources-missing"),
]


@pytest.mark.parametrize(
    ("files", "location", "message", "code"),
    [pytest.param(files, loc, msg, code, id=case) for case, files, loc, msg, code in FAILING],
)
def test_bad_input_is_reported_at_its_line(
    tmp_path: Path, files: dict[str, str | bytes], location: str, message: str, code: str
) -> None:
    write_case(tmp_path, files)
    loaded, diagnostics = load(tmp_path)
    assert loaded == []
    assert diagnostics, "expected a diagnostic"
    first = diagnostics[0]
    assert first.startswith(f"{location}: error: {message}"), first
    assert first.endswith(f" [{code}]"), first


def test_duplicate_slug_differing_by_case(tmp_path: Path) -> None:
    write_case(tmp_path, article(TEXT))
    upper = tmp_path / "sources" / "X"
    try:
        upper.mkdir()
    except FileExistsError:
        pytest.skip("case-insensitive file system")
    (upper / "article.txt").write_text(TEXT, encoding="utf-8")
    (upper / "meta.yml").write_text(META, encoding="utf-8")
    loaded, diagnostics = load(tmp_path)
    assert [s.slug for s in loaded] == []  # "X" sorts first; "x" is then its duplicate
    assert diagnostics[0].startswith("sources/X/article.txt:1: error: invalid slug 'X'")
    assert diagnostics[1].startswith("sources/x/article.txt:1: error: duplicate slug: ")
    assert diagnostics[1].endswith("[slug-duplicate]")


BUILDS: list[tuple[str, dict[str, str | bytes], Callable[[SourceText], bool]]] = [
    ("bom", article(b"\xef\xbb\xbf" + TEXT.encode()), lambda s: s.lines[0] == "A Test Article"),
    (
        "bom-in-meta",
        article(TEXT, b"\xef\xbb\xbf" + META.encode()),
        lambda s: s.meta.title == "A Test Article",
    ),
    ("crlf", article(TEXT.replace("\n", "\r\n")), lambda s: not any("\r" in x for x in s.lines)),
    ("cr", article(TEXT.replace("\n", "\r")), lambda s: len(s.lines) == 5),
    (
        "crlf-meta",
        article(TEXT, META.replace("\n", "\r\n")),
        lambda s: s.meta.authors[0].name == "A. Author",
    ),
    ("no-final-newline", article(TEXT.rstrip("\n")), lambda s: s.lines[-1].endswith("body.")),
    (
        "form-feed-kept-in-line",
        article("Title\n\nPage one\x0cpage two\n"),
        lambda s: s.lines == ("Title", "", "Page one\x0cpage two"),
    ),
    (
        "html-kept-as-text",
        article("Title\n\n<script>alert(1)</script>\n"),
        lambda s: s.lines[2] == "<script>alert(1)</script>",
    ),
    ("numeric-volume", article(TEXT, META + "volume: 12\n"), lambda s: s.meta.volume == "12"),
]


@pytest.mark.parametrize(("files", "check"), [pytest.param(f, c, id=case) for case, f, c in BUILDS])
def test_tolerated_input_builds(
    tmp_path: Path, files: dict[str, str | bytes], check: Callable[[SourceText], bool]
) -> None:
    write_case(tmp_path, files)
    loaded, diagnostics = load(tmp_path)
    assert diagnostics == []
    assert len(loaded) == 1
    assert check(loaded[0])
    assert all("\r" not in line and "\ufeff" not in line for line in loaded[0].lines)


def test_crlf_keeps_line_numbers(tmp_path: Path) -> None:
    write_case(tmp_path, article("a\r\n\r\nb\r\n", META))
    loaded, _ = load(tmp_path)
    assert loaded[0].lines == ("a", "", "b")


# ---------------------------------------------------------------- bad input, as files


def case_folders() -> list[Path]:
    return sorted(p for p in BAD_INPUTS.iterdir() if p.is_dir())


@pytest.mark.parametrize("case", case_folders(), ids=lambda p: p.name)
def test_bad_input_folder(case: Path) -> None:
    """Each tests/bad-inputs/<case>/ is a tiny project; expected.txt holds the first
    diagnostic of the whole build (empty when it must build).  When that diagnostic
    belongs to this stage, this stage must give it first; when it belongs to a later
    stage (or there is none), this stage must load every article without a word."""
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    first = expected[0] if expected else ""
    match = re.search(r"\[([a-z-]+)\]$", first)
    loaded, diagnostics = load(case)
    if match and match.group(1) in sources.CODES:
        assert diagnostics and diagnostics[0] == first
        assert all(d.split(": ", 2)[1] == "error" for d in diagnostics)
    else:
        assert diagnostics == []
        assert len(loaded) == len(list((case / "sources").glob("*/article.txt")))


def test_bad_input_folders_exist() -> None:
    names = {p.name for p in case_folders()}
    for name in (
        "empty-article",
        "non-utf8-text",
        "utf8-bom",
        "crlf-line-ends",
        "missing-meta",
        "malformed-yaml",
        "unknown-meta-key",
        "invalid-slug",
    ):
        assert name in names


def test_fixture_bytes_survive_checkout() -> None:
    """The BOM, CRLF and Latin-1 fixtures must reach the test as written (see .gitattributes)."""
    assert (BAD_INPUTS / "utf8-bom/sources/x/article.txt").read_bytes().startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in (BAD_INPUTS / "crlf-line-ends/sources/x/article.txt").read_bytes()
    assert b"\xe9" in (BAD_INPUTS / "non-utf8-text/sources/x/article.txt").read_bytes()


# ---------------------------------------------------------------- properties


@given(st.text())
def test_split_lines_round_trip(text: str) -> None:
    lines = sources.split_lines(text)
    normalized = text.replace("\r\n", "\n").replace("\r", "\n")
    assert all("\n" not in line and "\r" not in line for line in lines)
    assert "\n".join(lines) in (normalized, normalized[:-1])


@settings(max_examples=60, deadline=None)
@given(article_bytes=st.binary(max_size=300), meta_bytes=st.binary(max_size=300))
def test_never_raises_on_arbitrary_bytes(article_bytes: bytes, meta_bytes: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_case(root, article(article_bytes, meta_bytes))
        loaded, diagnostics = load(root)
        assert (len(loaded) == 1) == (diagnostics == [])
        for line in diagnostics:
            assert re.match(
                r"^sources/x/(article\.txt|meta\.yml):\d+: error: .+ \[[a-z-]+\]$", line
            )


@settings(max_examples=60, deadline=None)
@given(meta=st.text(alphabet=st.sampled_from(list("title: []{}-\n\"'#&*!?|>ab12 \t")), max_size=80))
def test_never_raises_on_yaml_like_meta(meta: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_case(root, article(TEXT, meta))
        loaded, diagnostics = load(root)
        assert (len(loaded) == 1) == (diagnostics == [])
        assert all(re.match(r"^sources/x/meta\.yml:\d+: error: [^\n]+\]$", d) for d in diagnostics)
