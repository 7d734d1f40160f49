"""The app's one list of pages: ``app.py`` registers it, and the frame draws the menu from it.

Streamlit's own sidebar list is switched off (``client.showSidebarNavigation = false``): a
freshly started server whose first request names a page URL runs that page file on its own and
would list the ``pages/`` folder's raw file names. The frame draws this menu itself on every
page, so the menu is the same however the page was reached.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.pages_manager import PagesManager

from medspil.i18n import t
from medspil.vocabulary import ADMIN_ROLES


@dataclass(frozen=True)
class MenuPage:
    file: str  # pages/<url_path>.py: a fresh server resolves a first request by file name
    title_key: str
    icon: str
    admin: bool = False

    @property
    def url_path(self) -> str:
        return self.file.removeprefix("pages/").removesuffix(".py")


DASHBOARDS = (
    MenuPage("pages/overblik.py", "page.overview", ":material/dashboard:"),
    MenuPage("pages/udvikling.py", "dash_page.trends", ":material/show_chart:"),
    MenuPage("pages/enheder.py", "dash_page.units", ":material/grid_view:"),
    MenuPage("pages/faser.py", "dash_page.phases", ":material/view_timeline:"),
    MenuPage("pages/kommentarer.py", "dash_page.comments", ":material/forum:"),
    MenuPage("pages/laes_tallene.py", "dash_page.howto", ":material/menu_book:"),
    MenuPage("pages/spoergeskema.py", "page.instrument", ":material/checklist:"),
    MenuPage("pages/oejebliksbillede.py", "snapshot.page_title", ":material/photo_camera:"),
    MenuPage("pages/inddragelse.py", "page.inddragelse", ":material/diversity_3:"),
    MenuPage("pages/med_log.py", "page.med_log", ":material/event_note:"),
    MenuPage("pages/handlinger.py", "page.handlinger", ":material/task_alt:"),
)
ADMINISTRATION = (
    MenuPage("pages/organisation.py", "admin_units.title", ":material/account_tree:", True),
    MenuPage("pages/med_udvalg.py", "admin_committees.title", ":material/groups:", True),
    MenuPage("pages/projekter.py", "admin_projects.title", ":material/work:", True),
    MenuPage("pages/maalinger.py", "admin_waves.title", ":material/event:", True),
    MenuPage("pages/svarkoder.py", "codes.title", ":material/qr_code_2:", True),
    MenuPage("pages/importer.py", "import.title", ":material/upload_file:", True),
    MenuPage("pages/logbog.py", "audit.title", ":material/history:", True),
)
ANSWER = MenuPage("pages/besvar.py", "answer.title", ":material/edit_note:")
# Old addresses that still work: url path -> the page that lives there now.
MOVED = {"enhedskort": "pages/enheder.py"}


def all_pages() -> tuple[MenuPage, ...]:
    return (*DASHBOARDS, ANSWER, *ADMINISTRATION)


def menu_for(role: str | None) -> tuple[MenuPage, ...]:
    """The pages the menu lists for ``role``: none for nobody signed in (and never on the
    public answer page, which draws no menu at all)."""
    if role is None:
        return ()
    managers = (*DASHBOARDS, ANSWER)
    return (*managers, *ADMINISTRATION) if role in ADMIN_ROLES else managers


def running_outside_navigation() -> bool:
    """True when Streamlit ran a page file directly by its name (the ``pages/`` folder's legacy
    routing of a fresh server) instead of through ``app.py``'s ``st.navigation``."""
    return bool(PagesManager.uses_pages_directory)


def hand_over_to_navigation() -> None:
    """Switch this server to ``app.py``'s navigation for good and run the request again.

    Streamlit keeps the legacy routing until some script calls ``st.navigation``; a page that
    finds itself run directly ends that state and reruns, so ``app.py`` (menu, titles, URLs)
    serves the same URL with its query parameters from then on.
    """
    PagesManager.uses_pages_directory = False
    st.rerun()


def draw_menu(role: str | None, lang: str) -> None:
    """The app's menu for ``role`` (drawn where the caller puts it), administration last."""
    entries = menu_for(role)
    if not entries:
        return
    with st.container(key="medspil_menu"):
        for entry in entries:
            if entry is ADMINISTRATION[0]:
                st.caption(t("admin.nav", lang))
            _link(entry, lang)
        st.divider()


def _link(entry: MenuPage, lang: str) -> None:
    draw_link(entry.file, t(entry.title_key, lang), lang, icon=entry.icon)


def draw_link(file: str, label: str, lang: str, *, icon: str | None = None) -> None:
    """A link to one of the app's pages (by its file), within the session where possible."""
    try:
        st.page_link(file, label=label, icon=icon)
    except StreamlitAPIException:
        # A page run on its own in a test knows no other page: a plain link to the URL.
        url_path = file.removeprefix("pages/").removesuffix(".py")
        st.markdown(f"[{label}](/{url_path})")
