"""Svarkoder page, run through Streamlit's AppTest: issuing codes and slips, response rates under
the anonymity rules, the refusal for every role but administrator, and an installation that has
no project yet."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data import open_database
from data.db import Database
from surveys.administration.access import DEMO_ROLES
from surveys.answering.codes import code_hash, installation_secret, normalise_code
from surveys.installation.setup import mark_initialised, register_instrument
from surveys.instruments.instrument import load_instrument
from tests.conftest import app_file, app_on
from tests.pages.login_support import ROLE_FILE, signed_in
from tests.surveys.answering.answer_support import TODAY, open_codes, submit_answers

TIMEOUT = 60
CODE = re.compile(r"^[A-HJKMNP-Z2-9]{5}-[A-HJKMNP-Z2-9]{5}$")
HIDDEN = "færre end k svar"


@pytest.fixture
def demo(app_env: Path) -> Iterator[Database]:
    database = open_database(app_env)
    yield database
    database.close()


def codes_page(**state: str) -> AppTest:
    """The page with the frame's session state set, showing project ``medicin``."""
    at = AppTest.from_file(app_file("pages/svarkoder.py"), default_timeout=TIMEOUT)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if not at.error:
        at.selectbox(key="codes_project").set_value("medicin").run()
    return at


def _rates(at: AppTest) -> pd.DataFrame:
    """The rate table by unit name (the tree's indentation dots taken off)."""
    table = at.table[0].value
    return table.set_index(table["Enhed"].str.lstrip("· "))


