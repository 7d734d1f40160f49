"""Backups: the Logbog page's button and ``medspil backup`` / ``medspil restore``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from data import open_database
from data.answers import table_counts
from data.backup import restore_file, write_backup
from data.db import Database, StorageError
from medspil.errors import (
    BackupLocked,
    BackupUnreadable,
    DatabaseCorrupt,
    DatabaseLocked,
    RestoreLocked,
)
from medspil.scope import Scope, admin_actor

FOLDER_NAME = "sikkerhedskopier"


def backup_folder(db_path: Path | None) -> Path:
    """Where the app's backups go: a folder beside the database file."""
    base = Path(db_path).parent if db_path is not None else Path("data")
    return base / FOLDER_NAME


def take_backup(db: Database, *, scope: Scope, now: dt.datetime) -> Path:
    """An administrator's backup while the app serves: a complete copy in ``backup_folder``."""
    admin_actor(scope)
    name = f"medspil-{now:%Y%m%d-%H%M%S}.duckdb"
    return write_backup(db, backup_folder(db.path) / name)


def backup_stopped(db_path: Path, target: Path) -> Path:
    """``medspil backup``: the same copy from the command line while the app is stopped."""
    try:
        db = open_database(db_path, migrate=False)
    except DatabaseLocked as e:
        raise BackupLocked(path=str(db_path)) from e
    try:
        return write_backup(db, target)
    finally:
        db.close()


def restore(backup: Path, db_path: Path, *, now: dt.datetime) -> Path:
    """``medspil restore``: check the backup, then put it in place of ``db_path`` (the app must
    be stopped); return where the previous file is kept."""
    if not Path(backup).is_file():
        raise BackupUnreadable(path=str(backup), detail="filen findes ikke")
    try:
        copy = open_database(backup, migrate=False)
    except (DatabaseCorrupt, DatabaseLocked) as e:
        raise BackupUnreadable(path=str(backup), detail=e.message("da")) from e
    try:
        table_counts(copy)
    except StorageError as e:
        raise BackupUnreadable(path=str(backup), detail=str(e).splitlines()[0]) from e
    finally:
        copy.close()
    if Path(db_path).exists():
        try:
            open_database(db_path, migrate=False).close()
        except DatabaseLocked as e:
            raise RestoreLocked(path=str(db_path)) from e
        except DatabaseCorrupt:
            pass  # a damaged file is what a restore replaces
    kept = Path(db_path).with_name(f"{Path(db_path).name}.før-gendannelse-{now:%Y%m%d-%H%M%S}")
    restore_file(Path(backup), Path(db_path), kept)
    return kept
