"""Sådan læser du tallene: scores, CI, the flags, significance, run charts, anonymity."""

import streamlit as st

from medspil.config import settings
from pages.common.frame import page_setup

SECTIONS = (
    "scores",
    "ci",
    "shifts",
    "significant",
    "runchart",
    "changepoints",
    "hidden",
    "mdd",
    "phases",
    "effect",
)

ctx = page_setup("dash_page.howto")
st.markdown(ctx.tr("dash_howto.intro"))
for section in SECTIONS:
    st.subheader(ctx.tr(f"dash_howto.{section}_title"))
    st.markdown(ctx.tr(f"dash_howto.{section}", k=settings().k_min))
