"""Login mode through AppTest: every role, an unmapped identity, nobody signed in, the role file,
the menu per role, demo mode's network guard, and a leder trying to reach another unit."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from tests.conftest import app_file
from tests.pages.login_support import PROJECTS, TIMEOUT, role_file, signed_in, texts

__all__ = ["role_file"]  # the fixture, imported for pytest

ADMIN_PAGES = [
    "pages/organisation.py",
    "pages/med_udvalg.py",
    "pages/projekter.py",
    "pages/maalinger.py",
    "pages/logbog.py",
    "pages/importer.py",
]


def _projects(at: AppTest) -> list[str]:
    return [s.value for s in at.subheader]


def test_nobody_signed_in_sees_only_the_login_button(role_file: Path) -> None:
    at = signed_in("pages/overblik.py", None).run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Log ind"]
    assert "Log ind med din kommunes login" in at.info[-1].value
    assert _projects(at) == [] and len(at.title) == 0
    assert "Rolle" not in [s.label for s in at.selectbox]  # no demo role picker


@pytest.mark.parametrize("role", ["leder", "med", "admin", "analytiker"])
def test_each_role_sees_the_projects_of_its_scope(role_file: Path, role: str) -> None:
    at = signed_in("pages/overblik.py", role).run()
    assert not at.exception
    assert at.title[0].value == "Overblik"
    assert _projects(at) == PROJECTS[role]
    assert [s.label for s in at.selectbox] == []  # no role picker in login mode
    roles = {"leder": "Leder", "med": "MED-medlem", "admin": "Administrator"}
    roles["analytiker"] = "Analytiker"
    assert f"({roles[role]})." in texts(at)
    assert "Log ud" in [b.label for b in at.button]


def test_an_unmapped_identity_sees_a_polite_no_access_page_and_nothing_else(role_file) -> None:
    at = signed_in("pages/overblik.py", "stranger").run()
    assert not at.exception
    assert "stranger@fjordby.dk, men du har ikke adgang til Medspil" in at.info[-1].value
    assert _projects(at) == [] and len(at.title) == 0 and len(at.metric) == 0
    assert [b.label for b in at.button] == ["Log ud"]
    for page in ADMIN_PAGES:
        at = signed_in(page, "stranger").run()
        assert not at.exception and len(at.dataframe) == 0 and len(at.title) == 0


def test_a_broken_role_file_is_named_and_shows_nothing(role_file: Path) -> None:
    role_file.write_text('[[access]]\nemail = "leder@fjordby.dk"\nrole = "chef"\n')
    at = signed_in("pages/overblik.py", "leder").run()
    assert not at.exception
    assert f"Rollefilen {role_file} skal rettes" in at.error[0].value
    assert "rollen »chef« findes ikke" in at.error[0].value
    assert _projects(at) == []


def test_a_leder_cannot_widen_the_scope_through_session_state_or_query_params(role_file) -> None:
    at = signed_in("pages/overblik.py", "leder")
    # The demo picker's keys mean nothing in login mode ...
    at.session_state["demo_role"] = "admin"
    at.session_state["demo_role_unit"] = "AELDRE-SYD"
    # ... and neither do made-up query parameters naming another unit or project.
    at.query_params["enhed"] = "AELDRE-SYD"
    at.query_params["unit"] = "AELDRE-SYD"
    at.query_params["project"] = "medicin"
    at.run()
    assert not at.exception
    assert _projects(at) == PROJECTS["leder"]


@pytest.mark.parametrize("role", ["leder", "med"])
def test_the_administration_pages_refuse_leder_and_med(role_file: Path, role: str) -> None:
    for page in ADMIN_PAGES:
        at = signed_in(page, role).run()
        assert not at.exception, page
        assert "Du har ikke adgang til denne side" in at.error[0].value, page
        assert len(at.dataframe) == 0 and len(at.file_uploader) == 0, page


def test_an_analytiker_reads_the_administration_pages_without_forms(role_file: Path) -> None:
    for page in ADMIN_PAGES:
        at = signed_in(page, "analytiker").run()
        assert not at.exception, page
        assert "du kan læse, men ikke ændre noget" in texts(at), page
        assert len(at.dataframe) >= 1, page
        assert len(at.file_uploader) == 0 and len(at.text_input) == 0, page
        assert not [b for b in at.button if b.label != "Log ud"], page


def test_the_menu_lists_administration_only_for_admin_and_analytiker(role_file: Path) -> None:
    for role, listed in (("admin", True), ("analytiker", True), ("leder", False), ("med", False)):
        at = signed_in("app.py", role).run()
        assert not at.exception
        menu = [link.proto.page for link in at.sidebar.get("page_link")]
        assert menu[:2] == ["overblik", "udvikling"], role
        assert ("organisation" in menu) is listed, role
        assert "besvar" in menu and "start" not in menu, role
        at.switch_page("pages/organisation.py").run()
        if listed:
            assert at.title[0].value == "Organisation"
        else:  # not in the menu, and the page refuses whoever types its address
            assert "Du har ikke adgang" in at.error[0].value


@pytest.fixture
def network_address():
    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    yield
    config.set_option("server.address", before)


def test_demo_mode_refuses_a_network_address(app_env: Path, network_address) -> None:
    at = AppTest.from_file(app_file("pages/overblik.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert "Demotilstand er slået fra" in at.error[0].value
    assert "0.0.0.0" in at.error[0].value
    assert [s.label for s in at.selectbox] == [] and _projects(at) == []


def test_demo_mode_on_a_network_address_runs_when_configured(
    app_env: Path, network_address, tmp_path: Path, monkeypatch
) -> None:
    allowed = tmp_path / "medspil.toml"
    allowed.write_text("[medspil]\nallow_demo_mode_on_network = true\n")
    monkeypatch.setenv("MEDSPIL_CONFIG", str(allowed))
    at = AppTest.from_file(app_file("pages/overblik.py"), default_timeout=TIMEOUT).run()
    assert not at.exception and len(at.error) == 0
    assert "Rolle" in [s.label for s in at.selectbox]
    assert "Demotilstand: ingen login" in texts(at)
