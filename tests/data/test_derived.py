"""Derived results saved beside the database: reused only for the state they were made from."""

from __future__ import annotations

from pathlib import Path

from data import open_database
from data.derived import load_derived, save_derived


def test_a_saved_value_comes_back_for_its_state_only(tmp_path: Path) -> None:
    db = open_database(tmp_path / "m.duckdb")
    save_derived(db, "basis-p", ("state", 1), {"numbers": [1, 2, 3]})
    assert load_derived(db, "basis-p", ("state", 1)) == {"numbers": [1, 2, 3]}
    assert load_derived(db, "basis-p", ("state", 2)) is None
    assert load_derived(db, "basis-q", ("state", 1)) is None
    db.close()


def test_an_unreadable_file_is_ignored_and_an_in_memory_database_keeps_nothing(
    tmp_path: Path,
) -> None:
    db = open_database(tmp_path / "m.duckdb")
    folder = tmp_path / "m.duckdb.derived"
    folder.mkdir()
    (folder / "basis-p.pickle").write_bytes(b"not a pickle")
    assert load_derived(db, "basis-p", "state") is None
    db.close()
    memory = open_database(None)
    save_derived(memory, "basis-p", "state", 42)
    assert load_derived(memory, "basis-p", "state") is None
    memory.close()
