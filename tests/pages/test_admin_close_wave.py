"""Målinger page: an administrator closes an open wave early, after ticking a confirmation;
the wave's count and its numbers on the dashboards show at once; others cannot."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from streamlit.testing.v1 import AppTest

from data import open_database
from tests.conftest import app_file
from tests.pages.dash_support import run_page, tables
from tests.pages.login_support import TIMEOUT

TODAY = dt.date.today()
CLOSE_HEADING = "Luk en åben måling før tid"


def _page(role: str = "admin") -> AppTest:
    at = AppTest.from_file(app_file("pages/maalinger.py"), default_timeout=TIMEOUT)
    at.session_state["demo_role"] = role
    at.run()
    at.selectbox(key="waves_project").set_value("medicin").run()
    return at


def _medicin_wave_26(path: Path) -> tuple[dt.date, int, list[tuple]]:
    db = open_database(path)
    with db.cursor() as cur:
        [(closes, answered)] = cur.execute(
            """SELECT closes, (SELECT count(*) FROM responses r WHERE r.wave_id = w.id)
               FROM waves w WHERE project_id = 'medicin' AND number = 26"""
        ).fetchall()
        audit = cur.execute(
            "SELECT actor, detail FROM audit_log WHERE action = 'waves.close_early'"
        ).fetchall()
    db.close()
    return closes, answered, audit


def test_an_administrator_closes_the_open_wave_after_confirming(app_env: Path) -> None:
    # Udvikling is read (and cached) before the close: the closed wave must still appear.
    syd = {"projekt": "medicin", "enhed": "AELDRE-SYD", "omraade": "medspil"}
    waves_before = tables(run_page("trends", params=syd))[0]["Måling"].tolist()
    at = _page()
    assert not at.exception
    assert [e.label for e in at.expander if e.label == CLOSE_HEADING]
    assert list(at.selectbox(key="waves_close_number").options) == [
        f"Måling 26 (åben {_wave_dates(app_env)})"
    ]
    button = at.button(key="waves_close")
    assert button.disabled  # nothing happens before the confirmation is ticked
    at.checkbox(key="waves_close_ok").check().run()
    assert not at.button(key="waves_close").disabled
    at.button(key="waves_close").click().run()
    assert not at.exception
    yesterday = (TODAY - dt.timedelta(days=1)).strftime("%d.%m.%Y")
    assert at.success[0].value == (
        f"Måling 26 er lukket. Sidste svardag var {yesterday}; tallene vises nu på oversigterne."
    )
    closes, answered, audit = _medicin_wave_26(app_env)
    assert closes == TODAY - dt.timedelta(days=1)
    row = at.dataframe[0].value.set_index("Nr.").loc[26]
    assert row["Status"] == "lukket" and row["Svar"] == str(answered)
    assert [actor for actor, _ in audit] == ["demo"]
    assert not [e for e in at.expander if e.label == CLOSE_HEADING]  # no open wave any more
    waves_after = tables(run_page("trends", params=syd))[0]["Måling"].tolist()
    assert len(waves_after) == len(waves_before) + 1
    assert "26" in str(waves_after[-1])


def _wave_dates(path: Path) -> str:
    db = open_database(path)
    with db.cursor() as cur:
        [(opens, closes)] = cur.execute(
            "SELECT opens, closes FROM waves WHERE project_id = 'medicin' AND number = 26"
        ).fetchall()
    db.close()
    return f"{opens:%d.%m.%Y} til {closes:%d.%m.%Y}"


def test_an_analyst_reads_the_waves_but_cannot_close_one(app_env: Path) -> None:
    at = _page("analytiker")
    assert not at.exception
    assert len(at.dataframe[0].value) == 26
    assert not [e for e in at.expander if e.label == CLOSE_HEADING]
    assert not [b for b in at.button if b.key == "waves_close"]
    closes, _, audit = _medicin_wave_26(app_env)
    assert closes > TODAY - dt.timedelta(days=1) and audit == []
