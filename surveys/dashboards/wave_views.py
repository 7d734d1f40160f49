"""Scores wave by wave for one unit: the trend with its changes, and the Anhøj run charts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from analytics import compare_waves, long_run_flags, run_charts, wave_changepoints
from analytics.selection import select_scores
from data.db import Database
from medspil.cells import cell_int, cell_timestamp
from medspil.i18n import t
from medspil.scope import Scope
from surveys.dashboards.basis import ProjectBasis, involvement_of, unit_choices
from surveys.dashboards.involvement import unit_level_label
from surveys.dashboards.shifts import project_shifts, same_series
from surveys.dashboards.view_basis import (
    COMPARISON_COLUMNS,
    _basis,
    _none_for_nan,
    _opt,
    _opt_int,
    _phase_waves,
    _wave_frame,
)

MIN_RUNCHART_POINTS = 10  # Anhøj: below 10 useful points a run chart says "for få målinger"


@dataclass(frozen=True)
class TrendView:
    """Scores per construct and wave for one unit, with changes and change points.

    ``table``: ``construct``, ``construct_label``, ``wave_id``, ``wave_number``, ``wave_label``,
    ``opens``, ``phase_id``, ``phase_label``, ``n``, ``mean``, ``ci_low``, ``ci_high``,
    ``hidden``, ``difference``, ``p_adjusted``, ``cohens_d``, ``cliffs_delta``, ``significant``,
    ``change_point``, ``shift`` (+1/-1 where the shift monitor raised an alarm, else 0),
    ``shift_size``, ``shift_start_label``. ``phases``: bands for the chart. ``family_size``:
    how many wave-to-wave comparisons the Benjamini-Hochberg adjustment covered (every
    construct of the unit in the period). ``empty_reason``: None, ``"no_waves"`` or ``"hidden"``.
    """

    unit_id: str
    unit_label: str
    table: pd.DataFrame
    phases: pd.DataFrame
    changepoints: pd.DataFrame
    family_size: int
    empty_reason: str | None
    # The name of a unit in view with exactly this unit's answers (its parent or only child):
    # one group under two names, with the same flags; Overblik shows its changes once.
    same_as: str | None = None


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
    table = _with_shifts(table, basis, unit_id, lang)
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
        same_as=_same_group(basis, scope, unit_id),
    )


def _same_group(basis: ProjectBasis, scope: Scope, unit_id: str) -> str | None:
    """The name of the scope's unit with the same series as ``unit_id`` (see same_series)."""
    same = same_series(basis)
    linked = {p for (u, _), p in same.items() if u == unit_id}
    linked |= {u for (u, _), p in same.items() if p == unit_id}
    linked &= {u for u, _ in unit_choices(basis, scope)}
    return basis.names[sorted(linked)[0]] if linked else None


def _with_shifts(table: pd.DataFrame, basis: ProjectBasis, unit_id: str, lang: str) -> pd.DataFrame:
    """The monitor's alarms on the unit's whole series (not the period shown: it is online)."""
    shifts = project_shifts(basis)
    shifts = shifts[shifts["unit_id"] == unit_id]
    alarms = pd.DataFrame(
        {
            "construct": shifts["construct"],
            "wave_id": shifts["wave_id"],
            "shift": shifts["direction"],
            "shift_size": shifts["size"],
            "shift_start_label": [basis.wave_label(w, lang) for w in shifts["start_wave_id"]],
        }
    )
    table = table.merge(alarms, on=["construct", "wave_id"], how="left")
    table["shift"] = table["shift"].fillna(0).astype(int)
    return table


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
                n_useful=cell_int(result["n_useful"]),
                longest_run=_opt_int(result["longest_run"]),
                longest_run_max=_opt_int(result["longest_run_max"]),
                n_crossings=_opt_int(result["n_crossings"]),
                n_crossings_min=_opt_int(result["n_crossings_min"]),
                long_run_signal=bool(result["long_run_signal"]),
                few_crossings_signal=bool(result["few_crossings_signal"]),
                baseline_end=baseline_end,
                too_few=cell_int(result["n_useful"]) < MIN_RUNCHART_POINTS,
            )
        )
    return views


def _phase_bands(basis: ProjectBasis, unit_id: str, waves: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The phases that the shown waves fall in, with the unit's involvement level in each."""
    rows = []
    shown = set(basis.waves.loc[basis.waves["id"].isin(waves["wave_id"]), "phase_id"])
    for phase in basis.phases.itertuples():
        if phase.id not in shown:
            continue
        level = involvement_of(basis, unit_id, cell_int(phase.id))
        rows.append(
            {
                "phase_id": cell_int(phase.id),
                "phase_label": t(f"phase.{phase.kind}", lang),
                "involvement": level,
                "involvement_label": unit_level_label(
                    basis, unit_id, cell_int(phase.id), lang, separator="<br>"
                ),
                "starts": cell_timestamp(phase.starts).date(),
                "ends": cell_timestamp(phase.ends).date(),
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
        "shift",
        "shift_size",
        "shift_start_label",
    ]
    return pd.DataFrame(columns=columns)
