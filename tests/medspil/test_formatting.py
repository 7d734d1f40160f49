"""Numbers, percentages and dates in Danish and English, against notation written out by hand."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from medspil.formatting import (
    chart_separators,
    date_text,
    integer,
    number,
    p_value,
    percent,
    time_text,
)

DAY = dt.date(2026, 12, 3)


@pytest.mark.parametrize(
    ("value", "decimals", "lang", "expected"),
    [
        (1234.5, 1, "da", "1.234,5"),
        (1234.5, 1, "en", "1,234.5"),
        (62.25, 2, "da", "62,25"),
        (-3.14159, 2, "da", "-3,14"),
        (1234567.0, 0, "da", "1.234.567"),
        (0.5, 0, "da", "0"),  # half to even, as Python rounds
        (-0.04, 1, "da", "0,0"),  # no "-0,0"
        (None, 1, "da", "–"),
        (math.nan, 1, "da", "–"),
        (pd.NA, 1, "en", "–"),
    ],
)
def test_number(value: object, decimals: int, lang: str, expected: str) -> None:
    assert number(value, decimals, lang) == expected


def test_integer_and_percent() -> None:
    assert integer(12345) == "12.345" and integer(12345, "en") == "12,345"
    assert percent(0.62) == "62 %" and percent(0.62, lang="en") == "62%"
    assert percent(0.6254, 1) == "62,5 %" and percent(None) == "–"


def test_p_value() -> None:
    assert p_value(0.0004) == "< 0,001" and p_value(0.0004, "en") == "< 0.001"
    assert p_value(0.0123) == "0,012" and p_value(None) == "–"


def test_dates() -> None:
    assert date_text(DAY) == "03.12.2026"
    assert date_text("2026-12-03") == "03.12.2026"
    assert date_text(DAY, "en") == "Dec 3, 2026"
    assert time_text(dt.datetime(2026, 12, 3, 9, 5)) == "03.12.2026 09:05"


def test_chart_separators() -> None:
    assert chart_separators() == ",." and chart_separators("en") == ".,"


def test_a_long_date_is_written_out_for_a_sentence() -> None:
    from medspil.formatting import long_date_text

    assert long_date_text(dt.date(2026, 12, 10)) == "torsdag den 10. december 2026"
    assert long_date_text("2027-01-04", "en") == "Monday, January 4, 2027"
