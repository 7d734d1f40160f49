"""Findings in plain words: one sentence a leder can read aloud for every flagged change.

A flag (an alarm of the shift monitor) becomes a :class:`Finding`: the construct, the size in
points, the unit, the phases or waves, whether the adjusted test confirms it, and the unit's own
involvement level when it differs from its neighbours' or from the phase before. Related
findings are grouped into :class:`FindingCard` s (an area and its units that moved the same way
are one card), the most important first (:func:`importance`). The statistics stay available,
one click away, as the card's ``details`` ("Om beregningen").

The words for size and certainty follow one scale (documented in docs/design.md, "How a
finding is said"):

* size, from the change in points on the 0-100 scale: under 10 points "lille", 10 to under 15
  "mellem", 15 or more "stor" (about Cohen's d 0.5 and 0.75 at the person-level SD of about 20
  points seen in pulse surveys);
* certainty: "sikker" only when the Benjamini-Hochberg adjusted test behind the span says so
  (adjusted p < 0.05 and |d| >= 0.2); otherwise the sentence says the test cannot confirm it yet.

Everything here is pure: it works on a :class:`~surveys.dashboards.basis.ProjectBasis` and the
monitor's alarms, and never reads the database.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from analytics import compare_phases, compare_waves, run_charts, wave_changepoints
from analytics.selection import select_scores
from medspil.cells import cell_float, cell_int
from medspil.formatting import number
from medspil.i18n import t
from surveys.dashboards.basis import ProjectBasis, involvement_of, per_basis, units_in_project

MEDIUM_POINTS = 10.0
LARGE_POINTS = 15.0
MIN_RUNCHART_POINTS = 10
SAME_START_WAVES = 2  # alarms whose new level starts this close count as one movement
# A drop goes before a rise of the same certainty that is at most this many points larger: drops
# win ties and near-ties, never a clearly larger change.
DROP_HEAD_START = 2.0


@dataclass(frozen=True)
class Statistics:
    """What lies behind a finding, for the analyst ("Om beregningen")."""

    test: str | None = None  # "phases" or "waves": the comparison behind the span
    difference: float | None = None
    p_adjusted: float | None = None
    cohens_d: float | None = None
    family_size: int = 0
    alarm_wave: int | None = None
    start_wave: int | None = None
    monitor_size: float | None = None
    runchart: str | None = None  # "long_run", "few_crossings", "none", "too_few"
    change_points: tuple[int, ...] = ()


@dataclass(frozen=True)
class Finding:
    """One flagged change of one unit and construct, with everything its sentence needs.

    ``before_phase`` is set when the new level starts with a new phase (the sentence then says
    "fra konsekvensvurdering til udvikling"); otherwise ``start_wave`` names the first wave of
    the new level inside ``phase``. ``involvement`` is the unit's level in ``phase`` when it is
    worth saying (else None); ``mixed`` lists ``(level, unit labels)`` when the unit's parts were
    involved differently.
    """

    unit_id: str
    unit_label: str
    has_units: bool
    construct: str
    construct_label: str
    direction: int
    points: float
    phase: str
    before_phase: str | None
    start_wave: int | None
    certain: bool
    involvement: str | None = None
    mixed: tuple[tuple[str, tuple[str, ...]], ...] = ()
    statistics: Statistics = field(default_factory=Statistics)


@dataclass(frozen=True)
class FindingCard:
    """One card on Overblik: a finding and the sub-units that moved the same way."""

    lead: Finding
    members: tuple[Finding, ...]
    sub_units: int  # the lead's sub-units in view (the "af 5")
    title: str
    sentence: str
    member_lines: tuple[str, ...]
    details: tuple[str, ...]


# --- words -----------------------------------------------------------------------------------


# Overblik shows the first cards at once and the next ones behind "Vis N flere", at most this
# many in all: a large kommune can flag hundreds of unit-constructs, and a page of hundreds of
# cards is neither read nor fast. The rest is counted and found per unit on Udvikling/Enheder.
FIRST_CARDS = 5
MOST_CARDS = 50


@dataclass(frozen=True)
class CardPages:
    first: tuple[FindingCard, ...]
    more: tuple[FindingCard, ...]  # behind "Vis N flere"
    not_shown: int  # counted only


def cards_to_show(
    cards: Sequence[FindingCard], *, first: int = FIRST_CARDS, most: int = MOST_CARDS
) -> CardPages:
    """The cards Overblik draws, in their order of importance: ``first`` at once, then up to
    ``most`` in all behind an expander, and how many are left out."""
    shown = tuple(cards[:most])
    return CardPages(shown[:first], shown[first:], max(len(cards) - most, 0))


def size_word(points: float) -> str:
    """``"small"``, ``"medium"`` or ``"large"`` for a change of ``points`` on the 0-100 scale.

    >>> [size_word(p) for p in (4.0, 9.9, 10.0, 14.9, 15.0, -22.0)]
    ['small', 'small', 'medium', 'medium', 'large', 'large']
    """
    size = abs(points)
    if size >= LARGE_POINTS:
        return "large"
    if size >= MEDIUM_POINTS:
        return "medium"
    return "small"


def finding_sentence(finding: Finding, lang: str) -> str:
    """The finding in one or two plain sentences: what, how much, where, when, and involvement.

    "Medspil faldt 22 point i Ældreområde Syd fra konsekvensvurdering til udvikling: en stor
    ændring, og testen bekræfter den. Enhederne blev kun informeret i udviklingsfasen."
    """
    verb = t("findings.fell" if finding.direction < 0 else "findings.rose", lang)
    if finding.before_phase is not None:
        span = t(
            "findings.span_phases",
            lang,
            before=t(f"findings.phase_name.{finding.before_phase}", lang),
            after=t(f"findings.phase_name.{finding.phase}", lang),
        )
    else:
        span = t(
            "findings.span_inside",
            lang,
            phase=t(f"findings.phase_in.{finding.phase}", lang),
            wave=finding.start_wave,
        )
    first = t(
        "findings.sentence",
        lang,
        construct=finding.construct_label,
        verb=verb,
        points=number(round(abs(finding.points)), 0),
        unit=finding.unit_label,
        span=span,
        size=t(f"findings.size_{size_word(round(finding.points))}", lang),
        certainty=t("findings.certain" if finding.certain else "findings.uncertain", lang),
    )
    second = involvement_sentence(finding, lang)
    return f"{first} {second}" if second else first


def involvement_sentence(finding: Finding, lang: str) -> str:
    """The unit's own involvement in the phase of the new level, or "" when not worth saying."""
    phase = t(f"findings.phase_in.{finding.phase}", lang)
    if finding.mixed:
        parts = [
            t(
                "findings.mixed_part",
                lang,
                units=_joined(labels, lang),
                level=t(f"findings.{'level' if len(labels) > 1 else 'level_one'}.{level}", lang),
            )
            for level, labels in finding.mixed
        ]
        return t("findings.involvement_mixed", lang, phase=phase, parts="; ".join(parts))
    if finding.involvement is None:
        return ""
    if finding.has_units:
        level = t(f"findings.level.{finding.involvement}", lang)
        return t("findings.involvement_units", lang, level=level, phase=phase)
    level = t(f"findings.level_one.{finding.involvement}", lang)
    return t("findings.involvement_unit", lang, level=level, phase=phase)


