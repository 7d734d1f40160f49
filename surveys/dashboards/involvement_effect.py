"""Did involvement move medspil? The units of a view grouped by their involvement level in one
phase and compared per construct, within the phase and in the change from the phase before.

The analysis units are the project's leaf units (where answers are recorded) inside the area
asked about: the picked unit within the viewer's scope on Faser, the committee's area in a MED
snapshot. A unit's score in a phase is pooled from its wave cells that the dashboards SHOW
(never a hidden cell), so everything this view says can already be computed from numbers the
viewer sees: it cannot reveal a group below k. A unit without any shown wave in the phase does
not take part. The level per unit and phase comes from ``involvement_of``, so the level as it
actually happened replaces the planned one wherever it is recorded.

The statistics (units as the unit of analysis, Welch's t) are ``analytics.compare_involvement``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from analytics import compare_involvement
from analytics.involvement_effect import MIN_UNITS
from data.db import Database
from medspil.cells import cell_float, cell_optional_float
from medspil.formatting import DASH, number, p_value
from medspil.i18n import t
from medspil.scope import Scope
from medspil.vocabulary import Involvement
from surveys.dashboards.basis import ProjectBasis, involvement_of, scope_units
from surveys.dashboards.view_basis import _basis, _none_for_nan

LEVELS = tuple(str(level) for level in Involvement)  # least to most involvement


@dataclass(frozen=True)
class InvolvementEffect:
    """The comparison for one phase over some units (not yet in words).

    ``comparisons``: :func:`analytics.compare_involvement`'s rows. ``units``: the analysis units
    per level, least involvement first. ``left_out``: leaf units without a shown number in the
    phase. ``empty_reason``: ``"no_waves"`` (no shown numbers in the phase), ``"one_unit"`` or
    ``"one_level"`` (nothing to compare), else None.
    """

    phase_id: int
    previous_phase_id: int | None
    units: dict[str, int]
    left_out: int
    comparisons: pd.DataFrame
    empty_reason: str | None


def leaf_units(basis: ProjectBasis, within: Iterable[str]) -> list[str]:
    """The project's leaf units (where answers are recorded) among ``within``, in tree order."""
    allowed = set(within)
    return [
        u
        for root in basis.project_roots
        for u in basis.subtree(root)
        if u in allowed and not basis.children.get(u)
    ]


def unit_phase_scores(basis: ProjectBasis, units: list[str], phase_id: int) -> pd.DataFrame:
    """Per unit and construct the answer-weighted mean of the unit's SHOWN waves in the phase.

    Columns ``unit_id``, ``construct``, ``n`` (answers in the shown waves), ``mean``. A unit
    whose every wave in the phase is hidden has no row.
    """
    waves = basis.wave_summaries
    if waves.empty:
        return pd.DataFrame(columns=["unit_id", "construct", "n", "mean"])
    shown = waves[(waves["phase_id"] == phase_id) & waves["unit_id"].isin(units) & ~waves["hidden"]]
    shown = shown[shown["n"].notna()]
    n = shown["n"].astype(float)
    weighted = shown.assign(n=n, total=n * shown["mean"].astype(float))
    pooled = weighted.groupby(["unit_id", "construct"], sort=False)[["n", "total"]].sum()
    pooled = pooled.reset_index()
    pooled = pooled[pooled["n"] > 0]
    return pd.DataFrame(
        {
            "unit_id": pooled["unit_id"],
            "construct": pooled["construct"],
            "n": pooled["n"].astype(int),
            "mean": pooled["total"] / pooled["n"],
        }
    ).reset_index(drop=True)


def previous_phase(basis: ProjectBasis, phase_id: int) -> int | None:
    """The phase before ``phase_id`` in the project's order, None for the first."""
    ids = [int(p) for p in basis.phases["id"]]
    at = ids.index(int(phase_id))
    return ids[at - 1] if at > 0 else None


def involvement_effect(basis: ProjectBasis, units: list[str], phase_id: int) -> InvolvementEffect:
    """Units of ``units`` grouped by their involvement in the phase, compared per construct."""
    before = previous_phase(basis, phase_id)
    current = unit_phase_scores(basis, units, phase_id)
    taking_part = list(dict.fromkeys(current["unit_id"]))
    level = {u: involvement_of(basis, u, phase_id) or "" for u in taking_part}
    counts = {lvl: sum(1 for u in taking_part if level[u] == lvl) for lvl in LEVELS}
    counts = {lvl: n for lvl, n in counts.items() if n}
    empty = pd.DataFrame()
    reason = None
    if not taking_part:
        reason = "no_waves"
    elif len(taking_part) == 1:
        reason = "one_unit"
    elif len(counts) == 1:
        reason = "one_level"
    left_out = len(units) - len(taking_part)
    if reason is not None:
        return InvolvementEffect(phase_id, before, counts, left_out, empty, reason)
    scores = current.assign(level=current["unit_id"].map(level))
    if before is None:
        scores["previous_mean"] = None
    else:
        earlier = unit_phase_scores(basis, taking_part, before)
        earlier = earlier.rename(columns={"mean": "previous_mean"})[
            ["unit_id", "construct", "previous_mean"]
        ]
        scores = scores.merge(earlier, on=["unit_id", "construct"], how="left")
    order = {c: i for i, c in enumerate(basis.constructs)}
    scores = scores.assign(_c=scores["construct"].map(order)).sort_values(["_c"], kind="stable")
    found = compare_involvement(scores, levels=LEVELS, min_units=MIN_UNITS)
    return InvolvementEffect(phase_id, before, counts, left_out, found, None)


