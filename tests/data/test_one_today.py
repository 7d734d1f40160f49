"""One source of "today": the day is passed from Python, SQL never asks the clock (issue 12,
item 8). A day far from the real one shows whether the passed day is the one used."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pandas as pd

from data import open_database, results
from data import projects as project_queries
from data.answers import bulk_insert
from data.db import Database
from data.invitations import find_invitation
from data.submissions import seal_closed_waves
from surveys.answering.codes import code_hash, normalise_code
from tests.surveys.answering.answer_support import SECRET, TODAY, open_codes, submit_answers

ROOT = Path(__file__).resolve().parents[2]


def _waves(db: Database, project_id: str) -> list[tuple[int, dt.date, dt.date]]:
    frame = project_queries.waves(db, project_id)
    day = lambda value: pd.Timestamp(value).date()  # noqa: E731
    return [(int(r.id), day(r.opens), day(r.closes)) for r in frame.itertuples()]


def test_the_open_wave_follows_the_day_passed(demo_db: Database) -> None:
    waves = _waves(demo_db, "medicin")
    first_id, first_opens, _ = waves[0]
    assert project_queries.open_waves(demo_db, first_opens)["medicin"] == first_id
    assert "medicin" not in project_queries.open_waves(demo_db, dt.date(1990, 1, 1))


def test_waves_started_follow_the_day_passed(demo_db: Database) -> None:
    waves = _waves(demo_db, "medicin")
    assert results.waves_started(demo_db, dt.date(1990, 1, 1))["medicin"] == 0
    assert results.waves_started(demo_db, dt.date(2999, 1, 1))["medicin"] == len(waves)
    assert results.waves_started(demo_db, waves[2][1])["medicin"] == 3


def test_no_query_that_takes_a_day_reads_the_clock() -> None:
    """The queries of projects and results take the day; none asks DuckDB for it."""
    for name in ("projects.py", "results.py"):
        text = (ROOT / "data" / name).read_text(encoding="utf-8")
        assert not re.search(r"current_date|now\(\)|today\(\)", text, re.IGNORECASE), name


def _sql_texts(path: Path) -> list[str]:
    """Every string in a module that holds SQL (docstrings and comments may name the clock)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    texts = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    return [text for text in texts if re.search(r"\b(SELECT|INSERT|UPDATE|DELETE)\b", text)]


def test_no_statement_of_the_storage_layer_reads_the_clock_for_the_day() -> None:
    """Sealing closed waves, bulk loads and migrations take the day from Python too."""
    for path in sorted((ROOT / "data").glob("*.py")):
        for text in _sql_texts(path):
            assert not re.search(r"current_date|today\(\)", text, re.IGNORECASE), path.name


def _open_wave_with_answers(demo_copy: Path) -> tuple[Database, int, dt.date]:
    db = open_database(demo_copy)
    codes = open_codes(db, 6)
    for code in codes:
        submit_answers(db, code, {"men1": 4}, None, today=TODAY, secret=SECRET)
    invitation = find_invitation(db, code_hash(normalise_code(codes[0]), SECRET))
    return db, invitation.wave_id, invitation.closes


def test_sealing_follows_the_day_passed(demo_copy: Path) -> None:
    """A wave is sealed the day after it closes by the day passed, whatever the clock says."""
    db, wave, closes = _open_wave_with_answers(demo_copy)
    try:
        assert wave not in seal_closed_waves(db, today=closes)
        assert wave in seal_closed_waves(db, today=closes + dt.timedelta(days=1))
    finally:
        db.close()


def test_a_bulk_load_makes_blank_rows_by_the_day_passed(demo_copy: Path) -> None:
    """Unused invitations of a wave get blank rows only while it is open on the day passed."""
    db, wave, closes = _open_wave_with_answers(demo_copy)

    def blank_rows() -> int:
        with db.cursor() as cur:
            return cur.execute(
                "SELECT count(*) FROM pending_responses WHERE answers IS NULL AND wave_id = ?",
                [wave],
            ).fetchone()[0]

    def load(day: dt.date) -> None:
        invitations = pd.DataFrame(
            {
                "code_hash": [f"{day}-{n}" for n in range(3)],
                "wave_id": wave,
                "unit_id": "NORD-SOLHOJ",
                "used": False,
            }
        )
        bulk_insert(db, {"invitations": invitations}, today=day)

    try:
        before = blank_rows()
        load(closes)  # the wave's last day: still open
        assert blank_rows() == before + 3
        load(closes + dt.timedelta(days=1))  # closed by the day passed
        assert blank_rows() == before + 3
    finally:
        db.close()
