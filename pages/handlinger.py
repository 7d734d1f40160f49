"""Aftalte handlinger: what was agreed to do, open first and the overdue marked; the administrator,
a leder for own units and a MED secretary for the committee's area record and close them.

An address may fill in the form
(``?project=…&source=finding|snapshot|med_log&ref=…&units=…&what=…``), so Overblik's finding
cards, the MED log and a snapshot can link "Aftal en handling".
"""

import datetime as dt

import streamlit as st

from medspil.errors import MedspilError
from medspil.vocabulary import ActionSource
from pages.common.frame import page_setup
from pages.common.together import done, pick_project, show_done
from surveys.together import actions
from surveys.together.views import (
    STATUS_CHOICES,
    action_label,
    action_prefill,
    action_unit_choices,
    actions_in_order,
    actions_table,
    changeable_actions,
)

FORM_PARAMS = ("source", "ref", "units", "what")
FORM_KEYS = ("act_units", "act_what", "act_responsible", "act_source", "act_ref", "act_due")
PREFILLED = "act_prefilled"  # the address whose values the form took in last


def fill_from_address(units: dict[str, str]) -> None:
    """Take the address's values into the form once per new address; name the units the
    writer may not choose."""
    asked = {p: st.query_params[p] for p in FORM_PARAMS if p in st.query_params}
    if not asked or asked == st.session_state.get(PREFILLED):
        return
    st.session_state[PREFILLED] = asked
    prefill = action_prefill(asked, units)
    if prefill.left_out:
        st.warning(ctx.md("actions.units_left_out", units=", ".join(prefill.left_out)))
    st.session_state["act_units"] = list(prefill.units)
    st.session_state["act_what"] = prefill.what
    st.session_state["act_source"] = prefill.source or str(ActionSource.OTHER)
    st.session_state["act_ref"] = prefill.ref


def write(call, message: str, *, clear: tuple[str, ...] = ()) -> None:
    try:
        call()
    except MedspilError as e:
        st.error(e.message(ctx.lang))
        return
    for key in clear:
        st.session_state.pop(key, None)
    for param in FORM_PARAMS:
        if param in st.query_params:
            del st.query_params[param]
    done(message)


ctx = page_setup("page.handlinger")
today = dt.date.today()
show_done()
project_id = pick_project(ctx)
if project_id is None:
    st.stop()
found = actions_in_order(actions.visible_actions(ctx.db, ctx.scope, project_id), today)
if found:
    opened = [a for a in found if a.is_open]
    overdue = [a for a in opened if a.overdue(today)]
    st.caption(ctx.tr("actions.count", open=len(opened), overdue=len(overdue), all=len(found)))
    st.dataframe(actions_table(found, today, ctx.lang), hide_index=True, width="stretch")
else:
    st.info(ctx.tr("actions.empty"))

units = action_unit_choices(ctx.db, ctx.scope, project_id)
if not units:
    st.stop()
st.divider()
st.subheader(ctx.tr("actions.form_new"))
fill_from_address(units)
sources = {str(s): ctx.tr(f"action_source.{s}") for s in ActionSource}
with st.form("act_new"):
    chosen = st.multiselect(
        ctx.tr("actions.col_units"),
        list(units),
        format_func=units.__getitem__,
        placeholder=ctx.tr("ui.choose_options"),
        key="act_units",
    )
    what = st.text_area(ctx.tr("actions.col_what"), key="act_what")
    responsible = st.text_input(ctx.tr("actions.responsible_field"), key="act_responsible")
    left, right = st.columns(2)
    agreed_on = left.date_input(ctx.tr("actions.col_agreed"), value=today, key="act_agreed")
    due = right.date_input(ctx.tr("actions.col_due"), value=None, key="act_due")
    source = left.selectbox(
        ctx.tr("actions.col_source"),
        list(sources),
        format_func=sources.__getitem__,
        key="act_source",
        placeholder=ctx.tr("ui.choose_option"),
    )
    ref = right.text_input(ctx.tr("actions.ref_field"), key="act_ref")
    if st.form_submit_button(ctx.tr("actions.save_new"), type="primary"):
        given = actions.ActionInput(
            project_id=project_id,
            unit_ids=tuple(chosen),
            what=what,
            responsible=responsible,
            agreed_on=agreed_on,
            due=due,
            source=source,
            source_ref=ref,
        )
        write(
            lambda: actions.add_action(ctx.db, ctx.scope, given, today=today),
            ctx.tr("actions.saved"),
            clear=(*FORM_KEYS, PREFILLED),
        )

changeable = {a.id: a for a in changeable_actions(ctx.db, ctx.scope, found)}
if not changeable:
    st.stop()
st.subheader(ctx.tr("actions.form_status"))
statuses = {str(s): ctx.tr(f"action_status.{s}") for s in STATUS_CHOICES}
with st.form("act_status"):
    action_id = st.selectbox(
        ctx.tr("actions.choose_action"),
        list(changeable),
        format_func=lambda i: action_label(changeable[i], ctx.lang),
        key="act_status_action",
        placeholder=ctx.tr("ui.choose_option"),
    )
    status = st.selectbox(
        ctx.tr("actions.col_status"),
        list(statuses),
        format_func=statuses.__getitem__,
        key="act_status",
        placeholder=ctx.tr("ui.choose_option"),
    )
    outcome = st.text_area(ctx.tr("actions.col_outcome"), key="act_outcome")
    if st.form_submit_button(ctx.tr("actions.save_status"), type="primary"):
        write(
            lambda: actions.set_status(
                ctx.db, ctx.scope, action_id, status, outcome=outcome, today=today
            ),
            ctx.tr("actions.saved_status", id=action_id),
            clear=("act_outcome",),
        )
