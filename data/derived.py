"""Derived results kept in a folder beside the database file, so a restart need not redo them.

Nothing here is a source of truth: every entry is stored with the state it was computed from
and the caller compares that state before using it (a stale or unreadable entry is ignored and
recomputed). The folder is ``<database file>.derived/``; an in-memory database keeps nothing.
The files are written only by this process and are as trusted as the database file beside them.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path

from data.db import Database


def _folder(db: Database) -> Path | None:
    if db.path is None:
        return None
    return db.path.with_name(db.path.name + ".derived")


def load_derived(db: Database, name: str, state: object) -> object | None:
    """The value saved under ``name`` if it was computed from ``state``; else None."""
    saved = load_saved(db, name)
    return saved[1] if saved is not None and saved[0] == state else None


def load_saved(db: Database, name: str) -> tuple[object, object] | None:
    """``(state, value)`` saved under ``name``, whatever the state; None when there is none
    (or it cannot be read). For values that can be brought up to date from an older state."""
    folder = _folder(db)
    if folder is None:
        return None
    try:
        with open(folder / f"{name}.pickle", "rb") as handle:
            saved_state, value = pickle.load(handle)  # noqa: S301 - our own file, see above
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        return None
    return saved_state, value


def save_derived(db: Database, name: str, state: object, value: object) -> None:
    """Save ``value`` under ``name`` with the ``state`` it was computed from (atomically)."""
    folder = _folder(db)
    if folder is None:
        return
    try:
        folder.mkdir(exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.")
        with os.fdopen(handle, "wb") as out:
            pickle.dump((state, value), out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, folder / f"{name}.pickle")
    except OSError:
        return  # a read-only folder only costs the next restart a rebuild
