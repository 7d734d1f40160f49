"""The bases of viewed projects are rebuilt in the background when a wave closes (issue 17)."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import surveys.dashboards.basis as basis_module
from data import open_database
from data import projects as project_queries
from surveys.dashboards.basis import forget_bases, kept_projects, project_basis
from surveys.dashboards.warming import BasisWarmer, ensure_basis_warmer, stop_basis_warmers
from tests.conftest import TODAY, app_file


def _next_closing_day(db) -> dt.date:
    waves = project_queries.waves(db, "medicin")
    closes = [pd.Timestamp(c).date() for c in waves["closes"]]
    return min(c for c in closes if c >= TODAY) + dt.timedelta(days=1)


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every update of a basis (built in full or grown by a closed wave), by project."""
    seen: list[str] = []
    real_build, real_grow = basis_module._build_basis, basis_module._grown_basis

    def building(db, project_id, today):
        seen.append(project_id)
        return real_build(db, project_id, today)

    def growing(db, project_id, *args):
        grown = real_grow(db, project_id, *args)
        if grown is not None:
            seen.append(project_id)
        return grown

    monkeypatch.setattr(basis_module, "_build_basis", building)
    monkeypatch.setattr(basis_module, "_grown_basis", growing)
    forget_bases()
    return seen


def test_a_closed_wave_is_built_by_the_warmer_and_the_page_after_finds_it(
    demo_copy: Path, builds: list[str]
) -> None:
    db = open_database(demo_copy)
    before = project_basis(db, "medicin", today=TODAY)
    assert kept_projects(db) == ["medicin"]  # only what was viewed, not every project
    day_after = _next_closing_day(db)
    builds.clear()
    assert BasisWarmer(db, clock=lambda: day_after).run_once() == ["medicin"]
    assert builds == ["medicin"]  # the new wave's basis, built off the page
    after = project_basis(db, "medicin", today=day_after)
    assert builds == ["medicin"] and after is not before  # the page waited for nothing
    assert len(after.waves) == len(before.waves) + 1
    db.close()


def test_the_warmer_thread_ticks_until_stopped(demo_copy: Path, builds: list[str]) -> None:
    db = open_database(demo_copy)
    project_basis(db, "medicin", today=TODAY)
    day_after = _next_closing_day(db)
    warmer = BasisWarmer(db, clock=lambda: day_after)
    warmer.start(tick_seconds=0.05)
    deadline = time.monotonic() + 30
    while "medicin" not in builds[1:] and time.monotonic() < deadline:
        time.sleep(0.05)
    warmer.stop()
    assert builds == ["medicin", "medicin"] and warmer.last_error is None
    stopped = len(builds)
    time.sleep(0.2)
    assert len(builds) == stopped
    db.close()


def test_one_warmer_per_file_and_a_failure_is_kept_not_raised(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import surveys.dashboards.warming as warming

    def failing(*args, **kwargs):
        raise OSError("disk gone")

    db = open_database(demo_copy)
    try:
        project_basis(db, "medicin", today=TODAY)
        monkeypatch.setattr(warming, "project_basis", failing)
        first = ensure_basis_warmer(db, tick_seconds=0.05)
        assert first is not None and ensure_basis_warmer(db) is first
        deadline = time.monotonic() + 30
        while first.last_error is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert isinstance(first.last_error, OSError)
        assert first._thread is not None and first._thread.is_alive()  # it keeps ticking
    finally:
        stop_basis_warmers()
        forget_bases()
        db.close()


def test_the_app_starts_the_warmer_for_its_database(app_env: Path) -> None:
    import surveys.dashboards.warming as warming

    at = AppTest.from_file(app_file("app.py"), default_timeout=60).run()
    assert not at.exception
    assert app_env.resolve() in warming._WARMERS
