"""Units grouped by involvement level, compared with the unit as the unit of analysis.

References are independent of the code: scipy's Welch test on hand-built unit means, a hand
calculation of Welch's interval written out here, and scipy's Benjamini-Hochberg.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analytics.exceptions import InvalidInput
from analytics.involvement_effect import EFFECT_COLUMNS, compare_involvement, welch_difference

LEVELS = ("information", "medindflydelse", "medbestemmelse")


def _scores(rows: list[tuple[str, str, str, float, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unit_id", "construct", "level", "mean", "previous_mean"])


def test_welch_difference_matches_scipy() -> None:
    informed = [41.2, 38.5, 44.0, 39.8, 42.6]
    codesigned = [63.1, 60.4, 66.8, 62.0]
    result = welch_difference(informed, codesigned)
    reference = stats.ttest_ind(codesigned, informed, equal_var=False)
    interval = reference.confidence_interval(0.95)
    assert result.difference == pytest.approx(np.mean(codesigned) - np.mean(informed))
    assert result.p_value == pytest.approx(reference.pvalue)
    assert result.df == pytest.approx(reference.df)
    assert result.ci_low == pytest.approx(interval.low)
    assert result.ci_high == pytest.approx(interval.high)
    narrower = welch_difference(informed, codesigned, confidence=0.8)
    assert narrower.ci_low == pytest.approx(reference.confidence_interval(0.8).low)


def test_welch_interval_by_hand() -> None:
    # Group a: 40, 42, 44 (mean 42, variance 4); group b: 60, 64 (mean 62, variance 8).
    # se² = 4/3 + 8/2 = 16/3; df = (16/3)² / ((4/3)²/2 + 4²/1) = (256/9) / (8/9 + 16) = 256/152.
    result = welch_difference([40.0, 42.0, 44.0], [60.0, 64.0])
    se = math.sqrt(16 / 3)
    df = 256 / 152
    half = stats.t.ppf(0.975, df) * se
    assert result.df == pytest.approx(df)
    assert (result.ci_low, result.ci_high) == pytest.approx((20 - half, 20 + half))
    assert result.p_value == pytest.approx(2 * stats.t.sf(20 / se, df))


def test_welch_needs_two_values_and_some_variance() -> None:
    one = welch_difference([40.0], [60.0, 62.0])
    assert one.difference == pytest.approx(21.0) and one.ci_low is None and one.p_value is None
    flat = welch_difference([40.0, 40.0], [60.0, 60.0])
    assert flat.difference == 20.0 and flat.ci_low is None and flat.df is None
    missing = welch_difference([40.0, None, 44.0], [60.0, float("nan"), 64.0])
    assert (missing.n_first, missing.n_second, missing.difference) == (2, 2, 20.0)
    with pytest.raises(InvalidInput):
        welch_difference([1.0, 2.0], [3.0, 4.0], confidence=1.0)


def test_compare_involvement_against_scipy_on_unit_means_and_changes() -> None:
    rows = [
        ("s1", "medspil", "information", 41.0, 62.0),
        ("s2", "medspil", "information", 39.5, 63.5),
        ("s3", "medspil", "information", 44.0, 61.0),
        ("n1", "medspil", "medbestemmelse", 63.0, 62.5),
        ("n2", "medspil", "medbestemmelse", 61.0, 60.0),
        ("n3", "medspil", "medbestemmelse", 66.0, None),  # no number in the phase before
    ]
    result = compare_involvement(_scores(rows), levels=LEVELS)
    assert list(result.columns) == list(EFFECT_COLUMNS)
    row = result.iloc[0]
    assert (row["level_low"], row["level_high"]) == ("information", "medbestemmelse")
    assert (row["units_low"], row["units_high"], row["enough_units"]) == (3, 3, True)
    within = stats.ttest_ind([63.0, 61.0, 66.0], [41.0, 39.5, 44.0], equal_var=False)
    assert row["difference"] == pytest.approx(np.mean([63, 61, 66]) - np.mean([41, 39.5, 44]))
    assert row["p_value"] == pytest.approx(within.pvalue)
    assert row["ci_low"] == pytest.approx(within.confidence_interval().low)
    # Changes: information -21, -24, -17; medbestemmelse +0.5, +1 (n3 has no phase before).
    change = stats.ttest_ind([0.5, 1.0], [-21.0, -24.0, -17.0], equal_var=False)
    assert (row["change_units_low"], row["change_units_high"]) == (3, 2)
    assert row["change_low"] == pytest.approx(-62 / 3)
    assert row["change_high"] == pytest.approx(0.75)
    assert row["change_difference"] == pytest.approx(0.75 + 62 / 3)
    assert row["change_ci_high"] == pytest.approx(change.confidence_interval().high)
    adjusted = stats.false_discovery_control([within.pvalue, change.pvalue], method="bh")
    assert [row["p_adjusted"], row["change_p_adjusted"]] == pytest.approx(list(adjusted))


def test_every_pair_of_levels_present_per_construct_in_level_order() -> None:
    rows = [
        (u, c, level, mean, None)
        for c in ("mening", "medspil")
        for u, level, mean in [
            ("a", "medbestemmelse", 60.0),
            ("b", "medbestemmelse", 64.0),
            ("c", "information", 50.0),
            ("d", "information", 52.0),
            ("e", "medindflydelse", 55.0),
            ("f", "medindflydelse", 58.0),
        ]
    ]
    result = compare_involvement(_scores(rows), levels=LEVELS)
    pairs = list(zip(result["construct"], result["level_low"], result["level_high"], strict=True))
    assert pairs == [
        (c, low, high)
        for c in ("mening", "medspil")
        for low, high in [
            ("information", "medindflydelse"),
            ("information", "medbestemmelse"),
            ("medindflydelse", "medbestemmelse"),
        ]
    ]
    assert result["change_difference"].isna().all()  # nothing known before: no change
    assert not result["change_enough_units"].any()


def test_a_group_below_the_minimum_gives_its_count_and_nothing_else() -> None:
    rows = [
        ("s1", "medspil", "information", 41.0, 60.0),
        ("s2", "medspil", "information", 43.0, 61.0),
        ("n1", "medspil", "medbestemmelse", 63.0, 62.0),
    ]
    row = compare_involvement(_scores(rows), levels=LEVELS).iloc[0]
    assert (row["units_low"], row["units_high"], row["enough_units"]) == (2, 1, False)
    numbers = ["mean_low", "mean_high", "difference", "ci_low", "p_value", "p_adjusted"]
    numbers += ["change_low", "change_high", "change_difference", "change_p_adjusted"]
    assert all(row[name] is None for name in numbers)
    with pytest.raises(InvalidInput):
        compare_involvement(_scores(rows), levels=LEVELS, min_units=1)


def test_one_level_gives_no_rows_and_bad_input_is_refused() -> None:
    same = [
        ("a", "medspil", "information", 41.0, None),
        ("b", "medspil", "information", 45.0, None),
    ]
    assert compare_involvement(_scores(same), levels=LEVELS).empty
    odd = [("a", "medspil", "meget", 41.0, None)]
    with pytest.raises(InvalidInput, match="meget"):
        compare_involvement(_scores(odd), levels=LEVELS)
    with pytest.raises(InvalidInput, match="previous_mean"):
        compare_involvement(_scores(same).drop(columns="previous_mean"), levels=LEVELS)
    twice = same + [("a", "medspil", "information", 40.0, None)]
    with pytest.raises(InvalidInput):
        compare_involvement(_scores(twice), levels=LEVELS)
