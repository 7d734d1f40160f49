"""What a MED snapshot freezes of the parties' own records, for its area: the plan against
practice, the MED discussions, the agreed actions, and "since last time" (the actions agreed at or
since the area's previous snapshot, and how each construct moved since then).

Everything is copied in as plain values, so the snapshot renders without the live database. The
construct movements compare the area's own published (already protected) wave scores in the
previous snapshot's frozen content with this one's: a hidden cell on either side gives no number.

Each part is built as its TypedDict in ``surveys.snapshots.schema``, so mypy checks every key
written here against the stored format.
"""

from __future__ import annotations

import datetime as dt
import json

from data import snapshots as snapshot_queries
from data.db import Database
from medspil.scope import Scope
from surveys.snapshots import schema
from surveys.together.actions import Action, visible_actions
from surveys.together.med_log import LogEntry, current_entries, visible_entries
from surveys.together.plan import Framing, PlanRow, ProjectRole, framings, plan_rows, roles
from surveys.together.rights import committee_area


def together_content(
    db: Database,
    *,
    project_id: str,
    area_kind: str,
    area_id: str,
    area_units: list[str],
    roots: list[str],
    today: dt.date,
    scores: list[schema.ScoreRow],
) -> schema.TogetherPart:
    """The ``together`` part of a snapshot's content for the area (``area_units``: every unit
    of its subtrees, ``roots``: the subtree roots, ``scores``: this snapshot's own frozen wave
    scores)."""
    inside = set(area_units)
    admin = Scope.admin()
    above = _ancestors_of(db, roots)
    plan = [
        _plan_entry(row)
        for row in plan_rows(db, admin, project_id, today)
        if row.unit_id in inside or row.unit_id in above
    ]
    role_rows = [_role_entry(r) for r in roles(db, admin, project_id) if r.unit_id in inside]
    framing = [_framing_entry(f) for f in framings(db, project_id) if f.fixed or f.open_for_change]
    areas: dict[str, bool] = {}
    log: list[schema.LogEntry] = []
    for entry in current_entries(visible_entries(db, admin, project_id)):
        if entry.met_on > today:
            continue
        if entry.committee_id not in areas:
            areas[entry.committee_id] = bool(committee_area(db, entry.committee_id) & inside)
        if not areas[entry.committee_id]:
            continue
        log.append(_log_entry(entry))
    actions = [
        _action(a) for a in visible_actions(db, admin, project_id) if set(a.unit_ids) & inside
    ]
    actions = [a for a in actions if a["agreed_on"] <= today.isoformat()]
    return {
        "plan": plan,
        "roles": role_rows,
        "framing": framing,
        "med_log": log,
        "actions": actions,
        "since_last": _since_last(
            db, project_id, area_kind, area_id, roots, today, scores, actions
        ),
    }


def log_entry_ids(content: schema.SnapshotContent) -> list[int]:
    """The MED log entries a snapshot's content shows (they are frozen with it)."""
    together = content.get("together")
    return [entry["id"] for entry in together["med_log"]] if together is not None else []


def _ancestors_of(db: Database, roots: list[str]) -> set[str]:
    """Plan rows recorded on a unit above the area (a whole forvaltning) hold for it too."""
    from data import org as org_queries

    units = org_queries.units(db)
    parent = dict(zip(units["id"], units["parent_id"], strict=True))
    found: set[str] = set()
    for root in roots:
        up = parent.get(root)
        while up is not None:
            found.add(str(up))
            up = parent.get(up)
    return found


def _plan_entry(row: PlanRow) -> schema.PlanEntry:
    return {
        "phase": row.phase_kind,
        "unit": row.unit_id,
        "unit_name": row.unit_name,
        "planned": row.planned,
        "actual": row.actual,
        "started": row.started,
        "note": row.note,
    }


def _role_entry(r: ProjectRole) -> schema.RoleEntry:
    return {
        "kind": r.kind,
        "unit": r.unit_id,
        "unit_name": r.unit_name,
        "phases": list(r.phase_kinds),
        "people": r.people,
        "note": r.note,
    }


