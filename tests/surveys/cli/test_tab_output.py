"""The commands' tab-separated output is cleaned field by field (issue 12): a unit or a file
name with a tab, a line break or a terminal escape (stored before cleaning at the door began,
or a file named so on disk) neither shifts a column nor reaches the terminal as a control
character."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from data import open_database
from tests.surveys.cli.cli_support import medspil

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
# An id and a name as hostile as text gets: tab, line breaks, ANSI colour, a title-setting OSC.
EVIL_ID = "EVIL\tID\x1b[31m"
EVIL_NAME = "Rød\tenhed\r\nlinje 2\x1b]0;overtaget\x07\x0b"
EVIL_FILE = "puls\tfil\x1b[2J.csv"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@pytest.fixture
def hostile(demo_copy: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The demo with a hostile unit inside the project, and an answers file for that unit
    under a hostile file name."""
    db = open_database(demo_copy)
    with db.cursor() as cur:  # as stored by a version that did not clean names yet
        cur.execute(
            "INSERT INTO units (id, parent_id, name, unit_type, headcount) VALUES (?, ?, ?, ?, ?)",
            [EVIL_ID, "NORD-SOLHOJ", EVIL_NAME, "team", 8],
        )
    db.close()
    rows = (CORPUS / "partners" / "answers-long.csv").read_text(encoding="utf-8")
    answers = tmp_path / EVIL_FILE
    answers.write_text(rows.replace("NORD-SOLHOJ", '"' + EVIL_ID + '"'), encoding="utf-8")
    return demo_copy, answers


def _tab_lines(out: str) -> list[str]:
    assert not CONTROL.search(out.replace("\t", "").replace("\n", "")), repr(out)
    return [row for row in out.split("\n") if "\t" in row]


def test_list_keeps_four_columns_for_a_hostile_unit(hostile: tuple[Path, Path]) -> None:
    db, _ = hostile
    result = medspil("list", "--db", str(db))
    assert result.returncode == 0, result.stderr
    lines = _tab_lines(result.stdout)
    assert {row.count("\t") for row in lines} == {3}
    (evil,) = [row for row in lines if row.startswith("unit\tEVIL")]
    assert evil == "unit\tEVIL ID[31m\tRød enhed linje 2]0;overtaget\tNORD-SOLHOJ"


def test_import_preview_list_and_removal_print_clean_fields(hostile: tuple[Path, Path]) -> None:
    db, answers = hostile
    mapping = str(CORPUS / "partners" / "mapping-long.toml")
    preview = medspil("import-responses", str(answers), "--mapping", mapping, "--db", str(db))
    assert preview.returncode == 0, preview.stderr
    for out in (preview.stdout, preview.stderr):
        assert not CONTROL.search(out.replace("\t", "").replace("\n", "")), repr(out)
    table = _tab_lines(preview.stdout)
    assert len({row.count("\t") for row in table}) == 1  # every row as wide as the header
    assert any(row.split("\t")[1] == "EVIL ID[31m" for row in table[1:])
    assert "puls fil[2J.csv" in preview.stdout  # the summary names the file, cleaned

    listing = medspil("imports", "--db", str(db))
    lines = _tab_lines(listing.stdout)
    assert len(lines) == 2 and lines[0].count("\t") == lines[1].count("\t")
    assert "puls fil[2J.csv" in lines[1].split("\t")

    removed = medspil("remove-import", lines[1].split("\t")[0], "--db", str(db))
    assert removed.returncode == 0
    assert "puls fil[2J.csv" in removed.stderr and not CONTROL.search(removed.stderr[:-1])


def test_an_error_quoting_a_hostile_value_reaches_the_terminal_clean(
    hostile: tuple[Path, Path], tmp_path: Path
) -> None:
    """A rejected value from the file is quoted in the message without its escape sequences."""
    db, _ = hostile
    rows = (CORPUS / "partners" / "answers-long.csv").read_text(encoding="utf-8")
    answers = tmp_path / "answers.csv"
    answers.write_text(rows.replace(",4\n", ",\x1b[2J\x1b]0;x\x07\n", 1), encoding="utf-8")
    mapping = str(CORPUS / "partners" / "mapping-long.toml")
    result = medspil("import-responses", str(answers), "--mapping", mapping, "--db", str(db))
    assert result.returncode == 2
    assert "koden »[2J]0;x«" in result.stderr
    assert not CONTROL.search(result.stderr.replace("\n", ""))
