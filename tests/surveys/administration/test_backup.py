"""Backups while the app serves, and restore (issue 12, backups and operations).

Real DuckDB files throughout: answers arrive through ``data.submissions.store_response`` in
threads while the backup is written through the same connection, and the copy is restored with
``medspil restore`` and read back.
"""

from __future__ import annotations

import threading
from pathlib import Path

from streamlit.testing.v1 import AppTest

from data import open_database
from data.answers import table_counts
from data.backup import write_backup
from data.invitations import find_invitation
from data.submissions import store_response
from surveys.administration.backup import backup_folder
from surveys.answering.codes import code_hash, normalise_code
from surveys.answering.form import open_form
from tests.conftest import app_file
from tests.pages.login_support import TIMEOUT
from tests.surveys.answering.answer_support import SECRET, TODAY, open_codes
from tests.surveys.cli.cli_support import medspil, medspil_process

THREADS = 4


def test_a_backup_taken_while_answers_arrive_holds_every_answer_acknowledged_before_it(
    demo_copy: Path, tmp_path: Path
) -> None:
    db = open_database(demo_copy)
    codes = open_codes(db, 160)
    items = open_form(db, codes[0], lang="da", today=TODAY, secret=SECRET).items
    hashes = [code_hash(normalise_code(code), SECRET) for code in codes]
    acknowledged: list[str] = []
    lock = threading.Lock()
    some_stored = threading.Event()

    def submit(mine: list[str]) -> None:
        for hashed in mine:
            store_response(db, code_hash=hashed, answers=[(i.id, 4) for i in items], comment="ok")
            with lock:
                acknowledged.append(hashed)
                if len(acknowledged) >= 20:
                    some_stored.set()

    workers = [threading.Thread(target=submit, args=(hashes[n::THREADS],)) for n in range(THREADS)]
    for worker in workers:
        worker.start()
    assert some_stored.wait(120)
    with lock:
        before_backup = list(acknowledged)
    backup = write_backup(db, tmp_path / "kopi.duckdb")
    for worker in workers:
        worker.join(120)
    assert len(acknowledged) == len(hashes)  # every thread finished: all 160 stored
    db.close()

    restored_path = tmp_path / "gendannet.duckdb"
    done = medspil("restore", str(backup), "--db", str(restored_path))
    assert done.returncode == 0, done.stderr
    restored = open_database(restored_path)
    try:
        for hashed in before_backup:
            found = find_invitation(restored, hashed)
            assert found is not None and found.used
        counts = table_counts(restored)
        original = open_database(demo_copy)
        base = table_counts(original)
        original.close()
        stored = counts["responses"] - (base["responses"] - len(hashes))
        assert len(before_backup) <= stored <= len(hashes)
        # Whole answers only: every stored response has all its items and its comment.
        assert counts["answers"] - (base["answers"] - len(hashes) * len(items)) == stored * len(
            items
        )
        assert counts["comments"] - (base["comments"] - len(hashes)) == stored
        used = sum(bool(find_invitation(restored, h).used) for h in hashes)
        assert used == stored
    finally:
        restored.close()


def test_backup_and_restore_from_the_command_line_when_the_app_is_stopped(
    demo_copy: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "nat.duckdb"
    done = medspil("backup", "--db", str(demo_copy), "--to", str(copy))
    assert done.returncode == 0 and str(copy) in done.stderr
    again = medspil("backup", "--db", str(demo_copy), "--to", str(copy))
    assert again.returncode == 2 and "findes allerede" in again.stderr
    db = open_database(demo_copy)
    before = table_counts(db)
    (code,) = open_codes(db, 1)
    items = open_form(db, code, lang="da", today=TODAY, secret=SECRET).items
    store_response(
        db,
        code_hash=code_hash(normalise_code(code), SECRET),
        answers=[(i.id, 2) for i in items],
        comment=None,
    )
    db.close()
    restored = medspil("restore", str(copy), "--db", str(demo_copy))
    assert restored.returncode == 0, restored.stderr
    assert "gendannet" in restored.stderr
    db = open_database(demo_copy)
    assert table_counts(db) == before
    db.close()
    kept = [p for p in tmp_path.iterdir() if "før-gendannelse" in p.name and p.suffix != ".wal"]
    assert len(kept) == 1
    db = open_database(kept[0])
    assert table_counts(db)["responses"] == before["responses"] + 1
    db.close()


def test_the_commands_say_plainly_when_the_app_holds_the_file(
    demo_copy: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "kopi.duckdb"
    assert medspil("backup", "--db", str(demo_copy), "--to", str(copy)).returncode == 0
    held = open_database(demo_copy)  # as the running app does
    try:
        backup = medspil_process("backup", "--db", str(demo_copy), "--to", str(tmp_path / "b"))
        assert backup.returncode == 2
        assert "Tag en sikkerhedskopi nu" in backup.stderr and "Traceback" not in backup.stderr
        restore = medspil_process("restore", str(copy), "--db", str(demo_copy))
        assert restore.returncode == 2
        assert "Stop appen" in restore.stderr and "Intet er ændret" in restore.stderr
    finally:
        held.close()
    assert not (tmp_path / "b").exists()
    assert [p.name for p in tmp_path.iterdir() if "før-gendannelse" in p.name] == []
    not_a_backup = tmp_path / "noget.txt"
    not_a_backup.write_text("ikke en database", encoding="utf-8")
    refused = medspil("restore", str(not_a_backup), "--db", str(demo_copy))
    assert refused.returncode == 2 and "kan ikke læses som en Medspil-sikkerhedskopi" in (
        refused.stderr
    )


def test_the_logbog_page_takes_a_backup_while_the_app_serves(app_env: Path) -> None:
    at = AppTest.from_file(app_file("pages/logbog.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    at.button(key="backup_now").click().run()
    assert not at.exception
    assert any("Sikkerhedskopien er gemt" in s.value for s in at.success)
    (written,) = list(backup_folder(app_env).glob("medspil-*.duckdb"))
    copy = open_database(written)
    copied = table_counts(copy)
    copy.close()
    served = open_database(app_env)  # the app's own file, still open in the app
    try:
        assert copied == table_counts(served) and copied["responses"] > 0
    finally:
        served.close()
