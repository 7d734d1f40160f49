"""What a MED snapshot freezes: the area's results as plain JSON-ready values, already protected.

The numbers are computed the way the dashboards compute them: anonymity is applied once to the
WHOLE organisation (so two snapshots of different areas cannot be subtracted from each other),
over the closed waves only (a live wave would let two looks a day apart reveal one answer), and
each view is then narrowed to the area's units. Hidden cells
keep their place with ``hidden: true`` and every number ``None``. Names (project, units,
constructs) are copied in, so re-rendering never reads the live database again.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analytics import (
    compare_phases,
    compare_waves,
    long_run_flags,
    phase_trends,
    protect_histograms,
    run_charts,
    summarise_phases,
    summarise_waves,
    wave_changepoints,
)
from analytics.protection import ProtectedScores
from data import org as org_queries
from data import projects as project_queries
from data.db import Database
from data.results import response_counts, score_histograms
from data.snapshots import area_comments
from medspil.errors import (
    InstrumentInvalid,
    SnapshotNoData,
    UnknownCommittee,
    UnknownProject,
    UnknownUnit,
)
from medspil.scope import Scope
from surveys.instrument import load_instrument

AREA_KINDS = ("committee", "unit")
SIGNIFICANT_LIST_LENGTH = 10
COMMENT_WAVES = 3  # comments come from the latest waves whose area group is large enough
RESPONSES = "_responses"  # pseudo-construct under which response counts are protected
NUMBERS = ("n", "mean", "sd", "ci_low", "ci_high", "favourable_share", "mdd")
QUANTILES = ("q10", "q25", "median", "q75", "q90")


@dataclass(frozen=True)
class Area:
    """A committee's area or a unit subtree: ``roots`` are the subtree roots it covers."""

    kind: str
    id: str
    name: str
    roots: tuple[str, ...]


def resolve_area(db: Database, kind: str, area_id: str) -> Area:
    """The area named by ``kind`` ('committee' or 'unit') and id; raise when it does not exist."""
    if kind == "committee":
        committees = org_queries.committees(db)
        match = committees[committees["id"] == area_id]
        if match.empty:
            raise UnknownCommittee(committee=area_id)
        roots = tuple(org_queries.committee_roots(db, area_id))
        return Area("committee", area_id, str(match.iloc[0]["name"]), roots)
    if kind == "unit":
        units = org_queries.units(db)
        match = units[units["id"] == area_id]
        if match.empty:
            raise UnknownUnit(unit=area_id)
        return Area("unit", area_id, str(match.iloc[0]["name"]), (area_id,))
    raise ValueError(f"unknown area kind {kind!r}; use one of {AREA_KINDS}")


@dataclass(frozen=True)
class _Basis:
    """One project's protected results over the whole organisation, closed waves only."""

    project: dict[str, Any]
    parent: dict[str, str | None]
    names: dict[str, str]
    waves: pd.DataFrame
    protected: ProtectedScores
    wave_summaries: pd.DataFrame
    phase_summaries: pd.DataFrame
    responses: pd.DataFrame

    def children(self, unit: str) -> list[str]:
        return sorted(u for u, up in self.parent.items() if up == unit)


def _basis(db: Database, project_id: str, area: Area, today: dt.date) -> _Basis:
    project = project_queries.project(db, project_id)
    if project is None:
        raise UnknownProject(project=project_id)
    units = org_queries.units(db)
    parent = dict(zip(units["id"], units["parent_id"], strict=True))
    waves = project_queries.waves(db, project_id)
    waves = waves[pd.to_datetime(waves["closes"]).dt.date < today].reset_index(drop=True)
    wave_phase = dict(zip(waves["id"].astype(int), waves["phase_id"].astype(int), strict=True))
    histograms = score_histograms(db, project_id, Scope.admin())
    histograms = histograms[histograms["wave_id"].isin(wave_phase)]
    area_units = set(org_queries.subtree_ids(db, list(area.roots)))
    if histograms.empty or not set(histograms["unit_id"]) & area_units:
        raise SnapshotNoData(project=project["name"], area=area.name)
    k = int(project["k_min"])
    protected = protect_histograms(histograms, parent=parent, wave_phase=wave_phase, k=k)
    counts = response_counts(db, project_id, Scope.admin())
    counts = counts[counts["wave_id"].isin(wave_phase)]
    return _Basis(
        project=project,
        parent=parent,
        names=dict(zip(units["id"], units["name"], strict=True)),
        waves=waves,
        protected=protected,
        wave_summaries=summarise_waves(protected),
        phase_summaries=summarise_phases(protected),
        responses=_protected_responses(counts, parent, wave_phase, k),
    )


