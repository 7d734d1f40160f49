"""The app in a real browser: the project list, and a fresh server opened on a page URL first."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import assert_no_exception, wait_for_app

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


def test_the_overview_lists_the_demo_projects(server, page) -> None:
    page.goto(server.url)
    wait_for_app(
        page,
        "Digital medicinhåndtering på plejecentre",
        "Sensorer og skærmbesøg i hjemmeplejen",
        "Digital byggesagsbehandling",
    )
    assert_no_exception(page)
    body = page.inner_text("body")
    assert "Sensorer og skærmbesøg i hjemmeplejen" in body
    assert "Digital byggesagsbehandling" in body
    assert "Demodata" in body
    assert page.evaluate("document.documentElement.lang") == "da"


def test_a_fresh_server_opened_on_a_page_url_first_runs_and_guards_that_page(server, page) -> None:
    # The very first request to this server goes straight to a page URL: Streamlit runs the
    # page file by its name (pages/udvikling.py) before app.py has ever run.
    page.goto(f"{server.url}/udvikling")
    wait_for_app(page, "Spørgsmålsområder", "Run chart")
    assert_no_exception(page)
    body = page.inner_text("body")
    assert "Page not found" not in body
    assert "Demodata" in body
    assert "Rolle" in body  # the page set up its own scope picker
    assert "Run chart" in body  # the trend page itself, not Overblik


def test_every_page_file_is_named_after_its_url_path() -> None:
    from pages.common.menu import all_pages

    files = {p.file for p in all_pages()}
    assert files == {f"pages/{f.name}" for f in (ROOT / "pages").glob("*.py")}
    for entry in all_pages():
        assert entry.file == f"pages/{entry.url_path}.py"
