"""Helpers for tests: turn generated Markdown into HTML and into plain words."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

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


def mkdocs_build(
    project: Path, out: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of ``project`` into ``out``, as `make site` runs it."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)],
        cwd=project,
        capture_output=True,
        text=True,
        env=env or {**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=600,
    )
