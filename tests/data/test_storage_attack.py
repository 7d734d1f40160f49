"""Anonymity rule 8: the file, its log and a mid-wave backup link no answer to its code.

Thirty people of one unit answer one by one (the worst case: no group commit mixes them); the
attacker knows the order they answered in, the order their slips were printed in and (holding
the installation secret) each code's invitation row, and reads every order the storage keeps
(``tests/data/storage_attack.py``). No guess may beat chance against any of the three orders.

Before the storage change (main at ad1f1a5) this test failed on every source: the rows of
``responses``, ``answers`` and ``comments`` in row-id order, and the byte offsets of the response
ids and comments in the ``.wal``, gave the true order exactly (30 of 30 linked in the final copy,
15 of 15 in the backup, p < 1e-30).
"""

from __future__ import annotations

from pathlib import Path

from data import open_database
from tests.conftest import TODAY
from tests.data.storage_attack import (
    answer_one_by_one,
    attack,
    format_guesses,
    watch_log_under_load,
)

ANSWERS = 30


def test_no_order_in_the_file_the_log_or_a_backup_links_an_answer_to_its_code(
    demo_copy: Path, tmp_path: Path
) -> None:
    db = open_database(demo_copy)
    try:
        copies = answer_one_by_one(db, tmp_path, answers=ANSWERS, today=TODAY, seed=7)
    finally:
        db.close()
    guesses = [g for i, c in enumerate(copies) for g in attack(c, tmp_path / "scratch" / str(i))]
    report = format_guesses(guesses, ANSWERS)
    # The attack must have had something to read: the responses' own rows at least.
    assert any(g.source.startswith("rows of") and g.found == ANSWERS for g in guesses), report
    assert not [g for g in guesses if g.leaks], report


def test_a_copy_of_the_log_at_any_moment_holds_no_answer_under_continuous_load(
    demo_copy: Path,
) -> None:
    # Before commits went straight into the file (main at eea70dd) the log held the last group
    # commit's answers, beside the codes they used, in 74 % of 5,793 copies (400 answers).
    db = open_database(demo_copy)
    try:
        looks = watch_log_under_load(db, answers=80, submitters=3, today=TODAY, seed=3)
        assert looks.answers == 80 and looks.looks > 100, looks.summary()
        assert looks.held == 0, looks.summary()
        assert db.loud_commits == 0  # no commit gave up waiting for the dashboard's reads
    finally:
        db.close()
