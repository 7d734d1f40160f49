"""A damaged write-ahead log is not silently discarded (issue 12): the database is refused with
a message that says how to recover, and nothing is changed; a log cut short by a crash opens."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from data import open_database
from data.answers import table_counts
from data.wal import checksum, damage_offset
from medspil.errors import DatabaseCorrupt, WalDamaged
from tests.surveys.cli.cli_support import medspil


def _with_log(folder: Path) -> tuple[Path, Path]:
    """A database file whose last 40 inserts are only in its log (no checkpoint at close)."""
    path = folder / "svar.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t (x INTEGER)")
    con.execute("CHECKPOINT")
    con.execute("PRAGMA disable_checkpoint_on_shutdown")
    for i in range(40):
        con.execute("INSERT INTO t VALUES (?)", [i])
    con.close()
    wal = path.with_name(path.name + ".wal")
    assert wal.stat().st_size > 1000
    return path, wal


def test_duckdbs_checksum_is_reproduced_on_a_hand_made_entry() -> None:
    # 8 bytes 1 (little-endian word 1) then 1 byte 2: 5381 ^ (1 * K) ^ remainder(b"\x02"),
    # with K = 0xbf58476d1ce4e5b9 (DuckDB's checksum.cpp); the whole-word part by hand:
    whole = 5381 ^ 0xBF58476D1CE4E5B9
    assert checksum(b"\x01" + b"\x00" * 7) == whole
    assert checksum(b"") == 5381


def test_an_intact_log_opens_with_every_row(tmp_path: Path) -> None:
    path, wal = _with_log(tmp_path)
    assert damage_offset(wal) is None
    con = duckdb.connect(str(path))
    assert con.execute("SELECT count(*) FROM t").fetchall() == [(40,)]
    con.close()


def _flip_a_bit(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]


def _zeroed(data: bytes) -> bytes:
    return bytes(len(data))


@pytest.mark.parametrize("damage", [_flip_a_bit, _zeroed], ids=["bit flipped", "zeroed"])
def test_a_damaged_log_is_refused_with_how_to_recover_and_nothing_changes(
    tmp_path: Path, damage
) -> None:
    path, wal = _with_log(tmp_path)
    wal.write_bytes(damage(wal.read_bytes()))
    before = (path.read_bytes(), wal.read_bytes())
    with pytest.raises(WalDamaged) as caught:
        open_database(path)
    assert isinstance(caught.value, DatabaseCorrupt)
    message = caught.value.message("da")
    assert "beskadiget" in message and "medspil restore" in message and str(wal) in message
    assert "Intet er ændret" in message
    assert (path.read_bytes(), wal.read_bytes()) == before
    listed = medspil("list", "--db", str(path))
    assert listed.returncode == 2 and "beskadiget" in listed.stderr
    assert "Traceback" not in listed.stderr
    assert (path.read_bytes(), wal.read_bytes()) == before


def test_without_the_check_duckdb_drops_a_zeroed_log_in_silence(tmp_path: Path) -> None:
    """The reason for the check: DuckDB opens the file and every logged row is gone."""
    path, wal = _with_log(tmp_path)
    wal.write_bytes(_zeroed(wal.read_bytes()))
    shutil.copy(path, tmp_path / "kopi.duckdb")
    shutil.copy(wal, tmp_path / "kopi.duckdb.wal")
    con = duckdb.connect(str(tmp_path / "kopi.duckdb"))
    assert con.execute("SELECT count(*) FROM t").fetchall() == [(0,)]
    con.close()


def test_a_log_cut_short_by_a_crash_still_opens(tmp_path: Path) -> None:
    path, wal = _with_log(tmp_path)
    data = wal.read_bytes()
    wal.write_bytes(data[:-5])  # the last entry's write never finished
    assert damage_offset(wal) is None
    db = open_database(path, migrate=False)
    db.close()


def test_the_demo_database_with_its_log_opens(demo_copy: Path) -> None:
    db = open_database(demo_copy)
    assert table_counts(db)["responses"] > 0
    db.close()
