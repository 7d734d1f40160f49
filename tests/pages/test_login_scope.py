"""A signed-in leder cannot reach another unit's data on the dashboard pages: not through query
parameters, not through the pages' session state, and not by calling the core with another
unit id (the core refuses with ``AccessDenied``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from data import open_database
from data import org as org_queries
from medspil.errors import AccessDenied
from medspil.scope import Scope
from surveys.dashboards import comments, views
from surveys.snapshots.freeze import create_snapshot
from tests.conftest import TODAY
from tests.pages.login_support import role_file, signed_in, texts

__all__ = ["role_file"]

DASHBOARDS = ["pages/udvikling.py", "pages/enheder.py", "pages/faser.py", "pages/kommentarer.py"]
LEDER = Scope(role="leder", unit_roots=frozenset({"BYGPLAN"}), actor="leder@fjordby.dk")
FOREIGN = ["Ældreområde", "Plejecenter", "Digital medicinhåndtering", "Nattevagten"]


@pytest.mark.parametrize("page", DASHBOARDS)
def test_a_leder_gets_only_own_units_whatever_the_address_or_state_says(
    role_file: Path, demo_db, page: str
) -> None:
    at = signed_in(page, "leder")
    at.query_params["projekt"] = "medicin"
    at.query_params["enhed"] = "AELDRE-SYD"
    at.session_state["dash_project"] = "medicin"
    at.session_state["dash_unit"] = "SYD-SKOV"
    at.session_state["dash_parent"] = "AELDRE-SYD"
    at.run()
    assert not at.exception, page
    own = set(org_queries.subtree_ids(demo_db, ["BYGPLAN"]))
    for box in at.selectbox:
        if box.label == "Projekt":
            assert list(box.options) == ["Digital byggesagsbehandling"], page
    shown = texts(at) + "".join(str(df.value) for df in at.dataframe)
    for word in FOREIGN:
        assert word not in shown, (page, word)
    pickers = [box for box in at.selectbox if box.key in ("dash_unit", "dash_parent")]
    assert pickers, page
    for box in pickers:
        assert box.value in own, page
        assert len(box.options) == len(own & set(org_queries.units(demo_db)["id"])), page


def test_the_core_refuses_another_units_data_for_a_leder(demo_db) -> None:
    today = dt.date.today()
    with pytest.raises(AccessDenied):
        views.trend_table(
            demo_db, LEDER, "medicin", "AELDRE-SYD", ["medspil"], lang="da", today=today
        )
    with pytest.raises(AccessDenied):
        views.trend_table(
            demo_db, LEDER, "byggesag", "AELDRE-SYD", ["medspil"], lang="da", today=today
        )
    with pytest.raises(AccessDenied):
        views.heatmap_table(demo_db, LEDER, "medicin", "AELDRE-SYD", lang="da", today=today)
    with pytest.raises(AccessDenied):
        views.phase_table(
            demo_db, LEDER, "medicin", "SYD-SKOV", ["medspil"], lang="da", today=today
        )
    with pytest.raises(AccessDenied):
        comments.comment_view(demo_db, LEDER, "medicin", "AELDRE-SYD", lang="da", today=today)
    own = views.trend_table(
        demo_db, LEDER, "byggesag", "BYGPLAN", ["medspil"], lang="da", today=today
    )
    assert own.unit_label == "Byg og Plan" and not own.table.empty


def test_snapshots_follow_the_signed_in_scope(role_file: Path, app_env: Path) -> None:
    db = open_database(app_env)
    admin = Scope.admin(actor="forberedt")
    syd, nord = (
        create_snapshot(
            db, admin, project_id="medicin", area_kind="committee", area_id=area, today=TODAY
        )
        for area in ("LMED-SYD", "LMED-NORD")
    )
    db.close()
    # The MED member of Lokal-MED Syd asks for Nord's snapshot through the page's state.
    at = signed_in("pages/oejebliksbillede.py", "med")
    at.session_state["snapshot_open"] = nord
    at.run()
    assert not at.exception
    choices = [box for box in at.selectbox if box.key == "snapshot_open"]
    assert [(box.value, len(box.options)) for box in choices] == [(syd, 1)]
    assert "Lokal-MED Ældreområde Syd" in choices[0].options[0]
    shown = texts(at)
    assert "Lokal-MED Ældreområde Nord" not in shown and "Ældreområde Nord" not in shown
    # A leder outside both areas sees no snapshot at all.
    at = signed_in("pages/oejebliksbillede.py", "leder")
    at.session_state["snapshot_open"] = syd
    at.run()
    assert not at.exception
    assert not [box for box in at.selectbox if box.key == "snapshot_open"]
    assert "Ældreområde" not in texts(at)
