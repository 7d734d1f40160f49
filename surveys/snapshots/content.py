"""What a MED snapshot freezes: the area's results as plain JSON-ready values, already protected.

The numbers come from the dashboards' own basis (``surveys.dashboards.basis.project_basis``):
anonymity applied once to the WHOLE organisation (so two snapshots of different areas cannot be
subtracted from each other), over the closed waves only (a live wave would let two looks a day
apart reveal one answer); each result is then narrowed to the area's units. Hidden cells keep
their place with ``hidden: true`` and every number ``None``. Names (project, units,
constructs) are copied in, so re-rendering never reads the live database again.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

from analytics import (
    ProtectedScores,
    compare_phases,
    compare_waves,
    long_run_flags,
    phase_trends,
    run_charts,
    wave_changepoints,
)
from data import org as org_queries
from data import projects as project_queries
from data.comments import comments_in_subtree
from data.db import Database
from medspil.cells import cell_float, cell_int
from medspil.errors import (
    InstrumentInvalid,
    SnapshotNoData,
    UnknownCommittee,
    UnknownProject,
    UnknownUnit,
)
from medspil.vocabulary import AreaKind
from surveys.dashboards.basis import ProjectBasis, project_basis
from surveys.dashboards.findings import finding_record, project_findings
from surveys.dashboards.involvement_effect import (
    MIN_UNITS,
    default_phase,
    involvement_effect,
    leaf_units,
)
from surveys.dashboards.shifts import distinct_alarms, project_shifts, shift_budget
from surveys.instruments.instrument import load_instrument
from surveys.snapshots.schema import (
    ChangepointRow,
    CommentItem,
    CommentsPart,
    FindingRecord,
    HeatmapCell,
    HeatmapPart,
    InstrumentPart,
    InvolvementEffectPart,
    InvolvementEffectRow,
    LongRunRow,
    PhaseChangeRow,
    PhasePart,
    PhaseScoreRow,
    ResponseRateRow,
    RunChartRow,
    ScoreRow,
    ShiftAlarm,
    ShiftsPart,
    SnapshotContent,
    TrendRow,
    WaveChangeRow,
    WavePart,
)
from surveys.together.frozen import together_content
from surveys.together.plan import project_levels

COMMENT_WAVES = 3  # comments come from the latest waves whose area group is large enough
NUMBERS = ("n", "mean", "sd", "ci_low", "ci_high", "favourable_share", "mdd")
QUANTILES = ("q10", "q25", "median", "q75", "q90")


@dataclass(frozen=True)
class Area:
    """A committee's area or a unit subtree: ``roots`` are the subtree roots it covers."""

    kind: AreaKind
    id: str
    name: str
    roots: tuple[str, ...]


def resolve_area(db: Database, kind: str, area_id: str) -> Area:
    """The area named by ``kind`` ('committee' or 'unit') and id; raise when it does not exist."""
    if kind == AreaKind.COMMITTEE:
        committees = org_queries.committees(db)
        match = committees[committees["id"] == area_id]
        if match.empty:
            raise UnknownCommittee(committee=area_id)
        roots = tuple(org_queries.committee_roots(db, area_id))
        return Area(AreaKind.COMMITTEE, area_id, str(match.iloc[0]["name"]), roots)
    if kind == AreaKind.UNIT:
        units = org_queries.units(db)
        match = units[units["id"] == area_id]
        if match.empty:
            raise UnknownUnit(unit=area_id)
        return Area(AreaKind.UNIT, area_id, str(match.iloc[0]["name"]), (area_id,))
    raise ValueError(f"unknown area kind {kind!r}; use one of {tuple(map(str, AreaKind))}")


