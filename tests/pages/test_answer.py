"""Besvar page, run through Streamlit's AppTest: every state of a code, the form, the submit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from data import open_database
from data.answers import table_counts
from data.db import Database
from surveys.answering.codes import code_hash, installation_secret, normalise_code
from surveys.answering.form import COMMENT_MAX_CHARS, DONT_KNOW
from surveys.instruments.instrument import load_instrument
from tests.conftest import app_file
from tests.surveys.answering.answer_support import (
    TODAY,
    code_for_wave,
    open_codes,
    submit_answers,
    wave_where,
)

TIMEOUT = 60
MEDICIN_ITEMS = [item.id for item in load_instrument().items_for(["information"])]


@pytest.fixture
def demo(app_env: Path) -> Iterator[Database]:
    """The app's demo copy opened for the test itself, with the app's installation secret."""
    database = open_database(app_env)
    yield database
    database.close()


@pytest.fixture
def secret(app_env: Path) -> bytes:
    return installation_secret(app_env)


def answer_page(code: str | None = None, lang: str | None = None) -> AppTest:
    at = AppTest.from_file(app_file("pages/besvar.py"), default_timeout=TIMEOUT)
    if code is not None:
        at.query_params["kode"] = code
    if lang is not None:
        at.session_state["ui_lang"] = lang
    return at.run()


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [h.value for h in at.header]
    parts += [e.value for e in at.error] + [s.value for s in at.success]
    parts += [w.value for w in at.warning]
    return "\n".join(parts)


def _html_lang(at: AppTest) -> str:
    """The language the frame's script gives ``<html lang>``."""
    (script,) = [h.proto.body for h in at.get("html") if "documentElement.lang" in h.proto.body]
    return script.split("lang='")[1].split("'")[0]


def _stored_answers(db: Database, code: str, secret: bytes) -> list[dict[str, int | None]]:
    """The answers of every response of the code's wave and unit, one dict per response."""
    with db.cursor() as cur:
        wave, unit = cur.execute(
            "SELECT wave_id, unit_id FROM invitations WHERE code_hash = ?",
            [code_hash(normalise_code(code), secret)],
        ).fetchone()
        rows = cur.execute(
            """SELECT r.id, a.item_id, a.value
               FROM responses r JOIN answers a ON a.response_id = r.id
               WHERE r.wave_id = ? AND r.unit_id = ?""",
            [wave, unit],
        ).fetchall()
    by_response: dict[str, dict[str, int | None]] = {}
    for response_id, item, value in rows:
        by_response.setdefault(response_id, {})[item] = value
    return list(by_response.values())


def test_without_a_code_the_page_asks_for_one_and_accepts_it_typed_loosely(
    demo: Database, secret: bytes
) -> None:
    at = answer_page()
    assert not at.exception
    assert at.subheader[0].value == "Besvar pulsmålingen"
    assert len(at.title) == 0 and len(at.info) == 0  # no page title, no demo banner
    assert len(at.radio) == 0
    assert at.text_input(key="answer_code_input").label == "Din svarkode"
    (code,) = open_codes(demo, 1, secret=secret)
    at.text_input(key="answer_code_input").input(f"  {code.lower()} ")
    at.button[0].click().run()
    assert not at.exception
    assert [radio.label for radio in at.radio][:1] == [load_instrument().items[0].text["da"]]


def test_an_unknown_code_says_so_and_offers_the_field_again(app_env: Path) -> None:
    at = answer_page("ABCDE-FGHJK")
    assert not at.exception
    assert "Koden findes ikke" in at.error[0].value
    assert len(at.radio) == 0
    assert at.text_input(key="answer_code_input")


@pytest.mark.parametrize("state", ["used", "future", "closed"])
def test_used_not_yet_open_and_closed_codes_get_their_own_message_and_no_form(
    demo: Database, secret: bytes, state: str
) -> None:
    if state == "used":
        (code,) = open_codes(demo, 1, secret=secret)
        submit_answers(demo, code, {}, None, today=TODAY, secret=secret)
        expected = "Dit svar er modtaget"
    elif state == "future":
        wave = wave_where(demo, "sensorer", "future")
        code = code_for_wave(demo, wave, "SUND-SYGE", secret=secret)
        expected = f"Målingen åbner først {wave['opens'].strftime('%d.%m.%Y')}"
    else:
        wave = wave_where(demo, "medicin", "closed")
        code = code_for_wave(demo, wave, "NORD-SOLHOJ", secret=secret)
        expected = f"Målingen lukkede {wave['closes'].strftime('%d.%m.%Y')}"
    at = answer_page(code)
    assert not at.exception
    # A used code is most often the same person reloading: a kind receipt, not a red error.
    shown = at.success if state == "used" else at.error
    assert expected in shown[0].value
    assert state != "used" or len(at.error) == 0
    assert len(at.radio) == 0 and len(at.text_area) == 0 and len(at.text_input) == 0


