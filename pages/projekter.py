"""Projekter: create and edit a project: its units, modules, thresholds and phase timeline."""

import datetime as dt

import streamlit as st

from medspil.errors import MedspilError
from pages.common.auth import admin_access
from pages.common.dashboard import invalidate_results
from pages.common.frame import page_setup
from pages.common.project_form import project_form
from surveys.administration.organisation import open_unit_choices
from surveys.administration.projects import (
    first_wave_opened,
    module_choices,
    new_project_plan,
    project_choices,
    project_plan,
    project_summary,
    save_project,
)

NEW = ""
DONE_KEY = "projects_done"
CHOICE_KEY = "project_choice"
NEXT_CHOICE_KEY = "project_choice_next"

ctx = page_setup("admin_projects.title")
editable = admin_access(ctx.scope, ctx.lang)
today = dt.date.today()

st.dataframe(project_summary(ctx.db, today=today, lang=ctx.lang), hide_index=True, width="stretch")
if not editable:
    st.stop()

if DONE_KEY in st.session_state:
    st.success(st.session_state.pop(DONE_KEY))
st.subheader(ctx.tr("admin_projects.edit_heading"))
projects = project_choices(ctx.db)
if NEXT_CHOICE_KEY in st.session_state:  # after saving a new project, go on editing it
    st.session_state[CHOICE_KEY] = st.session_state.pop(NEXT_CHOICE_KEY)
chosen = st.selectbox(
    ctx.tr("admin_projects.choose"),
    [NEW, *projects],
    format_func=lambda p: ctx.tr("admin_projects.new") if p == NEW else projects[p],
    key=CHOICE_KEY,
    placeholder=ctx.tr("ui.choose_option"),
)
new = chosen == NEW
plan = new_project_plan(today) if new else project_plan(ctx.db, chosen)
k_locked = not new and first_wave_opened(ctx.db, chosen, today)
with st.form(f"project_form_{chosen or 'new'}"):
    edited = project_form(
        plan,
        new=new,
        k_locked=k_locked,
        units=open_unit_choices(ctx.db),
        modules=module_choices(ctx.lang),
        lang=ctx.lang,
        today=today,
    )
    save = st.form_submit_button(ctx.tr("admin_projects.save"), type="primary")
if save:
    try:
        save_project(ctx.db, edited, new=new, scope=ctx.scope, today=today)
    except MedspilError as e:
        st.error(e.message(ctx.lang))
    else:
        invalidate_results()
        st.session_state[DONE_KEY] = ctx.md("admin_projects.saved", name=edited.name.strip())
        st.session_state[NEXT_CHOICE_KEY] = edited.project_id
        st.rerun()
st.caption(ctx.tr("admin_projects.next_step"))
