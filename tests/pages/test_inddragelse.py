"""Inddragelsesplan page (AppTest): the plan against practice with the differences marked, the
roles, what is fixed and open; the administrator records how it went, everyone else reads."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from data import open_database
from data import together as together_queries
from tests.conftest import app_file
from tests.pages.together_support import TIMEOUT, labels, press, run, texts

FORMS = ["Gem niveauet", "Tilføj rollen", "Fjern rollen", "Gem teksterne"]


def plan(at: AppTest):
    return at.dataframe[0].value


def roles(at: AppTest):
    return at.dataframe[1].value


def test_the_plan_shows_where_practice_parted_from_it(app_env: Path) -> None:
    at = run("inddragelse")
    assert at.title[0].value == "Inddragelsesplan"
    table = plan(at)
    syd = table[(table["Enhed"] == "Ældreområde Syd") & (table["Fase"] == "Udvikling")].iloc[0]
    assert syd["Sådan blev det"] == "Information"
    assert syd["Plan og praksis"] == "Afviger fra planen"
    assert syd["Bemærkning"] == "Informationsmøder; testgruppen var fra Nord."
    nord = table[(table["Enhed"] == "Ældreområde Nord") & (table["Fase"] == "Udvikling")].iloc[0]
    assert nord["Plan og praksis"] == ""
    differing = int((table["Plan og praksis"] == "Afviger fra planen").sum())
    assert differing >= 1
    assert f"Plan og praksis afviger i {differing} rækker" in at.warning[0].value
    assert "Superbrugere" in set(roles(at)["Rolle"])
    page = texts(at)
    assert "Leverandør og medicinmodul er valgt; medicinen skal scannes." in page
    assert "Åbent for forandring: Medicinrunden, hvor scannerne står" in page
    assert labels(at) == FORMS


def test_the_administrator_records_a_level_and_the_dashboards_show_it(app_env: Path) -> None:
    overview = run("overblik")  # fills the dashboards' cached reads
    assert "Plejecenter Åbo: Medbestemmelse" not in " ".join(
        overview.dataframe[0].value["Anden inddragelse for enheder"]
    )
    at = run("inddragelse")
    at.selectbox(key="plan_phase").set_value("udvikling")
    at.selectbox(key="plan_unit").set_value("SYD-AABO")
    at.selectbox(key="plan_level").set_value("medbestemmelse")
    at.text_input(key="plan_note").input("Åbo var med i testgruppen")
    press(at, "Gem niveauet")
    assert at.success[0].value.startswith("Niveauet er gemt.")
    db = open_database(app_env)
    stored = together_queries.actual_involvement(db, "medicin")
    db.close()
    aabo = stored[stored["unit_id"] == "SYD-AABO"].iloc[0]
    assert (aabo["involvement"], aabo["note"]) == ("medbestemmelse", "Åbo var med i testgruppen")
    table = plan(at)
    row = table[(table["Enhed"] == "Plejecenter Åbo") & (table["Fase"] == "Udvikling")]
    assert row.iloc[0]["Sådan blev det"] == "Medbestemmelse"
    # The dashboards' cached reads were cleared: Overblik shows the level as it happened.
    overview = run("overblik")
    assert "Plejecenter Åbo: Medbestemmelse" in " ".join(
        overview.dataframe[0].value["Anden inddragelse for enheder"]
    )


def test_a_role_without_phases_is_refused_and_nothing_is_stored(app_env: Path) -> None:
    at = run("inddragelse")
    before = len(roles(at))
    at.selectbox(key="plan_role_kind").set_value("fagperson")
    at.selectbox(key="plan_role_unit").set_value("SUND-TRAEN")
    press(at, "Tilføj rollen")
    assert "Vælg mindst én fase, rollen er med i." in at.error[0].value
    assert len(roles(at)) == before
    at.multiselect(key="plan_role_phases").set_value(["implementering"])
    at.text_input(key="plan_role_note").input("Fysioterapeut")
    press(at, "Tilføj rollen")
    assert at.success[0].value == "Rollen er tilføjet."
    assert len(roles(at)) == before + 1
    assert "Fysioterapeut" in set(roles(at)["Bemærkning"])


def test_the_administrator_removes_a_role_and_edits_a_phases_framing(app_env: Path) -> None:
    at = run("inddragelse")
    before = len(roles(at))
    press(at, "Fjern rollen")
    assert at.success[0].value == "Rollen er fjernet."
    assert len(roles(at)) == before - 1
    at.selectbox(key="plan_framing_phase").set_value("implementering").run()
    assert (
        at.text_area(key="plan_fixed_implementering").value
        == "Alle enheder går over til det nye modul."
    )
    at.text_area(key="plan_open_implementering").input("Rækkefølgen og opfølgningen.")
    press(at, "Gem teksterne")
    assert "Åbent for forandring: Rækkefølgen og opfølgningen." in texts(at)


def test_a_leder_reads_the_plan_for_their_units_and_changes_nothing(app_env: Path) -> None:
    at = run("inddragelse", "leder", "AELDRE-NORD")
    units = set(plan(at)["Enhed"])
    assert "Ældreområde Nord" in units and "Ældreområde Syd" not in units
    assert set(roles(at)["Fra"]) <= {"Ældreområde Nord", "Hjemmeplejen Nord", "Plejecenter Solhøj"}
    assert labels(at) == []


def test_committee_roles_and_the_analytiker_read_without_forms(app_env: Path) -> None:
    for role, area in (("med", "LMED-SYD"), ("sekretaer", "LMED-SYD"), ("analytiker", None)):
        at = run("inddragelse", role, area)
        assert not plan(at).empty
        assert labels(at) == [], role


def test_through_the_app_the_plan_opens_from_the_menu(app_env: Path) -> None:
    at = AppTest.from_file(app_file("app.py"), default_timeout=TIMEOUT).run()
    at.switch_page("pages/inddragelse.py").run()
    assert not at.exception
    assert at.title[0].value == "Inddragelsesplan"
    assert "Afviger fra planen" in set(plan(at)["Plan og praksis"])
