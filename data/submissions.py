"""Storing answers exactly once, in storage that keeps no order of answering.

Anonymity rule 1 of DESIGN.md holds in every statement here: the invitation only learns that it
was used (never when, never by which response), and a response gets a random id, its wave and
its unit, nothing else. No row written here carries a timestamp or a sequence number.

Rule 8 (storage order carries nothing) is kept by three means, measured in docs/design.md:

* Every issued code gets a blank row in ``pending_responses`` when it is issued. Answering fills
  a blank row of the code's wave and unit drawn at random, in place (the row keeps its row id),
  so rows and row ids are in the order of issue, shuffled, whatever the order of answering.
* After every group commit the log is checkpointed into the file, so the ``.wal`` holds the
  claim of a code next to its answers for a few milliseconds, not until the next automatic
  checkpoint (about 13,000 answers later).
* When a wave has closed (``seal_closed_waves``) its answered rows move to ``stored_responses``,
  ``stored_answers`` and ``stored_comments`` in an order drawn from a secret thrown away. A wave
  an administrator closes early (``close_wave_early``) is sealed the same way at once.

Group commit: submissions that arrive while another transaction is being written wait, and the
next writer stores all of them in one transaction. One transaction costs about as much as one
response (a few ms), so twenty people pressing "Send" at once wait for two transactions rather
than twenty.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import time
import uuid
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb

from data import audit
from data.db import Database
from medspil.errors import AnswerNotStored, AnswerRejected, CodeUsed, InvalidCode, WaveClosed
from medspil.formatting import date_text

# A write-write conflict with a transaction outside this group (another connection) is retried a
# few times; when the code turns out to be used, the other transaction won: "already used".
CONFLICT_ATTEMPTS = 5
# The values an answer may hold: the five points of the scale; None is "Ved ikke" or unanswered.
SCALE_VALUES = (1, 2, 3, 4, 5)
_RANDOM = secrets.SystemRandom()

Answers = list[tuple[str, int | None]]


@dataclass
class _Submission:
    code_hash: str
    answers: Answers
    comment: str | None
    today: dt.date | None = None
    outcome: tuple[int, str] | BaseException | None = None


class _Group:
    """The submissions of one database waiting to be written, and whether one is writing."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.waiting: list[_Submission] = []
        self.writing = False


_GROUPS: weakref.WeakKeyDictionary[Database, _Group] = weakref.WeakKeyDictionary()
_GROUPS_LOCK = threading.Lock()


def _group(db: Database) -> _Group:
    with _GROUPS_LOCK:
        group = _GROUPS.get(db)
        if group is None:
            group = _GROUPS[db] = _Group()
        return group


def store_response(
    db: Database,
    *,
    code_hash: str,
    answers: Answers,
    comment: str | None,
    today: dt.date | None = None,
) -> tuple[int, str]:
    """Mark the code used and store its response, answers and comment, exactly once.

    ``answers`` holds one ``(item id, value 1..5 or None)`` per presented item. Returns the
    ``(wave id, unit id)`` the response was stored for. Raises ``InvalidCode`` for an unknown
    hash, ``CodeUsed`` when the code was used before or by a concurrent submitter, and
    ``AnswerRejected`` (nothing written, the code stays unused) when a value is not 1..5 or
    None, an item is given twice, or an item is not in the wave's instrument: the storage
    checks this itself, whoever calls it. With ``today``, ``WaveClosed`` when the code's wave
    closed before that day, decided in the storing transaction itself (a form opened before an
    administrator closed the wave early).
    """
    _check_values(answers)
    mine = _Submission(code_hash, answers, comment, today)
    group = _group(db)
    with group.changed:
        group.waiting.append(mine)
        while group.writing and mine.outcome is None:
            group.changed.wait()
        if mine.outcome is None:
            # Nobody is writing: this thread writes everything that waits, its own included.
            group.writing = True
            batch, group.waiting = group.waiting, []
        else:
            batch = []
    if batch:
        try:
            _write(db, batch)
        finally:
            with group.changed:
                group.writing = False
                group.changed.notify_all()
    if isinstance(mine.outcome, BaseException):
        raise mine.outcome
    if mine.outcome is None:
        raise AnswerNotStored()
    return mine.outcome


