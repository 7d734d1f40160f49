"""One period across units (the heatmap) and phase against phase for one unit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import compare_phases, compare_waves
from analytics.selection import select_scores
from data.db import Database
from medspil.i18n import t
from medspil.scope import Scope
from surveys.dashboards.basis import ProjectBasis, involvement_of, per_basis, unit_choices
from surveys.dashboards.view_basis import COMPARISON_COLUMNS, _basis, _none_for_nan


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
        summaries = _period_summaries(basis, "wave_id", wave_id)
        comparisons = compare_waves(selected, waves=[wave_id])
    else:
        kind = basis.phases.loc[basis.phases["id"] == phase_id, "kind"].iloc[0]
        period_label = t(f"phase.{kind}", lang)
        summaries = _period_summaries(basis, "phase_id", phase_id)
        comparisons = compare_phases(selected, phases=[phase_id])
    cells = summaries[summaries["unit_id"].isin(rows)]
    # Rows in the picker's order, constructs in the instrument's; at most a few hundred cells,
    # so plain Python orders and matches them faster than a pandas sort and merge.
    unit_order = {u: i for i, u in enumerate(rows)}
    construct_order = {c: i for i, c in enumerate(basis.constructs)}
    keys = list(zip(cells["unit_id"].tolist(), cells["construct"].tolist(), strict=True))
    order = sorted(
        range(len(keys)),
        key=lambda i: (
            unit_order[keys[i][0]],
            construct_order.get(keys[i][1], len(construct_order)),
        ),
    )
    cells = cells.iloc[order].reset_index(drop=True)
    keys = [keys[i] for i in order]
    compared = {
        key: i
        for i, key in enumerate(
            zip(comparisons["unit_id"].tolist(), comparisons["construct"].tolist(), strict=True)
        )
    }
    found = [compared.get(key) for key in keys]
    frame: dict[str, object] = {
        "unit_id": cells["unit_id"],
        "unit_label": [basis.names[u] for u, _ in keys],
        "construct": cells["construct"],
        "construct_label": [basis.construct_label(c, lang) for _, c in keys],
        **{column: cells[column] for column in ("n", "mean", "ci_low", "ci_high", "hidden")},
    }
    for column in COMPARISON_COLUMNS:
        values = comparisons[column].to_numpy()
        missing = False if column == "significant" else None
        taken = [missing if i is None else values[i] for i in found]
        frame[column] = taken if column == "significant" else np.array(taken, dtype=object)
    cells = _none_for_nan(pd.DataFrame(frame, columns=columns))
    empty = None if not cells.empty else "no_waves"
    return HeatmapView(parent_id, period_label, cells, drill, len(comparisons), empty)


def _period_summaries(basis: ProjectBasis, column: str, period: int) -> pd.DataFrame:
    """The basis's summaries of one wave or phase (every unit), taken out once per basis."""
    summaries = basis.wave_summaries if column == "wave_id" else basis.phase_summaries
    return per_basis(
        basis, ("period_summaries", column, period), lambda: summaries[summaries[column] == period]
    )


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
    # One construct order on every page: the instrument's (core first), not the picker's.
    construct_order = {c: i for i, c in enumerate(basis.constructs)}
    summaries = basis.phase_summaries
    boxes = summaries[(summaries["unit_id"] == unit_id) & summaries["construct"].isin(constructs)]
    boxes = boxes.assign(
        phase_label=boxes["phase_id"].map(phase_label),
        construct_label=[basis.construct_label(c, lang) for c in boxes["construct"]],
        _p=boxes["phase_id"].map(order),
        _c=boxes["construct"].map(construct_order),
    ).sort_values(["_c", "_p"])
    comparisons = compare_phases(select_scores(basis.protected, units=[unit_id]))
    family = len(comparisons)
    comparisons = comparisons[comparisons["construct"].isin(constructs)]
    comparisons = comparisons.assign(
        construct_label=[basis.construct_label(c, lang) for c in comparisons["construct"]],
        previous_phase_label=comparisons["previous_phase_id"].map(phase_label),
        phase_label=comparisons["phase_id"].map(phase_label),
        _c=comparisons["construct"].map(construct_order),
        _p=comparisons["phase_id"].map(order),
    )
    comparisons = comparisons.sort_values(["_c", "_p"], kind="stable").drop(columns=["_c", "_p"])
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
    empty_reason = "hidden" if boxes.empty or boxes["hidden"].all() else None
    return PhaseView(
        unit_id=unit_id,
        unit_label=label,
        boxes=_none_for_nan(boxes.drop(columns=["_p", "_c"]).reset_index(drop=True)),
        comparisons=_none_for_nan(comparisons.reset_index(drop=True)),
        involvement=_none_for_nan(involvement.drop(columns=["_p"]).reset_index(drop=True)),
        family_size=family,
        empty_reason=empty_reason,
    )
