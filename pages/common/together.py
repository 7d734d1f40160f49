"""What the pages of acting together share: the project picker, the "Aftal en handling" link and
the one way a write's outcome is shown (a plain message, never a traceback)."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st
from streamlit.errors import StreamlitAPIException

from medspil.text import markdown_text
from pages.common import dashboard as dash
from pages.common.frame import PageContext
from surveys.together.views import ACTIONS_PAGE

DONE_KEY = "together_done"  # the success message to show after the rerun a write causes


def pick_project(ctx: PageContext) -> str | None:
    """The dashboards' project picker (shared choice, ``?projekt=`` in the address); a link that
    names the project as ``?project=`` (the action links) is read the same way."""
    asked = st.query_params.get("project")
    if asked is not None:
        del st.query_params["project"]
        st.query_params["projekt"] = asked
    return dash.pick_project(ctx)


def action_link(ctx: PageContext, params: dict[str, str] | None) -> None:
    """ "Aftal en handling": a link to Aftalte handlinger with the form filled in from
    ``params`` (nothing for a reader who records no actions)."""
    if params:
        actions_link(ctx, ctx.tr("actions.agree_link"), params)


def actions_link(ctx: PageContext, label: str, params: dict[str, str]) -> None:
    """A link to Aftalte handlinger with ``params`` in its address."""
    try:
        st.page_link(ACTIONS_PAGE, label=label, query_params=params, icon=":material/task_alt:")
    except StreamlitAPIException:
        # A page run on its own in a test knows no other page: a plain link to the URL.
        st.markdown(f"[{markdown_text(label)}](/handlinger?{urlencode(params)})")


def show_done() -> None:
    """The success message a write left for the run after it."""
    if DONE_KEY in st.session_state:
        st.success(st.session_state.pop(DONE_KEY))


def done(message: str) -> None:
    """After a write: keep the message for the next run and run the page again, fresh."""
    st.session_state[DONE_KEY] = message
    dash.clear_together_reads()
    st.rerun()
