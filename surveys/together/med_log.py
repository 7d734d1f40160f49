"""The MED log: each discussion of a project in a MED committee or the arbejdsmiljøorganisation.

An entry says when, which committee, in which phase, the topic (tagged, if the writer wishes,
with the five questions about technology and involvement and BFA's ten principles), what was
decided or agreed, and which snapshot was on the table. An administrator or the committee's
secretary writes it; every write is in the audit log. Once a MED snapshot has shown an entry it
is frozen: it is never edited again, and a correction is a new entry that points to it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from data import org as org_queries
from data import projects as project_queries
from data import snapshots as snapshot_queries
from data import together as together_queries
from data.db import Database
from medspil.cells import cell_int, cell_items, cell_missing, cell_timestamp
from medspil.errors import MedspilError, ProblemsFound, UnknownProject
from medspil.scope import Scope
from medspil.text import NAME_MAX_CHARS, clean_text
from medspil.vocabulary import MED_PRINCIPLES, MED_QUESTIONS
from surveys.together.rights import check_log_writer, committee_area, visible_units

TEXT_MAX_CHARS = 2000


class EntryInvalid(ProblemsFound):
    key = "together.error_invalid"


class EntryFrozen(MedspilError):
    key = "med_log.error_frozen"


class UnknownEntry(MedspilError):
    key = "med_log.error_unknown"


@dataclass(frozen=True)
class LogEntry:
    id: int
    project_id: str
    committee_id: str
    committee_name: str
    met_on: dt.date
    phase_kind: str | None
    topic: str
    questions: tuple[int, ...]
    principles: tuple[int, ...]
    decision: str
    snapshot_id: int | None
    corrects: int | None
    recorded_on: dt.date
    recorded_by: str
    frozen_by: int | None
    corrected_by: int | None

    @property
    def frozen(self) -> bool:
        return self.frozen_by is not None


def _int_or_none(value: object) -> int | None:
    return None if cell_missing(value) else cell_int(value)


def _date(value: object) -> dt.date:
    return cell_timestamp(value).date()


def _entries(db: Database, project_id: str | None) -> list[LogEntry]:
    names = org_queries.committees(db).set_index("id")["name"].to_dict()
    frame = together_queries.med_log(db, project_id)
    return [
        LogEntry(
            id=cell_int(r.id),
            project_id=str(r.project_id),
            committee_id=str(r.committee_id),
            committee_name=str(names.get(r.committee_id, r.committee_id)),
            met_on=_date(r.met_on),
            phase_kind=None if cell_missing(r.phase_kind) else str(r.phase_kind),
            topic=str(r.topic),
            questions=tuple(cell_int(q) for q in cell_items(r.questions)),
            principles=tuple(cell_int(p) for p in cell_items(r.principles)),
            decision=str(r.decision),
            snapshot_id=_int_or_none(r.snapshot_id),
            corrects=_int_or_none(r.corrects),
            recorded_on=_date(r.recorded_on),
            recorded_by=str(r.recorded_by),
            frozen_by=_int_or_none(r.frozen_by),
            corrected_by=_int_or_none(r.corrected_by),
        )
        for r in frame.itertuples()
    ]


def visible_entries(db: Database, scope: Scope, project_id: str | None = None) -> list[LogEntry]:
    """The entries the scope may read, oldest meeting first: an administrator and analytiker
    read all; everyone else those of committees whose area overlaps the units they see."""
    entries = _entries(db, project_id)
    if scope.sees_everything:
        return entries
    seen = visible_units(db, scope)
    areas: dict[str, bool] = {}
    out = []
    for entry in entries:
        if entry.committee_id not in areas:
            areas[entry.committee_id] = bool(committee_area(db, entry.committee_id) & seen)
        if areas[entry.committee_id]:
            out.append(entry)
    return out


def current_entries(entries: list[LogEntry]) -> list[LogEntry]:
    """The entries as they stand: an entry that a later one corrects is left out."""
    return [e for e in entries if e.corrected_by is None]


@dataclass(frozen=True)
class EntryInput:
    """What a writer gives for an entry (from the page's form or the command line)."""

    project_id: str
    committee_id: str
    met_on: dt.date
    topic: str
    decision: str = ""
    phase_kind: str | None = None
    questions: tuple[int, ...] = ()
    principles: tuple[int, ...] = ()
    snapshot_id: int | None = None


def _checked(db: Database, given: EntryInput, today: dt.date) -> EntryInput:
    """The input cleaned, or ``EntryInvalid`` naming every problem (nothing is stored)."""
    problems: list[tuple[str, dict[str, object]]] = []
    project = project_queries.project(db, given.project_id)
    if project is None:
        raise UnknownProject(project=given.project_id)
    if given.committee_id not in set(org_queries.committees(db)["id"]):
        problems.append(("med_log.problem_committee", {"committee": given.committee_id}))
    if given.met_on > today:
        problems.append(("med_log.problem_future", {}))
    phases = set(project_queries.phases(db, given.project_id)["kind"])
    if given.phase_kind is not None and given.phase_kind not in phases:
        problems.append(("med_log.problem_phase", {"phase": given.phase_kind}))
    topic = clean_text(given.topic, single_line=True, max_length=NAME_MAX_CHARS).strip()
    if not topic:
        problems.append(("med_log.problem_topic", {}))
    decision = clean_text(given.decision, max_length=TEXT_MAX_CHARS).strip()
    bad_questions = [q for q in given.questions if q not in MED_QUESTIONS]
    bad_principles = [p for p in given.principles if p not in MED_PRINCIPLES]
    if bad_questions:
        problems.append(("med_log.problem_question", {"numbers": bad_questions}))
    if bad_principles:
        problems.append(("med_log.problem_principle", {"numbers": bad_principles}))
    if given.snapshot_id is not None:
        stored = snapshot_queries.stored_snapshot(db, given.snapshot_id)
        if stored is None or stored.project_id != given.project_id:
            problems.append(("med_log.problem_snapshot", {"id": given.snapshot_id}))
    if problems:
        raise EntryInvalid(problems)
    return EntryInput(
        project_id=given.project_id,
        committee_id=given.committee_id,
        met_on=given.met_on,
        topic=topic,
        decision=decision,
        phase_kind=given.phase_kind,
        questions=tuple(sorted(set(given.questions))),
        principles=tuple(sorted(set(given.principles))),
        snapshot_id=given.snapshot_id,
    )


def _detail(entry: EntryInput) -> str:
    return (
        f"{entry.project_id}, {entry.committee_id}, møde {entry.met_on.isoformat()}: {entry.topic}"
    )


def add_entry(
    db: Database, scope: Scope, given: EntryInput, *, today: dt.date, corrects: int | None = None
) -> int:
    """Store a new entry (or a correction of entry ``corrects``); returns its id."""
    actor = check_log_writer(scope, given.committee_id)
    entry = _checked(db, given, today)
    if corrects is not None:
        original = next((e for e in _entries(db, None) if e.id == corrects), None)
        if original is None:
            raise UnknownEntry(id=corrects)
        if original.project_id != entry.project_id or original.committee_id != entry.committee_id:
            raise EntryInvalid([("med_log.problem_correction", {"id": corrects})])
    return together_queries.add_med_log_entry(
        db,
        project_id=entry.project_id,
        committee_id=entry.committee_id,
        met_on=entry.met_on,
        phase_kind=entry.phase_kind,
        topic=entry.topic,
        questions=list(entry.questions),
        principles=list(entry.principles),
        decision=entry.decision,
        snapshot_id=entry.snapshot_id,
        corrects=corrects,
        today=today,
        actor=actor,
        detail=lambda new_id: (
            f"post {new_id}: {_detail(entry)}"
            + (f" (retter post {corrects})" if corrects is not None else "")
        ),
    )


def edit_entry(
    db: Database, scope: Scope, entry_id: int, given: EntryInput, *, today: dt.date
) -> None:
    """Change an entry that no snapshot has shown yet; ``EntryFrozen`` once one has (then add a
    correction instead). The project and committee of an entry never change."""
    original = next((e for e in _entries(db, None) if e.id == entry_id), None)
    if original is None:
        raise UnknownEntry(id=entry_id)
    check_log_writer(scope, original.committee_id)
    if original.frozen:
        raise EntryFrozen(id=entry_id, snapshot=original.frozen_by)
    entry = _checked(
        db,
        EntryInput(
            **{
                **given.__dict__,
                "project_id": original.project_id,
                "committee_id": original.committee_id,
            }
        ),
        today,
    )
    changed = together_queries.update_med_log_entry(
        db,
        entry_id=entry_id,
        met_on=entry.met_on,
        phase_kind=entry.phase_kind,
        topic=entry.topic,
        questions=list(entry.questions),
        principles=list(entry.principles),
        decision=entry.decision,
        snapshot_id=entry.snapshot_id,
        actor=scope.actor,
        detail=f"post {entry_id}: {_detail(entry)}",
    )
    if not changed:
        raise EntryFrozen(id=entry_id, snapshot="?")


def freeze_entries(db: Database, entry_ids: list[int], snapshot_id: int) -> None:
    """Called when a snapshot that shows these entries is stored: they are never edited again."""
    together_queries.freeze_med_log_entries(db, entry_ids=entry_ids, snapshot_id=snapshot_id)
