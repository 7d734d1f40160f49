"""Logbog: the administrative actions, newest first: who did what, and when; and a backup."""

import datetime as dt

import streamlit as st

from medspil.config import settings
from medspil.errors import MedspilError
from medspil.formatting import time_text
from pages.common.auth import admin_access
from pages.common.frame import page_setup
from surveys.administration.audit import audit_table
from surveys.administration.backup import backup_folder, backup_schedule, newest_backup, take_backup

DONE_KEY = "backup_done"

ctx = page_setup("audit.title")
editable = admin_access(ctx.scope, ctx.lang)
st.caption(ctx.tr("audit.note"))
st.dataframe(audit_table(ctx.db, ctx.lang), hide_index=True, width="stretch")

if editable:
    st.subheader(ctx.tr("backup.heading"))
    st.caption(ctx.tr("backup.help", folder=str(backup_folder(ctx.db.path))))
    schedule = backup_schedule(ctx.db)
    newest = newest_backup(backup_folder(ctx.db.path))
    latest = time_text(newest, ctx.lang) if newest else ctx.tr("backup.none_yet")
    if schedule is None:
        st.info(ctx.tr("backup.no_schedule", latest=latest), icon=":material/schedule:")
    else:
        hours = settings().backup_every_hours
        st.caption(ctx.tr("backup.scheduled", hours=hours, keep=schedule.keep, latest=latest))
        if schedule.last_error is not None:
            st.error(ctx.tr("backup.schedule_failed", detail=schedule.last_error.message(ctx.lang)))
    if DONE_KEY in st.session_state:
        st.success(st.session_state.pop(DONE_KEY))
    if st.button(ctx.tr("backup.take_now"), key="backup_now"):
        try:
            written = take_backup(ctx.db, scope=ctx.scope, now=dt.datetime.now())
        except MedspilError as e:
            st.error(e.message(ctx.lang))
        else:
            st.session_state[DONE_KEY] = ctx.tr("backup.taken", path=str(written))
            st.rerun()
