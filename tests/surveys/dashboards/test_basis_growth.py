"""A closed wave is added to the basis held, and the result equals a build from every wave.

Issue 17: closing a wave used to rebuild a project's whole basis (seconds on a large kommune).
Now only the new wave is read and protected (``_grown_basis``). Both ways must give the same
numbers and the same hidden cells, so every field of the grown basis is compared with a fresh
full build of the same day, on the demo kommune, wave after wave.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import surveys.dashboards.basis as basis_module
from data import open_database
from data import projects as project_queries
from surveys.dashboards.basis import ProjectBasis, forget_bases, project_basis

FULL_BUILD = basis_module._build_basis  # the real one, before any test replaces it


@pytest.fixture
def updates(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """How every basis was updated: "built" (every wave) or "grown" (the new waves only)."""
    seen: list[str] = []
    real_build, real_grow = basis_module._build_basis, basis_module._grown_basis

    def building(*args):
        seen.append("built")
        return real_build(*args)

    def growing(*args):
        grown = real_grow(*args)
        if grown is not None:
            seen.append("grown")
        return grown

    monkeypatch.setattr(basis_module, "_build_basis", building)
    monkeypatch.setattr(basis_module, "_grown_basis", growing)
    forget_bases()
    yield seen
    forget_bases()


def _closing_days(db, project_id: str) -> list[dt.date]:
    """The first day on which each wave counts as closed, in order."""
    waves = project_queries.waves(db, project_id)
    return sorted({pd.Timestamp(c).date() + dt.timedelta(days=1) for c in waves["closes"]})


def _assert_same(grown: ProjectBasis, full: ProjectBasis) -> None:
    for field in dataclasses.fields(ProjectBasis):
        found, expected = getattr(grown, field.name), getattr(full, field.name)
        if isinstance(expected, pd.DataFrame):
            pd.testing.assert_frame_equal(found, expected, check_exact=True, obj=field.name)
        elif field.name == "protected":
            assert (found is None) == (expected is None)
            if expected is None:
                continue
            for part in dataclasses.fields(expected):
                a, b = getattr(found, part.name), getattr(expected, part.name)
                if isinstance(b, np.ndarray):
                    assert a.dtype == b.dtype and np.array_equal(a, b), part.name
                else:
                    assert a == b, part.name
        else:
            assert found == expected, field.name


@pytest.mark.parametrize("project_id", ["medicin", "sensorer"])
def test_every_closed_wave_grows_the_basis_to_what_a_full_build_gives(
    demo_copy: Path, updates: list[str], project_id: str
) -> None:
    db = open_database(demo_copy)
    days = _closing_days(db, project_id)
    waves_seen = []
    for day in days:
        basis = project_basis(db, project_id, today=day)
        full, _ = FULL_BUILD(db, project_id, day)
        _assert_same(basis, full)
        waves_seen.append(len(basis.waves))
    db.close()
    assert waves_seen == list(range(1, len(days) + 1))  # one more closed wave each day
    # The first basis with answers is built; every wave after it is added to it.
    assert updates.count("grown") >= len(days) // 2, updates
    assert updates.count("built") <= 2, updates


def test_after_a_restart_the_saved_basis_grows_by_the_wave_closed_meanwhile(
    demo_copy: Path, updates: list[str]
) -> None:
    db = open_database(demo_copy)
    day, next_day = _closing_days(db, "medicin")[10:12]
    project_basis(db, "medicin", today=day)
    assert updates == ["built"]
    forget_bases()  # what a restart forgets; the basis saved beside the file stays
    grown = project_basis(db, "medicin", today=next_day)
    assert updates == ["built", "grown"]
    _assert_same(grown, FULL_BUILD(db, "medicin", next_day)[0])
    db.close()


def test_anything_but_a_newly_closed_wave_builds_the_basis_again(
    demo_copy: Path, updates: list[str]
) -> None:
    db = open_database(demo_copy)
    day, next_day, third_day = _closing_days(db, "medicin")[10:13]
    project_basis(db, "medicin", today=day)
    # A response taken out of an old, closed wave (as removing an import does).
    with db.transaction() as cur:
        (gone,) = cur.execute(
            """SELECT min(r.id) FROM stored_responses r JOIN waves w ON w.id = r.wave_id
               WHERE w.project_id = 'medicin' AND w.closes < ?""",
            [day - dt.timedelta(days=30)],
        ).fetchall()[0]
        cur.execute("DELETE FROM stored_answers WHERE response_id = ?", [gone])
        cur.execute("DELETE FROM stored_responses WHERE id = ?", [gone])
    changed = project_basis(db, "medicin", today=next_day)
    assert updates == ["built", "built"]
    _assert_same(changed, FULL_BUILD(db, "medicin", next_day)[0])
    # A renamed unit changes the organisation: built again too.
    with db.transaction() as cur:
        cur.execute("UPDATE units SET name = name || ' (ny)' WHERE parent_id IS NULL")
    project_basis(db, "medicin", today=third_day)
    assert updates == ["built", "built", "built"]
    db.close()
