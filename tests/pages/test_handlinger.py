"""Aftalte handlinger page (AppTest): open first with the overdue marked, who records and closes
what, the form filled in from the address, and bad or refused writes that store nothing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from data import open_database
from surveys.together import actions
from tests.conftest import app_file
from tests.pages.together_support import (
    ADMIN,
    TIMEOUT,
    labels,
    page,
    press,
    run,
    stored_actions,
    texts,
)

TODAY = dt.date.today()
# The demo's medicin actions: 1 Syd (udført), 2 Nord (i gang), 3 Syd, aftenvagten (åben).
NIGHT = "Afklar adgangen til medicinskab og scanner om natten"
EVENING = "Ekstra oplæring i scanning for aftenvagten"
TEST_GROUP = "Superbrugere fra Syd i testgruppen"


def whats(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value["Hvad"])


def _add_overdue(path: Path) -> None:
    db = open_database(path)
    actions.add_action(
        db,
        ADMIN,
        actions.ActionInput(
            project_id="medicin",
            unit_ids=("NORD-EGELY",),
            what="Scannere på alle medicinvogne",
            responsible="Leder, Plejecenter Egely",
            agreed_on=TODAY - dt.timedelta(days=30),
            due=TODAY - dt.timedelta(days=2),
        ),
        today=TODAY,
    )
    db.close()


def test_the_administrator_sees_open_actions_first_and_the_overdue_marked(
    app_env: Path,
) -> None:
    _add_overdue(app_env)
    at = run("handlinger")
    assert at.title[0].value == "Aftalte handlinger"
    assert whats(at) == ["Scannere på alle medicinvogne", EVENING, NIGHT, TEST_GROUP]
    table = at.dataframe[0].value.set_index("Hvad")
    assert table.loc["Scannere på alle medicinvogne", "Frist"].endswith("· overskredet")
    assert "overskredet" not in table.loc[EVENING, "Frist"]
    assert table.loc[TEST_GROUP, "Status"] == "Udført"
    assert table.loc[TEST_GROUP, "Kilde"] == "MED-drøftelse (post 5)"
    assert "3 åbne handlinger, heraf 1 overskredet (4 i alt)." in texts(at)
    assert labels(at) == ["Gem handlingen", "Gem status"]


def test_the_address_fills_in_the_form_and_the_action_is_stored(app_env: Path) -> None:
    at = run(
        "handlinger",
        project="medicin",
        source="med_log",
        ref="5",
        units="AELDRE-SYD",
        what="Syd får en plads i styregruppen",
    )
    assert at.multiselect(key="act_units").value == ["AELDRE-SYD"]
    assert at.text_area(key="act_what").value == "Syd får en plads i styregruppen"
    assert at.selectbox(key="act_source").value == "med_log"
    assert at.text_input(key="act_ref").value == "5"
    at.text_input(key="act_responsible").input("Områdechef")
    at.date_input(key="act_due").set_value(TODAY + dt.timedelta(days=30))
    press(at, "Gem handlingen")
    assert at.success[0].value == "Handlingen er gemt."
    new = stored_actions(app_env)[-1]
    assert (new.what, new.unit_ids, new.responsible) == (
        "Syd får en plads i styregruppen",
        ("AELDRE-SYD",),
        "Områdechef",
    )
    assert (new.source, new.source_ref, new.due) == ("med_log", "5", TODAY + dt.timedelta(days=30))
    assert "source" not in at.query_params and "ref" not in at.query_params
    assert at.multiselect(key="act_units").value == []  # the form is empty again


def test_bad_input_names_every_problem_and_stores_nothing(app_env: Path) -> None:
    at = run("handlinger", source="snapshot", ref="99", units="AELDRE-SYD")
    at.date_input(key="act_agreed").set_value(TODAY + dt.timedelta(days=1))
    at.date_input(key="act_due").set_value(TODAY)
    press(at, "Gem handlingen")
    message = at.error[0].value
    assert message.startswith("Intet er gemt. Ret følgende, og prøv igen:")
    for problem in (
        "Skriv, hvad der skal gøres.",
        "Skriv, hvem der er ansvarlig (en rolle eller et navn).",
        "Datoen for aftalen ligger i fremtiden.",
        "Fristen ligger før datoen for aftalen.",
        "Kilden »99« findes ikke i dette projekt",
    ):
        assert f"- {problem}" in message
    assert len(stored_actions(app_env)) == 3


def test_a_leder_records_and_closes_actions_for_their_own_units_only(app_env: Path) -> None:
    at = run("handlinger", "leder", "AELDRE-SYD", units="AELDRE-NORD,SYD-AABO")
    assert whats(at) == [EVENING, TEST_GROUP]  # Nord's action is not theirs to read
    choices = at.multiselect(key="act_units").options
    assert "Ældreområde Syd" in choices and "Plejecenter Åbo" in choices
    assert "Ældreområde Nord" not in choices and "Plejecenter Egely" not in choices
    assert "Du kan ikke registrere handlinger for AELDRE-NORD" in at.warning[0].value
    assert at.multiselect(key="act_units").value == ["SYD-AABO"]
    at.text_area(key="act_what").input("Scanneren flyttes ind i medicinrummet")
    at.text_input(key="act_responsible").input("Leder, Plejecenter Åbo")
    press(at, "Gem handlingen")
    assert stored_actions(app_env)[-1].unit_ids == ("SYD-AABO",)
    statuses = at.selectbox(key="act_status_action").options
    assert not any("om natten" in option for option in statuses)
    at.selectbox(key="act_status_action").set_value(3)
    at.selectbox(key="act_status").set_value("udfoert")
    at.text_area(key="act_outcome").input("Aftenvagten er oplært.")
    press(at, "Gem status")
    assert at.success[0].value == "Status for handling 3 er gemt."
    closed = {a.id: a for a in stored_actions(app_env)}[3]
    assert (closed.status, closed.outcome, closed.closed_on) == (
        "udfoert",
        "Aftenvagten er oplært.",
        TODAY,
    )


def test_a_write_refused_after_the_leders_units_changed_stores_nothing(app_env: Path) -> None:
    """The units chosen belong to the leder's old area: the form is sent after the leder's
    area changed (another tab, a new role file), and nothing is stored."""
    at = run("handlinger", "leder", "AELDRE-SYD", units="SYD-AABO")
    at.text_area(key="act_what").input("Noget for Åbo")
    at.text_input(key="act_responsible").input("Leder")
    at.session_state["demo_role_unit"] = "AELDRE-NORD"
    press(at, "Gem handlingen")
    assert "Intet er gemt." in at.error[0].value
    assert "Vælg mindst én enhed, handlingen vedrører." in at.error[0].value
    assert len(stored_actions(app_env)) == 3


def test_a_secretary_records_for_the_committees_area(app_env: Path) -> None:
    at = run("handlinger", "sekretaer", "LMED-SYD")
    assert whats(at) == [EVENING, TEST_GROUP]
    assert "Ældreområde Nord" not in at.multiselect(key="act_units").options
    assert labels(at) == ["Gem handlingen", "Gem status"]


def test_a_med_member_and_an_analytiker_only_read(app_env: Path) -> None:
    member = run("handlinger", "med", "LMED-NORD")
    assert whats(member) == [NIGHT]
    assert labels(member) == [] and "Registrér en aftalt handling" not in texts(member)
    analyst = run("handlinger", "analytiker")
    assert whats(analyst) == [EVENING, NIGHT, TEST_GROUP]
    assert labels(analyst) == []


def test_a_leder_of_another_project_sees_its_empty_list_and_own_units(app_env: Path) -> None:
    at = page("handlinger", "leder", "BYGPLAN").run()
    assert not at.exception
    assert at.selectbox(key="dash_project").value == "byggesag"
    assert "Der er ingen aftalte handlinger" in texts(at)
    assert "Byggesager" in at.multiselect(key="act_units").options
    assert "Ældreområde Syd" not in at.multiselect(key="act_units").options
    assert labels(at) == ["Gem handlingen"]  # nothing to change the status of


def test_through_the_app_the_link_with_project_opens_the_filled_form(app_env: Path) -> None:
    at = AppTest.from_file(app_file("app.py"), default_timeout=TIMEOUT).run()
    at.switch_page("pages/handlinger.py")
    at.query_params["project"] = "medicin"
    at.query_params["source"] = "finding"
    at.query_params["ref"] = "Medspil faldt 22 point i Ældreområde Syd"
    at.query_params["units"] = "AELDRE-SYD"
    at.run()
    assert not at.exception
    assert at.title[0].value == "Aftalte handlinger"
    assert at.selectbox(key="act_source").value == "finding"
    assert at.text_input(key="act_ref").value == "Medspil faldt 22 point i Ældreområde Syd"
    assert at.selectbox(key="dash_project").value == "medicin"


def test_overblik_shows_a_new_action_at_once(app_env: Path) -> None:
    # Overblik's reads (its project timeline with the markers) are cached for minutes; a
    # written action must not wait for them.
    def timeline_hovers(at: AppTest) -> str:
        specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
        return " ".join(
            " ".join(trace.get("hovertext") or [])
            for spec in specs
            for trace in spec["data"]
            if trace.get("hovertext")
        )

    new = "Vandposer på alle medicinvogne"
    assert new not in timeline_hovers(run("overblik"))  # read once: now it is cached
    at = run("handlinger", project="medicin", units="AELDRE-SYD", what=new)
    at.text_input(key="act_responsible").input("Områdechef")
    press(at, "Gem handlingen")
    assert at.success[0].value == "Handlingen er gemt."
    assert new in timeline_hovers(run("overblik"))
