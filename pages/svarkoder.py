"""Svarkoder: an administrator issues codes and slips for a wave and a unit, and follows the
response rates per unit as far as the anonymity rules allow."""

import datetime as dt

import streamlit as st

from medspil.errors import MedspilError
from medspil.formatting import date_text
from pages.common.frame import page_setup
from surveys.administration.access import administration_rights
from surveys.administration.codes import (
    code_unit_choices,
    issuable_wave_choices,
    response_rates,
    started_wave_choices,
)
from surveys.administration.projects import project_choices
from surveys.answering.codes import issue_installation_codes
from surveys.answering.slips import printed_address, slips_for

ISSUED_KEY = "codes_issued"

ctx = page_setup("codes.title")
if administration_rights(ctx.scope) != "edit":
    st.error(ctx.tr("codes.admin_only"))
    st.stop()

today = dt.date.today()
projects = project_choices(ctx.db)
if not projects:
    st.info(ctx.tr("codes.no_projects"))
    st.stop()
project_id = st.selectbox(
    ctx.tr("codes.project"),
    list(projects),
    format_func=projects.__getitem__,
    key="codes_project",
    placeholder=ctx.tr("ui.choose_option"),
)

st.subheader(ctx.tr("codes.issue_heading"))
waves = issuable_wave_choices(ctx.db, project_id, today=today, lang=ctx.lang)
if not waves:
    st.info(ctx.tr("codes.no_waves"))
else:
    units = code_unit_choices(ctx.db, project_id)
    st.caption(ctx.tr("codes.printed_address", url=printed_address()))
    with st.form("codes_issue"):
        wave_id = st.selectbox(
            ctx.tr("codes.wave"),
            list(waves),
            format_func=waves.__getitem__,
            key="codes_wave",
            placeholder=ctx.tr("ui.choose_option"),
        )
        unit_id = st.selectbox(
            ctx.tr("codes.unit"),
            list(units),
            format_func=units.__getitem__,
            key="codes_unit",
            placeholder=ctx.tr("ui.choose_option"),
        )
        count = st.number_input(
            ctx.tr("codes.count"), min_value=1, max_value=2000, value=20, key="codes_count"
        )
        issue = st.form_submit_button(ctx.tr("codes.issue"), type="primary")
    if issue:
        try:
            issued = issue_installation_codes(
                ctx.db,
                project_id=project_id,
                unit_id=unit_id,
                count=int(count),
                wave=wave_id,
                scope=ctx.scope,
                today=today,
            )
        except MedspilError as e:
            st.error(e.message(ctx.lang))
        else:
            try:
                slips: bytes | str = slips_for(issued, lang=ctx.lang)
            except MedspilError as e:  # the codes stand; the slips wait for a real address
                slips = e.message(ctx.lang)
            st.session_state[ISSUED_KEY] = (issued, slips)

if ISSUED_KEY in st.session_state:
    issued, pdf = st.session_state[ISSUED_KEY]
    closes = date_text(issued.closes)
    number, unit = issued.wave_number, issued.unit_name
    st.success(
        ctx.md("codes.issued", count=len(issued.codes), unit=unit, number=number, closes=closes)
    )
    st.warning(ctx.tr("codes.shown_once"))
    st.code("\n".join(issued.codes), language=None)
    if isinstance(pdf, str):
        st.error(pdf)
    else:
        st.caption(ctx.tr("codes.printed_address", url=printed_address()))
        st.download_button(
            ctx.tr("codes.download"),
            data=pdf,
            file_name=f"svarkoder-{issued.project_id}-{issued.wave_number}-{issued.unit_id}.pdf",
            mime="application/pdf",
            on_click="ignore",
        )
    if st.button(ctx.tr("codes.hide")):
        del st.session_state[ISSUED_KEY]
        st.rerun()

st.subheader(ctx.tr("codes.rates_heading"))
started = started_wave_choices(ctx.db, project_id, today=today, lang=ctx.lang)
if started:
    rate_wave = st.selectbox(
        ctx.tr("codes.wave"),
        list(started),
        format_func=started.__getitem__,
        key="codes_rate_wave",
        placeholder=ctx.tr("ui.choose_option"),
    )
    rates = response_rates(ctx.db, project_id, rate_wave, lang=ctx.lang, today=today)
    st.caption(ctx.tr("codes.rates_caption", k=rates.k_min))
    if rates.note:
        st.info(rates.note)
    st.table(rates.table, hide_index=True)
else:
    st.info(ctx.tr("codes.no_started_waves"))
