"""Issue 10: a hidden team's spread moves no published number (the demo, end to end).

A shown cell's SD adds up over units as a sum of squares does, so an SD over everyone in
Ældreområde Nord, minus its shown teams', would give the remainder's sum of squares: the night
team and the team hidden beside it. Here two night-team answers in one hidden wave are moved
apart (the team's n, score sum and favourable count stay; its sum of squares grows), and every
summary, comparison and alarm the dashboards compute from the basis must stay exactly the same.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics import compare_phases, compare_waves, wave_shifts
from data import open_database
from data.db import Database
from surveys.dashboards.basis import forget_bases, project_basis
from surveys.installation.demo import SMALL_TEAM
from surveys.instruments.instrument import load_instrument
from tests.conftest import TODAY

CONSTRUCT = "medspil"


def _rows(db: Database, sql: str, params: list) -> list[tuple]:
    with db.cursor() as cur:
        return cur.execute(sql, params).fetchall()


def _scores(db: Database, unit_ids: list[str], wave_id: int, items: dict[str, bool]) -> dict:
    """Construct score per response, by hand: mean points of the answered items, at least half
    of them answered (the instrument's rule); reverse-keyed items count 100..0."""
    rows = _rows(
        db,
        """SELECT r.id, a.item_id, a.value FROM stored_responses r
           JOIN stored_answers a ON a.response_id = r.id
           WHERE r.wave_id = ? AND list_contains(?, r.unit_id)""",
        [wave_id, unit_ids],
    )
    points: dict[str, list[float]] = {}
    for response, item, value in rows:
        if item in items:
            points.setdefault(response, [])
            if value is not None:
                points[response].append((5 - value) * 25.0 if items[item] else (value - 1) * 25.0)
    return {r: sum(p) / len(p) for r, p in points.items() if p and 2 * len(p) >= len(items)}


def _move_apart(db: Database, wave_id: int, items: dict[str, bool]) -> tuple[str, str]:
    """Raise one item of a night-team response and lower one of another with as many answered
    items, so that n, the score sum and who is favourable (>= 75) stay and the squares grow."""
    scores = _scores(db, [SMALL_TEAM], wave_id, items)
    answers = _rows(
        db,
        """SELECT r.id, a.item_id, a.value FROM stored_responses r
           JOIN stored_answers a ON a.response_id = r.id
           WHERE r.wave_id = ? AND r.unit_id = ? AND a.value IS NOT NULL""",
        [wave_id, SMALL_TEAM],
    )
    plain = [(r, i, v) for r, i, v in answers if i in items and not items[i] and r in scores]
    counted = {r: sum(1 for rr, i, _ in answers if rr == r and i in items) for r in scores}
    for up, up_item, up_value in sorted(plain):
        for down, down_item, down_value in sorted(plain):
            if up == down or up_value == 5 or down_value == 1 or counted[up] != counted[down]:
                continue
            step = 25.0 / counted[up]
            x, y = scores[up], scores[down]
            if (x + step >= 75) != (x >= 75) or (y - step >= 75) != (y >= 75) or x < y:
                continue
            with db.transaction() as cur:
                for response, item, value in ((up, up_item, 1), (down, down_item, -1)):
                    cur.execute(
                        """UPDATE stored_answers SET value = value + ?
                           WHERE response_id = ? AND item_id = ?""",
                        [value, response, item],
                    )
                # the cached histograms are keyed by response ids: recompute this wave's
                cur.execute("DELETE FROM score_histogram_state WHERE wave_id = ?", [wave_id])
            return up, down
    raise AssertionError(f"no pair of night-team answers to move apart in wave {wave_id}")


@pytest.fixture(scope="module")
def moved(demo_file: Path, tmp_path_factory: pytest.TempPathFactory):
    """The demo before and after: (basis, changed basis, wave id, night team's scores)."""
    folder = tmp_path_factory.mktemp("spread")
    before_path, after_path = folder / "before.duckdb", folder / "after.duckdb"
    shutil.copy(demo_file, before_path)
    shutil.copy(demo_file, after_path)
    forget_bases()
    before_db, after_db = open_database(before_path), open_database(after_path)
    try:
        basis = project_basis(before_db, "medicin", today=TODAY)
        instrument = load_instrument(str(_instrument_of(before_db)))
        items = {i.id: i.reverse for i in instrument.items if i.construct == CONSTRUCT}
        protected = basis.protected
        assert protected is not None
        u, c = protected.units.index(SMALL_TEAM), protected.constructs.index(CONSTRUCT)
        parent_id = str(basis.parent[SMALL_TEAM])
        parent = protected.units.index(parent_id)
        # a wave where the night team is hidden, has answers, and its parent is shown
        wave_id = next(
            int(w)
            for i, w in enumerate(protected.waves)
            if protected.wave_hidden[c, u, i]
            and not protected.wave_hidden[c, parent, i]
            and len(_scores(before_db, [SMALL_TEAM], int(w), items)) >= 2
        )
        old = _scores(before_db, [SMALL_TEAM], wave_id, items)
        _move_apart(after_db, wave_id, items)
        new = _scores(after_db, [SMALL_TEAM], wave_id, items)
        everyone = basis.subtree(parent_id)
        spread = (
            np.std(list(_scores(before_db, everyone, wave_id, items).values()), ddof=1),
            np.std(list(_scores(after_db, everyone, wave_id, items).values()), ddof=1),
        )
        forget_bases()
        changed = project_basis(after_db, "medicin", today=TODAY)
        yield basis, changed, old, new, spread
    finally:
        forget_bases()
        before_db.close()
        after_db.close()


def _instrument_of(db: Database) -> str:
    return _rows(db, "SELECT instrument_id FROM projects WHERE id = ?", ["medicin"])[0][0]


def test_the_change_keeps_the_teams_totals_and_moves_its_spread(moved) -> None:
    _, _, old, new, spread = moved
    assert sorted(old) == sorted(new)  # the same respondents
    assert sum(new.values()) == pytest.approx(sum(old.values()))
    assert sum(s >= 75 for s in new.values()) == sum(s >= 75 for s in old.values())
    squares = (sum(s * s for s in old.values()), sum(s * s for s in new.values()))
    assert squares[1] > squares[0] + 1
    # an SD over everyone in Ældreområde Nord would have shown the change
    assert spread[1] != pytest.approx(spread[0], abs=1e-9)


def test_no_summary_of_any_unit_wave_or_phase_moves(moved) -> None:
    basis, changed, *_ = moved
    pd.testing.assert_frame_equal(basis.wave_summaries, changed.wave_summaries)
    pd.testing.assert_frame_equal(basis.phase_summaries, changed.phase_summaries)


def test_no_comparison_or_alarm_moves(moved) -> None:
    basis, changed, *_ = moved
    pd.testing.assert_frame_equal(compare_waves(basis.protected), compare_waves(changed.protected))
    pd.testing.assert_frame_equal(
        compare_phases(basis.protected), compare_phases(changed.protected)
    )
    alarms = [
        wave_shifts(b.protected, waves_per_year=26, false_alarms_per_year=0.5)
        for b in (basis, changed)
    ]
    pd.testing.assert_frame_equal(*alarms)
