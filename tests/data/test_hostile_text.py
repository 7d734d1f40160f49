"""Storage that takes text from outside must not interpret it (issue 12, item 6)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import data.snapshots as snapshot_queries
from data import open_database


def test_an_area_id_with_braces_is_stored_in_the_audit_text_as_written(tmp_path: Path) -> None:
    db = open_database(tmp_path / "m.duckdb")
    try:
        snapshot_id = snapshot_queries.insert_snapshot(
            db,
            format_version=1,
            created_on=dt.date(2026, 12, 3),
            created_by="test (admin)",
            project_id="p",
            area_kind="unit",
            area_id="A{0}{x}",
            instrument_id="medspil-1",
            k_min=5,
            replaces=None,
            content="{}",
            sha256="0" * 64,
            audit_detail="snapshot {id}: project p, unit A{0}{x} {id}",
        )
        with db.cursor() as cur:
            detail = cur.execute(
                "SELECT detail FROM audit_log WHERE action = 'snapshot.create'"
            ).fetchall()
    finally:
        db.close()
    assert detail == [(f"snapshot {snapshot_id}: project p, unit A{{0}}{{x}} {{id}}",)]
