"""The answer page in Chromium behind nginx, as a production deployment serves it.

nginx sends the front end's files, the answer page's document and the 404 for the base-path
probes itself (deploy/nginx.conf); this checks that a real browser still gets a working form
that way, and that nothing but the live parts reached Streamlit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from benchmarks.bench_answer_page import Server, prepare_database, start_server, stop_server
from tests.browser.conftest import assert_no_exception, browser_page, wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def behind_nginx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, list[str]]]:
    folder = tmp_path_factory.mktemp("nginx-browser")
    db_path, codes = prepare_database(folder, 2)
    server = start_server(db_path, folder, proxy="nginx")
    yield server, codes
    stop_server(server)


def test_a_phone_answers_through_nginx(behind_nginx, browser) -> None:
    server, codes = behind_nginx
    requests: list[tuple[str, int, str]] = []
    with browser_page(browser, 390, 844) as page:
        page.on(
            "response",
            lambda r: requests.append((r.url, r.status, r.headers.get("etag", ""))),
        )
        page.goto(f"{server.base_url}/besvar?kode={codes[0]}")
        wait_for_app(page, "Send mit svar")
        questions = page.locator('[data-testid="stForm"]').get_by_role("radiogroup")
        expect(questions.first).to_be_visible()
        questions.nth(0).get_by_text("4", exact=True).click()
        page.get_by_role("button", name="Send mit svar").click()
        wait_for_app(page, "Tak for dit svar")
        assert_no_exception(page)
    document = next(r for r in requests if "/besvar?kode=" in r[0])
    assert document[1] == 200
    assert re.fullmatch(r'"[0-9a-f]+-[0-9a-f]+"', document[2])  # nginx's file, not Streamlit's
    probes = [r for r in requests if re.search(r"/besvar/_stcore/(health|host-config)$", r[0])]
    assert probes and all(status == 404 for _, status, _ in probes)
    assert any(r[0].endswith("/_stcore/health") and r[1] == 200 for r in requests)
