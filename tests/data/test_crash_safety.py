"""Crash safety of answering (issue 12): a real process submitting answers through the answer
page's calls is killed with SIGKILL at a random moment while it is writing, ten times. After
every kill the database opens (its write-ahead log checked and replayed), every answer the
process acknowledged is there with all its values, no response is half stored (a response
without its answers, a used code without its response, or a response without its used code),
and the counts agree."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from data import open_database
from data.db import Database
from surveys.answering.codes import code_hash, normalise_code
from surveys.answering.form import open_form
from tests.surveys.answering.answer_support import SECRET, TODAY, open_codes

WRITER = Path(__file__).resolve().parent / "crash_writer.py"
ROOT = WRITER.parents[2]
KILLS = 10
UNIT = "NORD-HAVBO"


def _wave_and_items(db: Database, code: str) -> tuple[int, list[str]]:
    form = open_form(db, code, lang="da", today=TODAY, secret=SECRET)
    with db.cursor() as cur:
        (wave_id,) = cur.execute(
            "SELECT wave_id FROM invitations WHERE code_hash = ?",
            [code_hash(normalise_code(code), SECRET)],
        ).fetchone()
    return int(wave_id), [item.id for item in form.items]


def _stored(db: Database, wave_id: int) -> dict[str, dict[str, int | None]]:
    """Every response of the wave and unit: its comment (or its id) -> its answers."""
    with db.cursor() as cur:
        rows = cur.execute(
            """SELECT r.id, c.text, a.item_id, a.value FROM responses r
               LEFT JOIN comments c ON c.response_id = r.id
               LEFT JOIN answers a ON a.response_id = r.id
               WHERE r.wave_id = ? AND r.unit_id = ?""",
            [wave_id, UNIT],
        ).fetchall()
    stored: dict[str, dict[str, int | None]] = {}
    for response_id, comment, item_id, value in rows:
        answers = stored.setdefault(comment or response_id, {})
        if item_id is not None:
            answers[item_id] = value
    return stored


def _used(db: Database, hashes: dict[str, str]) -> set[str]:
    with db.cursor() as cur:
        used = cur.execute(
            "SELECT code_hash FROM invitations WHERE used AND code_hash = ANY(?::VARCHAR[])",
            [list(hashes)],
        ).fetchall()
    return {hashes[hashed] for (hashed,) in used}


def _run_until_killed(db_path: Path, codes_file: Path, rng: random.Random) -> tuple[list[str], int]:
    """Start a writer, kill it at a random moment once it is writing; its acknowledged codes."""
    writer = subprocess.Popen(
        [sys.executable, str(WRITER), str(db_path), str(codes_file), SECRET.hex()],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "MEDSPIL_SECRET_FILE": str(db_path.with_suffix(".secret"))},
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "ready", writer.stderr.read()
    # Once the first answer is acknowledged the writer is in its loop: kill it anywhere in it.
    first = writer.stdout.readline().strip()
    time.sleep(rng.uniform(0.0, 0.4))
    writer.send_signal(signal.SIGKILL)
    out, err = writer.communicate(timeout=30)
    lines = [first, *out.split()]
    assert "done" not in lines, "the writer ran out of codes before it was killed"
    assert writer.returncode == -signal.SIGKILL, err
    return lines, writer.returncode


def test_sigkill_while_answering_loses_no_acknowledged_answer_and_leaves_nothing_half(
    demo_copy: Path, tmp_path: Path
) -> None:
    rng = random.Random(12)
    db = open_database(demo_copy)
    codes = open_codes(db, 800, unit=UNIT)
    wave_id, items = _wave_and_items(db, codes[0])
    earlier = _stored(db, wave_id)  # the demo's own answers in this wave and unit
    db.close()
    hashes = {code_hash(normalise_code(code), SECRET): code for code in codes}
    expected = {item: 1 + n % 5 for n, item in enumerate(items)}
    codes_file = tmp_path / "codes.txt"
    codes_file.write_text("\n".join(codes), encoding="utf-8")

    acknowledged: set[str] = set()
    for _ in range(KILLS):
        lines, _ = _run_until_killed(demo_copy, codes_file, rng)
        acknowledged |= set(lines)
        db = open_database(demo_copy)  # the log is checked and replayed here
        try:
            used = _used(db, hashes)
            stored = _stored(db, wave_id)
        finally:
            db.close()
        ours = {key.removeprefix("kode "): v for key, v in stored.items() if key not in earlier}
        assert acknowledged <= used  # every "Tak for dit svar" is stored ...
        assert set(ours) == used  # ... and a used code has its response, and only a used one
        assert all(answers == expected for answers in ours.values())  # every value, none half
        assert len(stored) == len(earlier) + len(used)
