"""Imported waves are marked as imported on the dashboards and in snapshots (source, file name,
date of import), and the marks go with the import when it is removed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from data import open_database
from data.db import Database
from medspil.scope import Scope
from surveys.dashboards.basis import forget_bases, project_basis
from surveys.importing.importer import apply_import, remove_import
from surveys.importing.mapping import parse_mapping
from surveys.importing.sources import read_source
from surveys.snapshots.charts import snapshot_figures
from surveys.snapshots.freeze import create_snapshot, open_snapshot
from surveys.snapshots.view import snapshot_view
from tests.surveys.importing.support import first_wave, pulse_csv_files, pulse_mapping

TODAY = dt.date.today()


@pytest.fixture
def imported(demo_copy: Path):
    db = open_database(demo_copy)
    first = first_wave(db)
    rounds = (first - dt.timedelta(days=70), first - dt.timedelta(days=40))
    import_id, _ = apply_import(
        db, read_source(pulse_csv_files()), parse_mapping(pulse_mapping(rounds)),
        scope=Scope.admin("t"), today=TODAY,
    )  # fmt: skip
    forget_bases()
    yield db, import_id, rounds
    forget_bases()
    db.close()


def test_dashboard_labels_mark_the_imported_waves(imported) -> None:
    db, import_id, rounds = imported
    basis = project_basis(db, "medicin", today=TODAY)
    waves = basis.waves.sort_values("number")
    labels = [basis.wave_label(int(w), "da") for w in waves["id"]]
    assert labels[0] == f"Måling -1 · {rounds[0].strftime('%d.%m.%Y')} (importeret)"
    assert labels[1].endswith("(importeret)") and labels[1].startswith("Måling 0 ·")
    assert not any("importeret" in label for label in labels[2:])
    assert basis.wave_label(int(waves["id"].iloc[0]), "en").endswith("(imported)")
    assert {v["file"] for v in basis.imported.values()} == {"dataset.csv"}
    remove_import(db, import_id, scope=Scope.admin("t"))
    forget_bases()
    after = project_basis(db, "medicin", today=TODAY)
    assert after.imported == {}
    assert len(after.waves) == len(basis.waves) - 2


def test_snapshots_carry_the_import_marks(imported: tuple[Database, int, tuple]) -> None:
    db, _, rounds = imported
    scope = Scope.admin(actor="test")
    snapshot_id = create_snapshot(
        db, scope, project_id="medicin", area_kind="committee", area_id="LMED-NORD", today=TODAY
    )
    snapshot = open_snapshot(db, scope, snapshot_id)
    waves = sorted(snapshot.content["waves"], key=lambda w: w["number"])
    assert waves[0]["imported"] == {
        "source": "surveyxact",
        "file": "dataset.csv",
        "imported_on": TODAY.isoformat(),
    }
    assert waves[0]["opens"] == rounds[0].isoformat()
    assert "imported" not in waves[2]
    charts = snapshot_figures(snapshot_view(snapshot, "da"))
    assert any("importeret" in chart.figure.to_json() for chart in charts)
