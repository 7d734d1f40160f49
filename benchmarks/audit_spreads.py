"""How far the published spreads narrow the hidden small groups' means (issue 10, analysis).

The disclosure audit (``surveys.administration.disclosure_audit``) proves by linear programming
that the published counts, sums and shares leave every hidden small group's mean anywhere in
0..100; it does not model spreads. Every shown cell of the dashboards publishes an SD:
Udvikling draws the CI band ``mean ± t·SD/√n`` per unit and wave (the figure's numbers reach
the browser at full precision), Faser the CI and quantiles per phase, and snapshots store ``sd``
at 6 decimals. An SD with its group's n and mean gives the group's sum of squares
``Q = (n-1)·SD² + n·mean²``, which adds up over units and waves like the sum does. Until
issue 10 a cell's SD was of everyone in it, so a parent minus its shown children gave the
squares of the hidden remainder (a small team and the team hidden beside it) and narrowed the
small team's mean (on the demo in 92 of medicin's 120 hidden groups x constructs by the closed
form below, 116 by the program). Since then a shown cell's SD, CI, quantiles and tests are of
its shown parts (``analytics.protection.spread_members``, ``_Project.spread_cells``); this
script checks that the squares add nothing, modelling them as they are now published.

It adds the squares to the audit's sums and solves, per construct, for the smallest and largest
mean of every hidden small group the audit considers (``_small_groups``):

- **closed form**: where the group's parent and its shown children publish n, mean and an SD
  of everyone in them, the remainder R (the parent minus its shown children: the group A and
  its hidden complement B) has a known n, sum and sum of squares, and
  ``n_A·N/n_B·(m_A - m_R)² <= SS_R`` (SS_R: the squared deviations about R's mean). A parent
  whose SD is of its shown parts only gives no remainder's squares (no bound).
- **program (sums + squares)**: every published sum and sum of squares (dashboards' waves and
  phases, snapshots; a square over the cells it is computed from), scores in 0..100, and per
  cell ``S²/n <= Q <= 100·S``, solved as a linear program whose convex constraint is
  approximated from outside by tangent cuts added until no cell violates it (so the interval
  is never narrower than the attacker's).
- **program (+ favourable)**: the same with each cell split into its respondents below and at
  or above 75, tied to the published favourable counts.

As in the audit, the attacker knows every group's true n. Run on the demo kommune (built into a
temporary file, with a snapshot of every committee as the audit's tests make them):

    PYTHONPATH=. .venv/bin/python benchmarks/audit_spreads.py [--db FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse, stats
from scipy.optimize import linprog

from data import open_database
from data import org as org_queries
from data import projects as project_queries
from data.db import Database
from data.snapshots import snapshot_headers, stored_snapshot
from medspil.cells import cell_float, cell_int
from medspil.errors import SnapshotNoData
from medspil.scope import Scope
from surveys.administration.disclosure_audit import (
    FAVOURABLE,
    MEAN_TOLERANCE,
    Fact,
    _Project,
    _shown_cells,
    _small_groups,
    collect_facts,
    every_role,
)
from surveys.dashboards.basis import unit_choices

SQUARES = "squares"  # Fact.kind of a published sum of squares
LOW_CUTS = (0.0, 15.0, 30.0, 45.0, 60.0, 75.0)  # first tangents of the part below 75
HIGH_CUTS = (75.0, 87.5, 100.0)  # and of the part at or above 75
MAX_ROUNDS = 30
SD_STEPS = (0.1, 1.0, 2.0, 5.0)  # the closed form again, as if SDs were published rounded to these
STOP_GAIN = 1e-5  # relative gain of a round of cuts below which the bound is taken


# --- the published sums of squares --------------------------------------------------------------


def squares_interval(n: int, mean: float, sd: float | None) -> tuple[float, float]:
    """``Q = (n-1)·sd² + n·mean²`` over the rounding of sd and mean to 6 decimals."""
    d = MEAN_TOLERANCE
    if n < 2 or sd is None:
        return n * max(mean - d, 0.0) ** 2, n * (mean + d) ** 2
    low = (n - 1) * max(sd - d, 0.0) ** 2 + n * max(mean - d, 0.0) ** 2
    high = (n - 1) * (sd + d) ** 2 + n * (mean + d) ** 2
    return low, high


@dataclass(frozen=True)
class SquaresFact:
    """``low <= sum of squares over cells <= high``: the cells a shown SD is computed from."""

    measure: str
    kind: str
    cells: tuple[tuple[str, int], ...]
    low: float
    high: float
    source: str


def _squares_fact(
    project: _Project, construct: str, unit: str, waves, sd, source: str, *, parts: bool = True
) -> SquaresFact | None:
    """A shown cell's SD is of its shown parts (``_Project.spread_cells``; of everyone in it
    with ``parts=False``, as in snapshots frozen before issue 10): with their n and mean
    (derivable from shown cells; taken here from the truth) it gives their squares."""
    if parts:
        cells = tuple(project.spread_cells(construct, unit, waves))
    else:
        cells = tuple((u, w) for u in project.members(unit) for w in waves)
    n = sum(project.construct_n.get((construct, u, w), 0) for u, w in cells)
    if not cells or n < 2:
        return None
    total = sum(project.construct_sum.get((construct, u, w), 0.0) for u, w in cells)
    low, high = squares_interval(n, total / n, sd)
    return SquaresFact(construct, SQUARES, cells, low, high, source)


def squares_facts(db: Database, project: _Project) -> list[SquaresFact]:
    """Every shown cell's sum of squares: dashboards (waves, phases) and stored snapshots."""
    facts: list[SquaresFact | None] = []
    for construct in project.constructs:
        for row, waves, is_phase in _shown_cells(project, construct):
            sd = None if row.sd is None or pd.isna(row.sd) else cell_float(row.sd)
            facts.append(
                _squares_fact(
                    project,
                    construct,
                    str(row.unit_id),
                    waves,
                    sd,
                    f"dashboards ({'phase' if is_phase else 'wave'}s)",
                )
            )
    for snapshot_id in snapshot_headers(db, project_id=project.id)["id"]:
        stored = stored_snapshot(db, int(snapshot_id))
        if stored is None:
            continue
        content = json.loads(stored.content)
        parts = content.get("spreads") == "shown_parts"  # older snapshots: SDs of everyone
        number = project.number_to_wave
        phase_of = {number[int(w["number"])]: int(w["phase"]) for w in content.get("waves", [])}
        source = f"snapshot {int(snapshot_id)}"
        items: list[tuple[dict, tuple[int, ...]]] = []
        items += [(i, (number[int(i["wave"])],)) for i in content.get("scores", [])]
        items += [
            (i, tuple(w for w, p in phase_of.items() if p == int(i["phase"])))
            for i in content.get("phase_scores", [])
        ]
        heatmap = content.get("heatmap") or {}
        if heatmap.get("wave") is not None:
            wave = number[int(heatmap["wave"])]
            items += [(i, (wave,)) for i in heatmap.get("cells", [])]
        for item, waves in items:
            if item.get("hidden") or item.get("n") is None:
                continue
            n = int(item["n"])
            sd = item.get("sd")
            if sd is None and item.get("ci_high") is not None and n >= 2:
                half = (float(item["ci_high"]) - float(item["ci_low"])) / 2
                sd = half * math.sqrt(n) / float(stats.t.ppf(0.975, n - 1))
            facts.append(
                _squares_fact(
                    project, item["construct"], item["unit"], waves, sd, source, parts=parts
                )
            )
    return [f for f in facts if f is not None]