def default_phase(basis: ProjectBasis, units: list[str]) -> int | None:
    """The latest phase with shown numbers in which the units had different levels; else the
    latest phase with shown numbers (None when there is none)."""
    with_numbers = []
    for phase_id in (int(p) for p in basis.phases["id"]):
        taking_part = set(unit_phase_scores(basis, units, phase_id)["unit_id"])
        if taking_part:
            levels = {involvement_of(basis, u, phase_id) for u in taking_part}
            with_numbers.append((phase_id, len(levels) > 1))
    mixed = [p for p, differ in with_numbers if differ]
    if mixed:
        return mixed[-1]
    return with_numbers[-1][0] if with_numbers else None


# --- the Faser page ------------------------------------------------------------------------


@dataclass(frozen=True)
class InvolvementEffectView:
    """The comparison for the page, with labels in one language (``rows``: the comparisons
    plus ``construct_label``, ``level_low_label``, ``level_high_label``)."""

    unit_id: str
    unit_label: str
    phase_id: int | None
    phase_label: str
    previous_phase_label: str | None
    units: dict[str, int]
    left_out: int
    rows: pd.DataFrame
    empty_reason: str | None
    min_units: int = MIN_UNITS

    @property
    def family_size(self) -> int:
        """How many p-values the Benjamini-Hochberg adjustment covered."""
        if self.rows.empty:
            return 0
        return int(self.rows["p_value"].notna().sum() + self.rows["change_p_value"].notna().sum())


def scoped_units(basis: ProjectBasis, scope: Scope, unit_id: str) -> list[str]:
    """The analysis units of a view of ``unit_id``: its project leaves inside the scope."""
    inside = set(basis.subtree(unit_id)) & scope_units(basis, scope)
    return leaf_units(basis, inside)


def effect_default_phase(
    db: Database, scope: Scope, project_id: str, unit_id: str, *, today: dt.date
) -> int | None:
    """The phase the page opens on (see :func:`default_phase`), for the scope's units."""
    basis = _basis(db, scope, project_id, unit_id, today)
    return default_phase(basis, scoped_units(basis, scope, unit_id))


def involvement_effect_table(
    db: Database,
    scope: Scope,
    project_id: str,
    unit_id: str,
    phase_id: int | None,
    *,
    lang: str,
    today: dt.date,
) -> InvolvementEffectView:
    """Did involvement move the scores in ``phase_id``, among the scope's units under
    ``unit_id``? Computed on those units only; a unit outside the scope never takes part."""
    basis = _basis(db, scope, project_id, unit_id, today)
    return effect_view(basis, unit_id, scoped_units(basis, scope, unit_id), phase_id, lang)


def effect_view(
    basis: ProjectBasis, unit_id: str, units: list[str], phase_id: int | None, lang: str
) -> InvolvementEffectView:
    """:func:`involvement_effect` over ``units`` with the labels of ``lang`` (no scope check:
    the caller has chosen units the viewer may see)."""
    label = basis.names[unit_id]
    phases = {int(p) for p in basis.phases["id"]}
    if phase_id is None or int(phase_id) not in phases or basis.protected is None:
        return InvolvementEffectView(
            unit_id, label, None, "", None, {}, len(units), pd.DataFrame(), "no_waves"
        )
    phase_id = int(phase_id)
    effect = involvement_effect(basis, units, phase_id)
    kinds = dict(zip(basis.phases["id"].astype(int), basis.phases["kind"], strict=True))
    before = effect.previous_phase_id
    rows = effect.comparisons
    if not rows.empty:
        rows = rows.assign(
            construct_label=[basis.construct_label(c, lang) for c in rows["construct"]],
            level_low_label=[t(f"involvement.{lvl}", lang) for lvl in rows["level_low"]],
            level_high_label=[t(f"involvement.{lvl}", lang) for lvl in rows["level_high"]],
        )
    return InvolvementEffectView(
        unit_id=unit_id,
        unit_label=label,
        phase_id=phase_id,
        phase_label=t(f"phase.{kinds[phase_id]}", lang),
        previous_phase_label=None if before is None else t(f"phase.{kinds[before]}", lang),
        units=effect.units,
        left_out=effect.left_out,
        rows=_none_for_nan(rows.reset_index(drop=True)),
        empty_reason=effect.empty_reason,
    )