def worth_saying(level: str | None, previous: str | None, neighbours: Sequence[str]) -> bool:
    """Say the unit's level when it is mixed, changed since the phase before, or differs from
    a neighbour's level in the same phase.

    >>> worth_saying("information", "medindflydelse", [])
    True
    >>> worth_saying("medindflydelse", "medindflydelse", ["medindflydelse"])
    False
    >>> worth_saying("information", "information", ["medbestemmelse"])
    True
    """
    if level is None:
        return True
    return (previous is not None and previous != level) or any(n != level for n in neighbours)


def detail_lines(finding: Finding, lang: str) -> tuple[str, ...]:
    """The statistics behind a finding, one line each, for "Om beregningen"."""
    s = finding.statistics
    lines = []
    if s.alarm_wave is not None:
        lines.append(
            t(
                "findings.detail_monitor",
                lang,
                wave=s.alarm_wave,
                start=s.start_wave,
                size=number(s.monitor_size),
            )
        )
    if s.test is not None and s.difference is not None:
        lines.append(
            t(
                f"findings.detail_test_{s.test}",
                lang,
                diff=number(s.difference),
                d=number(s.cohens_d, 2),
                p=p_text(s.p_adjusted),
                family=s.family_size,
            )
        )
    if s.runchart is not None:
        lines.append(t(f"findings.detail_runchart_{s.runchart}", lang))
    if s.change_points:
        waves = ", ".join(str(w) for w in s.change_points)
        lines.append(t("findings.detail_change_points", lang, waves=waves))
    else:
        lines.append(t("findings.detail_no_change_points", lang))
    lines.append(
        t(
            "findings.detail_words",
            lang,
            medium=number(MEDIUM_POINTS, 0),
            large=number(LARGE_POINTS, 0),
        )
    )
    return tuple(f"{finding.unit_label}: {line}" for line in lines)


