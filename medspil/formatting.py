"""Numbers, percentages and dates as a reader sees them, in Danish or English, from CLDR (Babel).

One place for the notation every page, table, chart, CSV file and PDF prints: ``1.234,5`` and
``03.12.2026`` in Danish, ``1,234.5`` and ``Dec 3, 2026`` in English. The symbols and date
patterns come from the Unicode CLDR through Babel; the digits are rounded by Python's own
formatting (round half to even on the binary value), so a number reads the same on every page.
A missing value (``None``, NaN, ``pd.NA``) reads as an en dash.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_percent

DASH = "–"
DEFAULT_LANG = "da"
# The d3 date format of plotly axes (plotly formats its own ticks): CLDR's short Danish date.
CHART_DATE_FORMAT = "%d.%m.%Y"


@lru_cache(maxsize=8)
def _symbols(lang: str) -> tuple[str, str, str]:
    """``(decimal, group, minus)`` of the language, from CLDR."""
    symbols = Locale.parse(lang).number_symbols["latn"]
    return symbols["decimal"], symbols["group"], symbols["minusSign"]


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(math.isnan(value))  # type: ignore[arg-type]
    except TypeError:
        return str(value) == "<NA>"


def number(value: object, decimals: int = 1, lang: str = DEFAULT_LANG) -> str:
    """``value`` with ``decimals`` decimals in the language's notation: ``number(1234.5)`` is
    ``"1.234,5"``; a value that rounds to zero has no sign; missing is an en dash."""
    if _missing(value):
        return DASH
    amount = float(value)  # type: ignore[arg-type]
    decimal, group, minus = _symbols(lang)
    digits = f"{abs(amount):,.{decimals}f}"
    sign = minus if amount < 0 and float(digits.replace(",", "")) != 0 else ""
    symbols: dict[str, str | int | None] = {",": group, ".": decimal}
    return sign + digits.translate(str.maketrans(symbols))


def integer(value: object, lang: str = DEFAULT_LANG) -> str:
    """A count with the language's thousands separator: ``integer(12345)`` is ``"12.345"``."""
    return number(value, 0, lang)


def percent(share: object, decimals: int = 0, lang: str = DEFAULT_LANG) -> str:
    """A share (0-1) as a percentage in the language's pattern: ``"62 %"`` in Danish, ``"62%"``
    in English. CLDR's Danish pattern has a no-break space before the sign; it is printed as a
    plain space, as people type it when they search a page or a CSV file."""
    if _missing(share):
        return DASH
    digits = "#,##0" + ("." + "0" * decimals if decimals else "")
    pattern = Locale.parse(lang).percent_formats[None].pattern.replace("#,##0", digits, 1)
    text = format_percent(float(share), format=pattern, locale=lang)  # type: ignore[arg-type]
    return text.replace("\u00a0", " ")


def p_value(value: object, lang: str = DEFAULT_LANG) -> str:
    """A p-value with three decimals; below 0.001 as ``"< 0,001"``."""
    if _missing(value):
        return DASH
    if float(value) < 0.001:  # type: ignore[arg-type]
        return "< " + number(0.001, 3, lang)
    return number(value, 3, lang)


def _as_date(value: dt.date | str) -> dt.date:
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        return value.date()
    return value


@lru_cache(maxsize=4096)
def _date_text(day: dt.date, lang: str) -> str:
    # Danish readers expect the numeric date (CLDR short: 03.12.2026); CLDR's short English
    # date (12/3/26) is ambiguous for a European reader, so English gets the medium one.
    return format_date(day, "short" if lang == "da" else "medium", locale=lang)


def date_text(value: dt.date | str, lang: str = DEFAULT_LANG) -> str:
    """A day as tables print it: ``"03.12.2026"`` in Danish, ``"Dec 3, 2026"`` in English.
    Accepts a date, a datetime or an ISO text (``"2026-12-03"``)."""
    return _date_text(_as_date(value), lang)


@lru_cache(maxsize=4096)
def _short_date(day: dt.date, lang: str) -> str:
    return format_date(day, "dd.MM" if lang == "da" else "MMM d", locale=lang)


def short_date(value: dt.date | str, lang: str = DEFAULT_LANG) -> str:
    """A day without its year, for a marker on a time axis: ``"18.04"``, ``"Apr 18"``."""
    return _short_date(_as_date(value), lang)


@lru_cache(maxsize=1024)
def _long_date_text(day: dt.date, lang: str) -> str:
    return format_date(day, "full", locale=lang)


def long_date_text(value: dt.date | str, lang: str = DEFAULT_LANG) -> str:
    """A day written out for a sentence, CLDR's full date: ``"torsdag den 10. december 2026"``
    in Danish, ``"Thursday, December 10, 2026"`` in English."""
    return _long_date_text(_as_date(value), lang)


def time_text(moment: dt.datetime, lang: str = DEFAULT_LANG) -> str:
    """A moment to the minute: the day as :func:`date_text`, then the 24-hour time."""
    return f"{date_text(moment, lang)} {moment:%H:%M}"


def chart_separators(lang: str = DEFAULT_LANG) -> str:
    """Plotly's ``separators`` (decimal, then thousands) for the language: ``",."`` in Danish."""
    decimal, group, _ = _symbols(lang)
    return decimal + group
