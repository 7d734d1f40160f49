"""The app in a real browser: the project list, and a fresh server opened on a page URL first."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_no_exception, wait_for_app

pytestmark = pytest.mark.browser


def test_the_overview_lists_the_demo_projects(server, page) -> None:
    page.goto(server.url)
    wait_for_app(page, "Digital medicinhåndtering på plejecentre")
    assert_no_exception(page)
    body = page.inner_text("body")
    assert "Sensorer og skærmbesøg i hjemmeplejen" in body
    assert "Digital byggesagsbehandling" in body
    assert "Demodata" in body
    assert page.evaluate("document.documentElement.lang") == "da"


def test_a_fresh_server_opened_on_a_page_url_first_still_guards_the_page(server, page) -> None:
    # The very first request to this server goes straight to the page URL.
    page.goto(f"{server.url}/overview")
    wait_for_app(page, "Digital medicinhåndtering på plejecentre")
    assert_no_exception(page)
    body = page.inner_text("body")
    assert "Demodata" in body
    assert "Rolle" in body  # the page set up its own scope picker
