"""One timeline (issue 16): the MED discussions and agreed actions on Udvikling's charts, in a
plain list under them, and on Overblik's project timeline, each for what the reader may read."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path

import duckdb
import pandas as pd
from streamlit.testing.v1 import AppTest

from medspil.formatting import date_text
from tests.pages.dash_support import run_page, texts

SYD = {"projekt": "medicin", "enhed": "AELDRE-SYD", "omraade": "medspil"}
# The committees whose area holds Ældreområde Syd (the demo's MED structure) and Syd's units.
SYD_COMMITTEES = {"HMED", "MED-SAE", "LMED-SYD"}
NORD_COMMITTEES = {"HMED", "MED-SAE", "LMED-NORD"}
SYD_DROP = "Lokal-MED Ældreområde Syd: Faldet i medspil drøftet"
NORD_TALK = "Lokal-MED Ældreområde Nord: Udviklingsfasen drøftet"
SYD_ACTION = "Handling: Superbrugere fra Syd i testgruppen"


def _stored(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The demo's log entries and actions as stored, read straight from a copy of the file (this
    process may hold the file itself with another configuration: DuckDB refuses a second one)."""
    folder = tempfile.mkdtemp(prefix="medspil-stored-")
    copy = Path(folder) / path.name
    shutil.copy(path, copy)
    con = duckdb.connect(str(copy), read_only=True)
    try:
        log = con.execute(
            "SELECT committee_id, met_on, topic FROM med_log WHERE project_id = 'medicin'"
        ).df()
        actions = con.execute(
            "SELECT unit_ids, agreed_on, what FROM actions WHERE project_id = 'medicin'"
        ).df()
    finally:
        con.close()
        shutil.rmtree(folder)
    return log, actions


def _days(frame: pd.DataFrame, column: str) -> list[dt.date]:
    return sorted(pd.Timestamp(d).date() for d in frame[column])


def _figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _markers(figure: dict, name: str) -> dict:
    [trace] = [t for t in figure["data"] if t.get("name") == name and t.get("mode") == "markers"]
    return trace


def _marker_days(figure: dict, name: str) -> list[dt.date]:
    return sorted(pd.Timestamp(x).date() for x in _markers(figure, name)["x"])


def _hovers(figure: dict) -> str:
    return " ".join(
        " ".join(t.get("hovertext") or []) for t in figure["data"] if t.get("hovertext")
    ).replace("<br>", " ")


def _event_list(at: AppTest) -> list[str]:
    [listing] = [m.value for m in at.markdown if m.value.startswith("- ")]
    return listing.splitlines()


def test_udvikling_shows_syds_discussions_and_actions_on_the_chart_and_in_a_list(
    app_env: Path,
) -> None:
    log, actions = _stored(app_env)
    syd_log = log[log["committee_id"].isin(SYD_COMMITTEES)]
    syd_actions = actions[
        actions["unit_ids"].map(
            lambda units: any(u.startswith(("SYD-", "AELDRE-SYD")) for u in units)
        )
    ]
    at = run_page("trends", params=SYD)
    assert not at.exception
    [figure] = _figures(at)
    assert _marker_days(figure, "MED-drøftelse") == _days(syd_log, "met_on")
    assert _marker_days(figure, "Aftalt handling") == _days(syd_actions, "agreed_on")
    legend = [t["name"] for t in figure["data"] if t.get("showlegend") is not False]
    assert {"MED-drøftelse", "Aftalt handling"} <= set(legend)
    hovers = _hovers(figure)
    assert SYD_DROP in hovers and SYD_ACTION in hovers and "Områdeleder" in hovers
    assert "Lokal-MED Ældreområde Nord" not in hovers  # not Syd's committee
    # The same events as a plain list under the chart: whole date, then the text.
    lines = _event_list(at)
    expected_days = sorted(_days(syd_log, "met_on") + _days(syd_actions, "agreed_on"))
    assert [line.split(" · ")[0] for line in lines] == [
        f"- {date_text(day)}" for day in expected_days
    ]
    page = texts(at)
    assert "MED-drøftelser og aftalte handlinger" in page
    assert SYD_DROP in page and SYD_ACTION in page
    assert "Lokal-MED Ældreområde Nord" not in page