@pytest.fixture
def answer_address(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An installation whose answer address employees can reach."""
    config = tmp_path / "medspil.toml"
    config.write_text('[medspil]\nbase_url = "https://medspil.fjordby.dk"\n', encoding="utf-8")
    monkeypatch.setenv("MEDSPIL_CONFIG", str(config))
    return "https://medspil.fjordby.dk/besvar"


def test_an_administrator_issues_codes_and_gets_them_once_with_the_slips(
    demo: Database, app_env: Path, answer_address: str
) -> None:
    at = codes_page()
    assert f"Sedlerne peger på {answer_address}" in at.caption[0].value
    assert not at.exception
    assert at.title[0].value == "Svarkoder"
    at.selectbox(key="codes_unit").set_value("NORD-EGELY")
    at.number_input(key="codes_count").set_value(3)
    at.button[0].click().run()
    assert not at.exception
    codes = at.code[0].value.splitlines()
    assert len(codes) == 3 and all(CODE.match(code) for code in codes)
    assert "3 koder er udstedt til Plejecenter Egely" in at.success[0].value
    assert "vises kun nu" in at.warning[0].value
    download = at.get("download_button")[0]
    assert download.proto.label == "Download sedler (PDF)"
    assert any(answer_address in c.value for c in at.caption)
    secret = installation_secret(app_env)
    with demo.cursor() as cur:
        units = cur.execute(
            "SELECT unit_id FROM invitations WHERE code_hash IN (SELECT unnest(?::VARCHAR[]))",
            [[code_hash(normalise_code(code), secret) for code in codes]],
        ).fetchall()
        audit = cur.execute("SELECT actor, detail FROM audit_log ORDER BY id DESC").fetchone()
    assert units == [("NORD-EGELY",)] * 3
    assert audit[0] == "demo" and "issued 3 codes" in audit[1] and codes[0] not in audit[1]
    # "Skjul koderne" takes them off the screen; nothing can show them again.
    at.button[1].click().run()
    assert len(at.code) == 0


@pytest.mark.parametrize(
    "state",
    [
        {"demo_role": "leder", "demo_role_unit": "AELDRE-NORD"},
        {"demo_role": "med", "demo_role_committee": "HMED"},
    ],
)
def test_every_role_but_administrator_is_refused(app_env: Path, state: dict[str, str]) -> None:
    at = codes_page(**state)
    assert not at.exception
    assert "Kun administratorer" in at.error[0].value
    assert len(at.selectbox(key="demo_role").options) == len(DEMO_ROLES)  # the frame's picker
    assert len(at.table) == 0 and len(at.button) == 0


def _latest_closed_wave(demo: Database) -> int:
    with demo.cursor() as cur:
        return cur.execute(
            "SELECT id FROM waves WHERE project_id = 'medicin' AND closes < ? ORDER BY closes DESC",
            [TODAY],
        ).fetchone()[0]


def test_response_rates_hide_small_groups_and_wait_for_the_open_wave_to_close(
    demo: Database, app_env: Path
) -> None:
    at = codes_page()
    # The open wave comes first: codes issued per unit, answers only for the whole project.
    rates = _rates(at)
    assert set(rates["Svar"]) == {"efter lukning"}
    assert set(rates["Svarprocent"]) == {"efter lukning"}
    assert rates.loc["Nattevagten Nord", "Udstedte koder"] == "6"
    assert any("i hele projektet indtil nu" in info.value for info in at.info)
    solhoj_issued = int(rates.loc["Plejecenter Solhøj", "Udstedte koder"])
    # Answer once with a fresh code: Solhøj counts one more issued code and still no answers.
    secret = installation_secret(app_env)
    (code,) = open_codes(demo, 1, secret=secret)
    submit_answers(demo, code, {}, None, today=TODAY, secret=secret)
    after = _rates(codes_page())
    assert int(after.loc["Plejecenter Solhøj", "Udstedte koder"]) == solhoj_issued + 1
    assert after["Svar"].tolist() == rates["Svar"].tolist()
    # A closed wave: the night team is hidden, every shown count is at least k.
    at = codes_page()
    at.selectbox(key="codes_rate_wave").set_value(_latest_closed_wave(demo)).run()
    rates = _rates(at)
    assert rates.loc["Nattevagten Nord", "Svar"] == HIDDEN
    assert rates.loc["Nattevagten Nord", "Svarprocent"] == HIDDEN
    shown = rates[rates["Svar"] != HIDDEN]
    assert all(int(used) >= 5 for used in shown["Svar"])
    solhoj = rates.loc["Plejecenter Solhøj"]
    used, issued = int(solhoj["Svar"]), int(solhoj["Udstedte koder"])
    assert solhoj["Svarprocent"] == f"{round(100 * used / issued)} %"


def test_no_hidden_count_can_be_worked_out_from_the_shown_ones(
    demo: Database, app_env: Path
) -> None:
    # The rule itself, checked directly on the latest closed wave of medicin: every shown unit
    # has at least k answers, and what it has beyond its nearest shown sub-units is 0 or >= k.
    wave = _latest_closed_wave(demo)
    with demo.cursor() as cur:
        tree = dict(cur.execute("SELECT id, parent_id FROM units").fetchall())
        names = dict(cur.execute("SELECT id, name FROM units").fetchall())
        used = dict(
            cur.execute(
                "SELECT unit_id, count(*) FROM responses WHERE wave_id = ? GROUP BY unit_id",
                [wave],
            ).fetchall()
        )
    at = codes_page()
    at.selectbox(key="codes_rate_wave").set_value(wave).run()
    rates = _rates(at)
    by_name = {name: unit for unit, name in names.items()}
    shown = {by_name[name] for name in rates.index[rates["Svar"] != HIDDEN]}

    def below(unit: str) -> list[str]:
        return [child for child, up in tree.items() if up == unit]

    def total(unit: str) -> int:
        return used.get(unit, 0) + sum(total(child) for child in below(unit))

    def nearest_shown(unit: str) -> list[str]:
        found = []
        for child in below(unit):
            found += [child] if child in shown else nearest_shown(child)
        return found

    assert {"AELDRE-NORD", "AELDRE-SYD"} <= shown and "NORD-NAT" not in shown
    for unit in shown:
        assert total(unit) >= 5
        rest = total(unit) - sum(total(child) for child in nearest_shown(unit))
        assert rest == 0 or rest >= 5, unit
        assert int(rates.loc[names[unit], "Svar"]) == total(unit)


def test_slips_are_refused_while_the_answer_address_is_this_machine(
    demo: Database, app_env: Path
) -> None:
    at = codes_page()
    assert "Sedlerne peger på http://localhost:8501/besvar" in at.caption[0].value
    at.selectbox(key="codes_unit").set_value("NORD-EGELY")
    at.number_input(key="codes_count").set_value(2)
    at.button[0].click().run()
    assert not at.exception
    assert len(at.code[0].value.splitlines()) == 2  # the codes themselves are issued
    assert "Sæt base_url under [medspil] i medspil.toml" in at.error[0].value
    assert len(at.get("download_button")) == 0


@pytest.fixture
def no_projects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A real installation's first day: the file as ``medspil init`` makes it (no project, no
    unit), a role file and login, so an administrator can open the page."""
    path = tmp_path / "empty.duckdb"
    db = open_database(path)
    register_instrument(db, load_instrument())
    mark_initialised(db)
    db.close()
    config = tmp_path / "medspil.toml"
    config.write_text(ROLE_FILE, encoding="utf-8")
    monkeypatch.setenv("MEDSPIL_CONFIG", str(config))
    with app_on(path, monkeypatch):
        yield path


@pytest.mark.parametrize("page", ["pages/svarkoder.py", "pages/maalinger.py"])
def test_an_installation_without_projects_says_so_and_stops(no_projects: Path, page: str) -> None:
    # Both administration pages that start from a project picker (Svarkoder, Målinger).
    at = signed_in(page, "admin").run()
    assert not at.exception
    assert [i.value for i in at.info] == [
        "Der er ingen projekter endnu. Opret et på siden Projekter."
    ]
    assert len(at.selectbox) == 0 and len(at.subheader) == 0 and len(at.table) == 0
