"""Udvikling: per construct the score per wave with CI, phases, changes and change points."""

import streamlit as st

from analytics.charts import runchart_figure, trend_figure
from pages.common import dashboard as dash
from pages.common.frame import page_setup
from surveys.dashboards.tables import chart_labels, runchart_rows, runchart_summary, trend_rows
from surveys.dashboards.timeline_events import chart_events

ctx = page_setup("dash_page.trends")
project = dash.pick_project(ctx)
unit = dash.pick_unit(ctx, project) if project else None
if project is None or unit is None:
    st.stop()
constructs = dash.pick_constructs(ctx, project)
first, last = dash.pick_period(ctx, project)
period = {"lang": ctx.lang, "today": dash.today(), "first_wave": first, "last_wave": last}
found = dash.events_now(ctx, project, unit, first, last)
mode = st.segmented_control(
    ctx.tr("dash.mode"),
    ["trend", "runchart"],
    default="trend",
    format_func=lambda m: ctx.tr(f"dash.mode_{m}"),
    key="dash_mode",
)
if mode == "runchart":
    phases = dash.phase_labels(ctx, project)
    baseline = st.selectbox(
        ctx.tr("dash.baseline"),
        [None, *phases],
        format_func=lambda p: (
            ctx.tr("dash.baseline_until", phase=phases[p]) if p else ctx.tr("dash.baseline_none")
        ),
        key="dash_baseline",
        placeholder=ctx.tr("ui.choose_option"),
    )
    charts = dash.call(
        ctx, "runchart", project, unit, constructs, baseline_phase=baseline, **period
    )
    st.caption(ctx.tr("dash.runchart_note"))
    for chart in charts:
        st.subheader(chart.construct_label)
        if chart.too_few:
            st.info(ctx.tr("dash.too_few_points", n=chart.n_useful))
            continue
        figure = runchart_figure(
            chart.series,
            median=chart.median,
            baseline_end=chart.baseline_end,
            long_run_signal=chart.long_run_signal,
            few_crossings_signal=chart.few_crossings_signal,
            labels=chart_labels(ctx.lang, series=chart.construct_label),
            events=chart_events(found),
        )
        st.plotly_chart(figure, width="stretch", key=f"run-{chart.construct}")
        st.dataframe(runchart_summary(chart, ctx.lang), hide_index=True)
        rows = runchart_rows(chart, ctx.lang)
        dash.table_with_download(ctx, rows, f"runchart-{unit}-{chart.construct}", chart.construct)
    dash.show_events(ctx, found)
    st.stop()
view = dash.call(ctx, "trend", project, unit, constructs, **period)
if view.empty_reason:
    st.info(dash.empty_note(ctx, project, f"dash.empty_{view.empty_reason}"))
    st.stop()
labels = chart_labels(ctx.lang)
figure = trend_figure(
    view.table,
    phases=view.phases,
    changepoints=view.changepoints,
    labels=labels,
    events=chart_events(found),
)
st.plotly_chart(figure, width="stretch", key="trend")
st.caption(ctx.md("dash.trend_family", n=view.family_size, unit=view.unit_label))
if view.same_as:
    st.caption(ctx.md("dash.same_group", unit=view.unit_label, other=view.same_as))
dash.show_events(ctx, found)
dash.table_with_download(ctx, trend_rows(view, ctx.lang), f"udvikling-{project}-{unit}", "trend")