def build_content(
    db: Database,
    *,
    project_id: str,
    area: Area,
    today: dt.date,
    include_comments: bool,
) -> dict[str, Any]:
    """The frozen content of a snapshot of ``project_id`` for ``area`` as of ``today``."""
    basis = _basis(db, project_id, area, today)
    project = basis.project
    roots = list(area.roots)
    area_units = org_queries.subtree_ids(db, roots)
    number = dict(
        zip(basis.waves["id"].astype(int), basis.waves["number"].astype(int), strict=True)
    )
    heat_rows = [u for root in roots for u in [root, *basis.children(root)] if u in area_units]
    content: dict[str, Any] = {
        "project": {
            "id": project_id,
            "name": project["name"],
            "description": project["description"],
        },
        "area": {"kind": area.kind, "id": area.id, "name": area.name, "roots": roots},
        "instrument": _instrument(project["instrument_id"]),
        "k_min": int(project["k_min"]),
        "k_comments": int(project["k_comments"]),
        "constructs": _constructs(project["instrument_id"], basis.protected.constructs),
        "units": [
            {"id": u, "name": basis.names[u], "parent": None if u in roots else basis.parent[u]}
            for u in dict.fromkeys(heat_rows)
        ],
        "phases": _phases(db, project_id, area_units, roots, basis.parent, basis.names),
        "waves": [
            {
                "number": int(w.number),
                "opens": _iso(w.opens),
                "closes": _iso(w.closes),
                "phase": int(w.phase_id),
            }
            for w in basis.waves.itertuples()
        ],
    }
    in_area = basis.wave_summaries["unit_id"].isin(roots)
    content["scores"] = _records(
        basis.wave_summaries[in_area], number, keep=("unit", "construct", "wave")
    )
    phase_rows = basis.phase_summaries[basis.phase_summaries["unit_id"].isin(roots)]
    content["phase_scores"] = _records(
        phase_rows, number, keep=("unit", "construct", "phase"), quantiles=True
    )
    # One Benjamini-Hochberg family per root: its constructs and periods (as the dashboards).
    content["wave_changes"], content["phase_changes"] = [], []
    for root in roots:
        content["wave_changes"] += _records(compare_waves(basis.protected, units=[root]), number)
        content["phase_changes"] += _records(compare_phases(basis.protected, units=[root]), number)
    for rows in (content["wave_changes"], content["phase_changes"]):
        for row in rows:
            del row["welch_t"], row["welch_df"]
    charts = _of_roots(run_charts(basis.protected), roots)
    content["runcharts"] = _records(charts[charts["n_useful"] > 0], number)
    flags = _of_roots(long_run_flags(basis.protected), roots)
    content["long_runs"] = _records(flags[flags["in_long_run"]], number)
    content["changepoints"] = _records(_of_roots(wave_changepoints(basis.protected), roots), number)
    trends = _of_roots(phase_trends(basis.protected), roots)
    content["trends"] = _records(trends[trends["n_waves"] >= 3], number)
    responses = basis.responses[basis.responses["unit_id"].isin(roots)]
    content["response_rates"] = _records(responses, number)
    content["heatmap"] = _heatmap(basis, heat_rows, number)
    content["significant"] = _significant(content["phase_changes"], content["wave_changes"])
    content["comments"] = _comments(db, basis, area_units, include_comments)
    return content


def _of_roots(frame: pd.DataFrame, roots: list[str]) -> pd.DataFrame:
    return frame[frame["unit_id"].isin(roots)]


_RENAMES = {
    "unit_id": "unit",
    "wave_id": "wave",
    "previous_wave_id": "previous_wave",
    "phase_id": "phase",
    "previous_phase_id": "previous_phase",
}


def _records(
    frame: pd.DataFrame,
    wave_number: dict[int, int],
    *,
    keep: tuple[str, ...] | None = None,
    quantiles: bool = False,
) -> list[dict[str, Any]]:
    """Rows as plain dicts: waves by number, ids renamed, NaN and numpy types made plain.

    With ``keep`` (summary rows), only those key columns, the summary numbers and ``hidden``.
    """
    renamed = frame.rename(columns=_RENAMES)
    if keep is not None:
        columns = [*keep, *NUMBERS, *(QUANTILES if quantiles else ()), "hidden"]
        renamed = renamed[columns]
    out = []
    for row in renamed.to_dict("records"):
        record = {key: _plain(value) for key, value in row.items()}
        for key in ("wave", "previous_wave"):
            if key in record and record[key] is not None:
                record[key] = int(wave_number[record[key]])
        out.append(record)
    return out


