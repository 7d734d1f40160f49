"""Planning a project's waves by cadence, and the table of its waves with their state.

An open wave can be closed early (``close_wave_early``, for a pilot): its last day becomes
yesterday, and it is sealed and counted exactly like a wave that closes on its date.

A plan such as "every 14 days from 1 March to 30 June, each open 7 days" becomes one wave per
open date, numbered after the project's existing waves and assigned to the phase that contains
its open date. The whole plan is checked first and stored in one transaction, or not at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from data import admin as admin_queries
from data import projects as project_queries
from data import submissions
from data.db import Database
from medspil.cells import cell_int, cell_timestamp
from medspil.errors import AdminInputInvalid, UnknownProject
from medspil.formatting import date_text
from medspil.i18n import t
from medspil.scope import Scope, admin_actor
from surveys.dashboards.basis import project_basis
from surveys.dashboards.live_progress import live_progress

MAX_WAVES = 200


@dataclass(frozen=True)
class PlannedWave:
    number: int
    opens: dt.date
    closes: dt.date
    phase_id: int
    phase_kind: str


def _project(db: Database, project_id: str) -> dict:
    project = project_queries.project(db, project_id)
    if project is None:
        raise UnknownProject(project=project_id)
    return project


def plan_waves(
    db: Database,
    project_id: str,
    *,
    first_opens: dt.date,
    last_opens: dt.date,
    every_days: int,
    open_days: int,
    today: dt.date,
) -> list[PlannedWave]:
    """The waves a cadence gives, each with its phase; raises ``AdminInputInvalid`` for a plan
    that opens in the past, overlaps itself or the existing waves, or leaves the phases."""
    _project(db, project_id)
    problems: list[tuple[str, dict[str, object]]] = []
    if every_days < 1 or open_days < 1:
        problems.append(("admin_waves.problem_days", {}))
    elif open_days > every_days:
        problems.append(
            ("admin_waves.problem_overlap_self", {"open": open_days, "every": every_days})
        )
    if last_opens < first_opens:
        problems.append(("admin_waves.problem_order", {}))
    if first_opens < today:
        problems.append(("admin_waves.problem_past", {"today": date_text(today)}))
    existing = project_queries.waves(db, project_id)
    if not existing.empty:
        last_closes = pd.Timestamp(existing["closes"].max()).date()
        if first_opens <= last_closes:
            problems.append(
                ("admin_waves.problem_after_existing", {"closes": date_text(last_closes)})
            )
    if problems:
        raise AdminInputInvalid(problems)
    count = (last_opens - first_opens).days // every_days + 1
    if count > MAX_WAVES:
        raise AdminInputInvalid([("admin_waves.problem_too_many", {"max": MAX_WAVES})])
    phases = project_queries.phases(db, project_id)
    number = int(existing["number"].max()) if not existing.empty else 0
    planned, outside = [], []
    for index in range(count):
        opens = first_opens + dt.timedelta(days=index * every_days)
        phase = phases[
            (pd.to_datetime(phases["starts"]).dt.date <= opens)
            & (pd.to_datetime(phases["ends"]).dt.date >= opens)
        ]
        if phase.empty:
            outside.append(date_text(opens))
            continue
        number += 1
        planned.append(
            PlannedWave(
                number=number,
                opens=opens,
                closes=opens + dt.timedelta(days=open_days - 1),
                phase_id=int(phase.iloc[0]["id"]),
                phase_kind=str(phase.iloc[0]["kind"]),
            )
        )
    if outside:
        raise AdminInputInvalid([("admin_waves.problem_outside", {"dates": ", ".join(outside)})])
    return planned


def create_waves(
    db: Database,
    project_id: str,
    *,
    first_opens: dt.date,
    last_opens: dt.date,
    every_days: int,
    open_days: int,
    today: dt.date,
    scope: Scope,
) -> list[PlannedWave]:
    """Check the plan again (the timeline may have changed since the preview) and store it.

    Only an administrator's ``scope`` may (``AdminOnly`` otherwise)."""
    actor = admin_actor(scope)
    planned = plan_waves(
        db,
        project_id,
        first_opens=first_opens,
        last_opens=last_opens,
        every_days=every_days,
        open_days=open_days,
        today=today,
    )
    instrument_id = str(_project(db, project_id)["instrument_id"])
    detail = (
        f"{project_id}: {len(planned)} målinger, hver {every_days}. dag fra "
        f"{date_text(first_opens)} til {date_text(last_opens)}, åbne {open_days} dage"
    )
    admin_queries.insert_waves(
        db,
        project_id,
        [(w.number, w.opens, w.closes, instrument_id, w.phase_id) for w in planned],
        actor=actor,
        detail=detail,
    )
    return planned


