"""Medspil's frame: the router. Every page draws the menu and guards itself (pages/common)."""

import streamlit as st

from medspil.i18n import t
from pages.common.frame import current_lang, run_guarded
from pages.common.menu import MOVED, all_pages

lang = current_lang()
registered = [
    st.Page(page.file, title=t(page.title_key, lang), url_path=page.url_path)
    for page in all_pages()
]
# "/" shows Overblik too; it is registered after /overblik so that links name /overblik.
home = st.Page("pages/overblik.py", title=t("page.overview", lang), url_path="start", default=True)


def _redirect(file: str):
    def redirect() -> None:
        st.switch_page(file, query_params=st.query_params.to_dict())

    return redirect


moved = [st.Page(_redirect(file), title="Medspil", url_path=old) for old, file in MOVED.items()]
# Streamlit's own menu is off (.streamlit/config.toml); the frame draws the app's menu.
run_guarded(st.navigation([*registered, home, *moved], position="hidden"), lang)
