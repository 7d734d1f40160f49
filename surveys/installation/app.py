"""The app's database: the file opened (and migrated) once per process, a new one filled with the
demo kommune. Pages get the database handle from here, never from ``data/`` directly."""

from __future__ import annotations

from pathlib import Path

from data import open_database
from data.db import Database, StorageError, storage_failure
from surveys.installation.demo import fill_with_demo_if_new

# StorageError / storage_failure: what a page run raises on a damaged file, and its message.
__all__ = ["Database", "StorageError", "open_app_database", "storage_failure"]


def open_app_database(path: Path) -> Database:
    """Open the database at ``path`` for the app; a missing or blank file becomes the demo."""
    db = open_database(path)
    fill_with_demo_if_new(db)
    return db
