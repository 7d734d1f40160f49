"""Inddragelsesplan: per phase and unit the involvement planned and as it happened, the roles in
the project and what is fixed and open in each phase; an administrator records how it went."""

import datetime as dt

import streamlit as st

from medspil.errors import MedspilError
from medspil.text import markdown_text
from medspil.vocabulary import Involvement, ProjectRoleKind, Role
from pages.common.dashboard import invalidate_results
from pages.common.frame import page_setup
from pages.common.together import done, pick_project, show_done
from surveys.together import plan
from surveys.together.views import organisation_unit_choices, phase_choices, project_unit_choices

REMOVE = ""


def write(call, message_key: str, *, levels: bool = False) -> None:
    """Run one write of the plan; a problem is shown plainly and nothing is stored."""
    try:
        call()
    except MedspilError as e:
        st.error(e.message(ctx.lang))
        return
    if levels:  # every dashboard draws the level as it happened
        invalidate_results()
    done(ctx.tr(message_key))


ctx = page_setup("page.inddragelse")
today = dt.date.today()
show_done()
project_id = pick_project(ctx)
if project_id is None:
    st.stop()
rows = plan.plan_rows(ctx.db, ctx.scope, project_id, today)
st.subheader(ctx.tr("plan.heading_levels"))
st.caption(ctx.tr("plan.levels_intro"))
differing = [row for row in rows if row.differs]
if differing:
    st.warning(ctx.tr("plan.differs_count", n=len(differing)), icon=":material/compare_arrows:")
st.dataframe(plan.plan_table(rows, ctx.lang), hide_index=True, width="stretch")
st.subheader(ctx.tr("plan.heading_roles"))
roles = plan.roles(ctx.db, ctx.scope, project_id)
if roles:
    st.dataframe(plan.roles_table(roles, ctx.lang), hide_index=True, width="stretch")
else:
    st.caption(ctx.tr("plan.no_roles"))
st.subheader(ctx.tr("plan.heading_framing"))
framings = plan.framings(ctx.db, project_id)
for framing in framings:
    st.markdown(f"**{ctx.tr(f'phase.{framing.phase_kind}')}**")
    fixed = markdown_text(framing.fixed) or ctx.tr("plan.not_written")
    open_ = markdown_text(framing.open_for_change) or ctx.tr("plan.not_written")
    st.markdown(f"{ctx.tr('plan.fixed')}: {fixed}  \n{ctx.tr('plan.open')}: {open_}")
if ctx.scope.role != Role.ADMIN:
    st.stop()

phases = phase_choices(ctx.db, project_id, ctx.lang)
units = project_unit_choices(ctx.db, project_id)
levels = {REMOVE: ctx.tr("plan.remove_level")} | {
    str(level): ctx.tr(f"involvement.{level}") for level in Involvement
}
st.divider()
with st.form("plan_actual"):
    st.markdown(f"**{ctx.tr('plan.form_actual')}**")
    phase = st.selectbox(
        ctx.tr("plan.col_phase"),
        list(phases),
        format_func=phases.__getitem__,
        key="plan_phase",
        placeholder=ctx.tr("ui.choose_option"),
    )
    unit = st.selectbox(
        ctx.tr("plan.col_unit"),
        list(units),
        format_func=units.__getitem__,
        key="plan_unit",
        placeholder=ctx.tr("ui.choose_option"),
    )
    level = st.selectbox(
        ctx.tr("plan.col_actual"),
        list(levels),
        format_func=levels.__getitem__,
        index=1,
        key="plan_level",
        placeholder=ctx.tr("ui.choose_option"),
    )
    note = st.text_input(ctx.tr("plan.col_note"), key="plan_note")
    if st.form_submit_button(ctx.tr("plan.save_actual"), type="primary"):
        arguments = dict(project_id=project_id, phase_kind=phase, unit_id=unit, note=note)
        write(
            lambda: plan.record_actual(
                ctx.db, ctx.scope, **arguments, level=level or None, today=today
            ),
            "plan.saved_actual",
            levels=True,
        )
with st.form("plan_role"):
    st.markdown(f"**{ctx.tr('plan.form_role')}**")
    kinds = {str(k): ctx.tr(f"project_role.{k}") for k in ProjectRoleKind}
    kind = st.selectbox(
        ctx.tr("plan.col_role"),
        list(kinds),
        format_func=kinds.__getitem__,
        key="plan_role_kind",
        placeholder=ctx.tr("ui.choose_option"),
    )
    all_units = organisation_unit_choices(ctx.db)
    from_unit = st.selectbox(
        ctx.tr("plan.col_from"),
        list(all_units),
        format_func=all_units.__getitem__,
        key="plan_role_unit",
        placeholder=ctx.tr("ui.choose_option"),
    )
    role_phases = st.multiselect(
        ctx.tr("plan.col_phases"),
        list(phases),
        format_func=phases.__getitem__,
        placeholder=ctx.tr("ui.choose_options"),
        key="plan_role_phases",
    )
    people = st.number_input(
        ctx.tr("plan.col_people"), min_value=1, value=1, step=1, key="plan_role_people"
    )
    role_note = st.text_input(ctx.tr("plan.col_note"), key="plan_role_note")
    if st.form_submit_button(ctx.tr("plan.add_role")):
        write(
            lambda: plan.add_role(
                ctx.db,
                ctx.scope,
                project_id=project_id,
                kind=kind,
                unit_id=from_unit,
                phase_kinds=role_phases,
                people=int(people),
                note=role_note,
            ),
            "plan.saved_role",
        )
if roles:
    with st.form("plan_role_remove"):
        named = {r.id: f"{ctx.tr(f'project_role.{r.kind}')}, {r.unit_name}" for r in roles}
        gone = st.selectbox(
            ctx.tr("plan.form_remove_role"),
            list(named),
            format_func=named.__getitem__,
            key="plan_gone",
            placeholder=ctx.tr("ui.choose_option"),
        )
        if st.form_submit_button(ctx.tr("plan.remove_role")):
            write(
                lambda: plan.remove_role(ctx.db, ctx.scope, project_id=project_id, role_id=gone),
                "plan.removed_role",
            )
framing_phase = st.selectbox(
    ctx.tr("plan.form_framing"),
    list(phases),
    format_func=phases.__getitem__,
    key="plan_framing_phase",
    placeholder=ctx.tr("ui.choose_option"),
)
current = next(f for f in framings if f.phase_kind == framing_phase)
with st.form(f"plan_framing_{framing_phase}"):
    fixed_text = st.text_area(
        ctx.tr("plan.fixed"), value=current.fixed, key=f"plan_fixed_{framing_phase}"
    )
    open_text = st.text_area(
        ctx.tr("plan.open"), value=current.open_for_change, key=f"plan_open_{framing_phase}"
    )
    if st.form_submit_button(ctx.tr("plan.save_framing")):
        write(
            lambda: plan.save_framing(
                ctx.db,
                ctx.scope,
                project_id=project_id,
                phase_kind=framing_phase,
                fixed=fixed_text,
                open_for_change=open_text,
            ),
            "plan.saved_framing",
        )
