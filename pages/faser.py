"""Faser: phase against phase per construct, the involvement level next to medspil, and whether
units involved more moved more ("Flyttede inddragelsen medspil?")."""

import streamlit as st

from analytics.charts import involvement_figure, phase_comparison_figure
from medspil.text import markdown_text
from pages.common import dashboard as dash
from pages.common.frame import page_setup
from surveys.dashboards.involvement_effect import effect_notes, effect_rows
from surveys.dashboards.tables import (
    chart_labels,
    involvement_rows,
    phase_box_rows,
    phase_comparison_rows,
)

ctx = page_setup("dash_page.phases")
project = dash.pick_project(ctx)
unit = dash.pick_unit(ctx, project) if project else None
if project is None or unit is None:
    st.stop()
constructs = dash.pick_constructs(ctx, project)
view = dash.call(ctx, "phases", project, unit, constructs, lang=ctx.lang, today=dash.today())
if view.empty_reason:
    st.info(dash.empty_note(ctx, project, f"dash.empty_{view.empty_reason}"))
    st.stop()
labels = chart_labels(ctx.lang, axes="phases")
st.subheader(ctx.tr("dash.phases_distribution"))
st.plotly_chart(phase_comparison_figure(view.boxes, labels=labels), width="stretch", key="boxes")
st.caption(ctx.tr("dash.box_note"))
dash.table_with_download(ctx, phase_box_rows(view, ctx.lang), f"faser-{project}-{unit}", "boxes")
st.subheader(ctx.tr("dash.phases_comparison"))
st.info(ctx.tr("dash.cluster_caveat"))
st.caption(ctx.md("dash.phase_family", n=view.family_size, unit=view.unit_label))
rows = phase_comparison_rows(view, ctx.lang)
dash.table_with_download(ctx, rows, f"faseskift-{project}-{unit}", "comparisons")
st.subheader(ctx.tr("dash.phases_involvement"))
if view.involvement.empty:
    st.info(ctx.tr("dash.no_medspil"))
else:
    medspil = chart_labels(ctx.lang, axes="phases", series=ctx.tr("dash.medspil"))
    figure = involvement_figure(view.involvement, labels=medspil)
    st.plotly_chart(figure, width="stretch", key="involvement")
    rows = involvement_rows(view, ctx.lang)
    dash.table_with_download(ctx, rows, f"inddragelse-{project}-{unit}", "involvement")
st.subheader(ctx.tr("effect.title"))
st.caption(ctx.md("effect.intro", unit=view.unit_label))
phases = dash.phase_labels(ctx, project)
start = dash.call(ctx, "effect_phase", project, unit, today=dash.today())
order = list(phases)
phase = st.selectbox(
    ctx.tr("effect.phase"),
    order,
    index=order.index(start) if start in order else 0,
    format_func=phases.__getitem__,
    key="effect_phase",
    placeholder=ctx.tr("ui.choose_option"),
)
effect = dash.call(ctx, "effect", project, unit, phase, lang=ctx.lang, today=dash.today())
for line in effect_notes(effect, ctx.lang):
    st.markdown(markdown_text(line))
if not effect.empty_reason:
    rows = effect_rows(effect, ctx.lang)
    dash.table_with_download(ctx, rows, f"inddragelse-effekt-{project}-{unit}", "effect")
    st.caption(ctx.tr("effect.method", n=effect.family_size, k=effect.min_units))
st.info(ctx.tr("effect.caveat"))
