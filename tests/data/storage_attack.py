"""An attack on the storage: link answers to codes from the database file, its log and a backup.

The attacker of DESIGN.md's anonymity rule 8 is an administrator who holds the ``.duckdb`` file,
its ``.wal`` and a backup copied mid-wave, and who knows which code went to whom and in which
order the codes were used (she watched the team answer, or the codes were mailed to named people
and answered one by one). Everything the storage keeps in an order (the rows of every table by
row id, the byte offsets of ids and comments in the log and in the file) is read as a guess of
the order people answered in, and compared with the true order; and with the order the codes
were issued (printed) in and the order of their invitation rows, in case the storage ties an
answer to its code's place rather than to its time. Success is measured against
chance within the unit: a random guess links one of the unit's responses to its code on average.

Run ``.venv/bin/python -m tests.data.storage_attack [--answers 30]`` to build the demo kommune in
a temporary folder, answer ``--answers`` codes of one unit one by one, copy a backup half way,
and print what each attack achieved. ``tests/data/test_storage_attack.py`` runs the same attack
and fails when any guess beats chance.

The log under continuous load (``watch_log_under_load``; ``--looks-answers 400`` in the command):
several people answer back to back while a dashboard reads beside them, and the attacker copies
the ``.wal`` at random moments. A copy that holds answers holds the last group commit's claims
beside its fills; she knows who answered last, so a group of one is linked outright and a larger
group at chance within the group, not within the unit. Printed: the share of copies that held
answers, and how many of those held a code's claim beside them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
from scipy import stats

from data import open_database
from data.db import Database
from data.submissions import seal_closed_waves
from medspil.scope import Scope
from surveys.answering.codes import code_hash, issue_codes, normalise_code
from surveys.answering.form import open_form
from tests.surveys.answering.answer_support import submit_answers

SECRET = b"attack-secret-of-32-bytes......."
PROJECT = "medicin"
UNIT = "NORD-SOLHOJ"
# A guessed order "links" when it agrees with the true order far beyond chance: the chance that
# a random order of 30 responses has a Spearman correlation this strong is below one in a million.
P_LEAK = 1e-6
MIN_FOUND = 5


@dataclass(frozen=True)
class Copy:
    """A copy of the database file and (when there was one) its log, taken at one moment."""

    label: str
    database: Path
    wal: Path | None
    markers: tuple[str, ...]  # the comment markers of the codes answered before the copy, in order
    codes: tuple[str, ...]  # their codes, in the same order
    issued: tuple[int, ...]  # each code's place in the order the codes were issued (printed)


@dataclass(frozen=True)
class Guess:
    """One attack on one copy: the order it read, compared with the order people answered."""

    copy: str
    source: str
    found: int  # responses of the unit whose position the attack could read
    linked: int  # responses placed at their true position (chance: about one)
    rho: float | None  # Spearman correlation of guessed and true position
    p_value: float | None

    @property
    def leaks(self) -> bool:
        return self.found >= MIN_FOUND and self.p_value is not None and self.p_value < P_LEAK


def answer_one_by_one(
    db: Database, folder: Path, *, answers: int, today: dt.date, seed: int | None = None
) -> list[Copy]:
    """Issue ``answers`` codes for one unit, answer them one by one in a random order.

    Every answer carries a random comment marker so the test knows which response is whose.
    A backup is copied (file and log, while the database is open) after half of the answers,
    the live file and log at the end, and the file once the wave has closed (its close date is
    moved to yesterday) and its rows were sealed. Returns the three copies.
    """
    codes = list(
        issue_codes(
            db,
            project_id=PROJECT,
            unit_id=UNIT,
            count=answers,
            scope=Scope.admin("attack"),
            today=today,
            secret=SECRET,
        ).codes
    )
    place = {code: position for position, code in enumerate(codes)}
    random.Random(seed).shuffle(codes)  # the order of use differs from the order of issue
    items = open_form(db, codes[0], lang="da", today=today, secret=SECRET).items
    markers: list[str] = []
    copies = []
    for number, code in enumerate(codes, start=1):
        marker = f"markør {secrets.token_hex(6)}"
        values = {item.id: 1 + (number + i) % 5 for i, item in enumerate(items)}
        submit_answers(db, code, values, marker, today=today, secret=SECRET)
        markers.append(marker)
        if number == answers // 2:
            copies.append(_copy(db, folder / "backup", "backup mid-wave", markers, codes, place))
    copies.append(_copy(db, folder / "live", "file and log at the end", markers, codes, place))
    # The wave closes (moved to yesterday here) and its rows are sealed into the stored tables.
    with db.cursor() as cur:
        wave = cur.execute(
            "SELECT DISTINCT wave_id FROM invitations WHERE code_hash = ?",
            [code_hash(normalise_code(codes[0]), SECRET)],
        ).fetchone()[0]
        cur.execute("UPDATE waves SET closes = ? WHERE id = ?", [today - dt.timedelta(1), wave])
    assert wave in seal_closed_waves(db)
    copies.append(_copy(db, folder / "sealed", "after the wave closed", markers, codes, place))
    return copies


def _copy(
    db: Database,
    folder: Path,
    label: str,
    markers: list[str],
    codes: list[str],
    place: dict[str, int],
) -> Copy:
    assert db.path is not None
    folder.mkdir(parents=True)
    database = folder / db.path.name
    shutil.copyfile(db.path, database)
    wal_source = db.path.with_name(db.path.name + ".wal")
    wal = None
    if wal_source.exists():
        wal = folder / wal_source.name
        shutil.copyfile(wal_source, wal)
    used = codes[: len(markers)]
    return Copy(label, database, wal, tuple(markers), tuple(used), tuple(place[c] for c in used))


def attack(copy: Copy, scratch: Path) -> list[Guess]:
    """Every order the copy keeps, read as a guess of the order the unit's people answered in,
    of the order their codes were issued in, and of the order of their invitation rows."""
    raw_wal = copy.wal.read_bytes() if copy.wal else b""
    raw_file = copy.database.read_bytes()
    # Open a private copy of the copy: opening replays the log into the file.
    scratch.mkdir(parents=True, exist_ok=True)
    opened = scratch / copy.database.name
    shutil.copyfile(copy.database, opened)
    if copy.wal:
        shutil.copyfile(copy.wal, opened.with_name(opened.name + ".wal"))
    con = duckdb.connect(str(opened), read_only=True)
    try:
        truth = _true_order(con, copy.markers)
        # Besides the order of answering: the order the slips were printed in, and the order of
        # the codes' invitation rows (found by their hash: this attacker has the secret too).
        rows = dict(con.execute("SELECT code_hash, rowid FROM invitations").fetchall())
        invitation_row = [rows[code_hash(normalise_code(c), SECRET)] for c in copy.codes]
        against = {
            "answering": truth,
            "issue": [rid for _, rid in sorted(zip(copy.issued, truth, strict=True))],
            "invitation rows": [rid for _, rid in sorted(zip(invitation_row, truth, strict=True))],
        }
        orders = [
            (f"rows of {table}.{column}", order)
            for table, column, order in _row_orders(con, set(truth))
        ]
        texts = dict(
            con.execute(
                "SELECT response_id, text FROM comments WHERE response_id IN "
                "(SELECT unnest(?::VARCHAR[]))",
                [truth],
            ).fetchall()
        )
    finally:
        con.close()
    for name, raw in (("log (.wal)", raw_wal), ("file (.duckdb)", raw_file)):
        by_id = _byte_order(raw, {rid: rid.encode() for rid in truth})
        by_text = _byte_order(raw, {rid: texts[rid].encode() for rid in truth})
        orders.append((f"byte offsets of response ids in the {name}", by_id))
        orders.append((f"byte offsets of comments in the {name}", by_text))
    return [
        _score(copy.label, f"{source} vs order of {kind}", order, true_order)
        for source, order in orders
        for kind, true_order in against.items()
    ]


def _true_order(con: duckdb.DuckDBPyConnection, markers: tuple[str, ...]) -> list[str]:
    """The response ids of the answers, in the order they were given (found by their marker)."""
    rows = dict(
        con.execute(
            "SELECT text, response_id FROM comments WHERE text IN (SELECT unnest(?::VARCHAR[]))",
            [list(markers)],
        ).fetchall()
    )
    return [rows[marker] for marker in markers]


def _row_orders(
    con: duckdb.DuckDBPyConnection, wanted: set[str]
) -> list[tuple[str, str, list[str]]]:
    """For every text column of every table: the wanted ids in the order of their first row."""
    columns = con.execute(
        """SELECT c.table_name, c.column_name FROM duckdb_columns() c
           JOIN duckdb_tables() t ON t.table_name = c.table_name AND t.schema_name = c.schema_name
           WHERE c.data_type = 'VARCHAR' ORDER BY c.table_name, c.column_index"""
    ).fetchall()
    orders = []
    for table, column in columns:
        quoted_table = '"' + table.replace('"', '""') + '"'
        quoted_column = '"' + column.replace('"', '""') + '"'
        values = con.execute(
            f"SELECT {quoted_column} FROM {quoted_table} ORDER BY rowid"
        ).fetchall()
        seen: list[str] = []
        for (value,) in values:
            if value in wanted and value not in seen:
                seen.append(value)
        if seen:
            orders.append((table, column, seen))
    return orders


def _byte_order(raw: bytes, needles: dict[str, bytes]) -> list[str]:
    found = {key: raw.find(needle) for key, needle in needles.items()}
    return [key for key, at in sorted(found.items(), key=lambda pair: pair[1]) if at >= 0]


def _score(label: str, source: str, order: list[str], truth: list[str]) -> Guess:
    """How well ``order`` (a guess) matches ``truth`` (the true order of the same responses)."""
    rank = {rid: position for position, rid in enumerate(truth)}
    present = [rid for rid in order if rid in rank]
    true_ranks = sorted(rank[rid] for rid in present)
    # The guess puts the i-th found response at the i-th true position among those found.
    linked = sum(1 for i, rid in enumerate(present) if rank[rid] == true_ranks[i])
    rho = p_value = None
    if len(present) >= 3:
        result = stats.spearmanr(range(len(present)), [rank[rid] for rid in present])
        rho, p_value = float(result.statistic), float(result.pvalue)
    return Guess(label, source, len(present), linked, rho, p_value)


def format_guesses(guesses: list[Guess], answers: int) -> str:
    lines = [f"chance: about 1 of the {answers} responses linked; a leak: p < {P_LEAK:g}"]
    for g in guesses:
        rho = "   -  " if g.rho is None else f"{g.rho:+.2f}"
        p = "   -   " if g.p_value is None else f"{g.p_value:.1e}"
        verdict = "LEAKS" if g.leaks else "chance"
        lines.append(
            f"{g.copy:24} {g.source:80} found {g.found:3} linked {g.linked:3} "
            f"rho {rho} p {p} {verdict}"
        )
    return "\n".join(lines)


@dataclass(frozen=True)
class LogLooks:
    """What copies of the ``.wal`` taken at random moments under continuous answering held."""

    looks: int  # copies taken
    with_answers: tuple[int, ...]  # per copy that held answers: how many (the group it links)
    with_claim: int  # copies that held answers and a code's claim (the invitations table) too
    answers: int  # answers given while the copies were taken
    seconds: float

    @property
    def held(self) -> int:
        return len(self.with_answers)

    @property
    def alone(self) -> int:
        """Copies that held exactly one answer: linked to its code (and person) outright."""
        return sum(1 for n in self.with_answers if n == 1)

    def summary(self) -> str:
        share = self.held / max(self.looks, 1)
        group = statistics.median(self.with_answers) if self.with_answers else 0
        return (
            f"log copied at {self.looks} random moments while {self.answers} answers were "
            f"given in {self.seconds:.1f} s ({self.answers / self.seconds:.0f}/s) beside a "
            f"dashboard read: it held answers in {self.held} ({share:.1%}), a claimed code "
            f"beside them in {self.with_claim}; answers per such copy median {group:g}, "
            f"exactly one (linked outright) in {self.alone}"
        )


def watch_log_under_load(
    db: Database,
    *,
    answers: int,
    submitters: int,
    today: dt.date,
    seed: int | None = None,
    pause_ms: float = 2.0,
) -> LogLooks:
    """``submitters`` threads answer ``answers`` codes of one unit back to back while one thread
    reads as a dashboard does and another copies the ``.wal`` after a random pause (uniform in
    0..``pause_ms``), again and again. Every answer carries a marker, so each copy can be
    searched for the answers it holds."""
    assert db.path is not None
    wal = db.path.with_name(db.path.name + ".wal")
    codes = list(
        issue_codes(
            db,
            project_id=PROJECT,
            unit_id=UNIT,
            count=answers,
            scope=Scope.admin("attack"),
            today=today,
            secret=SECRET,
        ).codes
    )
    items = open_form(db, codes[0], lang="da", today=today, secret=SECRET).items
    values = {item.id: 1 + i % 5 for i, item in enumerate(items)}
    queue = list(reversed(codes))
    lock = threading.Lock()
    markers: list[str] = []
    done = threading.Event()
    copies: list[bytes] = []
    failures: list[BaseException] = []

    def submitter() -> None:
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    code = queue.pop()
                    marker = f"markør {secrets.token_hex(6)}"
                    markers.append(marker)
                submit_answers(db, code, values, marker, today=today, secret=SECRET)
        except BaseException as e:  # reported after the run
            failures.append(e)

    def reader() -> None:
        while not done.is_set():
            with db.cursor() as cur:
                cur.execute(
                    "SELECT unit_id, count(*), avg(value) FROM answers a "
                    "JOIN responses r ON r.id = a.response_id GROUP BY ALL"
                ).fetchall()

    def watcher() -> None:
        pauses = random.Random(seed)
        while not done.is_set():
            time.sleep(pauses.uniform(0, pause_ms / 1000))
            try:
                copies.append(wal.read_bytes())
            except FileNotFoundError:  # removed by a checkpoint: an empty log
                copies.append(b"")

    threads = [threading.Thread(target=submitter) for _ in range(submitters)]
    helpers = [threading.Thread(target=reader), threading.Thread(target=watcher)]
    for thread in helpers:
        thread.start()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    done.set()
    for thread in helpers:
        thread.join()
    if failures:
        raise failures[0]
    needles = [marker.encode() for marker in markers]
    with_answers = []
    with_claim = 0
    for raw in copies:
        held = sum(1 for needle in needles if needle in raw)
        if held:
            with_answers.append(held)
            with_claim += b"invitations" in raw
    return LogLooks(len(copies), tuple(with_answers), with_claim, len(markers), seconds)


def main() -> int:
    from surveys.installation.demo import build_demo

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=30)
    parser.add_argument("--looks-answers", type=int, default=400)
    parser.add_argument("--submitters", type=int, default=4)
    args = parser.parse_args()
    today = dt.date.today()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        db = open_database(root / "medspil.duckdb")
        build_demo(db, seed=1, today=today)
        # First the log under load (the one-by-one run closes the wave at its end).
        looks = watch_log_under_load(
            db, answers=args.looks_answers, submitters=args.submitters, today=today
        )
        copies = answer_one_by_one(db, root, answers=args.answers, today=today)
        db.close()
        guesses = [g for i, c in enumerate(copies) for g in attack(c, root / "scratch" / str(i))]
    print(format_guesses(guesses, args.answers))
    print(looks.summary())
    return 1 if any(g.leaks for g in guesses) or looks.held else 0


if __name__ == "__main__":
    sys.exit(main())