def _check_values(answers: Answers) -> None:
    """``AnswerRejected`` unless every value is 1..5 or None and every item id is a plain,
    distinct id (an id with ``;`` or ``=`` cannot be an item)."""
    seen: set[str] = set()
    for answer in answers:
        if not isinstance(answer, tuple) or len(answer) != 2:
            raise AnswerRejected()
        item_id, value = answer
        if not isinstance(item_id, str) or not item_id or any(c in item_id for c in ";="):
            raise AnswerRejected()
        if item_id in seen:
            raise AnswerRejected()
        seen.add(item_id)
        if value is not None and (type(value) is not int or value not in SCALE_VALUES):
            raise AnswerRejected()


def _write(db: Database, batch: list[_Submission]) -> None:
    """Decide every submission of the batch; none is left without an outcome."""
    try:
        try:
            outcomes = _store_together(db, batch)
        except duckdb.Error:
            # A conflict with another connection, or one bad row: store them one by one, so
            # each submission gets its own outcome and nobody else's error.
            outcomes = [_store_alone(db, submission) for submission in batch]
        for submission, outcome in zip(batch, outcomes, strict=True):
            submission.outcome = outcome
        # Before anyone is told "stored": the log should not keep the claim beside the answers.
        db.checkpoint_soon()
    except duckdb.Error as e:
        for submission in batch:
            if submission.outcome is None:
                submission.outcome = _not_stored(e)
    finally:
        for submission in batch:
            if submission.outcome is None:
                submission.outcome = AnswerNotStored()


def _store_alone(db: Database, submission: _Submission) -> tuple[int, str] | BaseException:
    for attempt in range(CONFLICT_ATTEMPTS):
        try:
            return _store_together(db, [submission])[0]
        except duckdb.TransactionException as e:
            # DuckDB reports a write-write conflict ("Conflict on update") when another
            # transaction changed the row first, committed or not yet: it probably claimed the
            # code. Give it a moment to commit, then look again.
            if _is_used(db, submission.code_hash):
                used = CodeUsed()
                used.__cause__ = e
                return used
            time.sleep(0.005 * 2**attempt)
        except duckdb.Error as e:
            return _not_stored(e)
    return AnswerNotStored()


def _not_stored(cause: BaseException) -> AnswerNotStored:
    """The plain "not stored, try again" for any storage error (a raw DuckDB error never
    reaches the answer page); the cause stays attached for the log."""
    failed = AnswerNotStored()
    failed.__cause__ = cause
    return failed


@dataclass(frozen=True)
class _Row:
    wave_id: int
    unit_id: str
    submission: _Submission


def _store_together(
    db: Database, batch: list[_Submission]
) -> list[tuple[int, str] | BaseException]:
    """One transaction: claim every unused code of the batch, store the claimed responses."""
    with db.transaction(quiet=True) as cur:
        found = {
            row[0]: (int(row[1]), row[2], bool(row[3]), row[4], row[5])
            for row in cur.execute(
                """SELECT i.code_hash, i.wave_id, i.unit_id, i.used, w.instrument_id, w.closes
                   FROM invitations i JOIN waves w ON w.id = i.wave_id
                   WHERE i.code_hash = ANY(?::VARCHAR[])""",
                [[submission.code_hash for submission in batch]],
            ).fetchall()
        }
        items: dict[str, set[str]] = {}
        for instrument_id, item_id in cur.execute(
            "SELECT instrument_id, id FROM items WHERE instrument_id = ANY(?::VARCHAR[])",
            [sorted({known[3] for known in found.values()})],
        ).fetchall():
            items.setdefault(instrument_id, set()).add(item_id)
        outcomes: list[tuple[int, str] | BaseException] = []
        rows: dict[str, _Row] = {}  # by code hash: the first submitter of a code wins
        for submission in batch:
            known = found.get(submission.code_hash)
            if known is None:
                outcomes.append(InvalidCode())
            elif not {item for item, _ in submission.answers} <= items.get(known[3], set()):
                outcomes.append(AnswerRejected())
            elif known[2] or submission.code_hash in rows:
                outcomes.append(CodeUsed())
            elif submission.today is not None and known[4] < submission.today:
                outcomes.append(WaveClosed(closes=date_text(known[4])))
            else:
                wave_id, unit_id, _, _, _ = known
                rows[submission.code_hash] = _Row(wave_id, unit_id, submission)
                outcomes.append((wave_id, unit_id))
        if rows:
            # A join on the key lets DuckDB use the primary-key index. A code claimed by another
            # transaction since this one began makes the UPDATE fail with a conflict (snapshot
            # isolation), which ``_store_alone`` turns into "already used".
            cur.execute(
                """UPDATE invitations SET used = true
                   FROM (SELECT unnest(?::VARCHAR[]) AS code_hash) AS claim
                   WHERE invitations.code_hash = claim.code_hash""",
                [list(rows)],
            )
            _fill_blank_responses(cur, list(rows.values()))
    return outcomes


