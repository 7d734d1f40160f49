"""The medspil command line: outputs, refusals and plain errors (in this process; the lock and
the listing also as a real process)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.surveys.cli.cli_support import medspil, medspil_process

ROOT = Path(__file__).resolve().parents[3]


def test_list_prints_one_tab_separated_line_per_project_and_unit(demo_copy: Path) -> None:
    result = medspil_process("list", "--db", str(demo_copy))
    assert result.returncode == 0, result.stderr
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert all(len(fields) == 4 for fields in lines)
    projects = {fields[1]: fields for fields in lines if fields[0] == "project"}
    units = {fields[1]: fields for fields in lines if fields[0] == "unit"}
    assert set(projects) == {"medicin", "sensorer", "byggesag"}
    assert projects["medicin"][2] == "Digital medicinhåndtering på plejecentre"
    assert projects["medicin"][3].isdigit()
    assert units["K"][3] == "-"
    assert units["NORD-NAT"][3] == "AELDRE-NORD"


def test_list_prints_stored_names_without_control_characters(demo_copy: Path) -> None:
    """Issue 12, item 2: a name stored before cleaning began cannot break a line or send an
    escape sequence to the terminal."""
    from data import open_database

    db = open_database(demo_copy)
    with db.transaction() as cur:
        cur.execute("UPDATE units SET name = ? WHERE id = 'K'", ["Fjord\tby\n\x1b[2JKommune"])
    db.close()
    result = medspil("list", "--db", str(demo_copy))
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert all(len(fields) == 4 for fields in lines)
    assert ["unit", "K", "Fjord by [2JKommune", "-"] in lines


def test_init_and_demo_refuse_to_overwrite_without_force(demo_copy: Path) -> None:
    before = demo_copy.read_bytes()
    for command in ("init", "demo"):
        result = medspil(command, "--db", str(demo_copy))
        assert result.returncode == 2
        assert "findes allerede" in result.stderr and "--force" in result.stderr
        assert "Traceback" not in result.stderr
    assert demo_copy.read_bytes() == before


def test_init_force_gives_an_empty_database(tmp_path: Path, demo_copy: Path) -> None:
    result = medspil("init", "--db", str(demo_copy), "--force")
    assert result.returncode == 0, result.stderr
    listing = medspil("list", "--db", str(demo_copy))
    assert listing.stdout == ""


def test_demo_uses_medspil_db_when_no_path_is_given(tmp_path: Path) -> None:
    target = tmp_path / "via-env.duckdb"
    result = medspil("demo", "--seed", "3", env={"MEDSPIL_DB": str(target)})
    assert result.returncode == 0, result.stderr
    listing = medspil("list", env={"MEDSPIL_DB": str(target)})
    assert listing.stdout.count("project\t") == 3


def test_a_locked_database_gives_a_plain_message(demo_copy: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import duckdb, time
            con = duckdb.connect({str(demo_copy)!r})
            print("holding", flush=True)
            time.sleep(30)
        """)],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        result = medspil_process("list", "--db", str(demo_copy))
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 2
    assert "Medspil-appen kører og har databasen" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("content", [b"garbage" * 100, b""])
def test_a_broken_file_gives_a_plain_message(tmp_path: Path, content: bytes) -> None:
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(content)
    result = medspil("list", "--db", str(broken))
    assert result.returncode == 2
    assert "kan ikke åbnes som en Medspil-database" in result.stderr
    assert "Traceback" not in result.stderr
    assert broken.read_bytes() == content


def test_every_command_is_documented_in_the_readme() -> None:
    from surveys.cli.main import build_parser

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for name in sub.choices:
        assert f"medspil {name}" in readme, f"'medspil {name}' is not in the README"
