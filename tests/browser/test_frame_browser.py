"""The frame in a real browser: the app's own menu, every page's URL, and choices that stay put.

The first test needs a server whose very first request is a page URL, so it starts its own; the
others share one server for the module.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pages.common.menu import ADMINISTRATION, ANSWER, DASHBOARDS
from tests.browser.conftest import (
    TIMEOUT_MS,
    Server,
    assert_no_exception,
    settle,
    start_server,
    stop_server,
)

pytestmark = pytest.mark.browser

MANAGERS_MENU = [p.url_path for p in (*DASHBOARDS, ANSWER)]
ADMIN_MENU = MANAGERS_MENU + [p.url_path for p in ADMINISTRATION]
# Streamlit's legacy list would name these (file names, or the app script itself).
FILE_NAMES = ("laes tallene", "med udvalg", "oejebliksbillede", "app")


def menu_paths(page, *, drawn: bool = False) -> list[str]:
    """The URL paths the sidebar menu links to, in order; ``drawn``: wait for the menu first (a
    busy server may still be drawing the sidebar when the main area is already there)."""
    if drawn:
        page.locator('[data-testid="stSidebar"] a[href]').first.wait_for(timeout=TIMEOUT_MS)
    hrefs = page.locator('[data-testid="stSidebar"] a').evaluate_all(
        "links => links.map(a => new URL(a.href).pathname.replace(/^\\//, ''))"
    )
    return [h for h in hrefs if h]


def shown(page, text: str) -> None:
    """Wait until the main area shows ``text`` and the page has stopped running."""
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text(text, exact=False).first.wait_for(state="visible", timeout=TIMEOUT_MS)
    settle(page)


def titled(page, heading: str) -> None:
    """Wait until the page's title is ``heading`` and the page has stopped running."""
    title = page.locator('[data-testid="stMain"] h1').filter(has_text=heading).first
    title.wait_for(state="visible", timeout=TIMEOUT_MS)
    settle(page)


def open_page(page, url: str, heading: str) -> None:
    page.goto(url)
    titled(page, heading)


@pytest.fixture(scope="module")
def frame_server(tmp_path_factory: pytest.TempPathFactory, demo_file: Path) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("frame-browser")
    copy = folder / "demo.duckdb"
    copy.write_bytes(demo_file.read_bytes())
    server = start_server(copy, folder)
    yield server
    stop_server(server)


def test_a_fresh_server_first_asked_for_udvikling_shows_the_apps_menu(server, page) -> None:
    # The very first request to this server goes straight to a page URL, with a deep link.
    page.goto(f"{server.url}/udvikling?projekt=medicin")
    shown(page, "Spørgsmålsområder")
    assert_no_exception(page)
    assert menu_paths(page, drawn=True) == ADMIN_MENU  # the demo starts as administrator
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert "Sådan læser du tallene" in sidebar and "Administration" in sidebar
    for raw in FILE_NAMES:
        assert f"\n{raw}\n" not in f"\n{sidebar}\n", raw
    assert "/udvikling" in page.url and "projekt=medicin" in page.url
    # The same server, a second browser session: still the app's menu.
    page.goto(f"{server.url}/faser")
    shown(page, "Faser")
    assert menu_paths(page, drawn=True) == ADMIN_MENU


def test_overblik_has_its_own_address_and_the_old_enhedskort_address_still_works(
    frame_server, page
) -> None:
    page.goto(f"{frame_server.url}/overblik")
    shown(page, "Digital medicinhåndtering på plejecentre")
    body = page.inner_text("body")
    assert "Page not found" not in body and "Siden findes ikke" not in body
    assert page.locator("h1").first.inner_text() == "Overblik"
    page.goto(f"{frame_server.url}/enhedskort")
    titled(page, "Enheder")
    assert page.locator("h1").first.inner_text() == "Enheder"
    assert "Page not found" not in page.inner_text("body")


