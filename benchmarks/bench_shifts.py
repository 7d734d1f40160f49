"""Detection delay and false alarms of the shift monitor against the flags Overblik raised before.

Run as ``.venv/bin/python benchmarks/bench_shifts.py`` (a few minutes on a busy 2-core
machine), or with ``--quick`` (n = 18, a 10-point drop, 500 series) or ``--series`` and the grid
options for a quick look. Every simulated series is one unit and construct with 26 waves a
year, ``n`` answers a wave and a person-level SD of 20 points (normal scores):

* false alarms: a stable series of four years; alarms per series-year, and that rate divided by
  the budget (the calibration check: 1 is exact);
* delay: ``--change-at`` stable waves at 60 (13 = half a year, 26 = a year; the monitor is
  self-starting, so it knows the level only from these), then a drop of ``shift`` points; the
  delay counts the first wave at the new level as 1 and is the first flag in the direction of
  the drop (a run-chart signal counts whatever its side); no flag within 26 waves counts as
  "never" (shown as >26).

``--reference`` runs the monitor with other CUSUM reference values k beside the default, on the
same simulated series (k = 1 was the first version's).

"today" is the rule set that fed "Det har ændret sig" before ``detect_shifts``: the latest
wave against the one before (Welch t-test, Benjamini-Hochberg over the unit's three core
constructs, the other two stable, significant at adjusted p < 0.05 and |d| >= 0.2), or an
Anhøj run-chart signal on the wave means so far (at least 10 useful points). A flag is counted
when the unit enters the list, not for every wave it stays there. Phase comparisons are left
out (every simulated series is one phase), so "today" is if anything flattered.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analytics.runchart import anhoej, crossings_limit, longest_run_limit  # noqa: E402
from analytics.shifts import REFERENCE, detect_shifts_many  # noqa: E402

SD = 20.0
LEVEL = 60.0
WAVES_PER_YEAR = 26
NULL_YEARS = 4
WATCH = 26  # waves watched after the change
MIN_RUNCHART_POINTS = 10
NEVER = WATCH + 1


def simulate(
    rng: np.random.Generator, series: int, waves: int, n: int, shift: float = 0.0, at: int = 0
):
    """Wave means, answer counts and within-wave SDs; the level drops by ``shift`` at ``at``."""
    level = np.full((series, waves), LEVEL)
    if shift:
        level[:, at:] -= shift
    means = level + rng.normal(0.0, SD / np.sqrt(n), (series, waves))
    sds = SD * np.sqrt(rng.chisquare(n - 1, (series, waves)) / (n - 1))
    return means, np.full((series, waves), float(n)), sds


def monitor_flags(
    means, ns, sds, budget: float, reference: float = REFERENCE
) -> tuple[np.ndarray, np.ndarray]:
    """Per series and wave: did detect_shifts raise an alarm, and in which direction."""
    flags = np.zeros(means.shape, dtype=bool)
    direction = np.zeros(means.shape, dtype=int)
    found = detect_shifts_many(
        means,
        ns,
        sds,
        waves_per_year=WAVES_PER_YEAR,
        false_alarms_per_year=budget,
        reference=reference,
    )
    for row, shifts in enumerate(found):
        for s in shifts:
            flags[row, s.wave] = True
            direction[row, s.wave] = s.direction
    return flags, direction


def today_flags(rng, means, ns, sds) -> tuple[np.ndarray, np.ndarray]:
    """Per series and wave: does the unit enter the list by the old rules, and which way."""
    series, waves = means.shape
    listed = np.zeros((series, waves), dtype=bool)
    direction = np.zeros((series, waves), dtype=int)
    for t in range(1, waves):
        t_stat, p = stats.ttest_ind_from_stats(
            means[:, t], sds[:, t], ns[:, t], means[:, t - 1], sds[:, t - 1], ns[:, t - 1],
            equal_var=False,
        )  # fmt: skip
        family = np.column_stack((p, rng.uniform(size=(series, 2))))  # two stable constructs
        pooled = np.sqrt(
            ((ns[:, t] - 1) * sds[:, t] ** 2 + (ns[:, t - 1] - 1) * sds[:, t - 1] ** 2)
            / (ns[:, t] + ns[:, t - 1] - 2)
        )
        d = (means[:, t] - means[:, t - 1]) / pooled
        wave_flag = (_bh_first(family) < 0.05) & (np.abs(d) >= 0.2)
        run_flag = runs_signal(means[:, : t + 1])
        listed[:, t] = wave_flag | run_flag
        direction[:, t] = np.where(wave_flag, np.sign(d), 0)
    entered = listed & ~np.concatenate((np.zeros((series, 1), bool), listed[:, :-1]), axis=1)
    return entered, np.where(entered, direction, 0)


def _bh_first(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-value of column 0 of each row (the family is the row)."""
    m = p.shape[1]
    order = np.argsort(p, axis=1)
    ranked = np.take_along_axis(p, order, axis=1) * m / np.arange(1, m + 1)
    adjusted_sorted = np.minimum(np.minimum.accumulate(ranked[:, ::-1], axis=1)[:, ::-1], 1.0)
    adjusted = np.empty_like(p)
    np.put_along_axis(adjusted, order, adjusted_sorted, axis=1)
    return adjusted[:, 0]


