"""Smoke test: the shift benchmark runs on a tiny grid and prints one row per rule."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_shifts.py"


def _load():
    spec = importlib.util.spec_from_file_location("bench_shifts", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_prints_a_row_per_rule(capsys) -> None:
    bench = _load()
    bench.main(["--series", "40", "--n", "18", "--shift", "15", "--budget", "0.5", "1"])
    rates = {}
    for line in capsys.readouterr().out.splitlines():
        words = line.split()
        if words[:1] == ["18"]:
            label = words[1] if words[1] == "today" else " ".join(words[1:3])
            rates[label] = float(words[len(label.split()) + 1])
            assert len(words) == len(label.split()) + 4  # n, rule, rate, median and p90
    assert set(rates) == {"budget 0.5", "budget 1", "today"}
    assert all(0 <= rate < 5 for rate in rates.values())


def test_the_vectorised_run_chart_rules_match_the_projects_own() -> None:
    bench = _load()
    bench.check_runs_signal(np.random.default_rng(3))  # raises SystemExit when they differ


def test_delay_counts_the_first_wave_at_the_new_level_as_one() -> None:
    bench = _load()
    flags = np.zeros((3, bench.CHANGE_AT + bench.WATCH), dtype=bool)
    direction = np.zeros(flags.shape, dtype=int)
    flags[0, bench.CHANGE_AT] = True
    direction[0, bench.CHANGE_AT] = -1
    flags[1, bench.CHANGE_AT + 2] = True  # a rise: not the drop
    direction[1, bench.CHANGE_AT + 2] = 1
    flags[2, bench.CHANGE_AT + 3] = True  # a run-chart signal, no side
    delays = bench.first_delay(flags, direction, any_side=flags & (direction == 0))
    assert delays.tolist() == [1, bench.NEVER, 4]
