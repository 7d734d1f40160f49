"""Pages refuse what is unsafe with a plain message (issue 12, items 3, 4, 6 and 10)."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from data import open_database
from surveys.installation.setup import mark_initialised, register_instrument
from surveys.instruments.instrument import load_instrument
from tests.conftest import app_file

TIMEOUT = 90


@pytest.fixture
def real_installation(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """A database made as ``medspil init`` makes it, and no [auth] in the secrets."""
    path = tmp_path / "real.duckdb"
    db = open_database(path)
    register_instrument(db, load_instrument())
    mark_initialised(db)
    db.close()
    monkeypatch.setenv("MEDSPIL_DB", str(path))
    monkeypatch.setenv("MEDSPIL_CONFIG", str(tmp_path / "none.toml"))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield path
    st.cache_resource.clear()


@pytest.mark.parametrize("page", ["pages/overblik.py", "pages/organisation.py"])
def test_a_real_installation_without_login_refuses_and_says_what_to_configure(
    real_installation: Path, page: str
) -> None:
    at = AppTest.from_file(app_file(page), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert "[auth]" in at.error[0].value and "medspil init" in at.error[0].value
    assert [s.label for s in at.selectbox] == []  # no role picker
    assert at.get("file_uploader") == []


def test_an_invalid_settings_file_stops_every_page_with_its_line(
    app_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "medspil.toml"
    bad.write_text('[medspil]\nallow_demo_mode_on_network = "false"\n')
    monkeypatch.setenv("MEDSPIL_CONFIG", str(bad))
    for page in ("app.py", "pages/overblik.py", "pages/besvar.py"):
        at = AppTest.from_file(app_file(page), default_timeout=TIMEOUT).run()
        assert not at.exception
        errors = " ".join(e.value for e in at.error)
        assert "Linje 2: allow_demo_mode_on_network" in errors, page
        assert [s.label for s in at.selectbox] == []
