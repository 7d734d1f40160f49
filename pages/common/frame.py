"""The frame every page calls first: page set-up, language, database, demo banner and scope.

Pages never trust ``app.py`` to have run: a freshly started server may run a page file directly
when the first request goes straight to its URL, so each page calls ``page_setup`` itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, overload

import streamlit as st

from medspil.config import database_path, settings
from medspil.errors import MedspilError
from medspil.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from medspil.scope import Scope
from medspil.text import markdown_text
from medspil.vocabulary import Role
from pages.common.auth import page_scope
from pages.common.menu import draw_menu, hand_over_to_navigation, running_outside_navigation
from surveys.administration.access import DEMO_ROLES, demo_role_areas, demo_scope
from surveys.administration.backup import ensure_backup_schedule
from surveys.dashboards.warming import ensure_basis_warmer
from surveys.installation.app import (
    Database,
    StorageError,
    open_app_database,
    storage_failure,
)
from surveys.installation.demo import is_demo

LANG_KEY = "ui_lang"
ROLE_KEY = "demo_role"
ROLE_UNIT_KEY = "demo_role_unit"
ROLE_COMMITTEE_KEY = "demo_role_committee"
# Streamlit forgets a widget's value on a page that does not draw the widget (the answer page
# draws no role picker): the choice is kept under a second, plain key and restored from it.
_KEPT = "kept:"


@dataclass(frozen=True)
class PublicPageContext:
    """What a public page (the answer page) gets: no one signed in, so no scope."""

    db: Database
    lang: str

    def tr(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    def md(self, key: str, **params: object) -> str:
        """``tr`` for an element that renders Markdown: names and other text from people or
        files in ``params`` are shown as written, never as Markdown (``markdown_text``)."""
        return t(
            key,
            self.lang,
            **{n: markdown_text(v) if isinstance(v, str) else v for n, v in params.items()},
        )


@dataclass(frozen=True)
class PageContext(PublicPageContext):
    """What every other page gets: ``page_setup`` stops the page unless someone has a scope."""

    scope: Scope


@st.cache_resource(show_spinner=False)
def _open_database(path: str) -> Database:
    """One connection per database file and process; pages take cursors from it."""
    return open_app_database(Path(path))


def database() -> Database:
    """The app's connection; its backup schedule (``backup_every_hours``) and the warmer of the
    viewed projects' bases (``surveys.dashboards.warming``) run from here on."""
    db = _open_database(str(database_path().resolve()))
    config = settings()
    ensure_backup_schedule(db, every_hours=config.backup_every_hours, keep=config.backup_keep)
    ensure_basis_warmer(db)
    return db


def _restore(key: str, default: object = None) -> None:
    """Before a sticky widget is drawn: bring back its value if Streamlit dropped it."""
    if key not in st.session_state:
        kept = st.session_state.get(_KEPT + key, default)
        if kept is not None:
            st.session_state[key] = kept


def _keep(key: str) -> None:
    """After a sticky widget is drawn: remember its value for pages that do not draw it."""
    if key in st.session_state:
        st.session_state[_KEPT + key] = st.session_state[key]


def current_lang() -> str:
    lang = st.session_state.get(LANG_KEY, st.session_state.get(_KEPT + LANG_KEY))
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def _widget_texts_css(lang: str) -> str:
    """Streamlit's own English in widgets that take no text parameter, in the page's language.

    The "Press Ctrl+Enter" hint under text fields goes (the forms have a send button), and the
    file uploader's instructions and button are replaced by catalogue texts (README: "Dansk
    overalt").
    """
    hint = t("ui.upload_hint", lang).replace('"', "")
    button = t("ui.upload_button", lang).replace('"', "")
    zone = '[data-testid="stFileUploaderDropzone"]'
    return (
        "<style>"
        '[data-testid="InputInstructions"]{display:none}'
        f'{zone} [data-testid="stFileUploaderDropzoneInstructions"] div > *{{display:none}}'
        f'{zone} [data-testid="stFileUploaderDropzoneInstructions"] div::after'
        f'{{content:"{hint}"}}'
        f"{zone} button{{font-size:0}}"
        f'{zone} button::after{{content:"{button}";font-size:1rem}}'
        "</style>"
    )


