"""Anhøj run-chart rules: the published limits, hand-worked series, ties, gaps and baselines."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analytics import AnhoejResult, InvalidInput, anhoej
from analytics.runchart import crossings_limit, longest_run_limit

# Anhøj & Olesen 2014, PLoS ONE 9(11): e113825, Table 1 (also qicharts2's "Critical values"
# appendix): useful observations -> (upper limit for the longest run, lower limit for the
# number of crossings). A signal is longest run > the first or crossings < the second.
# NOTE: the brief quoted "n=10: crossings < 3"; by the definition qbinom(0.05, 9, 0.5) the
# limit is 2 (P(X <= 1) = 10/512 = 0.020 < 0.05 <= P(X <= 2) = 46/512 = 0.090); 3 is n = 12.
ANHOEJ_TABLE = {
    10: (6, 2),
    11: (6, 2),
    12: (7, 3),
    13: (7, 3),
    14: (7, 4),
    15: (7, 4),
    16: (7, 4),
    17: (7, 5),
    18: (7, 5),
    19: (7, 6),
    20: (7, 6),
    21: (7, 6),
    22: (7, 7),
    23: (8, 7),
    24: (8, 8),
    25: (8, 8),
    26: (8, 8),
    27: (8, 9),
    28: (8, 9),
    29: (8, 10),
    30: (8, 10),
}


@pytest.mark.parametrize("n", sorted(ANHOEJ_TABLE))
def test_limits_match_the_published_table(n: int) -> None:
    assert (longest_run_limit(n), crossings_limit(n)) == ANHOEJ_TABLE[n]


@pytest.mark.parametrize("n", sorted(ANHOEJ_TABLE))
def test_anhoej_reports_the_table_limits(n: int) -> None:
    # Alternating values around a frozen median of 0.5: every one of the n values is useful.
    values = [float(i % 2) for i in range(n)]
    result = anhoej(values, baseline_n=2)
    assert result.n_useful == n
    assert (result.longest_run_max, result.n_crossings_min) == ANHOEJ_TABLE[n]


@pytest.mark.parametrize("n", [2, 5, 10, 17, 20, 30, 45, 46, 100])
def test_crossings_limit_is_the_binomial_5th_percentile(n: int) -> None:
    assert crossings_limit(n) == int(stats.binom.ppf(0.05, n - 1, 0.5))


def test_crossings_limits_worked_by_hand() -> None:
    # n = 20: sum_{i<=5} C(19, i) = 16664 -> 16664 / 2**19 = 0.032 < 0.05;
    #         adding C(19, 6) = 27132 gives 43796 / 524288 = 0.084 >= 0.05, so the limit is 6.
    assert crossings_limit(20) == 6
    # n = 30: sum_{i<=9} C(29, i) = 16489546 -> 0.031; + C(29, 10) = 20030010 -> 0.068: 10.
    assert crossings_limit(30) == 10
    # n = 1 (qbinom(0.05, 0, 0.5) = 0) and n = 4 (P(X <= 0) = 1/8 >= 0.05): both 0.
    assert crossings_limit(1) == 0
    assert crossings_limit(4) == 0


def test_longest_run_limit_rounds_log2() -> None:
    # log2(22) = 4.46 -> 4 and log2(23) = 4.52 -> 5; log2(45) = 5.49 -> 5, log2(46) = 5.52 -> 6.
    assert [longest_run_limit(n) for n in (22, 23, 45, 46)] == [7, 8, 8, 9]
    assert longest_run_limit(1) == 3
    with pytest.raises(InvalidInput):
        longest_run_limit(0)


def test_a_steady_climb_has_too_few_crossings() -> None:
    result = anhoej(list(range(1, 13)))
    # median 6.5; six values below then six above: one crossing, longest run 6.
    assert result == AnhoejResult(
        median=6.5,
        n_useful=12,
        longest_run=6,
        longest_run_max=7,
        n_crossings=1,
        n_crossings_min=3,
        long_run_signal=False,
        few_crossings_signal=True,
        runs_signal=True,
    )


def test_a_long_run_after_a_frozen_baseline() -> None:
    # Baseline [1, 2, 3, 4] has median 2.5; signs - - + + then seven more + : runs 2 and 9.
    result = anhoej([1, 2, 3, 4] + [10] * 7, baseline_n=4)
    assert result.median == 2.5
    assert (result.n_useful, result.longest_run, result.n_crossings) == (11, 9, 1)
    assert (result.longest_run_max, result.n_crossings_min) == (6, 2)
    assert result.long_run_signal and result.few_crossings_signal and result.runs_signal


def test_random_looking_series_gives_no_signal() -> None:
    values = [5, 3, 6, 2, 7, 4, 8, 1, 6, 3, 7, 2]
    result = anhoej(values)
    # median 4.5: + - + - + - + - + - + - : 12 useful, runs of 1, 11 crossings.
    assert (result.median, result.longest_run, result.n_crossings) == (4.5, 1, 11)
    assert not result.runs_signal


def test_points_on_the_median_are_not_useful() -> None:
    result = anhoej([1, 2, 2, 3, 2, 1, 3])
    # median 2; useful are 1 3 1 3 -> runs of 1, 3 crossings; 4 useful -> limits 5 and 0.
    assert (result.median, result.n_useful, result.longest_run, result.n_crossings) == (
        2.0,
        4,
        1,
        3,
    )
    assert (result.longest_run_max, result.n_crossings_min) == (5, 0)
    assert not result.runs_signal


def test_a_point_on_the_median_does_not_break_a_run() -> None:
    # median of [1, 1, 2, 3, 3] is 2: signs - - (0) + + : one crossing, runs of 2.
    result = anhoej([1, 1, 2, 3, 3])
    assert (result.n_useful, result.longest_run, result.n_crossings) == (4, 2, 1)


def test_missing_waves_are_skipped() -> None:
    with_gaps = anhoej([1, None, 3, float("nan"), 1, 3])
    assert with_gaps == anhoej([1, 3, 1, 3])
    assert (with_gaps.median, with_gaps.n_useful, with_gaps.n_crossings) == (2.0, 4, 3)


def test_baseline_counts_positions_including_missing_ones() -> None:
    # First three positions are None, 1, 3: median 2. Then 10, 10: signs - + + +.
    result = anhoej([None, 1, 3, 10, 10], baseline_n=3)
    assert (result.median, result.longest_run, result.n_crossings) == (2.0, 3, 1)
    # A baseline longer than the series is the whole series (qicharts2: xx <= freeze).
    assert anhoej([1, 2, 3], baseline_n=10) == anhoej([1, 2, 3])


def test_nullable_pandas_input() -> None:
    series = pd.Series([1, None, 3, 1, 3], dtype="Int64")
    assert anhoej(series) == anhoej([1, 3, 1, 3])


def test_no_useful_values() -> None:
    on_median = anhoej([2, 2, 2])
    assert on_median.median == 2.0 and on_median.n_useful == 0
    assert on_median.longest_run is None and on_median.n_crossings_min is None
    assert not (on_median.runs_signal or on_median.long_run_signal)
    empty = anhoej([None, float("nan")])
    assert empty == AnhoejResult(None, 0, None, None, None, None, False, False, False)
    assert anhoej([]) == empty
    assert anhoej([None, 5, 6], baseline_n=1).median is None


def test_one_useful_value() -> None:
    result = anhoej([1, 2], baseline_n=1)
    assert (result.n_useful, result.longest_run, result.n_crossings) == (1, 1, 0)
    assert (result.longest_run_max, result.n_crossings_min) == (3, 0)


def test_results_are_plain_python_values() -> None:
    result = anhoej(np.array([1.0, 5.0, 2.0, 6.0, 3.0]))
    assert type(result.median) is float
    assert all(type(v) is int for v in (result.n_useful, result.longest_run, result.n_crossings))
    assert type(result.runs_signal) is bool and type(result.long_run_signal) is bool


@pytest.mark.parametrize("bad", [0, -1, True])
def test_baseline_must_be_a_positive_count(bad: int) -> None:
    with pytest.raises(InvalidInput):
        anhoej([1, 2, 3], baseline_n=bad)


def test_limits_grow_like_log2_and_binomial() -> None:
    # Independent check over a wide range: the R expressions written with math and scipy.
    for n in range(1, 200):
        assert longest_run_limit(n) == math.floor(math.log2(n) + 0.5) + 3
        assert crossings_limit(n) == int(stats.binom.ppf(0.05, n - 1, 0.5))
