"""What the pages of acting together show and offer: the log as cards (corrections in place of
what they correct), the actions open first with the overdue marked, the choices a writer may
make, the links that start an action from a finding, a snapshot or a MED discussion, and the
form values an address brings along.

Pages stay thin: they draw widgets from these values and call ``plan``, ``med_log`` and
``actions`` to write.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from data import org as org_queries
from data import projects as project_queries
from data.db import Database
from medspil.cells import cell_int, cell_timestamp
from medspil.formatting import date_text
from medspil.i18n import t
from medspil.scope import Scope
from medspil.text import NAME_MAX_CHARS, clean_text
from medspil.vocabulary import ActionSource, ActionStatus, Role, is_value
from surveys.dashboards.findings import FindingCard, finding_sentence
from surveys.snapshots.freeze import visible_snapshots
from surveys.together.actions import Action, visible_actions
from surveys.together.med_log import LogEntry, current_entries
from surveys.together.rights import (
    action_unit_filter,
    committee_area,
    may_write_actions,
    may_write_log,
    visible_units,
    writes_actions,
)

ACTIONS_PAGE = "pages/handlinger.py"
OVERVIEW_SHOWN_ACTIONS = 3

# --- the MED log ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryCard:
    """One entry as the log page shows it; ``original`` is the entry a correction replaces
    (itself a card, so a chain of corrections stays readable)."""

    entry: LogEntry
    heading: str  # "18.04.2026 · Lokal-MED Ældreområde Syd · Udvikling"
    tags: tuple[str, ...]
    snapshot_line: str | None
    frozen_line: str | None
    correction_line: str | None
    original: EntryCard | None


def _card(entry: LogEntry, by_id: Mapping[int, LogEntry], lang: str) -> EntryCard:
    parts = [date_text(entry.met_on, lang), entry.committee_name]
    if entry.phase_kind is not None:
        parts.append(t(f"phase.{entry.phase_kind}", lang))
    tags = tuple(
        t("med_log.tag_question", lang, n=n, text=t(f"med_log.question_{n}", lang))
        for n in entry.questions
    ) + tuple(
        t("med_log.tag_principle", lang, n=n, text=t(f"med_log.principle_{n}", lang))
        for n in entry.principles
    )
    original = by_id.get(entry.corrects) if entry.corrects is not None else None
    return EntryCard(
        entry=entry,
        heading=" · ".join(parts),
        tags=tags,
        snapshot_line=(
            t("med_log.on_the_table", lang, id=entry.snapshot_id)
            if entry.snapshot_id is not None
            else None
        ),
        frozen_line=(t("med_log.frozen_mark", lang, id=entry.frozen_by) if entry.frozen else None),
        correction_line=(
            t("med_log.corrects_line", lang, id=entry.corrects) if entry.corrects else None
        ),
        original=_card(original, by_id, lang) if original is not None else None,
    )


def log_cards(
    entries: list[LogEntry],
    lang: str,
    *,
    committee_id: str | None = None,
    phase_kind: str | None = None,
) -> list[EntryCard]:
    """The entries as they stand (a correction in place of what it corrects), newest meeting
    first, of one committee and phase if given."""
    by_id = {e.id: e for e in entries}
    shown = [
        e
        for e in current_entries(entries)
        if (committee_id is None or e.committee_id == committee_id)
        and (phase_kind is None or e.phase_kind == phase_kind)
    ]
    shown.sort(key=lambda e: (e.met_on, e.id), reverse=True)
    return [_card(e, by_id, lang) for e in shown]


def committee_choices(entries: list[LogEntry]) -> dict[str, str]:
    """The committees of the entries the reader sees (for the filter), by name."""
    names = {e.committee_id: e.committee_name for e in entries}
    return dict(sorted(names.items(), key=lambda item: item[1]))


def writable_committees(db: Database, scope: Scope) -> dict[str, str]:
    """The committees whose log the scope may write: every one for an administrator, their own
    for a secretary, none for anyone else."""
    frame = org_queries.committees(db)
    return {
        str(c.id): str(c.name)
        for c in frame.sort_values("name").itertuples()
        if may_write_log(scope, str(c.id))
    }


def writable_entries(scope: Scope, entries: list[LogEntry]) -> list[LogEntry]:
    """The entries as they stand that the scope may change (unfrozen) or correct (frozen),
    newest meeting first."""
    mine = [e for e in current_entries(entries) if may_write_log(scope, e.committee_id)]
    return sorted(mine, key=lambda e: (e.met_on, e.id), reverse=True)


def entry_label(entry: LogEntry, lang: str) -> str:
    mark = f" ({t('med_log.locked', lang)})" if entry.frozen else ""
    return (
        t(
            "med_log.entry_label",
            lang,
            id=entry.id,
            day=date_text(entry.met_on, lang),
            committee=entry.committee_name,
            topic=entry.topic,
        )
        + mark
    )


def phase_choices(db: Database, project_id: str, lang: str) -> dict[str, str]:
    """The project's phases in time order: kind -> name."""
    phases = project_queries.phases(db, project_id)
    return {str(k): t(f"phase.{k}", lang) for k in phases["kind"]}