def _basis(
    db: Database, project_id: str, area: Area, today: dt.date
) -> tuple[ProjectBasis, ProtectedScores, dict[str, Any]]:
    """The dashboards' basis of the project, its protected scores and the project row; refuse
    an area without answers."""
    project = project_queries.project(db, project_id)
    if project is None:
        raise UnknownProject(project=project_id)
    basis = project_basis(db, project_id, today=today)
    involved = {u for root in basis.project_roots for u in basis.subtree(root)}
    inside = {u for root in area.roots if root in basis.parent for u in basis.subtree(root)}
    if basis.protected is None or not involved & inside:
        raise SnapshotNoData(project=project["name"], area=area.name)
    return basis, basis.protected, project


def build_content(
    db: Database,
    *,
    project_id: str,
    area: Area,
    today: dt.date,
    include_comments: bool,
) -> SnapshotContent:
    """The frozen content of a snapshot of ``project_id`` for ``area`` as of ``today``."""
    basis, protected, project = _basis(db, project_id, area, today)
    roots = list(area.roots)
    area_units = org_queries.subtree_ids(db, roots)
    number = _wave_numbers(basis)
    heat_rows = [
        u for root in roots for u in [root, *basis.children.get(root, [])] if u in area_units
    ]
    in_area = basis.wave_summaries["unit_id"].isin(roots)
    # Frames become rows here (``_records``): the casts name the rows' schema, which the drift
    # test (tests/surveys/snapshots/test_snapshot_schema.py) holds the builder to.
    scores = cast(
        list[ScoreRow],
        _records(basis.wave_summaries[in_area], number, keep=("unit", "construct", "wave")),
    )
    phase_rows = basis.phase_summaries[basis.phase_summaries["unit_id"].isin(roots)]
    phase_scores = cast(
        list[PhaseScoreRow],
        _records(phase_rows, number, keep=("unit", "construct", "phase"), quantiles=True),
    )
    # One Benjamini-Hochberg family per root: its constructs and periods (as the dashboards).
    wave_changes: list[dict[str, Any]] = []
    phase_changes: list[dict[str, Any]] = []
    for root in roots:
        wave_changes += _records(compare_waves(protected, units=[root]), number)
        phase_changes += _records(compare_phases(protected, units=[root]), number)
    for rows in (wave_changes, phase_changes):
        for row in rows:
            del row["welch_t"], row["welch_df"]
    charts = _of_roots(run_charts(protected), roots)
    flags = _of_roots(long_run_flags(protected), roots)
    trends = _of_roots(phase_trends(protected), roots)
    content: SnapshotContent = {
        "project": {
            "id": project_id,
            "name": project["name"],
            "description": project["description"],
        },
        "area": {"kind": area.kind, "id": area.id, "name": area.name, "roots": roots},
        "instrument": _instrument(project["instrument_id"]),
        "k_min": int(project["k_min"]),
        "k_comments": int(project["k_comments"]),
        "constructs": [
            {"id": c, "name": basis.construct_names.get(c, {"da": c, "en": c})}
            for c in basis.constructs
        ],
        "units": [
            {"id": u, "name": basis.names[u], "parent": None if u in roots else basis.parent[u]}
            for u in dict.fromkeys(heat_rows)
        ],
        "phases": _phases(db, project_id, area_units, roots, basis.parent, basis.names),
        "waves": [_wave(basis, w) for w in basis.waves.itertuples()],
        "scores": scores,
        "phase_scores": phase_scores,
        "wave_changes": cast(list[WaveChangeRow], wave_changes),
        "phase_changes": cast(list[PhaseChangeRow], phase_changes),
        "runcharts": cast(list[RunChartRow], _records(charts[charts["n_useful"] > 0], number)),
        "long_runs": cast(list[LongRunRow], _records(flags[flags["in_long_run"]], number)),
        "changepoints": cast(
            list[ChangepointRow], _records(_of_roots(wave_changepoints(protected), roots), number)
        ),
        "trends": cast(list[TrendRow], _records(trends[trends["n_waves"] >= 3], number)),
        "response_rates": _response_rates(basis, roots, number),
        "heatmap": _heatmap(basis, protected, heat_rows, number),
        # What is flagged as changed comes from the shift monitor alone (older snapshots froze a
        # "significant" list of comparisons instead; the renderers read whichever they hold).
        "shifts": _shifts(basis, roots),
        "comments": _comments(basis, db, roots, include_comments),
        "findings": _findings(basis, heat_rows),
        "involvement_effect": _involvement_effect(basis, area_units),
        # SDs, CIs, quantiles and tests are of each cell's shown parts (issue 10); older
        # snapshots lack the key: theirs are of everyone in the cell.
        "spreads": "shown_parts",
    }
    # What the parties did and agreed, and what changed since the area's last snapshot.
    content["together"] = together_content(
        db,
        project_id=project_id,
        area_kind=area.kind,
        area_id=area.id,
        area_units=area_units,
        roots=roots,
        today=today,
        scores=scores,
    )
    return content


