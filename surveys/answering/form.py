"""Answering a wave with a code: what the code opens, the form to show, and the one submit.

The code is checked in this order: can it be a code at all, does it exist, is it unused, is its
wave open today. Each failure is its own ``MedspilError`` with a message for the respondent.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass

from data.db import Database
from data.invitations import Invitation, find_invitation, presented_items
from data.submissions import store_response
from medspil.errors import (
    AnswerRejected,
    CodeUsed,
    CommentTooLong,
    InvalidCode,
    WaveClosed,
    WaveNotOpen,
)
from medspil.formatting import date_text
from medspil.i18n import t
from medspil.text import clean_text
from surveys.answering.codes import code_hash, normalise_code
from surveys.instruments.instrument import CORE_CONSTRUCTS, Instrument, load_instrument

COMMENT_MAX_CHARS = 1000
DONT_KNOW = 0  # the option value of "Ved ikke / ikke relevant"; stored as NULL
SCALE = (1, 2, 3, 4, 5)
# The promises of the introduction, in the order they are shown (``answer.intro_*`` texts).
INTRO = ("purpose", "anonymous", "k", "who", "time")


@dataclass(frozen=True)
class FormItem:
    id: str
    text: str


@dataclass(frozen=True)
class AnswerForm:
    """Everything the answer page shows for a valid, unused code of an open wave."""

    code: str
    project_name: str
    phase_label: str
    phase_text: str
    intro: tuple[str, ...]
    k_min: int
    closes: str
    wave_opens: dt.date
    wave_closes: dt.date
    items: tuple[FormItem, ...]
    options: tuple[int, ...]
    option_labels: dict[int, str]
    comment_max_chars: int


def _open_invitation(db: Database, code_text: str, secret: bytes, today: dt.date) -> Invitation:
    code = normalise_code(code_text)
    invitation = find_invitation(db, code_hash(code, secret))
    if invitation is None:
        raise InvalidCode()
    if invitation.used:
        raise CodeUsed()
    if today < invitation.opens:
        raise WaveNotOpen(opens=date_text(invitation.opens))
    if today > invitation.closes:
        raise WaveClosed(closes=date_text(invitation.closes))
    return invitation


def _presented_items(db: Database, invitation: Invitation) -> list[tuple[str, str, str]]:
    """``(id, text_da, text_en)`` of the wave's items: core constructs plus the project's
    modules, in the instrument's order."""
    return presented_items(
        db,
        instrument_id=invitation.instrument_id,
        project_id=invitation.project_id,
        core=list(CORE_CONSTRUCTS),
    )


@functools.cache
def _instrument(instrument_id: str) -> Instrument:
    """A bundled instrument, parsed once per process: versions are immutable once in use, and
    parsing the file on every page view would cost more than the page's queries."""
    return load_instrument(instrument_id)


def open_form(
    db: Database, code_text: str, *, lang: str, today: dt.date, secret: bytes
) -> AnswerForm:
    """The form a code opens; raises ``InvalidCode``, ``CodeUsed``, ``WaveNotOpen`` or
    ``WaveClosed`` (with the dates) instead."""
    invitation = _open_invitation(db, code_text, secret, today)
    instrument = _instrument(invitation.instrument_id)
    labels = dict(zip(SCALE, instrument.scale_labels[lang], strict=True))
    labels[DONT_KNOW] = instrument.dont_know[lang]
    return AnswerForm(
        code=normalise_code(code_text),
        project_name=invitation.project_name,
        phase_label=t(f"phase.{invitation.phase_kind}", lang),
        phase_text=t(f"answer.phase_{invitation.phase_kind}", lang),
        intro=tuple(t(f"answer.intro_{part}", lang, k=invitation.k_min) for part in INTRO),
        k_min=invitation.k_min,
        closes=date_text(invitation.closes),
        wave_opens=invitation.opens,
        wave_closes=invitation.closes,
        items=tuple(
            FormItem(id=item_id, text=text_da if lang == "da" else text_en)
            for item_id, text_da, text_en in _presented_items(db, invitation)
        ),
        options=(*SCALE, DONT_KNOW),
        option_labels=labels,
        comment_max_chars=COMMENT_MAX_CHARS,
    )


def submit_form(
    db: Database,
    form: AnswerForm,
    values: Mapping[str, int | None],
    comment: str | None,
    *,
    today: dt.date,
    secret: bytes,
) -> None:
    """Store one response to an opened form, exactly once.

    ``values`` maps the form's item ids to 1..5, ``DONT_KNOW`` or ``None`` (unanswered); every
    item of the form gets an answer row, NULL for "Ved ikke" and unanswered. The comment is
    stripped and dropped when empty. The wave's dates are checked again (a form may be sent after
    midnight); whether the code is still unused is decided in the storing transaction itself.
    """
    if today < form.wave_opens:
        raise WaveNotOpen(opens=date_text(form.wave_opens))
    if today > form.wave_closes:
        raise WaveClosed(closes=date_text(form.wave_closes))
    item_ids = [item.id for item in form.items]
    if set(values) - set(item_ids):
        raise AnswerRejected()
    answers: list[tuple[str, int | None]] = []
    for item_id in item_ids:
        value = values.get(item_id)
        if value is not None and (isinstance(value, bool) or value not in (*SCALE, DONT_KNOW)):
            raise AnswerRejected()
        answers.append((item_id, None if value in (None, DONT_KNOW) else int(value)))
    text = clean_text(comment)
    if len(text) > COMMENT_MAX_CHARS:
        raise CommentTooLong(length=len(text), max=COMMENT_MAX_CHARS)
    store_response(
        db,
        code_hash=code_hash(form.code, secret),
        answers=answers,
        comment=text or None,
        today=today,  # the wave may have been closed early since the form was opened
    )
