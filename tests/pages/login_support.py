"""Helpers for AppTest runs in login mode: an ``[auth]`` secret, a role file and a user."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import app_file

TIMEOUT = 60
AUTH_SECRETS = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "a-test-cookie-secret-of-enough-length",
        "client_id": "medspil",
        "client_secret": "not-a-secret",
        "server_metadata_url": "http://localhost:9/.well-known/openid-configuration",
    }
}
ROLE_FILE = """
[[access]]
email = "leder@fjordby.dk"
role = "leder"
units = ["BYGPLAN"]

[[access]]
email = "med@fjordby.dk"
role = "med"
committees = ["LMED-SYD"]

[[access]]
group = "medspil-admins"
role = "admin"

[[access]]
email = "ana@fjordby.dk"
role = "analytiker"
"""
USERS = {
    "leder": {"email": "leder@fjordby.dk", "email_verified": True, "name": "Lea Leder"},
    "med": {"email": "med@fjordby.dk", "email_verified": True, "name": "Mads MED"},
    "admin": {"email": "it@fjordby.dk", "groups": ["alle", "medspil-admins"]},
    "analytiker": {"email": "ana@fjordby.dk", "email_verified": True},
    "stranger": {"email": "stranger@fjordby.dk", "email_verified": True, "groups": ["alle"]},
}
PROJECTS = {
    "leder": ["Digital byggesagsbehandling"],
    "med": ["Digital medicinhåndtering på plejecentre", "Sensorer og skærmbesøg i hjemmeplejen"],
    "admin": [
        "Digital medicinhåndtering på plejecentre",
        "Sensorer og skærmbesøg i hjemmeplejen",
        "Digital byggesagsbehandling",
    ],
}
PROJECTS["analytiker"] = PROJECTS["admin"]


@pytest.fixture
def role_file(app_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A role file for the login tests, found through ``MEDSPIL_CONFIG``."""
    path = tmp_path / "medspil.toml"
    path.write_text(ROLE_FILE, encoding="utf-8")
    monkeypatch.setenv("MEDSPIL_CONFIG", str(path))
    return path


def signed_in(page: str, who: str | None) -> AppTest:
    """An AppTest of ``page`` in login mode, signed in as one of ``USERS`` (``None``: nobody)."""
    at = AppTest.from_file(app_file(page), default_timeout=TIMEOUT)
    at.secrets = AUTH_SECRETS
    at.user = {"is_logged_in": False} if who is None else {"is_logged_in": True, **USERS[who]}
    return at


def texts(at: AppTest) -> str:
    """Every text the page shows in its main area and sidebar (for "sees nothing" checks)."""
    parts = [e.value for kind in ("markdown", "caption", "info", "error", "warning", "success",
                                  "subheader", "title") for e in getattr(at, kind)]  # fmt: skip
    parts += [str(m.value) for m in at.metric] + [b.label for b in at.button]
    return "\n".join(str(p) for p in parts)
