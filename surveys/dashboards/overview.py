"""The data behind the Overblik page: per project its phases, waves and responses so far, the
latest closed wave's scores with their change, and what has changed in the scope's units."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from analytics.timeline import phase_timeline_figure
from data import org as org_queries
from data import projects as project_queries
from data.db import Database
from medspil.cells import cell_timestamp
from medspil.formatting import date_text, integer
from medspil.i18n import t
from medspil.scope import Scope
from medspil.vocabulary import Involvement, PhaseKind
from surveys.dashboards.basis import headline_units, project_basis, visible_projects
from surveys.dashboards.changes import LatestScores, latest_scores
from surveys.dashboards.finding_list import FindingList, finding_list
from surveys.dashboards.first_results import first_results_sentence
from surveys.dashboards.involvement import unit_phases
from surveys.dashboards.live_progress import live_progress
from surveys.dashboards.timeline_events import chart_events, event_names, project_events
from surveys.together.plan import project_levels


@dataclass(frozen=True)
class ProjectOverview:
    project_id: str
    name: str
    description: str
    current_phase_label: str
    waves_started: int
    responses: int | None
    responses_label: str
    live_label: str | None
    timeline: go.Figure
    phase_table: pd.DataFrame
    latest: list[LatestScores]
    findings: FindingList
    first_results: str | None  # while no wave has closed: when the first results come


def phase_labels(lang: str) -> dict[str, str]:
    return {kind: t(f"phase.{kind}", lang) for kind in PhaseKind}


def involvement_labels(lang: str) -> dict[str, str]:
    return {level: t(f"involvement.{level}", lang) for level in Involvement}


def project_overviews(
    db: Database, scope: Scope, *, lang: str, today: dt.date
) -> list[ProjectOverview]:
    """One overview per project the scope may see, with the minimum group size applied."""
    overviews = []
    phases_by = phase_labels(lang)
    levels_by = involvement_labels(lang)
    for project in visible_projects(db, scope, today=today).itertuples():
        project_id = str(project.id)
        phases = project_queries.phases(db, project_id)
        waves = project_queries.waves(db, project_id)
        started = int((pd.to_datetime(waves["opens"]).dt.date <= today).sum())
        total = responses_so_far(db, scope, project_id, today)
        shown = total is not None
        live = live_progress(db, scope, project_id, today=today)
        current = phases[
            (pd.to_datetime(phases["starts"]).dt.date <= today)
            & (pd.to_datetime(phases["ends"]).dt.date >= today)
        ]
        overviews.append(
            ProjectOverview(
                project_id=project_id,
                name=str(project.name),
                description=str(project.description),
                current_phase_label=(
                    phases_by[current.iloc[0]["kind"]] if not current.empty else "–"
                ),
                waves_started=started,
                responses=total,
                responses_label=(integer(total) if shown else t("ui.fewer_than_k", lang)),
                live_label=(
                    t("live.overview", lang, wave=live.wave_number, answers=live.label(lang))
                    if live is not None
                    else None
                ),
                timeline=phase_timeline_figure(
                    _scoped_phases(db, scope, project_id, phases, lang, today),
                    phase_labels=phases_by,
                    involvement_labels=levels_by,
                    today=today,
                    today_label=t("ui.today", lang),
                    events=chart_events(project_events(db, scope, project_id, lang)),
                    event_labels=event_names(lang),
                ),
                phase_table=_phase_table(db, project_id, phases, lang),
                latest=latest_scores(db, scope, project_id, lang=lang, today=today),
                findings=finding_list(db, scope, project_id, lang=lang, today=today),
                first_results=first_results_sentence(db, project_id, lang=lang, today=today),
            )
        )
    return overviews


def _scoped_phases(
    db: Database, scope: Scope, project_id: str, phases: pd.DataFrame, lang: str, today: dt.date
) -> pd.DataFrame:
    """The phases with the involvement of the unit the user looks at (not the project's)."""
    basis = project_basis(db, project_id, today=today)
    heads = headline_units(basis, scope)
    if not heads:
        return phases
    return unit_phases(basis, heads[0], lang, separator="<br>")


def responses_so_far(db: Database, scope: Scope, project_id: str, today: dt.date) -> int | None:
    """Answers in the closed waves for the scope's headline units, from the one protection step.

    A unit's total is shown only when every closed wave it has answers in is shown (it is then
    their sum: nothing new by subtraction, neither across units nor between two visits). The
    open wave is never in it; see ``surveys.dashboards.live_progress``.
    """
    basis = project_basis(db, project_id, today=today)
    heads = headline_units(basis, scope)
    totals = [basis.response_totals.get(head) for head in heads]
    counted = [total for total in totals if total is not None]
    if not totals or len(counted) < len(totals):
        return None
    return sum(counted)


def _phase_table(db: Database, project_id: str, phases: pd.DataFrame, lang: str) -> pd.DataFrame:
    # The levels as they happened where recorded, else as planned (``project_levels``).
    per_unit = project_levels(db, project_id)
    names = org_queries.units(db).set_index("id")["name"].to_dict()
    levels_by = involvement_labels(lang)
    rows = []
    for phase in phases.itertuples():
        special = sorted(
            (unit, level)
            for (phase_id, unit), level in per_unit.items()
            if phase_id == phase.id and level != phase.involvement
        )
        note = "; ".join(f"{names.get(unit, unit)}: {levels_by[level]}" for unit, level in special)
        rows.append(
            {
                t("table.phase", lang): t(f"phase.{phase.kind}", lang),
                t("table.from", lang): date_text(cell_timestamp(phase.starts).date()),
                t("table.to", lang): date_text(cell_timestamp(phase.ends).date()),
                t("table.involvement", lang): levels_by[str(phase.involvement)],
                t("table.unit_involvement", lang): note or "–",
            }
        )
    return pd.DataFrame(rows)
