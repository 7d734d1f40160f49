"""Storing an import in one transaction, listing imports, and removing one as a unit.

Anonymity rules 1 and 8 hold for imported answers exactly as for answered ones: a response gets
a random id, its wave and its unit; imported waves are over, so their rows go straight to the
sealed ``stored_*`` tables, in random order. The ``imports`` row says where a
wave came from (source, file name, date of import), never who answered.

DuckDB checks a foreign key against rows deleted earlier in the same transaction, so removing
an import takes three short transactions (answers and comments, then responses, then waves);
the import stays listed until the last one has run, and removing it again finishes the job.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass

import pandas as pd

from data import audit
from data.db import Database, one_row

Answer = tuple[str, int | None]


@dataclass(frozen=True)
class NewResponse:
    wave_index: int
    unit_id: str
    answers: tuple[Answer, ...]
    comment: str | None


@dataclass(frozen=True)
class ImportRecord:
    id: int
    project_id: str
    source: str
    file_name: str
    imported_on: dt.date
    imported_by: str
    responses: int


def find_import(db: Database, project_id: str, fingerprint: str) -> ImportRecord | None:
    """The earlier import of the same file into the project, if any."""
    with db.cursor() as cur:
        row = cur.execute(
            """SELECT id, project_id, source, file_name, imported_on, imported_by, responses
               FROM imports WHERE project_id = ? AND fingerprint = ?""",
            [project_id, fingerprint],
        ).fetchone()
    return None if row is None else ImportRecord(*row)


def get_import(db: Database, import_id: int) -> ImportRecord | None:
    with db.cursor() as cur:
        row = cur.execute(
            """SELECT id, project_id, source, file_name, imported_on, imported_by, responses
               FROM imports WHERE id = ?""",
            [import_id],
        ).fetchone()
    return None if row is None else ImportRecord(*row)


def imports(db: Database, project_id: str | None = None) -> pd.DataFrame:
    """Every import (of one project): ``id``, ``project_id``, ``source``, ``file_name``,
    ``imported_on``, ``imported_by``, ``responses``, ``waves``, ``first``, ``last``."""
    with db.cursor() as cur:
        return cur.execute(
            """SELECT i.id, i.project_id, i.source, i.file_name, i.imported_on, i.imported_by,
                      i.responses, count(w.id) AS waves, min(w.opens) AS first,
                      max(w.opens) AS last
               FROM imports i
               LEFT JOIN import_waves iw ON iw.import_id = i.id
               LEFT JOIN waves w ON w.id = iw.wave_id
               WHERE $project IS NULL OR i.project_id = $project
               GROUP BY ALL ORDER BY i.id""",
            {"project": project_id},
        ).df()


def imported_waves(db: Database, project_id: str) -> pd.DataFrame:
    """The project's imported waves: ``wave_id``, ``import_id``, ``source``, ``file_name``,
    ``imported_on`` (for marking them on dashboards and in snapshots)."""
    with db.cursor() as cur:
        return cur.execute(
            """SELECT iw.wave_id, i.id AS import_id, i.source, i.file_name, i.imported_on
               FROM import_waves iw JOIN imports i ON i.id = iw.import_id
               WHERE i.project_id = ? ORDER BY iw.wave_id""",
            [project_id],
        ).df()


def store_import(
    db: Database,
    *,
    project_id: str,
    source: str,
    file_name: str,
    fingerprint: str,
    imported_on: dt.date,
    actor: str,
    waves: list[tuple[dt.date, int]],
    first_phase_start: tuple[int, dt.date] | None,
    responses: list[NewResponse],
    detail: str,
) -> int | None:
    """Store the waves (``(date, phase id)`` in time order), responses, answers and comments of
    one import in one transaction, all or nothing; ``None`` when the same file was imported
    into the project before (nothing stored).

    The waves are numbered just below the project's lowest number, so they sort first.
    """
    with db.transaction() as cur:
        twice = one_row(
            cur.execute(
                "SELECT count(*) FROM imports WHERE project_id = ? AND fingerprint = ?",
                [project_id, fingerprint],
            )
        )[0]
        if twice:
            return None
        lowest, instrument_id = one_row(
            cur.execute(
                """SELECT (SELECT coalesce(min(number), 1) FROM waves WHERE project_id = $p),
                      (SELECT instrument_id FROM projects WHERE id = $p)""",
                {"p": project_id},
            )
        )
        if first_phase_start is not None:
            cur.execute(
                "UPDATE phases SET starts = ? WHERE id = ? AND starts > ?",
                [first_phase_start[1], first_phase_start[0], first_phase_start[1]],
            )
        wave_ids = []
        for index, (day, phase_id) in enumerate(waves):
            inserted = cur.execute(
                """INSERT INTO waves (project_id, number, opens, closes, instrument_id, phase_id)
                   VALUES (?, ?, ?, ?, ?, ?) RETURNING id""",
                [project_id, lowest - len(waves) + index, day, day, instrument_id, phase_id],
            )
            row = one_row(inserted)
            wave_ids.append(int(row[0]))
        import_id = one_row(
            cur.execute(
                """INSERT INTO imports (project_id, source, file_name, fingerprint, imported_on,
                                    imported_by, responses)
               VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                [project_id, source, file_name, fingerprint, imported_on, actor, len(responses)],
            )
        )[0]
        cur.execute(
            "INSERT INTO import_waves SELECT ?, unnest(?::INTEGER[])", [import_id, wave_ids]
        )
        shuffled = list(responses)
        secrets.SystemRandom().shuffle(shuffled)
        ids = [str(uuid.uuid4()) for _ in shuffled]
        cur.execute(
            """INSERT INTO stored_responses
               SELECT unnest(?::VARCHAR[]), unnest(?::INTEGER[]), unnest(?::VARCHAR[])""",
            [ids, [wave_ids[r.wave_index] for r in shuffled], [r.unit_id for r in shuffled]],
        )
        answers = [
            (rid, item, value)
            for rid, r in zip(ids, shuffled, strict=True)
            for item, value in r.answers
        ]
        if answers:
            cur.execute(
                """INSERT INTO stored_answers
                   SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::TINYINT[])""",
                [list(column) for column in zip(*answers, strict=True)],
            )
        comments = [
            (str(uuid.uuid4()), rid, r.comment)
            for rid, r in zip(ids, shuffled, strict=True)
            if r.comment
        ]
        if comments:
            cur.execute(
                """INSERT INTO stored_comments
                   SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[])""",
                [list(column) for column in zip(*comments, strict=True)],
            )
        audit.record(cur, actor=actor, action="import.apply", detail=f"#{import_id}: {detail}")
    return int(import_id)


