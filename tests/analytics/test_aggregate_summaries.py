"""Summary tables from protected histograms, checked against raw respondent scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analytics import (
    compare_phases,
    compare_waves,
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
    shown_part_scores,
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


def _expected(scores: list[float], spread: list[float]) -> dict:
    """Count, mean and share of everyone; SD and quantiles of the shown parts (``spread``); the
    CI and MDD from that SD and everyone's n, by hand (scipy's t, the normal quantiles)."""
    n, mean = len(scores), float(np.mean(scores))
    values: dict = {"n": n, "mean": mean}
    values["favourable_share"] = sum(s >= 75 for s in scores) / n
    if len(spread) < 2:
        return values | dict.fromkeys(("sd", "ci_low", "ci_high", "mdd", *COLUMNS[7:]))
    sd = float(np.std(spread, ddof=1))
    half = stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n)
    values |= {"sd": sd, "ci_low": mean - half, "ci_high": mean + half}
    values["mdd"] = (stats.norm.ppf(0.975) + stats.norm.ppf(0.8)) * sd * np.sqrt(2 / n)
    for name, share in zip(COLUMNS[7:], (0.1, 0.25, 0.5, 0.75, 0.9), strict=True):
        values[name] = float(np.quantile(spread, share))
    return values


def _shown(frame: pd.DataFrame, period: str) -> set:
    return set(frame.loc[~frame["hidden"], ["unit_id", period]].itertuples(index=False, name=None))


def _check(row, expected: dict) -> None:
    for name, value in expected.items():
        if value is None:
            assert getattr(row, name) is None, name
        else:
            assert getattr(row, name) == pytest.approx(value, rel=1e-12), name


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
    visible = _shown(frame, "wave_id")
    reduced = 0
    for row in shown.itertuples():
        everyone = subtree_scores(raw, row.unit_id, [row.wave_id], row.construct)
        spread = shown_part_scores(raw, row.unit_id, [row.wave_id], row.construct, visible)
        reduced += len(spread) < len(everyone)
        assert row.phase_id == WAVE_PHASE[row.wave_id]
        _check(row, _expected(everyone, spread))
    assert reduced > 0  # the data hold cells whose spread leaves a hidden team out
    # Team a shows waves 1-3, but both its teams are hidden there: no spread at all.
    a_early = shown.query("unit_id == 'a' and wave_id <= 3")
    assert len(a_early) == 6 and a_early["sd"].isna().all() and a_early["mean"].notna().all()


def test_phase_rows_pool_the_waves(raw, protected) -> None:
    frame = summarise_phases(protected)
    assert list(frame.columns) == ["unit_id", "phase_id", "construct", *COLUMNS, "hidden"]
    visible = _shown(summarise_waves(protected), "wave_id")
    for row in frame[~frame["hidden"]].itertuples():
        waves = [w for w, p in WAVE_PHASE.items() if p == row.phase_id]
        scores = subtree_scores(raw, row.unit_id, waves, row.construct)
        spread = shown_part_scores(raw, row.unit_id, waves, row.construct, visible)
        assert row.n == len(scores)
        _check(row, _expected(scores, spread))


def test_a_hidden_teams_spread_moves_no_published_number() -> None:
    """Two hidden teams' answers rearranged between them (the same count, sum and favourable
    count in all) change what a parent's SD would say about them, and no published number."""
    parent = {"top": None, "a": "top", "b": "top", "small": "top", "sibling": "top"}
    base = {
        (1, "a", "mening"): [25.0, 50.0, 50.0, 75.0, 100.0, 50.0],
        (1, "b", "mening"): [0.0, 25.0, 50.0, 75.0, 75.0],
    }
    # 'small' (3) and 'sibling' (4): alike, or far apart with the same totals.
    alike = base | {
        (1, "small", "mening"): [50.0, 50.0, 50.0],
        (1, "sibling", "mening"): [75.0, 50.0, 25.0, 50.0],
    }
    apart = base | {
        (1, "small", "mening"): [0.0, 0.0, 50.0],
        (1, "sibling", "mening"): [100.0, 70.0, 65.0, 65.0],
    }
    tables = []
    for raw in (alike, apart):
        protected = protect_histograms(
            histogram_frame(raw), parent=parent, wave_phase={1: "p"}, k=5
        )
        table = summarise_waves(protected).set_index("unit_id")
        assert table["hidden"].to_dict() == {
            "top": False,
            "a": False,
            "b": False,
            "small": True,
            "sibling": True,
        }
        tables.append(table)
        # The parent's spread is that of its shown teams, by hand.
        assert table.loc["top", "sd"] == pytest.approx(
            np.std(base[(1, "a", "mening")] + base[(1, "b", "mening")], ddof=1)
        )
    pd.testing.assert_frame_equal(tables[0], tables[1])
    # Without the rule the parent's SD would tell the two arrangements apart.
    everyone = [[s for values in raw.values() for s in values] for raw in (alike, apart)]
    assert np.std(everyone[0], ddof=1) != pytest.approx(np.std(everyone[1], ddof=1))
    changes = [
        compare_waves(
            protect_histograms(
                histogram_frame(raw | {(2, u, c): v for (_, u, c), v in raw.items()}),
                parent=parent,
                wave_phase={1: "p", 2: "p"},
                k=5,
            )
        )
        for raw in (alike, apart)
    ]
    pd.testing.assert_frame_equal(changes[0], changes[1])


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
