"""Medspil's frame: navigation between the pages; every page guards itself."""

import streamlit as st

from medspil.i18n import t
from pages.common.auth import ADMIN_ROLES, navigation_role
from pages.common.frame import ROLE_KEY, current_lang

lang = current_lang()
pages = [
    st.Page("pages/overview.py", title=t("page.overview", lang), url_path="overblik", default=True),
    st.Page("pages/trends.py", title=t("dash_page.trends", lang), url_path="udvikling"),
    st.Page("pages/units.py", title=t("dash_page.units", lang), url_path="enhedskort"),
    st.Page("pages/phases.py", title=t("dash_page.phases", lang), url_path="faser"),
    st.Page("pages/comments.py", title=t("dash_page.comments", lang), url_path="kommentarer"),
    st.Page("pages/howto.py", title=t("dash_page.howto", lang), url_path="laes-tallene"),
    st.Page("pages/instrument.py", title=t("page.instrument", lang), url_path="spoergeskema"),
    st.Page(
        "pages/med_snapshot.py", title=t("snapshot.page_title", lang), url_path="oejebliksbillede"
    ),
    st.Page("pages/answer.py", title=t("answer.title", lang), url_path="besvar"),
]
# Administration (login, roles and set-up): listed for administrators and analysts only; each
# page also refuses everyone else itself. Nobody signed in (or no access): no menu at all.
admin_pages = [
    st.Page("pages/admin_units.py", title=t("admin_units.title", lang), url_path="organisation"),
    st.Page(
        "pages/admin_committees.py", title=t("admin_committees.title", lang), url_path="med-udvalg"
    ),
    st.Page("pages/admin_projects.py", title=t("admin_projects.title", lang), url_path="projekter"),
    st.Page("pages/admin_waves.py", title=t("admin_waves.title", lang), url_path="maalinger"),
    st.Page("pages/admin_codes.py", title=t("codes.title", lang), url_path="svarkoder"),
    st.Page("pages/admin_audit.py", title=t("audit.title", lang), url_path="logbog"),
]
role = navigation_role(st.session_state.get(ROLE_KEY))
menu = {"": pages, t("admin.nav", lang): admin_pages} if role in ADMIN_ROLES else pages
st.navigation(menu, position="sidebar" if role else "hidden", expanded=True).run()
