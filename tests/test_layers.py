"""The tree is the architecture: imports flow pages -> surveys -> analytics/data, never back."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT_PACKAGES = {"app", "pages", "surveys", "analytics", "data", "medspil"}

# package -> project packages it may import
ALLOWED = {
    "medspil": {"medspil"},
    "analytics": {"analytics", "medspil"},
    "data": {"data", "medspil"},
    "surveys": {"surveys", "analytics", "data", "medspil"},
    # Pages reach storage only through the domain (surveys/), never data/ directly.
    "pages": {"pages", "surveys", "analytics", "medspil"},
    "app": {"pages", "surveys", "analytics", "medspil"},
}


def _modules() -> list[tuple[str, Path]]:
    found = [("app", ROOT / "app.py")]
    for package in ALLOWED:
        if package == "app":
            continue
        found += [(package, path) for path in sorted((ROOT / package).rglob("*.py"))]
    return found


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(("package", "path"), _modules(), ids=lambda x: str(x))
def test_imports_follow_the_layers(package: str, path: Path) -> None:
    imported = _imports(path)
    project = imported & PROJECT_PACKAGES
    assert project <= ALLOWED[package], f"{path} imports {project - ALLOWED[package]}"
    if package not in ("app", "pages"):
        assert "streamlit" not in imported, f"{path} imports streamlit outside app.py/pages/"
    if package != "data":
        assert "duckdb" not in imported, f"{path} imports duckdb outside data/"


def test_sql_lives_only_in_data() -> None:
    offenders = []
    for package, path in _modules():
        if package == "data":
            continue
        text = path.read_text(encoding="utf-8")
        if any(word in text for word in ("SELECT ", "INSERT INTO", "CREATE TABLE", "UPDATE ")):
            offenders.append(str(path))
    assert offenders == []


def test_the_layer_rule_catches_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import duckdb\nfrom surveys import demo\n")
    assert {"duckdb", "surveys"} <= _imports(bad)
