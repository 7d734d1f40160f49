"""The text catalogues: same keys in Danish and English, and placeholders that match."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from medspil.i18n import catalogue, t


def test_both_languages_have_the_same_keys() -> None:
    assert set(catalogue("da")) == set(catalogue("en"))


def test_placeholders_match_between_languages() -> None:
    english = catalogue("en")
    for key, text in catalogue("da").items():
        assert set(re.findall(r"{(\w+)}", text)) == set(re.findall(r"{(\w+)}", english[key])), key


def test_lookup_fills_parameters_and_rejects_unknown_language() -> None:
    assert "Koden" in t("error.code_used", "da")
    assert t("error.unknown_project", "en", project="x").startswith("The project 'x'")
    with pytest.raises(ValueError):
        catalogue("sv")


ROOT = Path(__file__).resolve().parents[1]
KEY = re.compile(r"[a-z_]+(\.[a-z0-9_]+)+")
# In the snapshot modules, tr("s_phases") and tr.t("c_wave") mean "snapshot.s_phases" etc.
SNAPSHOT_FOLDER = ROOT / "surveys" / "snapshots"


def _product_files() -> list[Path]:
    files = [ROOT / "app.py"]
    for package in ("pages", "surveys", "analytics", "data", "medspil"):
        files += sorted((ROOT / package).rglob("*.py"))
    return files


def keys_used(path: Path, sections: set[str]) -> set[str]:
    """The catalogue keys written out in ``path``: every literal ``section.key`` of a catalogue
    section, and in the snapshot modules the short keys passed to ``tr(...)``/``tr.t(...)``.
    Keys built at run time (``f"phase.{kind}"``) cannot be read here."""
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    in_f_strings = {
        id(part)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for part in node.values
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in in_f_strings:
                continue
            if KEY.fullmatch(node.value) and node.value.split(".")[0] in sections:
                found.add(node.value)
        elif (
            path.parent == SNAPSHOT_FOLDER
            and isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and re.fullmatch(r"[a-z0-9_]+", node.args[0].value)
            and (
                (isinstance(node.func, ast.Name) and node.func.id == "tr")
                or (isinstance(node.func, ast.Attribute) and node.func.attr in ("t", "tr"))
            )
        ):
            found.add(f"snapshot.{node.args[0].value}")
    return found


def test_every_key_used_in_the_code_is_in_both_catalogues() -> None:
    sections = {key.split(".")[0] for key in catalogue("da")}
    missing = [
        f"{path.relative_to(ROOT)}: {key} ({lang})"
        for path in _product_files()
        for key in sorted(keys_used(path, sections))
        for lang in ("da", "en")
        if key not in catalogue(lang)
    ]
    assert missing == []


def test_the_key_check_reads_literal_and_snapshot_keys(tmp_path: Path) -> None:
    code = 't("error.code_used", lang)\nx = "surveys.cli"\ny = t(f"error.{name}")\n'
    (tmp_path / "a.py").write_text(code)
    assert keys_used(tmp_path / "a.py", {"error"}) == {"error.code_used"}
