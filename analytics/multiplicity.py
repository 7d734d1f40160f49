"""Benjamini-Hochberg adjustment of p-values for the false discovery rate (scipy's
``false_discovery_control``), with missing values kept outside the family."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import stats

from analytics._arrays import as_float_array
from analytics.exceptions import InvalidInput


def bh_adjust(p_values: Sequence[float | None] | np.ndarray) -> list[float | None]:
    """Benjamini-Hochberg adjusted p-values, in the input order.

    Step-up: sorted ascending, ``p_adj(i) = min over j >= i of p(j) * m / j``, capped at 1, where
    ``m`` counts the p-values that are present. ``None``/NaN entries are not part of the family
    and stay ``None``. A comparison is a discovery at FDR ``q`` when ``p_adj <= q``.

    Parameters
    ----------
    p_values : sequence of float or None
        The family of p-values a view shows (e.g. every unit x construct comparison on a page).

    Returns
    -------
    list of float or None

    References
    ----------
    Benjamini Y, Hochberg Y (1995). Controlling the false discovery rate: a practical and
    powerful approach to multiple testing. J R Stat Soc B 57(1): 289-300.

    Examples
    --------
    >>> bh_adjust([0.01, None, 0.04, 0.03])
    [0.03, None, 0.04, 0.04]
    """
    adjusted = bh_adjust_array(as_float_array(p_values))
    return [None if np.isnan(value) else value for value in adjusted.tolist()]


def bh_adjust_array(p_values: np.ndarray) -> np.ndarray:
    """:func:`bh_adjust` on a float array; NaN marks a p-value outside the family."""
    p = np.asarray(p_values, dtype="float64")
    present = np.flatnonzero(~np.isnan(p))
    if present.size and (p[present].min() < 0 or p[present].max() > 1):
        raise InvalidInput("p-values must lie between 0 and 1")
    adjusted = np.full(p.shape, np.nan)
    if present.size:
        adjusted[present] = stats.false_discovery_control(p[present], method="bh")
    return adjusted