def _fill_blank_responses(cur: duckdb.DuckDBPyConnection, rows: list[_Row]) -> None:
    """Write each response into a blank row of its wave and unit drawn at random."""
    wanted: dict[tuple[int, str], list[_Row]] = {}
    for row in rows:
        wanted.setdefault((row.wave_id, row.unit_id), []).append(row)
    blank: dict[tuple[int, str], list[str]] = {}
    for response_id, wave_id, unit_id in cur.execute(
        """SELECT id, wave_id, unit_id FROM pending_responses
           WHERE answers IS NULL AND wave_id IN (SELECT unnest(?::INTEGER[]))
             AND unit_id IN (SELECT unnest(?::VARCHAR[]))""",
        [sorted({w for w, _ in wanted}), sorted({u for _, u in wanted})],
    ).fetchall():
        blank.setdefault((int(wave_id), unit_id), []).append(response_id)
    chosen: list[tuple[str, _Row]] = []
    for (wave_id, unit_id), group in wanted.items():
        free = blank.get((wave_id, unit_id), [])
        if len(free) < len(group):
            # Only codes stored before migration 4 without a blank row get here; their rows
            # are added now (at the end of the table, which the sealing at wave close undoes).
            free = free + insert_blank_responses(
                cur, wave_id=wave_id, unit_id=unit_id, count=len(group) - len(free)
            )
        drawn = _RANDOM.sample(free, len(group))
        chosen += list(zip(drawn, group, strict=True))
    cur.execute(
        """UPDATE pending_responses SET answers = filled.answers, comment = filled.comment
           FROM (SELECT unnest(?::VARCHAR[]) AS id, unnest(?::VARCHAR[]) AS answers,
                        unnest(?::VARCHAR[]) AS comment) AS filled
           WHERE pending_responses.id = filled.id""",
        [
            [response_id for response_id, _ in chosen],
            [encode_answers(row.submission.answers) for _, row in chosen],
            [row.submission.comment for _, row in chosen],
        ],
    )


def insert_blank_responses(
    cur: duckdb.DuckDBPyConnection, *, wave_id: int, unit_id: str, count: int
) -> list[str]:
    """Add ``count`` blank response rows (random ids) for a wave and unit; return their ids."""
    ids = [str(uuid.uuid4()) for _ in range(count)]
    if ids:
        cur.execute(
            """INSERT INTO pending_responses (id, wave_id, unit_id)
               SELECT unnest(?::VARCHAR[]), ?, ?""",
            [ids, wave_id, unit_id],
        )
    return ids


def encode_answers(answers: Answers) -> str:
    """``item=value;item=;...`` (empty for "Ved ikke"), as the view ``answers`` reads it."""
    parts = []
    seen: set[str] = set()
    for item_id, value in answers:
        if not item_id or any(sign in item_id for sign in ";="):
            raise ValueError(f"item id {item_id!r} cannot be stored (empty, or has ';' or '=')")
        if item_id in seen:  # no key index guards stored_answers (migration 7)
            raise ValueError(f"item id {item_id!r} is answered twice")
        seen.add(item_id)
        parts.append(f"{item_id}={'' if value is None else int(value)}")
    return ";".join(parts)


