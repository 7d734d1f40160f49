"""The statistics are pure: numpy, pandas, scipy and plotly only; no database, no UI."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "analytics"
ALLOWED_THIRD_PARTY = {"numpy", "pandas", "scipy", "plotly"}
# The one kernel module the figures may use: numbers and dates in the reader's notation.
ALLOWED_KERNEL = {"medspil.formatting"}
MODULES = sorted(PACKAGE.rglob("*.py"))


def _top_level_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module if node.module in ALLOWED_KERNEL else node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_pure_imports(path: Path) -> None:
    foreign = _top_level_imports(path) - ALLOWED_THIRD_PARTY - ALLOWED_KERNEL - {"analytics"}
    foreign -= set(sys.stdlib_module_names)
    assert foreign == set(), f"{path.name} imports {foreign}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_module_opens_with_a_docstring(path: Path) -> None:
    assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))


def test_the_purity_check_sees_a_database_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import duckdb\nfrom streamlit import cache_data\nimport numpy\n")
    assert _top_level_imports(bad) - ALLOWED_THIRD_PARTY == {"duckdb", "streamlit"}