# --- the program --------------------------------------------------------------------------------


class SpreadProgram:
    """One construct's cells as ``S_lo, S_hi, Q_lo, Q_hi, F`` (below / at or above 75).

    Sum facts bind ``S_lo + S_hi``, square facts ``Q_lo + Q_hi``, favourable facts ``F`` (only
    when ``favourable``). Per cell: ``S_lo <= 75·(n-F)``, ``75·F <= S_hi <= 100·F``,
    ``Q_lo <= 75·S_lo``, ``Q_hi <= 175·S_hi - 7500·F`` (``(x-75)(x-100) <= 0``), and tangent
    cuts ``Q >= 2·m·S - m²·k`` of the convex ``Q >= S²/k``, added where a solution violates it.
    """

    def __init__(
        self,
        project: _Project,
        construct: str,
        facts: list[Fact | SquaresFact],
        *,
        favourable: bool,
    ) -> None:
        self.cells = [(u, w) for u in project.direct_units for w in project.closed]
        self.place = {cell: i for i, cell in enumerate(self.cells)}
        self.n = np.array([project.count(construct, u, w) for u, w in self.cells], dtype=float)
        size = 5 * len(self.cells)
        self.size = size
        rows: list[dict[int, float]] = []
        bounds_b: list[float] = []

        def var(i: int, part: int) -> int:  # part: 0 S_lo, 1 S_hi, 2 Q_lo, 3 Q_hi, 4 F
            return 5 * i + part

        self.var = var
        for fact in facts:
            if fact.kind == "sum" and fact.measure == construct:
                parts = (0, 1)
            elif fact.kind == SQUARES and fact.measure == construct:
                parts = (2, 3)
            elif favourable and fact.kind == "n" and fact.measure == FAVOURABLE + construct:
                parts = (4,)
            else:
                continue
            pairs = (
                fact.cells
                if isinstance(fact, SquaresFact)
                else [(u, w) for u in fact.units for w in fact.waves]
            )
            columns = [
                var(self.place[pair], p) for pair in pairs if pair in self.place for p in parts
            ]
            if not columns:
                continue
            if np.isfinite(fact.high):
                rows.append(dict.fromkeys(columns, 1.0))
                bounds_b.append(fact.high)
            if np.isfinite(fact.low):
                rows.append(dict.fromkeys(columns, -1.0))
                bounds_b.append(-fact.low)
        for i, n in enumerate(self.n):
            s_lo, s_hi, q_lo, q_hi, f = (var(i, p) for p in range(5))
            rows += [
                {s_lo: 1.0, f: 75.0},
                {f: 75.0, s_hi: -1.0},
                {s_hi: 1.0, f: -100.0},
                {q_lo: 1.0, s_lo: -75.0},
                {q_hi: 1.0, s_hi: -175.0, f: 7500.0},
            ]
            bounds_b += [75.0 * n, 0.0, 0.0, 0.0, 0.0]
        self.fixed_rows, self.fixed_b = rows, bounds_b
        self.cuts: list[dict[int, float]] = []
        self.cuts_b: list[float] = []
        for i in range(len(self.cells)):
            for m in LOW_CUTS:
                self._cut(i, low=True, m=m)
            for m in HIGH_CUTS:
                self._cut(i, low=False, m=m)
        self.bounds = []
        for n in self.n:
            self.bounds += [(0.0, 75.0 * n), (0.0, 100.0 * n)]
            self.bounds += [(0.0, 75.0**2 * n), (0.0, 100.0**2 * n), (0.0, n)]
        self.rounds = 0
        self.programs = 0

    def _cut(self, i: int, *, low: bool, m: float) -> None:
        """``Q >= 2·m·S - m²·k`` for the cell's part below 75 (k = n - F) or above (k = F)."""
        s, q, f = self.var(i, 0 if low else 1), self.var(i, 2 if low else 3), self.var(i, 4)
        if low:  # -Q + 2mS + m²F <= m²n
            self.cuts.append({q: -1.0, s: 2 * m, f: m * m})
            self.cuts_b.append(m * m * self.n[i])
        else:  # -Q + 2mS - m²F <= 0
            self.cuts.append({q: -1.0, s: 2 * m, f: -m * m})
            self.cuts_b.append(0.0)

    def extreme(self, members: tuple[str, ...], waves: tuple[int, ...], sign: float) -> float:
        """The smallest (sign 1) or largest (sign -1) sum over the group's cells."""
        objective = np.zeros(self.size)
        for u in members:
            for w in waves:
                if (u, w) in self.place:
                    i = self.place[(u, w)]
                    objective[self.var(i, 0)] = objective[self.var(i, 1)] = sign
        previous = None
        for _ in range(MAX_ROUNDS):
            x = self._solve(objective)
            value = float(objective @ x)
            # Every cut is valid, so each value is a bound; stop when the cuts stop moving it.
            if previous is not None and value - previous < STOP_GAIN * max(1.0, abs(value)):
                break
            if not self._add_violated(x):
                break
            previous = value
            self.rounds += 1
        return sign * value

    def _add_violated(self, x: np.ndarray) -> int:
        added = 0
        for i, n in enumerate(self.n):
            if n == 0:
                continue
            f = x[self.var(i, 4)]
            for low, k in ((True, n - f), (False, f)):
                if k < 1e-9:
                    continue
                s = x[self.var(i, 0 if low else 1)]
                q = x[self.var(i, 2 if low else 3)]
                if q < s * s / k - 1e-6 * max(1.0, n):
                    self._cut(i, low=low, m=s / k)
                    added += 1
        return added

    def _solve(self, objective: np.ndarray) -> np.ndarray:
        self.programs += 1
        a_ub = _sparse([*self.fixed_rows, *self.cuts], self.size)
        b_ub = np.array([*self.fixed_b, *self.cuts_b])
        # scipy-stubs types A_ub as a dense array; HiGHS takes the sparse one.
        result = linprog(  # type: ignore[call-overload]
            objective, A_ub=a_ub, b_ub=b_ub, bounds=self.bounds, method="highs"
        )
        if result.status != 0:
            raise RuntimeError(f"linprog: {result.message}")
        return np.asarray(result.x)


