"""Change points in the level of a series: exact PELT with a squared-error cost (Killick 2012)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from analytics._arrays import as_float_array
from analytics.exceptions import InvalidInput

MIN_SEGMENT = 2
_MAD_TO_SD = 1.4826  # 1 / Phi^-1(3/4): makes the MAD a consistent estimate of a normal SD


def default_penalty(values: Sequence[float | None] | np.ndarray) -> float | None:
    """The penalty ``2 * sigma**2 * ln(n)`` with ``sigma`` estimated robustly from differences.

    ``sigma = 1.4826 * MAD(diff(x)) / sqrt(2)``: successive differences cancel the level, so a
    few level shifts do not inflate the noise estimate (they become a few outlying differences,
    which the median absolute deviation ignores), and ``Var(x[i+1] - x[i]) = 2 sigma**2`` for
    independent noise. When the MAD is 0 (more than half the differences equal) the plain SD of
    the differences divided by ``sqrt(2)`` is used; when that is 0 too the series has no noise
    to compare a shift with and the penalty is ``None`` (no change points). Missing values are
    skipped. Returns ``None`` for fewer than 3 values.

    Examples
    --------
    >>> round(default_penalty([0, 1, 0, 1, 0, 1]), 4)
    2.1501
    """
    x = as_float_array(values)
    x = x[~np.isnan(x)]
    if x.size < 3:
        return None
    sigma = _robust_sigma(np.diff(x))
    if sigma == 0.0:
        return None
    return 2.0 * sigma**2 * math.log(x.size)


def _robust_sigma(diffs: np.ndarray) -> float:
    mad = float(np.median(np.abs(diffs - np.median(diffs))))
    if mad > 0.0:
        return _MAD_TO_SD * mad / math.sqrt(2.0)
    return float(np.std(diffs, ddof=1 if diffs.size > 1 else 0)) / math.sqrt(2.0)


def changepoints(values: Sequence[float | None], penalty: float | None = None) -> list[int]:
    """Find the positions where the level of a series shifts.

    Exact PELT: the segmentation minimising the sum over segments of the squared deviations
    from the segment mean, plus ``penalty`` once per change point, with every segment at least
    2 values long and every position allowed. Pruning discards start points that can never be
    optimal again, so the result equals plain optimal partitioning.

    Parameters
    ----------
    values : sequence of float or None
        The series in time order (e.g. wave means); ``None``/NaN are skipped.
    penalty : float, optional
        Cost of one extra change point; default :func:`default_penalty` (``2 sigma^2 ln n``).

    Returns
    -------
    list of int
        0-based positions in the original ``values`` where each new segment starts.

    References
    ----------
    Killick R, Fearnhead P, Eckley IA (2012). Optimal detection of changepoints with a linear
    computational cost. JASA 107(500): 1590-1598.

    Examples
    --------
    >>> changepoints([50, 51, 49, 50, 30, 31, 29, 30])
    [4]
    """
    x = as_float_array(values)
    positions = np.flatnonzero(~np.isnan(x))
    y = x[positions]
    if y.size < 2 * MIN_SEGMENT:
        return []
    beta = _checked_penalty(penalty, y)
    if beta is None:
        return []
    return [int(positions[i]) for i in _pelt(y - y.mean(), beta)]


def _checked_penalty(penalty: float | None, y: np.ndarray) -> float | None:
    if penalty is None:
        return default_penalty(y)
    beta = float(penalty)
    if not math.isfinite(beta) or beta < 0:
        raise InvalidInput(f"penalty must be a finite number >= 0, got {penalty!r}")
    return beta


def _pelt(y: np.ndarray, beta: float) -> list[int]:
    """Segment starts (indices into ``y``, excluding 0) of the optimal segmentation."""
    n = y.size
    s1 = np.concatenate(([0.0], np.cumsum(y))).tolist()
    s2 = np.concatenate(([0.0], np.cumsum(y * y))).tolist()
    best = [math.inf] * (n + 1)
    best[0] = -beta
    last = [0] * (n + 1)
    live: list[int] = [0]  # starts still able to begin the last segment
    dead_after: dict[int, list[int]] = {}
    for t in range(MIN_SEGMENT, n + 1):
        # A start pruned at time u may still be optimal at u + 1, whose last segment [u, u + 1)
        # would be too short to use u instead; it is dropped from time u + MIN_SEGMENT on.
        dropped = set(dead_after.pop(t - MIN_SEGMENT, ()))
        if dropped:
            live = [s for s in live if s not in dropped]
        if t - MIN_SEGMENT >= MIN_SEGMENT:
            live.append(t - MIN_SEGMENT)
        totals = []
        for s in live:
            seg = s2[t] - s2[s] - (s1[t] - s1[s]) ** 2 / (t - s)
            totals.append((best[s] + seg, s))
        value, start = min(totals)
        best[t] = value + beta
        last[t] = start
        dead_after[t] = [s for total, s in totals if total > value + beta]
    starts = []
    t = last[n]
    while t > 0:
        starts.append(t)
        t = last[t]
    return starts[::-1]


def changepoints_many(series: np.ndarray, penalty: float | None = None) -> list[list[int]]:
    """:func:`changepoints` for every row of a 2-d array at once (NaN marks a missing value).

    Plain optimal partitioning vectorised over the rows (rows with the same number of values
    are solved together), which gives exactly the segmentation of :func:`changepoints` with the
    same tie-break (the earliest last change point wins) but is far faster for thousands of
    short series. Each row gets its own :func:`default_penalty` unless ``penalty`` is given.

    Examples
    --------
    >>> changepoints_many(np.array([[50, 51, 49, 50, 30, 31, 29, 30], [1, 2, 1, 2, 1, 2, 1, 2]]))
    [[4], []]
    """
    data = np.asarray(series, dtype="float64")
    if data.ndim != 2:
        raise InvalidInput(f"series must be a 2-d array, got {data.ndim} dimensions")
    valid = ~np.isnan(data)
    lengths = valid.sum(axis=1)
    found: list[list[int]] = [[] for _ in range(data.shape[0])]
    for m in np.unique(lengths[lengths >= 2 * MIN_SEGMENT]):
        rows = np.flatnonzero(lengths == m)
        columns = np.nonzero(valid[rows])[1].reshape(rows.size, m)
        y = data[rows[:, None], columns]
        beta = (
            _penalties(y) if penalty is None else np.full(rows.size, _checked_penalty(penalty, y))
        )
        keep = ~np.isnan(beta)
        y = y - y.mean(axis=1, keepdims=True)
        starts = _optimal_partition(y[keep], beta[keep])
        for row, cols, row_starts in zip(rows[keep], columns[keep], starts, strict=True):
            found[row] = [int(cols[i]) for i in row_starts]
    return found


def _penalties(y: np.ndarray) -> np.ndarray:
    """Row-wise :func:`default_penalty`; NaN where it is ``None``."""
    diffs = np.diff(y, axis=1)
    mad = np.median(np.abs(diffs - np.median(diffs, axis=1, keepdims=True)), axis=1)
    sigma = np.where(
        mad > 0, _MAD_TO_SD * mad, np.std(diffs, axis=1, ddof=1 if diffs.shape[1] > 1 else 0)
    ) / math.sqrt(2.0)
    with np.errstate(invalid="ignore"):
        return np.where(sigma > 0, 2.0 * sigma**2 * math.log(y.shape[1]), np.nan)


def _optimal_partition(y: np.ndarray, beta: np.ndarray) -> list[list[int]]:
    rows, n = y.shape
    s1 = np.concatenate((np.zeros((rows, 1)), np.cumsum(y, axis=1)), axis=1)
    s2 = np.concatenate((np.zeros((rows, 1)), np.cumsum(y * y, axis=1)), axis=1)
    best = np.full((rows, n + 1), np.inf)
    best[:, 0] = -beta
    last = np.zeros((rows, n + 1), dtype=np.int64)
    everyone = np.arange(rows)
    for t in range(MIN_SEGMENT, n + 1):
        starts = np.array([0, *range(MIN_SEGMENT, t - MIN_SEGMENT + 1)])
        seg = (s2[:, [t]] - s2[:, starts]) - (s1[:, [t]] - s1[:, starts]) ** 2 / (t - starts)
        totals = best[:, starts] + seg
        choice = np.argmin(totals, axis=1)
        best[:, t] = totals[everyone, choice] + beta
        last[:, t] = starts[choice]
    result = []
    for row in last.tolist():
        row_starts = []
        t = row[n]
        while t > 0:
            row_starts.append(t)
            t = row[t]
        result.append(row_starts[::-1])
    return result
