"""Disclosure audit: can anything published pin down a group below k? Solved, not argued.

Collects the numbers every role can see for each project, writes them as linear facts about the
unknown answers per (unit, wave), and asks ``scipy.optimize.linprog`` for the smallest and the
largest value each hidden small group can have given all of them together:

- **n**: answers and each construct's n per group. A group with 1..k-1 answers must stay
  anywhere in 0..k-1 (or be unbounded).
- **mean**: each construct's score sum, with the attacker even knowing every group's true n.
  A hidden small group's mean must still range over the full 0..100.

The published numbers: the protected basis every dashboard page, CSV download and export is
cut from (scores: n and mean per unit subtree and closed wave or phase; answers per unit and
closed wave), the answers so far on Overblik for every role (administrator, a leder of each
unit, a member of each MED committee), the answers per unit on Svarkoder and per wave on
Målinger, the open wave's band (``surveys.live_progress``), the codes issued per unit and wave
(upper bounds), and every stored snapshot's scores, phase scores and response counts. Means are
taken at the precision snapshots store (6 decimals), not the 1 decimal the pages show.

Not modelled (stated in the README): the reliability table's complete-answer counts (one sum
over the whole organisation and every project using the instrument, closed waves only),
comment counts (a different measure: comments, shown per group of at least ``k_comments``),
quantiles, spreads and favourable shares (non-linear, or a third measure per cell).

Run on a copy of an installation: ``medspil audit-disclosure --db COPY.duckdb``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linprog

from data import open_database
from data import org as org_queries
from data import projects as project_queries
from data.db import Database
from data.results import response_counts, score_histograms
from data.snapshots import snapshot_headers, stored_snapshot
from medspil.errors import MedspilError
from medspil.i18n import t
from medspil.scope import Scope
from medspil.vocabulary import Role
from surveys.administration.codes import response_rates
from surveys.administration.waves import wave_table
from surveys.dashboards.basis import ProjectBasis, headline_units, project_basis
from surveys.dashboards.live_progress import live_progress
from surveys.dashboards.overview import responses_so_far

ANSWERS = "_answers"  # the measure "answers per group", beside each construct's n
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
    for row in org_queries.committees(db).itertuples():
        roots = [str(u) for u in (row.unit_ids if row.unit_ids is not None else []) if u]
        if roots:
            scopes.append(
                Scope(role=Role.MED, unit_roots=frozenset(roots), committee_ids=frozenset([row.id]))
            )
    return scopes


# --- collecting what is published ---------------------------------------------------------------


class _Project:
    """The unknowns of one project: direct units and waves; the truth, for choosing groups."""

    def __init__(self, db: Database, project_id: str, today: dt.date) -> None:
        self.id = project_id
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
        histograms = histograms.assign(total=histograms["score"] * histograms["n"])
        grouped = histograms.groupby(["construct", "unit_id", "wave_id"])[["n", "total"]].sum()
        self.construct_n = {key: int(row.n) for key, row in grouped.iterrows()}
        self.construct_sum = {key: float(row.total) for key, row in grouped.iterrows()}
        self.constructs = tuple(sorted({c for c, _, _ in self.construct_n}))

    def members(self, unit: str) -> tuple[str, ...]:
        inside = set(self.basis.subtree(unit))
        return tuple(u for u in self.direct_units if u in inside)

    def true_n(self, measure: str, unit: str, waves: Iterable[int]) -> int:
        members = self.members(unit)
        if measure == ANSWERS:
            return sum(self.answers.get((u, w), 0) for u in members for w in waves)
        return sum(self.construct_n.get((measure, u, w), 0) for u in members for w in waves)


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
        waves = (int(row.wave_id),) if period == "wave" else project.phase_waves[int(row.phase_id)]
        n = int(row.n)
        facts.append(_fact(project, row.construct, "n", row.unit_id, waves, n, n, source))
        mean = float(row.mean)
        tolerance = MEAN_TOLERANCE * n
        facts.append(
            _fact(
                project,
                row.construct,
                "sum",
                row.unit_id,
                waves,
                mean * n - tolerance,
                mean * n + tolerance,
                source,
            )
        )
    return [f for f in facts if f is not None]


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
            n = int(row.responses)
            fact = _fact(project, ANSWERS, "n", row.unit_id, (int(row.wave_id),), n, n, "answers")
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
        for item in content.get("response_rates", []):
            if item.get("hidden") or item.get("responses") is None:
                continue
            n = int(item["responses"])
            wave = project.number_to_wave[int(item["wave"])]
            facts.append(_fact(project, ANSWERS, "n", item["unit"], (wave,), n, n, source))
    return [f for f in facts if f is not None]


def _snapshot_score(project: _Project, item: dict, waves: tuple[int, ...], source: str) -> list:
    if item.get("hidden") or item.get("n") is None:
        return []
    n = int(item["n"])
    mean = float(item["mean"])
    tolerance = MEAN_TOLERANCE * n
    construct, unit = item["construct"], item["unit"]
    return [
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
            else:
                ub_rows.append(columns)
                ub_b.append(fact.high)
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
        objective = np.zeros(len(self.index))
        for u in unit_members:
            for w in waves:
                if (u, w) in self.index:
                    objective[self.index[(u, w)]] = 1.0
        low = self._solve(objective)
        high = self._solve(-objective)
        return low, (None if high is None else -high)

    def _solve(self, objective: np.ndarray) -> float | None:
        result = linprog(
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
    groups = []
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
) -> None:
    """Check one project; findings go into ``report``. ``extra_facts``: numbers published
    elsewhere (a test plants a leak with them to see the audit catch it)."""
    project = _Project(db, project_id, today)
    if not project.direct_units or not project.waves:
        return
    facts = [*collect_facts(db, project, scopes, today), *extra_facts]
    report.facts += len(facts)
    k = project.k
    for measure in (ANSWERS, *project.constructs):
        groups = _small_groups(project, measure)
        if not groups:
            continue
        n_facts = [f for f in facts if f.measure == measure and f.kind == "n"]
        issued = np.array(
            [
                project.issued.get((u, w), np.inf) if project.issued else np.inf
                for u in project.direct_units
                for w in project.waves
            ],
            dtype=float,
        )
        n_system = _System(project, n_facts, issued)
        sum_system = None
        if measure != ANSWERS:
            true_n = np.array(
                [
                    project.construct_n.get((measure, u, w), 0)
                    for u in project.direct_units
                    for w in project.waves
                ],
                dtype=float,
            )
            sum_facts = [f for f in facts if f.measure == measure and f.kind == "sum"]
            sum_system = _System(project, sum_facts, 100.0 * true_n)
        for unit, period, waves, n in groups:
            report.groups += 1
            members = project.members(unit)
            low, high = n_system.extremes(members, waves)
            report.linear_programs += 2
            pinned = (low is not None and low > EPS) or (high is not None and high < k - 1 - EPS)
            mean_low = mean_high = None
            if sum_system is not None and n > 0:
                s_low, s_high = sum_system.extremes(members, waves)
                report.linear_programs += 2
                mean_low = None if s_low is None else s_low / n
                mean_high = None if s_high is None else s_high / n
                narrowed = (mean_low is not None and mean_low > EPS) or (
                    mean_high is not None and mean_high < 100 - EPS
                )
                pinned = pinned or narrowed
            if pinned:
                report.findings.append(
                    Finding(project_id, measure, unit, period, n, low, high, mean_low, mean_high)
                )


def audit_disclosure(db: Database, *, today: dt.date | None = None) -> AuditReport:
    """Audit every project of the database for what all roles together can see."""
    today = today or dt.date.today()
    scopes = every_role(db)
    report = AuditReport(roles=len(scopes))
    for project_id in project_queries.projects(db)["id"]:
        audit_project(db, str(project_id), today=today, scopes=scopes, report=report)
    return report


def run_audit(path: Path, out: TextIO) -> int:
    """``medspil audit-disclosure``: audit a database file; 0 when nothing is pinned, else 1."""
    if not path.exists():
        raise AuditFailed(detail=f"databasen {path} findes ikke")
    db = open_database(path)
    try:
        report = audit_disclosure(db)
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
