"""Writing anonymous responses: bulk loads for the demo and imports."""

from __future__ import annotations

import pandas as pd

from data.db import Database

_TABLE_COLUMNS = {
    "invitations": ["code_hash", "wave_id", "unit_id", "used"],
    "responses": ["id", "wave_id", "unit_id"],
    "answers": ["response_id", "item_id", "value"],
    "comments": ["id", "response_id", "text"],
}


def bulk_insert(db: Database, frames: dict[str, pd.DataFrame]) -> None:
    """Insert whole frames into the anonymous tables in one transaction (column order fixed)."""
    with db.transaction() as cur:
        for table in ("invitations", "responses", "answers", "comments"):
            frame = frames.get(table)
            if frame is None or frame.empty:
                continue
            staged = frame[_TABLE_COLUMNS[table]]
            cur.register("staged_rows", staged)
            # The table name comes from the fixed mapping above, never from a caller.
            cur.execute(f"INSERT INTO {table} SELECT * FROM staged_rows")
            cur.unregister("staged_rows")


def table_counts(db: Database) -> dict[str, int]:
    """Row counts of the anonymous tables (for tests, the CLI and the admin page)."""
    with db.cursor() as cur:
        return {
            table: int(cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in _TABLE_COLUMNS
        }
