"""Helpers for the page tests of acting together: run a page as a demo role, press a form's
button, read what the page says, and look into the database the page wrote to."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from data import open_database
from medspil.scope import Scope
from surveys.together import actions, med_log
from tests.conftest import app_file

TIMEOUT = 90
ADMIN = Scope.admin()


def page(
    name: str,
    role: str = "admin",
    area: str | None = None,
    params: dict[str, str] | None = None,
) -> AppTest:
    """``pages/<name>.py`` as a demo role (a leder's unit or a committee role's committee as
    ``area``), with query parameters; not run yet."""
    at = AppTest.from_file(app_file(f"pages/{name}.py"), default_timeout=TIMEOUT)
    at.session_state["demo_role"] = role
    at.session_state["ui_lang"] = "da"
    if area is not None:
        key = "demo_role_unit" if role == "leder" else "demo_role_committee"
        at.session_state[key] = area
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at


def run(name: str, role: str = "admin", area: str | None = None, **params: str) -> AppTest:
    at = page(name, role, area, params).run()
    assert not at.exception, at.exception
    return at


def press(at: AppTest, label: str) -> AppTest:
    """Click the (form submit) button with this label and run the page again."""
    buttons = [b for b in at.button if b.label == label]
    assert len(buttons) == 1, [b.label for b in at.button]
    buttons[0].click().run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    """Every text the main area shows (not the tables)."""
    parts = [m.value for m in at.markdown] + [s.value for s in at.subheader]
    parts += [c.value for c in at.caption] + [i.value for i in at.info]
    parts += [w.value for w in at.warning] + [e.value for e in at.error]
    parts += [s.value for s in at.success]
    return "\n".join(str(p) for p in parts)


def labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


def link_params(at: AppTest, page_name: str) -> list[str]:
    """The query strings of the page links to ``page_name`` (a URL path) on the page."""
    return [link.proto.query_string for link in at.get("page_link") if link.proto.page == page_name]


def stored_entries(path: Path) -> list[med_log.LogEntry]:
    db = open_database(path)
    try:
        return med_log.visible_entries(db, ADMIN)
    finally:
        db.close()


def stored_actions(path: Path) -> list[actions.Action]:
    db = open_database(path)
    try:
        return actions.visible_actions(db, ADMIN)
    finally:
        db.close()
