"""Migrations from an empty file, idempotence, and clear errors for bad files."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from data import open_database
from data.migrations import LATEST, MIGRATIONS, apply_migrations
from medspil.errors import DatabaseCorrupt, DatabaseLocked, SchemaTooNew

EXPECTED_TABLES = {
    "installation", "units", "committees", "committee_units", "instruments", "items",
    "projects", "project_modules", "project_units", "phases", "phase_unit_involvement",
    "waves", "invitations", "stored_responses", "stored_answers", "stored_comments",
    "pending_responses", "snapshots", "audit_log",
    "schema_migrations", "score_histogram_cache", "score_histogram_state",
    "phase_gap_reasons", "imports", "import_waves",
    "involvement_actual", "phase_framing", "project_roles", "med_log", "med_log_frozen",
    "actions",
}  # fmt: skip
# Since migration 4 these are views over the stored and the pending rows.
EXPECTED_VIEWS = {"responses", "answers", "comments"}


def _tables(path: Path) -> set[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    finally:
        con.close()


def test_an_empty_file_is_migrated_to_the_latest_schema(tmp_path: Path) -> None:
    path = tmp_path / "new.duckdb"
    open_database(path).close()
    assert _tables(path) == EXPECTED_TABLES
    con = duckdb.connect(str(path), read_only=True)
    views = con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()
    assert {v for (v,) in views} == EXPECTED_VIEWS
    versions = con.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
    con.close()
    assert [v for (v,) in versions] == [number for number, _, _ in MIGRATIONS]


def test_migrating_an_up_to_date_file_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "again.duckdb"
    db = open_database(path)
    with db.transaction() as cur:
        cur.execute("INSERT INTO units (id, name, unit_type) VALUES ('X', 'Enhed', 'enhed')")
    assert apply_migrations(db) == []
    db.close()
    db = open_database(path)
    with db.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == LATEST
        assert cur.execute("SELECT name FROM units").fetchone()[0] == "Enhed"
    db.close()


def test_a_file_from_a_newer_version_is_refused_with_a_plain_message(tmp_path: Path) -> None:
    path = tmp_path / "future.duckdb"
    open_database(path).close()
    con = duckdb.connect(str(path))
    con.execute("INSERT INTO schema_migrations VALUES (?, 'from the future', now())", [LATEST + 1])
    con.close()
    with pytest.raises(SchemaTooNew) as caught:
        open_database(path)
    assert "nyere version af Medspil" in str(caught.value)
    assert "Opdatér Medspil" in caught.value.message("da")


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.duckdb"
    path.write_bytes(b"this is not a duckdb file" * 200)
    with pytest.raises(DatabaseCorrupt) as caught:
        open_database(path)
    assert str(path) in str(caught.value)
    assert path.read_bytes().startswith(b"this is not")  # nothing was changed


def test_a_file_held_by_another_process_gives_a_locked_message(tmp_path: Path) -> None:
    path = tmp_path / "held.duckdb"
    open_database(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
                import duckdb, sys, time
                con = duckdb.connect({str(path)!r})
                print("holding", flush=True)
                time.sleep(30)
            """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        with pytest.raises(DatabaseLocked) as caught:
            open_database(path)
        assert "i brug af et andet program" in str(caught.value)
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)
    open_database(path).close()  # usable again once the other process is gone
