"""Backups: the Logbog page's button and ``medspil backup`` / ``medspil restore``."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from data import open_database
from data.answers import table_counts
from data.backup import restore_file, write_backup
from data.db import Database, StorageError
from medspil.errors import (
    BackupKeepInvalid,
    BackupLocked,
    BackupUnreadable,
    DatabaseCorrupt,
    DatabaseLocked,
    RestoreLocked,
)
from medspil.scope import Scope, admin_actor

FOLDER_NAME = "sikkerhedskopier"
# The app's and the scheduled backups' names: medspil-YYYYMMDD-HHMMSS.duckdb (sorts by time).
BACKUP_NAME = re.compile(r"medspil-\d{8}-\d{6}\.duckdb")


def backup_folder(db_path: Path | None) -> Path:
    """Where the app's backups go: a folder beside the database file."""
    base = Path(db_path).parent if db_path is not None else Path("data")
    return base / FOLDER_NAME


def take_backup(db: Database, *, scope: Scope, now: dt.datetime) -> Path:
    """An administrator's backup while the app serves: a complete copy in ``backup_folder``."""
    admin_actor(scope)
    return write_backup(db, backup_folder(db.path) / backup_name(now))


def backup_name(now: dt.datetime) -> str:
    return f"medspil-{now:%Y%m%d-%H%M%S}.duckdb"


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


def scheduled_backup(db_path: Path, *, keep: int, now: dt.datetime) -> tuple[Path, list[Path]]:
    """``medspil backup --keep N`` (a cron job or systemd timer, the app stopped for it): a new
    copy in ``backup_folder``, then the oldest copies there deleted so that ``keep`` remain.
    Nothing is deleted unless the new copy was written whole. Returns the copy and what was
    deleted."""
    if isinstance(keep, bool) or not isinstance(keep, int) or keep < 1:
        raise BackupKeepInvalid(keep=keep)
    folder = backup_folder(Path(db_path))
    written = backup_stopped(Path(db_path), folder / backup_name(now))
    return written, rotate_backups(folder, keep=keep)


def rotate_backups(folder: Path, *, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest backups in ``folder`` (only files named as Medspil
    names its backups; anything else there is left alone). Returns what was deleted."""
    copies = sorted(p for p in Path(folder).iterdir() if BACKUP_NAME.fullmatch(p.name))
    old = copies[: max(len(copies) - keep, 0)]
    for path in old:
        path.unlink()
        path.with_name(path.name + ".wal").unlink(missing_ok=True)
    return old


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
