"""Mann-Kendall and Sen's slope against a hand calculation, kendalltau and theilslopes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from analytics import MannKendallResult, mann_kendall
from analytics.trend import mann_kendall_many


def test_hand_worked_series() -> None:
    result = mann_kendall([1, 3, 2, 4, None, 6])
    # Pairs of 1 3 2 4 6: only (3, 2) decreases, so S = 9 - 1 = 8. Var = 5*4*15/18 = 50/3.
    # z = (8 - 1) / sqrt(50/3) = 1.71464; p = 2 * (1 - Phi(z)) = 0.086411.
    assert result.s == 8
    assert result.z == pytest.approx(7 / math.sqrt(50 / 3), rel=1e-12)
    assert result.p == pytest.approx(0.0864107, rel=1e-5)
    # Slopes over time distance (positions 0 1 2 3 5): the median of the 10 is 1.0.
    assert result.sen_slope == 1.0


def test_hand_worked_ties() -> None:
    result = mann_kendall([2, 2, 3, 1])
    # Pairs: (2,2) 0, (2,3) +, (2,1) -, (2,3) +, (2,1) -, (3,1) - -> S = -1.
    # Var = (4*3*13 - 2*1*9) / 18 = 138 / 18; S = -1 -> z = 0 and p = 1.
    assert (result.s, result.z, result.p) == (-1, 0.0, 1.0)


@pytest.mark.parametrize("seed", range(6))
def test_equivalent_to_kendalls_tau_against_time(seed: int) -> None:
    # Kendall's tau-b of (time, x) has S in its numerator, and scipy's asymptotic p uses the same
    # tie-corrected variance but no continuity correction: |z_scipy| = |S| / sqrt(var). So
    # MK's z (with continuity correction) is z_scipy * (|S| - 1) / |S|.
    rng = np.random.default_rng(seed)
    x = np.round(rng.normal(0.1 * np.arange(25), 1.0), 0 if seed % 2 else 3)  # even: no ties
    t = np.arange(x.size)
    tau = stats.kendalltau(t, x, method="asymptotic")
    n0 = x.size * (x.size - 1) / 2
    _, ties = np.unique(x, return_counts=True)
    n2 = (ties * (ties - 1) / 2).sum()
    result = mann_kendall(x)
    assert result.s == round(tau.statistic * math.sqrt(n0 * (n0 - n2)))
    z_scipy = math.copysign(stats.norm.isf(tau.pvalue / 2), result.s)
    assert result.z == pytest.approx(z_scipy * (abs(result.s) - 1) / abs(result.s), rel=1e-9)


@pytest.mark.parametrize("seed", range(4))
def test_sen_slope_matches_theilslopes_with_gaps(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(0.5 * np.arange(20), 2.0)
    x[rng.choice(20, 5, replace=False)] = np.nan
    keep = ~np.isnan(x)
    expected = stats.theilslopes(x[keep], np.arange(20)[keep]).slope
    assert mann_kendall(x.tolist()).sen_slope == pytest.approx(expected, rel=1e-12)


def test_undefined_cases() -> None:
    assert mann_kendall([None, 4]) == MannKendallResult(None, None, None, None)
    assert mann_kendall([]) == MannKendallResult(None, None, None, None)
    flat = mann_kendall([3, 3, 3])
    assert (flat.s, flat.z, flat.p, flat.sen_slope) == (0, None, None, 0.0)
    two = mann_kendall([1, 2])  # S = 1, var = 2*1*9/18 = 1, z = 0
    assert (two.s, two.z, two.p, two.sen_slope) == (1, 0.0, 1.0, 1.0)


def test_many_series_equal_one_at_a_time() -> None:
    rng = np.random.default_rng(3)
    series = rng.integers(0, 5, size=(400, 9)).astype(float)
    series[rng.random(series.shape) < 0.2] = np.nan
    series[0] = np.nan
    result = mann_kendall_many(series)
    for row, values in enumerate(series):
        single = mann_kendall(values)
        for name in ("s", "z", "p", "sen_slope"):
            value = getattr(single, name)
            if value is None:
                assert np.isnan(result[name][row])
            else:
                assert result[name][row] == pytest.approx(value, rel=1e-12, abs=1e-15)