def seal_closed_waves(db: Database, today: dt.date | None = None) -> list[int]:
    """Move the answered rows of every wave that has closed before ``today`` out of
    ``pending_responses``.

    ``today`` is Python's date, as everywhere else (never DuckDB's ``current_date``, whose time
    zone may differ around midnight); ``None`` means today's. The rows go to
    ``stored_responses``, ``stored_answers`` and ``stored_comments`` in an order drawn from a
    fresh secret that is thrown away; the blank rows of the wave are deleted.
    Returns the waves sealed. Nothing changes for a reader: the views show the same rows.
    """
    try:
        waves = _seal(db, secrets.token_hex(16), today or dt.date.today())
    except duckdb.TransactionException:
        # A submitter wrote to a row of the same table at the same moment: seal next time.
        return []
    if waves:
        db.checkpoint_soon()
    return waves


@contextmanager
def _no_submissions(db: Database) -> Iterator[None]:
    """Hold back this process's submissions (they wait, as for a group commit) while the block
    runs, so none is stored in a transaction that began before it."""
    group = _group(db)
    with group.changed:
        while group.writing:
            group.changed.wait()
        group.writing = True
    try:
        yield
    finally:
        with group.changed:
            group.writing = False
            group.changed.notify_all()


def close_wave_early(
    db: Database, wave_id: int, *, last_day: dt.date, actor: str, detail: str
) -> bool:
    """Make ``last_day`` the last day of an open wave, with its audit row, then seal it.

    ``False``, nothing changed, unless the wave opened on or before ``last_day`` and was to
    close after it (another administrator may have closed or changed it meanwhile). No answer of
    this process is being stored while the date changes, and every later one is refused in its
    own transaction (``store_response(today=...)``); the wave is then sealed like any wave that
    closes on its date (``seal_closed_waves``).
    """
    params = {"wave": wave_id, "last": last_day}
    try:
        with _no_submissions(db), db.transaction() as cur:
            open_after = cur.execute(
                """SELECT count(*) FROM waves
                   WHERE id = $wave AND opens <= $last AND closes > $last""",
                params,
            ).fetchall()
            if open_after != [(1,)]:
                return False
            # No RETURNING: DuckDB refuses UPDATE ... RETURNING on a row other tables reference.
            cur.execute("UPDATE waves SET closes = $last WHERE id = $wave", params)
            audit.record(cur, actor=actor, action="waves.close_early", detail=detail)
    except duckdb.TransactionException:
        return False  # another writer changed the wave at the same moment
    seal_closed_waves(db)
    return True


def _seal(db: Database, salt: str, today: dt.date) -> list[int]:
    with db.transaction() as cur:
        waves = [
            int(row[0])
            for row in cur.execute(
                """SELECT DISTINCT p.wave_id FROM pending_responses p
                   JOIN waves w ON w.id = p.wave_id WHERE w.closes < ?""",
                [today],
            ).fetchall()
        ]
        if not waves:
            return []
        params = {"waves": waves, "salt": salt}
        sealed = """FROM pending_responses WHERE answers IS NOT NULL
                    AND wave_id IN (SELECT unnest($waves::INTEGER[]))"""
        cur.execute(
            "INSERT INTO stored_responses SELECT id, wave_id, unit_id "
            + sealed
            + " ORDER BY md5($salt || id)",
            params,
        )
        cur.execute(
            """INSERT INTO stored_answers
               SELECT a.response_id, a.item_id, a.value FROM answers a
               JOIN pending_responses p ON p.id = a.response_id
               WHERE p.wave_id IN (SELECT unnest($waves::INTEGER[]))
               ORDER BY md5($salt || a.response_id || a.item_id)""",
            params,
        )
        cur.execute(
            "INSERT INTO stored_comments SELECT gen_random_uuid()::VARCHAR, id, comment "
            + sealed
            + " AND comment IS NOT NULL ORDER BY md5($salt || id || 'comment')",
            params,
        )
        cur.execute(
            "DELETE FROM pending_responses WHERE wave_id IN (SELECT unnest($waves::INTEGER[]))",
            {"waves": waves},
        )
    return waves


def _is_used(db: Database, code_hash: str) -> bool:
    with db.cursor() as cur:
        row = cur.execute(
            "SELECT used FROM invitations WHERE code_hash = ?", [code_hash]
        ).fetchone()
    return bool(row and row[0])
