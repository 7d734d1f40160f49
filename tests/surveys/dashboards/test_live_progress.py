"""The open wave's live progress: the whole project area's answers, rounded down to a band.

The count is checked against the stored responses read back and counted here, the band by hand.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from data import open_database
from data import projects as project_queries
from data.db import Database
from medspil.scope import Scope
from surveys.dashboards.live_progress import live_progress
from tests.surveys.answering.answer_support import SECRET, open_codes, submit_answers

TODAY = dt.date.today()
PROJECT = "medicin"
NIGHT = "NORD-NAT"


def _stored(db: Database, wave_id: int) -> int:
    """The open wave's responses, counted from every stored response's wave."""
    with db.cursor() as cur:
        waves = cur.execute("SELECT wave_id FROM responses").df()["wave_id"].astype(int)
    return int((waves == wave_id).sum())


def _answer(db: Database, count: int) -> None:
    for code in open_codes(db, count, unit=NIGHT):
        submit_answers(db, code, {}, None, today=TODAY, secret=SECRET)


def test_the_band_counts_every_answer_of_the_open_wave_and_moves_only_at_its_edge(
    demo_copy: Path,
) -> None:
    db = open_database(demo_copy)
    try:
        k = int(project_queries.project(db, PROJECT)["k_min"])
        band = max(10, k)  # the demo's k is 5: bands of 10
        assert band == 10
        live = live_progress(db, Scope.admin(), PROJECT, today=TODAY)
        assert live is not None and live.band == band
        stored = _stored(db, live.wave_id)
        assert stored > 0 and live.low == stored // 10 * 10
        # Answers up to the band's last count move nothing; one more crosses the edge.
        below_edge = live.low + band - 1 - stored
        if below_edge:
            _answer(db, below_edge)
        unchanged = live_progress(db, Scope.admin(), PROJECT, today=TODAY)
        _answer(db, 1)
        crossed = live_progress(db, Scope.admin(), PROJECT, today=TODAY)
        assert _stored(db, live.wave_id) == live.low + band
    finally:
        db.close()
    assert unchanged == live
    assert crossed is not None and crossed.low == live.low + band


def test_no_band_outside_an_open_wave_or_for_a_part_of_the_area(demo_db: Database) -> None:
    waves = project_queries.waves(demo_db, PROJECT)
    after_last = max(waves["closes"]).date() + dt.timedelta(days=1)
    assert live_progress(demo_db, Scope.admin(), PROJECT, today=after_last) is None
    night_leder = Scope(role="leder", unit_roots=frozenset({NIGHT}))
    assert live_progress(demo_db, night_leder, PROJECT, today=TODAY) is None
