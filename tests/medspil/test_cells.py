"""Table cells narrowed to a type: the same value as the built-in conversion, or a TypeError."""

from __future__ import annotations

import datetime as dt
import decimal

import numpy as np
import pandas as pd
import pytest

from medspil.cells import (
    cell_float,
    cell_int,
    cell_missing,
    cell_optional_float,
    cell_timestamp,
)


def test_whole_numbers_of_every_kind_pandas_hands_back() -> None:
    frame = pd.DataFrame({"n": [3], "m": pd.array([4], dtype="Int64"), "x": [2.0]})
    assert cell_int(frame.loc[0, "n"]) == 3 and type(cell_int(frame.loc[0, "n"])) is int
    assert cell_int(frame.loc[0, "m"]) == 4
    assert cell_int(frame.loc[0, "x"]) == 2
    assert cell_int("17") == 17
    assert cell_int(decimal.Decimal("5")) == 5


def test_numbers_and_missing_numbers() -> None:
    assert cell_float(np.float32(0.5)) == 0.5
    assert cell_float("2,5".replace(",", ".")) == 2.5
    assert cell_optional_float(np.nan) is None
    assert cell_optional_float(pd.NA) is None
    assert cell_optional_float(None) is None
    assert cell_optional_float(np.int64(7)) == 7.0


def test_dates() -> None:
    assert cell_timestamp(dt.date(2026, 12, 3)) == pd.Timestamp(2026, 12, 3)
    assert cell_timestamp("2026-12-03") == pd.Timestamp(2026, 12, 3)
    assert cell_timestamp(np.datetime64("2026-12-03")) == pd.Timestamp(2026, 12, 3)


@pytest.mark.parametrize("value", [None, pd.NA, [1], object()])
def test_anything_else_is_refused(value: object) -> None:
    with pytest.raises(TypeError):
        cell_int(value)
    with pytest.raises(TypeError):
        cell_timestamp(value)


def test_a_missing_cell_is_not_a_number() -> None:
    with pytest.raises(TypeError):
        cell_float(pd.NA)


@pytest.mark.parametrize(
    "value", [None, pd.NA, pd.NaT, float("nan"), np.float32("nan"), np.datetime64("NaT")]
)
def test_missing_cells_are_what_pandas_calls_missing(value: object) -> None:
    assert cell_missing(value) and pd.isna(value)


@pytest.mark.parametrize(
    "value", ["", "x", 0, 0.0, dt.date(2026, 1, 1), np.datetime64("2026-01-01")]
)
def test_present_cells_are_not_missing(value: object) -> None:
    assert not cell_missing(value) and not pd.isna(value)
