"""The dashboards in a real browser: every page for each demo role, no exception box anywhere.

One server for the whole module; each role gets a fresh browser session on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import (
    Server,
    assert_no_exception,
    browser_page,
    settle,
    start_server,
    stop_server,
    wait_for_app,
)

pytestmark = pytest.mark.browser

# url path -> the page title that shows it has rendered
PAGES = {
    "overblik": "Overblik",
    "udvikling": "Udvikling",
    "enheder": "Enheder",
    "faser": "Faser",
    "kommentarer": "Kommentarer",
    "laes_tallene": "Sådan læser du tallene",
}
ROLES = [
    ("Administrator", None, None),
    ("Leder", "Leder for enhed", "Ældreområde Syd"),
    ("MED-medlem", "Medlem af MED-udvalg", "Lokal-MED Ældreområde Nord"),
]


@pytest.fixture(scope="module")
def dashboard_server(tmp_path_factory: pytest.TempPathFactory, demo_file: Path) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("dash-browser")
    copy = folder / "demo.duckdb"
    copy.write_bytes(demo_file.read_bytes())
    server = start_server(copy, folder)
    yield server
    stop_server(server)


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the sidebar selectbox called ``label``."""
    box = page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=label)
    box.click()
    box.press_sequentially(option[:4])  # long lists render only what matches what is typed
    page.get_by_role("option", name=option, exact=True).click()
    settle(page)


def _open(page, path: str, title: str) -> None:
    page.locator(f'[data-testid="stSidebar"] a[href="{path}"]').click()
    page.wait_for_url(f"**/{path}*")
    page.locator("h1").filter(has_text=title).first.wait_for(state="visible")
    settle(page)
    assert_no_exception(page)


@pytest.mark.parametrize(("role", "label", "choice"), ROLES, ids=["admin", "leder", "med"])
def test_every_dashboard_page_renders_for_the_role(
    dashboard_server: Server, browser, role: str, label: str | None, choice: str | None
) -> None:
    with browser_page(browser, 1280, 2400) as page:
        page.goto(dashboard_server.url)
        wait_for_app(page, "Overblik")
        _choose(page, "Rolle", role)
        if label is not None:
            _choose(page, label, choice)
        combobox = page.locator('[data-testid="stSidebar"]').get_by_role("combobox")
        assert combobox.first.input_value() == role
        assert_no_exception(page)
        for path, title in PAGES.items():
            _open(page, path, title)
            body = page.locator('[data-testid="stMain"]').inner_text()
            assert "Traceback" not in body
            if role == "Leder":
                assert "Ældreområde Nord" not in body, (path, body[:3000])
        _open(page, "udvikling", "Udvikling")
        # the visible one: a hidden copy of the text (a stale element) must never be waited on
        page.get_by_text("Run chart", exact=True).filter(visible=True).first.click()
        page.locator(".js-plotly-plot").first.wait_for(state="visible")
        assert_no_exception(page)


def test_the_overview_link_opens_udvikling_on_the_syd_medspil_drop(
    dashboard_server: Server, page
) -> None:
    page.goto(dashboard_server.url)
    wait_for_app(page, "Det har ændret sig")
    # The Syd medspil card (the area and its five units) leads the list: follow its link, the
    # one to the area's own medspil trend.
    link = page.locator('a[href*="enhed=AELDRE-SYD&"][href*="omraade=medspil"]').first
    link.wait_for(state="attached")
    if not link.is_visible():  # listed after the first five: inside "Vis … flere"
        page.get_by_text(re.compile(r"^Vis \d+ flere$")).first.click()
    link.click()
    page.locator("h1").filter(has_text="Udvikling").first.wait_for(state="visible")
    page.locator(".js-plotly-plot").first.wait_for(state="visible")
    assert_no_exception(page)
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "Ældreområde Syd" in body and "Medspil" in body
    legend = page.locator(".js-plotly-plot .legendtext").all_text_contents()
    assert "Medspil: Ændring fanget" in legend and "Niveauskift: Medspil" in legend
