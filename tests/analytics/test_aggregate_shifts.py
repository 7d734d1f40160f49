"""The shift monitor per unit and construct, against detect_shifts on raw respondent scores."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from analytics import detect_shifts, protect_histograms
from analytics.aggregate_shifts import COLUMNS, wave_shifts, waves_per_year
from tests.analytics.factories import histogram_frame

WAVES = list(range(1, 41))
WAVE_PHASE = {w: "before" if w <= 20 else "after" for w in WAVES}
TREE = {"org": None, "t1": "org", "t2": "org"}


@pytest.fixture(scope="module")
def raw() -> dict:
    """40 waves; 'mening' of team t1 drops 20 points at wave 21; wave 7 of t2 has 3 answers."""
    rng = np.random.default_rng(11)
    scores = {}
    for w in WAVES:
        for unit in ("t1", "t2"):
            for construct in ("mening", "motivation"):
                centre = 60.0 - (20 if (construct, unit) == ("mening", "t1") and w >= 21 else 0)
                size = 3 if (unit, w) == ("t2", 7) else 20
                values = np.clip(np.round(rng.normal(centre, 20, size) / 12.5) * 12.5, 0, 100)
                scores[(w, unit, construct)] = values.tolist()
    return scores


@pytest.fixture(scope="module")
def protected(raw):
    return protect_histograms(
        histogram_frame(raw), parent=TREE, wave_phase=WAVE_PHASE, k=5, prefer="waves"
    )


def _series(raw: dict, unit: str, construct: str, hidden: set) -> tuple[list, list, list]:
    """Mean, n and SD per wave from the raw scores, written out with numpy; hidden -> gap."""
    members = {"org": ("t1", "t2")}.get(unit, (unit,))
    means, ns, sds = [], [], []
    for w in WAVES:
        scores = [s for m in members for s in raw[(w, m, construct)]]
        if (unit, w) in hidden:
            scores = []
        means.append(float(np.mean(scores)) if scores else np.nan)
        ns.append(len(scores))
        sds.append(float(np.std(scores, ddof=1)) if len(scores) > 1 else np.nan)
    return means, ns, sds


def test_alarms_equal_detect_shifts_on_each_series(raw, protected) -> None:
    frame = wave_shifts(protected, waves_per_year=26, false_alarms_per_year=0.5)
    assert list(frame.columns) == COLUMNS
    # t2's wave 7 (3 answers) is hidden, and with it t1's (it would reveal t2 by difference
    # with org): both are gaps in their series.
    hidden = {(protected.units[u], WAVES[w]) for u, w in np.argwhere(protected.wave_hidden[0])}
    assert hidden == {("t1", 7), ("t2", 7)}
    for unit in TREE:
        for construct in ("mening", "motivation"):
            expected = detect_shifts(*_series(raw, unit, construct, hidden))
            rows = frame.query("unit_id == @unit and construct == @construct")
            assert rows["wave_id"].tolist() == [WAVES[s.wave] for s in expected]
            assert rows["start_wave_id"].tolist() == [WAVES[s.start] for s in expected]
            assert rows["direction"].tolist() == [s.direction for s in expected]
            assert rows["size"].tolist() == pytest.approx([s.size for s in expected], rel=1e-9)
    drop = frame.query("unit_id == 't1' and construct == 'mening'")
    assert drop.iloc[0]["direction"] == -1 and 21 <= drop.iloc[0]["wave_id"] <= 23
    assert drop.iloc[0]["phase_id"] == "after"


def test_no_alarms_gives_the_columns() -> None:
    raw = {(w, "x", "mening"): [50.0, 75.0] * 4 for w in range(1, 9)}
    protected = protect_histograms(
        histogram_frame(raw), parent={"x": None}, wave_phase=dict.fromkeys(range(1, 9), "p"), k=5
    )
    frame = wave_shifts(protected, waves_per_year=26, false_alarms_per_year=0.5)
    assert frame.empty and list(frame.columns) == COLUMNS


def test_waves_per_year_from_the_schedule() -> None:
    fortnightly = [dt.date(2026, 1, 5) + dt.timedelta(days=14 * i) for i in range(6)]
    assert waves_per_year(fortnightly) == pytest.approx(365.25 / 14)
    # One late wave does not change the cadence: the median interval is still 14 days.
    assert waves_per_year([*fortnightly, dt.date(2026, 6, 1)]) == pytest.approx(365.25 / 14)
    assert waves_per_year(fortnightly[:1]) is None
    assert waves_per_year([fortnightly[0]] * 3) is None
