"""The snapshot page's parts from the parties' own records: "since last time" first, then the
plan against practice, the MED discussions and the agreed actions (all from the frozen content)."""

from __future__ import annotations

import streamlit as st

from medspil.i18n import t
from medspil.text import markdown_text
from surveys.snapshots.together_view import TogetherView


def draw_since_last(view: TogetherView | None, lang: str) -> None:
    if view is None:
        return
    st.subheader(view.since_title)
    if view.since:
        st.markdown("\n".join(f"- {markdown_text(line)}" for line in view.since))


def draw_together(view: TogetherView | None, lang: str) -> None:
    if view is None:
        return
    st.subheader(t("snapshot_together.title", lang))
    for key, lines in (
        ("plan_title", view.differences),
        ("framing_title", view.framing),
        ("roles_title", view.roles),
        ("log_title", view.log),
        ("actions_title", view.actions),
    ):
        st.markdown(f"**{t(f'snapshot_together.{key}', lang)}**")
        st.markdown(
            "\n".join(f"- {markdown_text(line)}" for line in lines)
            or t("snapshot_together.none", lang)
        )
