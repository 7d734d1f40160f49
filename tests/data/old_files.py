"""Database files as an older Medspil wrote them, for the tests of a migration."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from data import open_database
from data.db import Database
from data.migrations import MIGRATIONS, current_version


def file_at_version(path: Path, version: int) -> Database:
    """A new file at ``path`` with migrations 1 to ``version`` only (the caller closes it)."""
    db = open_database(path, migrate=False)
    with db.cursor() as cur:
        current_version(cur)
    for number, name, migration in MIGRATIONS[:version]:
        with db.transaction() as cur:
            migration(cur)
            cur.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [number, name])
    return db


def one_project_in_one_phase(cur: duckdb.DuckDBPyConnection, today: dt.date) -> None:
    """Unit ``U``, instrument ``i1`` and project ``p`` with phase 1 (idé) around ``today``."""
    cur.execute("INSERT INTO units (id, name, unit_type) VALUES ('U', 'Enhed', 'enhed')")
    cur.execute("INSERT INTO instruments VALUES ('i1', 'puls', 1, 'Puls', 'Pulse', 'test')")
    cur.execute("INSERT INTO projects (id, name, instrument_id) VALUES ('p', 'P', 'i1')")
    cur.execute(
        "INSERT INTO phases (project_id, kind, starts, ends, involvement) "
        "VALUES ('p', 'ide', ?, ?, 'information')",
        [today - dt.timedelta(60), today + dt.timedelta(60)],
    )
