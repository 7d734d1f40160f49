"""CUSUM average run lengths against the published table, and the threshold search."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analytics.arl import cusum_arl, cusum_threshold

# Montgomery DC (2009), Introduction to Statistical Quality Control, 6th ed., Table 9.3: ARL of
# the two-sided tabular CUSUM with k = 1/2, by shift in SDs, for h = 4 and h = 5.
SHIFTS = [0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0]
TABLE_H4 = [168, 74.2, 26.6, 13.3, 8.38, 4.75, 3.34, 2.62, 2.19, 1.71]
TABLE_H5 = [465, 139, 38.0, 17.0, 10.4, 5.75, 4.01, 3.11, 2.57, 2.01]


def two_sided_arl(k: float, h: float, shift: float = 0.0) -> float:
    """An upper and a lower CUSUM run together: ``1/ARL = 1/ARL_up + 1/ARL_down``.

    Exact when the two charts cannot both be above zero at once (``k >= h/2``), a close
    approximation otherwise (Lucas and Crosier 1982); how Montgomery's table is computed.
    """
    return 1.0 / (1.0 / cusum_arl(k, h, shift) + 1.0 / cusum_arl(k, h, -shift))


def siegmund_arl(k: float, h: float, shift: float = 0.0) -> float:
    """Siegmund's (1985) approximation of the one-sided ARL, with ``b = h + 1.166``: an
    independent check of the integral equation.

    ``ARL = (exp(-2 D b) + 2 D b - 1) / (2 D^2)`` with ``D = shift - k`` (``b**2`` when ``D`` is 0).
    """
    b = h + 1.166
    drift = shift - k
    if drift == 0.0:
        return b * b
    return (math.exp(-2.0 * drift * b) + 2.0 * drift * b - 1.0) / (2.0 * drift * drift)


@pytest.mark.parametrize(("h", "table"), [(4.0, TABLE_H4), (5.0, TABLE_H5)])
def test_two_sided_arl_matches_montgomery_table_9_3(h: float, table: list[float]) -> None:
    for shift, published in zip(SHIFTS, table, strict=True):
        # The table gives three significant figures.
        assert two_sided_arl(0.5, h, shift) == pytest.approx(published, rel=0.006), shift


def test_the_textbook_design_k_half_h_4_77_has_arl_370() -> None:
    # Montgomery (2009), section 9.1.3: h = 4.77 with k = 1/2 gives ARL0 = 370, the Shewhart 3-SD
    # chart's ARL; one-sided that is 740.
    assert two_sided_arl(0.5, 4.77) == pytest.approx(370, rel=0.005)
    assert cusum_threshold(0.5, 740.0) == pytest.approx(4.77, abs=0.005)


@pytest.mark.parametrize("k", [0.25, 0.5, 1.0])
@pytest.mark.parametrize("h", [1.0, 2.5, 4.0, 6.0])
def test_siegmund_approximation_agrees_within_a_few_percent(k: float, h: float) -> None:
    # Siegmund's approximation is good in control for k <= 1 (it degrades for larger k and for
    # run lengths of one or two observations, where nobody uses it).
    assert cusum_arl(k, h) == pytest.approx(siegmund_arl(k, h), rel=0.06)


def test_threshold_zero_is_a_plain_one_sided_limit() -> None:
    # With h = 0 the chart alarms on the first x > k: a geometric run length with p = P(x > k).
    from scipy import stats

    assert cusum_arl(1.0, 0.0) == pytest.approx(1 / stats.norm.sf(1.0), rel=1e-12)
    assert cusum_threshold(1.0, 2.0) == 0.0


def test_arl_by_monte_carlo() -> None:
    rng = np.random.default_rng(7)
    k, h, runs = 1.0, 2.0, 20_000
    lengths = np.zeros(runs)
    s = np.zeros(runs)
    alive = np.ones(runs, dtype=bool)
    step = 0
    while alive.any():
        step += 1
        s[alive] = np.maximum(0.0, s[alive] + rng.normal(size=alive.sum()) - k)
        done = alive & (s > h)
        lengths[done] = step
        alive &= ~done
    # Standard error of the mean run length is about ARL / sqrt(runs): under 1 %.
    assert lengths.mean() == pytest.approx(cusum_arl(k, h), rel=0.03)


@pytest.mark.parametrize("arl", [20.0, 104.0, 312.0, 2000.0])
def test_threshold_inverts_the_arl(arl: float) -> None:
    h = cusum_threshold(1.0, arl)
    assert cusum_arl(1.0, h) == pytest.approx(arl, rel=1e-8)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="h >= 0"):
        cusum_arl(0.5, -1.0)
    with pytest.raises(ValueError, match="above 1"):
        cusum_threshold(0.5, 0.5)
