"""Every administrative write in the core checks the caller's scope itself (issue 12, item 7).

Each write is called with a leder's, a MED member's and an analytiker's scope: it is refused with
``AdminOnly`` (a plain catalogue message) and the database is exactly as before. The same call
with an administrator's scope does change the database and records that administrator, so the
refusal is the role check and nothing else.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from data import open_database
from data.audit import entries
from data.db import Database
from medspil.errors import AccessDenied, AdminOnly
from medspil.scope import Scope
from medspil.vocabulary import Role
from surveys.administration.committees import save_committee
from surveys.administration.organisation import apply_import
from surveys.administration.projects import PhasePlan, ProjectPlan, project_plan, save_project
from surveys.administration.waves import create_waves, delete_waves_from
from surveys.answering.codes import issue_codes, issue_installation_codes
from surveys.importing import importer
from surveys.importing.mapping import parse_mapping
from surveys.importing.sources import read_path
from surveys.installation.demo import UNITS

TODAY = dt.date.today()
SECRET = b"s" * 32
LEDER = Scope(role=Role.LEDER, unit_roots=frozenset({"AELDRE-SYD"}), actor="leder@fjordby.dk")
MED = Scope(
    role=Role.MED,
    unit_roots=frozenset({"AELDRE-SYD"}),
    committee_ids=frozenset({"LMED-SYD"}),
    actor="med@fjordby.dk",
)
ANALYST = Scope(role=Role.ANALYTIKER, actor="analytiker@fjordby.dk")
ADMIN = Scope.admin("admin@fjordby.dk")


def _day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


def _plan() -> ProjectPlan:
    return ProjectPlan(
        project_id="robot",
        name="Rengøringsrobotter",
        description="Robotstøvsugere på plejecentrene.",
        unit_ids=("AELDRE-SYD",),
        modules=(),
        involvement="medindflydelse",
        k_min=5,
        k_comments=10,
        phases=(PhasePlan("ide", _day(0), _day(89), "information"),),
    )


def _unit_file() -> bytes:
    """The demo's own unit tree with one new unit under Ældre Syd."""
    rows = [(u[0], u[1] or "", u[2], u[3], str(u[4])) for u in UNITS]
    rows.append(("SYD-ROBOT", "AELDRE-SYD", "Robotholdet", "enhed", "6"))
    out = io.StringIO()
    out.write("id,parent_id,name,type,headcount\r\n")
    for row in rows:
        out.write(",".join(f'"{v}"' for v in row) + "\r\n")
    return out.getvalue().encode("utf-8")


def _with_planned_waves(db: Database) -> None:
    save_project(db, _plan(), new=True, scope=ADMIN, today=TODAY)
    create_waves(
        db, "robot", first_opens=_day(10), last_opens=_day(50), every_days=10, open_days=5,
        today=TODAY, scope=ADMIN,
    )  # fmt: skip


CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "partners"


def _history_import(db: Database, scope: Scope) -> object:
    """Earlier responses (six people, one wave in 2020) into the demo's medicin project."""
    mapping = parse_mapping((CORPUS / "mapping-long.toml").read_text(encoding="utf-8"))
    source = read_path(CORPUS / "answers-long.csv")
    return importer.apply_import(db, source, mapping, scope=scope, today=TODAY)


def _removal_of_the_history_import(db: Database, scope: Scope) -> object:
    (import_id,) = importer.import_list(db, "en")["No."]
    return importer.remove_import(db, int(import_id), scope=scope)


def _edited_plan(db: Database) -> ProjectPlan:
    medicin = project_plan(db, "medicin")
    return ProjectPlan(**{**medicin.__dict__, "name": "Nyt navn"})