def remove_import(db: Database, import_id: int, *, actor: str, detail: str) -> bool:
    """Remove an import's waves with everything in them; ``False`` when there is no such import."""
    params = {"i": import_id}
    waves_of = "SELECT wave_id FROM import_waves WHERE import_id = $i"
    responses_of = f"SELECT id FROM stored_responses WHERE wave_id IN ({waves_of})"
    with db.transaction() as cur:
        if not one_row(cur.execute("SELECT count(*) FROM imports WHERE id = $i", params))[0]:
            return False
        cur.execute(f"DELETE FROM stored_answers WHERE response_id IN ({responses_of})", params)
        cur.execute(f"DELETE FROM stored_comments WHERE response_id IN ({responses_of})", params)
        cur.execute(f"DELETE FROM score_histogram_cache WHERE wave_id IN ({waves_of})", params)
        cur.execute(f"DELETE FROM score_histogram_state WHERE wave_id IN ({waves_of})", params)
    with db.transaction() as cur:
        cur.execute(f"DELETE FROM stored_responses WHERE wave_id IN ({waves_of})", params)
    with db.transaction() as cur:
        wave_ids = [row[0] for row in cur.execute(waves_of, params).fetchall()]
        cur.execute("DELETE FROM import_waves WHERE import_id = $i", params)
        cur.execute("DELETE FROM waves WHERE id IN (SELECT unnest($w::INTEGER[]))", {"w": wave_ids})
        cur.execute("DELETE FROM imports WHERE id = $i", params)
        audit.record(cur, actor=actor, action="import.remove", detail=f"#{import_id}: {detail}")
    return True
