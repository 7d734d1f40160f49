"""Scoring: item points, respondent construct scores, and a group's summary."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analytics import (
    GroupSummary,
    InvalidInput,
    group_summary,
    item_points,
    respondent_construct_score,
)

Z_975 = 1.959963984540054  # standard normal quantiles, from tables
Z_80 = 0.8416212335729143


def test_item_points() -> None:
    assert [item_points(v) for v in (1, 2, 3, 4, 5)] == [0.0, 25.0, 50.0, 75.0, 100.0]
    assert [item_points(v, reverse=True) for v in (1, 2, 3, 4, 5)] == [100, 75, 50, 25, 0]
    assert item_points(None) is None and item_points(float("nan")) is None
    assert item_points(np.int64(3)) == 50.0 and type(item_points(np.int64(3))) is float


@pytest.mark.parametrize("bad", [0, 6, 2.5, True, "3"])
def test_item_points_rejects_other_answers(bad: object) -> None:
    with pytest.raises(InvalidInput):
        item_points(bad)  # type: ignore[arg-type]


def test_construct_score_needs_half_the_items() -> None:
    assert respondent_construct_score([4, None], [False, False]) == 75.0  # 1 of 2
    assert respondent_construct_score([4, None, None], [False] * 3) is None  # 1 of 3
    assert respondent_construct_score([4, None, 2], [False, False, True]) == 75.0  # 75 and 75
    assert respondent_construct_score([5, 1, None, None], [False] * 4) == 50.0  # 2 of 4
    assert respondent_construct_score([5, None, None, None], [False] * 4) is None
    assert respondent_construct_score([None, None], [False, False]) is None
    assert respondent_construct_score([1, 2, 4], [True, False, False]) == pytest.approx(
        (100 + 25 + 75) / 3
    )


def test_construct_score_checks_its_input() -> None:
    with pytest.raises(InvalidInput):
        respondent_construct_score([1, 2], [False])
    with pytest.raises(InvalidInput):
        respondent_construct_score([], [])


def test_group_summary_worked_by_hand() -> None:
    summary = group_summary([50, 50, 75, 100])
    # mean 68.75; squared deviations 351.5625 * 2 + 39.0625 + 976.5625 = 1718.75; sd^2 = /3.
    sd = math.sqrt(1718.75 / 3)
    low, high = stats.t.interval(0.95, 3, loc=68.75, scale=sd / 2)
    assert summary.n == 4 and summary.mean == 68.75
    assert summary.sd == pytest.approx(sd, rel=1e-12)
    assert (summary.ci_low, summary.ci_high) == pytest.approx((low, high), rel=1e-12)
    assert summary.favourable_share == 0.5
    assert summary.mdd == pytest.approx((Z_975 + Z_80) * sd * math.sqrt(2 / 4), rel=1e-12)


def test_group_summary_accepts_histograms() -> None:
    from_scores = group_summary([50, 50, 75, 100, None, float("nan")])
    frame = pd.DataFrame({"score": [50.0, 75.0, 100.0], "n": pd.array([2, 1, 1], dtype="Int64")})
    assert group_summary(frame) == from_scores
    assert group_summary({50.0: 2, 75.0: 1, 100.0: 1, 25.0: 0}) == from_scores
    assert group_summary(pd.Series([50, 50, 75, 100], dtype="Float64")) == from_scores


@pytest.mark.parametrize("seed", range(3))
def test_group_summary_against_scipy(seed: int) -> None:
    scores = np.random.default_rng(seed).choice(np.arange(0, 101, 12.5), size=37)
    summary = group_summary(scores)
    interval = stats.t.interval(0.95, 36, loc=scores.mean(), scale=stats.sem(scores))
    assert summary.mean == pytest.approx(scores.mean(), rel=1e-12)
    assert summary.sd == pytest.approx(scores.std(ddof=1), rel=1e-12)
    assert (summary.ci_low, summary.ci_high) == pytest.approx(interval, rel=1e-12)
    assert summary.favourable_share == pytest.approx((scores >= 75).mean(), rel=1e-12)


def test_group_summary_small_groups() -> None:
    assert group_summary([]) == GroupSummary(0, None, None, None, None, None, None)
    one = group_summary([80])
    assert (one.n, one.mean, one.favourable_share) == (1, 80.0, 1.0)
    assert one.sd is None and one.ci_low is None and one.mdd is None
    flat = group_summary([60, 60, 60])
    assert (flat.sd, flat.ci_low, flat.ci_high, flat.mdd) == (0.0, 60.0, 60.0, 0.0)


def test_group_summary_rejects_bad_histograms() -> None:
    with pytest.raises(InvalidInput):
        group_summary(pd.DataFrame({"score": [50.0], "count": [2]}))
    with pytest.raises(InvalidInput):
        group_summary({50.0: -1})
