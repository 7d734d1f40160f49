"""Agreed actions: what was agreed to do about a finding, a snapshot or a MED discussion, who is
responsible (a role or a name typed by the writer, never anything from an answer), by when, and
how it stands. Open actions show on Overblik for the units they concern."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from data import org as org_queries
from data import projects as project_queries
from data import snapshots as snapshot_queries
from data import together as together_queries
from data.db import Database
from medspil.cells import cell_int, cell_items, cell_missing, cell_timestamp
from medspil.errors import MedspilError, UnknownProject
from medspil.scope import Scope
from medspil.text import NAME_MAX_CHARS, clean_text
from medspil.vocabulary import ActionSource, ActionStatus, is_value
from surveys.together.med_log import TEXT_MAX_CHARS, EntryInvalid
from surveys.together.rights import check_action_writer, visible_units


class UnknownAction(MedspilError):
    key = "actions.error_unknown"


@dataclass(frozen=True)
class Action:
    id: int
    project_id: str
    unit_ids: tuple[str, ...]
    unit_names: tuple[str, ...]
    what: str
    responsible: str
    due: dt.date | None
    status: ActionStatus
    source: ActionSource
    source_ref: str
    agreed_on: dt.date
    recorded_by: str
    closed_on: dt.date | None
    outcome: str

    @property
    def is_open(self) -> bool:
        return self.status.is_open

    def overdue(self, today: dt.date) -> bool:
        return self.is_open and self.due is not None and self.due < today


def _date_or_none(value: object) -> dt.date | None:
    return None if cell_missing(value) else cell_timestamp(value).date()


def _all(db: Database, project_id: str | None) -> list[Action]:
    names = org_queries.units(db).set_index("id")["name"].to_dict()
    return [
        Action(
            id=cell_int(r.id),
            project_id=str(r.project_id),
            unit_ids=tuple(str(u) for u in cell_items(r.unit_ids)),
            unit_names=tuple(str(names.get(u, u)) for u in cell_items(r.unit_ids)),
            what=str(r.what),
            responsible=str(r.responsible),
            due=_date_or_none(r.due),
            status=ActionStatus(str(r.status)),
            source=ActionSource(str(r.source)),
            source_ref=str(r.source_ref),
            agreed_on=cell_timestamp(r.agreed_on).date(),
            recorded_by=str(r.recorded_by),
            closed_on=_date_or_none(r.closed_on),
            outcome=str(r.outcome),
        )
        for r in together_queries.actions(db, project_id).itertuples()
    ]


def visible_actions(
    db: Database, scope: Scope, project_id: str | None = None, *, open_only: bool = False
) -> list[Action]:
    """The actions that concern a unit the scope sees, in the order they were agreed."""
    found = _all(db, project_id)
    if not scope.sees_everything:
        seen = visible_units(db, scope)
        found = [a for a in found if set(a.unit_ids) & seen]
    return [a for a in found if a.is_open] if open_only else found


@dataclass(frozen=True)
class ActionInput:
    project_id: str
    unit_ids: tuple[str, ...]
    what: str
    responsible: str
    agreed_on: dt.date
    due: dt.date | None = None
    source: str = ActionSource.OTHER
    source_ref: str = ""


def add_action(db: Database, scope: Scope, given: ActionInput, *, today: dt.date) -> int:
    """Record an agreed action; returns its id. ``EntryInvalid`` names every problem."""
    if project_queries.project(db, given.project_id) is None:
        raise UnknownProject(project=given.project_id)
    problems: list[tuple[str, dict[str, object]]] = []
    inside = set(org_queries.subtree_ids(db, project_queries.project_units(db, given.project_id)))
    units = sorted(set(given.unit_ids))
    if not units:
        problems.append(("actions.problem_no_units", {}))
    for unit in units:
        if unit not in inside:
            problems.append(("actions.problem_unit", {"unit": unit}))
    if problems:
        raise EntryInvalid(problems)
    actor = check_action_writer(db, scope, units)
    what = clean_text(given.what, max_length=TEXT_MAX_CHARS).strip()
    responsible = clean_text(given.responsible, single_line=True, max_length=NAME_MAX_CHARS)
    responsible = responsible.strip()
    if not what:
        problems.append(("actions.problem_what", {}))
    if not responsible:
        problems.append(("actions.problem_responsible", {}))
    if given.agreed_on > today:
        problems.append(("actions.problem_future", {}))
    if given.due is not None and given.due < given.agreed_on:
        problems.append(("actions.problem_due", {}))
    if not is_value(ActionSource, given.source):
        problems.append(("actions.problem_source", {"source": given.source}))
    ref = clean_text(given.source_ref, single_line=True, max_length=NAME_MAX_CHARS).strip()
    problems += _source_problems(db, given.project_id, given.source, ref)
    if problems:
        raise EntryInvalid(problems)
    return together_queries.add_action(
        db,
        project_id=given.project_id,
        unit_ids=units,
        what=what,
        responsible=responsible,
        due=given.due,
        source=given.source,
        source_ref=ref,
        agreed_on=given.agreed_on,
        actor=actor,
        detail=lambda new_id: (
            f"handling {new_id}: {given.project_id} ({', '.join(units)}): {what[:80]}"
        ),
    )


def _source_problems(
    db: Database, project_id: str, source: str, ref: str
) -> list[tuple[str, dict[str, object]]]:
    """A MED log entry or a snapshot named as the source must exist and belong to the project."""
    if source == ActionSource.MED_LOG:
        entries = together_queries.med_log(db, project_id)
        if not ref.isdigit() or int(ref) not in set(entries["id"].astype(int)):
            return [("actions.problem_source_ref", {"ref": ref})]
    if source == ActionSource.SNAPSHOT:
        stored = snapshot_queries.stored_snapshot(db, int(ref)) if ref.isdigit() else None
        if stored is None or stored.project_id != project_id:
            return [("actions.problem_source_ref", {"ref": ref})]
    return []


def set_status(
    db: Database,
    scope: Scope,
    action_id: int,
    status: str,
    *,
    outcome: str = "",
    today: dt.date,
) -> None:
    """Move an action on (``i_gang``), close it (``udfoert``, ``opgivet``) with what came of it,
    or open it again (``aaben``)."""
    action = next((a for a in _all(db, None) if a.id == action_id), None)
    if action is None:
        raise UnknownAction(id=action_id)
    actor = check_action_writer(db, scope, action.unit_ids)
    if not is_value(ActionStatus, status):
        raise EntryInvalid([("actions.problem_status", {"status": status})])
    new = ActionStatus(status)
    together_queries.set_action_status(
        db,
        action_id=action_id,
        status=new,
        outcome=clean_text(outcome, max_length=TEXT_MAX_CHARS).strip() or action.outcome,
        closed_on=None if new.is_open else today,
        actor=actor,
        detail=f"handling {action_id}: {action.status} -> {new}",
    )
