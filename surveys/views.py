"""One function per question a dashboard page asks; each takes the scope and enforces it.

Every function returns a frozen view whose frames are tidy and already protected: a hidden
group's numbers are ``None`` and ``hidden`` is True. The same frames feed the live pages and can
be frozen into a MED snapshot; ``analytics.charts`` draws them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from analytics import compare_phases, compare_waves, long_run_flags, run_charts, wave_changepoints
from analytics.selection import select_scores
from data.db import Database
from medspil.i18n import t
from medspil.scope import Scope
from surveys.dashboard import (
    ProjectBasis,
    involvement_of,
    project_basis,
    require_project,
    require_unit,
    unit_choices,
)

MIN_RUNCHART_POINTS = 10  # Anhøj: below 10 useful points a run chart says "for få målinger"
COMPARISON_COLUMNS = ["difference", "p_adjusted", "cohens_d", "cliffs_delta", "significant"]


@dataclass(frozen=True)
class TrendView:
    """Scores per construct and wave for one unit, with changes and change points.

    ``table``: ``construct``, ``construct_label``, ``wave_id``, ``wave_number``, ``wave_label``,
    ``opens``, ``phase_id``, ``phase_label``, ``n``, ``mean``, ``ci_low``, ``ci_high``,
    ``hidden``, ``difference``, ``p_adjusted``, ``cohens_d``, ``cliffs_delta``, ``significant``,
    ``change_point``. ``phases``: bands for the chart. ``family_size``: how many wave-to-wave
    comparisons the Benjamini-Hochberg adjustment covered (every construct of the unit in the
    period). ``empty_reason``: None, ``"no_waves"`` or ``"hidden"``.
    """

    unit_id: str
    unit_label: str
    table: pd.DataFrame
    phases: pd.DataFrame
    changepoints: pd.DataFrame
    family_size: int
    empty_reason: str | None


@dataclass(frozen=True)
class RunChartView:
    """One construct's run chart for one unit: series, Anhøj result, and whether it may be read."""

    construct: str
    construct_label: str
    series: pd.DataFrame
    median: float | None
    n_useful: int
    longest_run: int | None
    longest_run_max: int | None
    n_crossings: int | None
    n_crossings_min: int | None
    long_run_signal: bool
    few_crossings_signal: bool
    baseline_end: dt.date | None
    too_few: bool


@dataclass(frozen=True)
class HeatmapView:
    """Units x constructs for the latest wave or one phase, with changes against the previous.

    ``cells``: ``unit_id``, ``unit_label``, ``construct``, ``construct_label``, ``n``, ``mean``,
    ``ci_low``, ``ci_high``, ``hidden``, ``difference``, ``p_adjusted``, ``cohens_d``,
    ``significant``. ``drill``: the rows that have sub-units to drill into.
    """

    parent_id: str
    period_label: str
    cells: pd.DataFrame
    drill: list[str]
    family_size: int
    empty_reason: str | None


@dataclass(frozen=True)
class PhaseView:
    """Phase against phase for one unit: distributions, comparisons, involvement and medspil.

    ``boxes``: per construct and phase ``n``, ``mean``, ``ci_low``, ``ci_high``, ``q10``,
    ``q25``, ``median``, ``q75``, ``q90``, ``hidden`` and labels. ``comparisons``: each phase
    against the previous shown phase, BH-adjusted over ``family_size`` comparisons.
    ``involvement``: per phase the unit's involvement level next to its medspil score.
    """

    unit_id: str
    unit_label: str
    boxes: pd.DataFrame
    comparisons: pd.DataFrame
    involvement: pd.DataFrame
    family_size: int
    empty_reason: str | None


def _basis(db: Database, scope: Scope, project_id: str, unit_id: str, today: dt.date):
    require_project(db, scope, project_id)
    basis = project_basis(db, project_id, today=today)
    require_unit(basis, scope, unit_id)
    return basis


def _wave_frame(basis: ProjectBasis, lang: str) -> pd.DataFrame:
    waves = basis.waves
    phase_kind = dict(zip(basis.phases["id"], basis.phases["kind"], strict=True))
    return pd.DataFrame(
        {
            "wave_id": waves["id"].astype(int),
            "wave_number": waves["number"].astype(int),
            "wave_label": [basis.wave_label(int(w), lang) for w in waves["id"]],
            "opens": pd.to_datetime(waves["opens"]).dt.date,
            "phase_label": [t(f"phase.{phase_kind[p]}", lang) for p in waves["phase_id"]],
        }
    )


