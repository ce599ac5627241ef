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


def site_steps(out: Path, *, separate: bool = False) -> list[list[str]]:
    """The commands of `make site` up to ``finish``, run from the project root: the
    pipeline writes the generated tree, MkDocs renders it with no hook, ``finish`` checks
    the pages and gives them their policy.  The Makefile runs the three in one process
    (``build --render``); ``separate``: as three commands (as with another engine)."""
    if not separate:
        return [[sys.executable, "-m", "csto_reader", "build", "--render", str(out.resolve()),
                 "--quiet"]]  # fmt: skip
    return [
        [sys.executable, "-m", "csto_reader", "build"],
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", "build/mkdocs.yml",
         "-d", str(out.resolve())],
        [sys.executable, "-m", "csto_reader", "finish", "--site", str(out.resolve())],
    ]  # fmt: skip


def mkdocs_build(
    project: Path, out: Path, env: dict[str, str] | None = None, *, separate: bool = False
) -> subprocess.CompletedProcess[str]:
    """Build the site of ``project`` into ``out`` as `make site` does up to ``finish``
    (``site_steps``); stop at the first step that fails.  The result holds every step's
    output and the first failing status."""
    env = env or {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    scripts = str(Path(__file__).resolve().parents[1] / "scripts")
    env = {**env, "PYTHONPATH": os.pathsep.join(filter(None, [scripts, env.get("PYTHONPATH")]))}
    stdout, stderr = [], []
    result = subprocess.CompletedProcess(args=[], returncode=0)
    for command in site_steps(out, separate=separate):
        step = subprocess.run(
            command, cwd=project, capture_output=True, text=True, env=env, timeout=600
        )
        stdout.append(step.stdout)
        stderr.append(step.stderr)
        result = step
        if step.returncode != 0:
            break
    return subprocess.CompletedProcess(
        result.args, result.returncode, "".join(stdout), "".join(stderr)
    )