def _framing_entry(f: Framing) -> schema.FramingEntry:
    return {"phase": f.phase_kind, "fixed": f.fixed, "open": f.open_for_change}


def _log_entry(entry: LogEntry) -> schema.LogEntry:
    return {
        "id": entry.id,
        "met_on": entry.met_on.isoformat(),
        "committee": entry.committee_id,
        "committee_name": entry.committee_name,
        "phase": entry.phase_kind,
        "topic": entry.topic,
        "decision": entry.decision,
        "questions": list(entry.questions),
        "principles": list(entry.principles),
        "snapshot": entry.snapshot_id,
        "corrects": entry.corrects,
    }


def _action(a: Action) -> schema.ActionEntry:
    return {
        "id": a.id,
        "what": a.what,
        "units": list(a.unit_ids),
        "unit_names": list(a.unit_names),
        "responsible": a.responsible,
        "agreed_on": a.agreed_on.isoformat(),
        "due": a.due.isoformat() if a.due else None,
        "status": str(a.status),
        "source": str(a.source),
        "source_ref": a.source_ref,
        "closed_on": a.closed_on.isoformat() if a.closed_on else None,
        "outcome": a.outcome,
    }


def _since_last(
    db: Database,
    project_id: str,
    area_kind: str,
    area_id: str,
    roots: list[str],
    today: dt.date,
    scores: list[schema.ScoreRow],
    actions: list[schema.ActionEntry],
) -> schema.SinceLast | None:
    """The area's previous snapshot of the project: the actions agreed at it or since, and each
    construct's movement in the area's roots between its last published wave and ours."""
    headers = snapshot_queries.snapshot_headers(
        db, project_id=project_id, area_kind=area_kind, area_ids=[area_id]
    )
    # A snapshot of the same day is a correction or a rerun, not the last meeting.
    earlier = headers[headers["created_on"] < today]
    if earlier.empty:
        return None
    previous = earlier.iloc[0]  # newest first
    since = previous["created_on"].isoformat()
    agreed = [
        a["id"]
        for a in actions
        if (a["source"] == "snapshot" and a["source_ref"] == str(int(previous["id"])))
        or a["agreed_on"] >= since
    ]
    stored = snapshot_queries.stored_snapshot(db, int(previous["id"]))
    before: list[schema.ScoreRow] = (
        json.loads(stored.content)["scores"] if stored is not None else []
    )
    return {
        "snapshot": int(previous["id"]),
        "created_on": since,
        "actions": agreed,
        "constructs": _movements(before, scores, roots),
    }


def _last_visible(
    scores: list[schema.ScoreRow], unit: str, construct: str
) -> schema.ScoreRow | None:
    rows = [
        r
        for r in scores
        if r.get("unit") == unit and r.get("construct") == construct and r.get("wave") is not None
    ]
    return max(rows, key=lambda r: int(r["wave"])) if rows else None


def _movements(
    before: list[schema.ScoreRow], now: list[schema.ScoreRow], roots: list[str]
) -> list[schema.ConstructMovement]:
    out: list[schema.ConstructMovement] = []
    constructs = list(dict.fromkeys(str(r["construct"]) for r in now if "construct" in r))
    for root in roots:
        for construct in constructs:
            old, new = _last_visible(before, root, construct), _last_visible(now, root, construct)
            if old is None or new is None:
                continue
            shown = _shown_means(old, new)
            out.append(
                {
                    "unit": root,
                    "construct": construct,
                    "wave_before": int(old["wave"]),
                    "wave_now": int(new["wave"]),
                    "before": shown[0] if shown is not None else None,
                    "now": shown[1] if shown is not None else None,
                }
            )
    return out


def _shown_means(old: schema.ScoreRow, new: schema.ScoreRow) -> tuple[float, float] | None:
    """Both means, or None when either snapshot hides the cell or has no mean for it."""
    before, now = old.get("mean"), new.get("mean")
    if old.get("hidden") or new.get("hidden") or before is None or now is None:
        return None
    return float(before), float(now)
