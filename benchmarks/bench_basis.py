"""A wave closes: the basis grown by that wave, against a build from every closed wave.

Run ``.venv/bin/python benchmarks/bench_basis.py [DB] [--runs 3]`` (default: the large kommune).
For the project's last wave with answers, three times each (the median is printed):

- ``full``: the basis built from every closed wave (what closing a wave cost before);
- ``grown``: the basis of the day before, grown by the new wave (``_grown_basis``);
- ``page``: ``project_basis`` on the first page after the wave closed, with the basis of the
  day before in memory: the state check, the growth and saving the result beside the file.

Issue 17 asks that closing a wave adds to what is in memory instead of rebuilding the project.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402

from benchmarks.common import LARGE_DB, ensure_large_kommune  # noqa: E402
from data import open_database  # noqa: E402
from data import projects as project_queries  # noqa: E402
from data.db import Database  # noqa: E402
from data.results import closed_wave_state, wave_response_counts  # noqa: E402
from surveys.dashboards import basis as basis_module  # noqa: E402


def _last_two_closings(db: Database, project_id: str) -> tuple[dt.date, dt.date]:
    """The day the second-to-last and the last wave with answers count as closed."""
    answered = {w for w, _ in wave_response_counts(db, project_id)}
    waves = project_queries.waves(db, project_id)
    days = sorted(
        pd.Timestamp(closes).date() + dt.timedelta(days=1)
        for wave, closes in zip(waves["id"], waves["closes"], strict=True)
        if int(wave) in answered
    )
    return days[-2], days[-1]


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def measure(db_path: Path, *, runs: int = 3) -> dict:
    """Median milliseconds of a full build, of growing by one wave, and of the page's update;
    ``fell_back`` when the wave could not be added (new score values: a full build instead)."""
    db = open_database(db_path)
    try:
        project_id = str(project_queries.projects(db)["id"].iloc[0])
        before, after = _last_two_closings(db, project_id)
        state = {
            day: (basis_module.BASIS_FORMAT, closed_wave_state(db, project_id, closed_before=day))
            for day in (before, after)
        }
        times: dict[str, list[float]] = {"full": [], "grown": [], "page": []}
        fell_back = False
        prior, layer = basis_module._build_basis(db, project_id, before)
        for _ in range(runs):
            started = time.perf_counter()
            basis_module._build_basis(db, project_id, after)
            times["full"].append(_ms(started))
            started = time.perf_counter()
            grown = basis_module._grown_basis(
                db, project_id, after, state[before], prior, layer, state[after]
            )
            times["grown"].append(_ms(started))
            fell_back = grown is None  # the new wave brought a score value not seen before
            basis_module.forget_bases()
            basis_module.project_basis(db, project_id, today=before)
            started = time.perf_counter()
            basis_module.project_basis(db, project_id, today=after)
            times["page"].append(_ms(started))
        basis_module.forget_bases()
    finally:
        db.close()
    found: dict = {name: round(statistics.median(values), 1) for name, values in times.items()}
    return {**found, "fell_back": fell_back}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", nargs="?", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    db_path = args.db or ensure_large_kommune(LARGE_DB)
    found = measure(db_path, runs=args.runs)
    print(f"{'closing a wave on ' + db_path.name:<44} median ms")
    print(f"{'  full build from every closed wave':<44} {found['full']:>9.1f}")
    print(f"{'  grown by the new wave':<44} {found['grown']:>9.1f}")
    print(f"{'  first page after it closed (incl. saving)':<44} {found['page']:>9.1f}")
    print(f"{'  full / grown':<44} {found['full'] / max(found['grown'], 0.1):>9.1f}x")
    if found["fell_back"]:
        print("  (the new wave brought score values not seen before: it was built in full)")


if __name__ == "__main__":
    main()
