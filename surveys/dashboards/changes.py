"""What has changed ("Det har ændret sig"), and the latest wave at a glance, for the Overblik page.

Both look at the units the scope may see in one project. A change is listed when it is
significant (Benjamini-Hochberg adjusted p < 0.05 and |d| >= 0.2) or when a run chart of at
least 10 useful points shows an Anhøj signal; change points are added as detail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from analytics import compare_phases, compare_waves, run_charts, wave_changepoints
from analytics.selection import select_scores
from data.db import Database
from medspil.formatting import number
from medspil.i18n import t
from medspil.scope import Scope
from surveys.dashboards.basis import ProjectBasis, headline_units, project_basis, unit_choices
from surveys.dashboards.hidden import hidden_reason, hidden_sentence
from surveys.dashboards.views import MIN_RUNCHART_POINTS

# The list covers the headline unit and two levels below it (areas and their units for a
# forvaltning): deeper units are one click away on Enheder, and a kommune-wide list of 500
# teams would bury the changes that matter.
MAX_DEPTH = 2


@dataclass(frozen=True)
class Change:
    """One unit and construct with what changed, in plain sentences, strongest first."""

    unit_id: str
    unit_label: str
    construct: str
    construct_label: str
    strength: float
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class ChangeList:
    """The changes, and the two families the Benjamini-Hochberg adjustment covered."""

    changes: tuple[Change, ...]
    wave_family: int
    phase_family: int
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
    """The significant changes and run-chart signals in the scope's units of one project."""
    basis = project_basis(db, project_id, today=today)
    units = [u for u, depth in unit_choices(basis, scope) if depth <= MAX_DEPTH]
    if basis.protected is None or not units or basis.waves.empty:
        return ChangeList((), 0, 0, None)
    selected = select_scores(basis.protected, units=units)
    latest = int(basis.waves["id"].iloc[-1])
    waves = compare_waves(selected, waves=[latest])
    phases = compare_phases(selected)
    charts = run_charts(selected)
    points = wave_changepoints(selected)
    numbers = dict(zip(basis.waves["id"], basis.waves["number"], strict=True))
    kinds = dict(zip(basis.phases["id"], basis.phases["kind"], strict=True))
    found: dict[tuple[str, str], tuple[float, list[str]]] = {}

    def add(unit: str, construct: str, strength: float, sentence: str) -> None:
        best, sentences = found.get((unit, construct), (0.0, []))
        found[(unit, construct)] = (max(best, strength), [*sentences, sentence])

    for row in phases[phases["significant"]].itertuples():
        add(
            row.unit_id,
            row.construct,
            abs(row.cohens_d),
            t(
                "dash.change_phase",
                lang,
                direction=_direction(row.difference, lang),
                points=number(abs(row.difference)),
                before=t(f"phase.{kinds[row.previous_phase_id]}", lang),
                after=t(f"phase.{kinds[row.phase_id]}", lang),
                d=number(row.cohens_d, 2),
            ),
        )
    for row in waves[waves["significant"]].itertuples():
        add(
            row.unit_id,
            row.construct,
            abs(row.cohens_d),
            t(
                "dash.change_wave",
                lang,
                direction=_direction(row.difference, lang),
                points=number(abs(row.difference)),
                wave=numbers[row.wave_id],
                d=number(row.cohens_d, 2),
            ),
        )
    readable = charts[(charts["n_useful"] >= MIN_RUNCHART_POINTS) & charts["runs_signal"]]
    for row in readable.itertuples():
        kind = "long_run" if row.long_run_signal else "few_crossings"
        add(row.unit_id, row.construct, 0.0, t(f"dash.change_runchart_{kind}", lang))
    shifts: dict[tuple[str, str], list[str]] = {}
    for unit, construct, wave in zip(
        points["unit_id"], points["construct"], points["wave_id"], strict=True
    ):
        shifts.setdefault((unit, construct), []).append(str(numbers[wave]))
    for (unit, construct), listed in shifts.items():
        if (unit, construct) in found:
            add(unit, construct, 0.0, t("dash.change_points", lang, waves=", ".join(listed)))
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
    # Strongest first; equally strong changes (to one decimal of d) in tree order, so an area
    # comes before its own units.
    changes.sort(key=lambda c: (-round(c.strength, 1), order[c.unit_id], c.construct))
    return ChangeList(tuple(changes), len(waves), len(phases), basis.wave_label(latest, lang))


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


def _direction(difference: float, lang: str) -> str:
    return t("dash.rose" if difference > 0 else "dash.fell", lang)
