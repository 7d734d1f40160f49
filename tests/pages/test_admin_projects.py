"""Projekter page: create a project with phases through the form; k is fixed after the first
wave; every problem is explained and nothing half-saves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from streamlit.testing.v1 import AppTest

from data import open_database
from data import projects as project_queries
from tests.conftest import app_file
from tests.pages.login_support import TIMEOUT

TODAY = dt.date.today()


def _page() -> AppTest:
    return AppTest.from_file(app_file("pages/projekter.py"), default_timeout=TIMEOUT).run()


def test_a_project_with_two_phases_is_created_through_the_form(app_env: Path) -> None:
    at = _page()
    assert not at.exception
    summary = at.dataframe[0].value
    assert list(summary["Id"]) == ["byggesag", "medicin", "sensorer"]
    assert summary.set_index("Id").loc["medicin", "k låst"] == "ja"
    prefix = "project_new"
    at.text_input(key=f"{prefix}_id").input("robot")
    at.text_input(key=f"{prefix}_name").input("Rengøringsrobotter")
    at.multiselect(key=f"{prefix}_units").set_value(["SYD-SKOV", "SYD-AABO"])
    at.multiselect(key=f"{prefix}_modules").set_value(["tryghed"])
    ticked = [box.key for box in at.checkbox if box.key.endswith("_on") and box.value]
    assert ticked == []  # a new project starts with no phase ticked
    at.checkbox(key=f"{prefix}_ide_on").check()
    at.date_input(key=f"{prefix}_ide_starts").set_value(TODAY)
    at.date_input(key=f"{prefix}_ide_ends").set_value(TODAY + dt.timedelta(days=30))
    at.checkbox(key=f"{prefix}_konsekvensvurdering_on").check()
    at.date_input(key=f"{prefix}_konsekvensvurdering_starts").set_value(
        TODAY + dt.timedelta(days=41)
    )
    at.date_input(key=f"{prefix}_konsekvensvurdering_ends").set_value(TODAY + dt.timedelta(days=90))
    at.multiselect(key=f"{prefix}_konsekvensvurdering_units_medbestemmelse").set_value(["SYD-SKOV"])
    at.button[0].click().run()
    assert not at.exception
    error = at.error[0].value
    assert error.startswith("Intet er gemt.")
    assert "Der er 10 dage mellem Idé og Konsekvensvurdering" in error
    db = open_database(app_env)
    assert project_queries.project(db, "robot") is None
    db.close()
    at.text_input(key=f"{prefix}_konsekvensvurdering_gap").input("Afventer udbud")
    at.button[0].click().run()
    assert not at.exception
    assert at.success[0].value == "Projektet Rengøringsrobotter er gemt."
    assert at.selectbox(key="project_choice").value == "robot"  # goes on editing it
    db = open_database(app_env)
    assert project_queries.project_units(db, "robot") == ["SYD-AABO", "SYD-SKOV"]
    phases = project_queries.phases(db, "robot")
    assert list(phases["kind"]) == ["ide", "konsekvensvurdering"]
    levels = project_queries.phase_unit_involvement(db, "robot")
    assert list(levels["unit_id"]) == ["SYD-SKOV"] and list(levels["involvement"]) == [
        "medbestemmelse"
    ]
    db.close()


def test_changing_k_after_the_first_wave_is_refused(app_env: Path) -> None:
    at = _page()
    at.selectbox(key="project_choice").set_value("medicin").run()
    assert (
        at.text_input(key="project_medicin_name").value
        == "Digital medicinhåndtering på plejecentre"
    )
    at.number_input(key="project_medicin_k").set_value(3)
    at.button[0].click().run()
    assert not at.exception
    assert "k (5) og kommentargrænsen (10) kan ikke ændres længere" in at.error[0].value
    db = open_database(app_env)
    assert int(project_queries.project(db, "medicin")["k_min"]) == 5
    db.close()
