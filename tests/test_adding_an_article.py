"""Adding an article moves and rewrites nothing that is already published.

A copy of the real project gets the fifth-article fixture's folder, and nothing else.
Every address of the manifest still resolves to the same content, every existing
bibliography entry is unchanged apart from gaining the new article in its "Listed in" /
"Cited at" (and an editorial note where the new listing disagrees), no key changed, and
the strict MkDocs build lists the new article in the navigation without an edit of
mkdocs.yml.

The same holds for each article of the generality corpus (tests/fixtures/corpus/, made
up in other common formats), added one at a time and all together.  An article that
does not build today is an ``xfail(strict=True)`` case naming the missing rule (none is
today: all eight build, however badly they are read; benchmarks/generality.py measures
how well).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from csto_reader.ingest.anchors import paragraph_texts
from csto_reader.markup import short_title
from csto_reader.pipeline import build
from helpers import mkdocs_build

NEW = "okafor-2024"
FIXTURE = ROOT / "tests" / "fixtures" / "fifth-article" / "sources" / NEW
SKIP = {".git", ".venv", "node_modules", "site", "site.tmp", "build", "tests", ".pytest_cache"}
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
CORPUS_SLUGS = sorted(p.name for p in CORPUS.iterdir() if (p / "article.txt").is_file())
# Corpus articles that do not build today (their build stops on an error): slug -> the
# rule that is missing.  Remove an entry when its rule lands (the case then passes; until
# then strict xfail turns an unexpected pass into a failure).
NOT_BUILDING: dict[str, str] = {}
# Works the corpus lists that the reader already publishes (same details): the key of the
# published entry -> the corpus articles whose list holds it.
SHARED = {
    "allison2004": {"halvorsen-2022", "brennan-2024"},
    "nikitina2012": {"halvorsen-2022", "brennan-2024"},
    "kucera2022": {"halvorsen-2022"},
}


def copy_project(dest: Path, *folders: Path) -> Path:
    """The real project (index/ included) with the given article folders added under
    sources/, and nothing else."""
    root = dest / "reader"
    shutil.copytree(
        ROOT,
        root,
        ignore=lambda d, names: (
            [n for n in names if d == str(ROOT) and n in SKIP]
            + [n for n in names if n == "__pycache__"]
        ),
    )
    for folder in folders:
        shutil.copytree(folder, root / "sources" / folder.name, ignore=_only_inputs)
    return root


def _only_inputs(d: str, names: list[str]) -> list[str]:
    """An article's folder holds its article.txt and meta.yml, nothing else (the
    corpus's expected.yml stays behind)."""
    return [n for n in names if n not in ("article.txt", "meta.yml")]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real project with the new article's folder added, and nothing else."""
    return copy_project(tmp_path_factory.mktemp("added"), FIXTURE)


@pytest.fixture(scope="module")
def before():
    return build(ROOT)


@pytest.fixture(scope="module")
def after(project: Path):
    return build(project)  # no error: the manifest holds, no key is lost


def manifest() -> list[tuple[str, str, str]]:
    lines = (ROOT / "sources" / "addresses.tsv").read_text(encoding="utf-8").splitlines()
    return [tuple((ln.split("\t") + ["", ""])[:3]) for ln in lines if ln and ln[0] != "#"]


def contents(out) -> dict[str, str]:
    """Address -> what it shows: a paragraph's text, a heading's words, an entry's APA
    text, a term's name or an event's label."""
    shown = {a.url: f"{a.kind}: {a.label}" for a in out.addresses}
    for slug, anchor, text in paragraph_texts(b.article for b in out.articles):
        shown[f"articles/{slug}/#{anchor}"] = text
    for key, entry in out.bibliography.formatted.items():
        shown[f"bibliography/#{key}"] = entry
    return shown


def test_the_new_article_is_built(after) -> None:
    assert NEW in [b.article.meta.slug for b in after.articles]
    assert f"articles/{NEW}.md" in after.pages
    assert after.article_order[-1] == NEW  # not in the course: after its reading order


def test_every_published_address_resolves_to_the_same_content(before, after) -> None:
    old, new = contents(before), contents(after)
    urls = [url for url, _, _ in manifest()]
    assert len(urls) > 400
    missing = [u for u in urls if u not in new]
    assert missing == []
    changed = [u for u in urls if old[u] != new[u]]
    assert changed == []


