"""The latest wave at a glance, for the Overblik page: per headline unit the scores of the latest
closed wave and their change since the wave before (a view: what is flagged as changed comes
from the shift monitor alone, see :mod:`surveys.dashboards.finding_list`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from analytics import compare_waves
from analytics.selection import select_scores
from data.db import Database
from medspil.scope import Scope
from surveys.dashboards.basis import ProjectBasis, headline_units, project_basis
from surveys.dashboards.hidden import hidden_reason, hidden_sentence


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
