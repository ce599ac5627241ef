"""Helpers for tests: turn generated Markdown into HTML and into plain words."""

from __future__ import annotations

import html
import re

import markdown

EXTENSIONS = ["attr_list", "md_in_html", "toc", "tables", "abbr", "footnotes"]


def to_html(md_text: str) -> str:
    body = re.sub(r"^---\n.*?\n---\n", "", md_text, flags=re.S)
    return markdown.markdown(body, extensions=EXTENSIONS)


def visible_text(page_html: str) -> str:
    """The text a reader sees (tags dropped, entities decoded)."""
    text = re.sub(r"<[^>]+>", " ", page_html)
    return html.unescape(text)


def words(text: str) -> list[str]:
    """Word tokens; superscript digits count as digits."""
    sup = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
    text = text.translate(sup)
    return re.findall(r"[^\W_]+", text)
