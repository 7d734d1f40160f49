"""Exactly once under load: many submitters at the same moment on one shared connection.

Forty threads submit forty distinct codes while ten pairs of threads race on the same code, all
released together by a barrier, through the one connection the app shares (a cursor each). No
response may be lost and none duplicated; each race has exactly one winner and one "already used".
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from data import open_database
from data.answers import table_counts
from data.db import Database
from medspil.errors import CodeUsed
from surveys.answering.form import open_form
from tests.surveys.answering.answer_support import SECRET, TODAY, open_codes, submit_answers

DISTINCT = 40
RACES = 10


@pytest.fixture
def demo(demo_copy: Path) -> Iterator[Database]:
    database = open_database(demo_copy)
    yield database
    database.close()


def _submit_all(db: Database, codes: list[str], values: dict[str, int]) -> list[tuple[str, str]]:
    """Submit every code in ``codes`` from its own thread, all starting together."""
    outcomes: list[tuple[str, str]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(codes))

    def submit(code: str) -> None:
        barrier.wait()
        try:
            submit_answers(db, code, values, "Samtidigt svar", today=TODAY, secret=SECRET)
            outcome = "stored"
        except CodeUsed:
            outcome = "used"
        with lock:
            outcomes.append((code, outcome))

    threads = [threading.Thread(target=submit, args=(code,)) for code in codes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def _used_codes(db: Database) -> int:
    with db.cursor() as cur:
        return cur.execute("SELECT count(*) FROM invitations WHERE used").fetchone()[0]


def test_concurrent_submitters_lose_nothing_and_duplicate_nothing(demo: Database) -> None:
    codes = open_codes(demo, DISTINCT + RACES)
    distinct, raced = codes[:DISTINCT], codes[DISTINCT:]
    items = [
        item.id for item in open_form(demo, codes[0], lang="da", today=TODAY, secret=SECRET).items
    ]
    values = {item: 1 + position % 5 for position, item in enumerate(items)}
    before, used_before = table_counts(demo), _used_codes(demo)

    outcomes = _submit_all(demo, distinct + raced + raced, values)

    assert len(outcomes) == DISTINCT + 2 * RACES
    per_code = {code: Counter(o for c, o in outcomes if c == code) for code in codes}
    for code in distinct:
        assert per_code[code] == Counter(stored=1), code
    for code in raced:
        assert per_code[code] == Counter(stored=1, used=1), code
    stored = DISTINCT + RACES
    after = table_counts(demo)
    assert after["responses"] - before["responses"] == stored
    assert after["answers"] - before["answers"] == stored * len(items)
    assert after["comments"] - before["comments"] == stored
    assert after["invitations"] == before["invitations"]
    assert _used_codes(demo) - used_before == stored
    with demo.cursor() as cur:
        per_response = cur.execute(
            """SELECT r.id, count(a.item_id), count(DISTINCT a.item_id)
               FROM responses r LEFT JOIN answers a ON a.response_id = r.id
               WHERE r.id IN (SELECT response_id FROM comments WHERE text = 'Samtidigt svar')
               GROUP BY r.id"""
        ).fetchall()
    assert len(per_response) == stored
    assert all(n == distinct_items == len(items) for _, n, distinct_items in per_response)


def test_a_code_submitted_twice_at_the_same_moment_is_stored_once(demo: Database) -> None:
    # Twenty submitters on one code: one wins, nineteen are told it is used.
    (code,) = open_codes(demo, 1)
    before = table_counts(demo)
    outcomes = _submit_all(demo, [code] * 20, {})
    assert Counter(outcome for _, outcome in outcomes) == Counter(stored=1, used=19)
    assert table_counts(demo)["responses"] == before["responses"] + 1


def test_a_race_between_two_connections_is_a_conflict_reported_as_used(demo_copy: Path) -> None:
    # Two handles on one file (as if two app processes could share it) do not share a group
    # commit, so their transactions race inside DuckDB: the loser's conflict becomes CodeUsed.
    first, second = open_database(demo_copy), open_database(demo_copy)
    try:
        codes = open_codes(first, RACES)
        before = table_counts(first)
        outcomes: list[str] = []
        lock = threading.Lock()
        barrier = threading.Barrier(2 * RACES)

        def submit(db: Database, code: str) -> None:
            barrier.wait()
            try:
                submit_answers(db, code, {}, None, today=TODAY, secret=SECRET)
                outcome = "stored"
            except CodeUsed:
                outcome = "used"
            with lock:
                outcomes.append(outcome)

        threads = [
            threading.Thread(target=submit, args=(db, code))
            for code in codes
            for db in (first, second)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert Counter(outcomes) == Counter(stored=RACES, used=RACES)
        assert table_counts(first)["responses"] == before["responses"] + RACES
    finally:
        second.close()
        first.close()
