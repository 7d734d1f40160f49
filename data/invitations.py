"""Invitations: keyed code hashes in, and what a code opens (its wave, unit and items) out.

An invitation records only that it was used, never when and never by which response (anonymity
rule 1 of DESIGN.md); responses are stored by ``data.submissions``. Invitations are stored in a
random order, not the order they were issued or printed in (rule 8).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from data.db import Database
from data.submissions import insert_blank_responses


@dataclass(frozen=True)
class Invitation:
    """What a code opens: its wave and unit, and what the answer page needs to show."""

    wave_id: int
    wave_number: int
    unit_id: str
    used: bool
    project_id: str
    project_name: str
    k_min: int
    opens: dt.date
    closes: dt.date
    instrument_id: str
    phase_kind: str


def find_invitation(db: Database, code_hash: str) -> Invitation | None:
    """The invitation with this keyed code hash, or ``None`` when there is none."""
    with db.cursor() as cur:
        row = cur.execute(
            """SELECT i.wave_id, w.number, i.unit_id, i.used, p.id, p.name, p.k_min,
                      w.opens, w.closes, w.instrument_id, ph.kind
               FROM invitations i
               JOIN waves w ON w.id = i.wave_id
               JOIN projects p ON p.id = w.project_id
               JOIN phases ph ON ph.id = w.phase_id
               WHERE i.code_hash = ?""",
            [code_hash],
        ).fetchone()
    if row is None:
        return None
    return Invitation(
        wave_id=int(row[0]),
        wave_number=int(row[1]),
        unit_id=row[2],
        used=bool(row[3]),
        project_id=row[4],
        project_name=row[5],
        k_min=int(row[6]),
        opens=row[7],
        closes=row[8],
        instrument_id=row[9],
        phase_kind=row[10],
    )


def insert_invitations(
    db: Database,
    *,
    wave_id: int,
    unit_id: str,
    code_hashes: list[str],
    actor: str,
    action: str,
    detail: str,
) -> list[str]:
    """Store unused invitations and one audit row in one transaction.

    Returns the hashes that exist already; when there are any, nothing is stored and the caller
    draws new codes for them (two random codes may collide in a large installation).
    """
    with db.transaction() as cur:
        taken = cur.execute(
            "SELECT code_hash FROM invitations WHERE code_hash IN (SELECT unnest(?::VARCHAR[]))",
            [code_hashes],
        ).fetchall()
        if taken:
            return sorted(row[0] for row in taken)
        # In an order drawn at random, not the order the slips are printed in; and one blank
        # response row per code, filled when a code answers (``data.submissions``).
        shuffled = list(code_hashes)
        secrets.SystemRandom().shuffle(shuffled)
        cur.execute(
            """INSERT INTO invitations (code_hash, wave_id, unit_id, used)
               SELECT unnest(?::VARCHAR[]), ?, ?, false""",
            [shuffled, wave_id, unit_id],
        )
        insert_blank_responses(cur, wave_id=wave_id, unit_id=unit_id, count=len(shuffled))
        cur.execute(
            """INSERT INTO audit_log (happened_at, actor, action, detail)
               VALUES (current_timestamp, ?, ?, ?)""",
            [actor, action, detail],
        )
    return []


def presented_items(
    db: Database, *, instrument_id: str, project_id: str, core: list[str]
) -> list[tuple[str, str, str]]:
    """``(id, text_da, text_en)`` of the items a wave presents: the ``core`` constructs plus the
    project's modules, in the instrument's order."""
    with db.cursor() as cur:
        return cur.execute(
            """SELECT id, text_da, text_en FROM items
               WHERE instrument_id = ?
                 AND (construct IN (SELECT unnest(?::VARCHAR[]))
                      OR construct IN (SELECT construct FROM project_modules WHERE project_id = ?))
               ORDER BY position""",
            [instrument_id, core, project_id],
        ).fetchall()
