"""What the parties did in the demo's ``medicin`` project: the involvement plan and how it went,
the roles, what was fixed and open per phase, the MED discussions and the agreed actions.

The story matches the planted numbers: the plan had every unit co-deciding or with a say in
udvikling, but Syd's employees were in practice only informed (Lokal-MED Syd: "medarbejderne
informeres"), and medspil dropped there; Lokal-MED Syd discussed the drop and agreed to bring
Syd's super users into the test group, the action was carried out, and medspil recovered in
implementering. Two actions are still open, so Overblik has something to show.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data import projects as project_queries
from data.db import Database
from medspil.scope import Scope
from medspil.vocabulary import ActionSource, ActionStatus, Involvement, PhaseKind, ProjectRoleKind
from surveys.together import actions, med_log, plan

PROJECT = "medicin"
SECRETARY = "Demo (MED-sekretær)"

FRAMING = {
    PhaseKind.IDE: (
        "Kommunen indfører elektronisk medicinhåndtering (byrådets beslutning).",
        "Hvilke arbejdsgange der ændres, og hvordan medarbejderne inddrages.",
    ),
    PhaseKind.KONSEKVENSVURDERING: (
        "Tidsplanen for udbuddet.",
        "Kravene til leverandøren om medicinrunden, scanning og adgang til medicinskabe.",
    ),
    PhaseKind.UDVIKLING: (
        "Leverandør og medicinmodul er valgt; medicinen skal scannes.",
        "Medicinrunden, hvor scannerne står, oplæringen og hvem der er i testgruppen.",
    ),
    PhaseKind.IMPLEMENTERING: (
        "Alle enheder går over til det nye modul.",
        "Rækkefølgen af enhederne, ekstra oplæring og opfølgningen.",
    ),
}

ROLES = [
    (ProjectRoleKind.LEDER, "SAE", list(PhaseKind)[:4], 1, "Projektejer"),
    (
        ProjectRoleKind.SUPERBRUGER,
        "NORD-HJEM",
        [PhaseKind.UDVIKLING, PhaseKind.IMPLEMENTERING],
        2,
        "",
    ),
    (
        ProjectRoleKind.SUPERBRUGER,
        "NORD-SOLHOJ",
        [PhaseKind.UDVIKLING, PhaseKind.IMPLEMENTERING],
        2,
        "",
    ),
    (
        ProjectRoleKind.SUPERBRUGER,
        "SYD-HJEMDAG",
        [PhaseKind.UDVIKLING, PhaseKind.IMPLEMENTERING],
        2,
        "Med i testgruppen efter Lokal-MED Syds drøftelse",
    ),
    (
        ProjectRoleKind.FAGPERSON,
        "SUND-SYGE",
        [PhaseKind.KONSEKVENSVURDERING, PhaseKind.UDVIKLING],
        1,
        "Sygeplejerske, medicinansvarlig",
    ),
    (ProjectRoleKind.TILLIDSREPRAESENTANT, "AELDRE-SYD", list(PhaseKind)[:4], 1, ""),
    (
        ProjectRoleKind.ARBEJDSMILJOREPRAESENTANT,
        "AELDRE-NORD",
        [PhaseKind.KONSEKVENSVURDERING, PhaseKind.UDVIKLING, PhaseKind.IMPLEMENTERING],
        1,
        "",
    ),
]


def _phase_starts(db: Database) -> dict[str, dt.date]:
    phases = project_queries.phases(db, PROJECT)
    return {
        str(kind): pd.Timestamp(str(starts)).date()
        for kind, starts in zip(phases["kind"], phases["starts"], strict=True)
    }


def tell(db: Database, today: dt.date) -> None:
    """Write the plan as it happened, the roles, the framing, the MED log and the actions."""
    admin = Scope.admin(actor="demo")
    starts = _phase_starts(db)
    for kind, (fixed, open_for_change) in FRAMING.items():
        plan.save_framing(
            db,
            admin,
            project_id=PROJECT,
            phase_kind=kind,
            fixed=fixed,
            open_for_change=open_for_change,
        )
    for role, unit, phases, people, note in ROLES:
        plan.add_role(
            db,
            admin,
            project_id=PROJECT,
            kind=role,
            unit_id=unit,
            phase_kinds=[str(p) for p in phases],
            people=people,
            note=note,
        )
    _actual_levels(db, admin, starts, today)
    _log_and_actions(db, starts, today)


def _actual_levels(db: Database, admin: Scope, starts: dict[str, dt.date], today: dt.date) -> None:
    # As it happened: as planned, except that Syd was only informed in udvikling.
    actual = {
        PhaseKind.IDE: (Involvement.INFORMATION, Involvement.INFORMATION),
        PhaseKind.KONSEKVENSVURDERING: (Involvement.MEDINDFLYDELSE, Involvement.MEDINDFLYDELSE),
        PhaseKind.UDVIKLING: (Involvement.MEDBESTEMMELSE, Involvement.INFORMATION),
        PhaseKind.IMPLEMENTERING: (Involvement.MEDINDFLYDELSE, Involvement.MEDINDFLYDELSE),
    }
    notes = {
        (PhaseKind.UDVIKLING, "AELDRE-SYD"): "Informationsmøder; testgruppen var fra Nord.",
        (PhaseKind.UDVIKLING, "AELDRE-NORD"): "Superbrugere i testgruppen fra start.",
    }
    for kind, (nord, syd) in actual.items():
        if starts[kind] > today:
            continue
        for unit, level in (("AELDRE-NORD", nord), ("AELDRE-SYD", syd)):
            plan.record_actual(
                db,
                admin,
                project_id=PROJECT,
                phase_kind=kind,
                unit_id=unit,
                level=level,
                note=notes.get((kind, unit), ""),
                today=today,
            )


def _log_and_actions(db: Database, starts: dict[str, dt.date], today: dt.date) -> None:
    admin = Scope.admin(actor=SECRETARY)
    ide, kv = starts[PhaseKind.IDE], starts[PhaseKind.KONSEKVENSVURDERING]
    udv, impl = starts[PhaseKind.UDVIKLING], starts[PhaseKind.IMPLEMENTERING]
    day = dt.timedelta(days=1)

    def entry(
        committee: str,
        met_on: dt.date,
        phase: str,
        topic: str,
        decision: str,
        questions: tuple[int, ...],
        principles: tuple[int, ...],
    ) -> int:
        return med_log.add_entry(
            db,
            admin,
            med_log.EntryInput(
                project_id=PROJECT,
                committee_id=committee,
                met_on=met_on,
                phase_kind=phase,
                topic=topic,
                decision=decision,
                questions=questions,
                principles=principles,
            ),
            today=min(met_on + day, today),
        )

    entry(
        "HMED",
        ide + 10 * day,
        PhaseKind.IDE,
        "Digital medicinhåndtering præsenteret",
        "Alle ældreområder inddrages i udviklingen med superbrugere; Lokal-MED følger projektet.",
        (1, 3),
        (1, 3),
    )
    entry(
        "MED-SAE",
        kv + 14 * day,
        PhaseKind.KONSEKVENSVURDERING,
        "Konsekvensvurdering: medicinrunden, nøgler og vikarernes adgang",
        "Det usynlige arbejde med nøgler og vikaradgang skal med i testen.",
        (2,),
        (7, 8),
    )
    entry(
        "LMED-NORD",
        udv + 4 * day,
        PhaseKind.UDVIKLING,
        "Udviklingsfasen drøftet",
        "Superbrugere fra Nord tester modulet sammen med leverandøren.",
        (3,),
        (5, 6),
    )
    entry(
        "LMED-SYD",
        udv + 6 * day,
        PhaseKind.UDVIKLING,
        "Udviklingsfasen drøftet",
        "Medarbejderne informeres løbende; testgruppen er fra Nord.",
        (3,),
        (4,),
    )
    turn = udv + 70 * day
    syd_drop = entry(
        "LMED-SYD",
        turn,
        PhaseKind.UDVIKLING,
        "Faldet i medspil drøftet",
        "Superbrugere fra Syd kommer med i testgruppen, og Syd får en plads i styregruppen.",
        (3, 5),
        (1, 6, 10),
    )
    into_test = actions.add_action(
        db,
        admin,
        actions.ActionInput(
            project_id=PROJECT,
            unit_ids=("AELDRE-SYD",),
            what="Superbrugere fra Syd i testgruppen",
            responsible="Områdeleder, Ældreområde Syd",
            agreed_on=turn + 2 * day,
            due=turn + 23 * day,
            source=ActionSource.MED_LOG,
            source_ref=str(syd_drop),
        ),
        today=turn + 2 * day,
    )
    actions.set_status(
        db,
        admin,
        into_test,
        ActionStatus.UDFOERT,
        outcome="Fire superbrugere fra Syd har testet modulet og vist det til kollegerne.",
        today=turn + 30 * day,
    )
    if impl > today:
        return
    entry(
        "HMED",
        impl + 20 * day,
        PhaseKind.IMPLEMENTERING,
        "Erfaringer fra udviklingsfasen",
        "Kommende projekter har superbrugere fra alle områder i testgruppen fra start.",
        (3, 5),
        (1, 10),
    )
    night = entry(
        "LMED-NORD",
        impl + 40 * day,
        PhaseKind.IMPLEMENTERING,
        "Nattevagtens adgang til medicinskab og scanner",
        "Adgangen afklares med leverandøren før næste måling.",
        (2,),
        (7, 8),
    )
    keys = actions.add_action(
        db,
        admin,
        actions.ActionInput(
            project_id=PROJECT,
            unit_ids=("AELDRE-NORD",),
            what="Afklar adgangen til medicinskab og scanner om natten",
            responsible="Leder, Hjemmeplejen Nord",
            agreed_on=impl + 41 * day,
            due=today + 21 * day,
            source=ActionSource.MED_LOG,
            source_ref=str(night),
        ),
        today=impl + 41 * day,
    )
    actions.set_status(db, admin, keys, ActionStatus.I_GANG, today=impl + 50 * day)
    actions.add_action(
        db,
        admin,
        actions.ActionInput(
            project_id=PROJECT,
            unit_ids=("SYD-HJEMAFT",),
            what="Ekstra oplæring i scanning for aftenvagten",
            responsible="Superbrugerne i Syd",
            agreed_on=today - 7 * day,
            due=today + 14 * day,
            source=ActionSource.FINDING,
            source_ref="medspil, Ældreområde Syd",
        ),
        today=today,
    )
