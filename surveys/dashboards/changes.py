"""What has changed ("Det har ændret sig"), and the latest wave at a glance, for the Overblik page.

Both look at the units the scope may see in one project. A change is listed when the shift
monitor (:mod:`surveys.dashboards.shifts`, calibrated to a budget of chance flags per unit-year)
has raised an alarm; the wave and phase comparisons, run charts and change points are views on
the other pages and raise no flag here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from analytics import compare_waves
from analytics.selection import select_scores
from data.db import Database
from medspil.formatting import number
from medspil.i18n import t
from medspil.scope import Scope
from surveys.dashboards.basis import ProjectBasis, headline_units, project_basis, unit_choices
from surveys.dashboards.hidden import hidden_reason, hidden_sentence
from surveys.dashboards.shifts import budget_sentence, project_shifts

# The list covers the headline unit and two levels below it (areas and their units for a
# forvaltning): deeper units are one click away on Enheder, and a kommune-wide list of 500
# teams would bury the changes that matter.
MAX_DEPTH = 2


@dataclass(frozen=True)
class Change:
    """One unit and construct with its alarms in plain sentences (latest first).

    ``strength`` is the size in points of its largest alarm; the list is sorted on it.
    """

    unit_id: str
    unit_label: str
    construct: str
    construct_label: str
    strength: float
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class ChangeList:
    """The changes, how many units the list watches, and what its budget means for them."""

    changes: tuple[Change, ...]
    units: int
    budget_note: str
    latest_wave_label: str | None


@dataclass(frozen=True)
class LatestScores:
    """One headline unit's latest closed wave: per construct score and change, response rate.

    ``table``: ``construct``, ``construct_label``, ``n``, ``mean``, ``ci_low``, ``ci_high``,
    ``hidden``, ``difference``, ``p_adjusted``, ``cohens_d``, ``significant``.
    """

    unit_id: str
    unit_label: str
    wave_label: str | None
    table: pd.DataFrame
    family_size: int
    responses: int | None
    issued: int
    response_rate: float | None
    # When the unit's latest wave shows no score: why, in one sentence (the page shows it
    # instead of a row of hidden metrics).
    hidden_reason: str | None = None
    hidden_sentence: str | None = None


def recent_changes(
    db: Database, scope: Scope, project_id: str, *, lang: str, today: dt.date
) -> ChangeList:
    """The alarms of the shift monitor in the scope's units of one project, largest first."""
    basis = project_basis(db, project_id, today=today)
    units = [u for u, depth in unit_choices(basis, scope) if depth <= MAX_DEPTH]
    note = budget_sentence(len(units), basis.names[units[0]] if units else "", lang)
    if basis.protected is None or not units or basis.waves.empty:
        return ChangeList((), len(units), note, None)
    shifts = project_shifts(basis)
    shifts = shifts[shifts["unit_id"].isin(units)].sort_values("wave_number", ascending=False)
    phase_of = dict(zip(basis.waves["number"], basis.waves["phase_id"], strict=True))
    kinds = dict(zip(basis.phases["id"], basis.phases["kind"], strict=True))
    found: dict[tuple[str, str], tuple[float, list[str]]] = {}
    for row in shifts.itertuples():
        best, sentences = found.get((row.unit_id, row.construct), (0.0, []))
        sentence = t(
            "dash.change_shift",
            lang,
            direction=t("dash.rose" if row.direction > 0 else "dash.fell", lang),
            points=number(abs(row.size)),
            start=row.start_wave_number,
            phase=t(f"phase.{kinds[phase_of[row.start_wave_number]]}", lang).lower(),
            wave=row.wave_number,
        )
        found[(row.unit_id, row.construct)] = (max(best, abs(row.size)), [*sentences, sentence])
    changes = [
        Change(
            unit,
            basis.names[unit],
            construct,
            basis.construct_label(construct, lang),
            strength,
            tuple(sentences),
        )
        for (unit, construct), (strength, sentences) in found.items()
    ]
    order = {u: i for i, u in enumerate(units)}
    # Largest first; sizes within about 5 points count as equal and go in tree order, so an
    # area comes before its own units (whose smaller groups scatter more around the same drop).
    changes.sort(key=lambda c: (-round(c.strength / 5), order[c.unit_id], c.construct))
    latest = int(basis.waves["id"].iloc[-1])
    return ChangeList(tuple(changes), len(units), note, basis.wave_label(latest, lang))


def latest_scores(
    db: Database, scope: Scope, project_id: str, *, lang: str, today: dt.date
) -> list[LatestScores]:
    """Per headline unit of the scope: the latest closed wave against the one before it."""
    basis = project_basis(db, project_id, today=today)
    return [_latest_for(basis, unit, lang) for unit in headline_units(basis, scope)]


def _latest_for(basis: ProjectBasis, unit: str, lang: str) -> LatestScores:
    columns = [
        "construct",
        "construct_label",
        "n",
        "mean",
        "ci_low",
        "ci_high",
        "hidden",
        "difference",
        "p_adjusted",
        "cohens_d",
        "significant",
    ]
    if basis.protected is None or basis.waves.empty:
        return LatestScores(
            unit, basis.names[unit], None, pd.DataFrame(columns=columns), 0, None, 0, None
        )
    latest = int(basis.waves["id"].iloc[-1])
    summaries = basis.wave_summaries
    table = summaries[(summaries["unit_id"] == unit) & (summaries["wave_id"] == latest)]
    comparisons = compare_waves(select_scores(basis.protected, units=[unit]), waves=[latest])
    table = table.merge(
        comparisons[["construct", "difference", "p_adjusted", "cohens_d", "significant"]],
        on="construct",
        how="left",
    )
    table["significant"] = table["significant"].astype("boolean").fillna(False).astype(bool)
    table["construct_label"] = [basis.construct_label(c, lang) for c in table["construct"]]
    order = {c: i for i, c in enumerate(basis.constructs)}
    table = table.sort_values("construct", key=lambda s: s.map(order))[columns]
    table = table.astype(object).where(table.notna(), None).reset_index(drop=True)
    counts = basis.responses
    row = counts[(counts["unit_id"] == unit) & (counts["wave_id"] == latest)]
    issued = int(row["issued"].iloc[0]) if not row.empty else 0
    responses = None if row.empty or bool(row["hidden"].iloc[0]) else int(row["responses"].iloc[0])
    rate = responses / issued if responses is not None and issued else None
    reason = sentence = None
    if not table.empty and bool(table["hidden"].all()):
        reason = hidden_reason(basis, unit, latest)
        sentence = hidden_sentence(
            reason, lang, unit=basis.names[unit], k=basis.k_min, wave=basis.wave_label(latest, lang)
        )
    return LatestScores(
        unit,
        basis.names[unit],
        basis.wave_label(latest, lang),
        table,
        len(comparisons),
        responses,
        issued,
        rate,
        reason,
        sentence,
    )
