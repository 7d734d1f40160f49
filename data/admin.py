"""The administration's writes: the unit tree, committees, projects with phases, and waves.

Each function is one transaction that also writes its ``audit_log`` row, so an action is either
stored whole with its log line or not at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from data import audit
from data.db import Database, one_row


@dataclass(frozen=True)
class PhaseRow:
    """A phase as stored; ``phase_id`` is ``None`` for a new one."""

    kind: str
    starts: dt.date
    ends: dt.date
    involvement: str
    unit_involvement: dict[str, str] = field(default_factory=dict)
    gap_reason: str = ""
    phase_id: int | None = None


@dataclass(frozen=True)
class ProjectRow:
    project_id: str
    name: str
    description: str
    instrument_id: str
    involvement: str
    k_min: int
    k_comments: int
    unit_ids: tuple[str, ...]
    modules: tuple[str, ...]


def apply_unit_import(
    db: Database, rows: list[tuple[str, str | None, str, str, int]], *, actor: str, detail: str
) -> None:
    """Insert or update ``(id, parent_id, name, unit_type, headcount)`` rows by id, reopen them,
    and close every unit not among them."""
    with db.transaction() as cur:
        _insert_many(
            cur,
            """INSERT INTO units (id, parent_id, name, unit_type, headcount, closed)
               VALUES (?, ?, ?, ?, ?, false)
               ON CONFLICT (id) DO UPDATE SET parent_id = excluded.parent_id,
                   name = excluded.name, unit_type = excluded.unit_type,
                   headcount = excluded.headcount, closed = false""",
            rows,
        )
        cur.execute(
            "UPDATE units SET closed = true WHERE NOT closed AND id NOT IN "
            "(SELECT unnest(?::VARCHAR[]))",
            [[row[0] for row in rows]],
        )
        audit.record(cur, actor=actor, action="units.import", detail=detail)


def save_committee(
    db: Database,
    *,
    committee_id: str,
    name: str,
    level: str,
    roots: list[str],
    actor: str,
    action: str,
    detail: str,
) -> None:
    """Create or replace a committee and the subtrees it covers."""
    with db.transaction() as cur:
        cur.execute(
            """INSERT INTO committees (id, name, level) VALUES (?, ?, ?)
               ON CONFLICT (id) DO UPDATE SET name = excluded.name, level = excluded.level""",
            [committee_id, name, level],
        )
        cur.execute("DELETE FROM committee_units WHERE committee_id = ?", [committee_id])
        _insert_many(
            cur,
            "INSERT INTO committee_units (committee_id, unit_id) VALUES (?, ?)",
            [(committee_id, root) for root in roots],
        )
        audit.record(cur, actor=actor, action=action, detail=detail)


def project_ids(db: Database) -> list[str]:
    with db.cursor() as cur:
        return [row[0] for row in cur.execute("SELECT id FROM projects ORDER BY id").fetchall()]


def gap_reasons(db: Database, project_id: str) -> dict[int, str]:
    """Phase id -> why the timeline pauses before that phase."""
    with db.cursor() as cur:
        rows = cur.execute(
            """SELECT g.phase_id, g.reason FROM phase_gap_reasons g
               JOIN phases p ON p.id = g.phase_id WHERE p.project_id = ?""",
            [project_id],
        ).fetchall()
    return {int(phase_id): reason for phase_id, reason in rows}


def _insert_many(cur: duckdb.DuckDBPyConnection, sql: str, rows: list[tuple[Any, ...]]) -> None:
    """``executemany`` that accepts no rows (DuckDB refuses an empty parameter list)."""
    if rows:
        cur.executemany(sql, rows)


def _write_project_units_and_modules(cur: duckdb.DuckDBPyConnection, project: ProjectRow) -> None:
    cur.execute("DELETE FROM project_units WHERE project_id = ?", [project.project_id])
    _insert_many(
        cur,
        "INSERT INTO project_units (project_id, unit_id) VALUES (?, ?)",
        [(project.project_id, unit) for unit in project.unit_ids],
    )
    cur.execute("DELETE FROM project_modules WHERE project_id = ?", [project.project_id])
    _insert_many(
        cur,
        "INSERT INTO project_modules (project_id, construct) VALUES (?, ?)",
        [(project.project_id, module) for module in project.modules],
    )


def _write_phase(cur: duckdb.DuckDBPyConnection, project_id: str, phase: PhaseRow) -> int:
    if phase.phase_id is None:
        phase_id = one_row(
            cur.execute(
                """INSERT INTO phases (project_id, kind, starts, ends, involvement)
               VALUES (?, ?, ?, ?, ?) RETURNING id""",
                [project_id, phase.kind, phase.starts, phase.ends, phase.involvement],
            )
        )[0]
    else:
        phase_id = phase.phase_id
        cur.execute(
            """UPDATE phases SET kind = ?, starts = ?, ends = ?, involvement = ?
               WHERE id = ? AND project_id = ?""",
            [phase.kind, phase.starts, phase.ends, phase.involvement, phase_id, project_id],
        )
    _insert_many(
        cur,
        "INSERT INTO phase_unit_involvement (phase_id, unit_id, involvement) VALUES (?, ?, ?)",
        [(phase_id, unit, level) for unit, level in sorted(phase.unit_involvement.items())],
    )
    if phase.gap_reason:
        cur.execute(
            "INSERT INTO phase_gap_reasons (phase_id, reason) VALUES (?, ?)",
            [phase_id, phase.gap_reason],
        )
    return int(phase_id)


def _clear_phase_details(cur: duckdb.DuckDBPyConnection, project_id: str) -> None:
    for table in ("phase_unit_involvement", "phase_gap_reasons"):
        cur.execute(
            f"DELETE FROM {table} WHERE phase_id IN "  # table names are the two constants above
            "(SELECT id FROM phases WHERE project_id = ?)",
            [project_id],
        )


def create_project(
    db: Database, project: ProjectRow, phases: list[PhaseRow], *, actor: str, detail: str
) -> None:
    """Store a new project with its units, modules and phases."""
    with db.transaction() as cur:
        cur.execute(
            """INSERT INTO projects (id, name, description, instrument_id, k_min, k_comments,
                   involvement) VALUES (?, ?, ?, ?, ?, ?, ?)""",
            [
                project.project_id,
                project.name,
                project.description,
                project.instrument_id,
                project.k_min,
                project.k_comments,
                project.involvement,
            ],
        )
        _write_project_units_and_modules(cur, project)
        for phase in phases:
            _write_phase(cur, project.project_id, phase)
        audit.record(cur, actor=actor, action="project.create", detail=detail)


def update_project(
    db: Database,
    project: ProjectRow,
    phases: list[PhaseRow],
    *,
    wave_phase_index: dict[int, int],
    removed_phase_ids: list[int],
    actor: str,
    detail: str,
) -> None:
    """Replace a project's settings, units, modules and phases.

    ``wave_phase_index`` moves each existing wave to the phase (an index into ``phases``) that
    contains its open date; ``removed_phase_ids`` are deleted after their waves have moved.
    """
    with db.transaction() as cur:
        cur.execute(
            """UPDATE projects SET name = ?, description = ?, k_min = ?, k_comments = ?,
                   involvement = ? WHERE id = ?""",
            [
                project.name,
                project.description,
                project.k_min,
                project.k_comments,
                project.involvement,
                project.project_id,
            ],
        )
        _write_project_units_and_modules(cur, project)
        _clear_phase_details(cur, project.project_id)
        stored = [_write_phase(cur, project.project_id, phase) for phase in phases]
        for wave_id, index in wave_phase_index.items():
            cur.execute(
                "UPDATE waves SET phase_id = ? WHERE id = ? AND project_id = ?",
                [stored[index], wave_id, project.project_id],
            )
        for phase_id in removed_phase_ids:
            cur.execute(
                "DELETE FROM phases WHERE id = ? AND project_id = ?", [phase_id, project.project_id]
            )
        audit.record(cur, actor=actor, action="project.update", detail=detail)


def wave_states(db: Database, project_id: str) -> pd.DataFrame:
    """A project's waves with their phase and counts: ``id``, ``number``, ``opens``,
    ``closes``, ``phase_id``, ``phase_kind``, ``issued`` (codes), ``responses``."""
    with db.cursor() as cur:
        frame = cur.execute(
            """SELECT w.id, w.number, w.opens, w.closes, w.phase_id, p.kind AS phase_kind,
                      (SELECT count(*) FROM invitations i WHERE i.wave_id = w.id) AS issued,
                      (SELECT count(*) FROM responses r WHERE r.wave_id = w.id) AS responses
               FROM waves w JOIN phases p ON p.id = w.phase_id
               WHERE w.project_id = ? ORDER BY w.number""",
            [project_id],
        ).df()
    return frame.astype({"id": "int64", "number": "int64", "issued": "int64", "responses": "int64"})


def insert_waves(
    db: Database,
    project_id: str,
    rows: list[tuple[int, dt.date, dt.date, str, int]],
    *,
    actor: str,
    detail: str,
) -> list[int]:
    """Insert ``(number, opens, closes, instrument_id, phase_id)`` waves; return their ids."""
    ids = []
    with db.transaction() as cur:
        for number, opens, closes, instrument_id, phase_id in rows:
            inserted = cur.execute(
                """INSERT INTO waves (project_id, number, opens, closes, instrument_id, phase_id)
                   VALUES (?, ?, ?, ?, ?, ?) RETURNING id""",
                [project_id, number, opens, closes, instrument_id, phase_id],
            )
            row = one_row(inserted)
            ids.append(int(row[0]))
        audit.record(cur, actor=actor, action="waves.plan", detail=detail)
    return ids


def delete_unused_waves(
    db: Database, project_id: str, wave_ids: list[int], *, actor: str, detail: str
) -> bool:
    """Delete waves that have no codes and no answers, all or none; ``False`` when any has."""
    with db.transaction() as cur:
        used = one_row(
            cur.execute(
                """SELECT (SELECT count(*) FROM invitations WHERE wave_id IN (SELECT unnest($w)))
                    + (SELECT count(*) FROM responses WHERE wave_id IN (SELECT unnest($w)))""",
                {"w": wave_ids},
            )
        )[0]
        if used:
            return False
        cur.execute(
            "DELETE FROM waves WHERE project_id = $p AND id IN (SELECT unnest($w))",
            {"p": project_id, "w": wave_ids},
        )
        audit.record(cur, actor=actor, action="waves.delete", detail=detail)
    return True
