"""Writing anonymous responses: bulk loads for the demo and imports."""

from __future__ import annotations

import datetime as dt
import secrets

import pandas as pd

from data.db import Database, one_row

# Where each kind of row goes, and the order of its columns. The names ``responses``,
# ``answers`` and ``comments`` are views (migration 4); rows are written to the tables behind them.
_TABLE_COLUMNS = {
    "invitations": ("invitations", ["code_hash", "wave_id", "unit_id", "used"]),
    "responses": ("stored_responses", ["id", "wave_id", "unit_id"]),
    "answers": ("stored_answers", ["response_id", "item_id", "value"]),
    "comments": ("stored_comments", ["id", "response_id", "text"]),
}
# The key each kind is shuffled by (with a secret salt, thrown away after the load).
_SHUFFLE_KEY = {
    "invitations": "code_hash",
    "responses": "id",
    "answers": "response_id || item_id",
    "comments": "id",
}


def bulk_insert(
    db: Database, frames: dict[str, pd.DataFrame], *, today: dt.date | None = None
) -> None:
    """Insert whole frames into the anonymous tables in one transaction (column order fixed).

    Answers come with their responses: each answer's response is in ``frames["responses"]``,
    and no item is answered twice in one response (``ValueError`` otherwise, nothing written;
    no key index checks this since migration 7). Rows are written in an order drawn from a
    secret, not in the frames' order, and every unused invitation of a wave not closed before
    ``today`` (Python's date; ``None``: today's) gets its blank row in ``pending_responses``
    (see ``data.submissions``).
    """
    _check_answers(frames)
    day = today or dt.date.today()
    salt = secrets.token_hex(16)
    with db.transaction() as cur:
        for kind in ("invitations", "responses", "answers", "comments"):
            frame = frames.get(kind)
            if frame is None or frame.empty:
                continue
            table, columns = _TABLE_COLUMNS[kind]
            cur.register("staged_rows", frame[columns])
            # Table and key come from the fixed mappings above, never from a caller.
            cur.execute(
                f"INSERT INTO {table} SELECT * FROM staged_rows "
                f"ORDER BY md5($salt || {_SHUFFLE_KEY[kind]})",
                {"salt": salt},
            )
            if kind == "invitations":
                cur.execute(
                    """INSERT INTO pending_responses
                       SELECT gen_random_uuid()::VARCHAR, s.wave_id, s.unit_id, NULL, NULL
                       FROM staged_rows s JOIN waves w ON w.id = s.wave_id
                       WHERE NOT s.used AND w.closes >= $today
                       ORDER BY md5($salt || s.code_hash)""",
                    {"salt": salt, "today": day},
                )
            cur.unregister("staged_rows")


def _check_answers(frames: dict[str, pd.DataFrame]) -> None:
    answers = frames.get("answers")
    if answers is None or answers.empty:
        return
    responses = frames.get("responses")
    known = responses["id"] if responses is not None else pd.Series([], dtype=object)
    orphans = ~answers["response_id"].isin(known)
    if orphans.any():
        raise ValueError(f"{int(orphans.sum())} answers without their response in the same load")
    twice = answers.duplicated(["response_id", "item_id"])
    if twice.any():
        raise ValueError(f"{int(twice.sum())} answers to an item already answered in the response")


def table_counts(db: Database) -> dict[str, int]:
    """Row counts of the anonymous tables (for tests, the CLI and the admin page)."""
    with db.cursor() as cur:
        return {
            kind: int(one_row(cur.execute(f"SELECT count(*) FROM {kind}"))[0])
            for kind in _TABLE_COLUMNS
        }
