"""Backups while the app serves: a checkpointed, complete copy written through the open
connection (DuckDB lets only one process hold the file, so a second process cannot copy it
safely, and copying the file alone misses every answer still in the write-ahead log)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from data.db import Database, one_row
from medspil.errors import BackupExists, BackupFailed

BACKUP_ALIAS = "medspil_backup"


def _literal(path: Path) -> str:
    """A file path as an SQL string literal (ATTACH takes no bound parameter)."""
    return "'" + str(path).replace("'", "''") + "'"


def write_backup(db: Database, target: Path) -> Path:
    """Copy every table, sequence and view of ``db`` into the new file ``target``.

    One statement (``COPY FROM DATABASE``) reads one snapshot: every answer committed before it
    starts is in the copy, and none half (an answer is one transaction). Answers keep arriving
    meanwhile. The copy is written beside the target and renamed when complete, so ``target``
    is either a whole backup or absent.
    """
    target = Path(target)
    if target.exists():
        raise BackupExists(path=str(target))
    partial = target.with_name(target.name + ".part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        for leftover in (partial, partial.with_name(partial.name + ".wal")):
            leftover.unlink(missing_ok=True)
    except OSError as e:
        raise BackupFailed(path=str(target), detail=e.strerror or str(e)) from e
    db.checkpoint()  # best effort: the copy reads the log too, so it is complete either way
    try:
        with db.cursor() as cur:
            source = str(one_row(cur.execute("SELECT current_database()"))[0])
            cur.execute(f"ATTACH {_literal(partial)} AS {BACKUP_ALIAS}")
            try:
                cur.execute(f'COPY FROM DATABASE "{source}" TO {BACKUP_ALIAS}')
            finally:
                cur.execute(f"DETACH {BACKUP_ALIAS}")
    except (duckdb.Error, OSError) as e:
        partial.unlink(missing_ok=True)
        raise BackupFailed(path=str(target), detail=str(e).splitlines()[0]) from e
    os.replace(partial, target)
    return target


def restore_file(backup: Path, target: Path, keep_as: Path) -> None:
    """Put ``backup`` in place of ``target`` (the app stopped): the old file and its log are
    kept as ``keep_as`` (and ``keep_as.wal``) first, so a restore can be undone."""
    wal = target.with_name(target.name + ".wal")
    if target.exists():
        os.replace(target, keep_as)
    if wal.exists():
        os.replace(wal, keep_as.with_name(keep_as.name + ".wal"))
    partial = target.with_name(target.name + ".restoring")
    shutil.copyfile(backup, partial)
    os.replace(partial, target)
