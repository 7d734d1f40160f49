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
    n_rows, n_items = complete.shape
    if n_items < 2 or n_rows < 2:
        return None
    total_variance = float(np.var(complete.sum(axis=1), ddof=1))
    if total_variance == 0.0:
        return None
    item_variance = float(np.var(complete, axis=0, ddof=1).sum())
    return n_items / (n_items - 1) * (1.0 - item_variance / total_variance)