def _wave(basis: ProjectBasis, w: Any) -> WavePart:
    """A closed wave by number, marked ``imported`` (source, file, date) when it was."""
    wave: WavePart = {
        "number": cell_int(w.number),
        "opens": _iso(w.opens),
        "closes": _iso(w.closes),
        "phase": cell_int(w.phase_id),
    }
    if cell_int(w.id) in basis.imported:
        wave["imported"] = basis.imported[cell_int(w.id)]
    return wave


def _involvement_effect(basis: ProjectBasis, area_units: list[str]) -> InvolvementEffectPart:
    """Did involvement move medspil, among the area's leaf units (the Faser comparison, for
    the phase the page would open on). Built from shown cells only, like the page."""
    units = leaf_units(basis, area_units)
    phase_id = default_phase(basis, units)
    if phase_id is None:
        return {"phase": None, "reason": "no_waves", "units": {}, "left_out": len(units)}
    effect = involvement_effect(basis, units, phase_id)
    return {
        "phase": phase_id,
        "previous_phase": effect.previous_phase_id,
        "reason": effect.empty_reason,
        "min_units": MIN_UNITS,
        "units": dict(effect.units),
        "left_out": effect.left_out,
        "rows": [
            cast(InvolvementEffectRow, {str(key): _plain(value) for key, value in row.items()})
            for row in effect.comparisons.to_dict("records")
        ],
    }


def _findings(basis: ProjectBasis, units: list[str]) -> list[FindingRecord]:
    """The area's finding sentences as numbers and words' keys (rendered in either language)."""
    units = list(dict.fromkeys(units))
    alarms = distinct_alarms(basis, project_shifts(basis), units)  # an only child: one finding
    found = project_findings(basis, units, alarms, "da")
    return [cast(FindingRecord, finding_record(f)) for f in found]


def _wave_numbers(basis: ProjectBasis) -> dict[int, int]:
    """Wave id -> wave number (the content names waves by number, as people do)."""
    return dict(zip(basis.waves["id"].astype(int), basis.waves["number"].astype(int), strict=True))


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
        record = {str(key): _plain(value) for key, value in row.items()}
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


def _instrument(instrument_id: str) -> InstrumentPart:
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


