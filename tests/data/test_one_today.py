"""One source of "today": the day is passed from Python, SQL never asks the clock (issue 12,
item 8). A day far from the real one shows whether the passed day is the one used."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from data import projects as project_queries
from data import results
from data.db import Database

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