def test_the_run_charts_carry_the_same_markers_and_the_list(app_env: Path) -> None:
    log, _ = _stored(app_env)
    at = run_page("trends", params=SYD, state={"dash_mode": "runchart"})
    assert not at.exception
    [figure] = _figures(at)
    assert _marker_days(figure, "MED-drøftelse") == _days(
        log[log["committee_id"].isin(SYD_COMMITTEES)], "met_on"
    )
    assert SYD_ACTION in _hovers(figure)
    assert SYD_DROP in texts(at)


def test_a_shorter_period_lists_only_its_own_events(app_env: Path) -> None:
    con = duckdb.connect(str(app_env), read_only=True)
    try:
        opens = dict(
            con.execute("SELECT number, opens FROM waves WHERE project_id = 'medicin'").fetchall()
        )
    finally:
        con.close()
    at = run_page("trends", params=SYD, state={"dash_period": (1, 5)})
    assert not at.exception
    days = [
        dt.datetime.strptime(line.split(" · ")[0].removeprefix("- "), "%d.%m.%Y").date()
        for line in _event_list(at)
    ]
    assert days and all(day < opens[6] for day in days)
    assert SYD_DROP not in texts(at)
    [figure] = _figures(at)
    assert max(_marker_days(figure, "MED-drøftelse")) < opens[6]


def test_a_med_member_of_lokal_med_nord_never_sees_lokal_med_syds_entries(app_env: Path) -> None:
    log, _ = _stored(app_env)
    at = run_page("trends", role="med", committee="LMED-NORD", params={"projekt": "medicin"})
    assert not at.exception
    [figure] = _figures(at)
    hovers = _hovers(figure)
    assert NORD_TALK in hovers
    assert "Lokal-MED Ældreområde Syd" not in hovers and SYD_ACTION not in hovers
    assert _marker_days(figure, "MED-drøftelse") == _days(
        log[log["committee_id"].isin(NORD_COMMITTEES)], "met_on"
    )
    page = texts(at)
    assert NORD_TALK in page and "Lokal-MED Ældreområde Syd" not in page
    overview = run_page("overview", role="med", committee="LMED-NORD")
    assert not overview.exception
    [timeline] = [f for f in _figures(overview) if "Lokal-MED" in _hovers(f)]
    assert NORD_TALK in _hovers(timeline)
    assert "Lokal-MED Ældreområde Syd" not in _hovers(timeline)
    assert SYD_ACTION not in _hovers(timeline)


def test_overblik_marks_every_discussion_and_action_for_the_administrator(app_env: Path) -> None:
    log, actions = _stored(app_env)
    at = run_page("overview")
    assert not at.exception
    [timeline] = [f for f in _figures(at) if "Lokal-MED" in _hovers(f)]
    assert _marker_days(timeline, "MED-drøftelse") == _days(log, "met_on")
    assert _marker_days(timeline, "Aftalt handling") == _days(actions, "agreed_on")
    rows = {t["name"] for t in timeline["data"] if t.get("mode") == "markers"}
    assert rows == {"MED-drøftelse", "Aftalt handling"}
    assert SYD_DROP in _hovers(timeline) and NORD_TALK in _hovers(timeline)


def test_the_markers_and_list_speak_english(app_env: Path) -> None:
    at = run_page("trends", params=SYD, lang="en")
    assert not at.exception
    [figure] = _figures(at)
    names = {t.get("name") for t in figure["data"]}
    assert {"MED discussion", "Agreed action"} <= names
    assert "MED discussions and agreed actions" in texts(at)
    assert "Action: Superbrugere fra Syd i testgruppen" in texts(at)
