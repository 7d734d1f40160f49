"""Storing answers exactly once: a code is claimed and its response stored in one transaction.

Anonymity rule 1 of DESIGN.md holds in every statement here: the invitation only learns that it
was used (never when, never by which response), and a response gets a random id, its wave and
its unit, nothing else. No row written here carries a timestamp or a sequence number.

Group commit: submissions that arrive while another transaction is being written wait, and the
next writer stores all of them in one transaction. One transaction costs about as much as one
response (a few ms), so twenty people pressing "Send" at once wait for two transactions rather
than twenty. Within a transaction the rows are inserted in random order, so not even the
storage order of the rows tells who answered before whom inside a group.
"""

from __future__ import annotations

import secrets
import threading
import time
import uuid
import weakref
from dataclasses import dataclass

import duckdb

from data.db import Database
from medspil.errors import AnswerNotStored, CodeUsed, InvalidCode

# A write-write conflict with a transaction outside this group (another connection) is retried a
# few times; when the code turns out to be used, the other transaction won: "already used".
CONFLICT_ATTEMPTS = 5

Answers = list[tuple[str, int | None]]


@dataclass
class _Submission:
    code_hash: str
    answers: Answers
    comment: str | None
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
    db: Database, *, code_hash: str, answers: Answers, comment: str | None
) -> tuple[int, str]:
    """Mark the code used and store its response, answers and comment, exactly once.

    ``answers`` holds one ``(item id, value 1..5 or None)`` per presented item. Returns the
    ``(wave id, unit id)`` the response was stored for. Raises ``InvalidCode`` for an unknown
    hash and ``CodeUsed`` when the code was used before or by a concurrent submitter.
    """
    mine = _Submission(code_hash, answers, comment)
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
            return e
    return AnswerNotStored()


@dataclass(frozen=True)
class _Row:
    response_id: str
    wave_id: int
    unit_id: str
    submission: _Submission


def _store_together(
    db: Database, batch: list[_Submission]
) -> list[tuple[int, str] | BaseException]:
    """One transaction: claim every unused code of the batch, store the claimed responses."""
    with db.transaction() as cur:
        found = {
            row[0]: (int(row[1]), row[2], bool(row[3]))
            for row in cur.execute(
                """SELECT code_hash, wave_id, unit_id, used FROM invitations
                   WHERE code_hash = ANY(?::VARCHAR[])""",
                [[submission.code_hash for submission in batch]],
            ).fetchall()
        }
        outcomes: list[tuple[int, str] | BaseException] = []
        rows: dict[str, _Row] = {}  # by code hash: the first submitter of a code wins
        for submission in batch:
            known = found.get(submission.code_hash)
            if known is None:
                outcomes.append(InvalidCode())
            elif known[2] or submission.code_hash in rows:
                outcomes.append(CodeUsed())
            else:
                wave_id, unit_id, _ = known
                rows[submission.code_hash] = _Row(str(uuid.uuid4()), wave_id, unit_id, submission)
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
            shuffled = list(rows.values())
            secrets.SystemRandom().shuffle(shuffled)
            _insert_responses(cur, shuffled)
    return outcomes


def _insert_responses(cur: duckdb.DuckDBPyConnection, rows: list[_Row]) -> None:
    cur.execute(
        """INSERT INTO responses
           SELECT unnest(?::VARCHAR[]), unnest(?::INTEGER[]), unnest(?::VARCHAR[])""",
        [[r.response_id for r in rows], [r.wave_id for r in rows], [r.unit_id for r in rows]],
    )
    answers = [(r.response_id, item, value) for r in rows for item, value in r.submission.answers]
    if answers:
        cur.execute(
            """INSERT INTO answers
               SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::TINYINT[])""",
            [list(column) for column in zip(*answers, strict=True)],
        )
    comments = [
        (str(uuid.uuid4()), r.response_id, r.submission.comment)
        for r in rows
        if r.submission.comment
    ]
    if comments:
        cur.execute(
            """INSERT INTO comments
               SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[])""",
            [list(column) for column in zip(*comments, strict=True)],
        )


def _is_used(db: Database, code_hash: str) -> bool:
    with db.cursor() as cur:
        row = cur.execute(
            "SELECT used FROM invitations WHERE code_hash = ?", [code_hash]
        ).fetchone()
    return bool(row and row[0])
