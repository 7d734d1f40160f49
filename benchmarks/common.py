"""What the benchmarks share: percentiles, the machine, peak memory, and timing DuckDB queries.

Benchmarks print numbers; they are never timed tests (the suite only runs each on a tiny data
set to see that it still works).
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The large kommune is built once into this git-ignored file and reused by every benchmark.
LARGE_DB = ROOT / "benchmarks" / "large_kommune.duckdb"


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` 0..1) of ``values``; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def machine() -> dict:
    """The cores and the 1-minute load average, as results.json records them."""
    return {"cores": os.cpu_count() or 0, "load_average_1m": round(os.getloadavg()[0], 2)}


def today() -> str:
    return dt.date.today().isoformat()


def peak_rss_mb() -> float:
    """The largest resident memory of this process and of its finished children, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)  # ru_maxrss is in kB on Linux


def ensure_large_kommune(path: Path = LARGE_DB, size=None) -> Path:
    """The large kommune at ``path``, built once (about 45 s, 0.86 GB), then reused."""
    from benchmarks import large_kommune

    if not path.exists():
        print(f"building the large kommune into {path} (once) ...", flush=True)
        started = time.perf_counter()
        large_kommune.build(path, size=size or large_kommune.LARGE)
        print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
    return path


@contextmanager
def app_environment(db_path: Path, secret_file: Path | None = None) -> Iterator[None]:
    """MEDSPIL_DB (and the secret file) pointed at ``db_path`` and the repository as working
    folder, as the app runs; everything restored afterwards (the smoke tests run in-process)."""
    saved = {key: os.environ.get(key) for key in ("MEDSPIL_DB", "MEDSPIL_SECRET_FILE")}
    folder = os.getcwd()
    os.environ["MEDSPIL_DB"] = str(db_path)
    os.environ["MEDSPIL_SECRET_FILE"] = str(secret_file or f"{db_path}.secret")
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(folder)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class QueryTimes:
    """Wall time of each DuckDB statement, labelled by the ``data/`` function that ran it.

    ``install()`` wraps ``Database.cursor`` and ``Database.transaction`` so every
    ``execute(...)`` and the fetch that follows it are timed together; the product code is not
    changed. ``times`` maps ``"data.results.score_histograms"`` to a list of milliseconds.
    """

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = defaultdict(list)
        self._lock = threading.Lock()
        self.recording = True

    def record(self, label: str, ms: float) -> None:
        if self.recording:
            with self._lock:
                self.times[label].append(ms)

    @contextmanager
    def install(self) -> Iterator[QueryTimes]:
        from data.db import Database

        original_cursor = Database.cursor
        original_transaction = Database.transaction
        timer = self

        @contextmanager
        def cursor(db: Database):
            with original_cursor(db) as cur:
                timed = _TimedCursor(cur, timer)
                try:
                    yield timed
                finally:
                    timed._close_open()

        @contextmanager
        def transaction(db: Database):
            with original_transaction(db) as cur:
                timed = _TimedCursor(cur, timer)
                try:
                    yield timed
                finally:
                    timed._close_open()

        Database.cursor = cursor  # type: ignore[method-assign]
        Database.transaction = transaction  # type: ignore[method-assign]
        try:
            yield self
        finally:
            Database.cursor = original_cursor  # type: ignore[method-assign]
            Database.transaction = original_transaction  # type: ignore[method-assign]

    def summary(self) -> dict[str, dict[str, float]]:
        return {
            label: {"p95_ms": round(percentile(values, 0.95), 1)}
            for label, values in sorted(self.times.items())
        }


def _caller_label() -> str:
    """``module.function`` of the innermost caller in ``data/`` (not ``data/db.py``)."""
    frame = sys._getframe(2)
    data_dir = str(ROOT / "data")
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(data_dir) and not filename.endswith("db.py"):
            return f"data.{Path(filename).stem}.{frame.f_code.co_name}"
        frame = frame.f_back
    return "other"


class _TimedCursor:
    """A cursor whose ``execute`` and following fetch are timed as one statement."""

    _FETCHES = ("df", "fetchdf", "fetchall", "fetchone", "fetchnumpy", "pl")

    def __init__(self, cur, timer: QueryTimes) -> None:
        self._cur = cur
        self._timer = timer
        self._open: tuple[str, float] | None = None

    def _close_open(self) -> None:
        if self._open is not None:
            label, started = self._open
            self._timer.record(label, (time.perf_counter() - started) * 1000)
            self._open = None

    def execute(self, *args, **kwargs):
        self._close_open()
        label = _caller_label()
        started = time.perf_counter()
        self._cur.execute(*args, **kwargs)
        self._open = (label, started)
        return self

    def executemany(self, *args, **kwargs):
        self._close_open()
        label = _caller_label()
        started = time.perf_counter()
        self._cur.executemany(*args, **kwargs)
        self._timer.record(label, (time.perf_counter() - started) * 1000)
        return self

    def __getattr__(self, name: str):
        attribute = getattr(self._cur, name)
        if name in self._FETCHES:

            def fetch(*args, **kwargs):
                try:
                    return attribute(*args, **kwargs)
                finally:
                    self._close_open()

            return fetch
        return attribute
