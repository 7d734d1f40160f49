"""The "Kom i gang" checklist an administrator of a new, real installation sees on Overblik."""

from __future__ import annotations

import streamlit as st

from medspil.vocabulary import ADMIN_ROLES
from pages.common.frame import PageContext
from pages.common.menu import draw_link
from surveys.installation.checklist import first_day_steps
from surveys.installation.demo import is_demo


def show_first_day(ctx: PageContext) -> None:
    """The set-up steps with their ticks and links, until every step is done (never in demo)."""
    if ctx.scope.role not in ADMIN_ROLES or is_demo(ctx.db):
        return
    steps = first_day_steps(ctx.db)
    if all(step.done for step in steps):
        return
    with st.container(border=True, key="first_day"):
        st.subheader(ctx.tr("start.title"))
        st.write(ctx.tr("start.intro"))
        for number, step in enumerate(steps, start=1):
            mark = ":material/check_circle:" if step.done else ":material/radio_button_unchecked:"
            st.markdown(f"{mark} **{number}. {ctx.tr(f'start.{step.key}')}**")
            if not step.done:
                st.caption(ctx.tr(f"start.{step.key}_how"))
                draw_link(step.page, ctx.tr("start.go"), ctx.lang)
