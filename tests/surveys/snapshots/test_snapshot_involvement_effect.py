"""The snapshot's résumé answers "did involvement move medspil?" from its frozen content."""

from __future__ import annotations

import copy
import dataclasses
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from data import open_database
from data.db import Database
from medspil.scope import Scope
from surveys.dashboards.basis import forget_bases
from surveys.snapshots.freeze import open_snapshot, verify_snapshot
from surveys.snapshots.pdf import render_pdf
from surveys.snapshots.view import snapshot_view
from surveys.together.plan import record_actual
from tests.conftest import TODAY, app_file
from tests.surveys.dashboards.test_involvement_effect import _planted_difference
from tests.surveys.snapshots.snapshot_support import demo_database, make_snapshot


@pytest.fixture(scope="module")
def db(demo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    yield from demo_database(demo_file, tmp_path_factory.mktemp("effect"))


def _udvikling(db: Database) -> int:
    snapshot = open_snapshot(db, Scope.admin(), make_snapshot(db, area="HMED"))
    return next(p["id"] for p in snapshot.content["phases"] if p["kind"] == "udvikling")


def test_the_hoved_med_snapshot_freezes_the_comparison_of_its_units(db: Database) -> None:
    snapshot = open_snapshot(db, Scope.admin(), make_snapshot(db, area="HMED"))
    frozen = snapshot.content["involvement_effect"]
    assert frozen["phase"] == _udvikling(db) and frozen["reason"] is None
    assert frozen["units"] == {"information": 5, "medbestemmelse": 4}
    assert frozen["min_units"] == 2 and frozen["left_out"] == 1
    medspil = next(r for r in frozen["rows"] if r["construct"] == "medspil")
    assert medspil["difference"] == pytest.approx(_planted_difference(), abs=3)
    assert medspil["mean_low"] < medspil["mean_high"]
    assert not any({"unit", "unit_id"} & set(row) for row in frozen["rows"])  # groups only
    lines = snapshot_view(snapshot, "da").involvement_effect
    assert lines[0].startswith("Enhederne i området sammenlignet efter inddragelse i udvikling")
    assert any(line.startswith("I udvikling lå medspil 23,1 point højere") for line in lines)
    assert lines[-1].startswith("Enhederne blev ikke tilfældigt udvalgt")
    english = snapshot_view(snapshot, "en").involvement_effect
    assert any("participation was 23.1 points higher" in line for line in english)


def test_an_area_with_one_level_says_there_is_nothing_to_compare(db: Database) -> None:
    snapshot = open_snapshot(db, Scope.admin(), make_snapshot(db, area="LMED-SYD"))
    assert snapshot.content["involvement_effect"]["reason"] == "one_level"
    lines = snapshot_view(snapshot, "da").involvement_effect
    assert lines == (
        "Enhederne i området havde samme inddragelse i alle faser med tal, eller for få enheder "
        "havde tal, der kan vises, så der er intet at sammenligne.",
    )


def test_the_comparison_stays_frozen_when_the_plan_changes(demo_copy: Path) -> None:
    db = open_database(demo_copy)
    first = make_snapshot(db, area="HMED")
    before = snapshot_view(open_snapshot(db, Scope.admin(), first), "da").involvement_effect
    # Record that both areas in fact had the same level in udvikling (the demo records Nord
    # co-deciding and Syd informed): the dashboards now see one level.
    for area in ("AELDRE-NORD", "AELDRE-SYD"):
        record_actual(
            db, Scope.admin(), project_id="medicin", phase_kind="udvikling", unit_id=area,
            level="medindflydelse", note="", today=TODAY,
        )  # fmt: skip
    forget_bases()  # as the pages do after a change to the plan
    again = snapshot_view(open_snapshot(db, Scope.admin(), first), "da").involvement_effect
    assert again == before and verify_snapshot(db, first).intact
    later = open_snapshot(db, Scope.admin(), make_snapshot(db, area="HMED"))
    assert later.content["involvement_effect"]["reason"] == "one_level"
    db.close()


def test_a_snapshot_frozen_before_the_comparison_renders_without_it(db: Database) -> None:
    snapshot = open_snapshot(db, Scope.admin(), make_snapshot(db, area="HMED"))
    content = copy.deepcopy(snapshot.content)
    del content["involvement_effect"]
    older = dataclasses.replace(snapshot, content=content)
    assert snapshot_view(older, "da").involvement_effect == ()


def test_the_pdf_resume_holds_it_and_stays_two_pages(db: Database) -> None:
    snapshot = open_snapshot(db, Scope.admin(), make_snapshot(db, area="HMED"))
    reader = PdfReader(io.BytesIO(render_pdf(snapshot_view(snapshot, "da"))))
    second = " ".join(reader.pages[1].extract_text().split())
    third = reader.pages[2].extract_text()
    assert "Til drøftelse i MED-udvalget" in second
    assert "Flyttede inddragelsen medspil?" in second
    assert "I udvikling lå medspil 23,1 point højere" in second
    assert "ikke tilfældigt udvalgt" in second
    assert third.strip().startswith("Bilag")


def test_the_snapshot_page_shows_the_section(app_env: Path) -> None:
    db = open_database(app_env)
    make_snapshot(db, area="HMED")
    db.close()
    at = AppTest.from_file(app_file("pages/oejebliksbillede.py"), default_timeout=120)
    at.session_state["demo_role"] = "admin"
    at.run()
    assert not at.exception
    assert "Flyttede inddragelsen medspil?" in [s.value for s in at.subheader]
    shown = "\n".join(m.value for m in at.markdown)
    assert "I udvikling lå medspil 23,1 point højere" in shown