def planned_table(planned: list[PlannedWave], lang: str) -> pd.DataFrame:
    """A plan for the preview: number, dates and phase."""
    return pd.DataFrame(
        {
            t("admin_waves.col_number", lang): [w.number for w in planned],
            t("admin_waves.col_opens", lang): [date_text(w.opens) for w in planned],
            t("admin_waves.col_closes", lang): [date_text(w.closes) for w in planned],
            t("admin_waves.col_phase", lang): [t(f"phase.{w.phase_kind}", lang) for w in planned],
        }
    )


def wave_state(opens: dt.date, closes: dt.date, today: dt.date) -> str:
    if today < opens:
        return "planned"
    return "open" if today <= closes else "closed"


def wave_table(db: Database, project_id: str, *, today: dt.date, lang: str) -> pd.DataFrame:
    """Every wave of a project: dates, phase, state, codes issued and responses.

    A closed wave's responses are the project area's total from the one protection step (the
    sum of the project's top units, shown only when each of them is shown); the open wave shows
    the banded total of ``surveys.dashboards.live_progress``; a planned wave has none.
    """
    _project(db, project_id)
    waves = admin_queries.wave_states(db, project_id)
    basis = project_basis(db, project_id, today=today)
    shown = basis.responses[basis.responses["unit_id"].isin(basis.project_roots)]
    live = live_progress(db, Scope.admin(), project_id, today=today)
    fewer = t("ui.fewer_than_k", lang)
    rows = []
    for wave in waves.itertuples():
        opens, closes = cell_timestamp(wave.opens).date(), cell_timestamp(wave.closes).date()
        state = wave_state(opens, closes, today)
        if state == "planned":
            responses = "0"
        elif state == "open":
            responses = live.label(lang) if live is not None else fewer
        else:
            cells = shown[shown["wave_id"] == cell_int(wave.id)]
            complete = not cells.empty and not cells["hidden"].any()
            responses = str(int(cells["responses"].sum())) if complete else fewer
        rows.append(
            {
                t("admin_waves.col_number", lang): cell_int(wave.number),
                t("admin_waves.col_opens", lang): date_text(opens),
                t("admin_waves.col_closes", lang): date_text(closes),
                t("admin_waves.col_phase", lang): t(f"phase.{wave.phase_kind}", lang),
                t("admin_waves.col_state", lang): t(f"admin_waves.state_{state}", lang),
                t("admin_waves.col_issued", lang): cell_int(wave.issued),
                t("admin_waves.col_responses", lang): responses,
            }
        )
    columns = [
        t(f"admin_waves.col_{c}", lang)
        for c in ("number", "opens", "closes", "phase", "state", "issued", "responses")
    ]
    return pd.DataFrame(rows, columns=columns)


def deletable_from(db: Database, project_id: str, *, today: dt.date, lang: str) -> dict[int, str]:
    """Wave number -> label for the waves from which every later wave may still be deleted:
    none of them has opened or has codes. Deleting from the end keeps the numbers unbroken."""
    waves = admin_queries.wave_states(db, project_id).sort_values("number", ascending=False)
    choices: dict[int, str] = {}
    for w in waves.itertuples():
        if cell_timestamp(w.opens).date() <= today or w.issued or w.responses:
            break
        choices[cell_int(w.number)] = t(
            "admin_waves.wave_label",
            lang,
            number=cell_int(w.number),
            opens=date_text(cell_timestamp(w.opens).date()),
        )
    return dict(sorted(choices.items()))


