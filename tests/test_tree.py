"""The generated tree (publish/tree.py) and the step after the engine (publish/finish.py).

Each test makes a tiny project root (mkdocs.yml, docs/) in a temporary folder and calls
``write_tree`` with pages and files as the pipeline returns them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from csto_reader.diagnostics import Reporter
from csto_reader.publish import csp
from csto_reader.publish.finish import finish_site
from csto_reader.publish.tree import write_tree

CONFIG = """site_name: T
theme:
  name: material
  custom_dir: overrides
site_url: !ENV [SITE_URL, ""]
nav:
  - Home: index.md
  - Articles: []
  - About: about.md

# Everything after the nav
markdown_extensions:
  - toc
"""
PAGES = {"index.md": "# Home\n", "articles/a-2020.md": "# A\n", "articles/b-2021.md": "# B\n"}
FILES = {"report.json": b"{}", "downloads/addresses.md": b"# list\n"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "docs" / "assets").mkdir(parents=True)
    (tmp_path / "docs" / "about.md").write_text("# About\n", encoding="utf-8")
    (tmp_path / "docs" / "assets" / "x.css").write_text("p {}\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_the_tree_holds_the_hand_written_and_the_generated_files(project: Path) -> None:
    reporter = Reporter()
    config = write_tree(project, PAGES, FILES, ["b-2021", "a-2020"], reporter)
    assert config == project / "build" / "mkdocs.yml" and not reporter.diagnostics
    assert files_under(project / "build" / "docs") == {
        "about.md", "assets/x.css", "index.md", "articles/a-2020.md", "articles/b-2021.md",
        "report.json",
    }  # fmt: skip
    # a Markdown extra file is not a page: finish copies it from build/extra/
    assert files_under(project / "build" / "extra") == {"downloads/addresses.md"}
    values = yaml.safe_load(config.read_text(encoding="utf-8"))
    assert values["INHERIT"] == "../mkdocs.yml" and values["docs_dir"] == "docs"
    assert values["theme"] == {"custom_dir": "../overrides"}
    assert values["nav"] == [
        {"Home": "index.md"},
        {"Articles": ["articles/b-2021.md", "articles/a-2020.md"]},
        {"About": "about.md"},
    ]


def test_an_article_removed_from_the_sources_leaves_the_tree(project: Path) -> None:
    write_tree(project, PAGES, FILES, ["a-2020", "b-2021"], Reporter())
    page = project / "build" / "docs" / "articles" / "a-2020.md"
    kept = project / "build" / "docs" / "index.md"
    before = kept.stat().st_mtime_ns
    pages = {k: v for k, v in PAGES.items() if "b-2021" not in k}
    write_tree(project, pages, {"report.json": b"{}"}, ["a-2020"], Reporter())
    assert not (project / "build" / "docs" / "articles" / "b-2021.md").exists()
    assert not (project / "build" / "extra" / "downloads").exists()
    assert page.is_file() and kept.stat().st_mtime_ns == before  # unchanged: not rewritten
    nav = yaml.safe_load((project / "build" / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    assert nav[1] == {"Articles": ["articles/a-2020.md"]}


@pytest.mark.parametrize(
    ("pages", "first"),
    [
        (
            {**PAGES, "about.md": "# Generated\n"},
            "docs/about.md:1: error: this hand-written page has the path of a page the "
            "pipeline generates; remove or rename it [page-collision]",
        ),
        (
            {**PAGES, "../escape.md": "x"},
            "build/docs:1: error: refusing to write '../escape.md': it leaves build/docs "
            "[output-outside]",
        ),
        (
            {**PAGES, "/etc/x.md": "x"},
            "build/docs:1: error: refusing to write '/etc/x.md': it leaves build/docs "
            "[output-outside]",
        ),
    ],
)
def test_a_bad_path_is_reported_and_the_previous_tree_kept(
    project: Path, pages: dict[str, str], first: str
) -> None:
    write_tree(project, PAGES, FILES, ["a-2020", "b-2021"], Reporter())
    before = {p: (project / "build" / p).read_bytes() for p in files_under(project / "build")}
    reporter = Reporter()
    assert write_tree(project, pages, {}, ["a-2020"], reporter) is None
    assert [d.format() for d in reporter.diagnostics] == [first]
    after = {p: (project / "build" / p).read_bytes() for p in files_under(project / "build")}
    assert after == before


def test_a_nav_without_an_articles_section_is_reported(project: Path) -> None:
    config = CONFIG.replace("  - Articles: []\n", "")
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    reporter = Reporter()
    assert write_tree(project, PAGES, {}, ["a-2020"], reporter) is None
    assert [d.format() for d in reporter.diagnostics] == [
        "mkdocs.yml:6: error: the nav has no 'Articles:' section for the article pages "
        "[nav-articles]"
    ]
    assert not (project / "build").exists()


def test_without_a_nav_the_tree_config_has_none(project: Path) -> None:
    (project / "mkdocs.yml").write_text("site_name: T\n", encoding="utf-8")
    config = write_tree(project, PAGES, {}, ["a-2020"], Reporter())
    assert config is not None
    assert "nav" not in yaml.safe_load(config.read_text(encoding="utf-8"))


PAGE = (
    '<!doctype html><html><head><meta charset="utf-8"><title>T</title></head><body>{}</body></html>'
)


def test_finish_gives_every_page_its_policy(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(PAGE.format("<p>x</p>"), encoding="utf-8")
    (tmp_path / "404.html").write_text(PAGE.format("<p>404</p>"), encoding="utf-8")
    extra = tmp_path.parent / f"{tmp_path.name}-extra"
    (extra / "downloads").mkdir(parents=True)
    (extra / "downloads" / "list.md").write_text("# list\n", encoding="utf-8")
    reporter = Reporter()
    assert finish_site(tmp_path, reporter, extra=extra) == 2 and not reporter.diagnostics
    for page in ("a/index.html", "404.html"):
        text = (tmp_path / page).read_text(encoding="utf-8")
        assert text == csp.apply_csp(text) and 'http-equiv="Content-Security-Policy"' in text
    assert (tmp_path / "downloads" / "list.md").read_text(encoding="utf-8") == "# list\n"


INDENTED = (
    "<!doctype html>\n<html>\n  <head>\n    <title>T</title>\n"
    '    <script type="application/json">[1]\n    </script>\n  </head>\n  <body>\n'
    '    <nav>\n      <a href="#x">one</a>\n      \n\t\n      <a href="#y">two</a>\n    </nav>\n'
    "    <p>A word\n      <em>and</em> more.</p>\n"
    "    <pre><code>@article{x,\n  title = {<b>T</b>},\n}</code></pre>\n"
    "    <textarea>\n   <i>as typed</i></textarea>\n    <p>inline <code>a\n   <b>b</b></code></p>\n"
    "  </body>\n</html>\n"
)


def test_finish_drops_the_indentation_before_tags_and_keeps_what_shows(
    tmp_path: Path,
) -> None:
    """The templates' indentation goes, and the spaces of blank lines; the text a reader
    sees, the lines, the scripts and every element that shows its white space stay as
    they were."""
    from csto_reader.publish.finish import without_indentation

    out = without_indentation(INDENTED)
    assert "\n  <" not in out.split("<pre>")[0].split("</script>")[1]
    assert out.count("\n") == INDENTED.count("\n")
    for verbatim in (
        '<script type="application/json">[1]\n    </script>',
        "<pre><code>@article{x,\n  title = {<b>T</b>},\n}</code></pre>",
        "<textarea>\n   <i>as typed</i></textarea>",
        "<code>a\n   <b>b</b></code>",
    ):
        assert verbatim in out
    assert '<nav>\n<a href="#x">one</a>\n\n\n<a href="#y">two</a>\n</nav>' in out
    assert "<p>A word\n<em>and</em> more.</p>" in out
    assert without_indentation(out) == out

    # as a reader sees it: the same words with the same spaces between them
    def shown(page: str) -> str:
        import lxml.html

        return " ".join(lxml.html.fromstring(page).find("body").text_content().split())

    assert shown(out) == shown(INDENTED)
    (tmp_path / "index.html").write_text(INDENTED, encoding="utf-8")
    assert finish_site(tmp_path, Reporter()) == 1
    assert csp.without_policy((tmp_path / "index.html").read_text("utf-8")) == out


def test_finish_refuses_an_inline_script_and_writes_nothing(tmp_path: Path) -> None:
    good = PAGE.format("<p>x</p>")
    (tmp_path / "good.html").write_text(good, encoding="utf-8")
    (tmp_path / "bad.html").write_text(PAGE.format("<script>alert(1)</script>"), "utf-8")
    reporter = Reporter()
    assert finish_site(tmp_path, reporter) == 0
    (line,) = [d.format() for d in reporter.diagnostics]
    assert line.startswith("bad.html:1: error: 1 inline script(s) that are not Material's own")
    assert line.endswith("[csp-inline-script]") and "alert(1)" in line
    assert (tmp_path / "good.html").read_text(encoding="utf-8") == good
