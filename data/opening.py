"""Opening a database file: connect with a clear error on a locked or broken file, migrate it,
and seal the waves that closed since it was last open."""

from __future__ import annotations

from pathlib import Path

import duckdb

from data.db import Database
from data.migrations import apply_migrations
from data.submissions import seal_closed_waves
from data.wal import damage_offset
from medspil.errors import DatabaseCorrupt, DatabaseLocked, MedspilError, WalDamaged


def _connect(path: Path | None, read_only: bool) -> duckdb.DuckDBPyConnection:
    target = ":memory:" if path is None else str(path)
    if path is not None:
        wal = path.with_name(path.name + ".wal")
        offset = damage_offset(wal)
        if offset is not None:  # DuckDB would drop every answer after the damage in silence
            raise WalDamaged(path=str(path), wal=str(wal), offset=offset)
    try:
        connection = duckdb.connect(target, read_only=read_only)
        if path is not None and not read_only:
            _commit_past_the_log(connection)
        return connection
    except duckdb.IOException as e:
        text = str(e)
        if "lock" in text.lower():
            raise DatabaseLocked(path=str(path)) from e
        raise DatabaseCorrupt(path=str(path), detail=text.splitlines()[0]) from e
    except duckdb.Error as e:
        raise DatabaseCorrupt(path=str(path), detail=str(e).splitlines()[0]) from e


def _commit_past_the_log(connection: duckdb.DuckDBPyConnection) -> None:
    """Every commit checkpoints, and writes its changes straight into the file instead of the
    write-ahead log (which then holds only DuckDB's checkpoint mark, no row and no value).
    DuckDB does this only when no other transaction runs at the commit; ``Database.transaction
    (quiet=True)`` waits for that. Anonymity rule 8: a copy of the log taken at any moment must
    not hold the last answers beside the codes they used (docs/design.md)."""
    connection.execute("SET checkpoint_threshold = '0b'")
    connection.execute("SET auto_checkpoint_skip_wal_threshold = 0")


def open_database(path: Path | str | None, *, migrate: bool = True) -> Database:
    """Open (creating when missing) the database at ``path``, or in memory for ``None``.

    Raises ``DatabaseLocked`` when another process holds the file, ``DatabaseCorrupt`` when it is
    not a DuckDB file, and ``SchemaTooNew`` when a newer Medspil wrote it.
    """
    resolved = None if path is None else Path(path)
    if resolved is not None:
        resolved.parent.mkdir(parents=True, exist_ok=True)
    db = Database(_connect(resolved, read_only=False), resolved)
    if migrate:
        try:
            apply_migrations(db)
        except MedspilError:
            db.close()
            raise
        except duckdb.Error as e:
            db.close()
            raise DatabaseCorrupt(path=str(resolved), detail=str(e).splitlines()[0]) from e
        try:
            seal_closed_waves(db)
        except duckdb.Error as e:  # a truncated file may open and fail on the first read
            db.close()
            raise DatabaseCorrupt(path=str(resolved), detail=str(e).splitlines()[0]) from e
    return db
