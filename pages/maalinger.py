"""Målinger: a project's waves with phase, state and response counts; plan new ones by cadence."""

import datetime as dt

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from medspil.errors import MedspilError
from medspil.formatting import date_text
from pages.common.auth import admin_access
from pages.common.dashboard import invalidate_results
from pages.common.frame import page_setup
from surveys.administration.projects import project_choices
from surveys.administration.waves import (
    closable_waves,
    close_wave_early,
    create_waves,
    deletable_from,
    delete_waves_from,
    plan_waves,
    planned_table,
    wave_table,
)

PLAN_KEY = "waves_plan"
DONE_KEY = "waves_done"

ctx = page_setup("admin_waves.title")
editable = admin_access(ctx.scope, ctx.lang)
today = dt.date.today()

projects = project_choices(ctx.db)
if not projects:
    st.info(ctx.tr("admin_waves.no_projects"))
    st.stop()
project_id = st.selectbox(
    ctx.tr("admin_waves.project"),
    list(projects),
    format_func=projects.__getitem__,
    key="waves_project",
    placeholder=ctx.tr("ui.choose_option"),
)
if DONE_KEY in st.session_state:
    st.success(st.session_state.pop(DONE_KEY))
st.dataframe(wave_table(ctx.db, project_id, today=today, lang=ctx.lang), hide_index=True)
st.caption(ctx.tr("admin_waves.table_note"))
try:
    st.page_link("pages/svarkoder.py", label=ctx.tr("admin_waves.codes_link"), icon="🔑")
except StreamlitPageNotFoundError:  # the page was opened on its own URL, without app.py's menu
    st.markdown(f"🔑 [{ctx.tr('admin_waves.codes_link')}](svarkoder)")
if not editable:
    st.stop()

st.subheader(ctx.tr("admin_waves.plan_heading"))
with st.form("waves_plan_form"):
    left, right = st.columns(2)
    first = left.date_input(ctx.tr("admin_waves.first"), value=today, format="DD.MM.YYYY")
    last = right.date_input(
        ctx.tr("admin_waves.last"), value=today + dt.timedelta(days=84), format="DD.MM.YYYY"
    )
    every = left.number_input(ctx.tr("admin_waves.every"), min_value=1, max_value=365, value=14)
    open_days = right.number_input(ctx.tr("admin_waves.open"), min_value=1, max_value=365, value=7)
    show = st.form_submit_button(ctx.tr("admin_waves.preview"))
cadence = {
    "first_opens": first,
    "last_opens": last,
    "every_days": int(every),
    "open_days": int(open_days),
}
if show:
    st.session_state[PLAN_KEY] = (project_id, cadence)
stored = st.session_state.get(PLAN_KEY)
if stored is not None and stored[0] == project_id:
    try:
        planned = plan_waves(ctx.db, project_id, today=today, **stored[1])
    except MedspilError as e:
        st.error(e.message(ctx.lang))
    else:
        st.dataframe(planned_table(planned, ctx.lang), hide_index=True)
        if st.button(ctx.tr("admin_waves.create", count=len(planned)), type="primary"):
            try:
                create_waves(ctx.db, project_id, today=today, scope=ctx.scope, **stored[1])
            except MedspilError as e:
                st.error(e.message(ctx.lang))
            else:
                del st.session_state[PLAN_KEY]
                st.session_state[DONE_KEY] = ctx.tr("admin_waves.created", count=len(planned))
                st.rerun()

choices = deletable_from(ctx.db, project_id, today=today, lang=ctx.lang)
if choices:
    with st.expander(ctx.tr("admin_waves.delete_heading")):
        number = st.selectbox(
            ctx.tr("admin_waves.delete_from"),
            list(choices),
            format_func=choices.__getitem__,
            placeholder=ctx.tr("ui.choose_option"),
        )
        if st.button(ctx.tr("admin_waves.delete")):
            try:
                count = delete_waves_from(ctx.db, project_id, number, today=today, scope=ctx.scope)
            except MedspilError as e:
                st.error(e.message(ctx.lang))
            else:
                st.session_state[DONE_KEY] = ctx.tr("admin_waves.deleted", count=count)
                st.rerun()

open_now = closable_waves(ctx.db, project_id, today=today, lang=ctx.lang)
if open_now:
    with st.expander(ctx.tr("admin_waves.close_heading")):
        st.caption(ctx.tr("admin_waves.close_explain"))
        number = st.selectbox(
            ctx.tr("admin_waves.close_which"),
            list(open_now),
            format_func=open_now.__getitem__,
            key="waves_close_number",
            placeholder=ctx.tr("ui.choose_option"),
        )
        sure = st.checkbox(ctx.tr("admin_waves.close_confirm", number=number), key="waves_close_ok")
        if st.button(ctx.tr("admin_waves.close_button"), disabled=not sure, key="waves_close"):
            try:
                last = close_wave_early(ctx.db, project_id, number, today=today, scope=ctx.scope)
            except MedspilError as e:
                st.error(e.message(ctx.lang))
            else:
                invalidate_results()  # the closed wave's numbers now belong on the dashboards
                del st.session_state["waves_close_ok"]
                done = ctx.tr("admin_waves.closed", number=number, last_day=date_text(last))
                st.session_state[DONE_KEY] = done
                st.rerun()
