"""Spørgeskema page: the items per construct and Cronbach's alpha, via AppTest."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.conftest import app_file


def test_the_instrument_page_lists_items_and_reliability(app_env: Path) -> None:
    at = AppTest.from_file(app_file("pages/spoergeskema.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Spørgeskema"
    items, reliability = at.dataframe[0].value, at.dataframe[1].value
    assert len(items) == 19
    assert "Jeg har lyst til at bruge den nye teknologi." in set(items["Udsagn"])
    assert set(items["Vendt (negativt formuleret)"]) == {"Ja", "Nej"}
    alphas = dict(zip(reliability["Tema"], reliability["Cronbachs alfa"], strict=True))
    assert alphas["Medspil"] != "–" and "," in alphas["Medspil"]
    assert alphas["Usynligt arbejde"] == "–" or "," in alphas["Usynligt arbejde"]


def test_the_instrument_page_in_english(app_env: Path) -> None:
    at = AppTest.from_file(app_file("pages/spoergeskema.py"), default_timeout=60)
    at.session_state["ui_lang"] = "en"
    at.run()
    assert not at.exception
    assert at.title[0].value == "Questionnaire"
    assert "Statement" in at.dataframe[0].value.columns
