"""The answer page in Chromium: a code issued by the CLI is answered on a phone-sized screen,
refused the second time and counted on the admin page; axe-core checks the page (WCAG 2.1 AA).

One server for the module: the CLI issues the codes before it starts, because the running app
holds the database file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from data import open_database
from tests.browser.conftest import (
    Server,
    assert_no_exception,
    start_server,
    stop_server,
    wait_for_app,
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).with_name("vendor") / "axe.min.js"
UNIT = "NORD-SOLHOJ"
ITEMS = 11  # medicin: the core constructs and the module "information"
# Violations that Streamlit itself causes and the app cannot fix, with the reason. Empty today:
# the theme's primary colour (.streamlit/config.toml) was darkened so that the selected segment
# of the language switches keeps 4.5:1; with Streamlit's default red it failed colour-contrast.
STREAMLIT_CAUSED: dict[str, str] = {}
FORM = '[data-testid="stForm"]'
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass
class AnswerSite:
    server: Server
    codes: list[str]
    used_before: int  # codes of the unit used in the open wave before the test


@pytest.fixture(scope="module")
def site(
    demo_file: Path, tmp_path_factory: pytest.TempPathFactory, browser
) -> Iterator[AnswerSite]:
    folder = tmp_path_factory.mktemp("answer-site")
    db_path = folder / "demo.duckdb"
    shutil.copy(demo_file, db_path)
    issued = subprocess.run(
        [sys.executable, "-m", "surveys.cli", "invite", "--project", "medicin", "--unit", UNIT,
         "--count", "3", "--db", str(db_path)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={**os.environ, "MEDSPIL_SECRET_FILE": str(db_path.with_suffix(".secret"))},
    )  # fmt: skip
    assert issued.returncode == 0, issued.stderr
    codes = issued.stdout.split()
    db = open_database(db_path)
    with db.cursor() as cur:
        used_before = cur.execute(
            """SELECT count(*) FILTER (WHERE i.used) FROM invitations i JOIN waves w
               ON w.id = i.wave_id WHERE i.unit_id = ? AND current_date BETWEEN w.opens AND w.closes
               AND w.project_id = 'medicin'""",
            [UNIT],
        ).fetchone()[0]
    db.close()
    server = start_server(db_path, folder)
    # The first session after a start runs Streamlit's file-based fallback navigation (a pages/
    # folder exists), which does not know the url path "besvar" and shows "Page not found"
    # above the right page. Reported upstream behaviour; one warm-up session avoids it here.
    warm_up = browser.new_page()
    warm_up.goto(server.url)
    wait_for_app(warm_up, "Overblik")
    warm_up.close()
    yield AnswerSite(server, codes, used_before)
    stop_server(server)


@pytest.fixture
def phone(browser) -> Iterator[object]:
    context = browser.new_context(
        viewport={"width": 390, "height": 3000}, locale="da-DK", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def test_a_slip_code_is_answered_on_a_phone_refused_again_and_counted(
    site: AnswerSite, phone, page
) -> None:
    phone.goto(f"{site.server.url}/besvar?kode={site.codes[0]}")
    wait_for_app(phone, "Send mit svar")
    assert_no_exception(phone)
    assert "Digital medicinhåndtering på plejecentre" in phone.inner_text("body")
    questions = phone.locator(FORM).get_by_role("radiogroup")
    assert questions.count() == ITEMS
    questions.nth(0).get_by_text("Helt enig", exact=True).tap()
    questions.nth(1).get_by_text("Enig", exact=True).tap()
    questions.nth(2).get_by_text("Ved ikke / ikke relevant", exact=True).tap()
    phone.get_by_label("Kommentar (frivillig, højst 1000 tegn)").fill("Fin oplæring.")
    phone.get_by_role("button", name="Send mit svar").tap()
    wait_for_app(phone, "Tak for dit svar")
    assert_no_exception(phone)
    assert phone.locator(FORM).count() == 0
    # Reloading (a new session) with the same code: refused, nothing to submit.
    phone.reload()
    wait_for_app(phone, "Koden er allerede brugt")
    assert phone.locator(FORM).count() == 0
    # The administrator sees the answer counted for the unit at once.
    page.goto(f"{site.server.url}/svarkoder")
    wait_for_app(page, "Svarprocent pr. enhed")
    page.get_by_label("Projekt").first.click()
    page.get_by_role("option", name="Digital medicinhåndtering på plejecentre").click()
    wait_for_app(page, "Hjemmeplejen Syd, dag")
    row = page.locator("tr", has_text="Plejecenter Solhøj").inner_text().split("\t")
    assert [cell.strip() for cell in row][2] == str(site.used_before + 1)
    assert_no_exception(page)


def _serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical") and v["id"] not in STREAMLIT_CAUSED
    ]


def test_the_answer_page_has_no_serious_accessibility_violations(site: AnswerSite, page) -> None:
    page.goto(f"{site.server.url}/besvar")
    wait_for_app(page, "Din svarkode")
    assert page.evaluate("document.documentElement.lang") == "da"
    assert _serious_violations(page) == []
    page.goto(f"{site.server.url}/besvar?kode={site.codes[1].lower()}")
    wait_for_app(page, "Send mit svar")
    assert _serious_violations(page) == []
    # Every answer option is reachable and operable with the keyboard alone.
    first = page.locator(FORM).get_by_role("radiogroup").first.get_by_role("radio").first
    first.focus()
    page.keyboard.press("Space")
    assert first.is_checked()
    page.get_by_role("button", name="Send mit svar").click()
    wait_for_app(page, "Tak for dit svar")
    assert _serious_violations(page) == []
    page.locator('[data-testid="stMain"]').get_by_text("English", exact=True).click()
    wait_for_app(page, "Thank you for your answer")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert _serious_violations(page) == []