def snapshot_choices(db: Database, scope: Scope, project_id: str, lang: str) -> dict[int, str]:
    """The project's snapshots the scope may open, newest first: id -> label."""
    listing = visible_snapshots(db, scope)
    listing = listing[listing["project_id"] == project_id]
    return {
        cell_int(row.id): t(
            "med_log.snapshot_label",
            lang,
            id=cell_int(row.id),
            day=date_text(cell_timestamp(row.created_on).date(), lang),
            area=str(row.area_name),
        )
        for row in listing.itertuples()
    }


# --- actions --------------------------------------------------------------------------------


def actions_in_order(actions: list[Action], today: dt.date) -> list[Action]:
    """Open actions first (the overdue first, then by deadline, none last), then the closed
    ones, last closed first."""
    far = dt.date.max

    def open_key(a: Action) -> tuple[bool, dt.date, int]:
        return (not a.overdue(today), a.due or far, a.id)

    opened = sorted((a for a in actions if a.is_open), key=open_key)
    closed = sorted(
        (a for a in actions if not a.is_open),
        key=lambda a: (a.closed_on or dt.date.min, a.id),
        reverse=True,
    )
    return opened + closed


def due_text(action: Action, today: dt.date, lang: str) -> str:
    if action.due is None:
        return "–"
    day = date_text(action.due, lang)
    return t("actions.overdue", lang, day=day) if action.overdue(today) else day


def source_text(action: Action, lang: str) -> str:
    words = t(f"action_source.{action.source}", lang)
    if not action.source_ref:
        return words
    if action.source in (ActionSource.MED_LOG, ActionSource.SNAPSHOT):
        return t(f"actions.source_{action.source}", lang, ref=action.source_ref)
    return f"{words}: {action.source_ref}"


def actions_table(actions: list[Action], today: dt.date, lang: str) -> pd.DataFrame:
    """The actions as a table to show, in the order given."""
    columns = ("status", "what", "units", "responsible", "due", "source", "agreed", "outcome")
    return pd.DataFrame(
        [
            {
                t("actions.col_status", lang): t(f"action_status.{a.status}", lang),
                t("actions.col_what", lang): a.what,
                t("actions.col_units", lang): ", ".join(a.unit_names),
                t("actions.col_responsible", lang): a.responsible,
                t("actions.col_due", lang): due_text(a, today, lang),
                t("actions.col_source", lang): source_text(a, lang),
                t("actions.col_agreed", lang): date_text(a.agreed_on, lang),
                t("actions.col_outcome", lang): a.outcome,
            }
            for a in actions
        ],
        columns=[t(f"actions.col_{c}", lang) for c in columns],
    )


def _project_subtree(db: Database, project_id: str) -> list[str]:
    return list(org_queries.subtree_ids(db, project_queries.project_units(db, project_id)))


def project_unit_choices(db: Database, project_id: str) -> dict[str, str]:
    """Every unit of the project (its units and everything below them): id -> name, by name."""
    names = org_queries.units(db).set_index("id")["name"].to_dict()
    inside = _project_subtree(db, project_id)
    return dict(sorted(((u, str(names.get(u, u))) for u in inside), key=lambda item: item[1]))


def organisation_unit_choices(db: Database) -> dict[str, str]:
    """Every unit of the organisation (a role may come from outside the project): id -> name."""
    units = org_queries.units(db).sort_values("name")
    return {str(u.id): str(u.name) for u in units.itertuples()}


def action_unit_choices(db: Database, scope: Scope, project_id: str) -> dict[str, str]:
    """The project's units the scope may record an action for: id -> name, by name (empty for a
    role that records none)."""
    if not writes_actions(scope):
        return {}
    inside = _project_subtree(db, project_id)
    if scope.role != Role.ADMIN:
        seen = visible_units(db, scope)
        inside = [u for u in inside if u in seen]
    names = org_queries.units(db).set_index("id")["name"].to_dict()
    return dict(sorted(((u, str(names.get(u, u))) for u in inside), key=lambda item: item[1]))


def changeable_actions(db: Database, scope: Scope, actions: list[Action]) -> list[Action]:
    """The actions whose status the scope may change."""
    if not writes_actions(scope):
        return []
    return [a for a in actions if may_write_actions(db, scope, a.unit_ids)]


