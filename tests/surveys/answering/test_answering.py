"""Answering with a code: each state of a code, the form it opens, and the one stored response."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from data import open_database
from data.answers import table_counts
from data.db import Database
from data.invitations import find_invitation
from medspil.errors import (
    AnswerRejected,
    CodeUsed,
    CommentTooLong,
    InvalidCode,
    WaveClosed,
    WaveNotOpen,
)
from surveys.answering.codes import code_hash, normalise_code
from surveys.answering.form import (
    COMMENT_MAX_CHARS,
    DONT_KNOW,
    open_form,
    submit_form,
)
from surveys.instruments.instrument import load_instrument
from tests.surveys.answering.answer_support import (
    SECRET,
    TODAY,
    code_for_wave,
    open_codes,
    submit_answers,
    wave_where,
)

MEDICIN_MODULES = ["information"]


@pytest.fixture
def demo(demo_copy: Path) -> Iterator[Database]:
    database = open_database(demo_copy)
    yield database
    database.close()


def _response_rows(db: Database, wave_id: int, unit: str) -> dict[str, list]:
    """Every response of a wave and unit with its answers and comments."""
    with db.cursor() as cur:
        responses = cur.execute(
            "SELECT id FROM responses WHERE wave_id = ? AND unit_id = ?", [wave_id, unit]
        ).fetchall()
        ids = [row[0] for row in responses]
        answers = cur.execute(
            "SELECT response_id, item_id, value FROM answers "
            "WHERE response_id IN (SELECT unnest(?::VARCHAR[]))",
            [ids],
        ).fetchall()
        comments = cur.execute(
            "SELECT response_id, text FROM comments "
            "WHERE response_id IN (SELECT unnest(?::VARCHAR[]))",
            [ids],
        ).fetchall()
    return {"ids": ids, "answers": answers, "comments": comments}


def test_a_valid_code_opens_the_core_items_and_the_projects_modules_in_order(
    demo: Database,
) -> None:
    (code,) = open_codes(demo, 1)
    form = open_form(demo, code.lower(), lang="da", today=TODAY, secret=SECRET)
    instrument = load_instrument()
    expected = instrument.items_for(MEDICIN_MODULES)
    assert [item.id for item in form.items] == [item.id for item in expected]
    assert [item.text for item in form.items] == [item.text["da"] for item in expected]
    assert {item.construct for item in expected} == {
        "mening",
        "motivation",
        "medspil",
        "information",
    }
    assert form.project_name == "Digital medicinhåndtering på plejecentre"
    assert form.phase_label == "Implementering"
    assert [form.option_labels[o] for o in form.options] == [
        "Helt uenig", "Uenig", "Hverken enig eller uenig", "Enig", "Helt enig",
        "Ved ikke / ikke relevant",
    ]  # fmt: skip
    assert form.options[-1] == DONT_KNOW
    intro = " ".join(form.intro)
    assert "mindst 5 svar" in intro and "anonym" in intro and "2 minutter" in intro
    assert "MED-udvalget" in intro
    english = open_form(demo, code, lang="en", today=TODAY, secret=SECRET)
    assert [item.text for item in english.items] == [item.text["en"] for item in expected]
    assert english.option_labels[DONT_KNOW] == "Don't know / not relevant"


def test_each_state_of_a_code_has_its_own_error(demo: Database) -> None:
    future = wave_where(demo, "sensorer", "future")
    closed = wave_where(demo, "medicin", "closed")
    not_open = code_for_wave(demo, future, "SUND-SYGE")
    too_late = code_for_wave(demo, closed, "NORD-SOLHOJ")
    with pytest.raises(InvalidCode):
        open_form(demo, "ABCDE-FGHJK", lang="da", today=TODAY, secret=SECRET)
    with pytest.raises(InvalidCode):
        open_form(demo, "not a code", lang="da", today=TODAY, secret=SECRET)
    with pytest.raises(WaveNotOpen) as early:
        open_form(demo, not_open, lang="da", today=TODAY, secret=SECRET)
    assert future["opens"].strftime("%d.%m.%Y") in early.value.message("da")
    with pytest.raises(WaveClosed) as late:
        open_form(demo, too_late, lang="da", today=TODAY, secret=SECRET)
    assert closed["closes"].strftime("%d.%m.%Y") in late.value.message("da")
    (used,) = open_codes(demo, 1)
    submit_answers(demo, used, {}, None, today=TODAY, secret=SECRET)
    with pytest.raises(CodeUsed):
        open_form(demo, used, lang="da", today=TODAY, secret=SECRET)
    # A code checked under another installation's secret does not exist here.
    (other,) = open_codes(demo, 1)
    with pytest.raises(InvalidCode):
        open_form(demo, other, lang="da", today=TODAY, secret=b"x" * 32)


def test_submit_stores_one_response_with_a_row_per_item_and_the_comment(demo: Database) -> None:
    (code,) = open_codes(demo, 1)
    form = open_form(demo, code, lang="da", today=TODAY, secret=SECRET)
    ids = [item.id for item in form.items]
    values = {ids[0]: 5, ids[1]: 1, ids[2]: DONT_KNOW, ids[3]: None, ids[4]: 3}
    invitation = find_invitation(demo, code_hash(normalise_code(code), SECRET))
    assert invitation is not None and not invitation.used
    wave_id = invitation.wave_id
    before = _response_rows(demo, wave_id, "NORD-SOLHOJ")
    submit_answers(demo, code, values, "  Godt projekt.  ", today=TODAY, secret=SECRET)
    after = _response_rows(demo, wave_id, "NORD-SOLHOJ")
    (new_id,) = set(after["ids"]) - set(before["ids"])
    assert uuid.UUID(new_id).version == 4
    stored = {item: value for rid, item, value in after["answers"] if rid == new_id}
    expected = {item: None for item in ids} | {ids[0]: 5, ids[1]: 1, ids[4]: 3}
    assert stored == expected
    assert [text for rid, text in after["comments"] if rid == new_id] == ["Godt projekt."]
    with demo.cursor() as cur:
        used = cur.execute(
            "SELECT used FROM invitations WHERE code_hash = ?",
            [code_hash(normalise_code(code), SECRET)],
        ).fetchone()
        response = cur.execute("SELECT * FROM responses WHERE id = ?", [new_id]).fetchone()
    assert used == (True,)
    assert response == (new_id, wave_id, "NORD-SOLHOJ")  # id, wave and unit: nothing else
    with pytest.raises(CodeUsed):
        submit_answers(demo, code, values, None, today=TODAY, secret=SECRET)
    assert _response_rows(demo, wave_id, "NORD-SOLHOJ")["ids"] == after["ids"]


def test_an_empty_answer_is_allowed_and_an_empty_comment_stores_no_comment(
    demo: Database,
) -> None:
    (code,) = open_codes(demo, 1)
    counts = table_counts(demo)
    items = len(open_form(demo, code, lang="da", today=TODAY, secret=SECRET).items)
    submit_answers(demo, code, {}, "   \n ", today=TODAY, secret=SECRET)
    after = table_counts(demo)
    assert after["responses"] == counts["responses"] + 1
    assert after["answers"] == counts["answers"] + items
    assert after["comments"] == counts["comments"]
    assert after["invitations"] == counts["invitations"]


@pytest.mark.parametrize(
    ("values", "comment", "error"),
    [
        ({"no_such_item": 3}, None, AnswerRejected),
        ("first item", 6, AnswerRejected),
        ("first item", True, AnswerRejected),
        ({}, "x" * (COMMENT_MAX_CHARS + 1), CommentTooLong),
    ],
)
def test_bad_answers_are_refused_and_leave_the_code_unused(
    demo: Database, values: object, comment: object, error: type
) -> None:
    (code,) = open_codes(demo, 1)
    first = open_form(demo, code, lang="da", today=TODAY, secret=SECRET).items[0].id
    if values == "first item":
        values, comment = {first: comment}, None
    counts = table_counts(demo)
    with pytest.raises(error):
        submit_answers(demo, code, values, comment, today=TODAY, secret=SECRET)
    assert table_counts(demo) == counts
    open_form(demo, code, lang="da", today=TODAY, secret=SECRET)  # still usable


def test_a_comment_of_exactly_the_limit_is_kept_whole(demo: Database) -> None:
    (code,) = open_codes(demo, 1)
    text = "æ" * COMMENT_MAX_CHARS
    submit_answers(demo, code, {}, text, today=TODAY, secret=SECRET)
    with demo.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM comments WHERE text = ?", [text]).fetchone() == (
            1,
        )


def test_submitting_to_a_closed_or_unopened_wave_is_refused(demo: Database) -> None:
    future = code_for_wave(demo, wave_where(demo, "sensorer", "future"), "SUND-SYGE")
    closed = code_for_wave(demo, wave_where(demo, "medicin", "closed"), "NORD-SOLHOJ")
    counts = table_counts(demo)
    with pytest.raises(WaveNotOpen):
        submit_answers(demo, future, {}, None, today=TODAY, secret=SECRET)
    with pytest.raises(WaveClosed):
        submit_answers(demo, closed, {}, None, today=TODAY, secret=SECRET)
    assert table_counts(demo) == counts


def test_a_form_sent_after_its_wave_closed_is_refused_and_stores_nothing(demo: Database) -> None:
    (code,) = open_codes(demo, 1)
    form = open_form(demo, code, lang="en", today=TODAY, secret=SECRET)
    counts = table_counts(demo)
    with pytest.raises(WaveClosed):
        submit_form(
            demo, form, {}, None, today=form.wave_closes + dt.timedelta(days=1), secret=SECRET
        )
    assert table_counts(demo) == counts
    submit_form(demo, form, {form.items[0].id: 2}, None, today=TODAY, secret=SECRET)
    with pytest.raises(CodeUsed):  # the same opened form sent twice (back button)
        submit_form(demo, form, {form.items[0].id: 2}, None, today=TODAY, secret=SECRET)
    assert table_counts(demo)["responses"] == counts["responses"] + 1


def test_a_comment_is_cleaned_at_the_door(demo: Database) -> None:
    """Issue 12, item 2: control characters go, the text is NFC, newlines and tabs stay."""
    (code,) = open_codes(demo, 1)
    submit_answers(
        demo, code, {}, "Ha\u030ab\x0b og\x1b[31m\r\nro\tlig", today=TODAY, secret=SECRET
    )
    with demo.cursor() as cur:
        found = cur.execute("SELECT count(*) FROM comments WHERE text = ?", ["Håb og[31m\nro\tlig"])
        assert found.fetchone() == (1,)
