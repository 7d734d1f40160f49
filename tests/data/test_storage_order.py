"""Anonymity rule 8 in the storage's own mechanics: blank rows filled in place, an empty log
after each answer, sealing that changes no reader's view, and migration 4 on an older file."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import pytest
from scipy import stats

import data.db
from data import open_database
from data.db import Database
from data.migrations import MIGRATIONS
from data.submissions import seal_closed_waves
from tests.data.old_files import file_at_version, one_project_in_one_phase
from tests.surveys.answering.answer_support import SECRET, TODAY, open_codes, submit_answers


def _rows(db: Database, sql: str) -> list[tuple]:
    with db.cursor() as cur:
        return cur.execute(sql).fetchall()


def test_an_answer_fills_a_blank_row_in_place_and_leaves_the_log_empty(demo_copy: Path) -> None:
    db = open_database(demo_copy)
    codes = open_codes(db, 6)
    blank = _rows(db, "SELECT rowid, id FROM pending_responses WHERE answers IS NULL")
    for code in codes:
        submit_answers(db, code, {}, "en kommentar", today=TODAY, secret=SECRET)
        wal = demo_copy.with_name(demo_copy.name + ".wal")
        assert not wal.exists() or wal.stat().st_size == 0
    after = _rows(db, "SELECT rowid, id FROM pending_responses")
    assert sorted(after) == sorted(blank)  # no row added, none moved: the same row ids
    filled = _rows(db, "SELECT id FROM pending_responses WHERE comment = 'en kommentar'")
    assert len(filled) == 6
    assert {r for (r,) in filled} <= {i for _, i in blank}
    db.close()


def test_sealing_a_closed_wave_moves_its_rows_and_changes_no_view(demo_copy: Path) -> None:
    db = open_database(demo_copy)
    for code in open_codes(db, 8):
        submit_answers(db, code, {"med1": 4}, "tak", today=TODAY, secret=SECRET)
    views = {
        v: sorted(_rows(db, f"SELECT * FROM {v}"), key=str)
        for v in ("responses", "answers", "comments")
    }
    (wave,) = {
        w for (w,) in _rows(db, "SELECT wave_id FROM pending_responses WHERE comment = 'tak'")
    }
    with db.cursor() as cur:
        cur.execute("UPDATE waves SET closes = ? WHERE id = ?", [TODAY - dt.timedelta(1), wave])
    assert seal_closed_waves(db) == [wave]
    assert _rows(db, f"SELECT count(*) FROM pending_responses WHERE wave_id = {wave}") == [(0,)]
    for view, before in views.items():
        after = sorted(_rows(db, f"SELECT * FROM {view}"), key=str)
        if view == "comments":  # sealed comments get fresh ids
            before, after = [r[1:] for r in before], [r[1:] for r in after]
            before, after = sorted(before), sorted(after)
        assert after == before, view
    assert seal_closed_waves(db) == []
    db.close()


def test_migration_4_keeps_every_row_and_drops_the_order_of_an_older_file(tmp_path: Path) -> None:
    path = tmp_path / "v3.duckdb"
    db = file_at_version(path, 3)
    today = dt.date.today()
    responses = [f"r{i:04d}" for i in range(300)]
    with db.transaction() as cur:
        one_project_in_one_phase(cur, today)
        for number, closes in ((1, today - dt.timedelta(20)), (2, today + dt.timedelta(5))):
            cur.execute(
                "INSERT INTO waves (project_id, number, opens, closes, instrument_id, phase_id)"
                " VALUES ('p', ?, ?, ?, 'i1', 1)",
                [number, closes - dt.timedelta(10), closes],
            )
        for i, rid in enumerate(responses):  # stored in the order people answered, as before
            cur.execute("INSERT INTO responses VALUES (?, 1, 'U')", [rid])
            cur.execute("INSERT INTO answers VALUES (?, 'med1', ?)", [rid, 1 + i % 5])
            cur.execute("INSERT INTO comments VALUES (?, ?, ?)", [f"c{rid}", rid, f"tekst {i}"])
        for i in range(10):
            cur.execute("INSERT INTO invitations VALUES (?, 2, 'U', ?)", [f"h{i}", i < 4])
    db.close()

    db = open_database(path)
    assert _rows(db, "SELECT max(version) FROM schema_migrations") == [(MIGRATIONS[-1][0],)]
    assert sorted(_rows(db, "SELECT id, wave_id, unit_id FROM responses")) == [
        (rid, 1, "U") for rid in responses
    ]
    assert _rows(db, "SELECT count(*), sum(value) FROM answers") == [
        (300, sum(1 + i % 5 for i in range(300)))
    ]
    assert _rows(db, "SELECT count(*) FROM comments") == [(300,)]
    # Six unused codes of the open wave, six blank rows; the closed wave has none.
    assert _rows(db, "SELECT wave_id, count(*) FROM pending_responses GROUP BY ALL") == [(2, 6)]
    for table, column in (
        ("stored_responses", "id"),
        ("stored_answers", "response_id"),
        ("stored_comments", "response_id"),
    ):
        order = [r for (r,) in _rows(db, f"SELECT {column} FROM {table} ORDER BY rowid")]
        rho, p_value = stats.spearmanr(range(300), [responses.index(r) for r in order])
        assert p_value > 1e-6, (table, rho)
    db.close()


def test_a_checkpoint_held_up_by_a_read_happens_when_the_read_ends(demo_copy: Path) -> None:
    db = open_database(demo_copy)
    wal = demo_copy.with_name(demo_copy.name + ".wal")
    (code,) = open_codes(db, 1)
    with db.cursor() as reader:
        reader.execute("BEGIN TRANSACTION")
        reader.execute("SELECT count(*) FROM answers").fetchall()  # a dashboard read, running
        submit_answers(db, code, {}, None, today=TODAY, secret=SECRET)
        assert wal.exists() and wal.stat().st_size > 0  # DuckDB refused: the log holds it
        reader.execute("COMMIT")
    deadline = time.monotonic() + 10
    while wal.exists() and wal.stat().st_size > 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not wal.exists() or wal.stat().st_size == 0
    assert db.deferred_checkpoints >= 1
    db.close()


def _read_in_another_thread(
    db: Database, seconds: float
) -> tuple[threading.Thread, threading.Event]:
    """A dashboard read holding a transaction open for ``seconds``, in a thread of its own."""
    started = threading.Event()

    def read() -> None:
        with db.cursor() as reader:
            reader.execute("BEGIN TRANSACTION")
            reader.execute("SELECT count(*) FROM answers").fetchall()
            started.set()
            time.sleep(seconds)
            reader.execute("COMMIT")

    thread = threading.Thread(target=read)
    thread.start()
    assert started.wait(10)
    return thread, started


def _log_holds(wal: Path, text: str) -> bool:
    try:
        return text.encode() in wal.read_bytes()
    except FileNotFoundError:
        return False


def test_an_answer_waits_for_a_running_read_and_goes_straight_into_the_file(
    demo_copy: Path,
) -> None:
    db = open_database(demo_copy)
    wal = demo_copy.with_name(demo_copy.name + ".wal")
    (code,) = open_codes(db, 1)
    seen: list[bool] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            seen.append(_log_holds(wal, "ventede kommentar"))

    watcher = threading.Thread(target=watch)
    watcher.start()
    reader, _ = _read_in_another_thread(db, 0.4)
    begin = time.monotonic()
    submit_answers(db, code, {}, "ventede kommentar", today=TODAY, secret=SECRET)
    waited = time.monotonic() - begin
    reader.join()
    stop.set()
    watcher.join()
    assert waited >= 0.2  # it waited for the read instead of committing into the log
    assert len(seen) > 10 and not any(seen)
    assert db.loud_commits == 0
    assert _rows(db, "SELECT count(*) FROM comments WHERE text = 'ventede kommentar'") == [(1,)]
    db.close()


def test_an_answer_behind_a_long_read_goes_through_the_log_and_leaves_it_after_the_read(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(data.db, "QUIET_WAIT_SECONDS", 0.05)
    db = open_database(demo_copy)
    wal = demo_copy.with_name(demo_copy.name + ".wal")
    (code,) = open_codes(db, 1)
    reader, _ = _read_in_another_thread(db, 1.5)
    begin = time.monotonic()
    submit_answers(db, code, {}, "lang læsning", today=TODAY, secret=SECRET)
    assert time.monotonic() - begin < 1.4  # gave up waiting: stored, acknowledged
    assert db.loud_commits == 1
    assert _log_holds(wal, "lang læsning")  # the documented rest: the log holds it meanwhile
    reader.join()
    deadline = time.monotonic() + 10
    while _log_holds(wal, "lang læsning") and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not _log_holds(wal, "lang læsning")
    assert _rows(db, "SELECT count(*) FROM comments WHERE text = 'lang læsning'") == [(1,)]
    db.close()
