"""Two-group comparisons against scipy and hand-worked effect sizes."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analytics import InvalidInput, compare_groups, compare_histograms
from analytics.comparisons import compare_histograms_many

EARLIER = [50, 50, 75, 25]
LATER = [75, 75, 100, 50]


def _samples(seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    grid = np.arange(0, 101, 12.5)
    return [
        (rng.choice(grid, 12), rng.choice(grid, 15)),  # ties, asymptotic Mann-Whitney
        (rng.normal(50, 10, 6), rng.normal(58, 14, 7)),  # no ties, small: exact Mann-Whitney
        (rng.normal(50, 10, 30), rng.normal(55, 20, 9)),  # no ties, large: asymptotic
        (rng.choice(grid, 3), rng.choice(grid, 40)),  # very unequal sizes
        (np.array([50.0, 50.0, 50.0]), rng.choice(grid, 5)),  # one group without variance
    ]


# scipy warns about the constant reference group; the comparison is still exact.
@pytest.mark.filterwarnings("ignore:Precision loss occurred:RuntimeWarning")
@pytest.mark.parametrize("seed", range(6))
def test_welch_matches_scipy(seed: int) -> None:
    for earlier, later in _samples(seed):
        result = compare_groups(earlier, later)
        reference = stats.ttest_ind(later, earlier, equal_var=False)
        assert result.welch_t == pytest.approx(reference.statistic, rel=1e-9)
        assert result.welch_df == pytest.approx(reference.df, rel=1e-9)
        assert result.welch_p == pytest.approx(reference.pvalue, rel=1e-9, abs=1e-15)


@pytest.mark.parametrize("seed", range(6))
def test_mann_whitney_matches_scipy_auto(seed: int) -> None:
    for earlier, later in _samples(seed):
        result = compare_groups(earlier, later)
        reference = stats.mannwhitneyu(later, earlier, alternative="two-sided")
        assert result.mannwhitney_p == pytest.approx(reference.pvalue, rel=1e-9, abs=1e-15)


def test_effect_sizes_worked_by_hand() -> None:
    result = compare_groups(EARLIER, LATER)
    # Means 50 and 75; both variances (0 + 0 + 625 + 625) / 3, so the pooled SD is
    # sqrt(1250 / 3) and d = 25 / sqrt(1250 / 3) = sqrt(1.5).
    assert (result.mean_earlier, result.mean_later, result.difference) == (50.0, 75.0, 25.0)
    assert result.cohens_d == pytest.approx(math.sqrt(1.5), rel=1e-12)
    # Of the 16 (later, earlier) pairs 11 have later higher, 4 tie and 1 has later lower:
    # delta = (11 - 1) / 16.
    assert result.cliffs_delta == 0.625


def test_effect_sizes_against_direct_formulas() -> None:
    rng = np.random.default_rng(11)
    earlier, later = rng.integers(0, 5, 23) * 25.0, rng.integers(1, 5, 17) * 25.0
    result = compare_groups(earlier, later)
    n1, n2 = earlier.size, later.size
    pooled = math.sqrt(
        ((n1 - 1) * earlier.var(ddof=1) + (n2 - 1) * later.var(ddof=1)) / (n1 + n2 - 2)
    )
    assert result.cohens_d == pytest.approx((later.mean() - earlier.mean()) / pooled, rel=1e-12)
    signs = np.sign(later[:, None] - earlier[None, :])
    assert result.cliffs_delta == pytest.approx(signs.mean(), rel=1e-12)


def test_effects_are_positive_when_later_is_higher() -> None:
    result = compare_groups([20, 30, 40], [60, 70, 80])
    assert result.welch_t > 0 and result.cohens_d > 0 and result.cliffs_delta == 1.0
    reverse = compare_groups([60, 70, 80], [20, 30, 40])
    assert reverse.welch_t < 0 and reverse.cohens_d < 0 and reverse.cliffs_delta == -1.0


def test_nullable_pandas_dtypes_are_converted() -> None:
    earlier = pd.Series([50, 50, None, 75, 25], dtype="Int64")
    later = pd.Series([75.0, 75.0, 100.0, None, 50.0], dtype="Float64")
    assert compare_groups(earlier, later) == compare_groups(EARLIER, LATER)
    assert compare_groups(np.array(EARLIER), [75, None, 75, 100, float("nan"), 50]) == (
        compare_groups(EARLIER, LATER)
    )


def test_zero_variance_in_both_groups() -> None:
    result = compare_groups([50, 50, 50], [75, 75])
    assert result.welch_t is None and result.welch_df is None and result.welch_p is None
    assert result.cohens_d is None
    assert result.difference == 25.0 and result.cliffs_delta == 1.0
    reference = stats.mannwhitneyu([75, 75], [50, 50, 50])
    assert result.mannwhitney_p == pytest.approx(reference.pvalue)
    same = compare_groups([50, 50], [50, 50])
    assert same.mannwhitney_p == stats.mannwhitneyu([50, 50], [50, 50]).pvalue == 1.0


def test_fewer_than_two_per_group() -> None:
    result = compare_groups([50], [75, 100, 25])
    assert (result.n_earlier, result.n_later) == (1, 3)
    assert result.mean_earlier == 50.0 and result.difference == pytest.approx(200 / 3 - 50)
    assert result.welch_p is None and result.mannwhitney_p is None and result.cohens_d is None
    assert result.cliffs_delta == pytest.approx(1 / 3)  # 100 above, 25 below, 75 above
    empty = compare_groups([], [None, 3])
    assert (empty.n_earlier, empty.mean_earlier, empty.difference) == (0, None, None)
    assert empty.cliffs_delta is None


def test_results_are_plain_python_values() -> None:
    result = compare_groups(np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 7.0]))
    for name in ("mean_later", "welch_t", "welch_df", "welch_p", "mannwhitney_p", "cohens_d"):
        assert type(getattr(result, name)) is float
    assert type(result.n_later) is int


def test_histograms_give_the_raw_data_results() -> None:
    scores = [25.0, 50.0, 75.0, 100.0]
    result = compare_histograms(scores, [1, 2, 1, 0], [0, 1, 2, 1])
    raw = stats.ttest_ind(LATER, EARLIER, equal_var=False)
    assert result.welch_p == pytest.approx(raw.pvalue, rel=1e-12)
    assert result.mannwhitney_p == pytest.approx(stats.mannwhitneyu(LATER, EARLIER).pvalue)
    assert result.cliffs_delta == 0.625


def test_many_pairs_of_histograms_against_scipy() -> None:
    rng = np.random.default_rng(5)
    scores = np.array([0.0, 12.5, 25.0, 37.5, 50.0, 62.5, 75.0, 87.5, 100.0])
    earlier = rng.integers(0, 4, size=(200, scores.size))
    later = rng.integers(0, 4, size=(200, scores.size))
    later[:20] = 0
    later[:20, rng.integers(0, scores.size, 20)] = 1  # a single respondent: no tests
    earlier[20:40], later[20:40] = 0, 0
    earlier[20:40, :5] = 1  # five and four distinct values, no ties: exact Mann-Whitney
    later[20:40, 5:] = 1
    later[30:40, 4] = 1  # ... and one tie in half of them: asymptotic again
    result = compare_histograms_many(scores, earlier, later)
    for row in range(200):
        first, second = np.repeat(scores, earlier[row]), np.repeat(scores, later[row])
        if first.size < 2 or second.size < 2:
            assert np.isnan(result["welch_p"][row]) and np.isnan(result["mannwhitney_p"][row])
            continue
        welch = stats.ttest_ind(second, first, equal_var=False)
        mann_whitney = stats.mannwhitneyu(second, first)
        assert result["welch_p"][row] == pytest.approx(welch.pvalue, rel=1e-9, abs=1e-15)
        assert result["mannwhitney_p"][row] == pytest.approx(mann_whitney.pvalue, rel=1e-9)


def test_histogram_counts_must_be_whole_and_non_negative() -> None:
    with pytest.raises(InvalidInput):
        compare_histograms([1.0, 2.0], [1, -1], [1, 1])
    with pytest.raises(InvalidInput):
        compare_histograms([1.0, 2.0], [1.5, 1], [1, 1])
    with pytest.raises(InvalidInput):
        compare_histograms([1.0, 2.0, 3.0], [1, 1], [1, 1])
