"""Find every diagnostic code the package's source can emit, by reading its syntax tree.

A code reaches the sink through a call that names it: ``reporter.error/warning/note``
(the code is the third argument), ``reporter.report`` (the fourth), the YAML loader's
``load``/``parse``/``read_text`` (the fourth, or ``duplicate_code=``) and ``Typed``
(the third, or ``unknown_code=``/``missing_code=``; also through ``super().__init__``
of a subclass).  The code argument is resolved when it is a string, a module constant
(also one imported from another module of the package), a local variable assigned in
the same function, or a conditional of those.  A parameter or an attribute
(``self.code``) passes on a code named at the call site, which the scan sees there.
What stays unresolved (f-strings, other expressions) is returned as a dynamic site for
the test to match against its hand-written list.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
PACKAGE = SCRIPTS / "csto_reader"
HOOKS = SCRIPTS / "mkdocs_hooks.py"  # the MkDocs hooks report through the sink too

# callee name -> (position of the code argument, keyword names, severity)
_SEVERITY_CALLS = {"error": "error", "warning": "warning", "note": "note"}
_LOADER_CALLS = {
    "load": (3, ("code", "duplicate_code")),
    "parse": (3, ("code", "duplicate_code")),
    "read_text": (3, ("code",)),
    "Typed": (2, ("code", "unknown_code", "missing_code")),
    "_diagnostic": (2, ("code",)),  # mkdocs_hooks: an error line for a PluginError
}


@dataclass
class Scan:
    codes: dict[str, set[str]] = field(default_factory=dict)  # code -> severities
    where: dict[str, set[str]] = field(default_factory=dict)  # code -> {"file:line"}
    stages: dict[str, set[str]] = field(default_factory=dict)  # code -> {module reporting}
    # (file, source of the code argument) -> (severity, sites) of what stayed unresolved
    dynamic: dict[tuple[str, str], tuple[str, list[str]]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # file -> source text

    def add(self, code: str, severity: str, site: str, stage: str) -> None:
        self.codes.setdefault(code, set()).add(severity)
        self.where.setdefault(code, set()).add(site)
        self.stages.setdefault(code, set()).add(stage)


def _module_name(path: Path) -> str:
    rel = path.relative_to(SCRIPTS).with_suffix("")
    return ".".join(rel.parts)


def stage_of(module: str) -> str:
    """The registry's name of a module: ``csto_reader.ingest.sources`` -> ``ingest.sources``."""
    return module.removeprefix("csto_reader.")


def _constants(tree: ast.Module) -> dict[str, ast.expr]:
    out: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                out[target.id] = node.value
    return out


def _imports(tree: ast.Module, module: str) -> dict[str, tuple[str, str]]:
    """Local name -> (module, name) for ``from .x import NAME`` inside the package."""
    out: dict[str, tuple[str, str]] = {}
    package = module.rsplit(".", 1)[0]
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            source = f"{base}.{node.module}" if node.module else base
            for alias in node.names:
                out[alias.asname or alias.name] = (source, alias.name)
    return out


class _Module:
    def __init__(self, path: Path, modules: dict[str, _Module]) -> None:
        self.path = path
        self.name = _module_name(path)
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        self.constants = _constants(self.tree)
        self.imports = _imports(self.tree, self.name)
        self.modules = modules
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                child.parent = node  # type: ignore[attr-defined]

    def site(self, node: ast.AST) -> str:
        return f"{self.rel}:{getattr(node, 'lineno', 0)}"

    @property
    def rel(self) -> str:
        """The path shown for this module: relative to the package, or the hooks' name."""
        if self.path.is_relative_to(PACKAGE):
            return self.path.relative_to(PACKAGE).as_posix()
        return self.path.name

    def resolve(self, expr: ast.expr | None, at: ast.AST) -> set[str] | None:
        """The code strings ``expr`` can be; ``set()`` for a pass-through, ``None`` when
        it cannot be resolved."""
        if expr is None:
            return set()
        if isinstance(expr, ast.Constant):
            return {expr.value} if isinstance(expr.value, str) else set()
        if isinstance(expr, ast.IfExp):
            return self._union(self.resolve(expr.body, at), self.resolve(expr.orelse, at))
        if isinstance(expr, ast.BoolOp):
            parts = [self.resolve(v, at) for v in expr.values]
            return None if None in parts else set().union(*parts)  # type: ignore[arg-type]
        if isinstance(expr, ast.Attribute):
            return set()  # self.code: named where the object was made
        if isinstance(expr, ast.Name):
            return self._name(expr.id, at)
        return None

    @staticmethod
    def _union(a: set[str] | None, b: set[str] | None) -> set[str] | None:
        return None if a is None or b is None else a | b

    def _name(self, name: str, at: ast.AST) -> set[str] | None:
        function = _enclosing_function(at)
        if function is not None:
            args = function.args
            params = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
            if name in params:
                return set()  # passed in: named at the call site
            assigned = _local_assignments(function, name)
            if assigned:
                parts = [self.resolve(v, v) for v in assigned]
                return None if None in parts else set().union(*parts)  # type: ignore[arg-type]
        if name in self.constants:
            return self.resolve(self.constants[name], self.constants[name])
        if name in self.imports:
            module, original = self.imports[name]
            other = self.modules.get(module)
            if other is not None and original in other.constants:
                return other.resolve(other.constants[original], other.constants[original])
        return None


