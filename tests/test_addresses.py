"""Stable addresses: the manifest, aliases, and the address list for learning platforms."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SLUGS
from csto_reader.diagnostics import BuildError
from csto_reader.pipeline import build
from helpers import to_html

PROSE = (
    "This is a sentence of the body that is long enough to be read as prose by the "
    "segmenter, with more than thirty words in it so that the rule that finds the start "
    "of the body applies here"
)


@pytest.fixture
def project(tmp_path):
    d = tmp_path / "sources" / "t-2024"
    d.mkdir(parents=True)
    (d / "article.txt").write_text(f"A test\n\n{PROSE}.\n\n{PROSE} again.\n", encoding="utf-8")
    (d / "meta.yml").write_text("title: A test\nauthors:\n  - name: Ann Author\n", encoding="utf-8")
    return tmp_path


def manifest(root, extra=""):
    out = build(root)
    lines = [f"{a.url}\t{a.kind}\t{a.label}" for a in out.addresses]
    (root / "sources" / "addresses.tsv").write_text(
        "\n".join(lines) + "\n" + extra, encoding="utf-8"
    )
    return len(lines)


def test_removed_anchor_fails_the_build(project):
    n = manifest(project, "articles/t-2024/#p9\tparagraph\tGone words\n")
    with pytest.raises(BuildError) as e:
        build(project)
    d = [d for d in e.value.diagnostics if d.code == "address-removed"]
    assert len(d) == 1
    assert d[0].span.file == "sources/addresses.tsv" and d[0].span.line == n + 1
    assert "articles/t-2024/#p9" in d[0].message


def test_declared_alias_keeps_the_old_address(project):
    manifest(project, "articles/t-2024/#p9\tparagraph\tGone words\n")
    (project / "sources" / "aliases.yml").write_text(
        '"articles/t-2024/#p9": "articles/t-2024/#p2"\n', encoding="utf-8"
    )
    out = build(project)
    page = to_html(out.pages["articles/t-2024.md"])
    assert page.index('id="p9"') < page.index('href="#p2"')


def test_renumbered_paragraph_reports_old_to_new(project):
    manifest(project)
    text = project / "sources" / "t-2024" / "article.txt"
    text.write_text(
        f"A test\n\n{PROSE} inserted.\n\n{PROSE}.\n\n{PROSE} again.\n", encoding="utf-8"
    )
    tsv = project / "sources" / "addresses.tsv"
    tsv.write_text(tsv.read_text().replace("#p2\tparagraph\tThis", "#p9\tparagraph\tThis"))
    with pytest.raises(BuildError) as e:
        build(project)
    assert any("its text is now at" in d.message for d in e.value.diagnostics)


def test_real_manifest_holds(built):
    """The committed manifest matches the build (any change needs a reviewed update)."""
    lines = (ROOT / "sources" / "addresses.tsv").read_text(encoding="utf-8").splitlines()
    listed = {ln.split("\t")[0] for ln in lines if ln and not ln.startswith("#")}
    assert listed == {a.url for a in built.addresses}


def test_address_list_command(built):
    proc = subprocess.run(
        [sys.executable, "-m", "csto_reader", "addresses", "--format", "csv"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "scripts")},
    )
    assert proc.returncode == 0, proc.stderr
    rows = proc.stdout.splitlines()
    assert rows[0] == "address,kind,label"
    for slug in SLUGS:
        assert any(r.startswith(f"articles/{slug}/,page,") for r in rows)
        assert any(r.startswith(f"articles/{slug}/#p1,paragraph,") for r in rows)
    # every listed article address exists in its page
    for b in built.articles:
        page = to_html(b.markdown)
        for a in built.addresses:
            if a.url.startswith(f"articles/{b.article.meta.slug}/#"):
                assert f'id="{a.url.split("#")[1]}"' in page, a.url


def test_every_listed_address_resolves_in_the_built_site(built, site_dir):
    """Each address of the list (pages, sections, ¶, glossary, bibliography, events) is a
    page of the built site holding an element with that id."""
    import re

    pages: dict[str, str] = {}
    for a in built.addresses:
        page, _, anchor = a.url.partition("#")
        path = site_dir / page / "index.html"
        assert path.is_file(), a.url
        if anchor:
            html = pages.setdefault(page, path.read_text(encoding="utf-8"))
            assert re.search(rf'id="{re.escape(anchor)}"', html), a.url


# ---------------------------------------------------------------- unsafe aliases, ids

BAD_INPUTS = ROOT / "tests" / "bad-inputs"


def test_an_alias_leaving_the_site_writes_nothing(tmp_path):
    """`build` with a `../` alias in a project that has a mkdocs.yml (so the build step
    would write the generated tree): the alias is an error at its line, exit 1, and
    nothing is written: no build/ tree, least of all a redirect beside it."""
    import shutil

    case = tmp_path / "case"
    shutil.copytree(BAD_INPUTS / "alias-leaves-the-site", case)
    shutil.copy(ROOT / "mkdocs.yml", case / "mkdocs.yml")

    def written() -> list[Path]:  # but the ingest cache, which is no output (.cache/)
        return sorted(
            p.relative_to(tmp_path)
            for p in tmp_path.rglob("*")
            if ".cache" not in p.relative_to(tmp_path).parts
        )

    before = written()
    proc = subprocess.run(
        [sys.executable, "-m", "csto_reader", "--root", str(case), "build"],
        capture_output=True, text=True, cwd=case,
        env={"PYTHONPATH": str(ROOT / "scripts")},
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.startswith("sources/aliases.yml:2: error: "), proc.stderr
    assert written() == before
    assert not (case / "build").exists()


def test_the_tree_refuses_any_path_outside_its_folder():
    from csto_reader.publish.tree import is_safe_path

    assert is_safe_path("articles/x.md") and is_safe_path("old/index.html")
    for rel in ("../x/index.html", "a/../../x", "/etc/x", "", "a\\..\\x"):
        assert not is_safe_path(rel), rel


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("glossary/", "timeline/", "alias-live"),
        ("Glossary/", "timeline/", "alias-live"),
        ("articles/t-2024/#p1", "articles/t-2024/#p2", "alias-live"),
        ("../x/", "glossary/", "alias-outside"),
        ("old/", "/etc/", "alias-outside"),
        ("old/", "javascript:alert(1)", "alias-outside"),
        ("old\\x/", "glossary/", "alias-outside"),
        ("old/", "gone/", "alias-dangling"),
        ("old", "glossary/", "alias-invalid"),
        ("articles/t-2024/#a b", "articles/t-2024/#p2", "alias-invalid"),
        ("articles/t-2024/#p9", "glossary/#x", "alias-invalid"),
        ("articles/t-2024/#p9", "articles/t-2024/#p2", None),
        ("old/", "glossary/", None),
        ("old/", "about/", None),
    ],
)
def test_alias_rules(old, new, code):
    from csto_reader.publish.addresses import CODES, alias_problem

    live = {"", "glossary/", "timeline/", "about/", "articles/t-2024/",
            "articles/t-2024/#p1", "articles/t-2024/#p2", "glossary/#x"}  # fmt: skip
    problem = alias_problem(old, new, live)
    assert (problem[1] if problem else None) == code, problem
    assert code is None or code in CODES


def test_alias_lines_are_found():
    from csto_reader.publish.addresses import alias_lines

    root = ROOT / "tests" / "bad-inputs" / "alias-between-existing-paragraphs"
    assert alias_lines(root) == {"articles/x/#p1": 2}


def test_a_page_with_one_id_twice_is_an_error():
    from csto_reader.diagnostics import Reporter
    from csto_reader.model import Span
    from csto_reader.publish.ids import check_unique_ids

    pages = {
        "a.md": '---\ntitle: "A"\n---\n# A { #x }\n\n<span id="x"></span>\n\ntext\n{: #y }\n',
        "b.md": "# B { #x }\n\n## B { #y }\n",
    }
    reporter = Reporter()
    check_unique_ids(pages, {}, {"a.md": Span("src/a.txt", 1)}, reporter)
    assert [d.format() for d in reporter.diagnostics] == [
        "src/a.txt:1: error: two elements of the page a/ have the id 'x' "
        "(a link to #x reaches only the first) [duplicate-id]"
    ]


def test_generated_ids_never_collide(tmp_path):
    """A body heading named like a fixed part of the page ("Title", "References 1") and
    two back-matter sections with one title get ids of their own."""
    from csto_reader.publish.ids import page_ids

    d = tmp_path / "sources" / "t-2024"
    d.mkdir(parents=True)
    (d / "article.txt").write_text(
        f"A test\n\n{PROSE}.\n\n# Title\n\n{PROSE} again.\n\n# Ref 1\n\n{PROSE} more.\n\n"
        "Funding\n\nA grant.\n\nFunding\n\nAnother grant.\n",
        encoding="utf-8",
    )
    (d / "meta.yml").write_text("title: A test\nauthors:\n  - name: Ann Author\n", encoding="utf-8")
    out = build(tmp_path)
    ids = page_ids(out.pages["articles/t-2024.md"])
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert {"title", "title-2", "ref-1-2", "funding", "funding-2"} <= set(ids)


def test_the_ids_read_from_a_page_are_those_of_its_html(built):
    """ids.page_ids reads a page's ids from its Markdown; the HTML the page becomes holds
    exactly those, and besides them only heading ids that MkDocs' toc made unique."""
    from collections import Counter
    from html.parser import HTMLParser

    from csto_reader.publish.ids import page_ids

    class Ids(HTMLParser):
        def __init__(self):
            super().__init__()
            self.ids = Counter()

        def handle_starttag(self, tag, attrs):
            self.ids.update(v for k, v in attrs if k == "id" and v is not None)

    for page, text in built.pages.items():
        parser = Ids()
        parser.feed(to_html(text))
        found = Counter(page_ids(text))
        assert found <= parser.ids, (page, found - parser.ids)
        assert all(n == 1 for n in (parser.ids - found).values()), page
        if page.startswith("articles/"):  # every id of an article page is explicit
            assert found == parser.ids, page