def _sparse(rows: list[dict[int, float]], size: int) -> sparse.csr_matrix:
    data, indices, pointers = [], [], [0]
    for row in rows:
        indices += list(row)
        data += list(row.values())
        pointers.append(len(indices))
    return sparse.csr_matrix((data, indices, pointers), shape=(len(rows), size))


# --- the closed form ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PairBound:
    """The closed-form bound from a parent and all its shown children (one period)."""

    low: float
    high: float
    parent: str
    shown_children: tuple[str, ...]
    remainder_n: int
    roles: tuple[str, ...]


def closed_form(
    project: _Project,
    construct: str,
    unit: str,
    period: str,
    n_a: int,
    *,
    sd_step: float = 0.0,
) -> PairBound | None:
    """The bound on ``unit``'s mean from its parent minus the parent's shown children.

    ``sd_step``: as if every SD were published rounded to a multiple of it (the widest
    remainder's spread the rounding allows is taken)."""
    basis = project.basis
    parent = basis.parent.get(unit)
    if parent is None or period == "all closed waves" or n_a == 0:
        return None
    kind, label = period.split()
    frame = basis.wave_summaries if kind == "wave" else basis.phase_summaries
    key = "wave_id" if kind == "wave" else "phase_id"
    rows = frame[(frame["construct"] == construct) & (frame[key] == int(label))]
    cells = {str(r.unit_id): r for r in rows.itertuples()}
    waves = (int(label),) if kind == "wave" else project.phase_waves[int(label)]

    def published(u: str, sign: float) -> tuple[int, float, float] | None:
        """n, sum and the sum of squares (largest for sign 1, smallest for -1), where the cell's
        SD is of everyone in it; None where it is not (then it is of the shown parts only)."""
        r = cells.get(u)
        if r is None or r.hidden or r.n is None:
            return None
        everyone = [(m, w) for m in project.members(u) for w in waves]
        if len(project.spread_cells(construct, u, waves)) < len(everyone):
            return None
        n, mean = cell_int(r.n), cell_float(r.mean)
        sd = 0.0 if r.sd is None or pd.isna(r.sd) else cell_float(r.sd)
        if sd_step > 0:
            sd = max(round(sd / sd_step) * sd_step + sign * sd_step / 2, 0.0)
        return n, n * mean, (n - 1) * sd**2 + n * mean**2

    top = published(parent, 1.0)
    if top is None:
        return None
    n_r, s_r, q_r = top
    shown = []
    for child in basis.children.get(parent, []):
        if child == unit:
            continue
        values = published(child, -1.0)
        if values is not None:
            shown.append(child)
            n_r, s_r, q_r = n_r - values[0], s_r - values[1], q_r - values[2]
    n_b = n_r - n_a
    if n_b <= 0:
        return None  # the remainder is the group itself: the audit's own finding
    mean_r = s_r / n_r
    ss_r = max(q_r - s_r * s_r / n_r, 0.0)
    half = math.sqrt(ss_r * n_b / (n_a * n_r))
    low = max(0.0, mean_r - half, (s_r - 100.0 * n_b) / n_a)
    high = min(100.0, mean_r + half, s_r / n_a)
    needed = {parent, *shown}
    roles = tuple(
        _role_name(scope)
        for scope in every_role(project.db)
        if needed <= {u for u, _ in unit_choices(basis, scope)}
    )
    return PairBound(low, high, parent, tuple(shown), n_r, roles)


