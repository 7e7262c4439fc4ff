"""The package structure the README's "Architecture" section promises, computed from the source.

The import graph between the packages of `p2c` is read with `ast` from every module, counting every
import statement wherever it is (module level, inside functions, under `if TYPE_CHECKING:`), so an
import written inside a function to dodge a cycle still counts as the dependency it is.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "p2c"

# Packages every feature may use; they use no feature (DESIGN.md section 9).
FOUNDATIONS = {"core", "reference"}
# What each low package may import besides itself. `extensions` (the unbound Flask extensions) and
# `cli` (the command group) are top-level plumbing modules that import no feature themselves.
ALLOWED = {
    "core": {"extensions"},
    "reference": {"core", "extensions", "cli"},
    "rollups": {"core", "extensions"},  # the rollup tables: readers sit above, the writer in reporting
    "api": {"core", "reference", "extensions", "cli", "members"},  # plumbing below pledges; tokens name organizations
}
# The composition root: the factory and the modules that list every feature. No package imports them.
COMPOSITION_ROOT = {"p2c", "p2c.models"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imported_modules(source: str, module: str, is_package: bool) -> list[tuple[str, int]]:
    """Every module named by an import statement anywhere in `source`, with its line."""
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((target, node.lineno))
            # `from p2c import pledges` names a package through its parent.
            found.extend((f"{target}.{alias.name}", node.lineno) for alias in node.names)
    return found


def package_of(module: str) -> str | None:
    """The p2c package a module belongs to ("pledges"), the top-level module ("extensions"), or None."""
    parts = module.split(".")
    if parts[0] != "p2c":
        return None
    if len(parts) == 1:
        return "p2c"
    return parts[1]


def _known_modules() -> set[str]:
    return {module_name(p) for p in ROOT.rglob("*.py")}


def import_graph() -> dict[str, dict[str, list[str]]]:
    """{package: {imported package: ["file:line", ...]}} over p2c, from the source."""
    known = _known_modules()
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(ROOT.rglob("*.py")):
        module = module_name(path)
        source_package = package_of(module)
        for target, line in imported_modules(path.read_text(encoding="utf-8"), module, path.name == "__init__.py"):
            if target not in known:
                continue  # a name imported from a module (`from p2c.x import y` where y is a function)
            target_package = package_of(target)
            if target_package is None or target_package == source_package:
                continue
            if target in COMPOSITION_ROOT and module not in COMPOSITION_ROOT:
                target_package = target  # importing the factory or p2c.models is its own offence
            where = f"{path.relative_to(ROOT.parent)}:{line}"
            if where not in graph[source_package][target_package]:
                graph[source_package][target_package].append(where)
    return graph


def _packages() -> set[str]:
    return {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}


def cycles(graph: dict[str, dict[str, list[str]]], nodes: set[str]) -> list[list[str]]:
    """Strongly connected components of more than one package (Tarjan), restricted to `nodes`."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, {}):
            if w not in nodes:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return found


def _describe(graph, component: list[str]) -> str:
    lines = []
    for a in component:
        for b, where in sorted(graph[a].items()):
            if b in component:
                lines.append(f"  {a} -> {b}: {', '.join(where[:4])}")
    return "\n".join(lines)


def test_the_reader_sees_function_local_and_relative_imports():
    source = (
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from p2c.members.models import Organization\n"
        "def f():\n    from p2c.reporting import projection\n    import p2c.review.services\n"
        "from . import queries\nfrom ..core import audit\n"
    )
    names = {name for name, _line in imported_modules(source, "p2c.pledges.views", is_package=False)}
    assert {"p2c.members.models", "p2c.reporting", "p2c.reporting.projection", "p2c.review.services",
            "p2c.pledges.queries", "p2c.core", "p2c.core.audit"} <= names


def test_the_graph_is_read_from_the_real_source():
    graph = import_graph()
    # Known dependencies, one of them only inside a function: the graph is not empty by accident.
    assert "pledges" in graph["implementation"]
    assert "pledges" in graph["opendata"]  # opendata.queries imports p2c.pledges.queries inside a function
    assert {"core", "reference", "members", "pledges", "implementation", "reporting", "review"} <= _packages()


def test_no_import_loop_between_packages():
    graph = import_graph()
    found = cycles(graph, _packages())
    assert not found, "import loops between packages:\n" + "\n".join(_describe(graph, c) for c in found)


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_low_packages_import_only_what_is_below_them(package):
    graph = import_graph()
    extra = {b: where for b, where in graph[package].items() if b not in ALLOWED[package]}
    assert not extra, f"{package} imports {sorted(extra)}: " + "; ".join(w[0] for w in extra.values())


def test_core_and_reference_import_no_feature():
    graph = import_graph()
    features = _packages() - FOUNDATIONS
    for package in FOUNDATIONS:
        assert not features & set(graph[package]), f"{package} imports {sorted(features & set(graph[package]))}"


def test_no_package_imports_the_composition_root():
    graph = import_graph()
    offenders = {(a, b): w for a, deps in graph.items() for b, w in deps.items() if b in COMPOSITION_ROOT}
    assert not offenders, offenders


# Where commit()/rollback() may still be written, and why. Everything else (views, API handlers,
# services, queries) leaves the transaction to the unit of work (p2c/core/unit.py).
TRANSACTION_OWNERS = {
    "p2c/core/unit.py": "the unit of work itself",
    "p2c/core/errors.py": "the app's error handlers roll back what a failed request left",
    "p2c/core/mail.py": "the mail sender runs after the request's commit, in its own transactions",
    "p2c/core/bulk.py": "a savepoint around one COPY batch",
}
# Views that are named exceptions, (file, function): reason.
VIEW_EXCEPTIONS = {
    ("p2c/accounts/views.py", "login"): "failed attempts and lockout counters are committed before signing in "
                                        "(login belongs to the sec branch)",
    ("p2c/web/views.py", "readyz"): "a health probe writes nothing; it resets the session after a failed SELECT",
}


def transaction_calls() -> list[tuple[str, str, int]]:
    """(file, enclosing function, line) of every call named commit or rollback in p2c."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = str(path.relative_to(ROOT.parent))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Call):
                    name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                    if name in ("commit", "rollback"):
                        found.append((rel, function.name, node.lineno))
    return found


def test_views_and_api_handlers_leave_the_transaction_to_the_unit_of_work():
    calls = transaction_calls()
    assert calls, "the scan found no commit at all: it is not reading the source"
    offenders = []
    for rel, function, line in calls:
        if rel in TRANSACTION_OWNERS or (rel, function) in VIEW_EXCEPTIONS:
            continue
        if rel.endswith("/cli.py"):
            continue  # a command is its own unit of work
        offenders.append(f"{rel}:{line} in {function}()")
    assert not offenders, "commit()/rollback() outside the unit of work:\n" + "\n".join(sorted(set(offenders)))
