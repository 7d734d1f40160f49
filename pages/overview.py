"""Overblik: the projects with their phase timeline, involvement levels, waves and responses."""

import datetime as dt

import streamlit as st

from pages.common.frame import page_setup
from surveys.overview import project_overviews

ctx = page_setup("page.overview")
overviews = project_overviews(ctx.db, ctx.scope, lang=ctx.lang, today=dt.date.today())
if not overviews:
    st.info(ctx.tr("overview.no_projects"))
for item in overviews:
    with st.container(border=True):
        st.subheader(item.name)
        st.caption(item.description)
        left, middle, right = st.columns(3)
        left.metric(ctx.tr("overview.phase_now"), item.current_phase_label)
        middle.metric(ctx.tr("overview.waves"), item.waves_started)
        right.metric(ctx.tr("overview.responses"), item.responses_label)
        st.plotly_chart(item.timeline, width="stretch", key=f"timeline-{item.project_id}")
        st.dataframe(item.phase_table, hide_index=True, width="stretch")
