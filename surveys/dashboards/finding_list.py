"""The finding cards of one project for the scope's units: what Overblik's "Det har ændret sig"
shows, in plain sentences (see :mod:`surveys.dashboards.findings`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from data.db import Database
from medspil.i18n import t
from medspil.scope import Scope
from surveys.dashboards.basis import headline_units, project_basis, unit_choices
from surveys.dashboards.findings import (
    FindingCard,
    card_children,
    group_findings,
    project_findings,
)
from surveys.dashboards.hidden import hidden_sentence, shown_waves
from surveys.dashboards.shifts import budget_sentence, project_shifts, shift_budget

# As Overblik's list of changes: the headline unit and two levels below it.
MAX_DEPTH = 2


@dataclass(frozen=True)
class FindingList:
    """The cards, most important first; ``nothing_yet`` is the sentence to show when nothing
    could be compared (not the same as "no change"); ``budget_note`` says how many chance flags the
    ``units`` the list watches get a year, from the budget the monitor ran with."""

    cards: tuple[FindingCard, ...]
    nothing_yet: str | None
    units: int = 0
    budget_note: str = ""


def finding_list(
    db: Database, scope: Scope, project_id: str, *, lang: str, today: dt.date
) -> FindingList:
    """The finding cards of the scope's units in one project."""
    basis = project_basis(db, project_id, today=today)
    units = [u for u, depth in unit_choices(basis, scope) if depth <= MAX_DEPTH]
    heads = headline_units(basis, scope)
    note = budget_sentence(
        shift_budget(basis), len(units), basis.names[units[0]] if units else "", lang
    )
    if heads and len(basis.waves) < 2:
        sentence = hidden_sentence("nothing_yet", lang, unit=basis.names[heads[0]], k=basis.k_min)
        return FindingList((), sentence, len(units), note)
    if heads and all(shown_waves(basis, h) < 2 for h in heads):
        hidden = t("hidden.changes_hidden", lang, unit=basis.names[heads[0]])
        return FindingList((), hidden, len(units), note)
    if basis.protected is None or not units:
        return FindingList((), None, len(units), note)
    # The monitor with the dashboards' one budget (surveys/dashboards/shifts.py, issue 13).
    findings = project_findings(basis, units, project_shifts(basis), lang)
    cards = tuple(group_findings(findings, card_children(basis, units), lang))
    return FindingList(cards, None, len(units), note)
