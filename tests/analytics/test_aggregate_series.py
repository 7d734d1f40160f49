"""Run charts, change points and trends per unit, against the single-series functions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics import (
    InvalidInput,
    anhoej,
    changepoints,
    long_run_flags,
    mann_kendall,
    phase_trends,
    protect_histograms,
    run_charts,
    wave_changepoints,
)
from analytics.results import AnhoejResult
from analytics.runchart import long_run_points
from tests.analytics.factories import histogram_frame

WAVES = list(range(1, 25))
WAVE_PHASE = {w: "before" if w <= 12 else "after" for w in WAVES}
TREE = {"org": None, "t1": "org", "t2": "org"}


@pytest.fixture(scope="module")
def raw() -> dict:
    """24 waves; 'mening' of team t1 jumps by 20 points at wave 13; t2 drifts slowly up."""
    rng = np.random.default_rng(4)
    scores = {}
    for w in WAVES:
        for unit in ("t1", "t2"):
            for construct in ("mening", "motivation"):
                centre = 45.0
                if construct == "mening" and unit == "t1" and w >= 13:
                    centre += 20
                if construct == "mening" and unit == "t2":
                    centre += 0.8 * w
                values = np.clip(np.round(rng.normal(centre, 10, 30) / 12.5) * 12.5, 0, 100)
                scores[(w, unit, construct)] = values.tolist()
    return scores


@pytest.fixture(scope="module")
def protected(raw):
    return protect_histograms(
        histogram_frame(raw), parent=TREE, wave_phase=WAVE_PHASE, k=5, prefer="phases"
    )


def _means(raw: dict, unit: str, construct: str) -> list[float]:
    members = {"org": ("t1", "t2")}.get(unit, (unit,))
    return [float(np.mean([s for m in members for s in raw[(w, m, construct)]])) for w in WAVES]


def test_run_charts_equal_anhoej_on_the_wave_means(raw, protected) -> None:
    frame = run_charts(protected)
    assert len(frame) == 6
    for row in frame.itertuples():
        expected = anhoej(_means(raw, row.unit_id, row.construct))
        for name in AnhoejResult.__dataclass_fields__:
            assert getattr(row, name) == pytest.approx(getattr(expected, name)), name
    jump = frame.query("unit_id == 't1' and construct == 'mening'")
    assert jump["runs_signal"].item()


def test_run_charts_with_a_frozen_baseline(raw, protected) -> None:
    frame = run_charts(protected, baseline_phase="before")
    row = frame.query("unit_id == 't1' and construct == 'mening'").iloc[0]
    expected = anhoej(_means(raw, "t1", "mening"), baseline_n=12)
    assert row["median"] == pytest.approx(expected.median)
    assert row["longest_run"] == expected.longest_run and row["long_run_signal"]
    with pytest.raises(InvalidInput):
        run_charts(protected, baseline_phase="never")


def test_long_run_flags(raw, protected) -> None:
    frame = long_run_flags(protected, baseline_phase="before")
    series = frame.query("unit_id == 't1' and construct == 'mening'")
    expected = long_run_points(_means(raw, "t1", "mening"), baseline_n=12)
    assert series["in_long_run"].tolist() == expected
    assert series["in_long_run"].iloc[12:].all()  # the 12 waves after the jump


def test_long_run_points_by_hand() -> None:
    # median of the baseline [1, 2, 3, 4] is 2.5; 3, 4 and seven 10s form a run of 9 > 6.
    assert long_run_points([1, 2, 3, 4] + [10] * 7, baseline_n=4) == [False] * 2 + [True] * 9
    # Median 2 (of 1 2 3): the points on it and the missing wave are never flagged; the run is
    # 3 and seven 10s (8 > 6 for 9 useful values).
    flags = long_run_points([1, 2, 3, None, 2] + [10] * 7, baseline_n=4)
    assert flags == [False, False, True, False, False] + [True] * 7
    assert long_run_points([1, 3, 1, 3]) == [False] * 4


def test_change_points_equal_pelt_on_the_wave_means(raw, protected) -> None:
    frame = wave_changepoints(protected)
    assert list(frame.columns) == ["unit_id", "construct", "wave_id", "phase_id"]
    for unit in TREE:
        for construct in ("mening", "motivation"):
            found = frame.query("unit_id == @unit and construct == @construct")["wave_id"]
            expected = [WAVES[i] for i in changepoints(_means(raw, unit, construct))]
            assert found.tolist() == expected
    assert 13 in frame.query("unit_id == 't1' and construct == 'mening'")["wave_id"].tolist()


def test_trends_per_phase_equal_mann_kendall(raw, protected) -> None:
    frame = phase_trends(protected)
    assert list(frame.columns) == [
        "unit_id",
        "construct",
        "phase_id",
        "n_waves",
        "s",
        "z",
        "p",
        "sen_slope",
    ]
    assert len(frame) == 3 * 2 * 2
    for row in frame.itertuples():
        waves = slice(0, 12) if row.phase_id == "before" else slice(12, 24)
        expected = mann_kendall(_means(raw, row.unit_id, row.construct)[waves])
        assert row.n_waves == 12 and row.s == expected.s and type(row.s) is int
        assert row.p == pytest.approx(expected.p) and row.sen_slope == pytest.approx(
            expected.sen_slope
        )
    drift = frame.query("unit_id == 't2' and construct == 'mening'")
    assert (drift["sen_slope"].astype(float) > 0).all()


def test_hidden_waves_are_gaps_in_every_series() -> None:
    raw = {(w, "x", "mening"): [50.0 + w] * (2 if w == 3 else 6) for w in range(1, 9)}
    protected = protect_histograms(
        histogram_frame(raw),
        parent={"x": None},
        wave_phase={w: "p" for w in range(1, 9)},
        k=5,
        prefer="waves",
    )
    means = [50.0 + w for w in range(1, 9)]
    means[2] = None
    assert run_charts(protected).iloc[0]["n_useful"] == anhoej(means).n_useful == 6
    trend = phase_trends(protected).iloc[0]
    assert trend["n_waves"] == 7 and trend["s"] == mann_kendall(means).s == 21
    assert isinstance(wave_changepoints(protected), pd.DataFrame)
