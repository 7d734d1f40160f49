"""Answers are kept without a key index (migration 7, issue 17); every writer keeps what the
index guarded: one answer per item of a response, and no answer without its response."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from scipy import stats

from data import open_database
from data.answers import bulk_insert, table_counts
from data.db import Database
from data.submissions import encode_answers, seal_closed_waves
from tests.data.old_files import file_at_version, one_project_in_one_phase
from tests.surveys.answering.answer_support import SECRET, TODAY, open_codes, submit_answers

ITEMS = ["med1", "med2", "mot1"]


def _rows(db: Database, sql: str) -> list[tuple]:
    with db.cursor() as cur:
        return cur.execute(sql).fetchall()


def _file_at_version_6(path: Path, responses: list[str]) -> None:
    """A file as Medspil wrote it before migration 7, its answers stored in answering order."""
    db = file_at_version(path, 6)
    today = dt.date.today()
    with db.transaction() as cur:
        one_project_in_one_phase(cur, today)
        cur.execute(
            "INSERT INTO waves (project_id, number, opens, closes, instrument_id, phase_id)"
            " VALUES ('p', 1, ?, ?, 'i1', 1)",
            [today - dt.timedelta(30), today - dt.timedelta(20)],
        )
        for i, rid in enumerate(responses):
            cur.execute("INSERT INTO stored_responses VALUES (?, 1, 'U')", [rid])
            for item in ITEMS:
                cur.execute("INSERT INTO stored_answers VALUES (?, ?, ?)", [rid, item, 1 + i % 5])
    db.close()


def test_migration_7_keeps_every_answer_drops_the_index_and_draws_a_new_order(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v6.duckdb"
    responses = [f"r{i:04d}" for i in range(300)]
    _file_at_version_6(path, responses)
    con = duckdb.connect(str(path), read_only=True)
    before = con.execute(
        "SELECT constraint_type FROM duckdb_constraints() WHERE table_name = 'stored_answers'"
    ).fetchall()
    con.close()
    assert {"PRIMARY KEY", "FOREIGN KEY"} <= {kind for (kind,) in before}  # the old schema

    db = open_database(path)
    assert _rows(db, "SELECT max(version) FROM schema_migrations") == [(7,)]
    kinds = _rows(
        db, "SELECT constraint_type FROM duckdb_constraints() WHERE table_name = 'stored_answers'"
    )
    assert sorted(kind for (kind,) in kinds) == ["CHECK", "NOT NULL", "NOT NULL"]
    assert _rows(db, "SELECT count(*) FROM duckdb_indexes() WHERE table_name = 'stored_answers'")[
        0
    ] == (0,)
    expected = sorted((rid, item, 1 + i % 5) for i, rid in enumerate(responses) for item in ITEMS)
    assert sorted(_rows(db, "SELECT * FROM answers")) == expected
    order = [r for (r,) in _rows(db, "SELECT response_id FROM stored_answers ORDER BY rowid")]
    _, p_value = stats.spearmanr(range(len(order)), [responses.index(r) for r in order])
    assert p_value > 1e-6  # not the order they were written in
    with pytest.raises(duckdb.ConstraintException), db.transaction() as cur:
        cur.execute("INSERT INTO stored_answers VALUES ('r0000', 'med3', 6)")
    db.close()


def _load(responses: list[str], answers: list[tuple[str, str, int]]) -> dict[str, pd.DataFrame]:
    return {
        "responses": pd.DataFrame({"id": responses, "wave_id": 1, "unit_id": "U"}),
        "answers": pd.DataFrame(answers, columns=["response_id", "item_id", "value"]),
    }


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([("a", "med1", 3), ("a", "med1", 4)], "already answered"),
        ([("a", "med1", 3), ("z", "med1", 4)], "without their response"),
    ],
)
def test_a_bulk_load_with_an_item_twice_or_an_answer_without_response_writes_nothing(
    tmp_path: Path, answers: list[tuple[str, str, int]], message: str
) -> None:
    db = open_database(tmp_path / "load.duckdb")
    before = table_counts(db)
    with pytest.raises(ValueError, match=message):
        bulk_insert(db, _load(["a", "b"], answers))
    assert table_counts(db) == before
    db.close()


def test_a_form_with_an_item_twice_cannot_be_encoded() -> None:
    assert encode_answers([("med1", 4), ("med2", None)]) == "med1=4;med2="
    with pytest.raises(ValueError, match="twice"):
        encode_answers([("med1", 4), ("med1", 2)])


def test_every_stored_answer_is_one_of_its_response_once(demo_copy: Path) -> None:
    """The demo (a bulk load) plus answers through the answer page, sealed when the wave closed:
    what the key index used to guarantee still holds for every row."""
    db = open_database(demo_copy)
    for code in open_codes(db, 8):
        submit_answers(db, code, {"med1": 4, "med2": 2}, None, today=TODAY, secret=SECRET)
    (wave,) = {w for (w,) in _rows(db, "SELECT wave_id FROM pending_responses WHERE answers <> ''")}
    with db.cursor() as cur:
        cur.execute("UPDATE waves SET closes = ? WHERE id = ?", [TODAY - dt.timedelta(1), wave])
    assert seal_closed_waves(db) == [wave]
    sealed = _rows(
        db,
        f"""SELECT count(*) FROM stored_answers a JOIN stored_responses r ON r.id = a.response_id
            WHERE r.wave_id = {wave} AND a.item_id IN ('med1', 'med2')""",
    )
    assert sealed[0][0] >= 16  # the eight forms are among the sealed answers
    twice = _rows(
        db,
        "SELECT count(*) FROM (SELECT response_id, item_id FROM stored_answers "
        "GROUP BY ALL HAVING count(*) > 1)",
    )
    orphans = _rows(
        db,
        "SELECT count(*) FROM stored_answers a "
        "WHERE NOT EXISTS (SELECT 1 FROM stored_responses r WHERE r.id = a.response_id)",
    )
    assert twice == [(0,)] and orphans == [(0,)]
    assert _rows(db, "SELECT count(*) FROM stored_answers")[0][0] > 50_000  # the demo's load
    db.close()
