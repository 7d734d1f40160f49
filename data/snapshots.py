"""Snapshot storage: insert, list and read. Snapshots are immutable: there is deliberately no
function here that updates or deletes one; a correction is a new row naming the one it replaces.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from data.db import Database, one_row


@dataclass(frozen=True)
class StoredSnapshot:
    """One row of ``snapshots`` exactly as stored (``content`` is the canonical JSON text)."""

    id: int
    format_version: int
    created_on: dt.date
    created_by: str
    project_id: str
    area_kind: str
    area_id: str
    instrument_id: str
    k_min: int
    replaces: int | None
    content: str
    sha256: str


def insert_snapshot(
    db: Database,
    *,
    format_version: int,
    created_on: dt.date,
    created_by: str,
    project_id: str,
    area_kind: str,
    area_id: str,
    instrument_id: str,
    k_min: int,
    replaces: int | None,
    content: str,
    sha256: str,
    audit_detail: str,
    shown_log_entries: tuple[int, ...] = (),
) -> int:
    """Store a snapshot and its ``audit_log`` row in one transaction; return the new id.

    The first ``{id}`` in ``audit_detail`` is replaced by the new snapshot's id; nothing else in
    it is interpreted (an area id may contain braces). The MED log entries the snapshot shows
    (``shown_log_entries``) are frozen in the same transaction: never edited again.
    """
    with db.transaction() as cur:
        snapshot_id = one_row(
            cur.execute(
                """INSERT INTO snapshots (format_version, created_on, created_by, project_id,
                   area_kind, area_id, instrument_id, k_min, replaces, content, sha256)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                [
                    format_version,
                    created_on,
                    created_by,
                    project_id,
                    area_kind,
                    area_id,
                    instrument_id,
                    k_min,
                    replaces,
                    content,
                    sha256,
                ],
            )
        )[0]
        cur.execute(
            """INSERT INTO audit_log (happened_at, actor, action, detail)
               VALUES (current_timestamp, ?, 'snapshot.create', ?)""",
            [created_by, audit_detail.replace("{id}", str(snapshot_id), 1)],
        )
        if shown_log_entries:  # DuckDB 2's executemany refuses an empty list
            cur.executemany(
                "INSERT OR IGNORE INTO med_log_frozen VALUES (?, ?)",
                [(entry_id, snapshot_id) for entry_id in shown_log_entries],
            )
    return int(snapshot_id)


def snapshot_headers(
    db: Database,
    *,
    project_id: str | None = None,
    area_kind: str | None = None,
    area_ids: list[str] | None = None,
) -> pd.DataFrame:
    """Snapshot headers (no content), newest first, optionally for a project and for areas.

    Columns: the header columns, ``sha256`` and ``replaced_by`` (the id of the first snapshot
    that names this one in ``replaces``, else None).
    """
    with db.cursor() as cur:
        frame = cur.execute(
            """SELECT s.id, s.format_version, s.created_on, s.created_by, s.project_id,
                      s.area_kind, s.area_id, s.instrument_id, s.k_min, s.replaces, s.sha256,
                      (SELECT min(n.id) FROM snapshots n WHERE n.replaces = s.id) AS replaced_by
               FROM snapshots s
               WHERE ($project IS NULL OR s.project_id = $project)
                 AND ($kind IS NULL OR s.area_kind = $kind)
                 AND ($all_areas OR s.area_id IN (SELECT unnest($areas::VARCHAR[])))
               ORDER BY s.id DESC""",
            {
                "project": project_id,
                "kind": area_kind,
                "all_areas": area_ids is None,
                "areas": list(area_ids or []),
            },
        ).df()
    frame = frame.astype({"id": "int64", "format_version": "int64", "k_min": "int64"})
    frame["created_on"] = pd.to_datetime(frame["created_on"]).dt.date
    for column in ("replaces", "replaced_by"):
        ids = [None if pd.isna(v) else int(v) for v in frame[column]]
        frame[column] = pd.Series(ids, index=frame.index, dtype=object)
    return frame


def stored_snapshot(db: Database, snapshot_id: int) -> StoredSnapshot | None:
    """One snapshot row exactly as stored, or None."""
    with db.cursor() as cur:
        row = cur.execute(
            """SELECT id, format_version, created_on, created_by, project_id, area_kind,
                      area_id, instrument_id, k_min, replaces, content, sha256
               FROM snapshots WHERE id = ?""",
            [snapshot_id],
        ).fetchone()
    return None if row is None else StoredSnapshot(*row)
