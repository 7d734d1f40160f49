"""Reliability moments from DuckDB, checked against Cronbach's formula on the raw rows."""

from __future__ import annotations

import numpy as np
import pytest

from analytics import cronbach_alpha_from_moments
from data.db import Database
from data.reliability import construct_moments


def _alpha_reference(matrix: np.ndarray) -> float:
    """Cronbach (1951) written out: k/(k-1) * (1 - sum(item variances) / variance(total))."""
    k = matrix.shape[1]
    return k / (k - 1) * (1 - matrix.var(axis=0, ddof=1).sum() / matrix.sum(axis=1).var(ddof=1))


def _raw(db: Database, construct: str) -> np.ndarray:
    """The complete, reverse-recoded rows of one construct (only the test reads raw rows)."""
    with db.cursor() as cur:
        frame = cur.execute(
            """SELECT a.response_id, a.item_id,
                      CASE WHEN i.reverse THEN 6 - a.value ELSE a.value END AS v
               FROM answers a JOIN responses r ON r.id = a.response_id
               JOIN waves w ON w.id = r.wave_id
               JOIN items i ON i.instrument_id = w.instrument_id AND i.id = a.item_id
               WHERE i.construct = ?""",
            [construct],
        ).df()
    wide = frame.pivot(index="response_id", columns="item_id", values="v")
    return wide.dropna().to_numpy(dtype=float)


@pytest.mark.parametrize("construct", ["mening", "motivation", "medspil", "information"])
def test_alpha_from_database_moments_equals_the_formula_on_raw_rows(
    demo_db: Database, construct: str
) -> None:
    moments = construct_moments(demo_db, "medspil-1").set_index("construct").loc[construct]
    raw = _raw(demo_db, construct)
    assert int(moments["n_complete"]) == raw.shape[0]
    alpha = cronbach_alpha_from_moments(
        n_items=int(moments["n_items"]),
        n_complete=int(moments["n_complete"]),
        item_variance_sum=float(moments["item_variance_sum"]),
        total_variance=float(moments["total_variance"]),
    )
    assert alpha == pytest.approx(_alpha_reference(raw), abs=1e-9)
    assert 0.5 < alpha < 0.95  # the demo's items were generated from one latent score


def test_the_hand_example_and_the_undefined_cases() -> None:
    # Items [[1,2],[2,3],[3,3],[4,5]]: variances 5/3 and 19/12, total variance 6.25.
    alpha = cronbach_alpha_from_moments(
        n_items=2, n_complete=4, item_variance_sum=5 / 3 + 19 / 12, total_variance=6.25
    )
    assert alpha == pytest.approx(0.96)
    kwargs = {"item_variance_sum": 1.0, "total_variance": 2.0}
    assert cronbach_alpha_from_moments(n_items=1, n_complete=10, **kwargs) is None
    assert cronbach_alpha_from_moments(n_items=3, n_complete=1, **kwargs) is None
    zero_total = {"item_variance_sum": 0.0, "total_variance": 0.0}
    assert cronbach_alpha_from_moments(n_items=3, n_complete=9, **zero_total) is None