def _enclosing_function(node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    while node is not None:
        node = getattr(node, "parent", None)  # type: ignore[assignment]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return node
    return None


def _local_assignments(function: ast.AST, name: str) -> list[ast.expr]:
    out = []
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            if any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
                out.append(node.value)
        elif isinstance(node, ast.AnnAssign | ast.NamedExpr):
            if isinstance(node.target, ast.Name) and node.target.id == name and node.value:
                out.append(node.value)
    return out


def _callee(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _code_arguments(call: ast.Call, module: _Module) -> tuple[list[ast.expr | None], str] | None:
    """The expressions that name codes in ``call`` and the severity they are emitted at."""
    name = _callee(call)
    starred = [a for a in call.args if isinstance(a, ast.Starred)]
    if name in {*_SEVERITY_CALLS, "report", "Diagnostic"} and starred:
        return [starred[0]], _SEVERITY_CALLS.get(name or "", "dynamic")
    if name in _SEVERITY_CALLS and len(call.args) >= 2:
        kw = [k.value for k in call.keywords if k.arg == "code"]
        args = call.args[2:3] + kw
        return (args or [None]), _SEVERITY_CALLS[name]
    if name in ("report", "Diagnostic") and len(call.args) >= 4:
        severity = call.args[1]
        shown = "dynamic"
        if isinstance(severity, ast.Name):
            shown = severity.id.lower()
        elif isinstance(severity, ast.Constant):
            shown = str(severity.value)
        return [call.args[3]], shown
    if name == "__init__" and _in_typed_subclass(call):
        name = "Typed"
    if name in _LOADER_CALLS:
        position, keywords = _LOADER_CALLS[name]
        args = call.args[position : position + 1]
        args += [k.value for k in call.keywords if k.arg in keywords]
        return args, "error"
    return None


def _in_typed_subclass(call: ast.Call) -> bool:
    node: ast.AST | None = call
    while node is not None and not isinstance(node, ast.ClassDef):
        node = getattr(node, "parent", None)
    return isinstance(node, ast.ClassDef) and any(
        isinstance(b, ast.Name) and b.id == "Typed" for b in node.bases
    )


def modules() -> dict[str, _Module]:
    """Every module of the package and the hooks file, by dotted name."""
    out: dict[str, _Module] = {}
    for path in [*sorted(PACKAGE.rglob("*.py")), HOOKS]:
        module = _Module(path, out)
        out[module.name] = module
    return out


def scan() -> Scan:
    result = Scan()
    for module in modules().values():
        result.texts[module.rel] = module.path.read_text(encoding="utf-8")
        if module.name == "csto_reader.diagnostics":
            continue  # the sink itself passes codes on
        for node in ast.walk(module.tree):
            found = _code_arguments(node, module) if isinstance(node, ast.Call) else None
            for arg in found[0] if found else ():
                _record(result, module, node, arg, found[1])  # type: ignore[index]
    return result


def _record(result: Scan, module: _Module, call: ast.AST, arg: ast.expr | None, severity: str):
    codes = module.resolve(arg, call)
    site = module.site(call)
    if codes is None:
        key = (module.rel, ast.unparse(arg))  # type: ignore[arg-type]
        result.dynamic.setdefault(key, (severity, []))[1].append(site)
    for code in codes or ():
        result.add(code, severity, site, stage_of(module.name))


if __name__ == "__main__":
    found = scan()
    for code in sorted(found.codes):
        print(code, sorted(found.codes[code]), sorted(found.where[code])[0])
    for key, (severity, sites) in found.dynamic.items():
        print("DYNAMIC", key, severity, sites)
