"""MED discussions and agreed actions as events on the trends' time axis.

Udvikling's charts, Overblik's project timeline and the snapshot draw the same events, so a
committee sees "18.04 Lokal-MED Syd: udviklingsfasen drøftet" before a drop and "12.06 Handling:
superbrugere fra Syd i testgruppen" before the recovery.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from data.db import Database
from medspil.formatting import short_date
from medspil.i18n import t
from medspil.scope import Scope
from surveys.together.actions import visible_actions
from surveys.together.med_log import current_entries, visible_entries

MED_LOG = "med_log"
ACTION = "action"


@dataclass(frozen=True)
class Event:
    day: dt.date
    kind: str  # MED_LOG or ACTION
    label: str  # short, for a marker: "18.04 Lokal-MED Syd: udviklingsfasen drøftet"
    detail: str  # the whole text, for a hover or a list
    ref: int  # the log entry's or the action's id


def events(
    db: Database, scope: Scope, project_id: str, lang: str, *, units: set[str] | None = None
) -> list[Event]:
    """The project's MED discussions (as they stand after corrections) and agreed actions the
    scope may read, by day; ``units`` keeps only actions concerning those units (a chart of one
    unit's subtree)."""
    found = []
    for entry in current_entries(visible_entries(db, scope, project_id)):
        head = f"{short_date(entry.met_on, lang)} {entry.committee_name}: {entry.topic}"
        found.append(
            Event(
                day=entry.met_on,
                kind=MED_LOG,
                label=head,
                detail=f"{head}. {entry.decision}".strip() if entry.decision else head,
                ref=entry.id,
            )
        )
    for action in visible_actions(db, scope, project_id):
        if units is not None and not set(action.unit_ids) & units:
            continue
        head = t(
            "timeline.action",
            lang,
            day=short_date(action.agreed_on, lang),
            what=action.what,
        )
        status = t(f"action_status.{action.status}", lang)
        found.append(
            Event(
                day=action.agreed_on,
                kind=ACTION,
                label=head,
                detail=t(
                    "timeline.action_detail",
                    lang,
                    head=head,
                    who=action.responsible,
                    status=status,
                ),
                ref=action.id,
            )
        )
    return sorted(found, key=lambda e: (e.day, e.kind, e.ref))
