"""MED-udvalg: the committees and the unit subtrees each covers; create and edit them."""

import streamlit as st

from medspil.errors import MedspilError
from pages.common.auth import admin_access
from pages.common.frame import page_setup
from surveys.administration.committees import (
    LEVELS,
    committee_choices,
    committee_detail,
    committee_table,
    save_committee,
)
from surveys.administration.organisation import open_unit_choices

NEW = ""
FORM_GENERATION_KEY = "committee_form_generation"
DONE_KEY = "committees_done"

ctx = page_setup("admin_committees.title")
editable = admin_access(ctx.scope, ctx.lang)

st.dataframe(committee_table(ctx.db, ctx.lang), hide_index=True, width="stretch")
st.caption(ctx.tr("admin_committees.scope_note"))
if not editable:
    st.stop()

if DONE_KEY in st.session_state:
    st.success(st.session_state.pop(DONE_KEY))
st.subheader(ctx.tr("admin_committees.edit_heading"))
committees = committee_choices(ctx.db)
chosen = st.selectbox(
    ctx.tr("admin_committees.choose"),
    [NEW, *committees],
    format_func=lambda c: ctx.tr("admin_committees.new") if c == NEW else committees[c],
    key="committee_choice",
    placeholder=ctx.tr("ui.choose_option"),
)
name, level, roots = ("", "lokal", []) if chosen == NEW else committee_detail(ctx.db, chosen)
units = open_unit_choices(ctx.db)
# A new form (fresh, empty fields) after every save: the fields of the one just saved would
# otherwise stay filled in, and saving them again would be refused as a duplicate.
with st.form(f"committee_form_{chosen}_{st.session_state.get(FORM_GENERATION_KEY, 0)}"):
    committee_id = (
        st.text_input(ctx.tr("admin_committees.id"), help=ctx.tr("admin_committees.id_help"))
        if chosen == NEW
        else chosen
    )
    name = st.text_input(ctx.tr("admin_committees.name"), value=name)
    level = st.selectbox(
        ctx.tr("admin_committees.level"),
        LEVELS,
        index=LEVELS.index(level),
        format_func=lambda lv: ctx.tr(f"admin_committees.level_{lv}"),
        placeholder=ctx.tr("ui.choose_option"),
    )
    roots = st.multiselect(
        ctx.tr("admin_committees.roots"),
        list(units),
        default=[r for r in roots if r in units],
        format_func=units.__getitem__,
        help=ctx.tr("admin_committees.roots_help"),
        placeholder=ctx.tr("ui.choose_options"),
    )
    save = st.form_submit_button(ctx.tr("admin_committees.save"), type="primary")
if save:
    try:
        save_committee(
            ctx.db,
            committee_id=committee_id,
            name=name,
            level=level,
            roots=roots,
            new=chosen == NEW,
            scope=ctx.scope,
        )
    except MedspilError as e:
        st.error(e.message(ctx.lang))
    else:
        st.session_state[DONE_KEY] = ctx.md("admin_committees.saved", name=name.strip())
        st.session_state[FORM_GENERATION_KEY] = st.session_state.get(FORM_GENERATION_KEY, 0) + 1
        st.rerun()
