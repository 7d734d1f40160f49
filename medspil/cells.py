"""Table cells narrowed to the Python type the code expects.

pandas hands a single cell back typed as any of a dozen scalars (a number, text, a date, NA, ...).
These functions say which one is meant: they convert exactly as ``int``, ``float`` and
``pd.Timestamp`` do, and refuse anything else with a ``TypeError`` instead of passing an unchecked
value on.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import SupportsFloat, SupportsIndex, SupportsInt

import numpy as np
import pandas as pd


def cell_missing(value: object) -> bool:
    """True for None, NA, NaT and a NaN number: what ``pd.isna`` says of a single cell."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating | np.datetime64 | np.timedelta64):
        return bool(np.isnan(value))
    return False


def cell_int(value: object) -> int:
    """``int(value)`` for a number or numeric text; ``TypeError`` for anything else."""
    if isinstance(value, int | np.integer | str):  # before the protocols, which are slow
        return int(value)
    if isinstance(value, SupportsInt | SupportsIndex):
        return int(value)
    raise TypeError(f"not a whole number: {value!r}")


def cell_float(value: object) -> float:
    """``float(value)`` for a number or numeric text; ``TypeError`` for anything else."""
    if isinstance(value, float | int | np.floating | np.integer | str):  # protocols are slow
        return float(value)
    if isinstance(value, SupportsFloat | SupportsIndex):
        return float(value)
    raise TypeError(f"not a number: {value!r}")


def cell_optional_float(value: object) -> float | None:
    """Like :func:`cell_float`, but ``None`` for a missing cell (None, NA, NaT or NaN)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    number = cell_float(value)
    return None if math.isnan(number) else number


def cell_timestamp(value: object) -> pd.Timestamp:
    """``pd.Timestamp(value)`` for a date, datetime, datetime64 or ISO text; else ``TypeError``."""
    if isinstance(value, dt.date | str | np.datetime64):
        return pd.Timestamp(value)
    raise TypeError(f"not a date: {value!r}")


def cell_items(value: object) -> tuple[object, ...]:
    """The items of a list cell (DuckDB's ``LIST`` comes as a numpy array per row; a list or a
    tuple is taken too); ``TypeError`` otherwise: a text would be taken apart into its letters."""
    if isinstance(value, np.ndarray | list | tuple):
        return tuple(value)
    raise TypeError(f"not a list: {value!r}")
