"""Did involvement move the scores? Units grouped by their involvement level in one phase,
compared with the unit as the unit of analysis (Welch's t on unit means).

Respondents are clustered in units, and the involvement level is set per unit: a test on the
pooled respondents would count each unit's shared circumstances (its leader, its week, its
residents) once per respondent and call far too many differences real. Here every unit is one
observation, its mean score in the phase; the groups of units are compared with Welch's t
(unequal variances, Satterthwaite degrees of freedom), so the interval holds both the sampling
noise of each unit mean and the real differences between units of the same level (a
cluster-level analysis: Donner & Klar 2000, ch. 6; Hayes & Moulton 2017, ch. 9). Unit means are
not weighted by their number of answers: the level was given to units, not to people, and a
weighting would let one large unit speak for its whole group.

The change from the phase before is compared the same way: each unit's change (its mean in the
phase minus its mean in the phase before) is one observation, and the groups' mean changes are
compared (a difference in differences on the unit level).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analytics._arrays import as_float_array, object_column
from analytics.exceptions import InvalidInput
from analytics.multiplicity import bh_adjust_array

MIN_UNITS = 2  # Welch's t needs a variance in each group, so at least two units a group
UNIT_SCORE_COLUMNS = ("unit_id", "construct", "level", "mean", "previous_mean")
EFFECT_COLUMNS = (
    "construct",
    "level_low",
    "level_high",
    "units_low",
    "units_high",
    "enough_units",
    "mean_low",
    "mean_high",
    "difference",
    "ci_low",
    "ci_high",
    "df",
    "p_value",
    "p_adjusted",
    "change_units_low",
    "change_units_high",
    "change_enough_units",
    "change_low",
    "change_high",
    "change_difference",
    "change_ci_low",
    "change_ci_high",
    "change_df",
    "change_p_value",
    "change_p_adjusted",
)
_NUMBERS = ("mean_low", "mean_high", "difference", "ci_low", "ci_high", "df", "p_value")


@dataclass(frozen=True)
class MeanDifference:
    """Two groups of values compared by Welch's t: ``difference`` is ``mean_second -
    mean_first`` with its ``confidence`` interval (see :func:`welch_difference`)."""

    n_first: int
    n_second: int
    mean_first: float | None
    mean_second: float | None
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    df: float | None
    p_value: float | None


def welch_difference(
    first: Sequence[float | None] | np.ndarray,
    second: Sequence[float | None] | np.ndarray,
    *,
    confidence: float = 0.95,
) -> MeanDifference:
    """The difference of two group means with Welch's confidence interval and two-sided p.

    ``se = sqrt(s1²/n1 + s2²/n2)`` with the sample variances (ddof 1), Welch-Satterthwaite
    degrees of freedom ``df = se⁴ / ((s1²/n1)²/(n1-1) + (s2²/n2)²/(n2-1))``, the interval
    ``difference ± t(1 - (1-confidence)/2, df) · se`` and ``p = 2·P(T_df > |difference| / se)``.

    Parameters
    ----------
    first, second : sequence of float or None
        The values of each group (here: one mean per unit); missing values are dropped.
    confidence : float
        The interval's coverage, between 0 and 1.

    Returns
    -------
    MeanDifference
        Means need one value per group; the difference needs both means; the interval, df and
        p need at least two values in each group and a variance above zero in one of them.

    References
    ----------
    Welch BL (1947). The generalization of 'Student's' problem when several different
    population variances are involved. Biometrika 34: 28-35.

    Examples
    --------
    >>> r = welch_difference([40.0, 42.0, 44.0], [60.0, 64.0])
    >>> r.difference, round(r.ci_low, 2), round(r.ci_high, 2), round(r.df, 2)
    (20.0, 8.05, 31.95, 1.68)
    """
    if not 0 < confidence < 1:
        raise InvalidInput("confidence must lie between 0 and 1")
    a = _present(first)
    b = _present(second)
    mean_a = float(a.mean()) if a.size else None
    mean_b = float(b.mean()) if b.size else None
    difference = None if mean_a is None or mean_b is None else mean_b - mean_a
    empty = MeanDifference(a.size, b.size, mean_a, mean_b, difference, None, None, None, None)
    if difference is None or a.size < 2 or b.size < 2:
        return empty
    share_a = float(a.var(ddof=1)) / a.size
    share_b = float(b.var(ddof=1)) / b.size
    se = math.sqrt(share_a + share_b)
    if se == 0:
        return empty
    df = se**4 / (share_a**2 / (a.size - 1) + share_b**2 / (b.size - 1))
    half = float(stats.t.ppf(1 - (1 - confidence) / 2, df)) * se
    p = float(2 * stats.t.sf(abs(difference) / se, df))
    return MeanDifference(
        a.size, b.size, mean_a, mean_b, difference, difference - half, difference + half, df, p
    )


def compare_involvement(
    unit_scores: pd.DataFrame,
    *,
    levels: Sequence[str],
    min_units: int = MIN_UNITS,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Per construct, units of a higher involvement level against units of a lower one.

    Every unit is one observation (its mean in the phase, unweighted); the groups are
    compared with :func:`welch_difference`, within the phase (``difference`` = mean of the
    higher level's units minus mean of the lower level's) and in the change from the phase
    before (``change_difference`` = the higher level's mean change minus the lower level's).
    A group with fewer than ``min_units`` units gives its count and nothing else
    (``enough_units`` False): a comparison is an aggregate over at least ``min_units`` units a
    side. ``p_adjusted`` and ``change_p_adjusted`` are Benjamini-Hochberg adjusted over every
    p-value of the result (one family).

    Parameters
    ----------
    unit_scores : DataFrame
        One row per unit and construct: ``unit_id``, ``construct``, ``level`` (the unit's
        involvement level in the phase), ``mean`` (its score in the phase) and
        ``previous_mean`` (its score in the phase before; missing when not known).
    levels : sequence of str
        Every level, from least to most involvement (``information``, ``medindflydelse``,
        ``medbestemmelse``); each pair of levels present for a construct gives one row.
    min_units : int
        The fewest units a group needs to be compared (at least 2).
    confidence : float
        The coverage of the intervals.

    Returns
    -------
    DataFrame
        Columns ``EFFECT_COLUMNS``, ordered by construct (first appearance), then level pair;
        undefined numbers are ``None``.

    References
    ----------
    Donner A, Klar N (2000). Design and analysis of cluster randomization trials in health
    research, ch. 6. Hayes RJ, Moulton LH (2017). Cluster randomised trials, 2nd ed., ch. 9.

    Examples
    --------
    >>> scores = pd.DataFrame({
    ...     "unit_id": ["a", "b", "c", "d"], "construct": ["medspil"] * 4,
    ...     "level": ["information", "information", "medbestemmelse", "medbestemmelse"],
    ...     "mean": [40.0, 44.0, 60.0, 66.0], "previous_mean": [60.0, 62.0, 61.0, 63.0]})
    >>> r = compare_involvement(scores, levels=["information", "medbestemmelse"])
    >>> r[["level_low", "level_high", "difference", "change_difference"]]
         level_low      level_high difference change_difference
    0  information  medbestemmelse       21.0              20.0
    """
    if min_units < MIN_UNITS:
        raise InvalidInput(f"min_units must be at least {MIN_UNITS}")
    missing = set(UNIT_SCORE_COLUMNS) - set(unit_scores.columns)
    if missing:
        raise InvalidInput(f"unit_scores lacks the columns {sorted(missing)}")
    order = {level: i for i, level in enumerate(levels)}
    unknown = set(unit_scores["level"]) - set(order)
    if unknown:
        raise InvalidInput(f"unknown involvement levels {sorted(map(str, unknown))}")
    if unit_scores.duplicated(["unit_id", "construct"]).any():
        raise InvalidInput("one row per unit and construct")
    rows: list[dict[str, Any]] = []
    for construct in dict.fromkeys(unit_scores["construct"]):
        one = unit_scores[unit_scores["construct"] == construct]
        present = sorted({str(v) for v in one["level"]}, key=order.__getitem__)
        for i, low in enumerate(present):
            for high in present[i + 1 :]:
                rows.append(_pair(construct, one, low, high, min_units, confidence))
    frame = pd.DataFrame(rows, columns=list(EFFECT_COLUMNS))
    return _adjusted(frame)


