"""The unit's own involvement wherever a phase is drawn: Overblik's timeline, Udvikling, snapshot.

The demo plants it: in udvikling Ældreområde Syd was only informed and Ældreområde Nord
co-designed, while the project as a whole reads medindflydelse.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from data.db import Database
from medspil.scope import Scope
from surveys.dashboards.overview import project_overviews
from surveys.snapshots.charts import snapshot_figures
from surveys.snapshots.freeze import create_snapshot, open_snapshot
from surveys.snapshots.view import snapshot_view
from tests.conftest import TODAY
from tests.surveys.snapshots.snapshot_support import demo_database

SYD = Scope(role="leder", unit_roots=frozenset({"AELDRE-SYD"}))
NORD = Scope(role="leder", unit_roots=frozenset({"AELDRE-NORD"}))


def _timeline_texts(db: Database, scope: Scope, lang: str = "da") -> dict[str, str]:
    item = next(
        o for o in project_overviews(db, scope, lang=lang, today=TODAY) if o.project_id == "medicin"
    )
    return {trace.y[0]: trace.text[0] for trace in item.timeline.data if trace.type == "bar"}


def test_overblik_timeline_shows_the_scoped_units_own_level(demo_db: Database) -> None:
    assert _timeline_texts(demo_db, SYD)["Udvikling"] == "Information"
    assert _timeline_texts(demo_db, NORD)["Udvikling"] == "Medbestemmelse"
    assert _timeline_texts(demo_db, SYD)["Implementering"] == "Medindflydelse"
    mixed = _timeline_texts(demo_db, Scope.admin())["Udvikling"]
    assert mixed.startswith("Blandet:")
    assert "Information i Ældreområde Syd" in mixed
    assert "Medbestemmelse i Ældreområde Nord" in mixed
    english = _timeline_texts(demo_db, Scope.admin(), "en")["Development"]
    assert english.startswith("Mixed:") and "Information in Ældreområde Syd" in english


@pytest.fixture(scope="module")
def snapshot_db(demo_file: Path, tmp_path_factory: pytest.TempPathFactory):
    yield from demo_database(demo_file, tmp_path_factory.mktemp("involvement"))


def test_the_snapshot_timeline_shows_the_areas_own_level(snapshot_db: Database) -> None:
    day: dt.date = TODAY
    for area, expected in (("LMED-SYD", "Information"), ("LMED-NORD", "Medbestemmelse")):
        number = create_snapshot(
            snapshot_db, Scope.admin(actor="test"), project_id="medicin",
            area_kind="committee", area_id=area, today=day, include_comments=False,
            replaces=None,
        )  # fmt: skip
        view = snapshot_view(open_snapshot(snapshot_db, Scope.admin(), number), "da")
        timeline = snapshot_figures(view)[0].figure
        texts = {trace.y[0]: trace.text[0] for trace in timeline.data}
        assert texts["Udvikling"] == expected
