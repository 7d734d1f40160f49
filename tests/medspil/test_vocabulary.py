"""One vocabulary: roles and phase kinds are written only in ``medspil/vocabulary.py``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from medspil.scope import Scope
from medspil.vocabulary import AreaKind, Involvement, PhaseKind, Role, is_value

ROOT = Path(__file__).resolve().parents[2]
KERNEL_VOCABULARY = ROOT / "medspil" / "vocabulary.py"
# The words as a reader of the role file and the database sees them, written out by hand.
ROLE_WORDS = {"leder", "med", "admin", "analytiker", "sekretaer"}
PHASE_WORDS = {"ide", "konsekvensvurdering", "udvikling", "implementering", "drift"}
# "udvikling" is also the Udvikling page's URL path (the Danish word for trends), not a phase.
URL_PATH_USES = {("app.py", "udvikling"), ("pages/common/dashboard.py", "udvikling")}


def _product_files() -> list[Path]:
    files = [ROOT / "app.py"]
    for package in ("pages", "surveys", "analytics", "data", "medspil"):
        files += sorted((ROOT / package).rglob("*.py"))
    return [path for path in files if path != KERNEL_VOCABULARY]


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def vocabulary_literals(path: Path) -> list[tuple[int, str]]:
    """``(line, word)`` of every string literal in ``path`` that is a role or a phase kind."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value in ROLE_WORDS | PHASE_WORDS
        and id(node) not in skip
    ]


def test_no_role_or_phase_literal_outside_the_kernel() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {word!r}"
        for path in _product_files()
        for line, word in vocabulary_literals(path)
        if (str(path.relative_to(ROOT)), word) not in URL_PATH_USES
    ]
    assert found == []


def test_the_literal_check_sees_a_role_and_a_phase(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text('"""The leder module."""\nok = role == "leder" or kind in ("udvikling", "x")\n')
    assert vocabulary_literals(bad) == [(2, "leder"), (2, "udvikling")]


def test_the_enums_hold_the_stored_words() -> None:
    assert {str(role) for role in Role} == ROLE_WORDS
    assert [str(kind) for kind in PhaseKind] == [
        "ide",
        "konsekvensvurdering",
        "udvikling",
        "implementering",
        "drift",
    ]
    assert [str(level) for level in Involvement] == [
        "information",
        "medindflydelse",
        "medbestemmelse",
    ]
    assert {str(kind) for kind in AreaKind} == {"committee", "unit"}
    assert PhaseKind.UDVIKLING.position == 2


def test_a_member_equals_its_stored_text() -> None:
    assert Role.LEDER == "leder"
    assert {"udvikling": 1}[PhaseKind.UDVIKLING] == 1
    assert is_value(Involvement, "medbestemmelse")
    assert not is_value(Involvement, "Medbestemmelse")
    assert not is_value(Role, ["admin"])


def test_scope_turns_text_into_a_role() -> None:
    assert Scope(role="leder", unit_roots=frozenset({"A"})).role is Role.LEDER


def test_scope_refuses_an_unknown_role() -> None:
    with pytest.raises(ValueError, match="unknown role 'boss'"):
        Scope(role="boss", unit_roots=frozenset())
