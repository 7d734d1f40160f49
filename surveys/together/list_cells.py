"""A list column's cell (the units of an action, the tags of a MED log entry) narrowed to its items.

DuckDB hands a ``LIST`` column to pandas as one numpy array per row, which pandas-stubs types as
any of a dozen scalars. Like ``medspil.cells``, this says what is meant and refuses anything else
with a ``TypeError`` (a text would otherwise be taken apart into its letters).
"""

from __future__ import annotations

import numpy as np


def cell_items(value: object) -> tuple[object, ...]:
    """The items of a list cell (a numpy array, a list or a tuple); ``TypeError`` otherwise."""
    if isinstance(value, np.ndarray | list | tuple):
        return tuple(value)
    raise TypeError(f"not a list: {value!r}")
