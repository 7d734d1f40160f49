"""Agreed actions: who records and closes them, who sees them, and what is refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from data import open_database
from data import together as together_queries
from medspil.scope import Scope
from medspil.vocabulary import ActionSource, ActionStatus, Role
from surveys.together import actions
from surveys.together.med_log import EntryInvalid
from surveys.together.rights import NotYours

TODAY = dt.date.today()
LEDER_SYD = Scope(role=Role.LEDER, unit_roots=frozenset({"AELDRE-SYD"}), actor="leder-syd")
LEDER_NORD = Scope(role=Role.LEDER, unit_roots=frozenset({"AELDRE-NORD"}))


def action(*units: str, **changes: object) -> actions.ActionInput:
    fields: dict[str, object] = {
        "project_id": "medicin",
        "unit_ids": units,
        "what": "Superbrugerne holder åbent værksted om scanning",
        "responsible": "Teamleder, aftenvagten",
        "agreed_on": TODAY,
        "due": TODAY + dt.timedelta(days=14),
    }
    fields.update(changes)
    return actions.ActionInput(**fields)  # type: ignore[arg-type]


@pytest.fixture
def db(demo_copy: Path):
    database = open_database(demo_copy)
    yield database
    database.close()


def test_a_leder_records_and_closes_an_action_for_own_units(db) -> None:
    action_id = actions.add_action(db, LEDER_SYD, action("SYD-HJEMAFT"), today=TODAY)
    found = next(a for a in actions.visible_actions(db, LEDER_SYD) if a.id == action_id)
    assert (found.status, found.recorded_by, found.unit_names) == (
        ActionStatus.AABEN,
        "leder-syd",
        ("Hjemmeplejen Syd, aften",),
    )
    actions.set_status(db, LEDER_SYD, action_id, "udfoert", outcome="Holdt to gange", today=TODAY)
    closed = next(a for a in actions.visible_actions(db, LEDER_SYD) if a.id == action_id)
    assert (closed.status, closed.closed_on, closed.outcome) == ("udfoert", TODAY, "Holdt to gange")
    assert action_id not in {a.id for a in actions.visible_actions(db, LEDER_SYD, open_only=True)}


@pytest.mark.parametrize(
    "scope",
    [
        LEDER_NORD,  # not their units
        Scope(
            role=Role.MED,
            unit_roots=frozenset({"AELDRE-SYD"}),
            committee_ids=frozenset({"LMED-SYD"}),
        ),
        Scope(role=Role.ANALYTIKER),
    ],
    ids=["other-leder", "med-member", "analytiker"],
)
def test_others_may_not_record_or_close_it(db, scope: Scope) -> None:
    before = together_queries.actions(db)
    with pytest.raises(NotYours):
        actions.add_action(db, scope, action("SYD-HJEMAFT"), today=TODAY)
    syd_action = next(
        a for a in actions.visible_actions(db, Scope.admin()) if "SYD-HJEMAFT" in a.unit_ids
    )
    with pytest.raises(NotYours):
        actions.set_status(db, scope, syd_action.id, "opgivet", today=TODAY)
    assert together_queries.actions(db).equals(before)


def test_a_secretary_records_actions_for_the_committees_area(db) -> None:
    secretary = Scope(
        role=Role.SEKRETAER,
        unit_roots=frozenset({"AELDRE-SYD"}),
        committee_ids=frozenset({"LMED-SYD"}),
    )
    actions.add_action(db, secretary, action("AELDRE-SYD"), today=TODAY)
    with pytest.raises(NotYours):
        actions.add_action(db, secretary, action("AELDRE-SYD", "NORD-HJEM"), today=TODAY)


def test_a_bad_action_names_every_problem_and_stores_nothing(db) -> None:
    before = len(together_queries.actions(db))
    bad = action(
        "SYD-HJEMAFT",
        what="",
        responsible="\n",
        agreed_on=TODAY + dt.timedelta(days=1),
        due=TODAY,
        source=ActionSource.MED_LOG,
        source_ref="9999",
    )
    with pytest.raises(EntryInvalid) as refused:
        actions.add_action(db, Scope.admin(), bad, today=TODAY)
    assert [key for key, _ in refused.value.problems] == [
        "actions.problem_what",
        "actions.problem_responsible",
        "actions.problem_future",
        "actions.problem_due",
        "actions.problem_source_ref",
    ]
    with pytest.raises(EntryInvalid, match="TM"):
        actions.add_action(db, Scope.admin(), action("TM"), today=TODAY)
    with pytest.raises(EntryInvalid):
        actions.set_status(db, Scope.admin(), 1, "halvt", today=TODAY)
    assert len(together_queries.actions(db)) == before


def test_each_leder_sees_the_open_actions_of_their_own_units(db) -> None:
    syd = {a.what for a in actions.visible_actions(db, LEDER_SYD, "medicin", open_only=True)}
    nord = {a.what for a in actions.visible_actions(db, LEDER_NORD, "medicin", open_only=True)}
    assert syd == {"Ekstra oplæring i scanning for aftenvagten"}
    assert nord == {"Afklar adgangen til medicinskab og scanner om natten"}
    overdue = actions.visible_actions(db, LEDER_NORD, "medicin", open_only=True)[0]
    assert not overdue.overdue(TODAY)
    assert overdue.overdue(overdue.due + dt.timedelta(days=1))  # type: ignore[operator]


def test_braces_in_what_was_agreed_are_stored_and_audited_as_written(db) -> None:
    # The audit line is built around the new row's id: text a person typed ("{0}", "{id}",
    # a lone "{") must neither crash the write nor be read as a placeholder.
    what = "Skema {0} og {id} rettes; {ikke lukket"
    action_id = actions.add_action(db, LEDER_SYD, action("SYD-HJEMAFT", what=what), today=TODAY)
    found = next(a for a in actions.visible_actions(db, LEDER_SYD) if a.id == action_id)
    assert found.what == what
    from data import audit

    line = audit.entries(db)["detail"].iloc[0]
    assert line.startswith(f"handling {action_id}: ") and line.endswith(what)
