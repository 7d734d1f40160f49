"""Sign-in and scope for every page: OpenID Connect when ``[auth]`` is configured, else demo mode.

With an ``[auth]`` section in the secrets, a manager signs in with the municipality's identity
provider (``st.login``) and the role file decides the scope; an identity the role file does not
name sees a polite "no access" message and nothing else. Without it, the demo role picker runs,
but only for a request from this machine (loopback address, no proxy header naming another
machine) unless ``allow_demo_mode_on_network`` is set, and never in a real installation
(``medspil init``): in demo mode anyone who can open the page can pick the administrator role.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st

from medspil.config import settings
from medspil.errors import MedspilError
from medspil.i18n import t
from medspil.scope import Scope
from medspil.text import markdown_text
from surveys.administration.access import (
    administration_rights,
    check_demo_mode_allowed,
    identity_from_claims,
    load_access_rules,
    scope_for,
)
from surveys.installation.app import Database
from surveys.installation.setup import is_initialised

AUTH_SECTION = "auth"


def login_configured() -> bool:
    """True when the secrets hold an ``[auth]`` section (then every manager signs in)."""
    return bool(st.secrets.load_if_toml_exists() and AUTH_SECTION in st.secrets)


def providers() -> list[str | None]:
    """The configured providers: ``None`` for the ``[auth]`` section's own, else the names of
    its ``[auth.NAME]`` sub-sections."""
    section = st.secrets[AUTH_SECTION]
    named = [name for name, value in section.items() if isinstance(value, Mapping)]
    named = [name for name in named if "client_id" in section[name]]
    return ([None] if "client_id" in section else []) + sorted(named)


def _claims() -> dict[str, object]:
    return {key: value for key, value in st.user.to_dict().items() if key != "tokens"}


def _signed_in() -> bool:
    return bool(st.user.get("is_logged_in"))


def page_scope(db: Database, lang: str, *, demo_scope: Callable[[Database, str], Scope]) -> Scope:
    """The scope of whoever opens the page; stops the page when there is none."""
    if not login_configured():
        try:
            config = settings()
            check_demo_mode_allowed(
                st.get_option("server.address"),
                config,
                headers=dict(st.context.headers),
                initialised=is_initialised(db),
            )
        except MedspilError as e:
            st.error(e.message(lang), icon=":material/lock:")
            st.stop()
        if config.allow_demo_mode_on_network:
            st.warning(t("ui.demo_on_network", lang), icon=":material/warning:")
        picked = demo_scope(db, lang)
        st.sidebar.caption(t("ui.demo_mode", lang))
        return picked
    if not _signed_in():
        _login_prompt(lang)
        st.stop()
    try:
        rules = load_access_rules()
        identity = identity_from_claims(_claims(), rules)
        scope = scope_for(db, identity, rules)
    except MedspilError as e:
        st.error(e.message(lang))
        _logout_button(lang)
        st.stop()
    if scope is None:
        st.info(
            t("login.no_access", lang, who=markdown_text(identity.label)),
            icon=":material/front_hand:",
        )
        _logout_button(lang)
        st.stop()
    st.sidebar.caption(
        t(
            "login.signed_in_as",
            lang,
            who=markdown_text(identity.label),
            role=t(f"role.{scope.role}", lang),
        )
    )
    _logout_button(lang)
    return scope


def _login_prompt(lang: str) -> None:
    st.info(t("login.intro", lang), icon=":material/login:")
    for provider in providers():
        label = (
            t("login.button", lang)
            if provider is None
            else t("login.button_provider", lang, provider=provider)
        )
        st.button(
            label,
            type="primary",
            key=f"login_{provider or 'default'}",
            on_click=st.login,
            args=() if provider is None else (provider,),
        )


def _logout_button(lang: str) -> None:
    st.sidebar.button(t("login.logout", lang), key="logout", on_click=st.logout)


def admin_access(scope: Scope | None, lang: str) -> bool:
    """Guard of the administration pages: ``True`` for an administrator, ``False`` (read-only,
    with a note) for an analytiker; everyone else is stopped with "access denied"."""
    rights = administration_rights(scope)
    if rights == "edit":
        return True
    if rights == "read":
        st.caption(t("admin.read_only", lang))
        return False
    st.error(t("admin.access_denied", lang), icon=":material/block:")
    st.stop()
    return False
