"""The MED log: who writes, who reads, frozen entries and corrections, on a real DuckDB file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from data import audit, open_database
from data import together as together_queries
from medspil.scope import Scope
from medspil.vocabulary import Role
from surveys.together import med_log
from surveys.together.rights import NotYours

TODAY = dt.date.today()


def committee_scope(role: Role, committee: str, roots: set[str]) -> Scope:
    return Scope(role=role, unit_roots=frozenset(roots), committee_ids=frozenset({committee}))


SECRETARY_SYD = committee_scope(Role.SEKRETAER, "LMED-SYD", {"AELDRE-SYD"})
MEMBER_SYD = committee_scope(Role.MED, "LMED-SYD", {"AELDRE-SYD"})
MEMBER_NORD = committee_scope(Role.MED, "LMED-NORD", {"AELDRE-NORD"})
LEDER_NORD_HJEM = Scope(role=Role.LEDER, unit_roots=frozenset({"NORD-HJEM"}))


def entry(committee: str = "LMED-SYD", **changes: object) -> med_log.EntryInput:
    fields: dict[str, object] = {
        "project_id": "medicin",
        "committee_id": committee,
        "met_on": TODAY - dt.timedelta(days=2),
        "topic": "Opfølgning på scanning",
        "decision": "Superbrugerne viser scanning på personalemødet.",
        "phase_kind": "implementering",
        "questions": (4,),
        "principles": (9, 4),
    }
    fields.update(changes)
    return med_log.EntryInput(**fields)  # type: ignore[arg-type]


@pytest.fixture
def db(demo_copy: Path):
    database = open_database(demo_copy)
    yield database
    database.close()


def test_the_secretary_writes_the_own_committees_log_and_it_is_audited(db) -> None:
    scope = Scope(
        role=Role.SEKRETAER,
        unit_roots=frozenset({"AELDRE-SYD"}),
        committee_ids=frozenset({"LMED-SYD"}),
        actor="sofie@fjordby.dk",
    )
    entry_id = med_log.add_entry(db, scope, entry(), today=TODAY)
    stored = next(e for e in med_log.visible_entries(db, scope, "medicin") if e.id == entry_id)
    assert stored.principles == (4, 9)  # sorted, once each
    assert stored.recorded_by == "sofie@fjordby.dk"
    last = audit.entries(db, limit=1).iloc[0]
    assert (last["actor"], last["action"]) == ("sofie@fjordby.dk", "med_meeting.add")
    assert f"post {entry_id}" in last["detail"]


@pytest.mark.parametrize(
    "scope",
    [
        committee_scope(Role.SEKRETAER, "LMED-NORD", {"AELDRE-NORD"}),  # another committee
        MEMBER_SYD,  # a member reads, the secretary writes
        Scope(role=Role.LEDER, unit_roots=frozenset({"AELDRE-SYD"})),
        Scope(role=Role.ANALYTIKER),
    ],
    ids=["other-secretary", "member", "leder", "analytiker"],
)
def test_nobody_else_writes_the_log(db, scope: Scope) -> None:
    before = len(together_queries.med_log(db))
    with pytest.raises(NotYours) as refused:
        med_log.add_entry(db, scope, entry(), today=TODAY)
    assert "Intet er gemt" in refused.value.message("da")
    assert len(together_queries.med_log(db)) == before


def test_a_bad_entry_names_every_problem_and_stores_nothing(db) -> None:
    before = len(together_queries.med_log(db))
    bad = entry(
        met_on=TODAY + dt.timedelta(days=1),
        topic=" \t ",
        phase_kind="drift",
        questions=(6,),
        principles=(0, 11),
        snapshot_id=999,
    )
    with pytest.raises(med_log.EntryInvalid) as refused:
        med_log.add_entry(db, Scope.admin(), bad, today=TODAY)
    keys = [key for key, _ in refused.value.problems]
    assert keys == [
        "med_log.problem_future",
        "med_log.problem_phase",
        "med_log.problem_topic",
        "med_log.problem_question",
        "med_log.problem_principle",
        "med_log.problem_snapshot",
    ]
    with pytest.raises(med_log.EntryInvalid, match="NOPE"):
        med_log.add_entry(db, Scope.admin(), entry("NOPE"), today=TODAY)
    assert len(together_queries.med_log(db)) == before


def test_each_reader_sees_the_committees_that_overlap_their_units(db) -> None:
    def committees(scope: Scope) -> set[str]:
        return {e.committee_id for e in med_log.visible_entries(db, scope, "medicin")}

    everything = {"HMED", "MED-SAE", "LMED-NORD", "LMED-SYD"}
    assert committees(Scope.admin()) == everything
    assert committees(Scope(role=Role.ANALYTIKER)) == everything
    # Hoved-MED and Område-MED cover Nord too; Lokal-MED Syd does not.
    assert committees(LEDER_NORD_HJEM) == {"HMED", "MED-SAE", "LMED-NORD"}
    assert committees(MEMBER_NORD) == {"HMED", "MED-SAE", "LMED-NORD"}
    assert committees(MEMBER_SYD) == {"HMED", "MED-SAE", "LMED-SYD"}


def test_a_frozen_entry_is_never_edited_and_a_correction_stands_beside_it(db) -> None:
    entry_id = med_log.add_entry(db, SECRETARY_SYD, entry(), today=TODAY)
    med_log.edit_entry(db, SECRETARY_SYD, entry_id, entry(topic="Opfølgning"), today=TODAY)
    assert med_log.visible_entries(db, Scope.admin())[-1].topic == "Opfølgning"

    med_log.freeze_entries(db, [entry_id], snapshot_id=1)
    with pytest.raises(med_log.EntryFrozen) as refused:
        med_log.edit_entry(db, Scope.admin(), entry_id, entry(topic="Ændret"), today=TODAY)
    assert "Tilføj en rettelse" in refused.value.message("da")
    stored = next(e for e in med_log.visible_entries(db, Scope.admin()) if e.id == entry_id)
    assert (stored.topic, stored.frozen_by) == ("Opfølgning", 1)

    fix = med_log.add_entry(
        db, SECRETARY_SYD, entry(topic="Opfølgning på scanning (rettet dato)"), today=TODAY,
        corrects=entry_id,
    )  # fmt: skip
    entries = med_log.visible_entries(db, Scope.admin(), "medicin")
    original = next(e for e in entries if e.id == entry_id)
    assert original.corrected_by == fix
    current = med_log.current_entries(entries)
    assert entry_id not in {e.id for e in current}
    assert fix in {e.id for e in current}
    with pytest.raises(med_log.EntryInvalid):  # a correction keeps project and committee
        med_log.add_entry(db, Scope.admin(), entry("LMED-NORD"), today=TODAY, corrects=entry_id)
