"""What the pages of acting together show: the log's order and corrections in place, actions open
first, the writer's choices, and the form values an address brings."""

from __future__ import annotations

import datetime as dt

from data.db import Database
from medspil.scope import Scope
from medspil.vocabulary import ActionSource, ActionStatus, Role
from surveys.together import med_log
from surveys.together.actions import Action
from surveys.together.med_log import LogEntry
from surveys.together.views import (
    action_prefill,
    action_unit_choices,
    actions_in_order,
    entry_action_params,
    log_cards,
    open_actions_summary,
    writable_committees,
)

DAY = dt.date(2026, 5, 1)


def _entry(entry_id: int, met_on: dt.date, **changes: object) -> LogEntry:
    fields: dict[str, object] = dict(
        id=entry_id,
        project_id="p",
        committee_id="LMED",
        committee_name="Lokal-MED",
        met_on=met_on,
        phase_kind="udvikling",
        topic=f"Emne {entry_id}",
        questions=(3,),
        principles=(4, 10),
        decision="",
        snapshot_id=None,
        corrects=None,
        recorded_on=met_on,
        recorded_by="demo",
        frozen_by=None,
        corrected_by=None,
    )
    fields.update(changes)
    return LogEntry(**fields)  # type: ignore[arg-type]


def test_the_log_is_newest_first_with_a_correction_in_place_of_the_original() -> None:
    entries = [
        _entry(1, DAY, frozen_by=7, corrected_by=3),
        _entry(2, DAY + dt.timedelta(days=10), phase_kind="implementering"),
        _entry(3, DAY, corrects=1, topic="Emne 1, rettet"),
    ]
    cards = log_cards(entries, "da")
    assert [c.entry.id for c in cards] == [2, 3]
    correction = cards[1]
    assert correction.correction_line == "Retter post 1."
    assert correction.original is not None and correction.original.entry.id == 1
    assert correction.original.frozen_line == "Låst (vist i øjebliksbillede 7)"
    assert correction.heading == "01.05.2026 · Lokal-MED · Udvikling"
    assert correction.tags == (
        "Spørgsmål 3: Hvem inddrages, hvornår og hvordan?",
        "Princip 4: Hold informationsniveauet højt",
        "Princip 10: Følg op, og justér undervejs",
    )
    assert [c.entry.id for c in log_cards(entries, "da", phase_kind="implementering")] == [2]
    assert log_cards(entries, "da", committee_id="HMED") == []


def _action(action_id: int, status: str, due: dt.date | None, closed: dt.date | None) -> Action:
    return Action(
        id=action_id,
        project_id="p",
        unit_ids=("U",),
        unit_names=("Enhed",),
        what=f"Handling {action_id}",
        responsible="Leder",
        due=due,
        status=ActionStatus(status),
        source=ActionSource.OTHER,
        source_ref="",
        agreed_on=DAY - dt.timedelta(days=60),
        recorded_by="demo",
        closed_on=closed,
        outcome="",
    )


def test_actions_come_open_first_the_overdue_on_top_and_the_closed_last() -> None:
    today = DAY
    found = [
        _action(1, "udfoert", DAY, DAY - dt.timedelta(days=9)),
        _action(2, "aaben", None, None),
        _action(3, "i_gang", DAY + dt.timedelta(days=5), None),
        _action(4, "aaben", DAY - dt.timedelta(days=1), None),
        _action(5, "opgivet", None, DAY - dt.timedelta(days=2)),
        _action(6, "aaben", DAY + dt.timedelta(days=2), None),
    ]
    assert [a.id for a in actions_in_order(found, today)] == [4, 6, 3, 2, 5, 1]


def test_an_address_fills_in_only_what_the_writer_may_choose() -> None:
    prefill = action_prefill(
        {"source": "med_log", "ref": "5\n", "units": "A,B,,C", "what": "Gør\x1b noget"},
        {"A": "Enhed A", "C": "Enhed C"},
    )
    assert (prefill.source, prefill.ref, prefill.what) == ("med_log", "5", "Gør noget")
    assert prefill.units == ("A", "C") and prefill.left_out == ("B",)
    assert action_prefill({"source": "rumour"}, {}).source is None


