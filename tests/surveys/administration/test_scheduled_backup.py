"""``medspil backup --keep N`` for a cron job or systemd timer (issue 12): a new complete copy in
``sikkerhedskopier/`` beside the database, then the oldest copies deleted so N remain; nothing
deleted when the copy cannot be written, and files Medspil did not name are left alone."""

from __future__ import annotations

from pathlib import Path

from data import open_database
from data.answers import table_counts
from surveys.administration.backup import backup_folder
from tests.surveys.cli.cli_support import medspil, medspil_process

OLD = [f"medspil-202611{day:02d}-030000.duckdb" for day in (1, 2, 3, 4)]
FOREIGN = ["noter.txt", "medspil-foer-opgradering.duckdb"]


def _folder_with_old_copies(db: Path) -> Path:
    folder = backup_folder(db)
    folder.mkdir(parents=True)
    for name in [*OLD, *FOREIGN]:
        (folder / name).write_bytes(b"en gammel kopi")
    (folder / (OLD[0] + ".wal")).write_bytes(b"log")
    return folder


def test_a_scheduled_backup_keeps_the_newest_n_and_nothing_else_is_touched(
    demo_copy: Path,
) -> None:
    folder = _folder_with_old_copies(demo_copy)
    result = medspil("backup", "--keep", "3", "--db", str(demo_copy))
    assert result.returncode == 0, result.stderr
    assert "Ældre kopier slettet: 2" in result.stderr
    names = sorted(p.name for p in folder.iterdir())
    (new,) = [n for n in names if n not in OLD and n not in FOREIGN]
    assert names == sorted([OLD[2], OLD[3], new, *FOREIGN])
    copy, source = open_database(folder / new), open_database(demo_copy)
    try:
        assert table_counts(copy) == table_counts(source)
    finally:
        copy.close()
        source.close()


def test_keep_must_be_a_positive_number_and_nothing_changes(demo_copy: Path) -> None:
    folder = _folder_with_old_copies(demo_copy)
    before = sorted(p.name for p in folder.iterdir())
    for keep in ("0", "-2"):
        result = medspil("backup", "--keep", keep, "--db", str(demo_copy))
        assert result.returncode == 2
        assert result.stderr.startswith(f"Fejl: --keep {keep}: angiv, hvor mange kopier")
    assert sorted(p.name for p in folder.iterdir()) == before


def test_while_the_app_holds_the_file_nothing_is_deleted(demo_copy: Path) -> None:
    folder = _folder_with_old_copies(demo_copy)
    before = sorted(p.name for p in folder.iterdir())
    held = open_database(demo_copy)  # as the running app does
    try:
        result = medspil_process("backup", "--keep", "1", "--db", str(demo_copy))
    finally:
        held.close()
    assert result.returncode == 2
    assert "Tag en sikkerhedskopi nu" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == before
