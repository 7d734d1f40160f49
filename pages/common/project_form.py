"""The widgets of the project form (Projekter page): settings, then one row per phase kind."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from medspil.i18n import t
from medspil.vocabulary import Involvement, PhaseKind
from surveys.administration.projects import PhasePlan, ProjectPlan

# A named list: written inline in the call, mypy infers the options from the selectbox overload
# for empty options (Sequence[Never]) and types the chosen level as None.
LEVELS = list(Involvement)


def project_form(
    plan: ProjectPlan,
    *,
    new: bool,
    k_locked: bool,
    units: dict[str, str],
    modules: dict[str, str],
    lang: str,
    today: dt.date,
) -> ProjectPlan:
    """Draw the form's widgets (inside an ``st.form``) and return the plan they describe."""
    key = f"project_{plan.project_id or 'new'}"
    project_id = (
        st.text_input(
            t("admin_projects.id", lang), help=t("admin_projects.id_help", lang), key=f"{key}_id"
        )
        if new
        else plan.project_id
    )
    name = st.text_input(t("admin_projects.name", lang), value=plan.name, key=f"{key}_name")
    description = st.text_area(
        t("admin_projects.description", lang), value=plan.description, key=f"{key}_description"
    )
    unit_ids = st.multiselect(
        t("admin_projects.units", lang),
        list(units),
        default=[u for u in plan.unit_ids if u in units],
        format_func=units.__getitem__,
        help=t("admin_projects.units_help", lang),
        key=f"{key}_units",
        placeholder=t("ui.choose_options", lang),
    )
    chosen_modules = st.multiselect(
        t("admin_projects.modules", lang),
        list(modules),
        default=list(plan.modules),
        format_func=modules.__getitem__,
        help=t("admin_projects.modules_help", lang),
        key=f"{key}_modules",
        placeholder=t("ui.choose_options", lang),
    )
    left, middle, right = st.columns(3)
    involvement = left.selectbox(
        t("admin_projects.involvement", lang),
        LEVELS,
        index=LEVELS.index(Involvement(plan.involvement)),
        format_func=lambda lv: t(f"involvement.{lv}", lang),
        key=f"{key}_involvement",
        placeholder=t("ui.choose_option", lang),
    )
    help_k = t("admin_projects.k_locked" if k_locked else "admin_projects.k_help", lang)
    k_min = middle.number_input(
        t("admin_projects.k_min", lang), value=plan.k_min, step=1, help=help_k, key=f"{key}_k"
    )
    k_comments = right.number_input(
        t("admin_projects.k_comments", lang),
        value=plan.k_comments,
        step=1,
        help=help_k,
        key=f"{key}_kc",
    )
    st.markdown(f"**{t('admin_projects.phases', lang)}**")
    st.caption(t("admin_projects.phases_help", lang))
    phases = [
        _phase_row(kind, plan, units=units, key=key, lang=lang, today=today) for kind in PhaseKind
    ]
    return ProjectPlan(
        project_id=project_id.strip(),
        name=name,
        description=description,
        unit_ids=tuple(unit_ids),
        modules=tuple(chosen_modules),
        involvement=involvement,
        k_min=int(k_min),
        k_comments=int(k_comments),
        phases=tuple(p for p in phases if p is not None),
    )


def _phase_row(
    kind: str, plan: ProjectPlan, *, units: dict[str, str], key: str, lang: str, today: dt.date
) -> PhasePlan | None:
    stored = next((p for p in plan.phases if p.kind == kind), None)
    key = f"{key}_{kind}"
    on, starts, ends, level = st.columns([2, 2, 2, 2])
    included = on.checkbox(t(f"phase.{kind}", lang), value=stored is not None, key=f"{key}_on")
    first = starts.date_input(
        t("admin_projects.starts", lang),
        value=stored.starts if stored else today,
        format="DD.MM.YYYY",
        key=f"{key}_starts",
    )
    last = ends.date_input(
        t("admin_projects.ends", lang),
        value=stored.ends if stored else today,
        format="DD.MM.YYYY",
        key=f"{key}_ends",
    )
    involvement = level.selectbox(
        t("admin_projects.phase_involvement", lang),
        LEVELS,
        index=LEVELS.index(Involvement(stored.involvement) if stored else Involvement.INFORMATION),
        format_func=lambda lv: t(f"involvement.{lv}", lang),
        key=f"{key}_level",
        placeholder=t("ui.choose_option", lang),
    )
    with st.expander(t("admin_projects.phase_more", lang, phase=t(f"phase.{kind}", lang))):
        gap_reason = st.text_input(
            t("admin_projects.gap_reason", lang),
            value=stored.gap_reason if stored else "",
            help=t("admin_projects.gap_help", lang),
            key=f"{key}_gap",
        )
        special = stored.unit_involvement if stored else {}
        unit_levels: dict[str, str] = {}
        for option in Involvement:
            chosen = st.multiselect(
                t("admin_projects.units_with_level", lang, level=t(f"involvement.{option}", lang)),
                list(units),
                default=[u for u, lv in special.items() if lv == option and u in units],
                format_func=units.__getitem__,
                key=f"{key}_units_{option}",
                placeholder=t("ui.choose_options", lang),
            )
            unit_levels.update({unit: option for unit in chosen})
    if not included:
        return None
    return PhasePlan(
        kind=kind,
        starts=first,
        ends=last,
        involvement=involvement,
        unit_involvement=unit_levels,
        gap_reason=gap_reason,
    )
