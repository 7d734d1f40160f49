"""The shift monitor flags what the demo kommune planted, from its stored answers (issue 13).

Through the dashboards' own basis and budget (0.5 chance flags per unit-year, shared between the
constructs), exactly as Overblik, Udvikling and the snapshots read it.
"""

from __future__ import annotations

import pandas as pd
import pytest

from data.db import Database
from surveys.dashboards.basis import project_basis
from surveys.dashboards.shifts import UNIT_BUDGET, project_shifts, shift_budget
from surveys.installation.demo import CO_DESIGN_AREA, DEMO_ROOT, INFO_ONLY_AREA
from tests.conftest import TODAY


@pytest.fixture(scope="module")
def medicin(demo_db: Database) -> tuple[pd.DataFrame, dict[str, int]]:
    basis = project_basis(demo_db, "medicin", today=TODAY)
    kinds = dict(zip(basis.phases["id"], basis.phases["kind"], strict=True))
    first = {}
    for wave in basis.waves.sort_values("number").itertuples():
        first.setdefault(kinds[wave.phase_id], int(wave.number))
    budget = shift_budget(basis)
    assert budget.per_construct_year == pytest.approx(UNIT_BUDGET / len(basis.constructs))
    assert 25 < budget.waves_per_year < 27  # the demo's waves are a fortnight apart
    return project_shifts(basis), first


def test_the_medspil_drop_in_syd_is_flagged_within_two_waves(medicin) -> None:
    shifts, first = medicin
    syd = shifts[(shifts["unit_id"] == INFO_ONLY_AREA) & (shifts["construct"] == "medspil")]
    drops = syd[(syd["direction"] == -1) & (syd["wave_number"] >= first["udvikling"])]
    # Counting the first wave at the new level as 1: flagged at the first or second wave.
    assert drops["wave_number"].iloc[0] <= first["udvikling"] + 1
    assert drops["start_wave_number"].iloc[0] == first["udvikling"]
    assert drops["size"].iloc[0] < -15  # planted: about 22 points
    assert (syd["wave_number"] < first["udvikling"]).sum() == 0  # nothing flagged before it
    back = syd[syd["direction"] == 1]
    assert back["wave_number"].iloc[0] <= first["implementering"] + 1


def test_the_co_designing_area_keeps_its_medspil_unflagged(medicin) -> None:
    shifts, _ = medicin
    nord = shifts[(shifts["unit_id"] == CO_DESIGN_AREA) & (shifts["construct"] == "medspil")]
    assert nord.empty


def test_the_slow_motivation_drift_is_flagged_as_a_rise(medicin) -> None:
    shifts, _ = medicin
    kommune = shifts[(shifts["unit_id"] == DEMO_ROOT) & (shifts["construct"] == "motivation")]
    assert (kommune["direction"] == 1).sum() >= 1
    assert (kommune["direction"] == -1).sum() == 0
    everywhere = shifts[shifts["construct"] == "motivation"]
    assert (everywhere["direction"] == 1).sum() > (everywhere["direction"] == -1).sum()


def test_the_alarms_are_computed_once_per_basis_and_handed_out_as_copies(
    demo_db: Database,
) -> None:
    basis = project_basis(demo_db, "medicin", today=TODAY)
    first = project_shifts(basis)
    first["size"] = 0.0  # a caller changing its copy
    again = project_shifts(basis)
    assert (again["size"] != 0.0).all()
    assert again.drop(columns="size").equals(first.drop(columns="size"))
