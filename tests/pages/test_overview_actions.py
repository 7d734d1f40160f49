"""Overblik and the snapshot page link to the agreed actions (AppTest): the open actions per
project for the reader's units, and "Aftal en handling" on finding cards for those who record
actions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qs

from streamlit.testing.v1 import AppTest

from data import open_database
from surveys.snapshots.freeze import create_snapshot
from surveys.together import actions
from tests.conftest import app_file
from tests.pages.together_support import ADMIN, TIMEOUT, run, texts

TODAY = dt.date.today()
NIGHT = "Afklar adgangen til medicinskab og scanner om natten"
EVENING = "Ekstra oplæring i scanning for aftenvagten"


def action_links(at: AppTest) -> list[str]:
    """The plain "Aftal en handling" links a page run on its own draws."""
    return [m.value for m in at.markdown if m.value.startswith("[Aftal en handling]")]


def test_overblik_lists_the_open_actions_for_the_readers_units(app_env: Path) -> None:
    admin = run("overblik")
    page = texts(admin)
    assert "#### Aftalte handlinger" in page
    assert f"{EVENING} · ansvarlig: Superbrugerne i Syd" in page
    assert NIGHT in page
    assert "Superbrugere fra Syd i testgruppen" not in page  # carried out: not open
    assert any(m.value.startswith("[Se alle aftalte handlinger]") for m in admin.markdown)
    nord = run("overblik", "leder", "AELDRE-NORD")
    assert NIGHT in texts(nord) and EVENING not in texts(nord)


def test_overblik_shows_three_open_actions_and_how_many_more(app_env: Path) -> None:
    db = open_database(app_env)
    for n in range(3):
        actions.add_action(
            db,
            ADMIN,
            actions.ActionInput(
                project_id="medicin",
                unit_ids=("AELDRE-NORD",),
                what=f"Opfølgning {n + 1}",
                responsible="Leder",
                agreed_on=TODAY,
                due=TODAY + dt.timedelta(days=40 + n),
            ),
            today=TODAY,
        )
    db.close()
    page = texts(run("overblik"))
    assert EVENING in page and NIGHT in page and "Opfølgning 1" in page
    assert "Opfølgning 3" not in page
    assert "- og 2 flere" in page


def test_a_finding_card_links_to_an_action_for_those_who_record_them(app_env: Path) -> None:
    admin = run("overblik")
    links = action_links(admin)
    assert links, "the demo's medspil drop in Syd has a finding card"
    query = parse_qs(links[0].split("/handlinger?", 1)[1].rstrip(")"))
    assert query["project"] == ["medicin"] and query["source"] == ["finding"]
    assert "AELDRE-SYD" in query["units"][0].split(",")
    assert query["ref"][0].startswith("Medspil faldt")
    assert "informeret" not in query["ref"][0]  # the short sentence, not the involvement one
    assert action_links(run("overblik", "analytiker")) == []
    assert action_links(run("overblik", "med", "LMED-SYD")) == []
    leder = action_links(run("overblik", "leder", "AELDRE-SYD"))
    assert leder and all("AELDRE-NORD" not in link for link in leder)


def test_through_the_app_the_finding_links_to_the_actions_page(app_env: Path) -> None:
    at = AppTest.from_file(app_file("app.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    links = [link for link in at.get("page_link") if link.proto.page == "handlinger"]
    queries = [parse_qs(link.proto.query_string) for link in links]
    assert any(q.get("source") == ["finding"] for q in queries)
    assert {"project": ["medicin"]} in queries  # "Se alle aftalte handlinger"


def test_the_snapshot_page_links_to_an_action_about_the_snapshot(app_env: Path) -> None:
    db = open_database(app_env)
    snapshot_id = create_snapshot(
        db,
        ADMIN,
        project_id="medicin",
        area_kind="committee",
        area_id="LMED-SYD",
        today=TODAY,
    )
    db.close()
    links = action_links(run("oejebliksbillede"))
    assert links == [
        f"[Aftal en handling](/handlinger?project=medicin&source=snapshot&ref={snapshot_id})"
    ]
    assert action_links(run("oejebliksbillede", "med", "LMED-SYD")) == []