def _role_name(scope: Scope) -> str:
    if scope.sees_everything:
        return "admin"
    if scope.committee_ids:
        return "med:" + ",".join(sorted(scope.committee_ids))
    return "leder:" + ",".join(sorted(scope.unit_roots or ()))


# --- what a fix would cost ----------------------------------------------------------------------


def fix_costs(project: _Project) -> dict[str, int]:
    """Shown (unit, period, construct) cells, and what computing spreads from shown parts costs:
    ``reduced`` cells show an SD, CI and quantiles of fewer respondents than their n, and
    ``no_spread`` cells none at all (fewer than two in their shown parts)."""
    out = {"shown": 0, "reduced": 0, "no_spread": 0}
    for construct in project.constructs:
        for r, waves, _ in _shown_cells(project, construct):
            out["shown"] += 1
            parts = project.spread_cells(construct, str(r.unit_id), waves)
            n_parts = sum(project.construct_n.get((construct, u, w), 0) for u, w in parts)
            out["reduced"] += n_parts < cell_int(r.n)
            out["no_spread"] += n_parts < 2 <= cell_int(r.n)
    return out


# --- running ------------------------------------------------------------------------------------


def demo_file(folder: Path) -> Path:
    """The demo kommune with a snapshot of every committee (as the audit's tests make it)."""
    from surveys.installation.demo import build_demo
    from surveys.snapshots.freeze import create_snapshot

    path = folder / "demo.duckdb"
    db = open_database(path)
    try:
        build_demo(db, seed=1, today=dt.date.today())
        for committee in org_queries.committees(db)["id"]:
            for project_id in project_queries.projects(db)["id"]:
                try:
                    create_snapshot(
                        db,
                        Scope.admin(),
                        project_id=str(project_id),
                        area_kind="committee",
                        area_id=str(committee),
                        today=dt.date.today(),
                        include_comments=True,
                    )
                except SnapshotNoData:
                    continue
    finally:
        db.close()
    return path


