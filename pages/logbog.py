"""Logbog: the administrative actions, newest first: who did what, and when; and a backup."""

import datetime as dt

import streamlit as st

from medspil.errors import MedspilError
from pages.common.auth import admin_access
from pages.common.frame import page_setup
from surveys.administration.audit import audit_table
from surveys.administration.backup import backup_folder, take_backup

DONE_KEY = "backup_done"

ctx = page_setup("audit.title")
editable = admin_access(ctx.scope, ctx.lang)
st.caption(ctx.tr("audit.note"))
st.dataframe(audit_table(ctx.db, ctx.lang), hide_index=True, width="stretch")

if editable:
    st.subheader(ctx.tr("backup.heading"))
    st.caption(ctx.tr("backup.help", folder=str(backup_folder(ctx.db.path))))
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
