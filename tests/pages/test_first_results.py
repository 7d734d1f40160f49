"""While a project's first wave is open, every dashboard says when the first results appear."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from data import open_database
from data import projects as project_queries
from surveys.dashboards.first_results import first_results_sentence
from tests.pages.dash_support import run_page, texts

TODAY = dt.date.today()
# Danish day and month names written out here, not taken from Babel.
WEEKDAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
MONTHS = [
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
]  # fmt: skip


def danish(day: dt.date) -> str:
    return f"{WEEKDAYS[day.weekday()]} den {day.day}. {MONTHS[day.month - 1]} {day.year}"


def add_pilot(path: Path, *, opens: dt.date, closes: dt.date) -> None:
    """Project ``aaa-pilot`` for Vej og Park with one wave, in a phase around today."""
    db = open_database(path)
    project_queries.insert_project(
        db,
        project_id="aaa-pilot",
        name="Pilot: robotplæneklippere",
        description="",
        instrument_id="medspil-1",
        involvement="information",
        unit_ids=["VEJPARK"],
        modules=[],
    )
    phase = project_queries.insert_phase(
        db,
        project_id="aaa-pilot",
        kind="ide",
        starts=TODAY - dt.timedelta(days=30),
        ends=TODAY + dt.timedelta(days=60),
        involvement="information",
    )
    project_queries.insert_wave(
        db,
        project_id="aaa-pilot",
        number=1,
        opens=opens,
        closes=closes,
        instrument_id="medspil-1",
        phase_id=phase,
    )
    db.close()


CLOSES = TODAY + dt.timedelta(days=4)
PILOT = {"projekt": "aaa-pilot"}


@pytest.mark.parametrize("page", ["trends", "units", "phases", "comments"])
def test_each_dashboard_says_the_day_the_first_results_come(app_env: Path, page: str) -> None:
    add_pilot(app_env, opens=TODAY - dt.timedelta(days=2), closes=CLOSES)
    at = run_page(page, params=PILOT)
    assert not at.exception
    expected = f"De første resultater kommer, når den lukker {danish(CLOSES)}"
    assert expected in texts(at)
    assert "ingen afsluttede målinger" not in texts(at)
    assert not at.get("plotly_chart")


def test_overblik_says_it_instead_of_nothing_to_compare(app_env: Path) -> None:
    add_pilot(app_env, opens=TODAY - dt.timedelta(days=2), closes=CLOSES)
    at = run_page("overview", role="leder", unit="VEJPARK")
    assert not at.exception
    shown = texts(at)
    assert "Pilot: robotplæneklippere" in shown  # the leder of Vej og Park sees only the pilot
    said = "Den første måling er åben. De første resultater kommer, når den lukker "
    said += danish(CLOSES)
    assert said in shown
    assert "intet at sammenligne" not in shown and "ingen afsluttede målinger" not in shown


def test_a_planned_first_wave_names_both_days_and_english_speaks_english(app_env: Path) -> None:
    opens = TODAY + dt.timedelta(days=3)
    add_pilot(app_env, opens=opens, closes=opens + dt.timedelta(days=6))
    at = run_page("trends", params=PILOT)
    assert f"Den første måling åbner {danish(opens)}." in texts(at)
    at = run_page("trends", params=PILOT, lang="en")
    closes = opens + dt.timedelta(days=6)
    assert f"when it closes on {closes:%A}, {closes:%B} {closes.day}, {closes.year}." in texts(at)


def test_no_sentence_once_a_wave_has_closed_or_without_waves(demo_copy: Path) -> None:
    db = open_database(demo_copy)
    assert first_results_sentence(db, "medicin", lang="da", today=TODAY) is None
    # The demo's byggesag has one closed wave; on the day it closed it was still open.
    waves = project_queries.waves(db, "byggesag")
    closes = waves["closes"].min().date()
    said = first_results_sentence(db, "byggesag", lang="da", today=closes)
    assert said is not None and danish(closes) in said
    db.close()