def runs_signal(values: np.ndarray) -> np.ndarray:
    """Anhøj runs signal of every row (no missing values), as :func:`analytics.anhoej`."""
    median = np.median(values, axis=1, keepdims=True)
    sides = np.sign(values - median)
    signal = np.zeros(values.shape[0], dtype=bool)
    on_median = (sides == 0).sum(axis=1)
    for zeros in np.unique(on_median):
        rows = np.flatnonzero(on_median == zeros)
        useful = sides[rows][sides[rows] != 0].reshape(rows.size, -1)
        n_useful = useful.shape[1]
        if n_useful < MIN_RUNCHART_POINTS:
            continue
        run = longest = np.ones(rows.size, dtype=int)
        for col in range(1, n_useful):
            run = np.where(useful[:, col] == useful[:, col - 1], run + 1, 1)
            longest = np.maximum(longest, run)
        crossings = (useful[:, 1:] != useful[:, :-1]).sum(axis=1)
        signal[rows] = (longest > longest_run_limit(n_useful)) | (
            crossings < crossings_limit(n_useful)
        )
    return signal


def check_runs_signal(rng: np.random.Generator) -> None:
    """The vectorised Anhøj rules agree with the project's own :func:`analytics.anhoej`."""
    values = rng.normal(size=(200, 23)).cumsum(axis=1) * 0.3 + rng.normal(size=(200, 23))
    for width in (9, 10, 17, 23):
        mine = runs_signal(values[:, :width])
        theirs = [anhoej(row).runs_signal for row in values[:, :width]]
        if mine.tolist() != theirs:
            raise SystemExit("the vectorised run-chart rules disagree with analytics.anhoej")


def first_delay(
    flags: np.ndarray, direction: np.ndarray, at: int, *, any_side: np.ndarray
) -> np.ndarray:
    """Per series: waves from the change at ``at`` to the first flag towards the drop (the
    first wave at the new level = 1)."""
    after = flags[:, at:] & ((direction[:, at:] == -1) | any_side[:, at:])
    hit = after.any(axis=1)
    return np.where(hit, after.argmax(axis=1) + 1, NEVER)


def run(
    series: int,
    ns: list[int],
    shifts: list[float],
    budgets: list[float],
    seed: int,
    change_at: list[int],
    references: list[float],
) -> None:
    rng = np.random.default_rng(seed)
    check_runs_signal(rng)
    print(
        f"{series} series per cell, SD {SD:g}, {WAVES_PER_YEAR} waves/year, {NULL_YEARS} stable"
        " years for the false-alarm rate; a drop after c stable waves; delays in waves (median,"
        " 90th percentile)\n"
    )
    header = f"{'n':>4} {'rule':>16} {'false/yr':>9} {'/budget':>7}" + "".join(
        f"  {f'c={c} d={s:g}':>11} med p90" for c in change_at for s in shifts
    )
    print(header)
    print("-" * len(header))
    started = time.perf_counter()
    for n in ns:
        null = simulate(rng, series, NULL_YEARS * WAVES_PER_YEAR, n)
        drops = {
            (c, s): simulate(rng, series, c + WATCH, n, s, c) for c in change_at for s in shifts
        }
        rules = [
            (
                f"budget {b:g}" + ("" if k == REFERENCE else f" k={k:g}"),
                b,
                lambda data, b=b, k=k: monitor_flags(*data, b, k),
            )
            for b in budgets
            for k in references
        ]
        rules.append(("today", None, lambda data: today_flags(rng, *data)))
        for label, budget, flag in rules:
            flags, _ = flag(null)
            rate = flags.sum() / (series * NULL_YEARS)
            ratio = f"{rate / budget:.2f}" if budget else "-"
            cells = []
            for (c, _shift), data in drops.items():
                flags, direction = flag(data)
                # Only today's run-chart flags have no side (direction 0): they count either way.
                delays = first_delay(flags, direction, c, any_side=flags & (direction == 0))
                median, p90 = np.median(delays), np.percentile(delays, 90)
                cells.append(f"  {_wave(median):>15} {_wave(p90):>3}")
            print(f"{n:>4} {label:>16} {rate:>9.3f} {ratio:>7}" + "".join(cells), flush=True)
    print(f"\n{time.perf_counter() - started:.1f} s")


def _wave(value: float) -> str:
    return f">{WATCH}" if value >= NEVER else f"{value:g}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=2000)
    parser.add_argument("--n", type=int, nargs="+", default=[5, 10, 18, 40, 100])
    parser.add_argument("--shift", type=float, nargs="+", default=[5.0, 10.0, 15.0])
    parser.add_argument("--budget", type=float, nargs="+", default=[0.25, 0.5, 1.0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--change-at", type=int, nargs="+", default=[13, 26])
    parser.add_argument("--reference", type=float, nargs="+", default=[REFERENCE])
    parser.add_argument(
        "--quick", action="store_true", help="n 18, a 10-point drop, budget 0.5, 500 series"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.series, args.n, args.shift, args.budget = 500, [18], [10.0], [0.5]
    run(args.series, args.n, args.shift, args.budget, args.seed, args.change_at, args.reference)


if __name__ == "__main__":
    main()
