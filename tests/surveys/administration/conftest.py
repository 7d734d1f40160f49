"""The disclosure audit's fixtures: the demo with a snapshot of every committee, the audit's
facts on it, and the app pointed at a copy of it (shared by the audit and page cross-checks)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from data import open_database
from data import org as org_queries
from medspil.errors import SnapshotNoData
from medspil.scope import Scope
from surveys.administration.disclosure_audit import Fact, collected_facts, project_truth
from surveys.snapshots.freeze import create_snapshot
from tests.conftest import app_on

TODAY = dt.date.today()


@pytest.fixture(scope="session")
def audited_demo(demo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with a snapshot of every committee for both projects, comments included."""
    path = tmp_path_factory.mktemp("audit") / "demo.duckdb"
    shutil.copy(demo_file, path)
    db = open_database(path)
    made = 0
    try:
        for committee in org_queries.committees(db)["id"]:
            for project in ("medicin", "sensorer"):
                try:
                    create_snapshot(
                        db,
                        Scope.admin(),
                        project_id=project,
                        area_kind="committee",
                        area_id=str(committee),
                        today=TODAY,
                        include_comments=True,
                    )
                    made += 1
                except SnapshotNoData:
                    continue  # a committee whose area the project does not involve
    finally:
        db.close()
    assert made >= 4
    return path


@pytest.fixture(scope="session")
def audited_facts(audited_demo: Path) -> tuple[dict[str, list[Fact]], dict]:
    """The audit's facts on ``audited_demo`` per project, and each project's ``members``."""
    db = open_database(audited_demo)
    try:
        facts = collected_facts(db, today=TODAY)
        members = {p: project_truth(db, p, TODAY).members for p in facts}
    finally:
        db.close()
    return facts, members


@pytest.fixture
def app_on_audited(
    audited_demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """The app pointed at a private copy of ``audited_demo``, Streamlit's caches cleared."""
    copy = tmp_path / "demo.duckdb"
    shutil.copy(audited_demo, copy)
    with app_on(copy, monkeypatch) as path:
        yield path
