"""Time the analytics on a large synthetic project: 500 units x 6 constructs x 52 waves.

Run as ``.venv/bin/python benchmarks/bench_analytics.py [--units 500 --waves 52]``. The target
is under 1 s for all comparisons, run charts and change points once the histograms are
protected; every stage is printed so a regression shows where it happened.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analytics import (  # noqa: E402
    compare_phases,
    compare_waves,
    phase_trends,
    protect_histograms,
    run_charts,
    summarise_phases,
    summarise_waves,
    wave_changepoints,
)

N_UNITS = 500
N_WAVES = 52
CONSTRUCTS = ("mening", "motivation", "medspil", "information", "tryghed", "kompetencer")
PHASES = ("ide", "konsekvensvurdering", "udvikling", "implementering", "drift")
K = 5
TARGET_SECONDS = 1.0


def make_tree(n_units: int) -> dict[str, str | None]:
    """One kommune: 1 root, 9 areas, 40 departments and teams under the departments."""
    parent: dict[str, str | None] = {"u0": None}
    for i in range(1, 10):
        parent[f"u{i}"] = "u0"
    for i in range(10, 50):
        parent[f"u{i}"] = f"u{1 + i % 9}"
    for i in range(50, n_units):
        parent[f"u{i}"] = f"u{10 + i % 40}"
    return parent


def make_histograms(parent: dict, seed: int = 1, waves: int = N_WAVES) -> pd.DataFrame:
    """Respondents on the teams, 2-3 item constructs, a level shift in wave 30 for some teams."""
    rng = np.random.default_rng(seed)
    teams = [unit for unit in parent if int(unit[1:]) >= 50]
    grid = np.unique(np.concatenate([np.arange(0, 101, 25 / 2), np.arange(0, 101, 25 / 3)]))
    grid = np.round(grid, 10)
    rows = []
    for c, construct in enumerate(CONSTRUCTS):
        shift = rng.choice([0.0, 0.8], size=len(teams))
        for w in range(waves):
            centre = 0.4 + 0.02 * c + np.where(w >= 30, shift, 0.0)
            logits = -((grid[None, :] / 25 - 2 - centre[:, None]) ** 2)
            weights = np.exp(logits)
            weights /= weights.sum(axis=1, keepdims=True)
            sizes = rng.integers(2, 16, size=len(teams))
            counts = np.array([rng.multinomial(s, p) for s, p in zip(sizes, weights, strict=True)])
            team_index, bin_index = np.nonzero(counts)
            rows.append(
                pd.DataFrame(
                    {
                        "wave_id": w,
                        "unit_id": np.array(teams, dtype=object)[team_index],
                        "construct": construct,
                        "score": grid[bin_index],
                        "n": counts[team_index, bin_index],
                    }
                )
            )
    return pd.concat(rows, ignore_index=True)


def timed(label: str, function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    seconds = time.perf_counter() - start
    size = f"{len(result):>8} rows" if hasattr(result, "__len__") else ""
    print(f"{label:<34}{seconds:8.3f} s {size}")
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=N_UNITS, help="at least 51")
    parser.add_argument("--waves", type=int, default=N_WAVES)
    args = parser.parse_args()
    parent = make_tree(args.units)
    n_waves = args.waves
    wave_phase = {
        w: PHASES[min(w * len(PHASES) // n_waves, len(PHASES) - 1)] for w in range(n_waves)
    }
    histograms = make_histograms(parent, waves=n_waves)
    print(
        f"{args.units} units x {len(CONSTRUCTS)} constructs x {n_waves} waves, k = {K}: "
        f"{len(histograms):,} histogram rows"
    )
    for prefer in ("phases", "waves"):
        print(f"\n-- prefer={prefer!r} (which a unit keeps when one of its waves must be hidden)")
        run_all(histograms, parent, wave_phase, prefer)


def run_all(histograms: pd.DataFrame, parent: dict, wave_phase: dict, prefer: str) -> None:
    protected, t_protect = timed(
        "protect (subtrees + suppression)",
        protect_histograms,
        histograms,
        parent=parent,
        wave_phase=wave_phase,
        k=K,
        prefer=prefer,
    )
    _, t_summ_w = timed("wave summaries", summarise_waves, protected)
    _, t_summ_p = timed("phase summaries", summarise_phases, protected)
    _, t_cmp_w = timed("wave-to-wave comparisons", compare_waves, protected)
    _, t_cmp_p = timed("phase-to-phase comparisons", compare_phases, protected)
    _, t_runs = timed("run charts (Anhoej)", run_charts, protected)
    _, t_cps = timed("change points (PELT)", wave_changepoints, protected)
    _, t_trend = timed("trends per phase (Mann-Kendall)", phase_trends, protected)
    core = t_cmp_w + t_cmp_p + t_runs + t_cps
    everything = core + t_protect + t_summ_w + t_summ_p + t_trend
    verdict = "met" if core < TARGET_SECONDS else "NOT met"
    print(
        f"{'comparisons + run charts + change points':<34}{core:8.3f} s (target < 1 s: {verdict})"
    )
    print(f"{'everything above':<34}{everything:8.3f} s")


if __name__ == "__main__":
    main()
