"""What the Svarkoder page shows: the choices for issuing codes and the response rates per unit.

A response rate is answers / codes issued. The answers are respondents, so they come from the
project's one protection step (``surveys.dashboards.basis.project_basis``: computed once for
the whole organisation, the same cells hidden for every number and every viewer, ties broken
by unit id);
issued codes are not about respondents and are always shown. A wave that is still open shows
no answers per unit (one answer would move them), only the banded total of the whole project
area (``surveys.dashboards.live_progress``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from data import org as org_queries
from data import projects as project_queries
from data.db import Database
from data.results import response_counts
from medspil.errors import UnknownProject
from medspil.formatting import date_text, percent
from medspil.i18n import t
from medspil.scope import Scope
from surveys.answering.codes import issuable_waves, project_unit_ids
from surveys.dashboards.basis import project_basis
from surveys.dashboards.live_progress import live_progress


@dataclass(frozen=True)
class ResponseRates:
    """Per unit of one wave: issued, used and rate, ready to show (hidden cells as text)."""

    k_min: int
    table: pd.DataFrame
    note: str | None = None  # for an open wave: why no answers per unit, and the live band


def _wave_label(row: pd.Series, lang: str) -> str:
    return t(
        "codes.wave_option",
        lang,
        number=int(row["number"]),
        opens=date_text(pd.Timestamp(row["opens"]).date()),
        closes=date_text(pd.Timestamp(row["closes"]).date()),
    )


def issuable_wave_choices(
    db: Database, project_id: str, *, today: dt.date, lang: str
) -> dict[int, str]:
    """Wave id -> label for the waves codes can still be issued for (open now or later)."""
    waves = issuable_waves(db, project_id, today)
    return {int(row["id"]): _wave_label(row, lang) for _, row in waves.iterrows()}


def started_wave_choices(
    db: Database, project_id: str, *, today: dt.date, lang: str
) -> dict[int, str]:
    """Wave id -> label for the waves that have opened, newest first."""
    waves = project_queries.waves(db, project_id)
    started = waves[pd.to_datetime(waves["opens"]).dt.date <= today]
    return {int(row["id"]): _wave_label(row, lang) for _, row in started.iloc[::-1].iterrows()}


def code_unit_choices(db: Database, project_id: str) -> dict[str, str]:
    """Unit id -> "name (id)" for the units of a project, in tree order: whom codes go to (the
    dashboards' unit_choices is another thing: a scope's units with their depth)."""
    ids = set(project_unit_ids(db, project_id))
    units = org_queries.units(db)
    tree = _tree_order(units, ids)
    names = units.set_index("id")["name"]
    return {unit: f"{names[unit]} ({unit})" for unit, _ in tree}


def _tree_order(units: pd.DataFrame, keep: set[str]) -> list[tuple[str, int]]:
    """``(unit id, depth)`` for the units in ``keep``, depth first, children by name."""
    parent = dict(zip(units["id"], units["parent_id"], strict=True))
    names = dict(zip(units["id"], units["name"], strict=True))
    children: dict[str | None, list[str]] = {}
    for unit in sorted(keep):
        up = parent[unit] if parent[unit] in keep else None
        children.setdefault(up, []).append(unit)

    def by_name(unit: str) -> tuple[str, str]:
        return (str(names.get(unit)), unit)

    order: list[tuple[str, int]] = []
    stack = [(unit, 0) for unit in sorted(children.get(None, []), key=by_name, reverse=True)]
    while stack:
        unit, depth = stack.pop()
        order.append((unit, depth))
        below = sorted(children.get(unit, []), key=by_name, reverse=True)
        stack.extend((child, depth + 1) for child in below)
    return order


def response_rates(
    db: Database, project_id: str, wave_id: int, *, lang: str, today: dt.date
) -> ResponseRates:
    """Codes issued, answers and the response rate per unit (and its subtree) for one wave.

    A closed wave's answers come from the protected basis (hidden cells read "færre end k
    svar"); an open wave shows codes issued only, with the whole project's banded progress.
    """
    project = project_queries.project(db, project_id)
    if project is None:
        raise UnknownProject(project=project_id)
    k_min = int(project["k_min"])
    units = org_queries.units(db)
    parent_of = dict(zip(units["id"], units["parent_id"], strict=True))
    keep = set(project_unit_ids(db, project_id))
    for unit in sorted(keep):  # the ancestors too: their totals are the sums shown elsewhere
        while parent_of[unit] is not None:
            unit = parent_of[unit]
            keep.add(unit)
    parent = {unit: parent_of[unit] if parent_of[unit] in keep else None for unit in keep}
    order = _tree_order(units, keep)
    counts = response_counts(db, project_id, Scope.admin())
    counts = counts[counts["wave_id"] == wave_id]
    issued = {unit: int(n) for unit, n in zip(counts["unit_id"], counts["issued"], strict=True)}
    total_issued = _subtree_sums(issued, parent, order)
    basis = project_basis(db, project_id, today=today)
    closed = int(wave_id) in set(basis.waves["id"].astype(int))
    answers: dict[str, int | None] = {}
    note = None
    if closed:
        rows = basis.responses[basis.responses["wave_id"] == int(wave_id)]
        answers = {
            str(u): None if hidden else int(n)
            for u, n, hidden in zip(rows["unit_id"], rows["responses"], rows["hidden"], strict=True)
        }
    else:
        live = live_progress(db, Scope.admin(), project_id, today=today)
        if live is not None and live.wave_id == int(wave_id):
            note = t("live.svarkoder", lang, answers=live.label(lang))
    names = units.set_index("id")["name"]
    hidden = t("ui.fewer_than_k", lang)
    waiting = t("codes.after_close", lang)
    rows_out = []
    for unit, depth in order:
        if not total_issued[unit]:
            continue
        shown = answers.get(unit)
        answered = waiting if not closed else hidden if shown is None else str(shown)
        rate = (
            percent(shown / total_issued[unit], lang=lang)
            if closed and shown is not None
            else answered
        )
        rows_out.append(
            {
                t("codes.col_unit", lang): "· " * depth + str(names[unit]),
                t("codes.col_issued", lang): str(total_issued[unit]),
                t("codes.col_used", lang): answered,
                t("codes.col_rate", lang): rate,
            }
        )
    return ResponseRates(k_min=k_min, table=pd.DataFrame(rows_out), note=note)


def _subtree_sums(
    direct: dict[str, int], parent: dict[str, str | None], order: list[tuple[str, int]]
) -> dict[str, int]:
    totals = {unit: direct.get(unit, 0) for unit, _ in order}
    for unit, _ in reversed(order):  # children come after their parent in ``order``
        up = parent[unit]
        if up is not None:
            totals[up] += totals[unit]
    return totals
