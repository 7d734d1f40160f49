"""Monotonic trend over waves: the Mann-Kendall test and Sen's slope."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import special

from analytics._arrays import as_float_array
from analytics.results import MannKendallResult


def mann_kendall(values: Sequence[float | None]) -> MannKendallResult:
    """Test a series for a monotonic trend and estimate its slope per time step.

    ``S = sum over i < j of sign(x_j - x_i)``; its variance under no trend, corrected for tied
    values, is ``(n(n-1)(2n+5) - sum over tie groups of t(t-1)(2t+5)) / 18``;
    ``z = (S - sign(S)) / sqrt(var)`` (continuity correction, ``z = 0`` when ``S = 0``) and the
    two-sided ``p = 2 * (1 - Phi(|z|))``. Sen's slope is the median of ``(x_j - x_i) / (j - i)``
    over all pairs, where ``i`` and ``j`` are the positions in the original series, so missing
    waves keep their place in time.

    Parameters
    ----------
    values : sequence of float or None
        The series in time order (e.g. the wave means of one phase); ``None``/NaN are skipped.

    Returns
    -------
    MannKendallResult
        Everything is ``None`` with fewer than 2 values; ``z`` and ``p`` are ``None`` when all
        values are tied (the variance of S is 0).

    References
    ----------
    Mann HB (1945). Nonparametric tests against trend. Econometrica 13: 245-259.
    Kendall MG (1975). Rank correlation methods. Griffin, London.
    Sen PK (1968). Estimates of the regression coefficient based on Kendall's tau.
    JASA 63: 1379-1389.

    Examples
    --------
    >>> r = mann_kendall([1, 3, 2, 4, None, 6])
    >>> r.s, r.sen_slope
    (8, 1.0)
    """
    x = as_float_array(values)
    positions = np.flatnonzero(~np.isnan(x)).astype("float64")
    y = x[~np.isnan(x)]
    n = y.size
    if n < 2:
        return MannKendallResult(None, None, None, None)
    upper_i, upper_j = np.triu_indices(n, k=1)
    differences = y[upper_j] - y[upper_i]
    s = int(np.sign(differences).sum())
    sen_slope = float(np.median(differences / (positions[upper_j] - positions[upper_i])))
    _, tie_sizes = np.unique(y, return_counts=True)
    variance = (
        n * (n - 1) * (2 * n + 5) - float((tie_sizes * (tie_sizes - 1) * (2 * tie_sizes + 5)).sum())
    ) / 18.0
    if variance <= 0.0:
        return MannKendallResult(s, None, None, sen_slope)
    z = (s - math.copysign(1.0, s)) / math.sqrt(variance) if s != 0 else 0.0
    p = float(min(1.0, 2.0 * special.ndtr(-abs(z))))
    return MannKendallResult(s=s, z=z, p=p, sen_slope=sen_slope)


def mann_kendall_many(series: np.ndarray) -> dict[str, np.ndarray]:
    """:func:`mann_kendall` for every row of a 2-d array at once (NaN marks a missing value).

    Returns arrays ``n``, ``s``, ``z``, ``p``, ``sen_slope``; undefined values are NaN.

    Examples
    --------
    >>> mann_kendall_many(np.array([[1, 3, 2, 4, np.nan, 6]]))["s"]
    array([8.])
    """
    y = np.asarray(series, dtype="float64")
    valid = ~np.isnan(y)
    n = valid.sum(axis=1)
    upper_i, upper_j = np.triu_indices(y.shape[1], k=1)
    pair_ok = valid[:, upper_i] & valid[:, upper_j]
    differences = np.where(pair_ok, y[:, upper_j] - y[:, upper_i], 0.0)
    s = np.sign(differences).sum(axis=1)
    slopes = np.where(pair_ok, differences / (upper_j - upper_i), np.nan)
    equal = (y[:, :, None] == y[:, None, :]).sum(axis=2)  # tie-group size of each value
    tie_term = np.where(valid, (equal - 1) * (2 * equal + 5), 0).sum(axis=1)
    variance = (n * (n - 1) * (2 * n + 5) - tie_term) / 18.0
    defined = n >= 2
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(s != 0, (s - np.sign(s)) / np.sqrt(variance), 0.0)
        z = np.where(defined & (variance > 0), z, np.nan)
        p = np.minimum(1.0, 2.0 * special.ndtr(-np.abs(z)))
    sen_slope = np.full(y.shape[0], np.nan)
    if defined.any():
        sen_slope[defined] = np.nanmedian(slopes[defined], axis=1)
    return {"n": n, "s": np.where(defined, s, np.nan), "z": z, "p": p, "sen_slope": sen_slope}
