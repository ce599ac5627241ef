"""The package's layers: core < ingest < scholarly < publish < pipeline and cli.

Every import of every module (those inside functions too) is read with ``ast``; a module
may import only from its own layer or a lower one, and no chain of imports comes back
to where it started.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "scripts" / "csto_reader"
CORE = {"model", "codes", "diagnostics", "yamlfile", "textcheck", "markup", "workers"}
LAYERS = {"ingest": 1, "scholarly": 2, "publish": 3}
TOP = {"pipeline", "cli", "__main__", "check"}


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> int:
    """0 core, 1 ingest, 2 scholarly, 3 publish, 4 pipeline and cli."""
    parts = module.split(".")[1:]
    if not parts or parts[0] in CORE:
        return 0
    if parts[0] in TOP:
        return 4
    return LAYERS[parts[0]]


def imports(module: str) -> set[str]:
    """The package's modules that ``module`` imports, anywhere in its text."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in MODULES)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in MODULES else base)
    return {m for m in found if m in MODULES and m != module}


GRAPH = {m: imports(m) for m in MODULES}


def test_the_import_reader_sees_the_known_imports() -> None:
    assert "csto_reader.ingest.sources" in GRAPH["csto_reader.pipeline"]
    assert "csto_reader.yamlfile" in GRAPH["csto_reader.ingest.sources"]  # from .. import x
    assert "csto_reader.markup" in GRAPH["csto_reader.publish.render"]


def test_no_module_imports_from_a_higher_layer() -> None:
    upward = [
        f"{m} (layer {layer(m)}) imports {dep} (layer {layer(dep)})"
        for m, deps in GRAPH.items()
        for dep in sorted(deps)
        if layer(dep) > layer(m)
    ]
    assert upward == []


def test_no_import_circle() -> None:
    circles: list[str] = []
    done: set[str] = set()

    def visit(m: str, path: list[str]) -> None:
        if m in path:
            circles.append(" -> ".join(path[path.index(m) :] + [m]))
            return
        if m in done:
            return
        for dep in sorted(GRAPH[m]):
            visit(dep, path + [m])
        done.add(m)

    for m in sorted(GRAPH):
        visit(m, [])
    assert circles == []