# name -> (set-up with an administrator, the write under a given scope)
WRITES: dict[str, tuple[Callable[[Database], None], Callable[[Database, Scope], object]]] = {
    "save_project (new)": (
        lambda db: None,
        lambda db, scope: save_project(db, _plan(), new=True, scope=scope, today=TODAY),
    ),
    "save_project (edit)": (
        lambda db: None,
        lambda db, scope: save_project(db, _edited_plan(db), new=False, scope=scope, today=TODAY),
    ),
    "create_waves": (
        lambda db: save_project(db, _plan(), new=True, scope=ADMIN, today=TODAY),
        lambda db, scope: create_waves(
            db,
            "robot",
            first_opens=_day(10),
            last_opens=_day(50),
            every_days=10,
            open_days=5,
            today=TODAY,
            scope=scope,
        ),  # fmt: skip
    ),
    "delete_waves_from": (
        _with_planned_waves,
        lambda db, scope: delete_waves_from(db, "robot", 3, today=TODAY, scope=scope),
    ),
    "save_committee (new)": (
        lambda db: None,
        lambda db, scope: save_committee(
            db,
            committee_id="LMED-SUND",
            name="Lokal-MED Sundhed",
            level="lokal",
            roots=["SUNDHED"],
            new=True,
            scope=scope,
        ),  # fmt: skip
    ),
    "save_committee (edit)": (
        lambda db: None,
        lambda db, scope: save_committee(
            db,
            committee_id="LMED-SYD",
            name="Lokal-MED Syd",
            level="lokal",
            roots=["AELDRE-SYD", "HANDICAP"],
            new=False,
            scope=scope,
        ),  # fmt: skip
    ),
    "apply_import (units)": (
        lambda db: None,
        lambda db, scope: apply_import(db, _unit_file(), scope=scope),
    ),
    "apply_import (history)": (lambda db: None, _history_import),
    "remove_import (history)": (
        lambda db: _history_import(db, ADMIN),
        _removal_of_the_history_import,
    ),
    "issue_codes": (
        lambda db: None,
        lambda db, scope: issue_codes(
            db,
            project_id="medicin",
            unit_id="NORD-SOLHOJ",
            count=5,
            scope=scope,
            today=TODAY,
            secret=SECRET,
        ),  # fmt: skip
    ),
    "issue_installation_codes": (
        lambda db: None,
        lambda db, scope: issue_installation_codes(
            db,
            project_id="medicin",
            unit_id="NORD-SOLHOJ",
            count=5,
            wave=None,
            scope=scope,
            today=TODAY,
        ),  # fmt: skip
    ),
}


def _everything(db: Database) -> dict[str, pd.DataFrame]:
    """Every row of every table, in a stable order (the whole database's content)."""
    with db.cursor() as cur:
        tables = [
            str(name)
            for (name,) in cur.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY table_name"
            ).fetchall()
        ]
        return {
            name: cur.execute(f'SELECT * FROM "{name}" ORDER BY ALL').fetchdf() for name in tables
        }


def _same(before: dict[str, pd.DataFrame], after: dict[str, pd.DataFrame]) -> bool:
    return before.keys() == after.keys() and all(
        before[name].equals(after[name]) for name in before
    )


@pytest.fixture
def demo(demo_copy: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MEDSPIL_SECRET_FILE", str(demo_copy.with_suffix(".secret")))
    database = open_database(demo_copy)
    yield database
    database.close()


@pytest.mark.parametrize("scope", [LEDER, MED, ANALYST], ids=["leder", "med", "analytiker"])
@pytest.mark.parametrize("write", list(WRITES))
def test_a_write_under_a_scope_that_is_not_an_administrators_is_refused_and_changes_nothing(
    demo: Database, demo_copy: Path, write: str, scope: Scope
) -> None:
    set_up, call = WRITES[write]
    set_up(demo)
    before = _everything(demo)
    with pytest.raises(AdminOnly) as caught:
        call(demo, scope)
    assert isinstance(caught.value, AccessDenied)
    assert caught.value.message("da").startswith("Kun en administrator kan ændre")
    assert caught.value.message("en").startswith("Only an administrator can change")
    assert _same(before, _everything(demo))
    assert not demo_copy.with_suffix(".secret").exists()


@pytest.mark.parametrize("write", list(WRITES))
def test_the_same_write_by_an_administrator_changes_the_database_and_names_the_actor(
    demo: Database, write: str
) -> None:
    set_up, call = WRITES[write]
    set_up(demo)
    before = _everything(demo)
    call(demo, ADMIN)
    assert not _same(before, _everything(demo))
    assert entries(demo).iloc[0]["actor"] == "admin@fjordby.dk"


def test_a_scope_must_be_a_scope_not_a_name(demo: Database) -> None:
    before = _everything(demo)
    with pytest.raises(AdminOnly):
        save_project(demo, _plan(), new=True, scope="admin@fjordby.dk", today=TODAY)  # type: ignore[arg-type]
    assert _same(before, _everything(demo))
