"""Two unpaired groups compared: Welch t, Mann-Whitney U, Cohen's d and Cliff's delta.

Everything is computed from score histograms (counts on a common grid of score values), which
are sufficient statistics for all four: raw samples are histogrammed first. The vectorised core
compares many pairs of groups at once for the aggregate views.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import special, stats

from analytics._arrays import as_float_array, optional_float
from analytics.exceptions import InvalidInput
from analytics.results import GroupComparison

COMPARISON_FIELDS = (
    "n_earlier",
    "n_later",
    "mean_earlier",
    "mean_later",
    "difference",
    "welch_t",
    "welch_df",
    "welch_p",
    "mannwhitney_p",
    "cohens_d",
    "cliffs_delta",
)
_EXACT_MAX_N = 8  # scipy's 'auto' uses the exact Mann-Whitney null distribution up to here


def compare_groups(
    earlier: Sequence[float | None] | np.ndarray, later: Sequence[float | None] | np.ndarray
) -> GroupComparison:
    """Compare the scores of two unpaired groups of respondents (e.g. two waves).

    Welch's t-test (no equal-variance assumption; ``welch_t`` is positive when ``later`` is
    higher), the two-sided Mann-Whitney U test as a robustness check (scipy's automatic choice:
    the exact distribution when a group has at most 8 values and there are no ties, otherwise
    the normal approximation with tie correction and continuity correction), Cohen's d with the
    pooled SD (positive when ``later`` is higher) and Cliff's delta ``P(later > earlier) -
    P(later < earlier)``.

    Parameters
    ----------
    earlier, later : sequence of float or None
        Lists, numpy arrays or pandas Series (nullable ``Int64``/``Float64`` included); missing
        values are dropped.

    Returns
    -------
    GroupComparison
        The tests and d are ``None`` with fewer than 2 values in a group; t, df, p and d are
        ``None`` when both groups have zero variance; means and delta need one value per group.

    References
    ----------
    Welch BL (1947). Biometrika 34: 28-35. Mann HB, Whitney DR (1947). Ann Math Stat 18: 50-60.
    Cohen J (1988). Statistical power analysis. Cliff N (1993). Psychol Bull 114: 494-509.

    Examples
    --------
    >>> r = compare_groups([50, 50, 75, 25], [75, 75, 100, 50])
    >>> r.difference, r.cliffs_delta
    (25.0, 0.625)
    """
    first = as_float_array(earlier)
    second = as_float_array(later)
    first, second = first[~np.isnan(first)], second[~np.isnan(second)]
    grid = np.unique(np.concatenate((first, second)))
    counts_first = np.bincount(np.searchsorted(grid, first), minlength=grid.size)
    counts_second = np.bincount(np.searchsorted(grid, second), minlength=grid.size)
    return compare_histograms(grid, counts_first, counts_second)


def compare_histograms(
    scores: Sequence[float] | np.ndarray,
    earlier_counts: Sequence[int] | np.ndarray,
    later_counts: Sequence[int] | np.ndarray,
) -> GroupComparison:
    """:func:`compare_groups` on two histograms over the same score values.

    Examples
    --------
    >>> compare_histograms([25, 50, 75, 100], [1, 2, 1, 0], [0, 1, 2, 1]).cliffs_delta
    0.625
    """
    grid = np.asarray(scores, dtype="float64")
    columns = compare_histograms_many(
        grid, np.asarray(earlier_counts)[None, :], np.asarray(later_counts)[None, :]
    )
    values = {name: columns[name][0] for name in COMPARISON_FIELDS}
    return GroupComparison(
        n_earlier=int(values.pop("n_earlier")),
        n_later=int(values.pop("n_later")),
        **{name: optional_float(value) for name, value in values.items()},
    )


def compare_histograms_many(
    scores: np.ndarray, earlier_counts: np.ndarray, later_counts: np.ndarray
) -> dict[str, np.ndarray]:
    """Compare many pairs of histograms at once; undefined values are NaN.

    ``earlier_counts`` and ``later_counts`` have shape ``(pairs, len(scores))``; the result maps
    every :class:`GroupComparison` field name to an array of length ``pairs``.
    """
    grid = np.asarray(scores, dtype="float64")
    first = _checked_counts(earlier_counts, grid)
    second = _checked_counts(later_counts, grid)
    n1, n2 = first.sum(axis=1), second.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean1, mean2 = (first @ grid) / n1, (second @ grid) / n2
        var1 = (first * (grid - mean1[:, None]) ** 2).sum(axis=1) / (n1 - 1)
        var2 = (second * (grid - mean2[:, None]) ** 2).sum(axis=1) / (n2 - 1)
        testable = (n1 >= 2) & (n2 >= 2)
        se1, se2 = var1 / n1, var2 / n2
        se2_total = np.where(testable & (se1 + se2 > 0), se1 + se2, np.nan)
        welch_t = (mean2 - mean1) / np.sqrt(se2_total)
        welch_df = se2_total**2 / (se1**2 / (n1 - 1) + se2**2 / (n2 - 1))
        welch_p = 2.0 * stats.t.sf(np.abs(welch_t), welch_df)
        pooled = np.sqrt(((n1 - 1) * var1 + (n2 - 1) * var2) / (n1 + n2 - 2))
        cohens_d = np.where(testable & (pooled > 0), (mean2 - mean1) / pooled, np.nan)
        greater, ties = _pair_orders(first, second)
        pairs = n1 * n2
        cliffs_delta = (2.0 * greater + ties - pairs) / pairs
    mannwhitney_p = np.where(testable, _mannwhitney_p(grid, first, second, greater, ties), np.nan)
    return {
        "n_earlier": n1,
        "n_later": n2,
        "mean_earlier": mean1,
        "mean_later": mean2,
        "difference": mean2 - mean1,
        "welch_t": welch_t,
        "welch_df": welch_df,
        "welch_p": welch_p,
        "mannwhitney_p": mannwhitney_p,
        "cohens_d": cohens_d,
        "cliffs_delta": cliffs_delta,
    }


def _checked_counts(counts: np.ndarray, grid: np.ndarray) -> np.ndarray:
    array = np.asarray(counts)
    if array.ndim != 2 or array.shape[1] != grid.size:
        raise InvalidInput(f"counts must have shape (pairs, {grid.size}), got {array.shape}")
    if array.size and (array.min() < 0 or not np.array_equal(array, np.round(array))):
        raise InvalidInput("histogram counts must be whole numbers >= 0")
    return array.astype("int64")


def _pair_orders(first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per pair: how many (earlier, later) pairs have later > earlier, and how many tie."""
    below = np.cumsum(first, axis=1) - first  # earlier values strictly below each grid point
    greater = (second * below).sum(axis=1).astype("float64")
    ties = (second * first).sum(axis=1).astype("float64")
    return greater, ties


def _mannwhitney_p(
    grid: np.ndarray, first: np.ndarray, second: np.ndarray, greater: np.ndarray, ties: np.ndarray
) -> np.ndarray:
    """Two-sided p as scipy.stats.mannwhitneyu(method='auto', use_continuity=True) gives it."""
    n1, n2 = first.sum(axis=1), second.sum(axis=1)
    n = n1 + n2
    u_later = greater + 0.5 * ties
    u = np.maximum(u_later, n1 * n2 - u_later)
    together = first + second
    tie_term = (together**3 - together).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        sd = np.sqrt(n1 * n2 / 12.0 * ((n + 1) - tie_term / (n * (n - 1))))
        p: np.ndarray = np.clip(2.0 * special.ndtr(-(u - n1 * n2 / 2.0 - 0.5) / sd), 0.0, 1.0)
    exact = (np.minimum(n1, n2) <= _EXACT_MAX_N) & (together.max(axis=1, initial=0) <= 1)
    for row in np.flatnonzero(exact & (n1 >= 1) & (n2 >= 1)):
        sample1, sample2 = np.repeat(grid, first[row]), np.repeat(grid, second[row])
        p[row] = stats.mannwhitneyu(sample2, sample1, method="exact").pvalue
    return p
