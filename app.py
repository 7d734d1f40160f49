"""Medspil's frame: navigation between the pages; every page guards itself."""

import streamlit as st

from medspil.i18n import t
from pages.common.frame import current_lang

lang = current_lang()
pages = [
    st.Page("pages/overview.py", title=t("page.overview", lang), url_path="overblik", default=True),
    st.Page("pages/trends.py", title=t("dash_page.trends", lang), url_path="udvikling"),
    st.Page("pages/units.py", title=t("dash_page.units", lang), url_path="enhedskort"),
    st.Page("pages/phases.py", title=t("dash_page.phases", lang), url_path="faser"),
    st.Page("pages/comments.py", title=t("dash_page.comments", lang), url_path="kommentarer"),
    st.Page("pages/howto.py", title=t("dash_page.howto", lang), url_path="laes-tallene"),
    st.Page("pages/instrument.py", title=t("page.instrument", lang), url_path="spoergeskema"),
]
st.navigation(pages).run()