def trend_table(
    db: Database,
    scope: Scope,
    project_id: str,
    unit_id: str,
    constructs: list[str],
    *,
    lang: str,
    today: dt.date,
    first_wave: int | None = None,
    last_wave: int | None = None,
) -> TrendView:
    """Score per wave of ``constructs`` for ``unit_id``'s subtree within waves first..last."""
    basis = _basis(db, scope, project_id, unit_id, today)
    label = basis.names[unit_id]
    waves = _wave_frame(basis, lang)
    waves = waves[waves["wave_number"].between(first_wave or 0, last_wave or 10**9)]
    constructs = [c for c in constructs if c in basis.constructs]
    if basis.protected is None or waves.empty or not constructs:
        bands = _phase_bands(basis, unit_id, waves, lang)
        points = pd.DataFrame(columns=["construct", "construct_label", "opens", "wave_number"])
        return TrendView(unit_id, label, _empty_trend(), bands, points, 0, "no_waves")
    wave_ids = waves["wave_id"].tolist()
    summaries = basis.wave_summaries
    table = summaries[
        (summaries["unit_id"] == unit_id)
        & summaries["construct"].isin(constructs)
        & summaries["wave_id"].isin(wave_ids)
    ].drop(columns=["unit_id"])
    table = table.merge(waves, on="wave_id")
    comparisons = compare_waves(select_scores(basis.protected, units=[unit_id]), waves=wave_ids)
    table = table.merge(
        comparisons[["construct", "wave_id", *COMPARISON_COLUMNS]],
        on=["construct", "wave_id"],
        how="left",
    )
    table["significant"] = table["significant"].astype("boolean").fillna(False).astype(bool)
    points = wave_changepoints(
        select_scores(basis.protected, units=[unit_id], waves=wave_ids)
    ).merge(waves[["wave_id", "opens", "wave_number"]], on="wave_id")
    points = points[points["construct"].isin(constructs)]
    points["construct_label"] = [basis.construct_label(c, lang) for c in points["construct"]]
    keyed = set(zip(points["construct"], points["wave_id"], strict=True))
    table["change_point"] = [
        (c, w) in keyed for c, w in zip(table["construct"], table["wave_id"], strict=True)
    ]
    table["construct_label"] = [basis.construct_label(c, lang) for c in table["construct"]]
    order = {c: i for i, c in enumerate(constructs)}
    table = table.sort_values(
        ["construct", "wave_number"], key=lambda s: s.map(order) if s.name == "construct" else s
    ).reset_index(drop=True)
    table = _none_for_nan(table)
    empty = "hidden" if table.empty or table["hidden"].all() else None
    return TrendView(
        unit_id=unit_id,
        unit_label=label,
        table=table,
        phases=_phase_bands(basis, unit_id, waves, lang),
        changepoints=points[["construct", "construct_label", "opens", "wave_number"]],
        family_size=len(comparisons),
        empty_reason=empty,
    )


