"""Kommentarer: comments of groups of at least k_comments, shuffled, dated by wave only."""

import streamlit as st

from pages.common import dashboard as dash
from pages.common.frame import page_setup

PAGE_SIZE = 40
MORE_KEY = "dash_comments_shown"


def more() -> None:
    st.session_state[MORE_KEY] = st.session_state.get(MORE_KEY, PAGE_SIZE) + PAGE_SIZE


ctx = page_setup("dash_page.comments")
project = dash.pick_project(ctx)
unit = dash.pick_unit(ctx, project) if project else None
if project is None or unit is None:
    st.stop()
phases = dash.phase_labels(ctx, project)
phase = st.selectbox(
    ctx.tr("dash.phase_filter"),
    [None, *phases],
    format_func=lambda p: phases[p] if p else ctx.tr("dash.all_phases"),
    key="dash_comment_phase",
    placeholder=ctx.tr("ui.choose_option"),
)
themes = dash.call(ctx, "themes", project, today=dash.today())
names = dash.options(ctx, project)["construct_names"]
theme = st.selectbox(
    ctx.tr("dash.theme_filter"),
    [None, *themes],
    format_func=lambda c: names.get(c, {}).get(ctx.lang, c) if c else ctx.tr("dash.all_themes"),
    key="dash_comment_theme",
    placeholder=ctx.tr("ui.choose_option"),
)
# Not cached: every visit gets a fresh random order.
view = dash.comments_now(ctx, project, unit, phase_id=phase, theme=theme)
st.caption(ctx.tr("dash.comments_rule", k=view.k_comments))
if view.hidden_waves:
    st.caption(ctx.tr("dash.comments_withheld", waves=view.hidden_waves, k=view.k_comments))
if view.empty_reason:
    key = f"dash.comments_empty_{view.empty_reason}"
    st.info(dash.empty_note(ctx, project, key, k=view.k_comments))
    st.stop()
if theme:
    st.caption(ctx.tr("dash.theme_note"))
st.subheader(ctx.md("dash.comments_count", n=len(view.comments), unit=view.unit_label))
shown = st.session_state.get(MORE_KEY, PAGE_SIZE)
for comment in view.comments.head(shown).itertuples():
    with st.container(border=True):
        st.text(comment.text)
        st.caption(f"{comment.wave_label} · {comment.phase_label}")
if len(view.comments) > shown:
    st.caption(ctx.tr("dash.comments_shown", shown=shown, n=len(view.comments)))
    st.button(ctx.tr("dash.comments_more"), on_click=more)
