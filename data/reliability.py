"""Moments for scale reliability per construct, computed in DuckDB (no answer row leaves)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data.db import Database


def construct_moments(
    db: Database, instrument_id: str, *, closed_before: dt.date | None = None
) -> pd.DataFrame:
    """Per construct of one instrument version: items, complete respondents and variances.

    With ``closed_before`` only the waves that closed before that day (an open wave's answers
    would let two looks be subtracted).

    Columns ``construct``, ``n_items``, ``n_complete`` (respondents who answered every item of
    the construct they were shown), ``item_variance_sum`` (sum of the items' sample variances,
    reverse-keyed items recoded) and ``total_variance`` (sample variance of the sum score).
    """
    with db.cursor() as cur:
        frame = cur.execute(
            """
            WITH answered AS (
                SELECT a.response_id, i.construct, i.id AS item_id,
                       CASE WHEN i.reverse THEN 6 - a.value ELSE a.value END AS v
                FROM answers a
                JOIN responses r ON r.id = a.response_id
                JOIN waves w ON w.id = r.wave_id
                JOIN items i ON i.instrument_id = w.instrument_id AND i.id = a.item_id
                WHERE w.instrument_id = $instrument
                  AND ($closed_before IS NULL OR w.closes < $closed_before)
            ),
            complete AS (
                SELECT response_id, construct, count(*) AS n_items, sum(v) AS total
                FROM answered GROUP BY response_id, construct
                HAVING count(v) = count(*)
            ),
            item_variances AS (
                SELECT a.construct, a.item_id, var_samp(a.v) AS variance
                FROM answered a JOIN complete c USING (response_id, construct)
                GROUP BY a.construct, a.item_id
            )
            SELECT c.construct, max(c.n_items) AS n_items, count(*) AS n_complete,
                   (SELECT sum(variance) FROM item_variances iv
                     WHERE iv.construct = c.construct) AS item_variance_sum,
                   var_samp(c.total) AS total_variance
            FROM complete c GROUP BY c.construct ORDER BY c.construct
            """,
            {"instrument": instrument_id, "closed_before": closed_before},
        ).df()
    return frame.astype({"n_items": "int64", "n_complete": "int64"}).astype(
        {"item_variance_sum": "float64", "total_variance": "float64"}
    )


def instrument_versions(db: Database) -> pd.DataFrame:
    """Every stored instrument version with its id, name, version and titles."""
    with db.cursor() as cur:
        return cur.execute(
            "SELECT id, name, version, title_da, title_en FROM instruments ORDER BY name, version"
        ).df()