def test_the_writers_choices_follow_their_rights(demo_db: Database) -> None:
    syd_leder = Scope(role=Role.LEDER, unit_roots=frozenset({"AELDRE-SYD"}))
    units = action_unit_choices(demo_db, syd_leder, "medicin")
    assert "AELDRE-SYD" in units and "SYD-AABO" in units and "AELDRE-NORD" not in units
    outside = Scope(role=Role.LEDER, unit_roots=frozenset({"BYGPLAN"}))
    assert action_unit_choices(demo_db, outside, "medicin") == {}
    member = Scope(role=Role.MED, unit_roots=frozenset({"AELDRE-SYD"}))
    assert action_unit_choices(demo_db, member, "medicin") == {}
    secretary = Scope(
        role=Role.SEKRETAER,
        unit_roots=frozenset({"AELDRE-SYD"}),
        committee_ids=frozenset({"LMED-SYD"}),
    )
    assert writable_committees(demo_db, secretary) == {"LMED-SYD": "Lokal-MED Ældreområde Syd"}
    assert writable_committees(demo_db, member) == {}
    assert len(writable_committees(demo_db, Scope.admin())) == 6


def test_an_entry_starts_an_action_for_the_committees_units_the_reader_may_choose(
    demo_db: Database,
) -> None:
    entries = {e.id: e for e in med_log.visible_entries(demo_db, Scope.admin(), "medicin")}
    syd_drop = next(e for e in entries.values() if e.topic == "Faldet i medspil drøftet")
    params = entry_action_params(demo_db, Scope.admin(), syd_drop)
    assert params == {
        "project": "medicin",
        "source": "med_log",
        "ref": str(syd_drop.id),
        "units": "AELDRE-SYD",
    }
    analyst = Scope(role=Role.ANALYTIKER)
    assert entry_action_params(demo_db, analyst, syd_drop) is None
    hoved = next(e for e in entries.values() if e.committee_id == "HMED")
    nord_leder = Scope(role=Role.LEDER, unit_roots=frozenset({"AELDRE-NORD"}))
    # Hoved-MED covers the whole project: a Nord leder may choose Nord only.
    assert entry_action_params(demo_db, nord_leder, hoved) == {
        "project": "medicin",
        "source": "med_log",
        "ref": str(hoved.id),
        "units": "AELDRE-NORD",
    }


def test_overblik_gets_the_open_actions_of_the_readers_units(demo_db: Database) -> None:
    today = dt.date.today()
    everything = open_actions_summary(demo_db, Scope.admin(), "medicin", today=today, lang="da")
    assert len(everything.lines) == 2 and everything.more == 0
    assert everything.lines[0].startswith("Ekstra oplæring i scanning for aftenvagten")
    nord = Scope(role=Role.LEDER, unit_roots=frozenset({"AELDRE-NORD"}))
    only_nord = open_actions_summary(demo_db, nord, "medicin", today=today, lang="da")
    assert [line.split(" · ")[0] for line in only_nord.lines] == [
        "Afklar adgangen til medicinskab og scanner om natten"
    ]


def test_the_page_wide_unit_filter_agrees_with_the_rule_for_every_demo_role(
    demo_db: Database,
) -> None:
    # Overblik reads the reader's units once for all its cards: the same answer as asking
    # may_write_actions unit by unit, for every role the demo can take, on every unit.
    from data import org as org_queries
    from surveys.administration.disclosure_audit import every_role
    from surveys.together.rights import action_unit_filter, may_write_actions

    units = [str(u) for u in org_queries.units(demo_db)["id"]]
    secretary = Scope(
        role=Role.SEKRETAER,
        unit_roots=frozenset({"AELDRE-SYD"}),
        committee_ids=frozenset({"LMED-SYD"}),
    )
    scopes = [*every_role(demo_db), secretary]
    seen_some, seen_none = False, False
    for scope in scopes:
        expected = [u for u in units if may_write_actions(demo_db, scope, [u])]
        assert action_unit_filter(demo_db, scope)([*units, *units[:3]]) == expected, scope
        seen_some |= bool(expected) and len(expected) < len(units)
        seen_none |= not expected
    assert seen_some and seen_none  # leders (some units) and MED members (none) were tried
