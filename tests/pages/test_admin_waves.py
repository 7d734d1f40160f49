"""Målinger page: each wave's phase, state and counts; plan waves by cadence; link to codes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from data import open_database
from data import projects as project_queries
from tests.conftest import app_file
from tests.pages.login_support import TIMEOUT

TODAY = dt.date.today()


def test_the_waves_of_a_project_are_listed_with_phase_state_and_counts(app_env: Path) -> None:
    at = AppTest.from_file(app_file("pages/maalinger.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    at.selectbox(key="waves_project").set_value("medicin").run()
    table = at.dataframe[0].value
    assert len(table) == 26
    assert list(table.columns) == [
        "Nr.",
        "Åbner",
        "Lukker",
        "Fase",
        "Status",
        "Udstedte koder",
        "Svar",
    ]
    assert table["Status"].iloc[-1] == "åben" and table["Fase"].iloc[-1] == "Implementering"
    links = [m.value for m in at.markdown]
    assert any("svarkoder" in text for text in links)


def test_waves_are_planned_previewed_and_created(app_env: Path) -> None:
    at = AppTest.from_file(app_file("pages/maalinger.py"), default_timeout=TIMEOUT).run()
    at.selectbox(key="waves_project").set_value("sensorer").run()
    before = len(at.dataframe[0].value)
    # Too early: the project's last wave has not closed yet.
    at.button[0].click().run()
    assert "Nye målinger skal åbne efter projektets sidste måling" in at.error[0].value
    db = open_database(app_env)
    last_closes = project_queries.waves(db, "sensorer")["closes"].max()
    db.close()
    first = pd.Timestamp(last_closes).date() + dt.timedelta(days=1)
    at.date_input[0].set_value(first)
    at.date_input[1].set_value(first + dt.timedelta(days=42))
    at.number_input[0].set_value(21)
    at.number_input[1].set_value(10)
    at.button[0].click().run()
    assert not at.exception
    preview = at.dataframe[1].value
    assert len(preview) == 3
    assert set(preview["Fase"]) == {"Konsekvensvurdering"}
    create = next(b for b in at.button if b.label.startswith("Opret"))
    assert create.label == "Opret 3 målinger"
    create.click().run()
    assert not at.exception
    assert at.success[0].value == "3 målinger er oprettet."
    assert len(at.dataframe[0].value) == before + 3
    assert list(at.dataframe[0].value["Status"].iloc[-3:]) == ["planlagt"] * 3