def effect_rows(view: InvolvementEffectView, lang: str) -> pd.DataFrame:
    """The table under the section: one row per construct and pair of levels."""
    few = t("effect.few_units", lang, k=MIN_UNITS)
    out = []
    for r in view.rows.itertuples():
        before = DASH
        if view.previous_phase_label is None:
            before = t("effect.no_previous", lang)
        elif r.change_enough_units:
            before = t(
                "effect.change_cell",
                lang,
                low=_signed(cell_optional_float(r.change_low), lang),
                high=_signed(cell_optional_float(r.change_high), lang),
                diff=_interval(
                    cell_optional_float(r.change_difference),
                    cell_optional_float(r.change_ci_low),
                    cell_optional_float(r.change_ci_high),
                    lang,
                ),
            )
        else:
            before = few
        out.append(
            {
                t("effect.col_construct", lang): r.construct_label,
                t("effect.col_levels", lang): t(
                    "effect.levels_cell", lang, high=r.level_high_label, low=r.level_low_label
                ),
                t("effect.col_units", lang): t(
                    "effect.units_cell", lang, high=r.units_high, low=r.units_low
                ),
                t("effect.col_means", lang): (
                    t(
                        "effect.means_cell",
                        lang,
                        high=_number(cell_optional_float(r.mean_high), lang),
                        low=_number(cell_optional_float(r.mean_low), lang),
                    )
                    if r.enough_units
                    else few
                ),
                t("effect.col_difference", lang): (
                    _interval(
                        cell_optional_float(r.difference),
                        cell_optional_float(r.ci_low),
                        cell_optional_float(r.ci_high),
                        lang,
                    )
                    if r.enough_units
                    else few
                ),
                t(
                    "effect.col_change", lang, phase=(view.previous_phase_label or DASH).lower()
                ): before,
                t("effect.col_p", lang): p_value(r.p_adjusted, lang)
                if r.p_adjusted is not None
                else DASH,
            }
        )
    return pd.DataFrame(out)


def effect_notes(view: InvolvementEffectView, lang: str) -> list[str]:
    """What the section says above its table, as plain text (a page escapes it for Markdown):
    why there is nothing to compare, or who takes part and the medspil sentences."""
    if view.empty_reason is not None:
        level = next(iter(view.units), None)
        return [
            t(
                f"effect.empty_{view.empty_reason}",
                lang,
                k=view.min_units,
                n=sum(view.units.values()),
                phase=view.phase_label.lower(),
                level=t(f"involvement.{level}", lang).lower() if level else DASH,
            )
        ]
    parts = [
        t("effect.units_part", lang, n=n, level=t(f"involvement.{lvl}", lang).lower())
        for lvl, n in reversed(view.units.items())
    ]
    notes = [t("effect.units_line", lang, parts=", ".join(parts))]
    if view.left_out:
        notes.append(t("effect.left_out", lang, n=view.left_out))
    return notes + effect_sentences(view, lang)


def effect_sentences(view: InvolvementEffectView, lang: str) -> list[str]:
    """One plain sentence per medspil comparison with enough units (the question asked; the
    other constructs are in the table)."""
    rows = [
        r
        for r in view.rows.itertuples()
        if r.construct == "medspil" and r.enough_units and r.difference is not None
    ]
    out = []
    for r in rows:
        difference = cell_float(r.difference)
        key = "effect.sentence_higher" if difference >= 0 else "effect.sentence_lower"
        out.append(
            t(
                key,
                lang,
                construct=str(r.construct_label).lower(),
                phase=view.phase_label.lower(),
                points=number(abs(difference), 1, lang),
                high=str(r.level_high_label).lower(),
                low=str(r.level_low_label).lower(),
                units_high=r.units_high,
                units_low=r.units_low,
                ci_low=_number(cell_optional_float(r.ci_low), lang),
                ci_high=_number(cell_optional_float(r.ci_high), lang),
            )
        )
        if view.previous_phase_label is not None and r.change_enough_units:
            out.append(
                t(
                    "effect.sentence_change",
                    lang,
                    construct=str(r.construct_label).lower(),
                    before=view.previous_phase_label.lower(),
                    phase=view.phase_label.lower(),
                    high=str(r.level_high_label).lower(),
                    low=str(r.level_low_label).lower(),
                    change_high=_signed(cell_optional_float(r.change_high), lang),
                    change_low=_signed(cell_optional_float(r.change_low), lang),
                    diff=_interval(
                        cell_optional_float(r.change_difference),
                        cell_optional_float(r.change_ci_low),
                        cell_optional_float(r.change_ci_high),
                        lang,
                    ),
                )
            )
    return out


def _signed(value: float | None, lang: str) -> str:
    """+3,5 or −3,5 (a true minus sign, as the other tables write it)."""
    if value is None:
        return DASH
    return ("+" if value > 0 else "") + _number(value, lang)


def _number(value: float | None, lang: str) -> str:
    return number(value, 1, lang).replace("-", "\u2212")


def _interval(value: float | None, low: float | None, high: float | None, lang: str) -> str:
    if value is None:
        return DASH
    if low is None or high is None:
        return _signed(value, lang)
    return t(
        "effect.interval",
        lang,
        value=_signed(value, lang),
        low=_number(low, lang),
        high=_number(high, lang),
    )
