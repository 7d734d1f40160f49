"""Queries on what the parties do together: the involvement plan as it happened, the roles in a
project, what is fixed and open in each phase, the MED log and the agreed actions.

Every write records its audit line in the same transaction. None of these tables holds anything
from a respondent; the checks of who may write live in ``surveys.together``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd

from data.audit import record
from data.db import Database, one_row

# --- the plan as it happened --------------------------------------------------------------


def actual_involvement(db: Database, project_id: str) -> pd.DataFrame:
    """Levels recorded as they actually were: ``phase_id``, ``unit_id``, ``involvement``,
    ``note``, ``recorded_on``, ``recorded_by``."""
    with db.cursor() as cur:
        return cur.execute(
            """SELECT a.phase_id, a.unit_id, a.involvement, a.note, a.recorded_on, a.recorded_by
               FROM involvement_actual a JOIN phases p ON p.id = a.phase_id
               WHERE p.project_id = ? ORDER BY a.phase_id, a.unit_id""",
            [project_id],
        ).df()


def set_actual_involvement(
    db: Database,
    *,
    phase_id: int,
    unit_id: str,
    involvement: str | None,
    note: str,
    today: dt.date,
    actor: str,
    detail: str,
) -> None:
    """Record (or, with ``involvement=None``, remove) the level a unit actually had."""
    with db.transaction() as cur:
        cur.execute(
            "DELETE FROM involvement_actual WHERE phase_id = ? AND unit_id = ?", [phase_id, unit_id]
        )
        if involvement is not None:
            cur.execute(
                "INSERT INTO involvement_actual VALUES (?, ?, ?, ?, ?, ?)",
                [phase_id, unit_id, involvement, note, today, actor],
            )
        record(cur, actor=actor, action="involvement_plan.actual", detail=detail)


def phase_framing(db: Database, project_id: str) -> pd.DataFrame:
    """What is fixed and what is open for change per phase: ``phase_id``, ``fixed``,
    ``open_for_change``."""
    with db.cursor() as cur:
        return cur.execute(
            """SELECT f.phase_id, f.fixed, f.open_for_change
               FROM phase_framing f JOIN phases p ON p.id = f.phase_id
               WHERE p.project_id = ? ORDER BY p.starts""",
            [project_id],
        ).df()


def save_phase_framing(
    db: Database, *, phase_id: int, fixed: str, open_for_change: str, actor: str, detail: str
) -> None:
    with db.transaction() as cur:
        cur.execute("DELETE FROM phase_framing WHERE phase_id = ?", [phase_id])
        cur.execute(
            "INSERT INTO phase_framing VALUES (?, ?, ?)", [phase_id, fixed, open_for_change]
        )
        record(cur, actor=actor, action="involvement_plan.framing", detail=detail)


def project_roles(db: Database, project_id: str) -> pd.DataFrame:
    """``id``, ``kind``, ``unit_id``, ``phase_kinds`` (list), ``people``, ``note``."""
    with db.cursor() as cur:
        return cur.execute(
            """SELECT id, kind, unit_id, phase_kinds, people, note FROM project_roles
               WHERE project_id = ? ORDER BY kind, unit_id, id""",
            [project_id],
        ).df()


def add_project_role(
    db: Database,
    *,
    project_id: str,
    kind: str,
    unit_id: str,
    phase_kinds: list[str],
    people: int,
    note: str,
    actor: str,
    detail: Callable[[int], str],  # the audit line, given the new row's id
) -> int:
    with db.transaction() as cur:
        row = one_row(
            cur.execute(
                """INSERT INTO project_roles (project_id, kind, unit_id, phase_kinds, people, note)
                   VALUES (?, ?, ?, ?, ?, ?) RETURNING id""",
                [project_id, kind, unit_id, phase_kinds, people, note],
            )
        )
        record(cur, actor=actor, action="involvement_plan.role_add", detail=detail(row[0]))
        return int(row[0])


def remove_project_role(db: Database, *, role_id: int, actor: str, detail: str) -> None:
    with db.transaction() as cur:
        cur.execute("DELETE FROM project_roles WHERE id = ?", [role_id])
        record(cur, actor=actor, action="involvement_plan.role_remove", detail=detail)


# --- the MED log ----------------------------------------------------------------------------

_LOG_COLUMNS = """l.id, l.project_id, l.committee_id, l.met_on, l.phase_kind, l.topic,
    l.questions, l.principles, l.decision, l.snapshot_id, l.corrects, l.recorded_on,
    l.recorded_by"""


def med_log(db: Database, project_id: str | None = None) -> pd.DataFrame:
    """Every entry (of one project), oldest meeting first, with ``frozen_by`` (the first
    snapshot that showed it, or NA) and ``corrected_by`` (the newest entry correcting it)."""
    with db.cursor() as cur:
        return cur.execute(
            f"""SELECT {_LOG_COLUMNS},
                   (SELECT min(f.snapshot_id) FROM med_log_frozen f WHERE f.entry_id = l.id)
                       AS frozen_by,
                   (SELECT max(c.id) FROM med_log c WHERE c.corrects = l.id) AS corrected_by
               FROM med_log l
               WHERE ? IS NULL OR l.project_id = ?
               ORDER BY l.met_on, l.id""",
            [project_id, project_id],
        ).df()


def add_med_log_entry(
    db: Database,
    *,
    project_id: str,
    committee_id: str,
    met_on: dt.date,
    phase_kind: str | None,
    topic: str,
    questions: list[int],
    principles: list[int],
    decision: str,
    snapshot_id: int | None,
    corrects: int | None,
    today: dt.date,
    actor: str,
    detail: Callable[[int], str],  # the audit line, given the new row's id
) -> int:
    """Store one entry; returns its id. A correction of a frozen entry is a new entry."""
    with db.transaction() as cur:
        row = one_row(
            cur.execute(
                """INSERT INTO med_log (project_id, committee_id, met_on, phase_kind, topic,
                       questions, principles, decision, snapshot_id, corrects, recorded_on,
                       recorded_by)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                [
                    project_id,
                    committee_id,
                    met_on,
                    phase_kind,
                    topic,
                    questions,
                    principles,
                    decision,
                    snapshot_id,
                    corrects,
                    today,
                    actor,
                ],
            )
        )
        entry_id = int(row[0])
        record(cur, actor=actor, action="med_meeting.add", detail=detail(entry_id))
        return entry_id


