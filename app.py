"""Medspil's frame: navigation between the pages; every page guards itself."""

import streamlit as st

from medspil.i18n import t
from medspil.vocabulary import ADMIN_ROLES
from pages.common.auth import navigation_role
from pages.common.frame import ROLE_KEY, current_lang, run_guarded

lang = current_lang()
pages = [
    st.Page("pages/overblik.py", title=t("page.overview", lang), url_path="overblik", default=True),
    st.Page("pages/udvikling.py", title=t("dash_page.trends", lang), url_path="udvikling"),
    st.Page("pages/enhedskort.py", title=t("dash_page.units", lang), url_path="enhedskort"),
    st.Page("pages/faser.py", title=t("dash_page.phases", lang), url_path="faser"),
    st.Page("pages/kommentarer.py", title=t("dash_page.comments", lang), url_path="kommentarer"),
    st.Page("pages/laes_tallene.py", title=t("dash_page.howto", lang), url_path="laes_tallene"),
    st.Page("pages/spoergeskema.py", title=t("page.instrument", lang), url_path="spoergeskema"),
    st.Page(
        "pages/oejebliksbillede.py",
        title=t("snapshot.page_title", lang),
        url_path="oejebliksbillede",
    ),
    st.Page("pages/besvar.py", title=t("answer.title", lang), url_path="besvar"),
]
# Administration (login, roles and set-up): listed for administrators and analysts only; each
# page also refuses everyone else itself. Nobody signed in (or no access): no menu at all.
admin_pages = [
    st.Page("pages/organisation.py", title=t("admin_units.title", lang), url_path="organisation"),
    st.Page("pages/med_udvalg.py", title=t("admin_committees.title", lang), url_path="med_udvalg"),
    st.Page("pages/projekter.py", title=t("admin_projects.title", lang), url_path="projekter"),
    st.Page("pages/maalinger.py", title=t("admin_waves.title", lang), url_path="maalinger"),
    st.Page("pages/svarkoder.py", title=t("codes.title", lang), url_path="svarkoder"),
    st.Page("pages/importer.py", title=t("import.title", lang), url_path="importer"),
    st.Page("pages/logbog.py", title=t("audit.title", lang), url_path="logbog"),
]
role = navigation_role(st.session_state.get(ROLE_KEY))
menu = {"": pages, t("admin.nav", lang): admin_pages} if role in ADMIN_ROLES else pages
run_guarded(st.navigation(menu, position="sidebar" if role else "hidden", expanded=True), lang)
