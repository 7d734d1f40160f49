"""The shift monitor on a project: the only source of "changed" flags on the dashboards.

Overblik's "Det har ændret sig", the markers on Udvikling and the snapshots' list of changes all
read :func:`project_shifts`. The wave-to-wave and phase comparisons, run charts and change points
stay as views for the analyst and raise no flag of their own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import wave_shifts
from analytics.aggregate_shifts import waves_per_year
from medspil.formatting import number
from medspil.i18n import t
from surveys.dashboards.basis import ProjectBasis, per_basis

# Chance flags per unit and year on a unit whose level never changes, shared between the
# constructs monitored: a leder of one unit sees about one chance flag every two years.
UNIT_BUDGET = 0.5
DEFAULT_WAVES_PER_YEAR = 26.0  # fortnightly pulses, when too few waves have closed to tell


@dataclass(frozen=True)
class ShiftBudget:
    """The false-alarm budget the flags are calibrated to, for one project."""

    per_unit_year: float
    per_construct_year: float
    constructs: int
    waves_per_year: float


def shift_budget(basis: ProjectBasis) -> ShiftBudget:
    """The budget of :data:`UNIT_BUDGET` per unit-year split evenly over the constructs."""
    cadence = waves_per_year(list(basis.waves["opens"])) if not basis.waves.empty else None
    constructs = max(len(basis.constructs), 1)
    return ShiftBudget(
        per_unit_year=UNIT_BUDGET,
        per_construct_year=UNIT_BUDGET / constructs,
        constructs=constructs,
        waves_per_year=cadence or DEFAULT_WAVES_PER_YEAR,
    )


def project_shifts(basis: ProjectBasis) -> pd.DataFrame:
    """Every alarm of the monitor in the project's closed waves, for every unit and construct.

    Columns of :func:`analytics.wave_shifts` plus ``wave_number`` and ``start_wave_number``.
    Computed once per basis (Overblik, its finding cards and Udvikling all ask for it).
    """
    return per_basis(basis, "shifts", lambda: _project_shifts(basis)).copy()


def _project_shifts(basis: ProjectBasis) -> pd.DataFrame:
    columns = ["unit_id", "construct", "wave_id", "phase_id", "start_wave_id", "direction"]
    columns += ["size", "level_before", "level_after", "wave_number", "start_wave_number"]
    if basis.protected is None:
        return pd.DataFrame(columns=columns)
    budget = shift_budget(basis)
    found = wave_shifts(
        basis.protected,
        waves_per_year=budget.waves_per_year,
        false_alarms_per_year=budget.per_construct_year,
    )
    numbers = dict(zip(basis.waves["id"], basis.waves["number"], strict=True))
    found["wave_number"] = [int(numbers[w]) for w in found["wave_id"]]
    found["start_wave_number"] = [int(numbers[w]) for w in found["start_wave_id"]]
    return found[columns]


def same_series(basis: ProjectBasis) -> dict[tuple[str, str], str]:
    """``(unit, construct) -> parent`` where the parent's series is the unit's own.

    A unit whose parent has no answers besides the unit's (typically its only child) is the
    same group of people under two names: the same counts in every wave, so the same wave
    means and the same alarms. Compared on the protected counts the monitor reads, so a wave
    hidden for one and shown for the other keeps them apart (they are then not the same series).
    Computed once per basis; the caller must not change the mapping.
    """
    return per_basis(basis, "same_series", lambda: _same_series(basis))


def _same_series(basis: ProjectBasis) -> dict[tuple[str, str], str]:
    protected = basis.protected
    if protected is None:
        return {}
    index = {u: i for i, u in enumerate(protected.units)}
    counts = protected.wave_counts
    same = {}
    for unit, u in index.items():
        parent = basis.parent.get(str(unit))
        if parent is None or parent not in index:
            continue
        for c, construct in enumerate(protected.constructs):
            mine = counts[c, u]
            if mine.any() and np.array_equal(mine, counts[c, index[parent]]):
                same[(str(unit), str(construct))] = str(parent)
    return same


def distinct_alarms(
    basis: ProjectBasis, alarms: pd.DataFrame, units: Sequence[str]
) -> pd.DataFrame:
    """The alarms of ``units`` without those of a unit whose series is that of an ancestor also
    in ``units`` (see :func:`same_series`): one group of people, one finding, under the
    broadest name the viewer may see (a leder of the child alone still sees the child's).
    """
    same = same_series(basis)
    shown = set(units)

    def repeated(unit: str, construct: str) -> bool:
        up = same.get((unit, construct))
        while up is not None:
            if up in shown:
                return True
            up = same.get((up, construct))
        return False

    alarms = alarms[alarms["unit_id"].isin(shown)]
    keep = [
        not repeated(str(u), str(c))
        for u, c in zip(alarms["unit_id"], alarms["construct"], strict=True)
    ]
    return alarms[np.array(keep, dtype=bool)] if keep else alarms


def distinct_units(basis: ProjectBasis, units: Sequence[str]) -> list[str]:
    """``units`` without those whose every series is an ancestor's in ``units``: the groups of
    people the list watches (what the budget sentence counts)."""
    same = same_series(basis)
    shown = set(units)
    constructs = [str(c) for c in basis.constructs]

    def repeated(unit: str) -> bool:
        for construct in constructs:
            up = same.get((unit, construct))
            while up is not None and up not in shown:
                up = same.get((up, construct))
            if up is None:
                return False
        return bool(constructs)

    return [u for u in units if not repeated(u)]


def budget_sentence(budget: ShiftBudget, units: int, unit_label: str, lang: str) -> str:
    """One plain sentence on how many chance flags to expect in the units shown.

    Computed from the budget the monitor runs with (``budget.per_construct_year`` for each of
    ``budget.constructs`` constructs), so the sentence cannot drift from the flags.
    """
    per_unit = budget.per_construct_year * budget.constructs
    per_year = per_unit * units
    if units <= 1 and math.isclose(per_unit, 0.5):
        return t("dash.budget_one", lang, unit=unit_label)
    if math.isclose(per_year, 1.0):
        return t("dash.budget_two", lang, units=units)
    whole = math.isclose(per_year, round(per_year)) or per_year >= 5
    return t("dash.budget_many", lang, units=units, flags=number(per_year, 0 if whole else 1))
