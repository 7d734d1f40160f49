"""Queries on instruments, projects, phases and waves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd

from data.db import Database, one_row


def store_instrument(
    db: Database,
    *,
    instrument_id: str,
    name: str,
    version: int,
    title: dict[str, str],
    source: str,
    items: list[tuple[str, str, int, str, str, bool]],
) -> None:
    """Store an instrument version and its items ``(id, construct, position, da, en, reverse)``.

    A version already stored is left alone: instrument versions are immutable.
    """
    with db.transaction() as cur:
        exists = cur.execute("SELECT count(*) FROM instruments WHERE id = ?", [instrument_id])
        if one_row(exists)[0]:
            return
        cur.execute(
            "INSERT INTO instruments VALUES (?, ?, ?, ?, ?, ?)",
            [instrument_id, name, version, title["da"], title["en"], source],
        )
        cur.executemany(
            "INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(instrument_id, *item) for item in items],
        )


def instrument_items(db: Database, instrument_id: str) -> pd.DataFrame:
    """The items of one stored instrument version in order."""
    with db.cursor() as cur:
        return cur.execute(
            """SELECT id, construct, position, text_da, text_en, reverse FROM items
               WHERE instrument_id = ? ORDER BY position""",
            [instrument_id],
        ).df()


def insert_project(
    db: Database,
    *,
    project_id: str,
    name: str,
    description: str,
    instrument_id: str,
    involvement: str,
    unit_ids: list[str],
    modules: list[str],
    k_min: int = 5,
    k_comments: int = 10,
) -> None:
    with db.transaction() as cur:
        cur.execute(
            "INSERT INTO projects VALUES (?, ?, ?, ?, ?, ?, ?)",
            [project_id, name, description, instrument_id, k_min, k_comments, involvement],
        )
        for unit_id in unit_ids:
            cur.execute("INSERT INTO project_units VALUES (?, ?)", [project_id, unit_id])
        for module in modules:
            cur.execute("INSERT INTO project_modules VALUES (?, ?)", [project_id, module])


def insert_phase(
    db: Database,
    *,
    project_id: str,
    kind: str,
    starts: dt.date,
    ends: dt.date,
    involvement: str,
    unit_involvement: Mapping[str, str] | None = None,
) -> int:
    """Insert a phase (and its per-unit involvement levels); return its id."""
    with db.transaction() as cur:
        phase_id = one_row(
            cur.execute(
                """INSERT INTO phases (project_id, kind, starts, ends, involvement)
               VALUES (?, ?, ?, ?, ?) RETURNING id""",
                [project_id, kind, starts, ends, involvement],
            )
        )[0]
        rows = [(phase_id, unit, level) for unit, level in (unit_involvement or {}).items()]
        if rows:
            cur.executemany("INSERT INTO phase_unit_involvement VALUES (?, ?, ?)", rows)
    return int(phase_id)


def insert_wave(
    db: Database,
    *,
    project_id: str,
    number: int,
    opens: dt.date,
    closes: dt.date,
    instrument_id: str,
    phase_id: int,
) -> int:
    with db.transaction() as cur:
        row = one_row(
            cur.execute(
                """INSERT INTO waves (project_id, number, opens, closes, instrument_id, phase_id)
               VALUES (?, ?, ?, ?, ?, ?) RETURNING id""",
                [project_id, number, opens, closes, instrument_id, phase_id],
            )
        )
    return int(row[0])


def projects(db: Database) -> pd.DataFrame:
    """Every project with its instrument and thresholds (``open_waves`` gives today's waves)."""
    with db.cursor() as cur:
        return cur.execute("""
            SELECT p.id, p.name, p.description, p.instrument_id, p.k_min, p.k_comments,
                   p.involvement
            FROM projects p ORDER BY p.id
        """).df()


def open_waves(db: Database, today: dt.date) -> dict[str, int]:
    """Project id -> id of its wave open on ``today`` (the first, should two overlap)."""
    with db.cursor() as cur:
        rows = cur.execute(
            """SELECT project_id, min(id) FROM waves WHERE ? BETWEEN opens AND closes
               GROUP BY project_id""",
            [today],
        ).fetchall()
    return {str(project): int(wave) for project, wave in rows}


def project(db: Database, project_id: str) -> dict[str, Any] | None:
    frame = projects(db)
    match = frame[frame["id"] == project_id]
    return None if match.empty else {str(key): value for key, value in match.iloc[0].items()}


def project_units(db: Database, project_id: str) -> list[str]:
    """The roots of the unit subtrees a project involves."""
    with db.cursor() as cur:
        rows = cur.execute(
            "SELECT unit_id FROM project_units WHERE project_id = ? ORDER BY unit_id",
            [project_id],
        )
        return [row[0] for row in rows.fetchall()]


def project_modules(db: Database, project_id: str) -> list[str]:
    with db.cursor() as cur:
        rows = cur.execute(
            "SELECT construct FROM project_modules WHERE project_id = ? ORDER BY construct",
            [project_id],
        )
        return [row[0] for row in rows.fetchall()]


def phases(db: Database, project_id: str) -> pd.DataFrame:
    """A project's phases in time order: ``id``, ``kind``, ``starts``, ``ends``, ``involvement``."""
    with db.cursor() as cur:
        return cur.execute(
            """SELECT id, kind, starts, ends, involvement FROM phases
               WHERE project_id = ? ORDER BY starts, id""",
            [project_id],
        ).df()


def phase_unit_involvement(db: Database, project_id: str) -> pd.DataFrame:
    """Per-unit involvement levels that differ from the phase's own: ``phase_id``, ``unit_id``."""
    with db.cursor() as cur:
        return cur.execute(
            """SELECT pui.phase_id, pui.unit_id, pui.involvement
               FROM phase_unit_involvement pui JOIN phases p ON p.id = pui.phase_id
               WHERE p.project_id = ? ORDER BY pui.phase_id, pui.unit_id""",
            [project_id],
        ).df()


def waves(db: Database, project_id: str) -> pd.DataFrame:
    """A project's waves in order with their phase kind."""
    with db.cursor() as cur:
        return cur.execute(
            """SELECT w.id, w.number, w.opens, w.closes, w.instrument_id, w.phase_id,
                      p.kind AS phase_kind
               FROM waves w JOIN phases p ON p.id = w.phase_id
               WHERE w.project_id = ? ORDER BY w.number""",
            [project_id],
        ).df()


def is_empty(db: Database) -> bool:
    """True when the database holds no project and no unit (a fresh file)."""
    with db.cursor() as cur:
        units = one_row(cur.execute("SELECT count(*) FROM units"))[0]
        projects_ = one_row(cur.execute("SELECT count(*) FROM projects"))[0]
    return bool(units == 0 and projects_ == 0)


def set_installation_flag(db: Database, key: str, value: str) -> None:
    """Record an installation-wide fact, such as ``demo = true``."""
    with db.transaction() as cur:
        cur.execute("INSERT OR REPLACE INTO installation VALUES (?, ?)", [key, value])


def installation_flag(db: Database, key: str) -> str | None:
    """An installation-wide fact; every page run asks for ``demo``, so it is remembered while
    the file is unchanged."""

    def read() -> str | None:
        with db.cursor() as cur:
            row = cur.execute("SELECT value FROM installation WHERE key = ?", [key]).fetchone()
        return None if row is None else row[0]

    return db.while_unchanged(("installation_flag", key), read)