def _pair(
    construct: object,
    scores: pd.DataFrame,
    low: str,
    high: str,
    min_units: int,
    confidence: float,
) -> dict[str, Any]:
    lows = scores[scores["level"] == low]
    highs = scores[scores["level"] == high]
    within = welch_difference(_means(lows), _means(highs), confidence=confidence)
    change = welch_difference(_changes(lows), _changes(highs), confidence=confidence)
    enough = min(within.n_first, within.n_second) >= min_units
    change_enough = min(change.n_first, change.n_second) >= min_units
    row: dict[str, Any] = {
        "construct": construct,
        "level_low": low,
        "level_high": high,
        "units_low": within.n_first,
        "units_high": within.n_second,
        "enough_units": enough,
        "change_units_low": change.n_first,
        "change_units_high": change.n_second,
        "change_enough_units": change_enough,
    }
    row.update(_numbers("", within, enough))
    row.update(_numbers("change_", change, change_enough))
    return row


def _numbers(prefix: str, result: MeanDifference, shown: bool) -> dict[str, float | None]:
    values = {
        "mean_low": result.mean_first,
        "mean_high": result.mean_second,
        "difference": result.difference,
        "ci_low": result.ci_low,
        "ci_high": result.ci_high,
        "df": result.df,
        "p_value": result.p_value,
    }
    names = {"mean_low": "change_low", "mean_high": "change_high"} if prefix else {}
    return {
        names.get(key, prefix + key): (value if shown else None) for key, value in values.items()
    }


def _adjusted(frame: pd.DataFrame) -> pd.DataFrame:
    """BH over every p-value shown (within-phase and change together); None for NaN."""
    p = np.concatenate((as_float_array(frame["p_value"]), as_float_array(frame["change_p_value"])))
    adjusted = bh_adjust_array(p)
    frame["p_adjusted"] = object_column(adjusted[: len(frame)])
    frame["change_p_adjusted"] = object_column(adjusted[len(frame) :])
    for column in (*_NUMBERS, *(f"change_{c}" for c in _NUMBERS[2:])):
        frame[column] = object_column(as_float_array(frame[column]))
    for column in ("change_low", "change_high"):
        frame[column] = object_column(as_float_array(frame[column]))
    return frame


def _means(scores: pd.DataFrame) -> np.ndarray:
    return as_float_array(scores["mean"])


def _changes(scores: pd.DataFrame) -> np.ndarray:
    change: np.ndarray = as_float_array(scores["mean"]) - as_float_array(scores["previous_mean"])
    return change


def _present(values: Iterable[Any]) -> np.ndarray:
    array = as_float_array(values)
    present: np.ndarray = array[~np.isnan(array)]
    return present