def _phases(
    db: Database,
    project_id: str,
    area_units: list[str],
    roots: list[str],
    parent: dict[str, str | None],
    names: dict[str, str],
) -> list[PhasePart]:
    # The levels as they happened where recorded, else as planned (``project_levels``).
    per_unit = project_levels(db, project_id)
    out: list[PhasePart] = []
    for phase in project_queries.phases(db, project_id).itertuples():
        levels = {
            unit: level
            for (phase_id, unit), level in per_unit.items()
            if phase_id == phase.id and level != phase.involvement
        }
        out.append(
            {
                "id": cell_int(phase.id),
                "kind": str(phase.kind),  # NOT NULL columns
                "starts": _iso(phase.starts),
                "ends": _iso(phase.ends),
                "involvement": str(phase.involvement),
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
        up = parent[unit]
        if up is not None and up in inside and unit not in roots:
            children[up].append(unit)
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


def _response_rates(
    basis: ProjectBasis, roots: list[str], number: dict[int, int]
) -> list[ResponseRateRow]:
    """Responses, invitations and the rate per wave for each root, where the count is shown."""
    rows = basis.responses[basis.responses["unit_id"].isin(roots)]
    out: list[ResponseRateRow] = []
    for row in rows.itertuples():
        invited = cell_int(row.issued)
        shown = not bool(row.hidden) and invited > 0 and row.responses is not None
        out.append(
            {
                "unit": str(row.unit_id),
                "wave": number[cell_int(row.wave_id)],
                "responses": cell_int(row.responses) if shown else None,
                "invited": invited if shown else None,
                "rate": cell_int(row.responses) / invited if shown else None,
                "hidden": not shown,
            }
        )
    return out


def _heatmap(
    basis: ProjectBasis, protected: ProtectedScores, rows: list[str], number: dict[int, int]
) -> HeatmapPart:
    """The area's roots and their sub-units x constructs in the latest closed wave, with the
    change since the previous shown wave (one BH family: the cells shown)."""
    if basis.waves.empty:
        return {"wave": None, "cells": []}
    wave_id = int(basis.waves["id"].iloc[-1])
    summaries = basis.wave_summaries
    cells = summaries[(summaries["wave_id"] == wave_id) & summaries["unit_id"].isin(rows)]
    changes = compare_waves(protected, units=rows, waves=[wave_id])
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
    return {
        "wave": number[wave_id],
        "cells": cast(list[HeatmapCell], _records(cells[keep], number)),
    }


def _shifts(basis: ProjectBasis, roots: list[str]) -> ShiftsPart:
    """The monitor's alarms for the area's roots, latest first, and the budget they meet."""
    found = distinct_alarms(basis, project_shifts(basis), roots)
    found = found.sort_values("wave_number", ascending=False, kind="stable")
    budget = shift_budget(basis)
    phase_of = dict(zip(basis.waves["number"], basis.waves["phase_id"], strict=True))
    alarms: list[ShiftAlarm] = [
        {
            "unit": str(row.unit_id),
            "construct": str(row.construct),
            "wave": cell_int(row.wave_number),
            "start": cell_int(row.start_wave_number),
            "phase": int(phase_of[row.start_wave_number]),
            "direction": cell_int(row.direction),
            "size": cell_float(row.size),
            "level_before": cell_float(row.level_before),
            "level_after": cell_float(row.level_after),
        }
        for row in found.itertuples()
    ]
    return {
        "per_unit_year": budget.per_unit_year,
        "per_construct_year": budget.per_construct_year,
        "waves_per_year": budget.waves_per_year,
        "alarms": alarms,
    }


def _comments(basis: ProjectBasis, db: Database, roots: list[str], include: bool) -> CommentsPart:
    """Comments of the latest waves in which the area's group may be read (the dashboards'
    rule: at least ``k_comments`` respondents and no smaller group by subtraction).

    Dated by wave only and in random order (the database shuffles them), so their order says
    nothing about who answered when.
    """
    if not include:
        return {"included": False, "reason": "not_requested", "items": []}
    pairs = set(zip(basis.comment_groups["unit_id"], basis.comment_groups["wave_id"], strict=True))
    waves = [int(w) for w in reversed(basis.waves["id"].tolist())]
    allowed = [w for w in waves if all((root, w) in pairs for root in roots)][:COMMENT_WAVES]
    if not allowed:
        return {"included": False, "reason": "group_too_small", "items": []}
    number = _wave_numbers(basis)
    items: list[CommentItem] = []
    for wave_id in allowed:
        for root in roots:
            found = comments_in_subtree(db, basis.project_id, root, [wave_id])
            items += [{"wave": number[wave_id], "text": text} for text in found["text"]]
    return {"included": True, "reason": "included", "items": items}
