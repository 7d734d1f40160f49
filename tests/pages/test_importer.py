"""Importér data page: upload SurveyXact CSV files and a saved mapping, preview, apply, see the
import listed and remove it; a suggested mapping; broken files; every other role refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data import open_database
from tests.conftest import app_file
from tests.pages.login_support import TIMEOUT
from tests.surveys.importing.support import first_wave, pulse_csv_files, pulse_mapping, pulse_rows


def _responses(path: Path) -> int:
    db = open_database(path)
    try:
        with db.cursor() as cur:
            return cur.execute("SELECT count(*) FROM responses").fetchone()[0]
    finally:
        db.close()


def _mapping(path: Path) -> str:
    db = open_database(path)
    first = first_wave(db)
    db.close()
    return pulse_mapping((first - dt.timedelta(days=70), first - dt.timedelta(days=40)))


def _page(**state: str) -> AppTest:
    at = AppTest.from_file(app_file("pages/importer.py"), default_timeout=TIMEOUT)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def _upload(at: AppTest, files: dict[str, bytes], mapping: str | None) -> AppTest:
    at.selectbox(key="import_project").set_value("medicin")
    at.file_uploader(key="import_files").set_value(
        [(name, data, "text/csv") for name, data in files.items()]
    )
    if mapping is not None:
        at.file_uploader(key="import_mapping_file").upload(
            "mapping.toml", mapping.encode("utf-8"), "application/toml"
        )
    return at.run()


def test_upload_preview_apply_list_and_remove(app_env: Path) -> None:
    mapping = _mapping(app_env)
    before = _responses(app_env)
    at = _page()
    assert not at.exception
    assert at.title[0].value == "Importér data"
    assert "Der er ikke importeret noget endnu." in [c.value for c in at.caption]
    _upload(at, pulse_csv_files(), mapping)
    assert not at.exception
    assert not at.error
    assert any("36 besvarelser gemmes i 2 målinger og 3 enheder" in m.value for m in at.markdown)
    preview = at.dataframe[0].value
    assert list(preview["Gemmes"]) == [6] * 6
    assert list(preview["Ingen svar"]) == [1] * 6
    at.file_uploader(key="import_mapping_file").set_value(None)
    at.button(key="import_apply").click().run()
    assert not at.exception
    assert "Importen er gemt som import nr. 1: 36 besvarelser." in at.success[0].value
    assert _responses(app_env) == before + 36
    listing = at.dataframe[-1].value
    assert list(listing["Fil"]) == ["dataset.csv"]
    assert list(listing["Målinger"]) == [2]
    at.button(key="import_remove").click().run()
    assert not at.exception
    assert "Import nr. 1 (dataset.csv) er fjernet" in at.success[0].value
    assert _responses(app_env) == before


def test_without_a_saved_mapping_the_page_suggests_one(app_env: Path) -> None:
    at = _upload(_page(), pulse_csv_files(), None)
    assert not at.exception
    text = at.text_area(key="import_mapping").value
    assert 'column = "enhed"' in text
    assert 'item = "men1"' in text
    # the suggestion has no dates for the rounds yet: the page says what is missing
    assert "runden »1« har ingen dato" in at.error[0].value


def test_a_broken_file_is_rejected_with_its_line_and_no_apply_button(app_env: Path) -> None:
    rows = pulse_rows()
    rows[3][5] = "8"
    before = _responses(app_env)
    at = _upload(_page(), pulse_csv_files(rows), _mapping(app_env))
    assert not at.exception
    assert "dataset.csv linje 5, kolonne q1: koden »8«" in at.error[0].value
    assert not [b for b in at.button if b.key == "import_apply"]
    assert _responses(app_env) == before


def test_english_page_speaks_english(app_env: Path) -> None:
    at = _page(ui_lang="en")
    assert not at.exception
    assert at.title[0].value == "Import data"


@pytest.mark.parametrize(
    "state",
    [
        {"demo_role": "leder", "demo_role_unit": "AELDRE-NORD"},
        {"demo_role": "med", "demo_role_committee": "HMED"},
    ],
)
def test_every_role_but_administrator_is_refused(app_env: Path, state: dict[str, str]) -> None:
    at = _page(**state)
    assert not at.exception
    assert "Kun administratorer" in at.error[0].value
    assert len(at.file_uploader) == 0 and len(at.button) == 0 and len(at.dataframe) == 0


def test_the_trend_on_udvikling_starts_with_the_imported_waves(app_env: Path) -> None:
    from tests.pages.dash_support import run_page, tables

    db = open_database(app_env)
    first = first_wave(db)
    db.close()
    imported = [first - dt.timedelta(days=70), first - dt.timedelta(days=40)]
    at = _upload(_page(), pulse_csv_files(), _mapping(app_env))
    at.file_uploader(key="import_mapping_file").set_value(None)
    at.button(key="import_apply").click().run()
    assert not at.exception
    trend = run_page("trends", params={"projekt": "medicin", "enhed": "AELDRE-NORD"})
    assert not trend.exception
    [table] = tables(trend)
    shown = table.drop_duplicates("Måling")
    assert [label.split(" · ")[1] for label in shown["Måling"].iloc[:2]] == [
        day.strftime("%d.%m.%Y") + " (importeret)" for day in imported
    ]
    assert "importeret" not in shown["Måling"].iloc[2]
    # Solhøj and Egely answered 6 each per round: 12 in Ældreområde Nord
    assert [str(n) for n in shown["Svar (n)"].iloc[:2]] == ["12", "12"]
