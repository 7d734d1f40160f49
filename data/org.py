"""Queries on the organisation tree and the MED committees."""

from __future__ import annotations

from typing import Any

import pandas as pd

from data.db import Database, nulls_as_none
from medspil.scope import Scope

SUBTREE_CTE = """
    WITH RECURSIVE subtree(id) AS (
        SELECT id FROM units WHERE id IN (SELECT unnest($roots::VARCHAR[]))
        UNION
        SELECT u.id FROM units u JOIN subtree s ON u.parent_id = s.id
    )
"""


def units(db: Database) -> pd.DataFrame:
    """Every unit: ``id``, ``parent_id``, ``name``, ``unit_type``, ``headcount``, ``closed``."""
    with db.cursor() as cur:
        frame = cur.execute(
            "SELECT id, parent_id, name, unit_type, headcount, closed FROM units ORDER BY id"
        ).df()
    return nulls_as_none(frame, "parent_id")


def subtree_ids(db: Database, roots: list[str]) -> list[str]:
    """The ids of ``roots`` and every unit below them."""
    with db.cursor() as cur:
        rows = cur.execute(SUBTREE_CTE + "SELECT id FROM subtree ORDER BY id", {"roots": roots})
        return [row[0] for row in rows.fetchall()]


def visible_unit_ids(db: Database, scope: Scope) -> list[str]:
    """Every unit the scope may see (its subtrees), sorted."""
    if scope.sees_everything:
        return units(db)["id"].tolist()
    return subtree_ids(db, sorted(scope.unit_roots or ()))


def committees(db: Database) -> pd.DataFrame:
    """Every MED committee with the roots of the subtrees it covers (``unit_ids``, a list)."""
    with db.cursor() as cur:
        return cur.execute("""
            SELECT c.id, c.name, c.level, list(cu.unit_id ORDER BY cu.unit_id) AS unit_ids
            FROM committees c LEFT JOIN committee_units cu ON cu.committee_id = c.id
            GROUP BY c.id, c.name, c.level ORDER BY c.level, c.id
        """).df()


def committee_roots(db: Database, committee_id: str) -> list[str]:
    with db.cursor() as cur:
        rows = cur.execute(
            "SELECT unit_id FROM committee_units WHERE committee_id = ? ORDER BY unit_id",
            [committee_id],
        )
        return [row[0] for row in rows.fetchall()]


def insert_units(db: Database, rows: list[tuple[Any, ...]]) -> None:
    """Insert ``(id, parent_id, name, unit_type, headcount)`` rows."""
    with db.transaction() as cur:
        cur.executemany(
            "INSERT INTO units (id, parent_id, name, unit_type, headcount) VALUES (?, ?, ?, ?, ?)",
            rows,
        )


def insert_committee(
    db: Database, committee_id: str, name: str, level: str, roots: list[str]
) -> None:
    with db.transaction() as cur:
        cur.execute("INSERT INTO committees VALUES (?, ?, ?)", [committee_id, name, level])
        cur.executemany(
            "INSERT INTO committee_units VALUES (?, ?)", [(committee_id, r) for r in roots]
        )
