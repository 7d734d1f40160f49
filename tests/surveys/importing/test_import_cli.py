"""``medspil import-responses`` run as a real process: dry run, apply, twice refused (exit 2),
plain errors with line references, ``imports`` and ``remove-import``."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from data import open_database
from tests.surveys.importing.support import first_wave, pulse_csv_files, pulse_mapping, pulse_rows

ROOT = Path(__file__).resolve().parents[3]


def medspil(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "surveys.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=dict(os.environ),
        timeout=120,
    )


def _responses(path: Path) -> int:
    db = open_database(path)
    try:
        with db.cursor() as cur:
            return cur.execute("SELECT count(*) FROM responses").fetchone()[0]
    finally:
        db.close()


def _write(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)


def _setup(demo_copy: Path, tmp_path: Path, rows: list[list[str]] | None = None) -> Path:
    db = open_database(demo_copy)
    first = first_wave(db)
    db.close()
    rounds = (first - dt.timedelta(days=70), first - dt.timedelta(days=40))
    (tmp_path / "mapping.toml").write_text(pulse_mapping(rounds), encoding="utf-8")
    _write(tmp_path / "export", pulse_csv_files(rows))
    return tmp_path / "export" / "dataset.csv"


def test_dry_run_previews_and_stores_nothing_then_apply_stores(
    demo_copy: Path, tmp_path: Path
) -> None:
    dataset = _setup(demo_copy, tmp_path)
    mapping = str(tmp_path / "mapping.toml")
    before = _responses(demo_copy)
    dry = medspil("import-responses", str(dataset), "--mapping", mapping, "--dry-run",
                  "--db", str(demo_copy))  # fmt: skip
    assert dry.returncode == 0, dry.stderr
    assert "36 besvarelser gemmes i 2 målinger og 3 enheder" in dry.stdout
    assert "Prøvekørsel: intet er gemt" in dry.stderr
    assert _responses(demo_copy) == before
    done = medspil("import-responses", str(dataset), "--mapping", mapping, "--db", str(demo_copy))
    assert done.returncode == 0, done.stderr
    assert _responses(demo_copy) == before + 36
    again = medspil("import-responses", str(dataset), "--mapping", mapping, "--db", str(demo_copy))
    assert again.returncode == 2
    assert "allerede importeret" in again.stderr and "already been imported" in again.stderr
    assert "Traceback" not in again.stderr
    assert _responses(demo_copy) == before + 36
    listing = medspil("imports", "--db", str(demo_copy))
    assert listing.returncode == 0, listing.stderr
    lines = listing.stdout.splitlines()
    assert lines[0].startswith("Nr.\tProjekt\tKilde\tFil")
    import_id = lines[1].split("\t")[0]
    removed = medspil("remove-import", import_id, "--db", str(demo_copy))
    assert removed.returncode == 0, removed.stderr
    assert _responses(demo_copy) == before


def test_a_broken_file_is_one_plain_message_with_its_line_and_exit_2(
    demo_copy: Path, tmp_path: Path
) -> None:
    rows = pulse_rows()
    rows[3][5] = "9"
    dataset = _setup(demo_copy, tmp_path, rows)
    before = _responses(demo_copy)
    result = medspil("import-responses", str(dataset), "--mapping",
                     str(tmp_path / "mapping.toml"), "--db", str(demo_copy))  # fmt: skip
    assert result.returncode == 2
    assert "dataset.csv linje 5, kolonne q1: koden »9«" in result.stderr
    assert "dataset.csv line 5, column q1: the code '9'" in result.stderr
    assert "Traceback" not in result.stderr
    assert _responses(demo_copy) == before


def test_a_suggested_mapping_is_written_for_review(demo_copy: Path, tmp_path: Path) -> None:
    dataset = _setup(demo_copy, tmp_path)
    result = medspil("import-responses", str(dataset.parent), "--suggest-for", "medicin",
                     "--db", str(demo_copy))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert 'column = "enhed"' in result.stdout
    assert 'item = "men1"' in result.stdout
    assert 'missing = ["6"]' in result.stdout


def test_a_missing_mapping_is_a_plain_error(demo_copy: Path, tmp_path: Path) -> None:
    dataset = _setup(demo_copy, tmp_path)
    result = medspil("import-responses", str(dataset), "--db", str(demo_copy))
    assert result.returncode == 2
    assert "--mapping" in result.stderr and "Traceback" not in result.stderr