def test_a_valid_code_shows_the_project_the_promises_and_an_unselected_form(
    demo: Database, secret: bytes
) -> None:
    (code,) = open_codes(demo, 1, secret=secret)
    at = answer_page(code)
    assert not at.exception
    assert "**Digital medicinhåndtering på plejecentre** · Implementering" in _texts(at)
    assert len(at.title) == 0 and len(at.header) == 0  # one compact line above the questions
    text = _texts(at)
    assert "fasen **Implementering**" in text
    for promise in ("anonym", "mindst 5 svar", "MED-udvalget", "2 minutter", "åben til og med"):
        assert promise in text
    assert [radio.label for radio in at.radio] == [
        item.text["da"] for item in load_instrument().items_for(["information"])
    ]
    for radio in at.radio:
        assert radio.value is None  # nothing pre-selected
        assert radio.options[-1] == "Ved ikke / ikke relevant" and len(radio.options) == 6
    comment = at.text_area(key="answer_comment")
    assert comment.max_chars == COMMENT_MAX_CHARS
    assert str(COMMENT_MAX_CHARS) in comment.label
    assert "Skriv ikke navne" in at.warning[0].value


def test_submit_thanks_once_stores_partial_answers_as_null_and_refuses_the_code_after(
    demo: Database, secret: bytes
) -> None:
    (code,) = open_codes(demo, 1, secret=secret)
    before = table_counts(demo)
    probe_calls: list[int] = []

    @st.cache_data
    def probe() -> int:  # a dashboard read cached before the answer arrives
        probe_calls.append(1)
        return len(probe_calls)

    probe()
    at = answer_page(code)
    at.radio(key=f"item_{MEDICIN_ITEMS[0]}").set_value(5)
    at.radio(key=f"item_{MEDICIN_ITEMS[1]}").set_value(DONT_KNOW)
    at.text_area(key="answer_comment").input("Godt med oplæring.")
    at.button[0].click().run()
    assert not at.exception
    assert "Tak for dit svar" in at.success[0].value
    assert len(at.radio) == 0
    after = table_counts(demo)
    assert after["responses"] == before["responses"] + 1
    assert after["answers"] == before["answers"] + len(MEDICIN_ITEMS)
    assert after["comments"] == before["comments"] + 1
    assert {**dict.fromkeys(MEDICIN_ITEMS), MEDICIN_ITEMS[0]: 5} in _stored_answers(
        demo, code, secret
    )
    # The answer went into the open wave, which no dashboard shows: cached reads stay.
    assert probe() == 1
    # A rerun of the same session (reload, language switch) keeps the thanks, stores nothing.
    at.run()
    assert "Tak for dit svar" in at.success[0].value
    assert table_counts(demo) == after
    # Back on the link in a new session: the code is used.
    again = answer_page(code)
    assert "Dit svar er modtaget" in again.success[0].value and len(again.error) == 0
    assert len(again.radio) == 0
    assert table_counts(demo) == after


def test_a_comment_over_the_limit_is_cut_at_the_limit_before_it_is_stored(
    demo: Database, secret: bytes
) -> None:
    (code,) = open_codes(demo, 1, secret=secret)
    at = answer_page(code)
    # The browser stops typing at max_chars; a request that bypasses it is cut by Streamlit on
    # the server (and the core refuses anything longer: tests/surveys/answering/test_answering.py).
    at.text_area(key="answer_comment").set_value("ø" * (COMMENT_MAX_CHARS + 50))
    at.button[0].click().run()
    assert not at.exception
    assert "Tak for dit svar" in at.success[0].value
    with demo.cursor() as cur:
        lengths = cur.execute("SELECT length(text) FROM comments WHERE text LIKE 'øøø%'").fetchall()
    assert lengths == [(COMMENT_MAX_CHARS,)]


def test_the_visible_switch_turns_the_page_english_and_the_html_lang_follows(
    demo: Database, secret: bytes
) -> None:
    (code,) = open_codes(demo, 1, secret=secret)
    at = answer_page(code)
    assert _html_lang(at) == "da"
    switch = at.main.get("button_group")[0]
    assert switch.label == "Sprog / Language"
    switch.set_value("en").run()
    assert not at.exception
    assert "1 = Strongly disagree" in _texts(at)
    assert at.radio[0].options[-1] == "Don't know / not relevant"
    assert at.radio[0].label == load_instrument().items_for([])[0].text["en"]
    assert "Do not write names" in at.warning[0].value
    assert _html_lang(at) == "en"
    assert at.session_state["ui_lang"] == "en"