def p_text(p: float | None) -> str:
    """An adjusted p with its relation and a decimal comma: "= 0,012", or "< 0,001"."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "–"
    return "< 0,001" if p < 0.001 else f"= {number(p, 3)}"


# --- frozen in a snapshot --------------------------------------------------------------------


def finding_record(finding: Finding) -> dict:
    """The finding as plain JSON values, without words that depend on the language."""
    record = asdict(finding)
    del record["construct_label"]
    record["mixed"] = [[level, list(units)] for level, units in finding.mixed]
    record["statistics"]["change_points"] = list(finding.statistics.change_points)
    return record


def finding_from_record(record: Mapping[str, Any], construct_label: str) -> Finding:
    """A finding frozen with :func:`finding_record`, with its construct named in a language."""
    values = dict(record)
    values["mixed"] = tuple((level, tuple(units)) for level, units in record["mixed"])
    stats = dict(record["statistics"])
    stats["change_points"] = tuple(stats["change_points"])
    values["statistics"] = Statistics(**stats)
    return Finding(construct_label=construct_label, **values)


# --- grouping --------------------------------------------------------------------------------


def group_findings(
    findings: Sequence[Finding],
    children: Mapping[str, Sequence[str]],
    lang: str,
) -> list[FindingCard]:
    """Cards of related findings: a unit and its sub-units that moved the same way (same
    construct, direction and start) are one card. The unit whose sub-units moved together most
    completely leads ("Ældreområde Syd og 5 af 5 enheder", not the forvaltning above it with 1
    of 4). The cards are in order of :func:`importance` (sure before not yet sure, larger before
    smaller, a drop before a rise of about the same size), then in the order given (tree order).
    """
    position = {id(f): i for i, f in enumerate(findings)}

    def members_of(finding: Finding, free: set[int]) -> list[Finding]:
        kids = set(children.get(finding.unit_id, ()))
        return [
            o
            for o in findings
            if o.unit_id in kids and id(o) in free and _same_movement(finding, o)
        ]

    free = {id(f) for f in findings}
    everyone = set(free)

    def share(finding: Finding) -> float:
        kids = len(children.get(finding.unit_id, ()))
        return len(members_of(finding, everyone)) / kids if kids else 0.0

    cards = []
    for finding in sorted(findings, key=lambda f: (-share(f), -abs(f.points), position[id(f)])):
        if id(finding) not in free:
            continue
        members = members_of(finding, free) if share(finding) > 0 else []
        free.discard(id(finding))
        free.difference_update(id(m) for m in members)
        kids = len(children.get(finding.unit_id, ()))
        members.sort(key=lambda m: -abs(m.points))
        cards.append(_card(finding, tuple(members), kids, lang))
    cards.sort(key=lambda c: (importance(c.lead), position[id(c.lead)]))
    return cards


def importance(finding: Finding) -> tuple[int, float, int]:
    """The sort key of a finding, most important first: sure findings (the adjusted test
    confirms them) before those not yet sure, then the larger change first, where a drop counts
    ``DROP_HEAD_START`` points larger than it is (it wins ties and near-ties, nothing more;
    at exactly the head start, the drop goes first).

    >>> rise = Finding("U", "U", False, "medspil", "Medspil", 1, 23.4, "i", "u", None, True)
    >>> drop = Finding("U", "U", False, "mening", "Mening", -1, -2.3, "i", None, 21, False)
    >>> sorted([drop, rise], key=importance) == [rise, drop]
    True
    """
    size = abs(finding.points) + (DROP_HEAD_START if finding.direction < 0 else 0.0)
    return (0 if finding.certain else 1, -size, finding.direction)


def _same_movement(lead: Finding, other: Finding) -> bool:
    if other.construct != lead.construct or other.direction != lead.direction:
        return False
    if lead.before_phase is not None or other.before_phase is not None:
        return (lead.before_phase, lead.phase) == (other.before_phase, other.phase)
    return (
        other.phase == lead.phase
        and abs((other.start_wave or 0) - (lead.start_wave or 0)) <= SAME_START_WAVES
    )


def _card(lead: Finding, members: tuple[Finding, ...], sub_units: int, lang: str) -> FindingCard:
    unit = lead.unit_label
    if members:
        unit = t("findings.card_units", lang, unit=unit, n=len(members), of=sub_units)
    member_lines = tuple(
        t(
            "findings.member_line",
            lang,
            unit=m.unit_label,
            sign="−" if m.direction < 0 else "+",
            points=number(round(abs(m.points)), 0),
        )
        for m in members
    )
    details = detail_lines(lead, lang) + tuple(
        line for m in members for line in detail_lines(m, lang)[:-1]
    )
    return FindingCard(
        lead=lead,
        members=members,
        sub_units=sub_units,
        title=f"{lead.construct_label} · {unit}",
        sentence=finding_sentence(lead, lang),
        member_lines=member_lines,
        details=details,
    )


# --- from the monitor's alarms ---------------------------------------------------------------


def card_children(basis: ProjectBasis, units: Sequence[str]) -> dict[str, list[str]]:
    """Per unit in ``units``, its sub-units in ``units`` (what "4 af 5 enheder" counts)."""
    shown = set(units)
    return {u: [k for k in basis.children.get(u, []) if k in shown] for u in units}


def project_findings(
    basis: ProjectBasis, units: Sequence[str], alarms: pd.DataFrame, lang: str
) -> list[Finding]:
    """One finding per alarm of ``units``, in tree order of ``units``.

    ``alarms``: the shift monitor's rows (``unit_id``, ``construct``, ``wave_id``,
    ``start_wave_id``, ``direction``, ``size``; see :func:`analytics.wave_shifts`).
    """
    alarms = alarms[alarms["unit_id"].isin(units)]
    if basis.protected is None or alarms.empty:
        return []
    selected = select_scores(basis.protected, units=list(units))
    waves = basis.waves.reset_index(drop=True)
    number_of = dict(zip(waves["id"].astype(int), waves["number"].astype(int), strict=True))
    phase_of = dict(zip(waves["id"].astype(int), waves["phase_id"].astype(int), strict=True))
    kind_of = dict(zip(basis.phases["id"].astype(int), basis.phases["kind"], strict=True))
    order = [int(w) for w in waves["id"]]
    phase_order = [int(p) for p in basis.phases["id"]]

    phase_tests = compare_phases(selected)
    inside_starts = []
    for row in alarms.itertuples():
        start = cell_int(row.start_wave_id)
        at = order.index(start)
        if at > 0 and phase_of[order[at - 1]] == phase_of[start]:
            inside_starts.append(start)
    wave_tests = None
    if inside_starts:
        wave_tests = compare_waves(selected, waves=sorted(set(inside_starts)))
    by_phase = {
        (r["unit_id"], r["construct"], int(r["phase_id"]), int(r["previous_phase_id"])): r
        for r in phase_tests.to_dict("records")
    }
    by_wave = {}
    if wave_tests is not None:
        by_wave = {
            (r["unit_id"], r["construct"], int(r["wave_id"])): r
            for r in wave_tests.to_dict("records")
        }
    flagged = set(zip(alarms["unit_id"], alarms["construct"], strict=True))
    charts = {
        (r["unit_id"], r["construct"]): r
        for r in run_charts(selected).to_dict("records")
        if (r["unit_id"], r["construct"]) in flagged
    }
    points: dict[tuple[str, str], list[int]] = {}
    for r in wave_changepoints(selected).itertuples():
        points.setdefault((str(r.unit_id), str(r.construct)), []).append(
            number_of[cell_int(r.wave_id)]
        )

    rank = {u: i for i, u in enumerate(units)}
    found = []
    for row in sorted(
        alarms.itertuples(), key=lambda r: (rank[str(r.unit_id)], cell_int(r.wave_id))
    ):
        unit, construct = str(row.unit_id), str(row.construct)
        start = cell_int(row.start_wave_id)
        at = order.index(start)
        phase_id = phase_of[start]
        previous_phase = phase_of[order[at - 1]] if at > 0 else None
        new_phase = previous_phase is not None and previous_phase != phase_id
        compared = None
        test: str | None = None
        if new_phase and previous_phase is not None:
            compared = by_phase.get((unit, construct, phase_id, previous_phase))
            test = "phases" if compared is not None else None
        else:
            compared = by_wave.get((unit, construct, start))
            test = "waves" if compared is not None else None
        direction = cell_int(row.direction)
        size = abs(cell_float(row.size))
        difference = None if compared is None else compared["difference"]
        agrees = difference is not None and (difference > 0) == (direction > 0)
        if test == "phases" and agrees:
            size = abs(cell_float(difference))
        certain = bool(compared is not None and agrees and compared["significant"])
        level, mixed, say = _involvement(basis, unit, phase_id, phase_order)
        family = phase_tests if test == "phases" else wave_tests
        found.append(
            Finding(
                unit_id=unit,
                unit_label=basis.names[unit],
                has_units=bool(basis.children.get(unit)),
                construct=construct,
                construct_label=basis.construct_label(construct, lang),
                direction=direction,
                points=size * direction,
                phase=str(kind_of[phase_id]),
                before_phase=(
                    str(kind_of[previous_phase])
                    if new_phase and previous_phase is not None
                    else None
                ),
                start_wave=number_of[start],
                certain=certain,
                involvement=level if say and not mixed else None,
                mixed=tuple((lvl, tuple(basis.names[u] for u in us)) for lvl, us in mixed),
                statistics=Statistics(
                    test=test,
                    difference=None if difference is None else float(difference),
                    p_adjusted=None if compared is None else _float(compared["p_adjusted"]),
                    cohens_d=None if compared is None else _float(compared["cohens_d"]),
                    family_size=len(family) if test and family is not None else 0,
                    alarm_wave=number_of[cell_int(row.wave_id)],
                    start_wave=number_of[start],
                    monitor_size=cell_float(row.size),
                    runchart=_runchart_rule(charts.get((unit, construct))),
                    change_points=tuple(sorted(points.get((unit, construct), []))),
                ),
            )
        )
    return found


def _involvement(
    basis: ProjectBasis, unit: str, phase_id: int, phase_order: list[int]
) -> tuple[str | None, list[tuple[str, list[str]]], bool]:
    """The unit's level in the phase, its parts' levels when mixed, and whether to say it."""
    level = involvement_of(basis, unit, phase_id)
    mixed: list[tuple[str, list[str]]] = []
    if level is None:
        by_level: dict[str, list[str]] = {}
        for kid in _involved(basis, basis.children.get(unit, [])):
            kid_level = involvement_of(basis, kid, phase_id)
            if kid_level is not None:
                by_level.setdefault(kid_level, []).append(kid)
        mixed = sorted(by_level.items())
        return None, mixed, True
    at = phase_order.index(phase_id)
    previous = involvement_of(basis, unit, phase_order[at - 1]) if at > 0 else None
    parent = basis.parent.get(unit)
    siblings = [s for s in _involved(basis, basis.children.get(parent or "", [])) if s != unit]
    neighbours = [lvl for s in siblings if (lvl := involvement_of(basis, s, phase_id))]
    return level, mixed, worth_saying(level, previous, neighbours)


def _involved(basis: ProjectBasis, units: Sequence[str]) -> list[str]:
    """The units that are part of the project or hold some of its units."""
    inside = units_in_project(basis)
    above = per_basis(
        basis,
        "units_above_project",
        lambda: frozenset(a for root in basis.project_roots for a in _ancestors(basis, root)),
    )
    return [u for u in units if u in inside or u in above]


def _ancestors(basis: ProjectBasis, unit: str) -> list[str]:
    found = []
    up = basis.parent.get(unit)
    while up is not None:
        found.append(up)
        up = basis.parent.get(up)
    return found


def _runchart_rule(row: Mapping | None) -> str | None:
    if row is None:
        return None
    if int(row["n_useful"]) < MIN_RUNCHART_POINTS:
        return "too_few"
    if bool(row["long_run_signal"]):
        return "long_run"
    if bool(row["few_crossings_signal"]):
        return "few_crossings"
    return "none"


def _float(value: object) -> float | None:
    if value is None or value is pd.NA:
        return None
    result = float(value)  # type: ignore[arg-type]
    return None if math.isnan(result) else result


def _joined(labels: Sequence[str], lang: str) -> str:
    if len(labels) <= 1:
        return "".join(labels)
    return t("findings.and_join", lang, first=", ".join(labels[:-1]), last=labels[-1])
