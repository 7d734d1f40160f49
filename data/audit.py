"""The audit log: who did which administrative action, and when.

Administrative actions and snapshot creation are logged; answering never is, and nothing here
may name a respondent, a code or a response.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from data.db import Database


def record(cur: duckdb.DuckDBPyConnection, *, actor: str, action: str, detail: str = "") -> None:
    """Add one row inside the caller's transaction, so the action and its log row stand or fall
    together."""
    cur.execute(
        """INSERT INTO audit_log (happened_at, actor, action, detail)
           VALUES (current_timestamp, ?, ?, ?)""",
        [actor, action, detail],
    )


def log(db: Database, *, actor: str, action: str, detail: str = "") -> None:
    """Add one row in a transaction of its own."""
    with db.transaction() as cur:
        record(cur, actor=actor, action=action, detail=detail)


def entries(db: Database, *, limit: int = 200) -> pd.DataFrame:
    """The newest rows first: ``happened_at``, ``actor``, ``action``, ``detail``."""
    with db.cursor() as cur:
        return cur.execute(
            """SELECT happened_at, actor, action, detail FROM audit_log
               ORDER BY happened_at DESC, id DESC LIMIT ?""",
            [limit],
        ).df()
