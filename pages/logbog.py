"""Logbog: the administrative actions, newest first: who did what, and when."""

import streamlit as st

from pages.common.auth import admin_access
from pages.common.frame import page_setup
from surveys.administration.audit import audit_table

ctx = page_setup("audit.title")
admin_access(ctx.scope, ctx.lang)
st.caption(ctx.tr("audit.note"))
st.dataframe(audit_table(ctx.db, ctx.lang), hide_index=True, width="stretch")
