"""``medspil med-log`` and ``medspil actions``: tab-separated lists, plain refusals."""

from __future__ import annotations

from pathlib import Path

from data import audit, open_database
from data import together as together_queries
from tests.surveys.cli.cli_support import medspil


def _rows(output: str) -> list[dict[str, str]]:
    header, *lines = output.rstrip("\n").split("\n")
    names = header.split("\t")
    rows = [dict(zip(names, line.split("\t"), strict=True)) for line in lines]
    return rows


def test_med_log_add_and_list_round_trip_with_hostile_text(demo_copy: Path) -> None:
    added = medspil(
        "med-log", "add", "--db", str(demo_copy), "--project", "medicin",
        "--committee", "LMED-SYD", "--date", "2026-01-05", "--phase", "konsekvensvurdering",
        "--topic", "Scanning\tog\nnøgler\x1b[31m", "--decision", "Aftalt:\nsuperbrugere",
        "--question", "3", "--principle", "5", "--principle", "1", "--by", "Sofie Holm",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    entry_id = added.stdout.strip()
    listed = medspil("med-log", "list", "--db", str(demo_copy), "--committee", "LMED-SYD")
    assert listed.returncode == 0
    rows = _rows(listed.stdout)  # every line has exactly the header's fields
    mine = next(row for row in rows if row["id"] == entry_id)
    # Tab and line break become spaces; the escape character is gone (its text stays inert).
    assert mine["topic"] == "Scanning og nøgler[31m"
    assert mine["decision"] == "Aftalt: superbrugere"
    assert (mine["questions"], mine["principles"]) == ("3", "1,5")
    assert mine["recorded_by"] == "Sofie Holm (kommandolinje)"
    assert {row["committee"] for row in rows} == {"LMED-SYD"}


def test_actions_add_list_and_close(demo_copy: Path) -> None:
    added = medspil(
        "actions", "add", "--db", str(demo_copy), "--project", "medicin", "--unit", "SYD-AABO",
        "--what", "Scannere på alle medicinvogne", "--responsible", "Områdeleder",
        "--due", "2099-01-31", "--source", "med_log", "--ref", "5",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    action_id = added.stdout.strip()
    opened = _rows(medspil("actions", "list", "--db", str(demo_copy), "--open").stdout)
    mine = next(row for row in opened if row["id"] == action_id)
    assert (mine["units"], mine["status"], mine["due"], mine["closed_on"]) == (
        "SYD-AABO",
        "aaben",
        "2099-01-31",
        "-",
    )
    closed = medspil(
        "actions", "close", action_id, "--db", str(demo_copy), "--outcome", "Sat op i uge 12"
    )
    assert closed.returncode == 0, closed.stderr
    opened = _rows(medspil("actions", "list", "--db", str(demo_copy), "--open").stdout)
    assert action_id not in {row["id"] for row in opened}
    every = _rows(medspil("actions", "list", "--db", str(demo_copy)).stdout)
    mine = next(row for row in every if row["id"] == action_id)
    assert (mine["status"], mine["outcome"]) == ("udfoert", "Sat op i uge 12")


def test_a_refused_command_says_why_and_changes_nothing(demo_copy: Path) -> None:
    db = open_database(demo_copy)
    before = (len(together_queries.actions(db)), len(together_queries.med_log(db)))
    audit_rows = len(audit.entries(db, limit=10_000))
    db.close()
    bad_unit = medspil(
        "actions", "add", "--db", str(demo_copy), "--project", "medicin", "--unit", "BYG-SAG",
        "--what", "x", "--responsible", "y",
    )  # fmt: skip
    assert bad_unit.returncode == 2
    assert "Enheden »BYG-SAG« er ikke med i projektet" in bad_unit.stderr
    assert "Traceback" not in bad_unit.stderr
    future = medspil(
        "med-log", "add", "--db", str(demo_copy), "--project", "medicin", "--committee",
        "HMED", "--date", "2999-01-01", "--topic", "x",
    )  # fmt: skip
    assert future.returncode == 2
    assert "Mødedatoen ligger i fremtiden" in future.stderr
    bad_date = medspil(
        "med-log", "add", "--db", str(demo_copy), "--project", "medicin", "--committee",
        "HMED", "--date", "18.04.2026", "--topic", "x",
    )  # fmt: skip
    assert bad_date.returncode == 2
    assert "skriv den som 2026-04-18" in bad_date.stderr
    unknown = medspil("actions", "close", "999", "--db", str(demo_copy))
    assert unknown.returncode == 2
    assert "ingen handling med nummer 999" in unknown.stderr
    db = open_database(demo_copy)
    assert (len(together_queries.actions(db)), len(together_queries.med_log(db))) == before
    assert len(audit.entries(db, limit=10_000)) == audit_rows
    db.close()
