"""Page front matter: written by the YAML serializer, values escaped as HTML.

MkDocs' templates put a page's title and description into ``<title>``, the navigation,
the header, the footer and ``<meta>`` without escaping them, so the front matter is the
one place where source text must already be HTML.
"""

from __future__ import annotations

import re

import yaml

from conftest import ROOT
from csto_reader.markup import front_matter


def split_front_matter(page: str) -> dict:
    m = re.match(r"---\n(.*?\n)---\n", page, re.S)
    assert m, page[:200]
    data = yaml.safe_load(m.group(1))
    assert isinstance(data, dict)
    return data


def test_every_generated_page_has_front_matter_with_a_title(built) -> None:
    assert len(built.pages) >= 8
    for name, page in built.pages.items():
        data = split_front_matter(page)
        assert isinstance(data.get("title"), str) and data["title"], name


def test_article_titles_come_through_as_given(built) -> None:
    for b in built.articles:
        page = built.pages[f"articles/{b.article.meta.slug}.md"]
        assert split_front_matter(page)["title"] == b.article.meta.title.replace("&", "&amp;")


def test_markup_and_yaml_breakouts_stay_text() -> None:
    title = 'A <img src=x onerror=alert(1)> "quoted" \\x22 back\\slash\n---\nhide: [toc]'
    data = split_front_matter(front_matter(title, 'say "hi" & <b>bye</b>'))
    assert data == {
        "title": "A &lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot; \\x22 "
        "back\\slash --- hide: [toc]",
        "description": "say &quot;hi&quot; &amp; &lt;b&gt;bye&lt;/b&gt;",
    }


def test_extra_fields_are_kept() -> None:
    data = split_front_matter(front_matter("Home", hide=["navigation"]))
    assert data == {"title": "Home", "hide": ["navigation"]}


def test_no_stage_writes_front_matter_by_hand() -> None:
    """Only render.front_matter writes the '---' block of a page."""
    offenders = []
    for path in sorted((ROOT / "scripts" / "csto_reader").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"[\"']---\\n(title|hide|description)", text):
            offenders.append(f"{path.name}:{text[: m.start()].count(chr(10)) + 1}")
    assert offenders == []