def _update(project, *extra: str) -> int:
    from csto_reader.cli import main

    return main(["--root", str(project), "addresses", "--update", *extra])


def test_update_refuses_a_failing_build(project, capsys):
    manifest(project, "articles/t-2024/#p9\tparagraph\tGone words\n")
    tsv = project / "sources" / "addresses.tsv"
    before = tsv.read_bytes()
    assert _update(project) == 1
    assert tsv.read_bytes() == before  # the lost address is not dropped silently
    err = capsys.readouterr().err
    assert "[address-removed]" in err and "sources/addresses.tsv not changed" in err


def test_update_adds_new_addresses_and_keeps_aliased_ones(project, capsys):
    manifest(project, "articles/t-2024/#p9\tparagraph\tGone words\n")
    (project / "sources" / "aliases.yml").write_text(
        '"articles/t-2024/#p9": "articles/t-2024/#p2"\n', encoding="utf-8"
    )
    tsv = project / "sources" / "addresses.tsv"
    lines = tsv.read_text().splitlines(keepends=True)
    tsv.write_text("".join(ln for ln in lines if not ln.startswith("articles/t-2024/#p2\t")))
    assert _update(project) == 0
    urls = [ln.split("\t")[0] for ln in tsv.read_text().splitlines() if not ln.startswith("#")]
    assert "articles/t-2024/#p2" in urls and "articles/t-2024/#p9" in urls
    assert "1 added" in capsys.readouterr().err
    build(project)  # the updated manifest holds