def analyse(db: Database, today: dt.date) -> list[dict]:
    """One row per hidden small group and construct: its true mean and the bounds found."""
    scopes = every_role(db)
    out = []
    for project_id in project_queries.projects(db)["id"]:
        project = _Project(db, str(project_id), today)
        if not project.direct_units or not project.closed:
            continue
        facts: list[Fact | SquaresFact] = [
            *collect_facts(db, project, scopes, today),
            *squares_facts(db, project),
        ]
        costs = fix_costs(project)
        print(f"{project.id}: {len(facts)} facts; CIs shown {costs}")
        for construct in project.constructs:
            groups = [g for g in _small_groups(project, construct) if g[3] > 0]
            if not groups:
                continue
            sums_only = [f for f in facts if f.kind != SQUARES]
            programs = {
                "sums": SpreadProgram(project, construct, sums_only, favourable=True),
                "squares": SpreadProgram(project, construct, facts, favourable=False),
                "favourable": SpreadProgram(project, construct, facts, favourable=True),
            }
            for unit, period, waves, n in groups:
                members = project.members(unit)
                total = sum(
                    project.construct_sum.get((construct, u, w), 0.0)
                    for u in members
                    for w in waves
                )
                row = {
                    "project": project.id,
                    "construct": construct,
                    "unit": unit,
                    "period": period,
                    "n": n,
                    "true_mean": total / n,
                }
                for name, program in programs.items():
                    row[f"{name}_low"] = program.extreme(members, waves, 1.0) / n
                    row[f"{name}_high"] = program.extreme(members, waves, -1.0) / n
                pair = closed_form(project, construct, unit, period, n)
                for step in SD_STEPS:
                    rounded = closed_form(project, construct, unit, period, n, sd_step=step)
                    row[f"sd{step:g}_low"] = None if rounded is None else rounded.low
                    row[f"sd{step:g}_high"] = None if rounded is None else rounded.high
                row["pair_low"] = None if pair is None else pair.low
                row["pair_high"] = None if pair is None else pair.high
                row["pair_roles"] = None if pair is None else " ".join(pair.roles)
                row["pair_from"] = (
                    None if pair is None else f"{pair.parent} - {'+'.join(pair.shown_children)}"
                )
                out.append(row)
            rounds = sum(p.rounds for p in programs.values())
            solved = sum(p.programs for p in programs.values())
            print(f"  {construct}: {len(groups)} groups, {solved} programs, {rounds} cut rounds")
    return out


