"""A unit and its only child are one group of people: one finding, not two (issue 13).

On a copy of the demo database the organisation gets a new level through the administrator's
unit import: "Plejecentre Skovbrynet" between Ældreområde Syd and Plejecenter Skovbrynet, with
no answers of its own. The two then have the same respondents in every wave, which the test
counts in the stored answers, and the monitor flags both; Overblik and the snapshot show one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from data import open_database
from data import org as org_queries
from data.admin import apply_unit_import
from data.db import Database
from medspil.scope import Scope
from surveys.dashboards.basis import forget_bases, project_basis
from surveys.dashboards.finding_list import finding_list
from surveys.dashboards.shifts import distinct_alarms, project_shifts, same_series
from surveys.dashboards.views import trend_table
from surveys.snapshots.content import build_content, resolve_area
from tests.conftest import TODAY

MIDDLE = "SYD-PLEJE"
CHILD = "SYD-SKOV"


@pytest.fixture
def db(demo_copy: Path) -> Iterator[Database]:
    database = open_database(demo_copy)
    rows = [
        (
            str(u.id),
            MIDDLE if u.id == CHILD else (None if u.parent_id is None else str(u.parent_id)),
            str(u.name),
            str(u.unit_type),
            int(u.headcount),
        )
        for u in org_queries.units(database).itertuples()
    ]
    rows.append((MIDDLE, "AELDRE-SYD", "Plejecentre Skovbrynet", "afdeling", 0))
    apply_unit_import(database, rows, actor="test", detail="a level above Skovbrynet")
    forget_bases()
    yield database
    forget_bases()
    database.close()


def _responses_per_wave(db: Database, units: list[str]) -> dict[int, int]:
    with db.cursor() as cur:
        rows = cur.execute(
            "SELECT wave_id, count(*) FROM responses WHERE unit_id IN (SELECT unnest(?))"
            " GROUP BY wave_id",
            [units],
        ).fetchall()
    return dict(rows)


def _findings(found) -> list:
    return [f for card in found.cards for f in (card.lead, *card.members)]


def test_the_middle_level_has_the_childs_answers_and_both_are_flagged(db: Database) -> None:
    # Counted in the stored answers: the new level has none of its own.
    assert _responses_per_wave(db, [MIDDLE]) == {}
    assert _responses_per_wave(db, [MIDDLE, CHILD]) == _responses_per_wave(db, [CHILD])
    basis = project_basis(db, "medicin", today=TODAY)
    same = same_series(basis)
    assert {same[(CHILD, c)] for c in basis.constructs} == {MIDDLE}
    # A unit with answers of its own besides its children's is never the same series.
    assert not any(parent == "AELDRE-SYD" for parent in same.values())
    alarms = project_shifts(basis)
    medspil = alarms[alarms["construct"] == "medspil"]
    child = medspil[medspil["unit_id"] == CHILD].drop(columns="unit_id")
    middle = medspil[medspil["unit_id"] == MIDDLE].drop(columns="unit_id")
    assert not child.empty
    assert child.reset_index(drop=True).equals(middle.reset_index(drop=True))


def test_overblik_shows_the_group_once_under_the_broader_name(db: Database) -> None:
    syd = Scope(role="leder", unit_roots=frozenset({"AELDRE-SYD"}))
    found = _findings(finding_list(db, syd, "medicin", lang="da", today=TODAY))
    units = {f.unit_id for f in found}
    assert MIDDLE in units and CHILD not in units
    # The budget counts groups of people: Syd, its five units and the new level are six groups.
    listed = finding_list(db, syd, "medicin", lang="da", today=TODAY)
    assert listed.units == 6
    assert "dine 6 enheder tilsammen få cirka 3 tilfældige flag om året" in listed.budget_note
    middle = [f for f in found if f.unit_id == MIDDLE]
    assert len(middle) == len({(f.construct, f.statistics.alarm_wave) for f in middle})
    # A leder of the child alone still sees the child's own flags.
    skov = Scope(role="leder", unit_roots=frozenset({CHILD}))
    alone = _findings(finding_list(db, skov, "medicin", lang="da", today=TODAY))
    assert alone and {f.unit_id for f in alone} == {CHILD}
    assert sorted((f.construct, f.statistics.alarm_wave) for f in alone) == sorted(
        (f.construct, f.statistics.alarm_wave) for f in middle
    )


def test_a_snapshot_of_the_middle_level_lists_each_change_once(db: Database) -> None:
    area = resolve_area(db, "unit", MIDDLE)
    content = build_content(
        db, project_id="medicin", area=area, today=TODAY, include_comments=False
    )
    assert {u["id"] for u in content["units"]} == {MIDDLE, CHILD}
    finding_units = {f["unit_id"] for f in content["findings"]}
    assert finding_units == {MIDDLE}
    assert {a["unit"] for a in content["shifts"]["alarms"]} == {MIDDLE}


def test_distinct_alarms_keeps_other_units_untouched(db: Database) -> None:
    basis = project_basis(db, "medicin", today=TODAY)
    alarms = project_shifts(basis)
    units = ["AELDRE-SYD", MIDDLE, CHILD, "SYD-LAERKE"]
    kept = distinct_alarms(basis, alarms, units)
    mine = alarms[alarms["unit_id"].isin(units)]
    assert len(kept) == len(mine) - (mine["unit_id"] == CHILD).sum()
    assert set(kept["unit_id"]) == set(mine["unit_id"]) - {CHILD}


def test_udvikling_marks_the_same_flags_on_both_and_names_the_other(db: Database) -> None:
    syd = Scope(role="leder", unit_roots=frozenset({"AELDRE-SYD"}))
    views = {
        unit: trend_table(db, syd, "medicin", unit, ["medspil"], lang="da", today=TODAY)
        for unit in (MIDDLE, CHILD)
    }
    marks = {
        unit: view.table.loc[view.table["shift"] != 0, ["wave_number", "shift"]].values.tolist()
        for unit, view in views.items()
    }
    assert marks[CHILD] and marks[CHILD] == marks[MIDDLE]
    assert views[CHILD].same_as == "Plejecentre Skovbrynet"
    assert views[MIDDLE].same_as == "Plejecenter Skovbrynet"
    other = trend_table(db, syd, "medicin", "SYD-LAERKE", ["medspil"], lang="da", today=TODAY)
    assert other.same_as is None
    # A leder of the child alone is not told about the level above it.
    skov = Scope(role="leder", unit_roots=frozenset({CHILD}))
    alone = trend_table(db, skov, "medicin", CHILD, ["medspil"], lang="da", today=TODAY)
    assert alone.same_as is None
