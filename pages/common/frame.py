"""The frame every page calls first: page set-up, language, database, demo banner and scope.

Pages never trust ``app.py`` to have run: a freshly started server may run a page file directly
when the first request goes straight to its URL, so each page calls ``page_setup`` itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from medspil.config import database_path, settings
from medspil.errors import MedspilError
from medspil.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from medspil.scope import Scope
from medspil.text import markdown_text
from medspil.vocabulary import Role
from pages.common.auth import page_scope
from surveys.administration.access import DEMO_ROLES, demo_role_areas, demo_scope
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


@dataclass(frozen=True)
class PageContext:
    db: Database
    lang: str
    scope: Scope | None

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


@st.cache_resource(show_spinner=False)
def _open_database(path: str) -> Database:
    """One connection per database file and process; pages take cursors from it."""
    return open_app_database(Path(path))


def database() -> Database:
    return _open_database(str(database_path().resolve()))


def current_lang() -> str:
    lang = st.session_state.get(LANG_KEY, DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def _language_switch() -> str:
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = DEFAULT_LANGUAGE
    st.sidebar.segmented_control(
        "Sprog / Language",
        options=list(LANGUAGES),
        format_func=lambda code: {"da": "Dansk", "en": "English"}[code],
        key=LANG_KEY,
    )
    lang = current_lang()
    st.html(
        f"<script>document.documentElement.lang='{lang}'</script>",
        unsafe_allow_javascript=True,
    )
    return lang


def _demo_scope(db: Database, lang: str) -> Scope:
    """Demo mode (no login yet): pick a role in the sidebar; the scope follows the choice."""
    # Each page draws these widgets itself, and Streamlit drops a widget's state when the
    # page that drew it is left: writing the values back keeps the choice across pages.
    for key in (ROLE_KEY, ROLE_UNIT_KEY, ROLE_COMMITTEE_KEY):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
    role = st.sidebar.selectbox(
        t("ui.role", lang),
        DEMO_ROLES,
        format_func=lambda r: t(f"role.{r}", lang),
        key=ROLE_KEY,
    )
    names = demo_role_areas(db, role)
    if not names:
        return demo_scope(db, role)
    label, key = (
        ("ui.role_unit", ROLE_UNIT_KEY)
        if role == Role.LEDER
        else ("ui.role_committee", ROLE_COMMITTEE_KEY)
    )
    area = st.sidebar.selectbox(t(label, lang), list(names), format_func=names.get, key=key)
    return demo_scope(db, role, area)


def page_setup(title_key: str, *, public: bool = False) -> PageContext:
    """Set up the page and return its context; stops the page with a plain message on error.

    ``public`` pages (the answer page) show no role picker and need no scope.
    """
    st.set_page_config(page_title=f"{t(title_key, current_lang())} · Medspil", layout="wide")
    lang = _language_switch()
    try:
        settings()  # an invalid medspil.toml stops every page, naming the key and its line
        db = database()
        demo = is_demo(db)
    except MedspilError as e:
        st.error(e.message(lang))
        st.stop()
    if demo:
        st.info(t("ui.demo_data", lang), icon=":material/science:")
    # Signed-in scope when [auth] is configured, else the demo picker (pages/common/auth.py).
    scope = None if public else page_scope(db, lang, demo_scope=_demo_scope)
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