def _width(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[f"{name}_high"] - frame[f"{name}_low"]


def report(rows: list[dict]) -> None:
    frame = pd.DataFrame(rows)
    narrowed = 100.0 - 1e-3
    print(f"\n{len(frame)} hidden small groups x constructs")
    names = ("sums", "pair", "squares", "favourable", *(f"sd{step:g}" for step in SD_STEPS))
    for name in names:
        width = _width(frame, name)
        hit = frame[width < narrowed]
        print(f"{name:>10}: {len(hit)} narrowed below 0..100")
        for project_id, part in hit.groupby("project"):
            print(f"{'':>12}{project_id}: {len(part)} ({part['unit'].value_counts().to_dict()})")
    for name in ("pair", "squares", "favourable"):
        frame[f"{name}_width"] = _width(frame, name)
        top = frame.sort_values(f"{name}_width").head(8)
        print(f"\nnarrowest ({name}):")
        for r in top.itertuples():
            low, high = getattr(r, f"{name}_low"), getattr(r, f"{name}_high")
            if pd.isna(low):
                continue
            print(
                f"  {r.project} {r.unit} {r.construct} {r.period}: {low:.1f}..{high:.1f} "
                f"(true {r.true_mean:.1f}, n {r.n}; pair {r.pair_from}; roles {r.pair_roles})"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a copy of an installation (default: the demo)")
    parser.add_argument("--csv", type=Path, help="write every group's bounds here")
    args = parser.parse_args()
    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="audit-spreads-"))
    try:
        path = args.db or demo_file(folder)
        built = time.perf_counter()
        db = open_database(path)
        try:
            rows = analyse(db, dt.date.today())
        finally:
            db.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report(rows)
    if args.csv:
        pd.DataFrame(rows).to_csv(args.csv, index=False)
    done = time.perf_counter()
    print(f"\nbuilt in {built - started:.1f} s, analysed in {done - built:.1f} s")


if __name__ == "__main__":
    main()
