"""Backups: the app's own schedule, the Logbog page's button and ``medspil backup`` /
``medspil restore``."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from data import open_database
from data.answers import table_counts
from data.backup import restore_file, write_backup
from data.db import Database, StorageError
from medspil.errors import (
    BackupFailed,
    BackupKeepInvalid,
    BackupLocked,
    BackupUnreadable,
    DatabaseCorrupt,
    DatabaseLocked,
    MedspilError,
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


def newest_backup(folder: Path) -> dt.datetime | None:
    """When the newest backup in ``folder`` was taken (from its name), or None."""
    if not Path(folder).is_dir():
        return None
    names = sorted(p.name for p in Path(folder).iterdir() if BACKUP_NAME.fullmatch(p.name))
    return dt.datetime.strptime(names[-1], "medspil-%Y%m%d-%H%M%S.duckdb") if names else None


@dataclass
class BackupSchedule:
    """The app's own backups while it serves (``backup_every_hours`` in ``medspil.toml``).

    A backup is due when the newest one in ``backup_folder`` (the button's included) is at least
    ``every`` old, or there is none. A due backup is written through the app's connection like
    the button's, then the oldest copies there are deleted so that ``keep`` remain. ``start``
    checks once a minute on a daemon thread; a failure is kept for the Logbog page and tried
    again at the next check.
    """

    db: Database
    every: dt.timedelta
    keep: int
    clock: Callable[[], dt.datetime] = dt.datetime.now
    last_written: Path | None = None
    last_error: MedspilError | None = None
    _stop: threading.Event = field(default_factory=threading.Event, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def folder(self) -> Path:
        return backup_folder(self.db.path)

    def run_if_due(self) -> Path | None:
        """Write a backup if one is due; returns it, or None when none was due."""
        now = self.clock()
        newest = newest_backup(self.folder)
        if newest is not None and now - newest < self.every:
            return None
        try:
            written = write_backup(self.db, self.folder / backup_name(now))
            rotate_backups(self.folder, keep=self.keep)
        except MedspilError as e:
            self.last_error = e
            return None
        self.last_written, self.last_error = written, None
        return written

    def start(self, *, tick_seconds: float = 60.0) -> None:
        """Check at once, then every ``tick_seconds``, until :meth:`stop`."""

        def loop() -> None:
            while True:
                try:
                    self.run_if_due()
                except Exception as e:  # a thread has no one to raise to: keep it for Logbog
                    self.last_error = BackupFailed(path=str(self.folder), detail=str(e))
                if self._stop.wait(tick_seconds):
                    return

        self._thread = threading.Thread(target=loop, name="medspil-backup", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


_SCHEDULES: dict[Path, BackupSchedule] = {}
_SCHEDULES_LOCK = threading.Lock()


def ensure_backup_schedule(
    db: Database, *, every_hours: int, keep: int, tick_seconds: float = 60.0
) -> BackupSchedule | None:
    """The one schedule of this process for ``db``'s file, started on the first call and
    restarted when the settings or the connection change; None (and nothing running) when
    ``every_hours`` is 0. Every page run calls this, so a changed ``medspil.toml`` takes effect
    on the next page without a restart."""
    if db.path is None:
        return None
    key = Path(db.path)  # as opened (the app opens a resolved path); no resolve per page run
    every = dt.timedelta(hours=every_hours)
    with _SCHEDULES_LOCK:
        running = _SCHEDULES.get(key)
        if running is not None and (running.db, running.every, running.keep) == (db, every, keep):
            return running
        if running is not None:
            running.stop()
            del _SCHEDULES[key]
        if every_hours <= 0:
            return None
        schedule = BackupSchedule(db, every=every, keep=keep)
        schedule.start(tick_seconds=tick_seconds)
        _SCHEDULES[key] = schedule
        return schedule


def backup_schedule(db: Database) -> BackupSchedule | None:
    """This process's running schedule for ``db``'s file, if any (the Logbog page shows it)."""
    if db.path is None:
        return None
    return _SCHEDULES.get(Path(db.path))


def stop_backup_schedules() -> None:
    """Stop every schedule of this process (tests; a server stops with its daemon threads)."""
    with _SCHEDULES_LOCK:
        for schedule in _SCHEDULES.values():
            schedule.stop()
        _SCHEDULES.clear()


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
