"""Summary tables from protected histograms, checked against raw respondent scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analytics import (
    compare_phases,
    compare_waves,
    group_summary,
    phase_trends,
    protect_histograms,
    run_charts,
    summarise_phases,
    summarise_waves,
    wave_changepoints,
)
from tests.analytics.factories import (
    TREE,
    WAVE_PHASE,
    histogram_frame,
    make_raw_scores,
    subtree_scores,
)

COLUMNS = [
    "n",
    "mean",
    "sd",
    "ci_low",
    "ci_high",
    "favourable_share",
    "mdd",
    "q10",
    "q25",
    "median",
    "q75",
    "q90",
]


@pytest.fixture(scope="module")
def raw() -> dict:
    return make_raw_scores(seed=2)


@pytest.fixture(scope="module")
def protected(raw):
    return protect_histograms(
        histogram_frame(raw), parent=TREE, wave_phase=WAVE_PHASE, k=3, prefer="phases"
    )


def _expected(scores: list[float]) -> dict:
    summary = group_summary(scores)
    values = {name: getattr(summary, name) for name in COLUMNS[:7]}
    for name, share in zip(COLUMNS[7:], (0.1, 0.25, 0.5, 0.75, 0.9), strict=True):
        values[name] = float(np.quantile(scores, share))
    return values


def test_wave_rows_match_the_raw_scores(raw, protected) -> None:
    frame = summarise_waves(protected)
    assert list(frame.columns) == [
        "unit_id",
        "wave_id",
        "phase_id",
        "construct",
        *COLUMNS,
        "hidden",
    ]
    assert len(frame) == len(TREE) * len(WAVE_PHASE) * 2
    shown = frame[~frame["hidden"]]
    assert len(shown) > 0
    for row in shown.itertuples():
        expected = _expected(subtree_scores(raw, row.unit_id, [row.wave_id], row.construct))
        assert row.phase_id == WAVE_PHASE[row.wave_id]
        for name, value in expected.items():
            assert getattr(row, name) == pytest.approx(value, rel=1e-12), name


def test_phase_rows_pool_the_waves(raw, protected) -> None:
    frame = summarise_phases(protected)
    assert list(frame.columns) == ["unit_id", "phase_id", "construct", *COLUMNS, "hidden"]
    for row in frame[~frame["hidden"]].itertuples():
        waves = [w for w, p in WAVE_PHASE.items() if p == row.phase_id]
        scores = subtree_scores(raw, row.unit_id, waves, row.construct)
        assert row.n == len(scores)
        assert row.mean == pytest.approx(np.mean(scores), rel=1e-12)
        low, high = stats.t.interval(0.95, len(scores) - 1, np.mean(scores), stats.sem(scores))
        assert (row.ci_low, row.ci_high) == pytest.approx((low, high), rel=1e-12)


def test_hidden_rows_carry_no_numbers(protected) -> None:
    frame = summarise_waves(protected)
    hidden = frame[frame["hidden"]]
    # a2 has 2 answers in wave 2 (k = 3): its phase 'ide' shows no waves, nor does a1's.
    assert set(hidden["unit_id"]) == {"a1", "a2"}
    assert set(hidden["wave_id"]) == {1, 2, 3}
    assert frame["hidden"].dtype == bool
    for name in COLUMNS:
        assert hidden[name].map(lambda v: v is None).all(), name
        assert not frame[name].map(lambda v: isinstance(v, float) and np.isnan(v)).any()
    phases = summarise_phases(protected)
    assert not phases["hidden"].any()  # pooled over the phase everybody has at least 3


def test_numbers_are_plain_python(protected) -> None:
    row = summarise_waves(protected).query("unit_id == 'top'").iloc[0]
    assert type(row["n"]) is int and type(row["mean"]) is float


def test_too_small_groups_are_hidden() -> None:
    frame = histogram_frame({(1, "x", "mening"): [50.0, 75.0]})
    table = summarise_waves(
        protect_histograms(frame, parent={"x": None}, wave_phase={1: "p"}, k=3, prefer="phases")
    )
    assert table["hidden"].tolist() == [True] and table["n"].tolist() == [None]


def test_units_without_answers_get_hidden_rows() -> None:
    frame = histogram_frame({(1, "x", "mening"): [50.0, 75.0, 75.0]})
    table = summarise_waves(
        protect_histograms(
            frame, parent={"x": None, "y": None}, wave_phase={1: "p"}, k=3, prefer="phases"
        )
    )
    assert table.set_index("unit_id")["hidden"].to_dict() == {"x": False, "y": True}


def test_empty_histograms_give_an_all_hidden_table() -> None:
    empty = pd.DataFrame(columns=["wave_id", "unit_id", "construct", "score", "n"])
    protected = protect_histograms(
        empty, parent={"x": None}, wave_phase={1: "p"}, k=3, prefer="phases"
    )
    assert summarise_waves(protected).empty  # no construct, no rows
    assert summarise_phases(protected).empty
    for view in (compare_waves, compare_phases, run_charts, wave_changepoints, phase_trends):
        assert view(protected).empty, view.__name__


def test_id_columns_keep_their_dtypes(protected) -> None:
    frame = summarise_waves(protected)
    assert frame["wave_id"].dtype == "int64"
    assert pd.api.types.is_string_dtype(frame["unit_id"])
    storage = pd.DataFrame({"wave_id": np.array([1, 2], dtype="int64"), "opens": ["x", "y"]})
    assert len(frame.merge(storage, on="wave_id")) == len(frame.query("wave_id <= 2"))
