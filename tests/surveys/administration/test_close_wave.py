"""Closing an open wave early: audited, administrators only, sealed and counted like a wave that
closes on its date, and every refusal changes nothing. On a real DuckDB file (the demo copy)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from data import open_database
from data.db import Database
from medspil.errors import AdminInputInvalid, AdminOnly, WaveClosed
from medspil.scope import Scope
from medspil.vocabulary import Role
from surveys.administration.waves import closable_waves, close_wave_early, wave_table
from surveys.answering.form import open_form, submit_form
from tests.surveys.answering.answer_support import SECRET, TODAY, open_codes, submit_answers

ADMIN = Scope.admin("Anne Admin")
YESTERDAY = TODAY - dt.timedelta(days=1)


def _rows(db: Database, sql: str, params: list | None = None) -> list[tuple]:
    with db.cursor() as cur:
        return cur.execute(sql, params or []).fetchall()


def _wave(db: Database, project: str, number: int) -> tuple[int, dt.date, dt.date]:
    [(wave_id, opens, closes)] = _rows(
        db,
        "SELECT id, opens, closes FROM waves WHERE project_id = ? AND number = ?",
        [project, number],
    )
    return wave_id, opens, closes


def _state(db: Database) -> tuple:
    """Everything a refused close must leave as it was."""
    return (
        _rows(db, "SELECT id, opens, closes FROM waves ORDER BY id"),
        _rows(db, "SELECT count(*) FROM audit_log"),
        _rows(db, "SELECT count(*) FROM pending_responses"),
        _rows(db, "SELECT count(*) FROM stored_responses"),
    )


@pytest.fixture
def db(demo_copy: Path):
    database = open_database(demo_copy)
    yield database
    database.close()


def test_an_open_wave_closes_now_is_sealed_counted_and_audited(db: Database) -> None:
    for code in open_codes(db, 7):  # medicin's open wave 26 (the demo has answers in it too)
        submit_answers(db, code, {"med1": 4}, "en kommentar", today=TODAY, secret=SECRET)
    wave_id, _, planned_close = _wave(db, "medicin", 26)
    [(answered,)] = _rows(db, "SELECT count(*) FROM responses WHERE wave_id = ?", [wave_id])
    pending = _rows(
        db,
        "SELECT id FROM pending_responses WHERE wave_id = ? AND answers IS NOT NULL",
        [wave_id],
    )
    assert len(pending) == 7  # the answers given through the form wait in pending rows
    before = wave_table(db, "medicin", today=TODAY, lang="da").set_index("Nr.").loc[26]
    assert before["Status"] == "åben" and before["Svar"].startswith("mindst")  # banded while open
    assert 26 in closable_waves(db, "medicin", today=TODAY, lang="da")

    assert close_wave_early(db, "medicin", 26, today=TODAY, scope=ADMIN) == YESTERDAY

    assert _wave(db, "medicin", 26)[2] == YESTERDAY
    # Sealed like a wave closing on its date: nothing pending, every answered row stored.
    assert _rows(db, "SELECT count(*) FROM pending_responses WHERE wave_id = ?", [wave_id]) == [
        (0,)
    ]
    stored = _rows(db, "SELECT id FROM stored_responses WHERE wave_id = ?", [wave_id])
    assert set(pending) <= set(stored) and len(stored) == answered
    [(comments,)] = _rows(
        db,
        """SELECT count(*) FROM stored_comments c JOIN stored_responses r ON r.id = c.response_id
           WHERE r.wave_id = ? AND c.text = 'en kommentar'""",
        [wave_id],
    )
    assert comments == 7
    # Its count now shows, exactly, as for any closed wave.
    after = wave_table(db, "medicin", today=TODAY, lang="da").set_index("Nr.").loc[26]
    assert after["Status"] == "lukket" and after["Lukker"] == YESTERDAY.strftime("%d.%m.%Y")
    assert after["Svar"] == str(answered)
    assert 26 not in closable_waves(db, "medicin", today=TODAY, lang="da")
    [(actor, action, detail, happened)] = _rows(
        db,
        "SELECT actor, action, detail, happened_at FROM audit_log "
        "WHERE action = 'waves.close_early'",
    )
    assert actor == "Anne Admin"
    assert "medicin" in detail and "måling 26" in detail
    assert planned_close.strftime("%d.%m.%Y") in detail
    assert abs(pd.Timestamp(happened) - pd.Timestamp.now()) < pd.Timedelta(hours=26)


def test_a_form_opened_before_the_close_is_refused_after_it(db: Database) -> None:
    [code] = open_codes(db, 1)
    form = open_form(db, code, lang="da", today=TODAY, secret=SECRET)
    wave_id, _, _ = _wave(db, "medicin", 26)
    [(answered,)] = _rows(db, "SELECT count(*) FROM responses WHERE wave_id = ?", [wave_id])
    close_wave_early(db, "medicin", 26, today=TODAY, scope=ADMIN)
    with pytest.raises(WaveClosed):
        submit_form(db, form, {"med1": 5}, None, today=TODAY, secret=SECRET)
    assert _rows(db, "SELECT count(*) FROM responses WHERE wave_id = ?", [wave_id]) == [(answered,)]
    assert _rows(db, "SELECT count(*) FROM pending_responses WHERE wave_id = ?", [wave_id]) == [
        (0,)
    ]


@pytest.mark.parametrize(
    "scope",
    [
        Scope(role=Role.ANALYTIKER),
        Scope(role=Role.LEDER, unit_roots=frozenset({"AELDRE-NORD"})),
        Scope(role=Role.MED, unit_roots=frozenset({"AELDRE-NORD"})),
    ],
)
def test_only_an_administrator_may_close_a_wave(db: Database, scope: Scope) -> None:
    state = _state(db)
    with pytest.raises(AdminOnly):
        close_wave_early(db, "medicin", 26, today=TODAY, scope=scope)
    assert _state(db) == state


@pytest.mark.parametrize(
    ("project", "number", "said"),
    [
        ("medicin", 1, "Måling 1 er allerede lukket"),
        ("byggesag", 3, "Måling 3 er ikke åbnet endnu"),
        ("medicin", 99, "Målingen findes ikke"),
    ],
)
def test_a_wave_that_is_not_open_is_refused_with_a_message(
    db: Database, project: str, number: int, said: str
) -> None:
    state = _state(db)
    with pytest.raises(AdminInputInvalid) as refused:
        close_wave_early(db, project, number, today=TODAY, scope=ADMIN)
    assert said in refused.value.message("da")
    assert refused.value.message("da").startswith("Intet er gemt.")
    assert _state(db) == state


def test_a_wave_that_opened_today_can_be_closed_tomorrow(db: Database) -> None:
    wave_id, _, _ = _wave(db, "medicin", 26)
    with db.cursor() as cur:
        cur.execute("UPDATE waves SET opens = ? WHERE id = ?", [TODAY, wave_id])
    state = _state(db)
    with pytest.raises(AdminInputInvalid) as refused:
        close_wave_early(db, "medicin", 26, today=TODAY, scope=ADMIN)
    assert "åbnede i dag og kan tidligst lukkes i morgen" in refused.value.message("da")
    assert "opened today" in refused.value.message("en")
    assert _state(db) == state
    tomorrow = TODAY + dt.timedelta(days=1)
    assert close_wave_early(db, "medicin", 26, today=tomorrow, scope=ADMIN) == TODAY
