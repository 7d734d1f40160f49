"""Helpers for the answering tests: codes issued into a database for a wave in a given state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from data import projects as project_queries
from data.db import Database
from data.invitations import insert_invitations
from medspil.scope import Scope
from surveys.answering.codes import code_hash, format_code, issue_codes, new_code
from surveys.answering.form import open_form, submit_form

TODAY = dt.date.today()
SECRET = b"s" * 32
PROJECT = "medicin"
UNIT = "NORD-SOLHOJ"


def open_codes(db: Database, count: int, *, secret: bytes = SECRET, unit: str = UNIT) -> list[str]:
    """``count`` fresh codes for the wave of ``medicin`` open today."""
    issued = issue_codes(
        db,
        project_id=PROJECT,
        unit_id=unit,
        count=count,
        scope=Scope.admin("test"),
        today=TODAY,
        secret=secret,
    )
    return list(issued.codes)


def wave_where(db: Database, project_id: str, condition: str) -> pd.Series:
    """The first wave of a project that opens later (``"future"``) or has closed (``"closed"``)."""
    waves = project_queries.waves(db, project_id)
    opens = pd.to_datetime(waves["opens"]).dt.date
    closes = pd.to_datetime(waves["closes"]).dt.date
    chosen = waves[opens > TODAY] if condition == "future" else waves[closes < TODAY]
    return chosen.iloc[0]


def code_for_wave(db: Database, wave: pd.Series, unit: str, *, secret: bytes = SECRET) -> str:
    """A code planted straight into any wave, closed ones too (issuing refuses those)."""
    code = new_code()
    insert_invitations(
        db,
        wave_id=int(wave["id"]),
        unit_id=unit,
        code_hashes=[code_hash(code, secret)],
        actor="test",
        action="issue_codes",
        detail="test",
    )
    return format_code(code)


def submit_answers(
    db: Database,
    code_text: str,
    values: Mapping[str, int | None],
    comment: str | None,
    *,
    today: dt.date,
    secret: bytes,
) -> None:
    """Open the code's form and store one response to it, as the answer page does in two steps."""
    form = open_form(db, code_text, lang="da", today=today, secret=secret)
    submit_form(db, form, values, comment, today=today, secret=secret)
