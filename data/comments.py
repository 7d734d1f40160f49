"""Comment texts for the dashboards: per wave, for a unit subtree, in a fresh random order."""

from __future__ import annotations

import pandas as pd

from data.db import Database
from data.org import SUBTREE_CTE


def comments_in_subtree(
    db: Database, project_id: str, root: str, wave_ids: list[int]
) -> pd.DataFrame:
    """Comments of ``root``'s whole subtree in the given waves: ``wave_id``, ``text`` only.

    Shuffled by the database on every call (``random()``), so the order says nothing about the
    order of storage; nothing that links a comment to a response or a sub-unit is returned.
    """
    with db.cursor() as cur:
        frame = cur.execute(
            SUBTREE_CTE
            + """
            SELECT r.wave_id, c.text
            FROM comments c
            JOIN responses r ON r.id = c.response_id
            JOIN waves w ON w.id = r.wave_id
            WHERE w.project_id = $project
              AND r.unit_id IN (SELECT id FROM subtree)
              AND r.wave_id IN (SELECT unnest($waves::INTEGER[]))
            ORDER BY random()
            """,
            {"project": project_id, "roots": [root], "waves": wave_ids},
        ).df()
    return frame.astype({"wave_id": "int64"})


def comment_counts(db: Database, project_id: str) -> pd.DataFrame:
    """Comments per unit and wave of a project (``unit_id``, ``wave_id``, ``comments``): the
    truth the disclosure audit compares the published comment counts with."""
    with db.cursor() as cur:
        frame = cur.execute(
            """
            SELECT r.unit_id, r.wave_id, count(*) AS comments
            FROM comments c
            JOIN responses r ON r.id = c.response_id
            JOIN waves w ON w.id = r.wave_id
            WHERE w.project_id = ?
            GROUP BY ALL
            """,
            [project_id],
        ).df()
    return frame.astype({"wave_id": "int64", "comments": "int64"})
