"""Spørgeskema: the instrument's items per construct and how reliable each scale is."""

import datetime as dt

import streamlit as st

from pages.common.frame import k_min, page_setup
from surveys.dashboards.tables import csv_bytes
from surveys.instruments.report import (
    available_versions,
    instrument_by_id,
    items_table,
    reliability_table,
)

ctx = page_setup("page.instrument")
versions = available_versions(ctx.db)
if not versions:
    st.info(ctx.tr("instrument.none"))
    st.stop()
version = st.selectbox(
    ctx.tr("instrument.version"),
    versions,
    index=len(versions) - 1,
    placeholder=ctx.tr("ui.choose_option"),
)
instrument = instrument_by_id(version)
st.subheader(instrument.title[ctx.lang])
st.caption(ctx.tr("instrument.scale", labels=" · ".join(instrument.scale_labels[ctx.lang])))
st.dataframe(items_table(instrument, ctx.lang), hide_index=True, width="stretch")
st.subheader(ctx.tr("instrument.reliability"))
st.markdown(ctx.tr("instrument.reliability_help"))
table = reliability_table(ctx.db, instrument, lang=ctx.lang, k=k_min(), today=dt.date.today())
st.dataframe(table, hide_index=True, width="stretch")
st.download_button(
    ctx.tr("instrument.download"),
    csv_bytes(table),
    file_name=f"{instrument.id}-reliabilitet.csv",
    mime="text/csv",
)
