"""The involvement plan: per phase and unit the level planned and as it actually happened, the
roles in the project (BFA: make the roles clear) and what is fixed and what is open for change in
each phase.

The project's phases and their per-unit levels (entered on Projekter) are the plan. Once a phase
has begun, an administrator records the level a unit actually had; every dashboard then shows
the actual level (a recorded level on a unit holds for everything below it that has no recorded
level of its own), and the plan page shows where plan and practice parted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from data import org as org_queries
from data import projects as project_queries
from data import together as together_queries
from data.db import Database
from medspil.cells import cell_int, cell_items, cell_timestamp
from medspil.errors import AdminInputInvalid, Term, UnknownProject
from medspil.i18n import t
from medspil.scope import Scope, admin_actor
from medspil.text import NAME_MAX_CHARS, clean_text
from medspil.vocabulary import Involvement, PhaseKind, ProjectRoleKind, is_value

FRAMING_MAX_CHARS = 1000
Levels = dict[tuple[int, str], str]


def merge_levels(
    planned: Mapping[tuple[int, str], str],
    actual: Mapping[tuple[int, str], str],
    parent: Mapping[str, str | None],
) -> Levels:
    """The per-unit levels every drawing shows: the plan, overridden by what actually happened.

    A level recorded as it happened on a unit holds for the unit and everything below it, over
    any planned level further down, unless a unit further down has its own recorded level.
    """
    merged = dict(planned)

    def depth(unit: str) -> int:
        steps, up = 0, parent.get(unit)
        while up is not None:
            steps, up = steps + 1, parent.get(up)
        return steps

    def below(unit: str, other: str) -> bool:
        up = parent.get(other)
        while up is not None:
            if up == unit:
                return True
            up = parent.get(up)
        return False

    for (phase_id, unit), level in sorted(actual.items(), key=lambda item: depth(item[0][1])):
        for key in [k for k in merged if k[0] == phase_id and below(unit, k[1])]:
            merged[key] = level
        merged[(phase_id, unit)] = level
    return merged


def project_levels(db: Database, project_id: str) -> Levels:
    """The merged per-unit levels of a project (``(phase id, unit id) -> level``)."""
    planned = project_queries.phase_unit_involvement(db, project_id)
    actual = together_queries.actual_involvement(db, project_id)
    units = org_queries.units(db)
    parent = dict(zip(units["id"], units["parent_id"], strict=True))
    return merge_levels(
        {(cell_int(r.phase_id), str(r.unit_id)): str(r.involvement) for r in planned.itertuples()},
        {(cell_int(r.phase_id), str(r.unit_id)): str(r.involvement) for r in actual.itertuples()},
        parent,
    )


def _resolve(
    levels: Mapping[tuple[int, str], str],
    phase_id: int,
    unit: str,
    parent: Mapping[str, str | None],
) -> str | None:
    up: str | None = unit
    while up is not None:
        if (phase_id, up) in levels:
            return levels[(phase_id, up)]
        up = parent.get(up)
    return None


@dataclass(frozen=True)
class PlanRow:
    phase_id: int
    phase_kind: str
    unit_id: str
    unit_name: str
    planned: str
    actual: str | None  # None: not recorded (yet)
    started: bool
    note: str

    @property
    def differs(self) -> bool:
        return self.actual is not None and self.actual != self.planned


def _project(db: Database, project_id: str) -> dict[str, object]:
    project = project_queries.project(db, project_id)
    if project is None:
        raise UnknownProject(project=project_id)
    return project


def plan_rows(db: Database, scope: Scope, project_id: str, today: dt.date) -> list[PlanRow]:
    """Per phase, each project unit (and each unit with a level of its own) the scope sees, with
    the level planned and the level recorded as it happened."""
    _project(db, project_id)
    phases = project_queries.phases(db, project_id)
    planned = project_queries.phase_unit_involvement(db, project_id)
    actual = together_queries.actual_involvement(db, project_id)
    units = org_queries.units(db)
    parent = dict(zip(units["id"], units["parent_id"], strict=True))
    names = dict(zip(units["id"], units["name"], strict=True))
    visible = set(org_queries.visible_unit_ids(db, scope))
    planned_levels = {
        (cell_int(r.phase_id), str(r.unit_id)): str(r.involvement) for r in planned.itertuples()
    }
    actual_levels = {
        (cell_int(r.phase_id), str(r.unit_id)): str(r.involvement) for r in actual.itertuples()
    }
    notes = {(cell_int(r.phase_id), str(r.unit_id)): str(r.note) for r in actual.itertuples()}
    shown = set(project_queries.project_units(db, project_id))
    shown |= {unit for _, unit in planned_levels} | {unit for _, unit in actual_levels}
    order = sorted((u for u in shown if u in visible), key=lambda u: names.get(u, u))
    rows = []
    for phase in phases.itertuples():
        phase_id = cell_int(phase.id)
        for unit in order:
            rows.append(
                PlanRow(
                    phase_id=phase_id,
                    phase_kind=str(phase.kind),
                    unit_id=unit,
                    unit_name=str(names.get(unit, unit)),
                    planned=_resolve(planned_levels, phase_id, unit, parent)
                    or str(phase.involvement),
                    actual=_resolve(actual_levels, phase_id, unit, parent),
                    started=cell_timestamp(phase.starts).date() <= today,
                    note=notes.get((phase_id, unit), ""),
                )
            )
    return rows


def plan_table(rows: list[PlanRow], lang: str) -> pd.DataFrame:
    """The plan as a table to show: phase, unit, planned, as it happened, and a mark where they
    differ."""
    not_yet, not_recorded = t("plan.not_started", lang), t("plan.not_recorded", lang)
    return pd.DataFrame(
        [
            {
                t("plan.col_phase", lang): t(f"phase.{row.phase_kind}", lang),
                t("plan.col_unit", lang): row.unit_name,
                t("plan.col_planned", lang): t(f"involvement.{row.planned}", lang),
                t("plan.col_actual", lang): (
                    t(f"involvement.{row.actual}", lang)
                    if row.actual is not None
                    else (not_recorded if row.started else not_yet)
                ),
                t("plan.col_differs", lang): t("plan.differs", lang) if row.differs else "",
                t("plan.col_note", lang): row.note,
            }
            for row in rows
        ],
        columns=[
            t(f"plan.col_{c}", lang)
            for c in ("phase", "unit", "planned", "actual", "differs", "note")
        ],
    )


def _phase_id(db: Database, project_id: str, phase_kind: str) -> tuple[int, dt.date]:
    phases = project_queries.phases(db, project_id)
    match = phases[phases["kind"] == phase_kind]
    if match.empty:
        raise AdminInputInvalid(
            [
                (
                    "plan.problem_phase",
                    {
                        "phase": Term(f"phase.{phase_kind}")
                        if is_value(PhaseKind, phase_kind)
                        else phase_kind
                    },
                )
            ]
        )
    return cell_int(match.iloc[0]["id"]), cell_timestamp(match.iloc[0]["starts"]).date()


def _project_unit(db: Database, project_id: str, unit_id: str) -> str:
    inside = set(org_queries.subtree_ids(db, project_queries.project_units(db, project_id)))
    if unit_id not in inside:
        raise AdminInputInvalid([("plan.problem_unit", {"unit": unit_id})])
    return unit_id


def record_actual(
    db: Database,
    scope: Scope,
    *,
    project_id: str,
    phase_kind: str,
    unit_id: str,
    level: str | None,
    note: str,
    today: dt.date,
) -> None:
    """Record the level a unit actually had in a phase that has begun (``None`` removes it)."""
    actor = admin_actor(scope)
    _project(db, project_id)
    phase_id, starts = _phase_id(db, project_id, phase_kind)
    _project_unit(db, project_id, unit_id)
    problems: list[tuple[str, dict[str, object]]] = []
    if starts > today:
        problems.append(("plan.problem_not_started", {"phase": Term(f"phase.{phase_kind}")}))
    if level is not None and not is_value(Involvement, level):
        problems.append(("plan.problem_level", {"level": level}))
    if problems:
        raise AdminInputInvalid(problems)
    note = clean_text(note, max_length=FRAMING_MAX_CHARS).strip()
    together_queries.set_actual_involvement(
        db,
        phase_id=phase_id,
        unit_id=unit_id,
        involvement=level,
        note=note,
        today=today,
        actor=actor,
        detail=f"{project_id} {phase_kind} {unit_id}: {level or 'fjernet'}",
    )


@dataclass(frozen=True)
class Framing:
    phase_kind: str
    fixed: str
    open_for_change: str


def framings(db: Database, project_id: str) -> list[Framing]:
    """What is fixed and open in each phase, in phase order (empty texts where none is set)."""
    _project(db, project_id)
    phases = project_queries.phases(db, project_id)
    stored = together_queries.phase_framing(db, project_id).set_index("phase_id")
    return [
        Framing(
            phase_kind=str(p.kind),
            fixed=str(stored.loc[cell_int(p.id), "fixed"]) if p.id in stored.index else "",
            open_for_change=(
                str(stored.loc[cell_int(p.id), "open_for_change"]) if p.id in stored.index else ""
            ),
        )
        for p in phases.itertuples()
    ]


def save_framing(
    db: Database,
    scope: Scope,
    *,
    project_id: str,
    phase_kind: str,
    fixed: str,
    open_for_change: str,
) -> None:
    actor = admin_actor(scope)
    _project(db, project_id)
    phase_id, _ = _phase_id(db, project_id, phase_kind)
    fixed = clean_text(fixed, max_length=FRAMING_MAX_CHARS).strip()
    open_for_change = clean_text(open_for_change, max_length=FRAMING_MAX_CHARS).strip()
    together_queries.save_phase_framing(
        db,
        phase_id=phase_id,
        fixed=fixed,
        open_for_change=open_for_change,
        actor=actor,
        detail=f"{project_id} {phase_kind}",
    )


@dataclass(frozen=True)
class ProjectRole:
    id: int
    kind: str
    unit_id: str
    unit_name: str
    phase_kinds: tuple[str, ...]
    people: int
    note: str


def roles(db: Database, scope: Scope, project_id: str) -> list[ProjectRole]:
    """The roles in the project from units the scope sees."""
    _project(db, project_id)
    visible = set(org_queries.visible_unit_ids(db, scope))
    units = org_queries.units(db)
    names = dict(zip(units["id"], units["name"], strict=True))
    return [
        ProjectRole(
            id=cell_int(r.id),
            kind=str(r.kind),
            unit_id=str(r.unit_id),
            unit_name=str(names.get(r.unit_id, r.unit_id)),
            phase_kinds=tuple(str(k) for k in cell_items(r.phase_kinds)),
            people=cell_int(r.people),
            note=str(r.note),
        )
        for r in together_queries.project_roles(db, project_id).itertuples()
        if r.unit_id in visible
    ]


def roles_table(rows: list[ProjectRole], lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                t("plan.col_role", lang): t(f"project_role.{row.kind}", lang),
                t("plan.col_people", lang): row.people,
                t("plan.col_from", lang): row.unit_name,
                t("plan.col_phases", lang): ", ".join(
                    t(f"phase.{kind}", lang) for kind in row.phase_kinds
                ),
                t("plan.col_note", lang): row.note,
            }
            for row in rows
        ],
        columns=[t(f"plan.col_{c}", lang) for c in ("role", "people", "from", "phases", "note")],
    )


def add_role(
    db: Database,
    scope: Scope,
    *,
    project_id: str,
    kind: str,
    unit_id: str,
    phase_kinds: list[str],
    people: int,
    note: str,
) -> int:
    actor = admin_actor(scope)
    _project(db, project_id)
    # A role may come from outside the project's units (a project owner, a nurse from another
    # area); it must be a unit of the organisation.
    if unit_id not in set(org_queries.units(db)["id"]):
        raise AdminInputInvalid([("plan.problem_unknown_unit", {"unit": unit_id})])
    known = set(project_queries.phases(db, project_id)["kind"])
    problems: list[tuple[str, dict[str, object]]] = []
    if not is_value(ProjectRoleKind, kind):
        problems.append(("plan.problem_role", {"role": kind}))
    if not phase_kinds:
        problems.append(("plan.problem_role_phases", {}))
    for phase_kind in phase_kinds:
        if phase_kind not in known:
            problems.append(("plan.problem_phase", {"phase": phase_kind}))
    if not isinstance(people, int) or people < 1:
        problems.append(("plan.problem_people", {}))
    if problems:
        raise AdminInputInvalid(problems)
    ordered = [kind_ for kind_ in PhaseKind if kind_ in phase_kinds]
    return together_queries.add_project_role(
        db,
        project_id=project_id,
        kind=kind,
        unit_id=unit_id,
        phase_kinds=[str(k) for k in ordered],
        people=people,
        note=clean_text(note, single_line=True, max_length=NAME_MAX_CHARS).strip(),
        actor=actor,
        detail=lambda new_id: (
            f"{project_id}: {kind} fra {unit_id} ({', '.join(ordered)}), rolle {new_id}"
        ),
    )


def remove_role(db: Database, scope: Scope, *, project_id: str, role_id: int) -> None:
    actor = admin_actor(scope)
    stored = together_queries.project_roles(db, project_id)
    if role_id not in set(stored["id"].astype(int)):
        raise AdminInputInvalid([("plan.problem_unknown_role", {"id": role_id})])
    together_queries.remove_project_role(
        db, role_id=role_id, actor=actor, detail=f"{project_id}: rolle {role_id} fjernet"
    )
