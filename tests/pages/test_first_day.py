"""The first day of a real kommune: from ``medspil init`` through the "Kom i gang" checklist to
printed slips and a first answered code, ticking the list on Overblik as each step is done."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
from pathlib import Path

import pytest
import streamlit as st

from data import open_database
from medspil.scope import Scope
from medspil.vocabulary import Involvement, PhaseKind
from surveys.administration.committees import save_committee
from surveys.administration.projects import PhasePlan, new_project_plan, save_project
from surveys.administration.waves import create_waves
from surveys.answering.codes import installation_secret
from surveys.answering.form import open_form, submit_form
from surveys.cli import main
from tests.pages.login_support import ROLE_FILE, signed_in

IT = Scope.admin("it@nyby.dk")
INFO = Involvement.INFORMATION
UNITS_CSV = """id,parent_id,name,type,headcount
KOMMUNE,,Nyby Kommune,kommune,0
PLEJE,KOMMUNE,Plejecenter Åen,enhed,30
HJEM,KOMMUNE,Hjemmeplejen,enhed,40
"""


@pytest.fixture
def real_installation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty database made by ``medspil init``, a role file and an answer address."""
    db_path = tmp_path / "medspil.duckdb"
    monkeypatch.setenv("MEDSPIL_DB", str(db_path))
    monkeypatch.setenv("MEDSPIL_SECRET_FILE", str(tmp_path / "medspil.secret"))
    config = tmp_path / "medspil.toml"
    config.write_text(
        '[medspil]\nbase_url = "https://medspil.nyby.dk"\n' + ROLE_FILE, encoding="utf-8"
    )
    monkeypatch.setenv("MEDSPIL_CONFIG", str(config))
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    st.cache_resource.clear()
    st.cache_data.clear()
    assert main(["init", "--db", str(db_path)]) == 0
    yield db_path
    st.cache_resource.clear()
    st.cache_data.clear()


def _ticks(db_path: Path) -> list[bool]:
    """The checklist as the administrator sees it on Overblik: done or not, step by step."""
    st.cache_resource.clear()  # the app holds the file; each look opens it afresh
    at = signed_in("pages/overblik.py", "admin").run()
    assert not at.exception
    marks = [m.value for m in at.markdown if m.value.startswith(":material/")]
    return [m.startswith(":material/check_circle:") for m in marks]


def test_a_new_kommune_is_guided_from_init_to_a_first_answered_code(
    real_installation: Path, tmp_path: Path
) -> None:
    today = dt.date.today()
    # Day one: nothing but the role file (written before the start) is done.
    assert _ticks(real_installation) == [False, False, False, False, False, True]
    at = signed_in("pages/overblik.py", "admin").run()
    assert at.subheader[0].value == "Kom i gang"
    # Each open step says what to do and links to its page.
    shown = "\n".join(m.value for m in at.markdown) + "\n".join(c.value for c in at.caption)
    assert "[Gå til siden](/organisation)" in shown and "[Gå til siden](/svarkoder)" in shown
    assert "medspil check-access" not in shown  # the done step keeps its advice to itself

    # 1. The organisation, as `medspil import-units` imports it.
    units = tmp_path / "enheder.csv"
    units.write_text(UNITS_CSV, encoding="utf-8")
    assert main(["import-units", str(units), "--db", str(real_installation)]) == 0
    st.cache_resource.clear()
    db = open_database(real_installation)
    try:
        # 2. A MED committee, 3. a project with a phase, 4. its waves.
        save_committee(
            db, committee_id="HMED", name="Hoved-MED", level="hoved", roots=["KOMMUNE"],
            new=True, scope=IT,
        )  # fmt: skip
        plan = dataclasses.replace(
            new_project_plan(today),
            project_id="robot",
            name="Robotstøvsugere",
            unit_ids=("PLEJE", "HJEM"),
            phases=(
                PhasePlan(
                    PhaseKind.IDE, today, today + dt.timedelta(days=90), Involvement.INFORMATION
                ),
            ),
        )
        save_project(db, plan, new=True, scope=IT, today=today)
        create_waves(
            db, "robot", first_opens=today, last_opens=today + dt.timedelta(days=28),
            every_days=14, open_days=7, today=today, scope=IT,
        )  # fmt: skip
    finally:
        db.close()
    assert _ticks(real_installation) == [True, True, True, True, False, True]

    # 5. Codes and slips, as `medspil invite --pdf` prints them.
    slips = tmp_path / "sedler.pdf"
    codes_file = tmp_path / "koder.txt"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main([
            "invite", "--project", "robot", "--unit", "PLEJE", "--count", "5",
            "--pdf", str(slips), "--db", str(real_installation),
        ])  # fmt: skip
    assert code == 0 and slips.stat().st_size > 0
    codes = out.getvalue().split()
    codes_file.write_text("\n".join(codes), encoding="utf-8")
    assert len(codes) == 5

    # Every step done: the checklist steps aside.
    st.cache_resource.clear()
    at = signed_in("pages/overblik.py", "admin").run()
    assert not at.exception
    assert "Kom i gang" not in [s.value for s in at.subheader]

    # The first employee answers with the first slip's code.
    db = open_database(real_installation)
    try:
        secret = installation_secret(real_installation)
        form = open_form(db, codes[0], lang="da", today=today, secret=secret)
        assert form.project_name == "Robotstøvsugere"
        values = {item.id: 4 for item in form.items}
        submit_form(db, form, values, None, today=today, secret=secret)
        with db.cursor() as cur:
            assert cur.execute("SELECT count(*) FROM responses").fetchone()[0] == 1
    finally:
        db.close()


def test_the_checklist_is_for_administrators_of_a_real_installation_only(
    real_installation: Path,
) -> None:
    at = signed_in("pages/overblik.py", "leder").run()
    assert "Kom i gang" not in [s.value for s in at.subheader]
