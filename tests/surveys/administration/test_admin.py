"""Administration in the core: projects with phases, waves by cadence, committees, audit log.

Every action is checked whole (all problems at once) and stored in one transaction or not at all.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pandas as pd
import pytest

from data import open_database
from data import projects as project_queries
from data.answers import bulk_insert
from data.audit import entries
from medspil.errors import AdminInputInvalid
from medspil.scope import Scope
from surveys.administration.access import Identity, parse_access_rules, scope_for
from surveys.administration.committees import committee_detail, committee_table, save_committee
from surveys.administration.projects import (
    PhasePlan,
    ProjectPlan,
    first_wave_opened,
    project_plan,
    project_summary,
    save_project,
)
from surveys.administration.waves import (
    create_waves,
    deletable_from,
    delete_waves_from,
    plan_waves,
    wave_table,
)
from tests.surveys.answering.answer_support import SECRET, open_codes, submit_answers

TODAY = dt.date.today()
D = dt.timedelta
ADMIN = Scope.admin("a")


def _day(offset: int) -> dt.date:
    return TODAY + D(days=offset)


def _plan(project_id: str = "robot", **changes) -> ProjectPlan:
    base = ProjectPlan(
        project_id=project_id,
        name="Rengøringsrobotter",
        description="Robotstøvsugere på plejecentrene.",
        unit_ids=("AELDRE-SYD",),
        modules=("tryghed",),
        involvement="medindflydelse",
        k_min=5,
        k_comments=10,
        phases=(
            PhasePlan("ide", _day(0), _day(29), "information"),
            PhasePlan(
                "konsekvensvurdering",
                _day(30),
                _day(89),
                "medindflydelse",
                unit_involvement={"SYD-SKOV": "medbestemmelse"},
            ),
        ),
    )
    return ProjectPlan(**{**base.__dict__, **changes})


def _message(call) -> str:
    with pytest.raises(AdminInputInvalid) as caught:
        call()
    return caught.value.message("da")


@pytest.fixture
def demo(demo_copy: Path):
    database = open_database(demo_copy)
    yield database
    database.close()


def test_a_new_project_is_stored_whole_with_an_audit_row(demo) -> None:
    save_project(demo, _plan(), new=True, scope=Scope.admin("admin@fjordby.dk"), today=TODAY)
    stored = project_plan(demo, "robot")
    assert stored.name == "Rengøringsrobotter"
    assert stored.unit_ids == ("AELDRE-SYD",) and stored.modules == ("tryghed",)
    assert [p.kind for p in stored.phases] == ["ide", "konsekvensvurdering"]
    assert stored.phases[1].unit_involvement == {"SYD-SKOV": "medbestemmelse"}
    assert project_queries.project(demo, "robot")["instrument_id"] == "medspil-1"
    log = entries(demo)
    assert log.iloc[0]["actor"] == "admin@fjordby.dk"
    assert log.iloc[0]["action"] == "project.create"
    assert "robot" in log.iloc[0]["detail"]
    summary = project_summary(demo, today=TODAY, lang="da")
    assert "Idé → Konsekvensvurdering" in set(summary["Faser"])


def test_every_problem_of_a_project_form_is_listed_and_nothing_is_stored(demo) -> None:
    logged_before = len(entries(demo))
    bad = _plan(
        "Robot!",
        name=" ",
        unit_ids=(),
        k_min=2,
        k_comments=1,
        phases=(
            PhasePlan("udvikling", _day(0), _day(10), "information"),
            PhasePlan("ide", _day(5), _day(20), "information"),
            PhasePlan("drift", _day(40), _day(30), "information", {"BYG-SAG": "information"}),
        ),
    )
    message = _message(lambda: save_project(demo, bad, new=True, scope=ADMIN, today=TODAY))
    assert message.startswith("Intet er gemt.")
    for expected in (
        "Projektets id »Robot!«",
        "Skriv projektets navn",
        "Vælg mindst én enhed",
        "k skal være mindst 3",
        "kommentarer skal være mindst lige så stor som k",
        "Fasen Drift og forankring slutter, før den begynder",
        "enheden »BYG-SAG« hører ikke til projektets enheder",
        "rækkefølgen idé, konsekvensvurdering",
        "Faserne Udvikling og Idé overlapper",
    ):
        assert expected in message
    assert project_queries.project(demo, "Robot!") is None
    assert len(entries(demo)) == logged_before


def test_gaps_between_phases_need_a_reason_and_overlaps_are_refused(demo) -> None:
    gap = _plan(
        phases=(
            PhasePlan("ide", _day(0), _day(29), "information"),
            PhasePlan("konsekvensvurdering", _day(45), _day(89), "medindflydelse"),
        )
    )
    message = _message(lambda: save_project(demo, gap, new=True, scope=ADMIN, today=TODAY))
    assert "Der er 15 dage mellem Idé og Konsekvensvurdering" in message
    explained = PhasePlan(
        "konsekvensvurdering", _day(45), _day(89), "medindflydelse", gap_reason="Sommerferie"
    )
    save_project(
        demo,
        _plan(phases=(gap.phases[0], explained)),
        new=True,
        scope=ADMIN,
        today=TODAY,
    )
    assert project_plan(demo, "robot").phases[1].gap_reason == "Sommerferie"
    twice = _plan(
        "robot2",
        phases=(
            PhasePlan("ide", _day(0), _day(29), "information"),
            PhasePlan("ide", _day(30), _day(40), "information"),
        ),
    )
    assert "Hver fase må kun forekomme én gang" in _message(
        lambda: save_project(demo, twice, new=True, scope=ADMIN, today=TODAY)
    )
    taken = _plan("medicin")
    assert "findes allerede et projekt med id'et »medicin«" in _message(
        lambda: save_project(demo, taken, new=True, scope=ADMIN, today=TODAY)
    )


def test_k_is_fixed_once_the_first_wave_has_opened(demo) -> None:
    medicin = project_plan(demo, "medicin")
    assert first_wave_opened(demo, "medicin", TODAY)
    changed = ProjectPlan(**{**medicin.__dict__, "k_min": 3})
    message = _message(lambda: save_project(demo, changed, new=False, scope=ADMIN, today=TODAY))
    assert "k (5) og kommentargrænsen (10) kan ikke ændres" in message
    assert int(project_queries.project(demo, "medicin")["k_min"]) == 5
    # Before any wave has opened k may change.
    save_project(demo, _plan(), new=True, scope=ADMIN, today=TODAY)
    save_project(demo, _plan(k_min=7, k_comments=12), new=False, scope=ADMIN, today=TODAY)
    assert project_plan(demo, "robot").k_min == 7


def test_an_edit_keeps_answered_waves_in_their_phase_and_moves_planned_ones(demo) -> None:
    medicin = project_plan(demo, "medicin")
    phases = list(medicin.phases)
    udv, imp = phases[2], phases[3]
    # Extending the last phase and renaming keeps every wave where it is: accepted.
    longer = list(phases)
    longer[3] = PhasePlan(**{**imp.__dict__, "ends": imp.ends + D(days=90)})
    renamed = ProjectPlan(**{**medicin.__dict__, "name": "Medicin 2.0", "phases": tuple(longer)})
    save_project(demo, renamed, new=False, scope=Scope.admin("admin"), today=TODAY)
    stored = project_plan(demo, "medicin")
    assert stored.name == "Medicin 2.0" and stored.phases[3].ends == imp.ends + D(days=90)
    assert stored.phases[2].unit_involvement == udv.unit_involvement  # levels survive an edit
    # Moving the udvikling/implementering boundary would move answered waves: refused.
    phases[2] = PhasePlan(**{**udv.__dict__, "ends": udv.ends + D(days=28)})
    phases[3] = PhasePlan(**{**imp.__dict__, "starts": imp.starts + D(days=28)})
    moved = ProjectPlan(**{**medicin.__dict__, "phases": tuple(phases)})
    message = _message(lambda: save_project(demo, moved, new=False, scope=ADMIN, today=TODAY))
    assert message.count("har koder eller svar og hører til fasen Implementering") == 2
    # Cutting the first phase short leaves its first wave outside every phase: refused.
    ide = phases[0]
    phases[0] = PhasePlan(**{**ide.__dict__, "starts": ide.starts + D(days=10)})
    short = ProjectPlan(**{**medicin.__dict__, "phases": tuple(phases)})
    message = _message(lambda: save_project(demo, short, new=False, scope=ADMIN, today=TODAY))
    assert "Måling 1 åbner" in message and "ikke ligger i nogen fase" in message
    # Planned waves without codes follow the phase that now contains their open date.
    save_project(demo, _plan(), new=True, scope=ADMIN, today=TODAY)
    create_waves(
        demo, "robot", first_opens=_day(1), last_opens=_day(60), every_days=14, open_days=7,
        today=TODAY, scope=ADMIN,
    )  # fmt: skip
    assert (
        list(project_queries.waves(demo, "robot")["phase_kind"])
        == ["ide"] * 3 + ["konsekvensvurdering"] * 2
    )
    ide, kons = _plan().phases
    later = (
        PhasePlan(**{**ide.__dict__, "ends": _day(49)}),
        PhasePlan(**{**kons.__dict__, "starts": _day(50)}),
    )
    save_project(demo, _plan(phases=later), new=False, scope=ADMIN, today=TODAY)
    assert list(project_queries.waves(demo, "robot")["phase_kind"]) == ["ide"] * 4 + [
        "konsekvensvurdering"
    ]


def test_a_phase_with_waves_cannot_be_removed_but_an_empty_one_can(demo) -> None:
    medicin = project_plan(demo, "medicin")
    without = ProjectPlan(**{**medicin.__dict__, "phases": medicin.phases[:3]})
    message = _message(lambda: save_project(demo, without, new=False, scope=ADMIN, today=TODAY))
    assert "Fasen Implementering har målinger og kan ikke fjernes" in message
    plan = _plan(
        phases=(_plan().phases[0], PhasePlan("udvikling", _day(30), _day(60), "information"))
    )
    save_project(demo, plan, new=True, scope=ADMIN, today=TODAY)
    save_project(demo, _plan(phases=plan.phases[:1]), new=False, scope=ADMIN, today=TODAY)
    assert [p.kind for p in project_plan(demo, "robot").phases] == ["ide"]


def test_a_unit_with_answers_cannot_leave_its_project(demo) -> None:
    medicin = project_plan(demo, "medicin")
    smaller = ProjectPlan(**{**medicin.__dict__, "unit_ids": ("AELDRE-NORD",)})
    message = _message(lambda: save_project(demo, smaller, new=False, scope=ADMIN, today=TODAY))
    assert "Enheden »SYD-SKOV« har allerede svar" in message


def test_waves_are_planned_by_cadence_and_assigned_to_the_phase_of_their_open_date(demo) -> None:
    save_project(demo, _plan(), new=True, scope=Scope.admin("admin"), today=TODAY)
    cadence = {"first_opens": _day(1), "last_opens": _day(60), "every_days": 14, "open_days": 7}
    planned = plan_waves(demo, "robot", today=TODAY, **cadence)
    assert [w.opens for w in planned] == [_day(1), _day(15), _day(29), _day(43), _day(57)]
    assert [w.closes for w in planned] == [_day(7), _day(21), _day(35), _day(49), _day(63)]
    assert [w.number for w in planned] == [1, 2, 3, 4, 5]
    assert [w.phase_kind for w in planned] == ["ide"] * 3 + ["konsekvensvurdering"] * 2
    assert project_queries.waves(demo, "robot").empty  # planning stores nothing
    create_waves(demo, "robot", today=TODAY, scope=Scope.admin("admin@fjordby.dk"), **cadence)
    stored = project_queries.waves(demo, "robot")
    assert list(stored["number"]) == [1, 2, 3, 4, 5]
    assert list(stored["phase_kind"]) == ["ide"] * 3 + ["konsekvensvurdering"] * 2
    assert entries(demo).iloc[0]["action"] == "waves.plan"
    # The next plan continues the numbering after the last wave.
    later = {"first_opens": _day(70), "last_opens": _day(80), "every_days": 10, "open_days": 5}
    more = plan_waves(demo, "robot", today=TODAY, **later)
    assert [w.number for w in more] == [6, 7]


@pytest.mark.parametrize(
    ("cadence", "expected"),
    [
        ({"first_opens": _day(-1)}, "kan ikke åbne i fortiden"),
        ({"open_days": 15}, "Målingerne ville overlappe"),
        ({"last_opens": _day(0)}, "Sidste måling kan ikke åbne før den første"),
        ({"last_opens": _day(120)}, "ligger ikke i nogen fase"),
        ({"every_days": 0}, "mindst 1"),
    ],
)
def test_a_bad_wave_plan_is_explained(demo, cadence, expected) -> None:
    save_project(demo, _plan(), new=True, scope=ADMIN, today=TODAY)
    args = {"first_opens": _day(1), "last_opens": _day(60), "every_days": 14, "open_days": 7}
    message = _message(lambda: plan_waves(demo, "robot", today=TODAY, **{**args, **cadence}))
    assert expected in message


def test_new_waves_must_follow_the_existing_ones(demo) -> None:
    message = _message(
        lambda: plan_waves(
            demo,
            "medicin",
            first_opens=TODAY,
            last_opens=_day(30),
            every_days=14,
            open_days=7,
            today=TODAY,
        )  # fmt: skip
    )
    assert "efter projektets sidste måling" in message


def test_the_wave_table_shows_phase_state_codes_and_protected_response_counts(demo) -> None:
    table = wave_table(demo, "medicin", today=TODAY, lang="da")
    assert list(table["Nr."]) == list(range(1, 27))
    assert table["Status"].iloc[0] == "lukket" and table["Status"].iloc[-1] == "åben"
    assert table["Fase"].iloc[0] == "Idé" and table["Fase"].iloc[-1] == "Implementering"
    assert (table["Udstedte koder"] > 0).all()
    # Closed waves show the project area's protected total; the open wave a band of 10.
    assert all(v.isdigit() and int(v) >= 5 for v in table["Svar"].iloc[:-1])
    assert table["Svar"].iloc[-1].startswith(("mindst", "færre end 10"))
    # An open wave with fewer answers than a band shows no count at all.
    save_project(demo, _plan(), new=True, scope=ADMIN, today=TODAY)
    create_waves(
        demo, "robot", first_opens=TODAY, last_opens=_day(20), every_days=14, open_days=7,
        today=TODAY, scope=ADMIN,
    )  # fmt: skip
    wave_id = int(project_queries.waves(demo, "robot")["id"].iloc[0])
    ids = [str(uuid.uuid4()) for _ in range(3)]
    bulk_insert(
        demo, {"responses": pd.DataFrame({"id": ids, "wave_id": wave_id, "unit_id": "SYD-SKOV"})}
    )
    robot = wave_table(demo, "robot", today=TODAY, lang="da")
    assert list(robot["Svar"]) == ["færre end 10 svar", "0"]
    assert list(robot["Status"]) == ["åben", "planlagt"]


def test_planned_waves_can_be_deleted_from_the_end_but_not_opened_ones(demo) -> None:
    save_project(demo, _plan(), new=True, scope=ADMIN, today=TODAY)
    create_waves(
        demo, "robot", first_opens=TODAY, last_opens=_day(50), every_days=10, open_days=5,
        today=TODAY, scope=ADMIN,
    )  # fmt: skip
    assert list(deletable_from(demo, "robot", today=TODAY, lang="da")) == [2, 3, 4, 5, 6]
    assert delete_waves_from(demo, "robot", 4, today=TODAY, scope=Scope.admin("admin")) == 3
    assert list(project_queries.waves(demo, "robot")["number"]) == [1, 2, 3]
    assert entries(demo).iloc[0]["action"] == "waves.delete"
    assert "Måling 1 er åbnet" in _message(
        lambda: delete_waves_from(demo, "robot", 1, today=TODAY, scope=ADMIN)
    )
    assert list(project_queries.waves(demo, "robot")["number"]) == [1, 2, 3]
    assert deletable_from(demo, "medicin", today=TODAY, lang="da") == {}


def test_committees_are_created_and_edited_and_the_med_scope_follows(demo) -> None:
    save_committee(
        demo, committee_id="LMED-SUND", name="Lokal-MED Sundhed", level="lokal",
        roots=["SUNDHED"], new=True, scope=Scope.admin("admin@fjordby.dk"),
    )  # fmt: skip
    assert committee_detail(demo, "LMED-SUND") == ("Lokal-MED Sundhed", "lokal", ["SUNDHED"])
    table = committee_table(demo, "da").set_index("Id")
    assert table.loc["LMED-SUND", "Dækker"] == "Sundhed og Træning"
    assert table.loc["LMED-SUND", "Åbne enheder i området"] == 5
    assert table.loc["LMED-SUND", "Medarbejdere i området"] == 34 + 44 + 16 + 14
    rules = parse_access_rules(
        '[[access]]\ngroup = "g"\nrole = "med"\ncommittees = ["LMED-SUND"]\n'
    )
    member = Identity(email=None, groups=frozenset({"g"}))
    assert scope_for(demo, member, rules).unit_roots == frozenset({"SUNDHED"})
    save_committee(
        demo, committee_id="LMED-SUND", name="Lokal-MED Sundhed og Handicap", level="lokal",
        roots=["SUNDHED", "HANDICAP"], new=False, scope=Scope.admin("admin@fjordby.dk"),
    )  # fmt: skip
    assert scope_for(demo, member, rules).unit_roots == frozenset({"SUNDHED", "HANDICAP"})
    assert list(entries(demo)["action"][:2]) == ["committee.update", "committee.create"]


def test_committee_forms_are_checked_whole(demo) -> None:
    message = _message(
        lambda: save_committee(
            demo,
            committee_id="LMED-SYD",
            name="",
            level="x",
            roots=["AELDRE-SYD", "SYD-SKOV", "NOPE"],
            new=True,
            scope=ADMIN,
        )  # fmt: skip
    )
    for expected in (
        "findes allerede et udvalg med id'et »LMED-SYD«",
        "Skriv udvalgets navn",
        "Vælg udvalgets niveau",
        "Enheden »NOPE« findes ikke",
        "Plejecenter Skovbrynet ligger allerede under en anden valgt enhed",
    ):
        assert expected in message
    assert committee_detail(demo, "LMED-SYD")[2] == ["AELDRE-SYD"]


def test_the_audit_log_records_administration_but_never_answering(demo) -> None:
    logged_before = len(entries(demo))  # the demo's own story (its MED log and actions)
    codes = open_codes(demo, 2)  # issuing codes is an administrative action: one row
    issued = entries(demo)
    assert len(issued) == logged_before + 1 and issued.iloc[0]["actor"] == "test"
    for code in codes:
        submit_answers(demo, code, {}, "Godt projekt.", today=TODAY, secret=SECRET)
    after = entries(demo)
    assert len(after) == logged_before + 1  # answering left no trace in the log
    text = " ".join(after.astype(str).to_numpy().ravel())
    for code in codes:
        assert code not in text and code.replace("-", "") not in text
    assert set(after.columns) == {"happened_at", "actor", "action", "detail"}


def test_names_from_admin_forms_are_cleaned_at_the_door(demo) -> None:
    """Issue 12, item 2: control characters go, names are one line of NFC text, capped."""
    plan = _plan(name="Rengørings\x0brobotter\x1b", description="Ro\x00bot " + "x" * 5000)
    save_project(demo, plan, new=True, scope=Scope.admin("admin@fjordby.dk"), today=TODAY)
    stored = project_plan(demo, "robot")
    assert stored.name == "Rengøringsrobotter"
    assert stored.description.startswith("Robot x") and len(stored.description) <= 2000
    save_committee(
        demo, committee_id="LMED-SUND", name="Lokal-MED\nSundhed\x0b A\u030a", level="lokal",
        roots=["SUNDHED"], new=True, scope=Scope.admin("admin@fjordby.dk"),
    )  # fmt: skip
    assert committee_detail(demo, "LMED-SUND")[0] == "Lokal-MED Sundhed Å"
