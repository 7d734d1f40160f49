"""The MED discussions and agreed actions the live dashboards draw on their time axes.

Udvikling draws those of the chosen unit's subtree: the actions that concern a unit in it, and
the discussions of committees whose area overlaps it (Hoved-MED's concern every unit; Lokal-MED
Nord's are not on Syd's chart). Overblik draws every event the reader may read. Reading rights
are those of ``surveys.together``: a MED member of Lokal-MED Nord never gets Lokal-MED Syd's
entries, whatever unit they look at.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analytics.charts import ChartEvent
from data.db import Database
from medspil.formatting import date_text, short_date
from medspil.i18n import t
from medspil.scope import Scope
from surveys.dashboards.view_basis import _basis
from surveys.together.med_log import visible_entries
from surveys.together.rights import committee_area
from surveys.together.timeline import ACTION, MED_LOG, Event, events

KINDS = (MED_LOG, ACTION)


def unit_events(
    db: Database,
    scope: Scope,
    project_id: str,
    unit_id: str,
    *,
    lang: str,
    today: dt.date,
    first_wave: int | None = None,
    last_wave: int | None = None,
) -> list[Event]:
    """The events on ``unit_id``'s charts within the period of waves first..last (by number).

    A period that starts at the first closed wave reaches back to the project's start; one that
    ends at the last closed wave reaches up to ``today`` (what was agreed since the last wave).
    Raises the dashboards' access errors for a project or unit outside the scope.
    """
    basis = _basis(db, scope, project_id, unit_id, today)
    subtree = set(basis.subtree(unit_id))
    found = events(db, scope, project_id, lang, units=subtree)
    concerned = _committees_over(db, scope, project_id, subtree)
    found = [e for e in found if e.kind != MED_LOG or e.ref in concerned]
    since, until = _period(basis.waves, first_wave, last_wave, today)
    return [e for e in found if (since is None or e.day >= since) and e.day <= until]


def project_events(db: Database, scope: Scope, project_id: str, lang: str) -> list[Event]:
    """Every event of the project the scope may read (Overblik's project timeline)."""
    return events(db, scope, project_id, lang)


def chart_events(found: list[Event]) -> list[ChartEvent]:
    """The events as the plain data ``analytics.charts`` draws."""
    return [(e.day, e.kind, e.label, e.detail) for e in found]


def event_names(lang: str) -> dict[str, str]:
    """Kind -> its name in ``lang`` ("MED-drøftelse", "Aftalt handling")."""
    return {kind: t(f"events.kind_{kind}", lang) for kind in KINDS}


def event_lines(found: list[Event], lang: str) -> list[str]:
    """One plain line per event for the list under a chart (screen readers, print): the whole
    date and the whole text ("24.04.2026 · Lokal-MED Ældreområde Syd: Udviklingsfasen drøftet.
    …", "29.06.2026 · Handling: …"), the short date of the marker label taken off."""
    lines = []
    for event in found:
        text = event.detail.removeprefix(f"{short_date(event.day, lang)} ")
        lines.append(t("events.line", lang, day=date_text(event.day, lang), text=text))
    return lines


def _committees_over(db: Database, scope: Scope, project_id: str, units: set[str]) -> set[int]:
    """The ids of the readable log entries whose committee's area overlaps ``units``."""
    overlaps: dict[str, bool] = {}
    ids = set()
    for entry in visible_entries(db, scope, project_id):
        if entry.committee_id not in overlaps:
            overlaps[entry.committee_id] = bool(committee_area(db, entry.committee_id) & units)
        if overlaps[entry.committee_id]:
            ids.add(entry.id)
    return ids


def _period(
    waves: pd.DataFrame, first_wave: int | None, last_wave: int | None, today: dt.date
) -> tuple[dt.date | None, dt.date]:
    """The days the period of waves first..last covers: from the first wave's opening (or the
    beginning) to the day before the wave after the last opens (or ``today``)."""
    opens = {
        int(number): pd.Timestamp(day).date()
        for number, day in zip(waves["number"], waves["opens"], strict=True)
    }
    since = (
        opens.get(first_wave)
        if first_wave is not None and first_wave > min(opens, default=0)
        else None
    )
    later = sorted(n for n in opens if last_wave is not None and n > last_wave)
    until = opens[later[0]] - dt.timedelta(days=1) if later else today
    return since, until