def delete_waves_from(
    db: Database, project_id: str, number: int, *, today: dt.date, scope: Scope
) -> int:
    """Delete wave ``number`` and every later wave, all or none; return how many went.

    Refused when any of them has opened or has codes, and unless ``scope`` is an
    administrator's (``AdminOnly``).
    """
    actor = admin_actor(scope)
    waves = admin_queries.wave_states(db, project_id)
    doomed = waves[waves["number"] >= number]
    if doomed.empty or number not in set(waves["number"]):
        raise AdminInputInvalid([("admin_waves.problem_unknown_wave", {})])
    for w in doomed.itertuples():
        if cell_timestamp(w.opens).date() <= today:
            raise AdminInputInvalid(
                [("admin_waves.problem_delete_opened", {"number": cell_int(w.number)})]
            )
    last = int(doomed["number"].max())
    detail = f"{project_id}: målinger {number}-{last}"
    deleted = admin_queries.delete_unused_waves(
        db, project_id, [int(i) for i in doomed["id"]], actor=actor, detail=detail
    )
    if not deleted:
        raise AdminInputInvalid([("admin_waves.problem_delete_used", {"number": number})])
    return len(doomed)


def closable_waves(db: Database, project_id: str, *, today: dt.date, lang: str) -> dict[int, str]:
    """Wave number -> label for the project's waves that are open ``today`` (closable early)."""
    choices: dict[int, str] = {}
    for w in admin_queries.wave_states(db, project_id).itertuples():
        opens, closes = cell_timestamp(w.opens).date(), cell_timestamp(w.closes).date()
        if wave_state(opens, closes, today) == "open":
            choices[cell_int(w.number)] = t(
                "admin_waves.close_label",
                lang,
                number=cell_int(w.number),
                opens=date_text(opens, lang),
                closes=date_text(closes, lang),
            )
    return choices


def close_wave_early(
    db: Database, project_id: str, number: int, *, today: dt.date, scope: Scope
) -> dt.date:
    """Close the open wave ``number`` now: its last day for answers becomes yesterday, and it is
    sealed and counted like any closed wave. Returns that last day.

    Refused, nothing changed, unless ``scope`` is an administrator's (``AdminOnly``), and with
    ``AdminInputInvalid`` for an unknown wave, one not open yet, one already closed, and one that
    opened today (a wave is closed from the day after its last day, and a wave needs a first
    day: close it tomorrow, or delete it if nobody should answer it). The audit log records who,
    when and which wave.
    """
    actor = admin_actor(scope)
    _project(db, project_id)
    waves = admin_queries.wave_states(db, project_id)
    found = waves[waves["number"] == number]
    if found.empty:
        raise AdminInputInvalid([("admin_waves.problem_unknown_wave", {})])
    wave = found.iloc[0]
    opens, closes = pd.Timestamp(wave["opens"]).date(), pd.Timestamp(wave["closes"]).date()
    state = wave_state(opens, closes, today)
    if state != "open":
        key = f"admin_waves.problem_close_{state}"
        raise AdminInputInvalid(
            [(key, {"number": number, "opens": date_text(opens), "closes": date_text(closes)})]
        )
    if opens == today:
        raise AdminInputInvalid([("admin_waves.problem_close_today", {"number": number})])
    last_day = today - dt.timedelta(days=1)
    detail = (
        f"{project_id}: måling {number} lukket før tid; sidste svardag {date_text(last_day)} "
        f"i stedet for {date_text(closes)}"
    )
    if not submissions.close_wave_early(
        db, int(wave["id"]), last_day=last_day, actor=actor, detail=detail
    ):
        raise AdminInputInvalid([("admin_waves.problem_unknown_wave", {})])
    return last_day
