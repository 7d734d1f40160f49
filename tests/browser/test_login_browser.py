"""Signing in through a real (local, offline) OpenID Connect provider in a real browser.

The test starts ``oidc-provider-mock`` in a thread and a Streamlit server whose secrets (a
temporary ``secrets.toml`` passed with ``--secrets.files``) point at it, so the checkout's own
``.streamlit/secrets.toml`` is never written. Each person signs in on the provider's form and
sees the pages of their role.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from oidc_provider_mock import User, run_server_in_thread

from tests.browser.conftest import (
    Server,
    assert_no_exception,
    browser_page,
    free_port,
    settle,
    start_server,
    stop_server,
    wait_for_app,
)

pytestmark = pytest.mark.browser

ROLE_FILE = """
[[access]]
email = "leder@fjordby.dk"
role = "leder"
units = ["BYGPLAN"]

[[access]]
group = "medspil-admins"
role = "admin"
"""
ADMIN = User(sub="it-afdelingen", claims={"email": "it@fjordby.dk", "groups": ["medspil-admins"]})
# A leder is mapped by e-mail, which counts only when the provider says it is verified.
LEDER = User(sub="leder@fjordby.dk", claims={"email": "leder@fjordby.dk", "email_verified": True})
LOGIN_TEXT = "Log ind med din kommunes login"


def _start_with_secrets(db_path: Path, tmp_path: Path, provider_url: str) -> Server:
    """``streamlit run app.py`` with a temporary secrets file naming the provider."""
    port = free_port()
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-long-random-test-cookie-secret-0123456789"\n'
        'client_id = "medspil"\n'
        'client_secret = "test-secret"\n'
        f'server_metadata_url = "{provider_url}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    roles = tmp_path / "medspil.toml"
    roles.write_text(ROLE_FILE, encoding="utf-8")
    return start_server(
        db_path,
        tmp_path,
        {"MEDSPIL_CONFIG": str(roles)},
        port=port,
        extra_args=("--secrets.files", str(secrets)),
    )


@pytest.fixture
def login_server(demo_copy: Path, tmp_path: Path) -> Iterator[Server]:
    with run_server_in_thread(user_claims=[ADMIN, LEDER]) as provider:
        server = _start_with_secrets(
            demo_copy, tmp_path, f"http://localhost:{provider.server_port}"
        )
        yield server
        stop_server(server)


def _sign_in(page, server: Server, *, subject: str | None = None, button: str | None = None):
    page.goto(server.url)
    wait_for_app(page, LOGIN_TEXT)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url("**/oauth2/authorize**")
    if button is not None:
        page.get_by_role("button", name=button).click()  # a user the provider knows
    else:
        page.fill("input[name=sub]", subject)  # any subject; its e-mail claim is the subject
        page.get_by_role("button", name="Authorize").click()


MENU = ".st-key-medspil_menu a"  # the menu the frame draws (pages/common/menu.py)


def _menu(page, *, drawn_with: str | None = None) -> list[str]:
    """The menu's page names (each link's last line: the first is its icon's ligature).

    With ``drawn_with``, first wait until the menu shows that page: the frame may draw the menu
    after the page's text, so a page that shows its text has not always drawn its menu yet."""
    if drawn_with is not None:
        page.locator(MENU, has_text=drawn_with).first.wait_for(state="visible")
        settle(page)  # and the rest of that run's menu with it
    return [
        text.strip().splitlines()[-1]
        for text in page.locator(MENU).all_inner_texts()
        if text.strip()
    ]


def test_people_sign_in_at_the_identity_provider_and_see_the_pages_of_their_role(
    login_server: Server, browser
) -> None:
    # Nobody signed in: only the login button; no menu, no data, no demo role picker.
    with browser_page(browser, 1280, 2000) as page:
        page.goto(login_server.url)
        wait_for_app(page, LOGIN_TEXT)
        body = page.inner_text("body")
        assert "Digital byggesagsbehandling" not in body and "Rolle" not in body
        assert _menu(page) == []

        # A leder signs in with a subject typed on the provider's form.
        _sign_in(page, login_server, subject="leder@fjordby.dk")
        wait_for_app(page, "Digital byggesagsbehandling")
        assert_no_exception(page)
        body = page.inner_text("body")
        assert "Logget ind som leder@fjordby.dk (Leder)" in body
        assert "Digital medicinhåndtering på plejecentre" not in body
        menu = _menu(page, drawn_with="Overblik")
        assert "Overblik" in menu and "Organisation" not in menu and "Projekter" not in menu
        # Typing an administration page's address does not open it either.
        page.goto(f"{login_server.url}/organisation")
        wait_for_app(page, "Du har ikke adgang til denne side")  # the page refuses by itself
        assert "Importér organisationen" not in page.inner_text("body")
        assert "Page not found" not in page.inner_text("body")

        # Signing out goes through the provider's end-session page and back to the login button.
        page.get_by_role("button", name="Log ud").click()
        page.get_by_role("button", name="End session").click()
        wait_for_app(page, LOGIN_TEXT)

        # An administrator (a group claim) gets the administration pages.
        _sign_in(page, login_server, button="it-afdelingen")
        wait_for_app(page, "Sensorer og skærmbesøg i hjemmeplejen")
        assert "Logget ind som it@fjordby.dk (Administrator)" in page.inner_text("body")
        menu = _menu(page, drawn_with="Organisation")
        for title in ("Organisation", "MED-udvalg", "Projekter", "Målinger", "Logbog"):
            assert title in menu
        page.locator(MENU, has_text="Projekter").click()
        wait_for_app(page, "Opret eller ret et projekt")
        assert_no_exception(page)

    # Someone the role file does not name sees the polite no-access page and nothing else.
    with browser_page(browser, 1280, 2000) as page:
        _sign_in(page, login_server, subject="stranger@fjordby.dk")
        wait_for_app(page, "men du har ikke adgang til Medspil")
        body = page.inner_text("body")
        assert "Digital byggesagsbehandling" not in body and "Overblik" not in body
        assert _menu(page) == []
