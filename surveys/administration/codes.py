"""What the Svarkoder page shows: the choices for issuing codes and the response rates per unit.

A response rate is codes used / codes issued. The number of codes used is the number of
respondents, so it is shown only where the anonymity rules allow: ``analytics.visible_units``
over the unit tree (the project's units and their ancestors) decides, per wave, which units may
show it; issued codes are not about respondents and are always shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from analytics import visible_units
from data import org as org_queries
from data import projects as project_queries
from data.db import Database
from data.results import response_counts
from medspil.errors import UnknownProject
from medspil.formatting import date_text, percent
from medspil.i18n import t
from medspil.scope import Scope
from surveys.answering.codes import issuable_waves, project_unit_ids


@dataclass(frozen=True)
class ResponseRates:
    """Per unit of one wave: issued, used and rate, ready to show (hidden cells as text)."""

    k_min: int
    table: pd.DataFrame


def project_choices(db: Database) -> dict[str, str]:
    """Project id -> name, in id order."""
    frame = project_queries.projects(db)
    return dict(zip(frame["id"], frame["name"], strict=True))


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


def unit_choices(db: Database, project_id: str) -> dict[str, str]:
    """Unit id -> "name (id)" for the units of a project, in tree order."""
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
    for unit in keep:
        up = parent[unit] if parent[unit] in keep else None
        children.setdefault(up, []).append(unit)
    order: list[tuple[str, int]] = []
    stack = [(unit, 0) for unit in sorted(children.get(None, []), key=names.get, reverse=True)]
    while stack:
        unit, depth = stack.pop()
        order.append((unit, depth))
        below = sorted(children.get(unit, []), key=names.get, reverse=True)
        stack.extend((child, depth + 1) for child in below)
    return order


def response_rates(db: Database, project_id: str, wave_id: int, *, lang: str) -> ResponseRates:
    """Codes issued, codes used and the response rate per unit (and its subtree) for one wave."""
    project = project_queries.project(db, project_id)
    if project is None:
        raise UnknownProject(project=project_id)
    k_min = int(project["k_min"])
    units = org_queries.units(db)
    parent_of = dict(zip(units["id"], units["parent_id"], strict=True))
    keep = set(project_unit_ids(db, project_id))
    for unit in list(keep):  # the ancestors too: their totals are the sums shown elsewhere
        while parent_of[unit] is not None:
            unit = parent_of[unit]
            keep.add(unit)
    parent = {unit: parent_of[unit] if parent_of[unit] in keep else None for unit in keep}
    counts = response_counts(db, project_id, Scope.admin())
    counts = counts[counts["wave_id"] == wave_id]
    issued = {unit: int(n) for unit, n in zip(counts["unit_id"], counts["issued"], strict=True)}
    used = {unit: int(n) for unit, n in zip(counts["unit_id"], counts["used"], strict=True)}
    shown = visible_units({u: n for u, n in used.items() if u in keep}, parent, k=k_min)
    order = _tree_order(units, keep)
    total_issued = _subtree_sums(issued, parent, order)
    total_used = _subtree_sums(used, parent, order)
    names = units.set_index("id")["name"]
    hidden = t("ui.fewer_than_k", lang)
    rows = []
    for unit, depth in order:
        if not total_issued[unit]:
            continue
        visible = unit in shown
        rate = total_used[unit] / total_issued[unit]
        rows.append(
            {
                t("codes.col_unit", lang): "· " * depth + str(names[unit]),
                t("codes.col_issued", lang): str(total_issued[unit]),
                t("codes.col_used", lang): str(total_used[unit]) if visible else hidden,
                t("codes.col_rate", lang): percent(rate, lang=lang) if visible else hidden,
            }
        )
    return ResponseRates(k_min=k_min, table=pd.DataFrame(rows))


def _subtree_sums(
    direct: dict[str, int], parent: dict[str, str | None], order: list[tuple[str, int]]
) -> dict[str, int]:
    totals = {unit: direct.get(unit, 0) for unit, _ in order}
    for unit, _ in reversed(order):  # children come after their parent in ``order``
        up = parent[unit]
        if up is not None:
            totals[up] += totals[unit]
    return totals
