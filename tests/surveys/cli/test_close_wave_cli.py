"""``medspil close-wave``: closes the open wave with an audit row; a wave that is not open is one
plain message and exit code 2, nothing changed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from data import open_database
from tests.surveys.cli.cli_support import medspil

TODAY = dt.date.today()


def _closes_and_audit(path: Path) -> tuple[dt.date, list[tuple]]:
    db = open_database(path)
    with db.cursor() as cur:
        [(closes,)] = cur.execute(
            "SELECT closes FROM waves WHERE project_id = 'sensorer' AND number = 6"
        ).fetchall()
        audit = cur.execute(
            "SELECT actor, detail FROM audit_log WHERE action = 'waves.close_early'"
        ).fetchall()
    db.close()
    return closes, audit


def test_close_wave_closes_the_open_wave_and_refuses_it_twice(demo_copy: Path) -> None:
    planned, _ = _closes_and_audit(demo_copy)
    done = medspil("close-wave", "--project", "sensorer", "--wave", "6", "--db", str(demo_copy))
    assert done.returncode == 0, done.stderr
    yesterday = TODAY - dt.timedelta(days=1)
    assert f"Måling 6 er lukket. Sidste svardag var {yesterday:%d.%m.%Y}" in done.stderr
    assert done.stdout == ""
    closes, audit = _closes_and_audit(demo_copy)
    assert closes == yesterday
    [(actor, detail)] = audit
    assert actor.startswith("cli") and "sensorer: måling 6" in detail
    assert f"{planned:%d.%m.%Y}" in detail
    again = medspil("close-wave", "--project", "sensorer", "--wave", "6", "--db", str(demo_copy))
    assert again.returncode == 2
    assert "Måling 6 er allerede lukket" in again.stderr and "Traceback" not in again.stderr
    assert _closes_and_audit(demo_copy) == (closes, audit)


def test_close_wave_refuses_a_planned_wave(demo_copy: Path) -> None:
    before = _closes_and_audit(demo_copy)
    result = medspil("close-wave", "--project", "sensorer", "--wave", "7", "--db", str(demo_copy))
    assert result.returncode == 2
    assert "Måling 7 er ikke åbnet endnu" in result.stderr
    assert _closes_and_audit(demo_copy) == before
