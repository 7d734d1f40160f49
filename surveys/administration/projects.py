"""Setting up projects: involved units, instrument modules, thresholds and the phase timeline.

A form is checked whole and every problem is reported at once (``AdminInputInvalid``); only a
valid project is stored, in one transaction with its audit row. The rules:

* phases follow the process order (idé, konsekvensvurdering, udvikling, implementering, drift),
  each kind at most once, without overlaps; a gap between two phases needs a reason;
* per-unit involvement levels name units inside the project's subtrees;
* the minimum group sizes k are fixed once the first wave has opened (respondents were told);
* an edit keeps every existing wave inside a phase, and never removes a phase that has waves.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

import pandas as pd

from data import admin as admin_queries
from data import org as org_queries
from data import projects as project_queries
from data.db import Database
from data.results import response_counts
from medspil.cells import cell_int, cell_timestamp
from medspil.config import settings
from medspil.errors import AdminInputInvalid, Term, UnknownProject
from medspil.formatting import date_text
from medspil.i18n import t
from medspil.scope import Scope, admin_actor
from medspil.text import DESCRIPTION_MAX_CHARS, NAME_MAX_CHARS, clean_text
from medspil.vocabulary import Involvement, PhaseKind, is_value
from surveys.installation.setup import register_instrument
from surveys.instruments.instrument import DEFAULT_INSTRUMENT, OPTIONAL_MODULES, load_instrument

PROJECT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
K_FLOOR = 3

Problem = tuple[str, dict[str, object]]


@dataclass(frozen=True)
class PhasePlan:
    """One phase as the form describes it; ``unit_involvement`` lists only deviating units."""

    kind: str
    starts: dt.date
    ends: dt.date
    involvement: str
    unit_involvement: dict[str, str] = field(default_factory=dict)
    gap_reason: str = ""


@dataclass(frozen=True)
class ProjectPlan:
    project_id: str
    name: str
    description: str
    unit_ids: tuple[str, ...]
    modules: tuple[str, ...]
    involvement: str
    k_min: int
    k_comments: int
    phases: tuple[PhasePlan, ...]


def new_project_plan(today: dt.date) -> ProjectPlan:
    """The defaults a new project form starts from: thresholds from ``medspil.toml`` and no
    phase ticked (the administrator chooses the phases the project has)."""
    return ProjectPlan(
        project_id="",
        name="",
        description="",
        unit_ids=(),
        modules=(),
        involvement=Involvement.MEDINDFLYDELSE,
        k_min=settings().k_min,
        k_comments=settings().k_comments,
        phases=(),
    )


def project_plan(db: Database, project_id: str) -> ProjectPlan:
    """The stored project as a plan, for the edit form."""
    project = project_queries.project(db, project_id)
    if project is None:
        raise UnknownProject(project=project_id)
    phases = project_queries.phases(db, project_id)
    levels = project_queries.phase_unit_involvement(db, project_id)
    reasons = admin_queries.gap_reasons(db, project_id)
    plans = []
    for row in phases.itertuples():
        special = levels[levels["phase_id"] == row.id]
        plans.append(
            PhasePlan(
                kind=str(row.kind),
                starts=cell_timestamp(row.starts).date(),
                ends=cell_timestamp(row.ends).date(),
                involvement=str(row.involvement),
                unit_involvement=dict(zip(special["unit_id"], special["involvement"], strict=True)),
                gap_reason=reasons.get(cell_int(row.id), ""),
            )
        )
    return ProjectPlan(
        project_id=project_id,
        name=project["name"],
        description=project["description"],
        unit_ids=tuple(project_queries.project_units(db, project_id)),
        modules=tuple(project_queries.project_modules(db, project_id)),
        involvement=project["involvement"],
        k_min=int(project["k_min"]),
        k_comments=int(project["k_comments"]),
        phases=tuple(plans),
    )


def first_wave_opened(db: Database, project_id: str, today: dt.date) -> bool:
    """True once any wave of the project has opened; from then on k is fixed."""
    waves = project_queries.waves(db, project_id)
    return bool((pd.to_datetime(waves["opens"]).dt.date <= today).any())


def phase_problems(phases: tuple[PhasePlan, ...], allowed_units: set[str]) -> list[Problem]:
    """Problems of a phase timeline: kinds, order, overlaps, unexplained gaps, unit levels."""
    problems: list[Problem] = []
    if not phases:
        return [("admin.problem_no_phases", {})]
    kinds = [p.kind for p in phases]
    for phase in phases:
        if not is_value(PhaseKind, phase.kind):
            problems.append(("admin.problem_phase_kind", {"kind": phase.kind}))
            return problems
        if not is_value(Involvement, phase.involvement):
            problems.append(("admin.problem_level", {"phase": Term(f"phase.{phase.kind}")}))
        if phase.ends < phase.starts:
            problems.append(("admin.problem_phase_dates", {"phase": Term(f"phase.{phase.kind}")}))
        for unit, level in phase.unit_involvement.items():
            if unit not in allowed_units:
                problems.append(
                    (
                        "admin.problem_unit_level_unit",
                        {"phase": Term(f"phase.{phase.kind}"), "unit": unit},
                    )
                )
            if not is_value(Involvement, level):
                problems.append(("admin.problem_level", {"phase": Term(f"phase.{phase.kind}")}))
    if len(set(kinds)) < len(kinds):
        problems.append(("admin.problem_phase_twice", {}))
    ordered = sorted(phases, key=lambda p: p.starts)
    if [p.kind for p in ordered] != sorted(kinds, key=lambda kind: PhaseKind(kind).position):
        problems.append(("admin.problem_phase_order", {}))
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.starts <= before.ends:
            problems.append(
                (
                    "admin.problem_overlap",
                    {
                        "first": Term(f"phase.{before.kind}"),
                        "second": Term(f"phase.{after.kind}"),
                        "ends": date_text(before.ends),
                        "starts": date_text(after.starts),
                    },
                )
            )
        elif after.starts > before.ends + dt.timedelta(days=1) and not after.gap_reason.strip():
            problems.append(
                (
                    "admin.problem_gap",
                    {
                        "first": Term(f"phase.{before.kind}"),
                        "second": Term(f"phase.{after.kind}"),
                        "days": (after.starts - before.ends).days - 1,
                    },
                )
            )
    return problems


def _project_problems(db: Database, plan: ProjectPlan, *, new: bool) -> list[Problem]:
    problems: list[Problem] = []
    if new and not PROJECT_ID.match(plan.project_id):
        problems.append(("admin.problem_project_id", {"id": plan.project_id}))
    if new and plan.project_id in admin_queries.project_ids(db):
        problems.append(("admin.problem_project_exists", {"id": plan.project_id}))
    if not plan.name.strip():
        problems.append(("admin.problem_name", {}))
    units = org_queries.units(db).set_index("id")
    if not plan.unit_ids:
        problems.append(("admin.problem_no_units", {}))
    for unit in plan.unit_ids:
        if unit not in units.index:
            problems.append(("admin.problem_unknown_unit", {"unit": unit}))
        elif bool(units.loc[unit]["closed"]):
            problems.append(("admin.problem_closed_unit", {"unit": units.loc[unit]["name"]}))
    for module in plan.modules:
        if module not in OPTIONAL_MODULES:
            problems.append(("admin.problem_module", {"module": module}))
    if not is_value(Involvement, plan.involvement):
        problems.append(("admin.problem_project_level", {}))
    if plan.k_min < K_FLOOR:
        problems.append(("admin.problem_k_floor", {"floor": K_FLOOR}))
    if plan.k_comments < plan.k_min:
        problems.append(("admin.problem_k_comments", {}))
    allowed = set(org_queries.subtree_ids(db, list(plan.unit_ids))) if plan.unit_ids else set()
    problems += phase_problems(plan.phases, allowed)
    return problems


def _stored_phase_ids(db: Database, project_id: str) -> dict[str, int]:
    return {
        str(row.kind): cell_int(row.id)
        for row in project_queries.phases(db, project_id).itertuples()
    }


def _edit_problems(
    db: Database, plan: ProjectPlan, today: dt.date
) -> tuple[list[Problem], dict[int, int], list[int]]:
    """Problems only an edit can have, the new phase index of each wave, and phases to drop."""
    before = project_plan(db, plan.project_id)
    problems: list[Problem] = []
    if first_wave_opened(db, plan.project_id, today) and (
        plan.k_min != before.k_min or plan.k_comments != before.k_comments
    ):
        problems.append(("admin.problem_k_locked", {"k": before.k_min, "kc": before.k_comments}))
    counts = response_counts(db, plan.project_id, Scope.admin())
    answered = set(counts.loc[counts["responses"] > 0, "unit_id"])
    kept = set(org_queries.subtree_ids(db, list(plan.unit_ids))) if plan.unit_ids else set()
    for unit in sorted(answered - kept):
        problems.append(("admin.problem_unit_has_answers", {"unit": unit}))
    waves = admin_queries.wave_states(db, plan.project_id)
    stored = _stored_phase_ids(db, plan.project_id)
    wave_index: dict[int, int] = {}
    for wave in waves.itertuples():
        opens = cell_timestamp(wave.opens).date()
        index = next(
            (i for i, p in enumerate(plan.phases) if p.starts <= opens <= p.ends),
            None,
        )
        number, day = cell_int(wave.number), date_text(opens)
        if index is None:
            problems.append(("admin.problem_wave_outside", {"number": number, "opens": day}))
        elif plan.phases[index].kind == wave.phase_kind:
            continue  # stays in its phase row
        elif wave.issued or wave.responses:
            # Answers belong to the phase they were given in; moving them would rewrite history.
            phase = Term(f"phase.{wave.phase_kind}")
            problems.append(
                ("admin.problem_wave_phase_fixed", {"number": number, "opens": day, "phase": phase})
            )
        else:
            wave_index[cell_int(wave.id)] = index
    planned = {p.kind for p in plan.phases}
    with_waves = set(waves["phase_kind"])
    levels = project_queries.phase_unit_involvement(db, plan.project_id)
    with_levels = set(levels["phase_id"].astype(int))
    removed = []
    for kind, phase_id in stored.items():
        if kind in planned:
            continue
        if kind in with_waves:
            problems.append(("admin.problem_remove_phase_waves", {"phase": Term(f"phase.{kind}")}))
        elif phase_id in with_levels:
            problems.append(("admin.problem_remove_phase_levels", {"phase": Term(f"phase.{kind}")}))
        removed.append(phase_id)
    return problems, wave_index, removed


def _rows(db: Database, plan: ProjectPlan, instrument_id: str) -> list[admin_queries.PhaseRow]:
    stored = _stored_phase_ids(db, plan.project_id) if plan.project_id else {}
    ordered = sorted(plan.phases, key=lambda p: p.starts)
    rows = []
    for index, phase in enumerate(ordered):
        gap = index > 0 and phase.starts > ordered[index - 1].ends + dt.timedelta(days=1)
        rows.append(
            admin_queries.PhaseRow(
                kind=phase.kind,
                starts=phase.starts,
                ends=phase.ends,
                involvement=phase.involvement,
                unit_involvement={
                    u: lvl for u, lvl in phase.unit_involvement.items() if lvl != phase.involvement
                },
                gap_reason=phase.gap_reason.strip() if gap else "",
                phase_id=stored.get(phase.kind),
            )
        )
    return rows


def cleaned_plan(plan: ProjectPlan) -> ProjectPlan:
    """The plan's texts as they may be stored (``medspil.text.clean_text``): the name one line,
    the description and gap reasons without control characters, each capped."""
    phases = tuple(
        replace(phase, gap_reason=clean_text(phase.gap_reason, max_length=DESCRIPTION_MAX_CHARS))
        for phase in plan.phases
    )
    return replace(
        plan,
        name=clean_text(plan.name, single_line=True, max_length=NAME_MAX_CHARS),
        description=clean_text(plan.description, max_length=DESCRIPTION_MAX_CHARS),
        phases=phases,
    )


def save_project(
    db: Database, plan: ProjectPlan, *, new: bool, scope: Scope, today: dt.date
) -> None:
    """Check the plan and store it whole, or raise ``AdminInputInvalid`` and store nothing.

    Only an administrator's ``scope`` may save (``AdminOnly`` otherwise); the audit row names
    its actor."""
    actor = admin_actor(scope)
    plan = _sorted(cleaned_plan(plan))
    problems = _project_problems(db, plan, new=new)
    wave_index: dict[int, int] = {}
    removed: list[int] = []
    if not new:
        if project_queries.project(db, plan.project_id) is None:
            raise UnknownProject(project=plan.project_id)
        edit_problems, wave_index, removed = _edit_problems(db, plan, today)
        problems += edit_problems
    if problems:
        raise AdminInputInvalid(problems)
    if new:
        instrument = load_instrument(DEFAULT_INSTRUMENT)
        register_instrument(db, instrument)
        instrument_id = instrument.id
    else:
        project = project_queries.project(db, plan.project_id)
        if project is None:
            raise UnknownProject(project=plan.project_id)
        instrument_id = str(project["instrument_id"])
    row = admin_queries.ProjectRow(
        project_id=plan.project_id,
        name=plan.name.strip(),
        description=plan.description.strip(),
        instrument_id=instrument_id,
        involvement=plan.involvement,
        k_min=plan.k_min,
        k_comments=plan.k_comments,
        unit_ids=tuple(sorted(plan.unit_ids)),
        modules=tuple(sorted(plan.modules)),
    )
    phases = _rows(db, plan, instrument_id)
    phase_text = ", ".join(f"{p.kind} {date_text(p.starts)}-{date_text(p.ends)}" for p in phases)
    detail = f"{plan.project_id}: {plan.name.strip()}; enheder {', '.join(row.unit_ids)}; " + (
        f"k={plan.k_min}; faser {phase_text}"
    )
    if new:
        admin_queries.create_project(db, row, phases, actor=actor, detail=detail)
    else:
        admin_queries.update_project(
            db,
            row,
            phases,
            wave_phase_index=wave_index,
            removed_phase_ids=removed,
            actor=actor,
            detail=detail,
        )


def _sorted(plan: ProjectPlan) -> ProjectPlan:
    phases = tuple(sorted(plan.phases, key=lambda p: p.starts))
    return ProjectPlan(**{**plan.__dict__, "phases": phases})


def module_choices(lang: str) -> dict[str, str]:
    """Optional instrument module id -> its name in ``lang``."""
    instrument = load_instrument(DEFAULT_INSTRUMENT)
    return {m: instrument.construct(m).name[lang] for m in OPTIONAL_MODULES}


def project_choices(db: Database) -> dict[str, str]:
    """Project id -> name, in id order: the project pickers of the administration pages."""
    frame = project_queries.projects(db)
    return dict(zip(frame["id"], frame["name"], strict=True))


def project_summary(db: Database, *, today: dt.date, lang: str) -> pd.DataFrame:
    """One line per project: units, modules, k, phases, waves and whether k is fixed."""
    names = org_queries.units(db).set_index("id")["name"].to_dict()
    modules = module_choices(lang)
    rows = []
    for project in project_queries.projects(db).itertuples():
        project_id = str(project.id)
        phases = project_queries.phases(db, project_id)
        waves = project_queries.waves(db, project_id)
        units = project_queries.project_units(db, project_id)
        rows.append(
            {
                t("admin_projects.col_id", lang): project.id,
                t("admin_projects.col_name", lang): project.name,
                t("admin_projects.col_units", lang): ", ".join(names.get(u, u) for u in units),
                t("admin_projects.col_modules", lang): ", ".join(
                    modules.get(m, m) for m in project_queries.project_modules(db, project_id)
                )
                or "–",
                t("admin_projects.col_k", lang): f"{project.k_min} / {project.k_comments}",
                t("admin_projects.col_phases", lang): " → ".join(
                    t(f"phase.{kind}", lang) for kind in phases["kind"]
                ),
                t("admin_projects.col_waves", lang): len(waves),
                t("admin_projects.col_locked", lang): t(
                    "admin_projects.yes"
                    if first_wave_opened(db, project_id, today)
                    else "admin_projects.no",
                    lang,
                ),
            }
        )
    columns = [
        t(f"admin_projects.col_{c}", lang)
        for c in ("id", "name", "units", "modules", "k", "phases", "waves", "locked")
    ]
    return pd.DataFrame(rows, columns=columns)
