"""Medspil's frame: navigation between the pages; every page guards itself."""

import streamlit as st

from medspil.i18n import t
from pages.common.frame import current_lang

lang = current_lang()
pages = [
    st.Page("pages/overview.py", title=t("page.overview", lang), url_path="overblik", default=True),
    st.Page("pages/instrument.py", title=t("page.instrument", lang), url_path="spoergeskema"),
]
st.navigation(pages).run()
