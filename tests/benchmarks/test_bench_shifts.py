"""Smoke test: the shift benchmark runs on a tiny grid and prints one row per rule."""

from __future__ import annotations

import importlib.util
import re
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
    bench.main(
        ["--series", "40", "--n", "18", "--shift", "15", "--budget", "0.5", "1"]
        + ["--change-at", "13", "26", "--reference", "0.9", "1"]
    )
    rates = {}
    for line in capsys.readouterr().out.splitlines():
        words = line.split()
        if words[:1] == ["18"]:
            # The rate is the first word with three decimals; the rule's label comes before it.
            at = next(i for i, w in enumerate(words) if re.fullmatch(r"\d+\.\d{3}", w))
            label = " ".join(words[1:at])
            size = len(label.split())
            rates[label] = float(words[size + 1])
            # n, rule, rate, rate / budget, then median and p90 for each change point
            assert len(words) == size + 3 + 2 * 2
            if label != "today":
                budget = float(label.split()[1])
                assert float(words[size + 2]) == round(rates[label] / budget, 2)
    assert set(rates) == {
        "budget 0.5",
        "budget 0.5 k=1",
        "budget 1",
        "budget 1 k=1",
        "today",
    }
    assert all(0 <= rate < 5 for rate in rates.values())


def test_the_vectorised_run_chart_rules_match_the_projects_own() -> None:
    bench = _load()
    bench.check_runs_signal(np.random.default_rng(3))  # raises SystemExit when they differ


def test_delay_counts_the_first_wave_at_the_new_level_as_one() -> None:
    bench = _load()
    at = 13
    flags = np.zeros((3, at + bench.WATCH), dtype=bool)
    direction = np.zeros(flags.shape, dtype=int)
    flags[0, at] = True
    direction[0, at] = -1
    flags[1, at + 2] = True  # a rise: not the drop
    direction[1, at + 2] = 1
    flags[2, at + 3] = True  # a run-chart signal, no side
    delays = bench.first_delay(flags, direction, at, any_side=flags & (direction == 0))
    assert delays.tolist() == [1, bench.NEVER, 4]