def action_label(action: Action, lang: str) -> str:
    return t(
        "actions.action_label",
        lang,
        id=action.id,
        what=action.what[:80],
        status=t(f"action_status.{action.status}", lang),
    )


@dataclass(frozen=True)
class OpenActions:
    """Overblik's short list for one project: at most ``OVERVIEW_SHOWN_ACTIONS`` lines and how
    many more there are."""

    lines: tuple[str, ...]
    more: int


def open_actions_summary(
    db: Database, scope: Scope, project_id: str, *, today: dt.date, lang: str
) -> OpenActions:
    """The open actions concerning units the scope sees, overdue first, as short lines."""
    found = actions_in_order(visible_actions(db, scope, project_id, open_only=True), today)
    lines = tuple(
        t(
            "actions.overview_line",
            lang,
            what=a.what,
            who=a.responsible,
            due=due_text(a, today, lang),
        )
        for a in found[:OVERVIEW_SHOWN_ACTIONS]
    )
    return OpenActions(lines=lines, more=max(0, len(found) - OVERVIEW_SHOWN_ACTIONS))


# --- links that start an action, and what an address brings to the form ---------------------


def _writable(db: Database, scope: Scope, units: Iterable[str]) -> list[str]:
    return action_unit_filter(db, scope)(units)


def finding_action_params(
    db: Database,
    scope: Scope,
    project_id: str,
    card: FindingCard,
    lang: str,
    *,
    writable: Callable[[Iterable[str]], list[str]] | None = None,
) -> dict[str, str] | None:
    """The address of "Aftal en handling" on a finding card: the finding's first sentence as the
    reference and the finding's units the reader may record an action for; None for a reader
    who records no actions (or none for these units). A page drawing many cards passes one
    ``writable`` (:func:`action_unit_filter`) for all of them."""
    if not writes_actions(scope):
        return None
    wanted = [card.lead.unit_id, *(m.unit_id for m in card.members)]
    units = writable(wanted) if writable is not None else _writable(db, scope, wanted)
    if not units:
        return None
    short = finding_sentence(dataclasses.replace(card.lead, involvement=None, mixed=()), lang)
    return {
        "project": project_id,
        "source": str(ActionSource.FINDING),
        "ref": clean_text(short, single_line=True, max_length=NAME_MAX_CHARS),
        "units": ",".join(units),
    }


def entry_action_params(db: Database, scope: Scope, entry: LogEntry) -> dict[str, str] | None:
    """The address of "Aftal en handling" under a MED log entry: the entry as the source, and
    the project's top units inside the committee's area that the reader may record for."""
    if not writes_actions(scope):
        return None
    area = committee_area(db, entry.committee_id)
    inside = [u for u in _project_subtree(db, entry.project_id) if u in area]
    parents = org_queries.units(db).set_index("id")["parent_id"].to_dict()
    tops = [u for u in inside if parents.get(u) not in set(inside)]
    params = {
        "project": entry.project_id,
        "source": str(ActionSource.MED_LOG),
        "ref": str(entry.id),
    }
    units = _writable(db, scope, tops)
    if units:
        params["units"] = ",".join(units)
    return params


def snapshot_action_params(scope: Scope, project_id: str, snapshot_id: int) -> dict[str, str]:
    """The address of "Aftal en handling" on a snapshot (empty for a reader who records none)."""
    if not writes_actions(scope):
        return {}
    return {"project": project_id, "source": str(ActionSource.SNAPSHOT), "ref": str(snapshot_id)}


@dataclass(frozen=True)
class Prefill:
    """Form values an address brought (``?project=…&source=…&ref=…&units=…&what=…``), and the
    units left out because the writer may not choose them."""

    source: str | None
    ref: str
    units: tuple[str, ...]
    what: str
    left_out: tuple[str, ...]


def action_prefill(params: Mapping[str, str], unit_choices: Mapping[str, str]) -> Prefill:
    """What the address asks the action form to hold; unknown sources are ignored, units the
    writer may not choose are named in ``left_out``."""
    source = params.get("source")
    asked = [u for u in str(params.get("units", "")).split(",") if u]
    return Prefill(
        source=source if is_value(ActionSource, source) else None,
        ref=clean_text(params.get("ref", ""), single_line=True, max_length=NAME_MAX_CHARS),
        units=tuple(u for u in asked if u in unit_choices),
        what=clean_text(params.get("what", ""), max_length=NAME_MAX_CHARS),
        left_out=tuple(u for u in asked if u not in unit_choices),
    )


STATUS_CHOICES = tuple(ActionStatus)
