"""Disclosure audit: can anything published pin down a group below k? Solved, not argued.

Collects the numbers every role can see for each project, writes them as linear facts about the
unknown counts and sums per (unit, wave), and asks ``scipy.optimize.linprog`` for the smallest
and the largest value each hidden small group can have given all of them together:

- **n**: answers and each construct's n per group. A group with 1..k-1 answers must stay
  anywhere in 0..k-1 (or be unbounded).
- **mean**: each construct's score sum, with the attacker even knowing every group's true n.
  A hidden small group's mean must still range over the full 0..100.
- **favourable share**: each construct's count of respondents scoring at least 75, again with
  every true n known. A hidden small group's share must still range over the full 0..1.
- **comments**: the number of comments per group. A group whose comments may not be read
  (1..k_comments-1 answers) must have its comment count anywhere in 0..k_comments-1 (or up to
  the codes issued to it, if fewer).

The published numbers: the protected basis every dashboard page, CSV download and export is
cut from (scores: n, mean and favourable share per unit subtree and closed wave or phase;
answers per unit and closed wave), the answers so far on Overblik for every role
(administrator, a leder of each unit, a member of each MED committee), the answers per unit on
Svarkoder and per wave on Målinger, the open wave's band (``surveys.live_progress``), the codes
issued per unit and wave (upper bounds), the comments the Kommentarer page shows per unit and
wave, the reliability table's complete answers per construct (Spørgeskema: one count over every
project using the instrument, which bounds the sum of construct n over all of them from below),
and every stored snapshot's scores, phase scores, heatmap cells, response counts and comments.
Means are taken at the precision snapshots store (6 decimals), not the 1 decimal the pages show.

Quantiles (the phases' box plots) are not linear in these unknowns; ``quantile_findings``
(``--kvantiler``) solves them over histograms instead, per construct, more slowly.

Not modelled (stated in the README): spreads (non-linear in the counts; they DO narrow hidden
groups, see ``benchmarks/audit_spreads.py``, issue 10), Cronbach's alpha, and links between the
measures in the linear facts (a construct's n is at most the answers).

Run on a copy of an installation: ``medspil audit-disclosure --db COPY.duckdb``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linprog

from analytics.scoring import FAVOURABLE_FROM
from data import open_database
from data import org as org_queries
from data import projects as project_queries
from data.comments import comment_counts
from data.db import Database
from data.results import response_counts, score_histograms
from data.snapshots import snapshot_headers, stored_snapshot
from medspil.cells import cell_float, cell_int
from medspil.config import settings
from medspil.errors import MedspilError
from medspil.i18n import t
from medspil.scope import Scope
from medspil.vocabulary import Role
from surveys.administration.codes import response_rates
from surveys.administration.waves import wave_table
from surveys.dashboards.basis import (
    ProjectBasis,
    headline_units,
    project_basis,
    unit_choices,
)
from surveys.dashboards.comments import comment_view
from surveys.dashboards.live_progress import live_progress
from surveys.dashboards.overview import responses_so_far
from surveys.instruments.report import instrument_by_id, reliability_table

ANSWERS = "_answers"  # the measure "answers per group", beside each construct's n
COMMENTS = "_comments"  # comments per group
FAVOURABLE = "favourable:"  # + construct: respondents scoring at least 75 per group
MEAN_TOLERANCE = 5e-7  # snapshots round means to 6 decimals
EPS = 1e-6


@dataclass(frozen=True)
class Fact:
    """``low <= sum of measure over units x waves <= high`` (low == high: an equality)."""

    measure: str
    kind: str  # "n" or "sum"
    units: tuple[str, ...]
    waves: tuple[int, ...]
    low: float
    high: float
    source: str


@dataclass(frozen=True)
class Finding:
    """A hidden group that the published numbers pin down more narrowly than allowed."""

    project_id: str
    measure: str
    unit_id: str
    period: str
    true_n: int
    n_low: float | None
    n_high: float | None
    mean_low: float | None
    mean_high: float | None

    def describe(self) -> str:
        n = f"n in [{_fmt(self.n_low)}, {_fmt(self.n_high)}]"
        mean = (
            f", mean in [{_fmt(self.mean_low)}, {_fmt(self.mean_high)}]"
            if self.mean_low is not None
            else ""
        )
        return (
            f"{self.project_id} {self.measure} {self.unit_id} {self.period}: "
            f"true n {self.true_n}, {n}{mean}"
        )


@dataclass
class AuditReport:
    facts: int = 0
    roles: int = 0
    groups: int = 0
    linear_programs: int = 0
    relaxed_quantiles: int = 0  # quantiles several score pairs explain (only their common part)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def _fmt(value: float | None) -> str:
    return "?" if value is None else f"{value:.2f}"


# --- the roles ---------------------------------------------------------------------------------


def every_role(db: Database) -> list[Scope]:
    """Administrator, a leder of every unit, a member of every MED committee."""
    scopes = [Scope.admin()]
    for unit in org_queries.units(db)["id"]:
        scopes.append(Scope(role=Role.LEDER, unit_roots=frozenset([str(unit)])))
    committees = org_queries.committees(db)
    for committee_id, unit_ids in zip(committees["id"], committees["unit_ids"], strict=True):
        roots = [str(u) for u in (unit_ids if unit_ids is not None else []) if u]
        if roots:
            scopes.append(
                Scope(
                    role=Role.MED,
                    unit_roots=frozenset(roots),
                    committee_ids=frozenset([str(committee_id)]),
                )
            )
    return scopes


# --- collecting what is published ---------------------------------------------------------------


class _Project:
    """The unknowns of one project: direct units and waves; the truth, for choosing groups."""

    def __init__(self, db: Database, project_id: str, today: dt.date) -> None:
        self.id = project_id
        self.db = db
        self.basis: ProjectBasis = project_basis(db, project_id, today=today)
        self.k = self.basis.k_min
        roots = list(self.basis.project_roots)
        self.direct_units = tuple(sorted(org_queries.subtree_ids(db, roots))) if roots else ()
        waves = project_queries.waves(db, project_id)
        started = waves[pd.to_datetime(waves["opens"]).dt.date <= today]
        self.waves = tuple(int(w) for w in started["id"])
        self.closed = tuple(int(w) for w in self.basis.waves["id"])
        self.number_to_wave = dict(
            zip(waves["number"].astype(int), waves["id"].astype(int), strict=True)
        )
        self.phase_waves: dict[int, tuple[int, ...]] = defaultdict(tuple)
        for wave, phase in zip(self.basis.waves["id"], self.basis.waves["phase_id"], strict=True):
            self.phase_waves[int(phase)] += (int(wave),)
        counts = response_counts(db, project_id, Scope.admin())
        self.answers = {
            (str(u), int(w)): int(n)
            for u, w, n in zip(
                counts["unit_id"], counts["wave_id"], counts["responses"], strict=True
            )
        }
        self.issued = {
            (str(u), int(w)): int(n)
            for u, w, n in zip(counts["unit_id"], counts["wave_id"], counts["issued"], strict=True)
        }
        histograms = score_histograms(db, project_id, Scope.admin())
        histograms = histograms.assign(
            total=histograms["score"] * histograms["n"],
            favourable=histograms["n"].where(histograms["score"] >= FAVOURABLE_FROM, 0),
        )
        grouped = (
            histograms.groupby(["construct", "unit_id", "wave_id"])[["n", "total", "favourable"]]
            .sum()
            .reset_index()
        )
        keys = [
            (str(c), str(u), int(w))
            for c, u, w in zip(
                grouped["construct"], grouped["unit_id"], grouped["wave_id"], strict=True
            )
        ]
        self.construct_n = {key: int(n) for key, n in zip(keys, grouped["n"], strict=True)}
        self.construct_sum = {
            key: float(total) for key, total in zip(keys, grouped["total"], strict=True)
        }
        self.favourable = {
            key: int(count) for key, count in zip(keys, grouped["favourable"], strict=True)
        }
        self.constructs = tuple(sorted({c for c, _, _ in self.construct_n}))
        self.k_comments = self.basis.k_comments
        comments = comment_counts(db, project_id)
        self.comments = {
            (str(u), int(w)): int(n)
            for u, w, n in zip(
                comments["unit_id"], comments["wave_id"], comments["comments"], strict=True
            )
        }

    def members(self, unit: str) -> tuple[str, ...]:
        inside = set(self.basis.subtree(unit))
        return tuple(u for u in self.direct_units if u in inside)

    def spread_cells(
        self, construct: str, unit: str, waves: Iterable[int]
    ) -> list[tuple[str, int]]:
        """The (direct unit, wave) cells a shown cell's quantiles and SD are computed from: its
        shown parts (``analytics.protection.spread_members``)."""
        protected = self.basis.protected
        counting = None if protected is None else protected.spread_counting
        if protected is None or counting is None:
            return [(u, w) for u in self.members(unit) for w in waves]
        c = protected.constructs.index(construct)
        unit_at = {str(u): i for i, u in enumerate(protected.units)}
        wave_at = {w: i for i, w in enumerate(protected.waves)}  # wave ids: ints
        return [
            (u, w)
            for u in self.members(unit)
            for w in waves
            if w in wave_at and u in unit_at and counting[c, unit_at[u], wave_at[w]]
        ]

    def true_n(self, measure: str, unit: str, waves: Iterable[int]) -> int:
        """The true count of ``measure`` (for a favourable share: of its construct's n)."""
        members = self.members(unit)
        return sum(self.count(measure, u, w) for u in members for w in waves)

    def count(self, measure: str, unit: str, wave: int) -> int:
        if measure in (ANSWERS, COMMENTS):
            return self.answers.get((unit, wave), 0)
        return self.construct_n.get((measure.removeprefix(FAVOURABLE), unit, wave), 0)

    def true_count(self, measure: str, unit: str, wave: int) -> int:
        """The measure's own true count: comments, favourable respondents, answers, n."""
        if measure == COMMENTS:
            return self.comments.get((unit, wave), 0)
        if measure.startswith(FAVOURABLE):
            return self.favourable.get((measure.removeprefix(FAVOURABLE), unit, wave), 0)
        return self.count(measure, unit, wave)


def _fact(
    project: _Project, measure: str, kind: str, unit: str, waves, low, high, source
) -> Fact | None:
    members = project.members(unit)
    if not members or not waves:
        return None
    return Fact(measure, kind, members, tuple(waves), float(low), float(high), source)


def _score_facts(project: _Project, frame: pd.DataFrame, source: str, period: str) -> list[Fact]:
    facts = []
    for row in frame.itertuples():
        if row.hidden or row.n is None:
            continue
        waves = (
            (cell_int(row.wave_id),)
            if period == "wave"
            else project.phase_waves[cell_int(row.phase_id)]
        )
        n = cell_int(row.n)
        construct, unit = str(row.construct), str(row.unit_id)
        facts.append(_fact(project, construct, "n", unit, waves, n, n, source))
        mean = cell_float(row.mean)
        tolerance = MEAN_TOLERANCE * n
        facts.append(
            _fact(
                project,
                construct,
                "sum",
                unit,
                waves,
                mean * n - tolerance,
                mean * n + tolerance,
                source,
            )
        )
        share = row.favourable_share
        facts.append(_favourable_fact(project, construct, unit, waves, n, share, source))
    return [f for f in facts if f is not None]


def _favourable_fact(
    project: _Project, construct: str, unit: str, waves, n: int, share, source: str
) -> Fact | None:
    """A shown share favourable times its n: how many of the group scored at least 75."""
    if share is None or pd.isna(share):
        return None
    count = float(share) * n
    tolerance = MEAN_TOLERANCE * n
    return _fact(
        project,
        FAVOURABLE + construct,
        "n",
        unit,
        waves,
        count - tolerance,
        count + tolerance,
        source,
    )


def collect_facts(
    db: Database, project: _Project, scopes: list[Scope], today: dt.date
) -> list[Fact]:
    """Every number the roles can see about the project, as linear facts."""
    basis = project.basis
    facts: list[Fact] = []
    if not basis.wave_summaries.empty:
        facts += _score_facts(project, basis.wave_summaries, "dashboards (waves)", "wave")
        facts += _score_facts(project, basis.phase_summaries, "dashboards (phases)", "phase")
    for row in basis.responses.itertuples():
        if not row.hidden and row.responses is not None:
            n = cell_int(row.responses)
            waves = (cell_int(row.wave_id),)
            fact = _fact(project, ANSWERS, "n", str(row.unit_id), waves, n, n, "answers")
            if fact is not None:
                facts.append(fact)
    # Overblik, for every role: the answers so far of its headline units.
    for scope in scopes:
        if not _sees_project(basis, scope):
            continue
        total = responses_so_far(db, scope, project.id, today)
        if total is None:
            continue
        heads = headline_units(basis, scope)
        members = tuple(sorted({m for head in heads for m in project.members(head)}))
        if members:
            facts.append(
                Fact(ANSWERS, "n", members, project.closed, total, total, "Overblik " + scope.role)
            )
    facts += _svarkoder_facts(db, project, today)
    facts += _maalinger_facts(db, project, today)
    live = live_progress(db, Scope.admin(), project.id, today=today)
    if live is not None and project.direct_units:
        facts.append(
            Fact(
                ANSWERS,
                "n",
                project.direct_units,
                (live.wave_id,),
                live.low,
                live.low + live.band - 1,
                "open wave band",
            )
        )
    facts += _comment_facts(db, project, today)
    facts += _snapshot_facts(db, project)
    return [f for f in facts if f is not None]


def _sees_project(basis: ProjectBasis, scope: Scope) -> bool:
    return bool(headline_units(basis, scope))


def _svarkoder_facts(db: Database, project: _Project, today: dt.date) -> list[Fact]:
    names = org_queries.units(db)
    by_name: dict[str, list[str]] = defaultdict(list)
    for unit, name in zip(names["id"], names["name"], strict=True):
        by_name[str(name)].append(str(unit))
    column_unit, column_answers = t("codes.col_unit", "da"), t("codes.col_used", "da")
    facts = []
    for wave in project.closed:
        table = response_rates(db, project.id, wave, lang="da", today=today).table
        for label, shown in zip(table[column_unit], table[column_answers], strict=True):
            units = by_name[str(label).lstrip("· ")]
            if str(shown).isdigit() and len(units) == 1:
                n = int(shown)
                facts.append(_fact(project, ANSWERS, "n", units[0], (wave,), n, n, "Svarkoder"))
    return [f for f in facts if f is not None]


def _maalinger_facts(db: Database, project: _Project, today: dt.date) -> list[Fact]:
    table = wave_table(db, project.id, today=today, lang="da")
    column = t("admin_waves.col_responses", "da")
    numbers = table[t("admin_waves.col_number", "da")]
    members = tuple(sorted({m for r in project.basis.project_roots for m in project.members(r)}))
    facts = []
    for number, shown in zip(numbers, table[column], strict=True):
        wave = project.number_to_wave[int(number)]
        if wave in project.closed and str(shown).isdigit() and members:
            n = int(shown)
            facts.append(Fact(ANSWERS, "n", members, (wave,), n, n, "Målinger"))
    return facts


def _snapshot_facts(db: Database, project: _Project) -> list[Fact]:
    facts: list[Fact] = []
    headers = snapshot_headers(db, project_id=project.id)
    for snapshot_id in headers["id"]:
        row = stored_snapshot(db, int(snapshot_id))
        if row is None:
            continue
        content = json.loads(row.content)
        waves_in = [project.number_to_wave[int(w["number"])] for w in content.get("waves", [])]
        phase_of = {
            project.number_to_wave[int(w["number"])]: int(w["phase"])
            for w in content.get("waves", [])
        }
        source = f"snapshot {int(snapshot_id)}"
        for item in content.get("scores", []):
            wave = project.number_to_wave[int(item["wave"])]
            facts += _snapshot_score(project, item, (wave,), source)
        for item in content.get("phase_scores", []):
            waves = tuple(w for w in waves_in if phase_of[w] == int(item["phase"]))
            facts += _snapshot_score(project, item, waves, source)
        heatmap = content.get("heatmap") or {}
        if heatmap.get("wave") is not None:
            wave = project.number_to_wave[int(heatmap["wave"])]
            for item in heatmap.get("cells", []):
                facts += _snapshot_score(project, item, (wave,), source + " heatmap")
        facts += _snapshot_comment_facts(project, content, source)
        for item in content.get("response_rates", []):
            if item.get("hidden") or item.get("responses") is None:
                continue
            n = int(item["responses"])
            wave = project.number_to_wave[int(item["wave"])]
            fact = _fact(project, ANSWERS, "n", item["unit"], (wave,), n, n, source)
            if fact is not None:
                facts.append(fact)
    return [f for f in facts if f is not None]


def _snapshot_comment_facts(project: _Project, content: dict, source: str) -> list[Fact]:
    """A snapshot with comments: how many of the area's comments per wave."""
    comments = content.get("comments") or {}
    if not comments.get("included"):
        return []
    roots = [str(r) for r in (content.get("area") or {}).get("roots", [])]
    members = tuple(sorted({m for r in roots for m in project.members(r)}))
    per_wave: dict[int, int] = defaultdict(int)
    for item in comments.get("items", []):
        per_wave[project.number_to_wave[int(item["wave"])]] += 1
    return [
        Fact(COMMENTS, "n", members, (wave,), n, n, source + " comments")
        for wave, n in per_wave.items()
        if members
    ]


def _comment_facts(db: Database, project: _Project, today: dt.date) -> list[Fact]:
    """What the Kommentarer page shows: every readable group's comments, dated by wave.

    The groups are the same for every role (one rule over the organisation, then cut to the
    scope), so the administrator's view of each unit is everyone's. A wave of a readable unit
    without comments shows none: a count of 0.
    """
    facts = []
    groups = project.basis.comment_groups
    label_to_wave = {project.basis.wave_label(w, "da"): w for w in project.closed}
    offered = {u for u, _ in unit_choices(project.basis, Scope.admin())}
    for unit, readable in groups.groupby("unit_id")["wave_id"]:
        if unit not in offered:  # not a unit the page lets anyone pick in this project
            continue
        view = comment_view(db, Scope.admin(), project.id, str(unit), lang="da", today=today)
        shown = view.comments["wave_label"].map(label_to_wave).value_counts()
        for wave in readable:
            n = int(shown.get(int(wave), 0))
            fact = _fact(project, COMMENTS, "n", str(unit), (int(wave),), n, n, "Kommentarer")
            if fact is not None:
                facts.append(fact)
    return facts


def _snapshot_score(project: _Project, item: dict, waves: tuple[int, ...], source: str) -> list:
    if item.get("hidden") or item.get("n") is None:
        return []
    n = int(item["n"])
    mean = float(item["mean"])
    tolerance = MEAN_TOLERANCE * n
    construct, unit = item["construct"], item["unit"]
    return [
        _favourable_fact(project, construct, unit, waves, n, item.get("favourable_share"), source),
        _fact(project, construct, "n", unit, waves, n, n, source),
        _fact(
            project,
            construct,
            "sum",
            unit,
            waves,
            mean * n - tolerance,
            mean * n + tolerance,
            source,
        ),
    ]


# --- solving -----------------------------------------------------------------------------------


class _System:
    """The facts about one measure of one project as ``A_eq x = b_eq``, ``A_ub x <= b_ub``."""

    def __init__(self, project: _Project, facts: list[Fact], upper: np.ndarray) -> None:
        self.units = project.direct_units
        self.waves = project.waves
        self.index = {
            (u, w): i for i, (u, w) in enumerate((u, w) for u in self.units for w in self.waves)
        }
        eq_rows, eq_b, ub_rows, ub_b = [], [], [], []
        for fact in facts:
            columns = [
                self.index[(u, w)] for u in fact.units for w in fact.waves if (u, w) in self.index
            ]
            if not columns:
                continue
            if fact.high - fact.low < EPS:
                eq_rows.append(columns)
                eq_b.append(fact.low)
                continue
            if np.isfinite(fact.high):
                ub_rows.append(columns)
                ub_b.append(fact.high)
            if np.isfinite(fact.low):
                ub_rows.append([-1 - c for c in columns])  # marks a negated row
                ub_b.append(-fact.low)
        size = len(self.index)
        self.a_eq = _matrix(eq_rows, size)
        self.b_eq = np.array(eq_b) if eq_b else None
        self.a_ub = _matrix(ub_rows, size)
        self.b_ub = np.array(ub_b) if ub_b else None
        self.bounds = [(0.0, None if not np.isfinite(b) else float(b)) for b in upper]

    def extremes(
        self, unit_members: tuple[str, ...], waves: Iterable[int]
    ) -> tuple[float | None, float | None]:
        """Smallest and largest sum over the group; None for an unbounded side."""
        objective = self._objective(unit_members, waves)
        low = self._solve(objective)
        high = self._solve(-objective)
        return low, (None if high is None else -high)

    def lowest(self, unit_members: tuple[str, ...], waves: Iterable[int]) -> float | None:
        return self._solve(self._objective(unit_members, waves))

    def highest(self, unit_members: tuple[str, ...], waves: Iterable[int]) -> float | None:
        high = self._solve(-self._objective(unit_members, waves))
        return None if high is None else -high

    def _objective(self, unit_members: tuple[str, ...], waves: Iterable[int]) -> np.ndarray:
        objective = np.zeros(len(self.index))
        for u in unit_members:
            for w in waves:
                if (u, w) in self.index:
                    objective[self.index[(u, w)]] = 1.0
        return objective

    def _solve(self, objective: np.ndarray) -> float | None:
        # scipy-stubs 1.17 types A_ub and A_eq as dense arrays; HiGHS takes the sparse ones.
        result = linprog(  # type: ignore[call-overload]
            objective,
            A_ub=self.a_ub,
            b_ub=self.b_ub,
            A_eq=self.a_eq,
            b_eq=self.b_eq,
            bounds=self.bounds,
            method="highs",
        )
        if result.status == 3:  # unbounded
            return None
        if result.status != 0:
            raise AuditFailed(detail=str(result.message))
        return float(result.fun)


class AuditFailed(MedspilError):
    """The audit itself could not run (not a finding about the data)."""

    key = "error.audit_failed"


def _matrix(rows: list[list[int]], size: int) -> sparse.csr_matrix | None:
    if not rows:
        return None
    data, indices, pointers = [], [], [0]
    for row in rows:
        for column in row:
            if column < 0:
                indices.append(-1 - column)
                data.append(-1.0)
            else:
                indices.append(column)
                data.append(1.0)
        pointers.append(len(indices))
    return sparse.csr_matrix((data, indices, pointers), shape=(len(rows), size))


def _small_groups(project: _Project, measure: str) -> list[tuple[str, str, tuple[int, ...], int]]:
    """Hidden groups holding a small wave group: ``(unit, period label, waves, true n)``.

    A hidden wave cell with 1..k-1 answers; a hidden phase or all-waves total of a unit that has
    such a wave in it (pooling answers over waves does not make its people more); a unit with
    1..k-1 answers so far in the open wave.
    """
    basis = project.basis
    k = project.k
    groups: list[tuple[str, str, tuple[int, ...], int]] = []
    if measure == COMMENTS:  # comments carry their wave only, and only closed waves are read
        groups_read = basis.comment_groups
        readable = set(zip(groups_read["unit_id"], groups_read["wave_id"], strict=True))
        for unit in basis.parent:
            for wave in project.closed:
                n = project.true_n(ANSWERS, unit, (wave,))
                if 0 < n < project.k_comments and (unit, wave) not in readable:
                    groups.append((unit, f"wave {wave}", (wave,), n))
        return groups
    small_wave: dict[str, set[int]] = defaultdict(set)
    for unit in basis.parent:
        for wave in project.closed:
            n = project.true_n(measure, unit, (wave,))
            if 0 < n < k:
                small_wave[unit].add(wave)
    hidden_waves = _hidden_cells(basis, "wave")
    hidden_phases = _hidden_cells(basis, "phase")
    for unit, waves in small_wave.items():
        for wave in sorted(waves):
            if (unit, wave) in hidden_waves:
                groups.append(
                    (unit, f"wave {wave}", (wave,), project.true_n(measure, unit, (wave,)))
                )
        for phase, in_phase in project.phase_waves.items():
            if set(in_phase) & waves and (unit, phase) in hidden_phases:
                groups.append(
                    (unit, f"phase {phase}", in_phase, project.true_n(measure, unit, in_phase))
                )
        if basis.response_totals.get(unit) is None:
            groups.append(
                (
                    unit,
                    "all closed waves",
                    project.closed,
                    project.true_n(measure, unit, project.closed),
                )
            )
    if measure == ANSWERS:  # the open wave: no count per unit is published while it is open
        for wave in (w for w in project.waves if w not in project.closed):
            for unit in basis.parent:
                n = project.true_n(measure, unit, (wave,))
                if 0 < n < k:
                    groups.append((unit, f"open wave {wave}", (wave,), n))
    return groups


def _hidden_cells(basis: ProjectBasis, period: str) -> set[tuple[str, int]]:
    if basis.protected is None:
        return set()
    hidden = basis.protected.wave_hidden[0] if period == "wave" else basis.protected.phase_hidden[0]
    labels = basis.protected.waves if period == "wave" else basis.protected.phases
    return {
        (str(basis.protected.units[u]), int(labels[p]))
        for u, p in zip(*np.nonzero(hidden), strict=True)
    }


def audit_project(
    db: Database,
    project_id: str,
    *,
    today: dt.date,
    scopes: list[Scope],
    report: AuditReport,
    extra_facts: Iterable[Fact] = (),
    measures: Iterable[str] | None = None,
) -> None:
    """Check one project; findings go into ``report``. ``extra_facts``: numbers published
    elsewhere (a test plants a leak with them to see the audit catch it); ``measures``: solve
    only these (all when None)."""
    project = _Project(db, project_id, today)
    if not project.direct_units or not project.waves:
        return
    facts = [*collect_facts(db, project, scopes, today), *extra_facts]
    _check(project, facts, report, measures)


def _upper_bounds(project: _Project, measure: str) -> np.ndarray:
    """Per unknown: the codes issued (public) for counts of people; for a construct's sum and
    count of favourable respondents, what the true n allows (the attacker knows every n)."""
    cells = [(u, w) for u in project.direct_units for w in project.waves]
    if measure in (ANSWERS, COMMENTS) or measure in project.constructs:
        if not project.issued:
            return np.full(len(cells), np.inf)
        return np.array([project.issued.get(cell, np.inf) for cell in cells], dtype=float)
    return np.array([project.count(measure, u, w) for u, w in cells], dtype=float)


def _check(
    project: _Project,
    facts: list[Fact],
    report: AuditReport,
    measures: Iterable[str] | None = None,
) -> None:
    """Solve for every hidden small group's extremes; findings go into ``report``.

    Every fact is true of the data (``test_every_number_the_audit_collects_is_true_of_the_data``
    checks each), so the true values are a solution: a bound that the true value already meets
    needs no program (a group whose true n is at least k-1 cannot have its largest n below
    k-1, a group with no comment cannot be proven to have one, and so on).
    """
    report.facts += len(facts)
    favourable = tuple(FAVOURABLE + c for c in project.constructs)
    every = (ANSWERS, COMMENTS, *project.constructs, *favourable)
    wanted = set(every if measures is None else measures)
    for measure in (m for m in every if m in wanted):
        groups = _small_groups(project, measure.removeprefix(FAVOURABLE))
        if not groups:
            continue
        n_facts = [f for f in facts if f.measure == measure and f.kind == "n"]
        n_system = _System(project, n_facts, _upper_bounds(project, measure))
        sum_system = None
        if measure in project.constructs:
            true_n = _upper_bounds(project, FAVOURABLE + measure)
            sum_facts = [f for f in facts if f.measure == measure and f.kind == "sum"]
            sum_system = _System(project, sum_facts, 100.0 * true_n)
        for unit, period, waves, n in groups:
            if measure in favourable and n == 0:
                continue
            report.groups += 1
            members = project.members(unit)
            value = sum(project.true_count(measure, u, w) for u in members for w in waves)
            pinned = _counts_pinned(project, measure, n_system, members, waves, n, value, report)
            if sum_system is not None and n > 0:
                total = sum(
                    project.construct_sum.get((measure, u, w), 0.0) for u in members for w in waves
                )
                if total > EPS:  # could the mean be 0?
                    report.linear_programs += 1
                    low = sum_system.lowest(members, waves)
                    pinned = pinned or (low is not None and low > EPS)
                if total < 100 * n - EPS:  # could it be 100?
                    report.linear_programs += 1
                    high = sum_system.highest(members, waves)
                    pinned = pinned or (high is not None and high < 100 * n - EPS)
            if pinned:
                low, high = n_system.extremes(members, waves)
                mean_low = mean_high = None
                if sum_system is not None and n > 0:
                    s_low, s_high = sum_system.extremes(members, waves)
                    mean_low = None if s_low is None else s_low / n
                    mean_high = None if s_high is None else s_high / n
                report.findings.append(
                    Finding(project.id, measure, unit, period, n, low, high, mean_low, mean_high)
                )


def _counts_pinned(
    project: _Project,
    measure: str,
    system: _System,
    members: tuple[str, ...],
    waves: tuple[int, ...],
    n: int,
    value: int,
    report: AuditReport,
) -> bool:
    """Do the published numbers prove more about the group's count than the rule allows?

    ``n`` is the group's answers (or construct n), ``value`` the measure's own true count.
    """
    if measure.startswith(FAVOURABLE):
        # Neither "every one of them scored favourably" nor "none of them did" may be proven
        # (an attribute of each member). "Not all of them" may: it follows from any larger group
        # that holds them (the remainder beside a shown group, of at least k, with fewer
        # favourable answers than the small group has members).
        at_least, at_most = (n - 1, 1)
        ask_low, ask_high = value == n, value == 0
    elif measure == COMMENTS:
        # No comment may be proven to come from the group (its text would then be read as
        # written by one of fewer than k_comments people). An upper bound is what the readable
        # group around it says of all its members.
        at_least, at_most = 0, -1
        ask_low, ask_high = value > 0, False
    else:  # answers and construct n: anywhere in 0..k-1
        at_least, at_most = 0, project.k - 1
        ask_low, ask_high = value > 0, value < project.k - 1
    if ask_low:
        report.linear_programs += 1
        low = system.lowest(members, waves)
        if low is not None and low > at_least + EPS:
            return True
    if ask_high:
        report.linear_programs += 1
        high = system.highest(members, waves)
        if high is not None and high < at_most - EPS:
            return True
    return False


def _reliability_facts(
    db: Database, projects: dict[str, _Project], facts: dict[str, list[Fact]], today: dt.date
) -> dict[str, list[Fact]]:
    """Spørgeskema's complete answers per construct, as a fact about each project.

    The count is one sum over every project using the instrument (closed waves), and a
    complete answer is one of the construct's n, so the sum of construct n over all of them is
    at least the count. For one project that says: its construct n over its closed waves is at
    least the count minus the most the other projects' published numbers allow theirs to be.
    """
    by_instrument: dict[str, list[str]] = defaultdict(list)
    for project_id in projects:
        row = project_queries.project(db, project_id)
        if row is not None:
            by_instrument[str(row["instrument_id"])].append(project_id)
    out: dict[str, list[Fact]] = defaultdict(list)
    for instrument_id, members in by_instrument.items():
        try:
            instrument = instrument_by_id(instrument_id)
        except MedspilError:
            continue  # an instrument without its file: the page shows no table for it
        table = reliability_table(db, instrument, lang="da", k=settings().k_min, today=today)
        column = t("instrument.n_complete", "da")
        for construct, shown in zip(instrument.constructs, table[column], strict=True):
            if not str(shown).isdigit():
                continue  # below k: the page shows "–"
            total = int(shown)
            most = {pid: _most_n(projects[pid], facts[pid], construct.id) for pid in members}
            for pid in members:
                others = sum(most[q] for q in members if q != pid)
                project = projects[pid]
                useful = np.isfinite(others) and total - others > 0
                if useful and construct.id in project.constructs and project.closed:
                    out[pid].append(
                        Fact(
                            construct.id,
                            "n",
                            project.direct_units,
                            project.closed,
                            total - others,
                            np.inf,
                            "Spørgeskema",
                        )
                    )
    return out


def _most_n(project: _Project, facts: list[Fact], construct: str) -> float:
    """The largest sum of a construct's n over the project's closed waves the facts allow."""
    if construct not in project.constructs or not project.closed:
        return 0.0
    n_facts = [f for f in facts if f.measure == construct and f.kind == "n"]
    system = _System(project, n_facts, _upper_bounds(project, construct))
    _, high = system.extremes(project.direct_units, project.closed)
    return np.inf if high is None else high


def _collect(
    db: Database, today: dt.date, scopes: list[Scope]
) -> tuple[dict[str, _Project], dict[str, list[Fact]]]:
    projects: dict[str, _Project] = {}
    facts: dict[str, list[Fact]] = {}
    for project_id in project_queries.projects(db)["id"]:
        project = _Project(db, str(project_id), today)
        if project.direct_units and project.waves:
            projects[project.id] = project
            facts[project.id] = collect_facts(db, project, scopes, today)
    for project_id, more in _reliability_facts(db, projects, facts, today).items():
        facts[project_id] += more
    return projects, facts


def collected_facts(db: Database, *, today: dt.date) -> dict[str, list[Fact]]:
    """Every published number of every role, per project, as the audit reads it."""
    return _collect(db, today, every_role(db))[1]


class Truth:
    """The true value behind a fact (for checking that the audit reads what is published)."""

    def __init__(self, project: _Project) -> None:
        self.project = project

    def members(self, unit: str) -> tuple[str, ...]:
        return self.project.members(unit)

    def __call__(self, fact: Fact) -> float:
        cells = [(u, w) for u in fact.units for w in fact.waves]
        if fact.kind == "sum":
            return sum(self.project.construct_sum.get((fact.measure, u, w), 0.0) for u, w in cells)
        return float(sum(self.project.true_count(fact.measure, u, w) for u, w in cells))


def project_truth(db: Database, project_id: str, today: dt.date) -> Truth:
    return Truth(_Project(db, project_id, today))


def audit_disclosure(db: Database, *, today: dt.date | None = None) -> AuditReport:
    """Audit every project of the database for what all roles together can see."""
    today = today or dt.date.today()
    scopes = every_role(db)
    report = AuditReport(roles=len(scopes))
    projects, facts = _collect(db, today, scopes)
    for project_id, project in projects.items():
        _check(project, facts[project_id], report)
    return report


def run_audit(path: Path, out: TextIO, *, quantiles: bool = False) -> int:
    """``medspil audit-disclosure``: audit a database file; 0 when nothing is pinned, else 1.

    ``quantiles``: also solve every project's constructs over histograms with the phases'
    quantiles (``quantile_findings``; minutes on a large installation)."""
    if not path.exists():
        raise AuditFailed(detail=f"databasen {path} findes ikke")
    db = open_database(path)
    try:
        report = audit_disclosure(db)
        if quantiles:
            today = dt.date.today()
            for project_id in project_queries.projects(db)["id"]:
                quantile_findings(db, str(project_id), today=today, report=report)
    finally:
        db.close()
    print(
        f"{report.roles} roller, {report.facts} offentliggjorte tal, {report.groups} skjulte "
        f"små grupper, {report.linear_programs} lineære programmer.",
        file=out,
    )
    for finding in report.findings:
        print("AFSLØRET: " + finding.describe(), file=out)
    if report.ok:
        print("Ingen skjult gruppe under k kan indsnævres.", file=out)
        return 0
    return 1


# --- quantiles: the histograms behind the shown cells -------------------------------------------


def _score_grid(project: _Project, construct: str, histogram_scores: Iterable[float]) -> np.ndarray:
    """Every construct score a respondent can have: the mean points of at least half of the
    construct's items (``analytics.scoring``), plus any score stored (imported scales)."""
    scores = {round(float(s), 9) for s in histogram_scores}
    try:
        row = project_queries.project(project.db, project.id)
        instrument = instrument_by_id(str(row["instrument_id"])) if row is not None else None
    except MedspilError:
        instrument = None
    if instrument is not None:
        items = sum(1 for item in instrument.items if item.construct == construct)
        for answered in range(max(1, (items + 1) // 2), items + 1):
            scores |= {round(25 * total / answered, 9) for total in range(4 * answered + 1)}
    return np.array(sorted(scores))


def quantile_findings(
    db: Database,
    project_id: str,
    *,
    today: dt.date,
    constructs: Iterable[str] | None = None,
    report: AuditReport | None = None,
) -> list[Finding]:
    """The mean and share favourable of every hidden small group, solved over histograms.

    The unknowns are the respondents per (unit, closed wave, construct score); every shown
    cell of the dashboards (waves and phases) gives its n, its score sum, its favourable count
    and its five quantiles: a quantile at position ``(n-1)·q`` pins the scores of the two
    respondents around that position, which is a bound on how many score at most (or below) a
    value. A cell's quantiles are those of its shown parts (``ProjectBasis.protected``'s
    spread set), so the bound is on those respondents only. Where several pairs of scores give
    the same interpolated value, only what every pair implies is used. The attacker knows every
    cell's true n. A group counts as narrowed only where the quantiles narrow it beyond what the
    same program without them allows (counts, sums and favourable counts on their own may cap
    a mean, see the README). Slower than the linear facts (one program has a variable per unit,
    wave and possible score), so run per construct.
    """
    report = report if report is not None else AuditReport()
    project = _Project(db, project_id, today)
    if not project.direct_units or not project.closed:
        return []
    histograms = score_histograms(db, project_id, Scope.admin())
    findings: list[Finding] = []
    for construct in constructs or project.constructs:
        scores = histograms.loc[histograms["construct"] == construct, "score"]
        grid = _score_grid(project, construct, scores)
        findings += _quantile_construct(project, construct, grid, report)
    report.findings += findings
    return findings


def _quantile_construct(
    project: _Project, construct: str, grid: np.ndarray, report: AuditReport
) -> list[Finding]:
    cells = [(u, w) for u in project.direct_units for w in project.closed]
    place = {cell: i for i, cell in enumerate(cells)}
    width = grid.size
    size = len(cells) * width
    eq: list[tuple[dict[int, float], float]] = []
    ub: list[tuple[dict[int, float], float]] = []

    def cells_row(pairs: Iterable[tuple[str, int]], weight) -> dict[int, float]:
        out: dict[int, float] = {}
        for pair in pairs:
            if pair in place:
                base = place[pair] * width
                for b in range(width):
                    value = weight(grid[b])
                    if value:
                        out[base + b] = float(value)
        return out

    def row(members: Iterable[str], waves: Iterable[int], weight) -> dict[int, float]:
        return cells_row(((u, w) for u in members for w in tuple(waves)), weight)

    # The attacker knows every cell's n.
    for u, w in cells:
        eq.append((row((u,), (w,), lambda s: 1.0), project.count(construct, u, w)))
    quantile_ub: list[tuple[dict[int, float], float]] = []
    relaxed = 0
    for summary, waves, with_quantiles in _shown_cells(project, construct):
        members = project.members(str(summary.unit_id))
        if not members:
            continue
        n = cell_int(summary.n)
        total = cell_float(summary.mean) * n
        tolerance = MEAN_TOLERANCE * n
        ub.append((row(members, waves, lambda s: s), total + tolerance))
        ub.append((row(members, waves, lambda s: -s), -(total - tolerance)))
        if summary.favourable_share is not None:
            favourable_count = round(cell_float(summary.favourable_share) * n)
            eq.append(
                (
                    row(members, waves, lambda s: 1.0 if s >= FAVOURABLE_FROM else 0.0),
                    favourable_count,
                )
            )
        # A quantile is one of the cell's shown parts (its spread set), not of everyone in it.
        parts = project.spread_cells(construct, str(summary.unit_id), waves)
        n_parts = sum(project.count(construct, u, w) for u, w in parts)
        for name, share in QUANTILE_SHARES.items() if with_quantiles and n_parts else ():
            value = getattr(summary, name)
            if value is None or pd.isna(value):
                continue
            for constraint in _quantile_bounds(float(value), n_parts, share, grid):
                threshold, strict, bound, at_least = constraint
                if strict:
                    weight = (lambda t: lambda s: 1.0 if s < t - 1e-9 else 0.0)(threshold)
                else:
                    weight = (lambda t: lambda s: 1.0 if s <= t + 1e-9 else 0.0)(threshold)
                counted = cells_row(parts, weight)
                if at_least:
                    quantile_ub.append(({i: -v for i, v in counted.items()}, -bound))
                else:
                    quantile_ub.append((counted, bound))
            relaxed += _is_relaxed(float(value), n_parts, share, grid)
    a_eq, b_eq = _sparse(eq, size)
    a_ub, b_ub = _sparse(ub + quantile_ub, size)
    plain_ub = _sparse(ub, size)
    bounds = [(0.0, None)] * size
    findings = []

    def extreme(objective: np.ndarray, *, with_quantiles: bool = True) -> float | None:
        report.linear_programs += 1
        upper, limits = (a_ub, b_ub) if with_quantiles else plain_ub
        # scipy-stubs 1.17 types A_ub and A_eq as dense arrays; HiGHS takes the sparse ones.
        result = linprog(  # type: ignore[call-overload]
            objective, A_ub=upper, b_ub=limits, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs"
        )
        if result.status == 3:
            return None
        if result.status != 0:
            raise AuditFailed(detail=str(result.message))
        return float(result.fun)

    for unit, period, waves, n in _small_groups(project, construct):
        if n == 0:
            continue
        report.groups += 1
        members = project.members(unit)
        points = np.zeros(size)
        favourable = np.zeros(size)
        for (u, w), i in place.items():
            if u in members and w in waves:
                points[i * width : (i + 1) * width] = grid
                favourable[i * width : (i + 1) * width] = grid >= FAVOURABLE_FROM
        low = extreme(points)
        high = extreme(-points)
        mean_low = None if low is None else low / n
        mean_high = None if high is None else -high / n
        fav_true = sum(project.favourable.get((construct, u, w), 0) for u in members for w in waves)
        fav_least = extreme(favourable) if fav_true == n else 0.0
        fav_low = 0.0 if fav_least is None else fav_least  # None: no lower bound beyond 0
        fav_high = -extreme(-favourable) if fav_true == 0 else float(n)  # type: ignore[operator]
        pinned = (mean_low is not None and mean_low > EPS) or (
            mean_high is not None and mean_high < 100 - EPS
        )
        if pinned and quantile_ub:
            # What counts, means and shares favourable allow on their own (a mean capped by
            # "not all of them favourable", see the README) is not the quantiles' doing.
            plain_low = extreme(points, with_quantiles=False)
            plain_high = extreme(-points, with_quantiles=False)
            pinned = _narrower(low, plain_low) or _narrower(high, plain_high)
        pinned = pinned or fav_low > n - 1 + EPS or fav_high < 1 - EPS
        if pinned:
            findings.append(
                Finding(
                    project.id,
                    f"{construct} (histograms)",
                    unit,
                    period,
                    n,
                    fav_low,
                    fav_high,
                    mean_low,
                    mean_high,
                )
            )
    report.facts += len(eq) + len(ub)
    report.relaxed_quantiles += relaxed
    return findings


QUANTILE_SHARES = {"q10": 0.10, "q25": 0.25, "median": 0.50, "q75": 0.75, "q90": 0.90}


def _narrower(bound: float | None, without: float | None) -> bool:
    """Whether a minimum (of a sum, or of minus a sum) with the quantiles is above the one
    without them: the quantiles then tell the attacker more."""
    if bound is None:
        return False
    return without is None or bound > without + 1e-4  # points x people: HiGHS's tolerance


def _shown_cells(project: _Project, construct: str) -> list[tuple[Any, tuple[int, ...], bool]]:
    """The construct's shown cells: ``(summary row, waves, with quantiles?)``.

    Waves show n, mean and share favourable; phases also their quantiles (the box plots, the
    phase tables and snapshots' phase scores). No page shows a wave's quantiles.
    """
    basis = project.basis
    shown: list[tuple[Any, tuple[int, ...], bool]] = [
        (r, (cell_int(r.wave_id),), False)
        for r in basis.wave_summaries.itertuples()
        if r.construct == construct and not r.hidden and r.n is not None
    ]
    shown += [
        (r, project.phase_waves[cell_int(r.phase_id)], True)
        for r in basis.phase_summaries.itertuples()
        if r.construct == construct and not r.hidden and r.n is not None
    ]
    return shown


@dataclass(frozen=True)
class Quantile:
    """A shown quantile (``name`` in ``QUANTILE_SHARES``) of a construct over units x waves."""

    construct: str
    name: str
    units: tuple[str, ...]
    waves: tuple[int, ...]
    value: float


def collected_quantiles(db: Database, project_id: str, *, today: dt.date) -> list[Quantile]:
    """Every quantile ``quantile_findings`` solves with in the project (to check that the
    pages show no other)."""
    project = _Project(db, project_id, today)
    found = []
    for construct in project.constructs:
        for summary, waves, with_quantiles in _shown_cells(project, construct):
            members = project.members(str(summary.unit_id))
            for name in QUANTILE_SHARES if with_quantiles and members else ():
                value = getattr(summary, name)
                if value is not None and not pd.isna(value):
                    found.append(Quantile(construct, name, members, waves, float(value)))
    return found


def _score_pairs(value: float, frac: float, grid: np.ndarray) -> list[tuple[float, float]]:
    """The (lower, upper) scores whose interpolation at ``frac`` gives ``value``."""
    pairs = []
    for a in grid[grid <= value + 1e-6]:
        for b in grid[grid >= a]:
            if abs(a + frac * (b - a) - value) < 1e-6:
                pairs.append((float(a), float(b)))
    return pairs


def _quantile_bounds(
    value: float, n: int, share: float, grid: np.ndarray
) -> list[tuple[float, bool, float, bool]]:
    """``(threshold, strictly below?, bound, at least?)``: how many respondents score below (or
    at most) a threshold, as numpy's linear quantile of a sorted sample implies."""
    position = (n - 1) * share
    below = int(np.floor(position))
    above = min(below + 1, n - 1)
    frac = position - below
    if above == below or frac == 0:
        # The value is the score of the respondent at rank ``below``; the next is free.
        return [(value, True, below, False), (value, False, below + 1, True)]
    pairs = _score_pairs(value, frac, grid)
    if len(pairs) == 1:
        a, b = pairs[0]
        # The respondent at rank ``below`` scores a, the one at ``above`` scores b.
        return [
            (a, True, below, False),  # fewer than a: at most ``below`` respondents
            (a, False, below + 1, True),  # a or less: at least below + 1
            (b, True, above, False),
            (b, False, above + 1, True),
        ]
    # Several pairs: the lower one scores at most the value, the upper one at least.
    return [(value, False, below + 1, True), (value, True, above, False)]


def _is_relaxed(value: float, n: int, share: float, grid: np.ndarray) -> int:
    position = (n - 1) * share
    below = int(np.floor(position))
    frac = position - below
    return int(
        min(below + 1, n - 1) > below and frac > 0 and len(_score_pairs(value, frac, grid)) > 1
    )


def _sparse(
    rows: list[tuple[dict[int, float], float]], size: int
) -> tuple[sparse.csr_matrix | None, np.ndarray | None]:
    if not rows:
        return None, None
    data, indices, pointers = [], [], [0]
    for coefficients, _ in rows:
        for column, value in coefficients.items():
            indices.append(column)
            data.append(value)
        pointers.append(len(indices))
    matrix = sparse.csr_matrix((data, indices, pointers), shape=(len(rows), size))
    return matrix, np.array([bound for _, bound in rows], dtype=float)
