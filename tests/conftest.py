"""Shared fixtures: databases (in memory, a demo file built once), and AppTest set-up."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from data import open_database
from data.db import Database
from surveys.administration.backup import stop_backup_schedules
from surveys.dashboards.warming import stop_basis_warmers
from surveys.installation.demo import build_demo

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date.today()


def app_file(relative: str) -> str:
    """Absolute path of an app script (``app.py`` or ``pages/x.py``) for ``AppTest.from_file``."""
    return str(ROOT / relative)


@pytest.fixture
def db() -> Iterator[Database]:
    """A migrated, empty in-memory database."""
    database = open_database(None)
    yield database
    database.close()


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo kommune built once per test session into a file (never modified by tests)."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    database = open_database(path)
    build_demo(database, seed=1, today=TODAY)
    database.close()
    return path


@pytest.fixture
def demo_copy(demo_file: Path, tmp_path: Path) -> Path:
    """A private copy of the demo database file that a test may change."""
    target = tmp_path / "demo.duckdb"
    shutil.copy(demo_file, target)
    return target


@pytest.fixture(scope="session")
def demo_db(demo_file: Path) -> Iterator[Database]:
    """The demo database, read-only by convention."""
    database = open_database(demo_file)
    yield database
    database.close()


@contextmanager
def app_on(path: Path, patch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the app (AppTest, in this process) at the database file ``path``, with Streamlit's
    process-wide caches cleared before and after; ``patch`` undoes the environment."""
    import streamlit as st

    patch.setenv("MEDSPIL_DB", str(path))
    patch.setenv("MEDSPIL_SECRET_FILE", str(path.with_suffix(".secret")))
    patch.chdir(ROOT)
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        yield path
    finally:
        stop_backup_schedules()  # a page may have started the app's backup schedule
        stop_basis_warmers()  # and the warmer of the bases
        st.cache_resource.clear()
        st.cache_data.clear()


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch, demo_copy: Path) -> Iterator[Path]:
    """Point the app at a private demo copy."""
    with app_on(demo_copy, monkeypatch) as path:
        yield path