def test_remove_needs_an_alias(project, capsys):
    manifest(project, "articles/t-2024/#p9\tparagraph\tGone words\n")
    (project / "sources" / "aliases.yml").write_text(
        '"articles/t-2024/#p9": "articles/t-2024/#p2"\n', encoding="utf-8"
    )
    tsv = project / "sources" / "addresses.tsv"
    before = tsv.read_bytes()
    assert _update(project, "--remove", "articles/t-2024/#p1") == 1  # live
    assert _update(project, "--remove", "articles/t-2024/#p7") == 1  # not in the manifest
    assert tsv.read_bytes() == before
    err = capsys.readouterr().err
    assert "a live address of the site cannot be removed" in err
    assert "not an address of sources/addresses.tsv" in err
    assert _update(project, "--remove", "articles/t-2024/#p9") == 0
    assert "articles/t-2024/#p9" not in tsv.read_text()
    assert "removed articles/t-2024/#p9 (alias: articles/t-2024/#p2)" in capsys.readouterr().err


def test_remove_without_alias_is_refused(project):
    from csto_reader.model import Address
    from csto_reader.publish.addresses import update_manifest

    manifest(project, "articles/t-2024/#p9\tparagraph\tGone words\n")
    current = [Address("", "page", "x")]
    change = update_manifest(project, current, ["articles/t-2024/#p9"], {})
    assert change.problems == [
        "--remove articles/t-2024/#p9: declare where it went in sources/aliases.yml first "
        '(e.g. "articles/x/#p9": "articles/x/#p8")'
    ]
    assert change.addresses[: len(current)] == current


def test_a_manifest_with_crlf_line_ends_reads_as_with_lf(tmp_path) -> None:
    """A manifest saved with CRLF (or CR) line ends gives the same rows: no label keeps a
    carriage return, so no address seems to have gone."""
    from csto_reader.publish.addresses import MANIFEST, read_manifest

    rows = "articles/x/\tpage\tA title\narticles/x/#p1\tparagraph\tFirst words\n"
    (tmp_path / MANIFEST).parent.mkdir(parents=True)
    (tmp_path / MANIFEST).write_bytes(rows.encode())
    lf = read_manifest(tmp_path)
    for ending in ("\r\n", "\r"):
        (tmp_path / MANIFEST).write_bytes(rows.replace("\n", ending).encode())
        assert read_manifest(tmp_path) == lf
    assert [a.label for _, a in lf] == ["A title", "First words"]


def test_a_diagnostic_is_always_one_line() -> None:
    from csto_reader.diagnostics import Diagnostic
    from csto_reader.model import Span

    message = "label 'a\r\nb\rc\u2028d'"
    line = Diagnostic(
        Span("sources/addresses.tsv", 2), "error", message, "address-removed"
    ).format()
    assert line == "sources/addresses.tsv:2: error: label 'a b c d' [address-removed]"
