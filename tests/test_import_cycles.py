"""No import cycles anywhere in the product, counting imports hidden inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("pages", "surveys", "analytics", "data", "medspil")


def product_modules(root: Path = ROOT) -> dict[str, Path]:
    """Dotted module name -> file, for ``app.py`` and every module of the product packages."""
    paths = [root / "app.py"] if (root / "app.py").exists() else []
    for package in PACKAGES:
        paths += sorted((root / package).rglob("*.py"))
    modules = {}
    for path in paths:
        parts = list(path.relative_to(root).with_suffix("").parts)
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the product modules it imports (at any depth of the file, functions included).

    ``from package import name`` points at ``package.name`` when that is a module, else at the
    package itself.
    """
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    targets.add(full if full in modules else node.module)
        graph[name] = {target for target in targets if target in modules and target != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_the_product_has_no_import_cycle() -> None:
    assert cycles(import_graph(product_modules())) == []


def test_a_cycle_hidden_in_a_function_is_found(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "__init__.py").write_text("")
    (tmp_path / "data" / "db.py").write_text("def open():\n    from data.migrations import m\n")
    (tmp_path / "data" / "migrations.py").write_text("from data.db import open\n")
    (tmp_path / "data" / "org.py").write_text("from data import db\n")
    modules = product_modules(tmp_path)
    assert cycles(import_graph(modules)) == [["data.db", "data.migrations"]]
