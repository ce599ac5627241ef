"""Try Zensical, Material's successor, on the reader's generated tree; record what works.

    .venv/bin/python benchmarks/zensical.py [--version 0.1.1]

Not part of `make test`.  Steps, each recorded with its outcome:

1. a virtualenv of its own (``build/venv-zensical``, git-ignored), so that nothing of
   ``.venv`` changes;
2. ``pip install zensical==VERSION`` with the Markdown stack pinned as in
   requirements.txt; if that fails, the same with ``--no-deps`` and Zensical's declared
   dependencies one by one, to see how far it gets;
3. ``python -m csto_reader build``: the generated tree (``build/docs/``,
   ``build/mkdocs.yml``);
4. ``zensical build -f build/mkdocs.yml`` (Zensical reads ``mkdocs.yml`` files);
5. if it built: which article pages exist, whether they carry the ¶ anchors, the notes
   and the header, and whether the nav lists the articles.

The findings replace the "Zensical" section of ``benchmarks/RESULTS.md``;
``docs/PLATFORM.md`` draws the plan from them.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import results_file  # benchmarks/results_file.py (this script's folder is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
SECTION = "Zensical (benchmarks/zensical.py)"
VENV = ROOT / "build" / "venv-zensical"
# The Markdown stack of requirements.txt, so that only the engine differs.
PINS = ["Markdown==3.11.3", "Jinja2==3.1.6", "Pygments==2.21.0", "pymdown-extensions==13.1",
        "PyYAML==6.0.3"]  # fmt: skip
SLUGS = sorted(p.name for p in (ROOT / "sources").iterdir() if (p / "article.txt").is_file())


def run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "scripts")}
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, **kwargs
    )  # type: ignore[call-overload]


def last_error(proc: subprocess.CompletedProcess[str]) -> str:
    """The last line of the output that says what failed (pip's warnings about index
    locations left out)."""
    lines = [
        " ".join(line.split())
        for line in (proc.stdout + proc.stderr).splitlines()
        if line.strip() and "is ignored: it is neither a file nor a directory" not in line
    ]
    said = [line for line in lines if re.search(r"error|Error|not found|No module", line)]
    return (said or lines or ["no output"])[-1][:300]


def install(version: str, findings: list[tuple[str, str, str]]) -> Path | None:
    """Make the venv and install Zensical; return its ``zensical`` program or None."""
    if not (VENV / "bin" / "python").exists():
        run([sys.executable, "-m", "venv", str(VENV)])
    pip = [str(VENV / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check"]
    proc = run([*pip, f"zensical=={version}", *PINS])
    if proc.returncode == 0:
        findings.append(("install", "works", f"`pip install zensical=={version}`"))
        return VENV / "bin" / "zensical"
    findings.append(("install", "fails", f"`pip install zensical=={version}`: {last_error(proc)}"))
    proc = run([*pip, "--no-deps", f"zensical=={version}"])
    deps = run([*pip, *PINS, "click", "pathspec", "tomli"])
    if proc.returncode != 0 or deps.returncode != 0:
        findings.append(
            ("install --no-deps", "fails", last_error(proc if proc.returncode else deps))
        )
        return None
    findings.append(("install --no-deps", "works", "Zensical alone, its other dependencies"))
    return VENV / "bin" / "zensical"


def inspect(site: Path, findings: list[tuple[str, str, str]]) -> None:
    """What of the reader a Zensical build holds."""
    pages = {slug: site / "articles" / slug / "index.html" for slug in SLUGS}
    present = [slug for slug, page in pages.items() if page.is_file()]
    findings.append(("article pages", "works" if len(present) == len(SLUGS) else "fails",
                     f"{len(present)} of {len(SLUGS)}"))  # fmt: skip
    if not present:
        return
    text = pages[present[0]].read_text(encoding="utf-8")
    for what, needle in [("¶ anchors", 'id="p1"'), ("notes linked both ways", 'href="#fnref:'),
                         ("¶ numbers (raw HTML)", "class=\"pnum"), ("nav lists the articles",
                         f"articles/{present[-1]}/")]:  # fmt: skip
        findings.append((what, "works" if needle in text else "fails", f"`{needle}`"))


def try_zensical(version: str) -> list[tuple[str, str, str]]:
    findings: list[tuple[str, str, str]] = []
    program = install(version, findings)
    tree = run([sys.executable, "-m", "csto_reader", "build"])
    findings.append(("generated tree", "works" if tree.returncode == 0 else "fails",
                     "`python -m csto_reader build`"))  # fmt: skip
    if program is None or tree.returncode != 0:
        return findings
    site = ROOT / "site"  # build/mkdocs.yml names ../site; keep the real one aside
    kept = ROOT / "site.zensical-kept"
    if site.exists():
        site.rename(kept)
    try:
        proc = run([str(program), "build", "-f", "build/mkdocs.yml"])
        findings.append(("zensical build -f build/mkdocs.yml",
                         "works" if proc.returncode == 0 else "fails",
                         "built" if proc.returncode == 0 else last_error(proc)))  # fmt: skip
        if proc.returncode == 0:
            inspect(site, findings)
    finally:
        if kept.exists():
            shutil.rmtree(site, ignore_errors=True)
            kept.rename(site)
    return findings


def section(version: str, findings: list[tuple[str, str, str]]) -> str:
    lines = [
        f"## {SECTION}",
        "",
        f"Tried {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"(Python {platform.python_version()}), Zensical {version} from PyPI, in "
        "`build/venv-zensical`, on the tree `python -m csto_reader build` writes.",
        "",
        "| step | outcome | detail |",
        "| --- | --- | --- |",
        *[
            f"| {step} | {outcome} | {detail.replace('|', '/')} |"
            for step, outcome, detail in findings
        ],
        "",
        "What follows for the platform: `docs/PLATFORM.md`.",
    ]
    return "\n".join(lines)


def record(text: str) -> None:
    """Replace (or add) this script's section of RESULTS.md."""
    results_file.record(SECTION, text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", default="0.1.1", help="the Zensical release to try")
    args = parser.parse_args(argv)
    findings = try_zensical(args.version)
    text = section(args.version, findings)
    print(text)
    record(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
