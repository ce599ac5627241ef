"""The code stays lint-clean, formatted, typed, and made of units a reader can hold.

* ``ruff check`` and ``ruff format --check`` (configured in pyproject.toml);
* mypy, strict on the modules pyproject.toml lists (the inter-stage types, the pipeline,
  the stage modules);
* no function over 60 lines or with a branch count (ruff's C901) over 15.  The
  functions over either limit today are listed below with their size: a listed one may
  only shrink, and must leave the list once it is within the limit (a ratchet); any
  other function over a limit fails.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

SOURCES = ["scripts", "tests", "benchmarks"]
MAX_LINES = 60
MAX_COMPLEXITY = 15

# "file:function" -> its length in lines today (methods as Class.method).
LONG_FUNCTIONS: dict[str, int] = {}
# "file:function" -> its branch count (ruff C901) today.
COMPLEX_FUNCTIONS: dict[str, int] = {}

# The stages' entry points in modules mypy does not check strictly yet: their
# signatures are the seams between stages, so every parameter and the result are typed.
# (pdf.py: WeasyPrint's layout boxes are untyped objects read by attribute.)
STAGE_ENTRY_POINTS = {
    "scripts/csto_reader/publish/pdf.py": ["build_pdfs"],
}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], capture_output=True, text=True, cwd=ROOT, check=False
    )


def test_ruff_check_is_clean() -> None:
    proc = run("ruff", "check", *SOURCES)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format_is_clean() -> None:
    proc = run("ruff", "format", "--check", *SOURCES)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_is_clean() -> None:
    proc = run("mypy")  # files and strictness from pyproject.toml
    assert proc.returncode == 0, proc.stdout + proc.stderr


def function_lengths() -> dict[str, int]:
    """ "file:Class.function" -> lines, for every function of the sources."""
    out: dict[str, int] = {}
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for qualname, node in _functions(tree, ""):
                assert node.end_lineno is not None
                out[f"{rel}:{qualname}"] = node.end_lineno - node.lineno + 1
    return out


def _functions(node: ast.AST, prefix: str) -> list[tuple[str, ast.AST]]:
    found: list[tuple[str, ast.AST]] = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            name = f"{prefix}{child.name}"
            if not isinstance(child, ast.ClassDef):
                found.append((name, child))
            found += _functions(child, f"{name}.")
        else:
            found += _functions(child, prefix)
    return found


def complexities() -> dict[str, int]:
    """ "file:function" -> branch count, for every function over the limit (ruff C901)."""
    proc = run(
        "ruff", "check", "--select", "C901", "--output-format", "json", "--exit-zero", *SOURCES
    )
    out: dict[str, int] = {}
    for item in json.loads(proc.stdout):
        name, count = re.fullmatch(
            r"`(.+)` is too complex \((\d+) > \d+\)", item["message"]
        ).groups()
        rel = Path(item["filename"]).resolve().relative_to(ROOT).as_posix()
        out[f"{rel}:{name}"] = int(count)
    return out


def ratchet(measured: dict[str, int], allowed: dict[str, int], limit: int) -> list[str]:
    problems = []
    for name, size in sorted(measured.items()):
        if size <= limit:
            continue
        if name not in allowed:
            problems.append(f"{name}: {size} (limit {limit})")
        elif size > allowed[name]:
            problems.append(f"{name}: grew to {size} (was {allowed[name]}; limit {limit})")
    for name in sorted(allowed):
        if measured.get(name, 0) <= limit:
            problems.append(f"{name}: now within the limit; remove it from the list")
    return problems


def test_no_function_is_longer_than_60_lines() -> None:
    assert ratchet(function_lengths(), LONG_FUNCTIONS, MAX_LINES) == []


def test_no_function_has_a_branch_count_over_15() -> None:
    assert ratchet(complexities(), COMPLEX_FUNCTIONS, MAX_COMPLEXITY) == []


def test_the_ratchet_catches_growth_new_offenders_and_stale_entries() -> None:
    allowed = {"a.py:f": 70, "a.py:g": 80}
    measured = {"a.py:f": 71, "a.py:g": 50, "a.py:h": 61, "a.py:i": 60}
    assert ratchet(measured, allowed, 60) == [
        "a.py:f: grew to 71 (was 70; limit 60)",
        "a.py:h: 61 (limit 60)",
        "a.py:g: now within the limit; remove it from the list",
    ]


def test_every_stage_module_is_checked_by_mypy() -> None:
    """Strictly (pyproject.toml's list), or its entry points annotated (listed above)."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    strict = set(re.findall(r'"(scripts/[^"]+\.py)"', pyproject.split("[tool.mypy]")[1]))
    package = ROOT / "scripts" / "csto_reader"
    stages = {
        p.relative_to(ROOT).as_posix()
        for folder in ("ingest", "scholarly", "publish")
        for p in (package / folder).glob("*.py")
        if p.name != "__init__.py"
    }
    core = {f"scripts/csto_reader/{m}.py" for m in ("model", "pipeline", "cli")}
    unchecked = sorted((stages | core) - strict - set(STAGE_ENTRY_POINTS))
    assert unchecked == []


def test_stage_entry_points_are_fully_annotated() -> None:
    missing = []
    for rel, names in STAGE_ENTRY_POINTS.items():
        tree = ast.parse((ROOT / rel).read_text(encoding="utf-8"))
        defs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
        for name in names:
            fn = defs.get(name)
            if fn is None:
                missing.append(f"{rel}:{name}: not found")
                continue
            args = fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs
            untyped = [a.arg for a in args if a.annotation is None]
            if untyped or fn.returns is None:
                missing.append(f"{rel}:{name}: untyped {untyped or 'result'}")
    assert missing == []