def _language_switch(where) -> str:
    _restore(LANG_KEY, DEFAULT_LANGUAGE)
    if st.session_state.get(LANG_KEY) not in LANGUAGES:
        st.session_state[LANG_KEY] = DEFAULT_LANGUAGE
    where.segmented_control(
        "Sprog / Language",
        options=list(LANGUAGES),
        format_func=lambda code: {"da": "Dansk", "en": "English"}[code],
        key=LANG_KEY,
    )
    _keep(LANG_KEY)
    lang = current_lang()
    st.html(
        f"<script>document.documentElement.lang='{lang}'</script>",
        unsafe_allow_javascript=True,
    )
    st.html(_widget_texts_css(lang))
    return lang


def _demo_scope(db: Database, lang: str) -> Scope:
    """Demo mode (no login yet): pick a role in the sidebar; the scope follows the choice."""
    # Each page draws these widgets itself, and Streamlit drops a widget's state when the
    # page that drew it is left: writing the values back keeps the choice across pages, and
    # the kept copies bring it back after a page without the picker (the answer page).
    for key in (ROLE_KEY, ROLE_UNIT_KEY, ROLE_COMMITTEE_KEY):
        _restore(key)
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
    role = st.sidebar.selectbox(
        t("ui.role", lang),
        DEMO_ROLES,
        format_func=lambda r: t(f"role.{r}", lang),
        key=ROLE_KEY,
        placeholder=t("ui.choose_option", lang),
    )
    for key in (ROLE_KEY, ROLE_UNIT_KEY, ROLE_COMMITTEE_KEY):
        _keep(key)
    names = demo_role_areas(db, role)
    if not names:
        return demo_scope(db, role)
    label, key = (
        ("ui.role_unit", ROLE_UNIT_KEY)
        if role == Role.LEDER
        else ("ui.role_committee", ROLE_COMMITTEE_KEY)
    )
    area = st.sidebar.selectbox(
        t(label, lang),
        list(names),
        format_func=names.__getitem__,
        key=key,
        placeholder=t("ui.choose_option", lang),
    )
    _keep(key)
    return demo_scope(db, role, area)


@overload
def page_setup(title_key: str, *, public: Literal[False] = False) -> PageContext: ...


@overload
def page_setup(title_key: str, *, public: Literal[True]) -> PublicPageContext: ...


def page_setup(title_key: str, *, public: bool = False) -> PublicPageContext:
    """Set up the page and return its context; stops the page with a plain message on error.

    ``public`` pages (the answer page) show no menu and no role picker and need no scope.
    """
    if running_outside_navigation():
        hand_over_to_navigation()
    st.set_page_config(page_title=f"{t(title_key, current_lang())} · Medspil", layout="wide")
    menu_slot = st.sidebar.container()
    lang = _language_switch(st.sidebar)
    try:
        settings()  # an invalid medspil.toml stops every page, naming the key and its line
        db = database()
        demo = is_demo(db)
    except MedspilError as e:
        st.error(e.message(lang))
        st.stop()
    if demo and not public:  # the answer page keeps its first screen for the first question
        st.info(t("ui.demo_data", lang), icon=":material/science:")
    if public:
        return PublicPageContext(db=db, lang=lang)
    # Signed-in scope when [auth] is configured, else the demo picker (pages/common/auth.py).
    scope = page_scope(db, lang, demo_scope=_demo_scope)
    with menu_slot:
        draw_menu(scope.role, lang)
    st.title(t(title_key, lang))
    return PageContext(db=db, lang=lang, scope=scope)


def run_guarded(navigation, lang: str) -> None:
    """Run the chosen page; a damaged database file (one that opened but fails on a block that
    is missing) gives the plain "restore from backup" message instead of a traceback."""
    try:
        navigation.run()
    except StorageError as e:
        st.error(storage_failure(e, database_path()).message(lang), icon=":material/error:")


def k_min() -> int:
    return settings().k_min
