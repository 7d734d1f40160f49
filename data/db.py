"""The one DuckDB connection of a process, cursors per request, and clear errors on bad files."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd

from medspil.errors import DatabaseCorrupt

CHECKPOINT_RETRY_SECONDS = 0.02
# Small reads remembered while the file is unchanged (Database.while_unchanged), at most this many.
MEMO_SIZE = 256
T = TypeVar("T")
# A write older than this has a file time no later write can repeat (see Database.change_mark).
MARK_SETTLE_SECONDS = 1.0
# How long a quiet commit waits for the reads running beside it to end before it commits anyway
# (through the log, checkpointed as soon as the reads allow: ``checkpoint_soon``).
QUIET_WAIT_SECONDS = 2.0


# What any read or write of the file may raise when the file is damaged (a truncated file opens
# and fails later, on the first block that is missing). The command line and the app's frame
# catch it and say what to do (``storage_failure``); only ``data/`` imports duckdb.
StorageError = duckdb.Error


def storage_failure(error: BaseException, path: Path | None) -> DatabaseCorrupt:
    """The plain message for a storage error that escaped a query."""
    detail = str(error).splitlines()[0] if str(error) else type(error).__name__
    return DatabaseCorrupt("error.db_unreadable", path=str(path), detail=detail)


class Database:
    """One open DuckDB file. Take ``cursor()`` per request: a shared connection loses writes."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, path: Path | None) -> None:
        self._connection = connection
        self.path = path
        self._checkpoint_lock = threading.Lock()
        self._retrying = False
        self._checkpoint_owed = False
        self._retry_thread: threading.Thread | None = None
        self._closing = threading.Event()
        # How many times a checkpoint had to wait for another transaction (the benchmark
        # reports it: meanwhile the log holds the last answers).
        self.deferred_checkpoints = 0
        # Cursors in use, for quiet commits: DuckDB writes a commit straight into the file
        # (no log entry) only when no other transaction is running at that moment.
        self._use = threading.Condition()
        self._in_use = 0
        self._quiet_wanted = False
        self._quiet_lock = threading.Lock()
        self._held = threading.local()  # cursors this thread holds
        # Quiet commits that gave up waiting for the reads beside them (went through the log).
        self.loud_commits = 0
        self._memo: dict[Hashable, tuple[tuple[int, ...], object]] = {}
        self._memo_lock = threading.Lock()

    @contextmanager
    def _in_use_by_me(self) -> Iterator[None]:
        held = getattr(self._held, "count", 0)
        with self._use:
            # A thread that already holds a cursor is not made to wait (it would wait for
            # itself); the others wait while a quiet commit runs, which is brief.
            while self._quiet_wanted and held == 0:
                self._use.wait()
            self._in_use += 1
        self._held.count = held + 1
        try:
            yield
        finally:
            self._held.count = held
            with self._use:
                self._in_use -= 1
                self._use.notify_all()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for one read."""
        with self._in_use_by_me():
            cur = self._connection.cursor()
            try:
                yield cur
            finally:
                cur.close()

    @contextmanager
    def transaction(self, *, quiet: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside one transaction: committed on success, rolled back on any error.

        ``quiet``: commit only when no other cursor of this database is in use (new ones wait,
        at most ``QUIET_WAIT_SECONDS``), so DuckDB writes the commit straight into the file and
        the write-ahead log never holds it (``open_database`` sets the thresholds for that).
        """
        with self._in_use_by_me():
            cur = self._connection.cursor()
            try:
                cur.execute("BEGIN TRANSACTION")
                try:
                    yield cur
                except BaseException:
                    cur.execute("ROLLBACK")
                    raise
                if quiet:
                    self._commit_quietly(cur)
                else:
                    cur.execute("COMMIT")
            finally:
                cur.close()

    def _commit_quietly(self, cur: duckdb.DuckDBPyConnection) -> None:
        mine = self._held.count
        with self._quiet_lock:
            deadline = time.monotonic() + QUIET_WAIT_SECONDS
            with self._use:
                self._quiet_wanted = True
                while self._in_use > mine and (left := deadline - time.monotonic()) > 0:
                    self._use.wait(left)
                if self._in_use > mine:
                    self.loud_commits += 1
            try:
                cur.execute("COMMIT")
            finally:
                with self._use:
                    self._quiet_wanted = False
                    self._use.notify_all()

    def change_mark(self) -> tuple[int, ...] | None:
        """A value that differs after every committed write to the file; ``None`` when that
        cannot be told (no file, or a write in the last ``MARK_SETTLE_SECONDS``).

        Each commit either appends to the log beside the file (``.wal``: its size and time
        change) or writes the file itself (a quiet commit, a checkpoint, which also removes the
        log); a read touches neither. The kernel stamps file times with a coarse clock (a few
        milliseconds), so two writes within one tick could leave the same times: a mark is
        given only once the last write is older than that, and every later write then stamps a
        later time. Two ``os.stat`` calls, so a caller may ask on every page run and run its
        real query only when the mark moved (or is ``None``). Another process cannot write
        meanwhile: DuckDB lets one process open the file.
        """
        if self.path is None:
            return None
        mark: list[int] = []
        for file in (self.path, Path(f"{self.path}.wal")):
            try:
                found = os.stat(file)
            except FileNotFoundError:
                mark += [0, 0, 0]
            else:
                if time.time_ns() - found.st_mtime_ns < MARK_SETTLE_SECONDS * 1e9:
                    return None
                mark += [found.st_ino, found.st_size, found.st_mtime_ns]
        return tuple(mark)

    def while_unchanged(self, key: Hashable, read: Callable[[], T]) -> T:
        """``read()``, or what it returned for ``key`` when nothing was written since then
        (``change_mark``). For small reads a page asks on every run; the value is shared, so
        it must not be changed by the caller."""
        mark = self.change_mark()
        if mark is not None:
            with self._memo_lock:
                found = self._memo.get(key)
            if found is not None and found[0] == mark:
                return found[1]  # type: ignore[return-value]
        value = read()
        if mark is not None:
            with self._memo_lock:
                if len(self._memo) >= MEMO_SIZE:
                    self._memo.clear()
                self._memo[key] = (mark, value)
        return value

    def checkpoint(self) -> bool:
        """Write the log into the file and empty it; ``False`` when another transaction is
        running (DuckDB then refuses) or the database is closed, so the caller may try again."""
        try:
            with self.cursor() as cur:
                cur.execute("CHECKPOINT")
        except duckdb.Error:
            return False
        return True

    def checkpoint_soon(self) -> None:
        """Checkpoint now, or, when a running transaction prevents it, keep trying in the
        background (first after ``CHECKPOINT_RETRY_SECONDS``, then less and less often, at
        least once a second) until it succeeds or the file closes."""
        if self.checkpoint():
            return
        with self._checkpoint_lock:
            self._checkpoint_owed = True
            if self._retrying:
                return
            self._retrying = True
            self._retry_thread = threading.Thread(target=self._retry_checkpoint, daemon=True)
            self._retry_thread.start()

    def _retry_checkpoint(self) -> None:
        wait = CHECKPOINT_RETRY_SECONDS
        try:
            while not self._closing.wait(wait):
                self.deferred_checkpoints += 1
                with self._checkpoint_lock:
                    self._checkpoint_owed = False
                done = self.checkpoint()
                with self._checkpoint_lock:
                    # A commit whose own checkpoint failed meanwhile is owed one more.
                    if done and not self._checkpoint_owed:
                        self._retrying = False  # inside the lock: no owed commit is missed
                        return
                    self._checkpoint_owed = True
                # A long read: keep trying, less often (a failing disk should not spin a core).
                wait = min(1.0, wait * 1.5)
        finally:
            if self._closing.is_set():
                with self._checkpoint_lock:
                    self._retrying = False

    def close(self) -> None:
        """Close the file (after a checkpoint still waiting in the background has stopped:
        DuckDB refuses to close a connection another thread is using)."""
        self._closing.set()
        with self._checkpoint_lock:
            retrying = self._retry_thread
        if retrying is not None:
            retrying.join()
        self._connection.close()


def nulls_as_none(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Missing values in ``columns`` as ``None`` (pandas gives NaN, which is truthy)."""
    for column in columns:
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def one_row(result: duckdb.DuckDBPyConnection) -> tuple[Any, ...]:
    """The row of a query that always returns one (an aggregate such as ``count(*)``, or an
    ``INSERT ... RETURNING`` of one row)."""
    row = result.fetchone()
    if row is None:
        raise LookupError("the query returned no row")
    return row