def test_a_deep_link_keeps_its_query_in_the_address_bar(frame_server, page) -> None:
    page.goto(f"{frame_server.url}/udvikling?projekt=medicin&enhed=AELDRE-SYD&omraade=medspil")
    shown(page, "Spørgsmålsområder")
    assert "enhed=AELDRE-SYD" in page.url
    assert "projekt=medicin" in page.url and "omraade=medspil" in page.url


def test_english_stays_english_on_the_next_page(frame_server, page) -> None:
    open_page(page, f"{frame_server.url}/overblik", "Overblik")
    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    titled(page, "Overview")
    page.locator('[data-testid="stSidebar"] a[href="faser"]').click()
    titled(page, "Phases")
    assert page.locator("h1").first.inner_text() == "Phases"
    pressed = page.locator(
        '[data-testid="stSidebar"] button[aria-pressed="true"], '
        '[data-testid="stSidebar"] button[aria-checked="true"]'
    )
    assert pressed.inner_text() == "English"
    assert page.evaluate("document.documentElement.lang") == "en"


def test_the_demo_role_survives_a_visit_to_the_answer_page(frame_server, page) -> None:
    open_page(page, f"{frame_server.url}/overblik", "Overblik")
    role = page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name="Rolle")
    role.click()
    page.get_by_role("option", name="Analytiker", exact=True).click()
    settle(page)
    page.locator('[data-testid="stSidebar"] a[href="besvar"]').click()
    shown(page, "svarkode")
    # A respondent never sees the managers' menu or the role picker.
    assert menu_paths(page) == []
    assert "Rolle" not in page.locator("body").inner_text()
    page.go_back()
    titled(page, "Overblik")
    role = page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name="Rolle")
    assert "Analytiker" in role.input_value() or "Analytiker" in (
        page.locator('[data-testid="stSidebar"]').inner_text()
    )


def test_a_leders_unit_survives_a_visit_to_the_answer_page(frame_server, page) -> None:
    open_page(page, f"{frame_server.url}/overblik", "Overblik")
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("combobox", name="Rolle").click()
    page.get_by_role("option", name="Leder", exact=True).click()
    settle(page)
    sidebar.get_by_role("combobox", name="Leder for enhed").click()
    page.get_by_role("option", name="Ældreområde Syd", exact=True).click()
    settle(page)
    shown(page, "Digital medicinhåndtering")  # Syd's project (the first unit, ADM-DIGI, has none)
    sidebar.locator('a[href="besvar"]').click()
    shown(page, "svarkode")
    assert "Leder for enhed" not in page.locator("body").inner_text()
    page.go_back()
    titled(page, "Overblik")
    unit = page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name="Leder for enhed")
    unit.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert "Ældreområde Syd" in unit.input_value() or "Ældreområde Syd" in sidebar.inner_text()
    # The default unit (the first, Digitalisering) is in no project: Overblik would be empty.
    shown(page, "Digital medicinhåndtering")


# Streamlit's own English that a Danish page must not show (rendered text and placeholders),
# and internal names that must not leak. Not listed: the file uploader's "Browse files", which
# is hidden by CSS but still in the page's text (README: "The frame").
ENGLISH = (
    "Choose an option",
    "Choose options",
    "Select all",
    "Press Ctrl+Enter to submit form",
    "Press Enter to apply",
    "Page not found",
    "Drag and drop file here",
    "200MB per file",
    "k_comments",
    "medspil-1",
)


def test_no_streamlit_english_on_the_danish_pages(frame_server, page) -> None:
    open_page(page, f"{frame_server.url}/overblik", "Overblik")
    found = {}
    for entry in (*DASHBOARDS, *ADMINISTRATION):
        page.locator(f'[data-testid="stSidebar"] a[href="{entry.url_path}"]').click()
        page.wait_for_url(f"**/{entry.url_path}*")
        settle(page)
        text = page.locator('[data-testid="stMain"]').inner_text()
        placeholders = page.locator("[placeholder]").evaluate_all(
            "els => els.map(e => e.getAttribute('placeholder'))"
        )
        shown = "\n".join([text, *placeholders])
        leaks = [s for s in ENGLISH if s in shown]
        if leaks:
            found[entry.url_path] = leaks
    assert found == {}
