"""The finding cards of one project for the scope's units: what Overblik's "Det har ændret sig"
shows, in plain sentences (see :mod:`surveys.dashboards.findings`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from data.db import Database
from medspil.i18n import t
from medspil.scope import Scope
from surveys.dashboards.basis import ProjectBasis, headline_units, project_basis, unit_choices
from surveys.dashboards.findings import (
    FindingCard,
    card_children,
    group_findings,
    project_findings,
)
from surveys.dashboards.hidden import hidden_sentence, shown_waves
from surveys.dashboards.shifts import (
    budget_sentence,
    distinct_alarms,
    distinct_units,
    project_shifts,
    shift_budget,
)

# As Overblik's list of changes: the headline unit and two levels below it.
MAX_DEPTH = 2
# Below this many answers a wave the monitor is markedly slower (benchmarks/bench_shifts.py at
# the dashboards' budgets of 1/8-1/6 per construct-year: a 10-point drop takes a median of 2-3
# waves with 18 answers, 4-5 with 10 and 9-15 with 5), and Overblik says so for the headline unit.
SMALL_GROUP = 15


@dataclass(frozen=True)
class FindingList:
    """The cards, most important first; ``nothing_yet`` is the sentence to show when nothing
    could be compared (not the same as "no change"); ``budget_note`` says how many chance flags the
    ``units`` the list watches get a year, from the budget the monitor ran with."""

    cards: tuple[FindingCard, ...]
    nothing_yet: str | None
    units: int = 0
    budget_note: str = ""
    small_note: str | None = None


def finding_list(
    db: Database, scope: Scope, project_id: str, *, lang: str, today: dt.date
) -> FindingList:
    """The finding cards of the scope's units in one project."""
    basis = project_basis(db, project_id, today=today)
    units = [u for u, depth in unit_choices(basis, scope) if depth <= MAX_DEPTH]
    heads = headline_units(basis, scope)
    small = small_group_note(basis, heads, lang)
    # The budget counts groups of people: a unit with its parent's answers is not a second one.
    groups = distinct_units(basis, units)
    note = budget_sentence(
        shift_budget(basis), len(groups), basis.names[groups[0]] if groups else "", lang
    )
    if heads and len(basis.waves) < 2:
        sentence = hidden_sentence("nothing_yet", lang, unit=basis.names[heads[0]], k=basis.k_min)
        return FindingList((), sentence, len(groups), note, small)
    if heads and all(shown_waves(basis, h) < 2 for h in heads):
        hidden = t("hidden.changes_hidden", lang, unit=basis.names[heads[0]])
        return FindingList((), hidden, len(groups), note, small)
    if basis.protected is None or not units:
        return FindingList((), None, len(groups), note, small)
    # The monitor with the dashboards' one budget (surveys/dashboards/shifts.py, issue 13).
    # A unit with the same answers as its parent in view (an only child) is one finding.
    alarms = distinct_alarms(basis, project_shifts(basis), units)
    findings = project_findings(basis, units, alarms, lang)
    cards = tuple(group_findings(findings, card_children(basis, units), lang))
    return FindingList(cards, None, len(groups), note, small)


def small_group_note(
    basis: ProjectBasis, heads: list[str], lang: str, *, below: int = SMALL_GROUP
) -> str | None:
    """A sentence for each headline unit with typically fewer than ``below`` answers a wave:
    its flags come slower (a matter of noise, not of method), or None.

    "Typically" is the median over the unit's shown waves of its largest n over the constructs,
    all of them numbers the dashboards show already.
    """
    summaries = basis.wave_summaries
    if summaries.empty:
        return None
    shown = summaries[summaries["unit_id"].isin(heads) & ~summaries["hidden"].astype(bool)]
    per_wave = shown.assign(n=shown["n"].astype("float64")).groupby(["unit_id", "wave_id"])["n"]
    typical = per_wave.max().groupby(level="unit_id").median()
    sentences = [
        t("dash.small_slow", lang, unit=basis.names[head], n=int(round(typical[head])))
        for head in heads
        if head in typical.index and typical[head] < below
    ]
    return " ".join(sentences) or None
