"""The involvement plan: planned against as it happened, on a real DuckDB file (the demo)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from data import audit, open_database
from data import together as together_queries
from medspil.errors import AdminInputInvalid, AdminOnly
from medspil.scope import Scope
from medspil.vocabulary import Involvement, PhaseKind, ProjectRoleKind, Role
from surveys.dashboards import basis as dashboard
from surveys.together import plan

TODAY = dt.date.today()
LEDER_SYD = Scope(role=Role.LEDER, unit_roots=frozenset({"AELDRE-SYD"}))


def test_a_level_as_it_happened_overrides_the_plan_below_it() -> None:
    # K > A > (a1, a2), K > B > b1. Planned: a1 medbestemmelse (leaf), A's phase default.
    parent = {"K": None, "A": "K", "a1": "A", "a2": "A", "B": "K", "b1": "B"}
    planned = {(1, "a1"): "medbestemmelse", (1, "b1"): "medindflydelse", (2, "a1"): "x"}
    # As it happened: all of A only informed, except a2 who really had a say.
    actual = {(1, "a2"): "medindflydelse", (1, "A"): "information"}
    merged = plan.merge_levels(planned, actual, parent)
    assert merged[(1, "A")] == "information"
    assert merged[(1, "a1")] == "information"  # the area's recorded level beats a1's plan
    assert merged[(1, "a2")] == "medindflydelse"  # its own recorded level beats the area's
    assert merged[(1, "b1")] == "medindflydelse"  # untouched: no record above it
    assert merged[(2, "a1")] == "x"  # another phase is untouched


def test_the_demo_plan_shows_where_plan_and_practice_parted(demo_db) -> None:
    rows = plan.plan_rows(demo_db, Scope.admin(), "medicin", TODAY)
    syd = next(r for r in rows if r.phase_kind == PhaseKind.UDVIKLING and r.unit_id == "AELDRE-SYD")
    nord = next(
        r for r in rows if r.phase_kind == PhaseKind.UDVIKLING and r.unit_id == "AELDRE-NORD"
    )
    assert (syd.planned, syd.actual, syd.differs) == ("medindflydelse", "information", True)
    assert (nord.planned, nord.actual, nord.differs) == ("medbestemmelse", "medbestemmelse", False)
    assert [r for r in rows if r.differs] == [syd]
    table = plan.plan_table(rows, "da")
    assert "Afviger fra planen" in set(table["Plan og praksis"])


def test_a_leder_sees_the_plan_of_their_own_units_only(demo_db) -> None:
    rows = plan.plan_rows(demo_db, LEDER_SYD, "medicin", TODAY)
    assert {r.unit_id for r in rows} == {"AELDRE-SYD"}
    assert {r.unit_id for r in plan.roles(demo_db, LEDER_SYD, "medicin")} <= {
        "AELDRE-SYD",
        "SYD-HJEMDAG",
    }


def test_the_dashboards_show_the_level_as_it_happened(demo_copy: Path) -> None:
    db = open_database(demo_copy)
    try:
        dashboard.forget_bases()
        basis = dashboard.project_basis(db, "medicin", today=TODAY)
        udvikling = int(basis.phases.loc[basis.phases["kind"] == "udvikling", "id"].iloc[0])
        assert dashboard.involvement_of(basis, "SYD-AABO", udvikling) == "information"
        assert dashboard.involvement_of(basis, "NORD-NAT", udvikling) == "medbestemmelse"
        # Record that Nord was in fact only informed: the next basis says so.
        plan.record_actual(
            db,
            Scope.admin(actor="anne"),
            project_id="medicin",
            phase_kind="udvikling",
            unit_id="AELDRE-NORD",
            level=Involvement.INFORMATION,
            note="",
            today=TODAY,
        )
        dashboard.forget_bases()
        basis = dashboard.project_basis(db, "medicin", today=TODAY)
        assert dashboard.involvement_of(basis, "NORD-NAT", udvikling) == "information"
        assert audit.entries(db, limit=1)["actor"].iloc[0] == "anne"
    finally:
        dashboard.forget_bases()
        db.close()


def test_recording_a_level_is_refused_with_a_reason_and_changes_nothing(demo_copy: Path) -> None:
    db = open_database(demo_copy)
    try:
        before = together_queries.actual_involvement(db, "medicin")
        with pytest.raises(AdminOnly):
            plan.record_actual(
                db, LEDER_SYD, project_id="medicin", phase_kind="udvikling",
                unit_id="AELDRE-SYD", level="medbestemmelse", note="", today=TODAY,
            )  # fmt: skip
        with pytest.raises(AdminInputInvalid) as refused:
            plan.record_actual(
                db, Scope.admin(), project_id="medicin", phase_kind="udvikling",
                unit_id="AELDRE-SYD", level="alt", note="", today=dt.date(2020, 1, 1),
            )  # fmt: skip
        text = refused.value.message("da")
        assert "Udvikling er ikke begyndt endnu" in text
        assert "Ukendt inddragelsesniveau »alt«" in text
        with pytest.raises(AdminInputInvalid, match="TM"):
            plan.record_actual(
                db, Scope.admin(), project_id="medicin", phase_kind="udvikling",
                unit_id="TM", level="information", note="", today=TODAY,
            )  # fmt: skip
        after = together_queries.actual_involvement(db, "medicin")
        assert after.equals(before)
    finally:
        db.close()


def test_roles_and_framing_are_kept_and_checked(demo_copy: Path) -> None:
    db = open_database(demo_copy)
    try:
        admin = Scope.admin()
        role_id = plan.add_role(
            db, admin, project_id="medicin", kind=ProjectRoleKind.SUPERBRUGER,
            unit_id="SYD-AABO", phase_kinds=["implementering", "udvikling"], people=3, note="",
        )  # fmt: skip
        added = next(r for r in plan.roles(db, admin, "medicin") if r.id == role_id)
        assert added.phase_kinds == ("udvikling", "implementering")  # in phase order
        assert added.people == 3
        count = len(plan.roles(db, admin, "medicin"))
        with pytest.raises(AdminInputInvalid) as refused:
            plan.add_role(
                db, admin, project_id="medicin", kind="chef", unit_id="SYD-AABO",
                phase_kinds=[], people=0, note="",
            )  # fmt: skip
        assert len(refused.value.problems) == 3
        assert len(plan.roles(db, admin, "medicin")) == count
        plan.remove_role(db, admin, project_id="medicin", role_id=role_id)
        assert role_id not in {r.id for r in plan.roles(db, admin, "medicin")}

        plan.save_framing(
            db, admin, project_id="medicin", phase_kind="udvikling",
            fixed="Modulet\x07 er valgt", open_for_change="Testgruppen",
        )  # fmt: skip
        framing = {f.phase_kind: f for f in plan.framings(db, "medicin")}
        assert framing["udvikling"].fixed == "Modulet er valgt"  # the control character is gone
        assert framing["udvikling"].open_for_change == "Testgruppen"
        with pytest.raises(AdminOnly):
            plan.save_framing(
                db,
                LEDER_SYD,
                project_id="medicin",
                phase_kind="udvikling",
                fixed="",
                open_for_change="",
            )
    finally:
        db.close()