def runchart_table(
    db: Database,
    scope: Scope,
    project_id: str,
    unit_id: str,
    constructs: list[str],
    *,
    lang: str,
    today: dt.date,
    baseline_phase: int | None = None,
    first_wave: int | None = None,
    last_wave: int | None = None,
) -> list[RunChartView]:
    """Anhøj run charts of ``unit_id``'s wave means, one per construct, optionally frozen.

    ``baseline_phase`` freezes the median on the waves up to the end of that phase (ignored when
    the period holds none of its waves).
    """
    basis = _basis(db, scope, project_id, unit_id, today)
    waves = _wave_frame(basis, lang)
    waves = waves[waves["wave_number"].between(first_wave or 0, last_wave or 10**9)]
    constructs = [c for c in constructs if c in basis.constructs]
    if basis.protected is None or waves.empty:
        return []
    wave_ids = waves["wave_id"].tolist()
    selected = select_scores(basis.protected, units=[unit_id], waves=wave_ids)
    in_period = {selected.phases[i] for i in selected.wave_phase}
    baseline = baseline_phase if baseline_phase in in_period else None
    results = run_charts(selected, baseline_phase=baseline).set_index("construct")
    flags = long_run_flags(selected, baseline_phase=baseline)
    summaries = basis.wave_summaries
    views = []
    for construct in constructs:
        series = summaries[
            (summaries["unit_id"] == unit_id)
            & (summaries["construct"] == construct)
            & summaries["wave_id"].isin(wave_ids)
        ].merge(waves, on="wave_id")
        series = series.merge(
            flags[flags["construct"] == construct][["wave_id", "in_long_run"]], on="wave_id"
        ).sort_values("wave_number")
        result = results.loc[construct]
        baseline_end = None
        if baseline is not None:
            last = waves[waves["wave_id"].isin(_phase_waves(basis, baseline))]["opens"].max()
            baseline_end = last
        views.append(
            RunChartView(
                construct=construct,
                construct_label=basis.construct_label(construct, lang),
                series=_none_for_nan(series.reset_index(drop=True)),
                median=_opt(result["median"]),
                n_useful=int(result["n_useful"]),
                longest_run=_opt_int(result["longest_run"]),
                longest_run_max=_opt_int(result["longest_run_max"]),
                n_crossings=_opt_int(result["n_crossings"]),
                n_crossings_min=_opt_int(result["n_crossings_min"]),
                long_run_signal=bool(result["long_run_signal"]),
                few_crossings_signal=bool(result["few_crossings_signal"]),
                baseline_end=baseline_end,
                too_few=int(result["n_useful"]) < MIN_RUNCHART_POINTS,
            )
        )
    return views


def heatmap_table(
    db: Database,
    scope: Scope,
    project_id: str,
    parent_id: str,
    *,
    lang: str,
    today: dt.date,
    phase_id: int | None = None,
) -> HeatmapView:
    """``parent_id`` and its sub-units x constructs, for the latest wave or for ``phase_id``."""
    basis = _basis(db, scope, project_id, parent_id, today)
    choices = {u for u, _ in unit_choices(basis, scope)}
    rows = [parent_id] + [u for u in basis.children.get(parent_id, []) if u in choices]
    drill = [u for u in rows[1:] if any(c in choices for c in basis.children.get(u, []))]
    columns = [
        *("unit_id", "unit_label", "construct", "construct_label"),
        *("n", "mean", "ci_low", "ci_high", "hidden", *COMPARISON_COLUMNS),
    ]
    if basis.protected is None or basis.waves.empty:
        return HeatmapView(parent_id, "", pd.DataFrame(columns=columns), drill, 0, "no_waves")
    selected = select_scores(basis.protected, units=rows)
    if phase_id is None:
        wave_id = int(basis.waves["id"].iloc[-1])
        period_label = basis.wave_label(wave_id, lang)
        summaries = basis.wave_summaries[basis.wave_summaries["wave_id"] == wave_id]
        comparisons = compare_waves(selected, waves=[wave_id])
    else:
        kind = basis.phases.loc[basis.phases["id"] == phase_id, "kind"].iloc[0]
        period_label = t(f"phase.{kind}", lang)
        summaries = basis.phase_summaries[basis.phase_summaries["phase_id"] == phase_id]
        comparisons = compare_phases(selected, phases=[phase_id])
    cells = summaries[summaries["unit_id"].isin(rows)]
    cells = cells.merge(
        comparisons[["unit_id", "construct", *COMPARISON_COLUMNS]],
        on=["unit_id", "construct"],
        how="left",
    )
    cells["significant"] = cells["significant"].astype("boolean").fillna(False).astype(bool)
    cells["unit_label"] = [basis.names[u] for u in cells["unit_id"]]
    cells["construct_label"] = [basis.construct_label(c, lang) for c in cells["construct"]]
    unit_order = {u: i for i, u in enumerate(rows)}
    construct_order = {c: i for i, c in enumerate(basis.constructs)}
    cells = cells.assign(
        _u=cells["unit_id"].map(unit_order), _c=cells["construct"].map(construct_order)
    ).sort_values(["_u", "_c"])
    cells = _none_for_nan(cells[columns].reset_index(drop=True))
    empty = None if not cells.empty else "no_waves"
    return HeatmapView(parent_id, period_label, cells, drill, len(comparisons), empty)


