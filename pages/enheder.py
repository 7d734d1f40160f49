"""Enheder: a heatmap of units x constructs for the latest wave or a phase, with drill-down."""

import streamlit as st

from analytics.charts import heatmap_figure
from pages.common import dashboard as dash
from pages.common.frame import page_setup
from surveys.dashboards.tables import chart_labels, heatmap_rows

PARENT_KEY = "dash_parent"


def drill(unit: str) -> None:
    st.session_state[PARENT_KEY] = unit


ctx = page_setup("dash_page.units")
project = dash.pick_project(ctx)
parent = dash.pick_unit(ctx, project, key=PARENT_KEY) if project else None
if project is None or parent is None:
    st.stop()
phases = dash.phase_labels(ctx, project)
phase = st.selectbox(
    ctx.tr("dash.heatmap_period"),
    [None, *phases],
    format_func=lambda p: phases[p] if p else ctx.tr("dash.latest_wave"),
    key="dash_heatmap_phase",
    placeholder=ctx.tr("ui.choose_option"),
)
view = dash.call(ctx, "heatmap", project, parent, lang=ctx.lang, today=dash.today(), phase_id=phase)
if view.empty_reason:
    st.info(dash.empty_note(ctx, project, f"dash.empty_{view.empty_reason}"))
    st.stop()
st.subheader(ctx.tr("dash.heatmap_title", period=view.period_label))
mode = st.radio(
    ctx.tr("dash.heatmap_mode"),
    ["change", "level"],
    format_func=lambda m: ctx.tr(f"dash.heatmap_mode_{m}"),
    horizontal=True,
    key="dash_heatmap_mode",
)
figure = heatmap_figure(view.cells, labels=chart_labels(ctx.lang, axes="units"), mode=mode)
st.plotly_chart(figure, width="stretch", key="heatmap")
key = "dash.heatmap_family_phase" if phase else "dash.heatmap_family_wave"
st.caption(ctx.tr(key, n=view.family_size))
if view.drill:
    st.write(ctx.tr("dash.drill"))
    names = dict(zip(view.cells["unit_id"], view.cells["unit_label"], strict=True))
    columns = st.columns(min(len(view.drill), 4))
    for index, unit in enumerate(view.drill):
        columns[index % len(columns)].button(
            names[unit], key=f"drill-{unit}", on_click=drill, args=(unit,)
        )
dash.table_with_download(ctx, heatmap_rows(view, ctx.lang), f"enheder-{project}-{parent}", "heat")
