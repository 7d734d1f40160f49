"""Benjamini-Hochberg adjustment against scipy and a hand-worked family."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from analytics import InvalidInput, bh_adjust


def test_hand_worked_family() -> None:
    # Sorted: 0.005 0.01 0.03 0.04 (m = 4) -> p * 4 / rank = 0.02 0.02 0.04 0.04, and the
    # running minimum from the top changes nothing. Back in input order:
    assert bh_adjust([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.02, 0.04, 0.04, 0.02])
    # Step-up: 0.02 * 3 / 2 = 0.03 is lowered to the 0.025 of the largest p.
    assert bh_adjust([0.02, 0.001, 0.025]) == pytest.approx([0.025, 0.003, 0.025])


@pytest.mark.parametrize("seed", range(5))
def test_matches_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = np.concatenate((rng.uniform(size=40), rng.uniform(0, 0.01, size=10), [0.5, 0.5, 1.0]))
    expected = stats.false_discovery_control(p, method="bh")
    assert bh_adjust(p.tolist()) == pytest.approx(expected.tolist(), rel=1e-12)


def test_missing_values_stay_missing_and_are_not_in_the_family() -> None:
    adjusted = bh_adjust([0.01, None, 0.04, float("nan"), 0.03])
    expected = stats.false_discovery_control([0.01, 0.04, 0.03], method="bh")
    assert adjusted[1] is None and adjusted[3] is None
    assert [adjusted[0], adjusted[2], adjusted[4]] == pytest.approx(expected.tolist())


def test_edges() -> None:
    assert bh_adjust([]) == []
    assert bh_adjust([None, None]) == [None, None]
    assert bh_adjust([0.3]) == [0.3]
    assert max(bh_adjust([0.9, 0.95, 1.0])) <= 1.0
    assert all(type(v) is float for v in bh_adjust(np.array([0.1, 0.2])))


@pytest.mark.parametrize("bad", [-0.1, 1.5])
def test_rejects_values_outside_0_1(bad: float) -> None:
    with pytest.raises(InvalidInput):
        bh_adjust([0.1, bad])
