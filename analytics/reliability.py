"""Internal consistency of a multi-item scale: Cronbach's alpha."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analytics.exceptions import InvalidInput


def cronbach_alpha(
    items: pd.DataFrame | np.ndarray | Sequence[Sequence[float | None]],
) -> float | None:
    """Cronbach's alpha of a scale; rows are respondents, columns items.

    ``alpha = k / (k - 1) * (1 - sum of item variances / variance of the sum score)`` on the
    respondents who answered every item (listwise deletion); sample variances (ddof 1).

    Parameters
    ----------
    items : DataFrame, 2-d array or list of rows
        Item points or raw answers; ``None``/NaN is a missing answer.

    Returns
    -------
    float or None
        ``None`` with fewer than 2 items, fewer than 2 complete rows, or zero total variance.

    References
    ----------
    Cronbach LJ (1951). Coefficient alpha and the internal structure of tests.
    Psychometrika 16(3): 297-334.

    Examples
    --------
    >>> cronbach_alpha([[1, 2], [2, 3], [3, 3], [4, 5]])
    0.96
    """
    if isinstance(items, pd.DataFrame):
        matrix = items.to_numpy(dtype="float64", na_value=np.nan)
    elif isinstance(items, np.ndarray):
        matrix = items.astype("float64")
    else:
        rows = [[np.nan if v is None else v for v in row] for row in items]
        matrix = np.array(rows, dtype="float64") if rows else np.empty((0, 0))
    if matrix.ndim != 2:
        raise InvalidInput("items must be a table: one row per respondent, one column per item")
    complete = matrix[~np.isnan(matrix).any(axis=1)]
    n_rows, n_items = (int(size) for size in complete.shape)
    if n_items < 2 or n_rows < 2:
        return None
    total_variance = float(np.var(complete.sum(axis=1), ddof=1))
    if total_variance == 0.0:
        return None
    item_variance = float(np.var(complete, axis=0, ddof=1).sum())
    return n_items / (n_items - 1) * (1.0 - item_variance / total_variance)


def cronbach_alpha_from_moments(
    *, n_items: int, n_complete: int, item_variance_sum: float | None, total_variance: float | None
) -> float | None:
    """Cronbach's alpha from the moments a database computes, so no answer row leaves storage.

    Same formula and the same ``None`` cases as :func:`cronbach_alpha`: ``item_variance_sum`` is
    the sum of the items' sample variances and ``total_variance`` the sample variance of the sum
    score, both over the ``n_complete`` respondents who answered every item.

    References
    ----------
    Cronbach LJ (1951). Coefficient alpha and the internal structure of tests.
    Psychometrika 16(3): 297-334.

    Examples
    --------
    >>> alpha = cronbach_alpha_from_moments(n_items=2, n_complete=4, item_variance_sum=3.25,
    ...                                     total_variance=6.25)
    >>> round(alpha, 4)
    0.96
    """
    if n_items < 2 or n_complete < 2 or item_variance_sum is None or not total_variance:
        return None
    return n_items / (n_items - 1) * (1.0 - item_variance_sum / total_variance)