def test_no_key_changed(before, after) -> None:
    old = before.bibliography.key_index
    new = after.bibliography.key_index
    assert {k: new[k] for k in old} == old
    assert {m.key for m in before.bibliography.merged} <= {m.key for m in after.bibliography.merged}
    keys = (ROOT / "bib" / "keys.tsv").read_text(encoding="utf-8")
    recorded = {ln.split("\t")[0] for ln in keys.splitlines() if ln and ln[0] != "#"}
    assert recorded == {m.key for m in before.bibliography.merged}


def test_the_new_listings_merge_into_the_published_entries(before, after) -> None:
    old = {m.key: m for m in before.bibliography.merged}
    new = {m.key: m for m in after.bibliography.merged}
    joined = sorted(k for k, m in new.items() if NEW in m.slugs)
    assert joined == ["allison2004", "deutsch1957", "nikitina2012"]  # no new entry
    for key in joined:
        assert new[key].fields == old[key].fields  # nothing overwritten or added
        assert new[key].provenance[: len(old[key].provenance)] == old[key].provenance
    notes = {(d.field, d.kept, d.other) for d in new["allison2004"].disagreements}
    assert notes == {("author", "Allison, R.", "Allison, Roy"), ("pages", "463--483", "463--83")}
    page = after.pages["bibliography.md"]
    entry = re.search(r'<li id="allison2004".*?</li>', page).group()
    assert (
        "Editorial note: the listings differ on pages: “463--483” in "
        '<a href="../articles/zhang-2023/#ref-allison2004">Zhang (2023)</a>, kept here; '
        "“463--83” in " in entry
    )


def _without_new(html: str, slugs: tuple[str, ...] = (NEW,)) -> str:
    """An entry's or page's HTML with every mention of the new articles taken out."""
    for slug in slugs:
        html = _without(html, slug, short_title(slug, {}))
    # an entry only the new articles cite was "not cited" before them
    html = html.replace(
        '<p class="bib-cited">Cited at: </p>',
        '<p class="bib-cited bib-uncited">Not cited in the text of the articles that list it.</p>',
    )
    return re.sub(r'<p class="bib-disagreement">[^\n]*?</p>', "", html)


def _without(html: str, slug: str, label: str) -> str:
    link = rf'<a href="[./]*articles/{slug}/[^"]*">[^<]*</a>'
    for pattern in (f"{link}, ", f", {link}", link):
        html = re.sub(pattern, "", html)
    name = re.escape(label)
    html = re.sub(rf'<details class="bib-original"><summary>As printed in {name}.*?</details>',
                  "", html)  # fmt: skip
    html = html.replace(f" {slug}", "").replace(f"{slug} ", "").replace(" (shared source)", "")
    html = re.sub(rf" Also in the reference list of {name}\.", "", html)
    return html.replace(f"{label}, ", "").replace(f", {label}", "")


def test_every_entry_is_unchanged_but_for_the_new_article(before, after) -> None:
    old, new = entries(before.pages["bibliography.md"]), entries(after.pages["bibliography.md"])
    assert len(old) == len(before.bibliography.merged)
    for key, html in old.items():
        assert _without_new(new[key]) == _without_new(html), key
    gained = [k for k in old if new[k] != old[k]]
    assert sorted(gained) == ["allison2004", "deutsch1957", "nikitina2012"]


def entries(page: str) -> dict[str, str]:
    found = re.finditer(r'<li id="([^"]+)" class="bib-entry".*?</li>', page)
    return {m.group(1): m.group() for m in found}


def test_the_other_articles_pages_only_gain_the_new_article(before, after) -> None:
    for b in before.articles:
        page = f"articles/{b.article.meta.slug}.md"
        assert _without_new(after.pages[page]) == before.pages[page], page