def _plain(value: Any) -> Any:
    """A JSON-ready scalar: numpy numbers to Python, NaN/inf and pandas NA to None."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _iso(value: Any) -> str:
    return pd.Timestamp(value).date().isoformat()


def _instrument(instrument_id: str) -> dict[str, Any]:
    try:
        instrument = load_instrument(instrument_id)
    except InstrumentInvalid:
        return {"id": instrument_id, "name": instrument_id, "version": None, "title": {}}
    return {
        "id": instrument_id,
        "name": instrument.name,
        "version": instrument.version,
        "title": dict(instrument.title),
    }


def _constructs(instrument_id: str, present: Iterable[str]) -> list[dict[str, Any]]:
    """The constructs with answers, in the instrument's order, with their names frozen."""
    present = list(present)
    try:
        known = {c.id: dict(c.name) for c in load_instrument(instrument_id).constructs}
    except InstrumentInvalid:
        known = {}
    order = [c for c in known if c in present] + sorted(c for c in present if c not in known)
    return [{"id": c, "name": known.get(c, {"da": c, "en": c})} for c in order]


def _phases(
    db: Database,
    project_id: str,
    area_units: list[str],
    roots: list[str],
    parent: dict[str, str | None],
    names: dict[str, str],
) -> list[dict[str, Any]]:
    per_unit = project_queries.phase_unit_involvement(db, project_id)
    out = []
    for phase in project_queries.phases(db, project_id).itertuples():
        special = per_unit[per_unit["phase_id"] == phase.id]
        levels = dict(zip(special["unit_id"], special["involvement"], strict=True))
        out.append(
            {
                "id": int(phase.id),
                "kind": phase.kind,
                "starts": _iso(phase.starts),
                "ends": _iso(phase.ends),
                "involvement": phase.involvement,
                "unit_levels": [
                    {"unit": unit, "unit_name": names[unit], "involvement": level, "root": root}
                    for unit, level, root in _collapse_levels(levels, area_units, roots, parent)
                ],
            }
        )
    return out


def _collapse_levels(
    levels: dict[str, str],
    area_units: list[str],
    roots: list[str],
    parent: dict[str, str | None],
) -> list[tuple[str, str, str]]:
    """Per-unit levels inside the area, said once for a whole subtree where they agree.

    Returns ``(unit, level, root)`` with the area root the unit lies under.

    (All five units of Ældreområde Nord co-designed: one line "Ældreområde Nord:
    medbestemmelse" instead of five.)
    """
    inside = set(area_units)
    children: dict[str, list[str]] = {u: [] for u in inside}
    for unit in sorted(inside):
        if parent[unit] in inside and unit not in roots:
            children[parent[unit]].append(unit)
    memo: dict[str, str | None] = {}

    def common(unit: str) -> str | None:
        if unit not in memo:
            if unit in levels:
                memo[unit] = levels[unit]
            else:
                below = {common(child) for child in children[unit]}
                memo[unit] = below.pop() if children[unit] and len(below) == 1 else None
        return memo[unit]

    found: list[tuple[str, str, str]] = []

    def walk(unit: str, root: str) -> None:
        level = common(unit)
        if level is not None:
            found.append((unit, level, root))
            return
        for child in children[unit]:
            walk(child, root)

    for root in roots:
        walk(root, root)
    return found