def phase_table(
    db: Database,
    scope: Scope,
    project_id: str,
    unit_id: str,
    constructs: list[str],
    *,
    lang: str,
    today: dt.date,
) -> PhaseView:
    """Each phase against the previous one for ``unit_id``, with the involvement per phase."""
    basis = _basis(db, scope, project_id, unit_id, today)
    label = basis.names[unit_id]
    constructs = [c for c in constructs if c in basis.constructs]
    if basis.protected is None or not constructs:
        empty = pd.DataFrame()
        return PhaseView(unit_id, label, empty, empty, empty, 0, "no_waves")
    phase_label = {
        int(p): t(f"phase.{k}", lang)
        for p, k in zip(basis.phases["id"], basis.phases["kind"], strict=True)
    }
    order = {int(p): i for i, p in enumerate(basis.phases["id"])}
    summaries = basis.phase_summaries
    boxes = summaries[(summaries["unit_id"] == unit_id) & summaries["construct"].isin(constructs)]
    boxes = boxes.assign(
        phase_label=boxes["phase_id"].map(phase_label),
        construct_label=[basis.construct_label(c, lang) for c in boxes["construct"]],
        _p=boxes["phase_id"].map(order),
        _c=boxes["construct"].map({c: i for i, c in enumerate(constructs)}),
    ).sort_values(["_c", "_p"])
    comparisons = compare_phases(select_scores(basis.protected, units=[unit_id]))
    family = len(comparisons)
    comparisons = comparisons[comparisons["construct"].isin(constructs)]
    comparisons = comparisons.assign(
        construct_label=[basis.construct_label(c, lang) for c in comparisons["construct"]],
        previous_phase_label=comparisons["previous_phase_id"].map(phase_label),
        phase_label=comparisons["phase_id"].map(phase_label),
    )
    medspil = summaries[(summaries["unit_id"] == unit_id) & (summaries["construct"] == "medspil")]
    levels = [involvement_of(basis, unit_id, int(p)) for p in medspil["phase_id"]]
    involvement = medspil.assign(
        phase_label=medspil["phase_id"].map(phase_label),
        involvement=pd.Series(levels, index=medspil.index, dtype=object),
        involvement_label=[
            t(f"involvement.{level}", lang) if level else t("dash.mixed", lang) for level in levels
        ],
        _p=medspil["phase_id"].map(order),
    ).sort_values("_p")
    empty = "hidden" if boxes.empty or boxes["hidden"].all() else None
    return PhaseView(
        unit_id=unit_id,
        unit_label=label,
        boxes=_none_for_nan(boxes.drop(columns=["_p", "_c"]).reset_index(drop=True)),
        comparisons=_none_for_nan(comparisons.reset_index(drop=True)),
        involvement=_none_for_nan(involvement.drop(columns=["_p"]).reset_index(drop=True)),
        family_size=family,
        empty_reason=empty,
    )


# --- helpers -------------------------------------------------------------------------------


def _phase_waves(basis: ProjectBasis, phase_id: int) -> list[int]:
    return basis.waves.loc[basis.waves["phase_id"] == phase_id, "id"].astype(int).tolist()


def _phase_bands(basis: ProjectBasis, unit_id: str, waves: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The phases that the shown waves fall in, with the unit's involvement level in each."""
    rows = []
    shown = set(basis.waves.loc[basis.waves["id"].isin(waves["wave_id"]), "phase_id"])
    for phase in basis.phases.itertuples():
        if phase.id not in shown:
            continue
        level = involvement_of(basis, unit_id, int(phase.id))
        rows.append(
            {
                "phase_id": int(phase.id),
                "phase_label": t(f"phase.{phase.kind}", lang),
                "involvement": level,
                "involvement_label": t(f"involvement.{level}", lang)
                if level
                else t("dash.mixed", lang),
                "starts": pd.Timestamp(phase.starts).date(),
                "ends": pd.Timestamp(phase.ends).date(),
            }
        )
    columns = ["phase_id", "phase_label", "involvement", "involvement_label", "starts", "ends"]
    return pd.DataFrame(rows, columns=columns)


def _empty_trend() -> pd.DataFrame:
    columns = [
        *("construct", "construct_label", "wave_id", "wave_number", "wave_label", "opens"),
        *("phase_id", "phase_label", "n", "mean", "ci_low", "ci_high", "hidden"),
        *COMPARISON_COLUMNS,
        "change_point",
    ]
    return pd.DataFrame(columns=columns)


def _none_for_nan(frame: pd.DataFrame) -> pd.DataFrame:
    """Numeric columns as objects with ``None`` for NaN, so nothing undefined reaches the UI."""
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype.kind == "f" or frame[column].dtype == object:
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def _opt(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _opt_int(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)