def test_strict_build_lists_the_new_article_without_editing_mkdocs_yml(project: Path) -> None:
    assert (project / "mkdocs.yml").read_bytes() == (ROOT / "mkdocs.yml").read_bytes()
    assert "articles/" not in (ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("nav:")[1]
    site = project / "site-test"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    about = (site / "about" / "index.html").read_text(encoding="utf-8")
    nav = re.findall(r'href="\.\./articles/([a-z0-9-]+)/" class="md-nav__link', about)
    # the course's reading order, then the article the course does not name
    assert nav == ["choi-2022", "beloglazov-2023", "syssoyeva-2023", "zhang-2023", NEW]


def test_article_order_is_the_course_then_year_and_title() -> None:
    from csto_reader.model import ArticleMeta, Course, Reading, Span
    from csto_reader.publish.teaching import article_order

    def meta(slug: str, year: int | None, title: str) -> ArticleMeta:
        return ArticleMeta(slug=slug, title=title, authors=(), year=year)

    metas = [meta("b-2020", 2020, "Zeta"), meta("a-2021", 2021, "Alpha"),
             meta("z-2020", 2020, "Beta"), meta("c", None, "Gamma")]  # fmt: skip
    course = Course(reading_order=(Reading("a-2021", "why", Span("teaching/course.yml", 3)),))
    assert article_order(metas, course) == ["a-2021", "z-2020", "b-2020", "c"]
    assert article_order(metas[::-1], None) == ["z-2020", "b-2020", "a-2021", "c"]


# ------------------------------------------------------------- the generality corpus


def _corpus_case(slug: str):
    marks = (
        [pytest.mark.xfail(strict=True, reason=NOT_BUILDING[slug])] if slug in NOT_BUILDING else []
    )
    return pytest.param(slug, marks=marks, id=slug)


def assert_nothing_moved(before, after, added: tuple[str, ...]) -> None:
    """The new articles are built; every published address shows what it showed; no
    key changed; every published entry and every other article's page is unchanged but
    for the new articles (and the editorial notes of disagreeing listings); an entry a
    new article merged into keeps its fields."""
    built = [b.article.meta.slug for b in after.articles]
    assert set(added) <= set(built)
    for slug in added:
        assert f"articles/{slug}.md" in after.pages
    old, new = contents(before), contents(after)
    urls = [url for url, _, _ in manifest()]
    assert [u for u in urls if u not in new] == []
    assert [u for u in urls if old[u] != new[u]] == []
    keys = before.bibliography.key_index
    assert {k: after.bibliography.key_index.get(k) for k in keys} == dict(keys)
    old_entries = entries(before.pages["bibliography.md"])
    new_entries = entries(after.pages["bibliography.md"])
    changed = [
        k
        for k, v in old_entries.items()
        if _without_new(new_entries[k], added) != _without_new(v, added)
    ]
    assert changed == []
    merged_old = {m.key: m for m in before.bibliography.merged}
    for m in after.bibliography.merged:
        if m.key in merged_old:
            assert m.fields == merged_old[m.key].fields, m.key
            assert m.provenance[: len(merged_old[m.key].provenance)] == merged_old[m.key].provenance
    for b in before.articles:
        page = f"articles/{b.article.meta.slug}.md"
        assert _without_new(after.pages[page], added) == before.pages[page], page


@pytest.mark.parametrize("slug", [_corpus_case(s) for s in CORPUS_SLUGS])
def test_adding_a_corpus_article_moves_nothing(slug: str, before, tmp_path: Path) -> None:
    root = copy_project(tmp_path, CORPUS / slug)
    assert sorted(p.name for p in (root / "sources" / slug).iterdir()) == [
        "article.txt",
        "meta.yml",
    ]
    after = build(root)  # raises BuildError if the article (or a moved address) errs
    assert_nothing_moved(before, after, (slug,))


@pytest.fixture(scope="module")
def whole_corpus(tmp_path_factory: pytest.TempPathFactory):
    """The project with the fifth article and every corpus article that builds, added at
    once (built once for the tests below)."""
    building = [s for s in CORPUS_SLUGS if s not in NOT_BUILDING]
    assert len(building) >= 8 - len(NOT_BUILDING)
    root = copy_project(tmp_path_factory.mktemp("corpus"), FIXTURE, *(CORPUS / s for s in building))
    return building, build(root)


def test_adding_the_whole_corpus_at_once_moves_nothing(before, whole_corpus) -> None:
    building, after = whole_corpus
    assert_nothing_moved(before, after, (NEW, *building))


# Shared works that a corpus article lists in a form whose fields are not read yet, so its
# listing does not merge into the published entry (strict: the mark must go when it does).
# (none today: the Chicago notes-bibliography entries of halvorsen-2022 are read by the
# rule chicago-bibliography and merge into allison2004, nikitina2012 and kucera2022)
NOT_MERGING: dict[tuple[str, str], str] = {}


def _shared_case(key: str, slug: str):  # noqa: ANN202 (a pytest.param)
    reason = NOT_MERGING.get((key, slug)) or NOT_BUILDING.get(slug)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(key, slug, marks=marks, id=f"{key}-{slug}")


@pytest.mark.parametrize(
    ("key", "slug"),
    [_shared_case(k, s) for k, slugs in SHARED.items() for s in sorted(slugs)],
)
def test_a_shared_work_merges_into_its_published_entry(
    key: str, slug: str, before, whole_corpus
) -> None:
    _, after = whole_corpus
    merged = {m.key: set(m.slugs) for m in after.bibliography.merged}
    published = {m.key: set(m.slugs) for m in before.bibliography.merged}
    assert slug in merged[key], (key, sorted(merged[key]))
    assert published[key] <= merged[key]