def _protected_responses(
    counts: pd.DataFrame, parent: dict[str, str | None], wave_phase: dict[int, int], k: int
) -> pd.DataFrame:
    """Responses per unit subtree and wave, protected like the scores (both trees).

    Columns ``unit_id``, ``wave_id``, ``responses`` and ``invited`` (None where hidden),
    ``rate``, ``hidden``.
    """
    columns = ["unit_id", "wave_id", "responses", "invited", "rate", "hidden"]
    answered = counts[counts["responses"] > 0]
    if answered.empty:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(
        {
            "wave_id": answered["wave_id"],
            "unit_id": answered["unit_id"],
            "construct": RESPONSES,
            "score": 0.0,
            "n": answered["responses"],
        }
    )
    protected = protect_histograms(frame, parent=parent, wave_phase=wave_phase, k=k)
    summary = summarise_waves(protected)[["unit_id", "wave_id", "n", "hidden"]]
    issued: dict[tuple[str, int], int] = {}
    for row in counts.itertuples():
        unit: str | None = row.unit_id
        while unit is not None:
            key = (unit, int(row.wave_id))
            issued[key] = issued.get(key, 0) + int(row.issued)
            unit = parent.get(unit)
    rows = []
    for row in summary.itertuples():
        invited = issued.get((row.unit_id, int(row.wave_id)), 0)
        shown = not row.hidden and invited > 0
        rows.append(
            {
                "unit_id": row.unit_id,
                "wave_id": int(row.wave_id),
                "responses": int(row.n) if shown else None,
                "invited": invited if shown else None,
                "rate": int(row.n) / invited if shown else None,
                "hidden": not shown,
            }
        )
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _heatmap(basis: _Basis, rows: list[str], number: dict[int, int]) -> dict[str, Any]:
    """The area's roots and their sub-units x constructs in the latest closed wave, with the
    change since the previous shown wave (one BH family: the cells shown)."""
    if basis.waves.empty:
        return {"wave": None, "cells": []}
    wave_id = int(basis.waves["id"].iloc[-1])
    summaries = basis.wave_summaries
    cells = summaries[(summaries["wave_id"] == wave_id) & summaries["unit_id"].isin(rows)]
    changes = compare_waves(basis.protected, units=rows, waves=[wave_id])
    cells = cells.merge(
        changes[["unit_id", "construct", "difference", "p_adjusted", "cohens_d", "significant"]],
        on=["unit_id", "construct"],
        how="left",
    )
    cells["significant"] = cells["significant"].astype("boolean").fillna(False).astype(bool)
    order = {unit: i for i, unit in enumerate(rows)}
    cells = cells.assign(_order=cells["unit_id"].map(order)).sort_values(["_order", "construct"])
    keep = ["unit_id", "construct", "n", "mean", "ci_low", "ci_high", "hidden"]
    keep += ["difference", "p_adjusted", "cohens_d", "significant"]
    return {"wave": number[wave_id], "cells": _records(cells[keep], number)}


def _significant(phase_changes: list[dict], wave_changes: list[dict]) -> list[dict[str, Any]]:
    """The significant changes, largest effect first: phase-to-phase, then wave-to-wave."""
    found = []
    for kind, rows, before, after in (
        ("phase", phase_changes, "previous_phase", "phase"),
        ("wave", wave_changes, "previous_wave", "wave"),
    ):
        for row in rows:
            if row["significant"]:
                found.append(
                    {
                        "kind": kind,
                        "unit": row["unit"],
                        "construct": row["construct"],
                        "from": row[before],
                        "to": row[after],
                        "difference": row["difference"],
                        "cohens_d": row["cohens_d"],
                        "p_adjusted": row["p_adjusted"],
                    }
                )
    found.sort(key=lambda r: (r["kind"] != "phase", -abs(r["cohens_d"] or 0.0)))
    return found[:SIGNIFICANT_LIST_LENGTH]


def _comments(db: Database, basis: _Basis, area_units: list[str], include: bool) -> dict[str, Any]:
    """Comments of the latest waves whose area group has at least ``k_comments`` respondents.

    Dated by wave only and shuffled within each wave, so their order says nothing about who
    answered when.
    """
    if not include:
        return {"included": False, "reason": "not_requested", "items": []}
    k_comments = int(basis.project["k_comments"])
    counts = response_counts(db, basis.project["id"], Scope.admin())
    counts = counts[counts["unit_id"].isin(area_units)]
    group = counts.groupby("wave_id")["responses"].sum().to_dict()
    waves = [int(w) for w in reversed(basis.waves["id"].tolist())]
    allowed = [w for w in waves if group.get(w, 0) >= k_comments][:COMMENT_WAVES]
    if not allowed:
        return {"included": False, "reason": "group_too_small", "items": []}
    number = dict(
        zip(basis.waves["id"].astype(int), basis.waves["number"].astype(int), strict=True)
    )
    found = area_comments(db, basis.project["id"], area_units, allowed)
    shuffle = secrets.SystemRandom().shuffle
    items = []
    for wave_id in allowed:
        texts = found[found["wave_id"] == wave_id]["text"].tolist()
        shuffle(texts)
        items += [{"wave": number[wave_id], "text": text} for text in texts]
    return {"included": True, "reason": "included", "items": items}