def update_med_log_entry(
    db: Database,
    *,
    entry_id: int,
    met_on: dt.date,
    phase_kind: str | None,
    topic: str,
    questions: list[int],
    principles: list[int],
    decision: str,
    snapshot_id: int | None,
    actor: str,
    detail: str,
) -> bool:
    """Change an entry no snapshot has frozen; False (and nothing changed) when one has."""
    with db.transaction() as cur:
        frozen = one_row(
            cur.execute("SELECT count(*) FROM med_log_frozen WHERE entry_id = ?", [entry_id])
        )
        if int(frozen[0]):
            return False
        cur.execute(
            """UPDATE med_log SET met_on = ?, phase_kind = ?, topic = ?, questions = ?,
                   principles = ?, decision = ?, snapshot_id = ?
               WHERE id = ?""",
            [met_on, phase_kind, topic, questions, principles, decision, snapshot_id, entry_id],
        )
        record(cur, actor=actor, action="med_meeting.edit", detail=detail)
        return True


def freeze_med_log_entries(db: Database, *, entry_ids: list[int], snapshot_id: int) -> None:
    """Mark entries as shown in a frozen snapshot: from now on they are never edited."""
    if not entry_ids:
        return
    with db.transaction() as cur:
        cur.executemany(
            "INSERT OR IGNORE INTO med_log_frozen VALUES (?, ?)",
            [(entry_id, snapshot_id) for entry_id in entry_ids],
        )


# --- agreed actions -------------------------------------------------------------------------


def actions(db: Database, project_id: str | None = None) -> pd.DataFrame:
    """Every action (of one project), by the day it was agreed: ``id``, ``project_id``,
    ``unit_ids``, ``what``, ``responsible``, ``due``, ``status``, ``source``, ``source_ref``,
    ``agreed_on``, ``recorded_by``, ``closed_on``, ``outcome``."""
    with db.cursor() as cur:
        return cur.execute(
            """SELECT id, project_id, unit_ids, what, responsible, due, status, source,
                   source_ref, agreed_on, recorded_by, closed_on, outcome
               FROM actions WHERE ? IS NULL OR project_id = ?
               ORDER BY agreed_on, id""",
            [project_id, project_id],
        ).df()


def add_action(
    db: Database,
    *,
    project_id: str,
    unit_ids: list[str],
    what: str,
    responsible: str,
    due: dt.date | None,
    source: str,
    source_ref: str,
    agreed_on: dt.date,
    actor: str,
    detail: Callable[[int], str],  # the audit line, given the new row's id
) -> int:
    with db.transaction() as cur:
        row = one_row(
            cur.execute(
                """INSERT INTO actions (project_id, unit_ids, what, responsible, due, status,
                       source, source_ref, agreed_on, recorded_by)
                   VALUES (?, ?, ?, ?, ?, 'aaben', ?, ?, ?, ?) RETURNING id""",
                [
                    project_id,
                    unit_ids,
                    what,
                    responsible,
                    due,
                    source,
                    source_ref,
                    agreed_on,
                    actor,
                ],
            )
        )
        action_id = int(row[0])
        record(cur, actor=actor, action="agreed_action.add", detail=detail(action_id))
        return action_id


def set_action_status(
    db: Database,
    *,
    action_id: int,
    status: str,
    outcome: str,
    closed_on: dt.date | None,
    actor: str,
    detail: str,
) -> None:
    with db.transaction() as cur:
        cur.execute(
            "UPDATE actions SET status = ?, outcome = ?, closed_on = ? WHERE id = ?",
            [status, outcome, closed_on, action_id],
        )
        record(cur, actor=actor, action="agreed_action.status", detail=detail)
