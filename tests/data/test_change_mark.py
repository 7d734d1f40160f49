"""The file's change mark: moves with every committed write, never with a read (issue 17)."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pytest

import data.db as db_module
from data import open_database
from data.projects import installation_flag, set_installation_flag

SETTLE = 0.05  # seconds: the real setting waits a second, the tests need not


@pytest.fixture
def quick_settle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db_module, "MARK_SETTLE_SECONDS", SETTLE)


def _settled_mark(db: db_module.Database) -> tuple[int, ...]:
    time.sleep(SETTLE * 2)
    mark = db.change_mark()
    assert mark is not None
    return mark


def test_every_committed_write_moves_the_mark_and_a_read_does_not(
    tmp_path: Path, quick_settle: None
) -> None:
    db = open_database(tmp_path / "m.duckdb")
    with db.transaction() as cur:
        cur.execute("CREATE TABLE scratch (a INTEGER)")
    seen = [_settled_mark(db)]
    with db.cursor() as cur:
        cur.execute("SELECT count(*) FROM scratch").fetchall()
    assert _settled_mark(db) == seen[-1]
    writes = [
        "INSERT INTO scratch VALUES (1)",
        "UPDATE scratch SET a = 2",
        "INSERT INTO scratch VALUES (3)",
        "DELETE FROM scratch WHERE a = 3",  # back to the same rows: still a write
    ]
    for statement in writes:
        with db.cursor() as cur:
            cur.execute(statement)
        seen.append(_settled_mark(db))
    with db.cursor() as cur:
        cur.execute("CHECKPOINT")  # nothing left to write: not a change
    assert _settled_mark(db) == seen[-1]
    assert len(set(seen)) == len(seen), seen
    db.close()


def test_commits_into_the_log_and_a_checkpoint_move_the_mark(
    tmp_path: Path, quick_settle: None
) -> None:
    """DuckDB's default settings (Medspil's own checkpoint at every commit it can): commits
    append to the ``.wal`` beside the file, a checkpoint moves them into the file."""
    path = tmp_path / "m.duckdb"
    db = db_module.Database(duckdb.connect(str(path)), path)
    with db.cursor() as cur:
        cur.execute("CREATE TABLE scratch (a INTEGER)")
        cur.execute("CHECKPOINT")
    seen = [_settled_mark(db)]
    for value in (1, 2):
        with db.cursor() as cur:
            cur.execute("INSERT INTO scratch VALUES (?)", [value])
        assert Path(f"{path}.wal").exists()
        seen.append(_settled_mark(db))
    with db.cursor() as cur:
        cur.execute("CHECKPOINT")
    assert not Path(f"{path}.wal").exists()
    seen.append(_settled_mark(db))
    assert len(set(seen)) == len(seen), seen
    db.close()


def test_a_transaction_moves_the_mark_only_when_it_commits(
    tmp_path: Path, quick_settle: None
) -> None:
    db = open_database(tmp_path / "m.duckdb")
    with db.transaction() as cur:
        cur.execute("CREATE TABLE scratch (a INTEGER)")
    before = _settled_mark(db)
    with db.cursor() as cur:
        cur.execute("BEGIN")
        cur.execute("INSERT INTO scratch VALUES (1)")
        assert _settled_mark(db) == before  # not committed: nobody else can read it yet
        cur.execute("COMMIT")
    assert _settled_mark(db) != before
    db.close()


def test_no_mark_right_after_a_write_or_without_a_file(tmp_path: Path) -> None:
    """Within the settle time two writes could leave the same file times: no mark then."""
    db = open_database(tmp_path / "m.duckdb")
    with db.transaction() as cur:
        cur.execute("CREATE TABLE scratch (a INTEGER)")
    assert db.change_mark() is None
    db.close()
    assert db_module.Database(None, None).change_mark() is None  # type: ignore[arg-type]


def test_a_small_read_is_remembered_only_while_nothing_is_written(
    tmp_path: Path, quick_settle: None
) -> None:
    db = open_database(tmp_path / "m.duckdb")
    reads: list[str] = []

    def read_flag() -> str | None:
        reads.append("read")
        return installation_flag(db, "demo")

    _settled_mark(db)
    assert db.while_unchanged("flag", read_flag) is None
    assert db.while_unchanged("flag", read_flag) is None
    assert reads == ["read"]  # the second call took what the first read
    set_installation_flag(db, "demo", "true")
    assert db.while_unchanged("flag", read_flag) == "true"  # the write moved the mark
    assert reads == ["read", "read"]
    assert installation_flag(db, "demo") == "true"
    _settled_mark(db)
    assert db.while_unchanged("flag", read_flag) == "true"
    assert db.while_unchanged("flag", read_flag) == "true"
    assert len(reads) in (2, 3)  # read once more at most (unless the last read kept a mark)
    db.close()
