"""Cronbach's alpha: a hand-worked scale, the covariance formula, listwise deletion."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics import InvalidInput, cronbach_alpha


def _alpha_from_covariance(matrix: np.ndarray) -> float:
    # Independent form: k / (k - 1) * (1 - trace(C) / sum(C)), C the item covariance matrix.
    cov = np.cov(matrix, rowvar=False)
    k = matrix.shape[1]
    return k / (k - 1) * (1 - np.trace(cov) / cov.sum())


def test_hand_worked_two_items() -> None:
    # Items 1 2 3 4 (variance 5/3) and 2 3 3 5 (variance 4.75/3); sums 3 5 6 9 (18.75/3).
    # alpha = 2 * (1 - (5 + 4.75) / 18.75) = 2 * 0.48 = 0.96
    assert cronbach_alpha([[1, 2], [2, 3], [3, 3], [4, 5]]) == pytest.approx(0.96, rel=1e-12)


def test_hand_worked_three_items() -> None:
    rows = [[1, 1, 2], [2, 2, 2], [3, 3, 4], [4, 3, 4]]
    # Item variances: 5/3, 11/12 (1 2 3 3: mean 2.25, squares 1.5625 .0625 .5625 .5625 = 2.75),
    # 4/3 (2 2 4 4); sum scores 4 6 10 11: mean 7.75, squares 14.0625 3.0625 5.0625 10.5625
    # = 32.75 -> 32.75 / 3. alpha = 1.5 * (1 - 11.75 / 32.75) = 0.961832...
    expected = 1.5 * (1 - (5 / 3 + 11 / 12 + 4 / 3) / (32.75 / 3))
    assert cronbach_alpha(rows) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_matches_the_covariance_formula(seed: int) -> None:
    rng = np.random.default_rng(seed)
    trait = rng.normal(size=(60, 1))
    matrix = np.clip(np.round(3 + trait + rng.normal(scale=0.8, size=(60, 4))), 1, 5)
    assert cronbach_alpha(matrix) == pytest.approx(_alpha_from_covariance(matrix), rel=1e-12)


def test_listwise_deletion() -> None:
    rows = [[1, 2, 2], [2, None, 3], [3, 3, 4], [4, 5, float("nan")], [2, 2, 3], [5, 4, 5]]
    complete = np.array([[1, 2, 2], [3, 3, 4], [2, 2, 3], [5, 4, 5]], dtype=float)
    assert cronbach_alpha(rows) == pytest.approx(_alpha_from_covariance(complete), rel=1e-12)


def test_dataframe_with_nullable_columns() -> None:
    frame = pd.DataFrame(
        {"a": pd.array([1, 2, 3, None, 4], dtype="Int64"), "b": [2.0, 3.0, 3.0, 1.0, 5.0]}
    )
    assert cronbach_alpha(frame) == pytest.approx(0.96, rel=1e-12)


def test_undefined_cases_are_none() -> None:
    assert cronbach_alpha([[1], [2], [3]]) is None  # one item
    assert cronbach_alpha([[1, 2], [2, None], [None, 3]]) is None  # one complete row
    assert cronbach_alpha([[3, 3], [3, 3], [3, 3]]) is None  # no variance
    assert cronbach_alpha([]) is None


def test_rejects_a_flat_list() -> None:
    with pytest.raises((InvalidInput, TypeError)):
        cronbach_alpha([1, 2, 3])  # type: ignore[list-item]
