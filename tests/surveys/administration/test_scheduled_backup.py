"""The app's own backup schedule and ``medspil backup --keep N`` (issue 12): a new complete copy
in ``sikkerhedskopier/`` beside the database, then the oldest copies deleted so N remain;
nothing deleted when the copy cannot be written, and files Medspil did not name are left
alone. The app's schedule writes while answers arrive; the command needs the app stopped."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from data import open_database
from data.answers import table_counts
from data.invitations import find_invitation
from data.submissions import store_response
from medspil.errors import BackupFailed
from surveys.administration.backup import (
    BackupSchedule,
    backup_folder,
    backup_schedule,
    ensure_backup_schedule,
    newest_backup,
    stop_backup_schedules,
)
from surveys.answering.codes import code_hash, normalise_code
from surveys.answering.form import open_form
from tests.conftest import app_file
from tests.pages.login_support import TIMEOUT
from tests.surveys.answering.answer_support import SECRET, TODAY, open_codes
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


# The app's own schedule (backup_every_hours in medspil.toml): backups while it serves.

START = dt.datetime(2026, 12, 3, 3, 15)


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def _copies(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("medspil-*.duckdb"))


def test_the_app_backs_up_when_the_newest_copy_is_older_than_the_interval(
    demo_copy: Path,
) -> None:
    db = open_database(demo_copy)
    clock = Clock(START)
    schedule = BackupSchedule(db, every=dt.timedelta(hours=24), keep=2, clock=clock)
    try:
        first = schedule.run_if_due()  # no copy yet: due at once
        assert first is not None and first.name == "medspil-20261203-031500.duckdb"
        clock.now = START + dt.timedelta(hours=23, minutes=59)
        assert schedule.run_if_due() is None  # 23:59 after the newest: not yet
        codes = open_codes(db, 1)
        items = open_form(db, codes[0], lang="da", today=TODAY, secret=SECRET).items
        hashed = code_hash(normalise_code(codes[0]), SECRET)
        store_response(db, code_hash=hashed, answers=[(i.id, 3) for i in items], comment=None)
        clock.now = START + dt.timedelta(hours=24)
        second = schedule.run_if_due()
        assert second is not None and second.name == "medspil-20261204-031500.duckdb"
        clock.now = START + dt.timedelta(hours=48)
        third = schedule.run_if_due()
        assert third is not None
        # keep = 2: the oldest went; the newest copy holds the answer given after the first
        assert _copies(backup_folder(demo_copy)) == [second.name, third.name]
        copy = open_database(third)
        try:
            assert table_counts(copy) == table_counts(db)
            assert find_invitation(copy, hashed).used
        finally:
            copy.close()
        assert schedule.last_written == third and schedule.last_error is None
    finally:
        db.close()


def test_a_copy_taken_with_the_button_counts_as_the_newest(demo_copy: Path) -> None:
    folder = backup_folder(demo_copy)
    folder.mkdir(parents=True)
    (folder / "medspil-20261203-020000.duckdb").write_bytes(b"taken with the button at 02:00")
    db = open_database(demo_copy)
    try:
        schedule = BackupSchedule(db, every=dt.timedelta(hours=6), keep=5, clock=Clock(START))
        assert schedule.run_if_due() is None
        assert newest_backup(folder) == dt.datetime(2026, 12, 3, 2, 0)
    finally:
        db.close()


def test_a_failed_backup_is_kept_for_the_page_and_tried_again(demo_copy: Path) -> None:
    folder = backup_folder(demo_copy)
    folder.write_text("a file where the folder should be")  # the copy cannot be written
    db = open_database(demo_copy)
    try:
        schedule = BackupSchedule(db, every=dt.timedelta(hours=1), keep=3, clock=Clock(START))
        assert schedule.run_if_due() is None
        assert isinstance(schedule.last_error, BackupFailed)
        assert "could not be written" in schedule.last_error.message("en")
        folder.unlink()
        assert schedule.run_if_due() is not None and schedule.last_error is None
    finally:
        db.close()


def test_the_schedule_runs_on_its_own_thread_and_follows_the_settings(demo_copy: Path) -> None:
    db = open_database(demo_copy)
    folder = backup_folder(demo_copy)
    try:
        schedule = ensure_backup_schedule(db, every_hours=24, keep=3, tick_seconds=0.05)
        assert schedule is not None
        deadline = time.monotonic() + 60
        while not _copies(folder) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(_copies(folder)) == 1  # one at start; the next is 24 hours away
        assert ensure_backup_schedule(db, every_hours=24, keep=3) is schedule  # the same one
        changed = ensure_backup_schedule(db, every_hours=12, keep=3, tick_seconds=0.05)
        assert changed is not schedule and backup_schedule(db) is changed
        assert ensure_backup_schedule(db, every_hours=0, keep=3) is None  # switched off
        assert backup_schedule(db) is None
    finally:
        stop_backup_schedules()
        db.close()


def test_logbog_says_whether_the_app_backs_up_by_itself(
    app_env: Path, tmp_path: Path, monkeypatch
) -> None:
    at = AppTest.from_file(app_file("pages/logbog.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert any("tager ikke selv sikkerhedskopier" in i.value for i in at.info)
    config = tmp_path / "medspil.toml"
    config.write_text("[medspil]\nbackup_every_hours = 24\nbackup_keep = 7\n", encoding="utf-8")
    monkeypatch.setenv("MEDSPIL_CONFIG", str(config))
    at.run()  # the next page run starts the schedule: no restart
    assert not at.exception
    deadline = time.monotonic() + 60
    while not _copies(backup_folder(app_env)) and time.monotonic() < deadline:
        time.sleep(0.1)
    at.run()
    (caption,) = [c.value for c in at.caption if "hver 24. time" in c.value]
    assert "beholder de 7 nyeste" in caption
    assert "ingen endnu" not in caption  # the latest copy's time is shown
