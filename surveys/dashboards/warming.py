"""Keep the viewed projects' bases current in the background (issue 17).

A wave that closes (at midnight) makes the next ``project_basis`` call add that wave to the
project's basis (about 0.2 s on the large kommune, plus saving it beside the file); an import
into a closed wave makes it build the basis again (about 1.2 s). Without help, whichever leder
opens a page first waits for it. ``BasisWarmer`` asks ``project_basis`` again every minute for
each project this process keeps a basis for, with the clock's day, so the update happens on a
daemon thread and the page after finds it done. A tick with nothing
written since the last one costs two ``stat`` calls per project (``Database.change_mark``).
Projects nobody has opened since the start are left alone (their basis is read back from
beside the file when first asked for); warming them would push the viewed ones out of memory.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from data.db import Database
from surveys.dashboards.basis import kept_projects, project_basis

TICK_SECONDS = 60.0


@dataclass
class BasisWarmer:
    """One database's warmer: ``run_once`` refreshes every kept basis for the clock's day."""

    db: Database
    clock: Callable[[], dt.date] = dt.date.today
    last_error: Exception | None = None
    _stop: threading.Event = field(default_factory=threading.Event, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    def run_once(self) -> list[str]:
        """Bring every kept basis up to the clock's day; returns the projects it asked about."""
        today = self.clock()
        asked = []
        for project_id in kept_projects(self.db):
            project_basis(self.db, project_id, today=today)
            asked.append(project_id)
        return asked

    def start(self, *, tick_seconds: float = TICK_SECONDS) -> None:
        """Every ``tick_seconds`` (the first tick after one wait), until :meth:`stop`."""

        def loop() -> None:
            while not self._stop.wait(tick_seconds):
                try:
                    self.run_once()
                    self.last_error = None
                except Exception as e:  # a thread has no one to raise to; a page asks again
                    self.last_error = e

        self._thread = threading.Thread(target=loop, name="medspil-basis", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


_WARMERS: dict[Path, BasisWarmer] = {}
_WARMERS_LOCK = threading.Lock()


def ensure_basis_warmer(db: Database, *, tick_seconds: float = TICK_SECONDS) -> BasisWarmer | None:
    """The one warmer of this process for ``db``'s file, started on the first call and started
    again for a new connection; None for a database without a file."""
    if db.path is None:
        return None
    key = Path(db.path)  # as opened (the app opens a resolved path); no resolve per page run
    with _WARMERS_LOCK:
        running = _WARMERS.get(key)
        if running is not None and running.db is db:
            return running
        if running is not None:
            running.stop()
        warmer = BasisWarmer(db)
        warmer.start(tick_seconds=tick_seconds)
        _WARMERS[key] = warmer
        return warmer


def stop_basis_warmers() -> None:
    """Stop every warmer of this process (tests; a server stops with its daemon threads)."""
    with _WARMERS_LOCK:
        for warmer in _WARMERS.values():
            warmer.stop()
        _WARMERS.clear()
