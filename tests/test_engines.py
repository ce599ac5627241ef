"""The generated tree renders the same with MkDocs 1.6.1 and with ProperDocs.

``python -m csto_reader build`` writes the generated tree (``build/docs/``,
``build/mkdocs.yml``); any MkDocs-compatible engine must render it into the same reader.
The session's site (``site_dir``: MkDocs, then ``finish``) is compared with the same tree
rendered by ProperDocs, the maintained fork of MkDocs 1.x, from its own virtualenv
(``.venv-properdocs``, made by ``make setup`` from ``requirements-properdocs.txt``), then
finished the same way.  On every article page the main content (``<article
class="md-content__inner">``: its text, every id and every link) must be identical, and
the set of files of the two sites too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT, SLUGS

PROPERDOCS_PY = ROOT / ".venv-properdocs" / "bin" / "python"


class MainContent(HTMLParser):
    """The text, ids and links of a page's ``<article class="md-content__inner">``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # open elements inside the article (0: outside)
        self.text: list[str] = []
        self.ids: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        inside = self.depth > 0
        if not inside and tag == "article" and "md-content__inner" in (values.get("class") or ""):
            self.depth = 1
        elif inside and tag not in {"br", "img", "hr", "input", "meta", "link", "wbr"}:
            self.depth += 1
        if self.depth:
            if values.get("id"):
                self.ids.append(values["id"] or "")
            if values.get("href") is not None:
                self.links.append(values["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text.append(data)


def main_content(page: Path) -> tuple[str, list[str], list[str]]:
    parser = MainContent()
    parser.feed(page.read_text(encoding="utf-8"))
    return " ".join("".join(parser.text).split()), parser.ids, parser.links


@pytest.fixture(scope="module")
def properdocs_site(site_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tree the session's site was rendered from, written again (a test building
    with SITE_URL rewrites it), rendered by ProperDocs and finished."""
    if not PROPERDOCS_PY.exists():
        pytest.fail(f"{PROPERDOCS_PY} is missing: `make setup` creates it")
    out = tmp_path_factory.mktemp("properdocs") / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "scripts")}
    env.pop("SITE_URL", None)  # the session's site is built without one
    for command in (
        [sys.executable, "-m", "csto_reader", "build"],  # another test may have rewritten it
        [str(PROPERDOCS_PY), "-m", "properdocs", "build", "--strict", "-q",
         "-f", "build/mkdocs.yml", "-d", str(out)],
        [sys.executable, "-m", "csto_reader", "finish", "--site", str(out)],
    ):  # fmt: skip
        proc = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def test_properdocs_is_the_fork_it_should_be() -> None:
    proc = subprocess.run(
        [str(PROPERDOCS_PY), "-m", "properdocs", "--version"], capture_output=True, text=True
    )
    assert proc.returncode == 0 and "1.6.7" in proc.stdout, proc.stdout + proc.stderr


def test_both_engines_make_the_same_files(site_dir: Path, properdocs_site: Path) -> None:
    def files(site: Path) -> set[str]:
        return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}

    assert files(site_dir) == files(properdocs_site)


@pytest.mark.parametrize("slug", SLUGS)
def test_an_article_page_is_the_same_with_both_engines(
    site_dir: Path, properdocs_site: Path, slug: str
) -> None:
    mkdocs_page = site_dir / "articles" / slug / "index.html"
    properdocs_page = properdocs_site / "articles" / slug / "index.html"
    text, ids, links = main_content(mkdocs_page)
    assert len(text) > 5_000 and len(ids) > 10 and len(links) > 20  # the article is there
    assert main_content(properdocs_page) == (text, ids, links)
    # Only the generator tag may tell the engines apart; the policy was applied to both.
    for page in (mkdocs_page, properdocs_page):
        assert 'http-equiv="Content-Security-Policy"' in page.read_text(encoding="utf-8")
