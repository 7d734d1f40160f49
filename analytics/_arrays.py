"""Input conversion shared by the analytics: anything list-like to float64, NaN to ``None``."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd


def as_float_array(values: Iterable[Any]) -> np.ndarray:
    """Return ``values`` as a 1-d float64 array with NaN for every missing entry.

    Pandas nullable dtypes (``Int64``, ``Float64``) are converted explicitly: handing them to
    scipy directly silently gives ``nan`` results.
    """
    if isinstance(values, pd.Series | pd.Index | pd.api.extensions.ExtensionArray):
        return np.asarray(values.to_numpy(dtype="float64", na_value=np.nan), dtype="float64")
    if isinstance(values, np.ndarray) and values.dtype.kind in "biuf":
        return values.astype("float64").reshape(-1)
    return np.array([np.nan if is_missing(v) else float(v) for v in values], dtype="float64")


def is_missing(value: Any) -> bool:
    """True for ``None``, ``pd.NA``, ``NaT`` and float NaN."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def optional_float(value: Any) -> float | None:
    """A plain ``float``, or ``None`` when ``value`` is missing or not finite."""
    if is_missing(value):
        return None
    result = float(value)
    return result if math.isfinite(result) else None


def as_timestamp(value: object) -> pd.Timestamp:
    """A frame's date cell (a date, datetime, numpy datetime64 or ISO text) as a Timestamp."""
    if isinstance(value, dt.date | str | np.datetime64):
        return pd.Timestamp(value)
    raise TypeError(f"not a date: {value!r}")


def object_column(values: np.ndarray, hide: np.ndarray | None = None) -> np.ndarray:
    """Numbers as an object array of plain Python scalars, ``None`` where NaN or ``hide``.

    Tidy result frames use these columns so that an undefined or suppressed number reads as
    ``None`` in the UI instead of NaN.
    """
    array = np.asarray(values)
    missing = np.isnan(array) if array.dtype.kind == "f" else np.zeros(array.shape, dtype=bool)
    if hide is not None:
        missing = missing | hide
    column = array.astype(object)
    column[missing] = None
    return column


def integer_column(values: np.ndarray) -> np.ndarray:
    """Whole numbers stored as float (NaN for undefined) as plain ``int`` or ``None``."""
    column = np.empty(len(values), dtype=object)
    column[:] = [None if math.isnan(v) else int(v) for v in np.asarray(values, dtype=float)]
    return column


def labels_at(labels: Sequence[Hashable], positions: np.ndarray) -> pd.Index:
    """The labels at ``positions``, with a real dtype (int64, str) where the labels allow it.

    Id columns built this way merge with the storage layer's frames without dtype surprises.
    """
    return pd.Index(list(labels)).take(np.asarray(positions, dtype=np.int64))
