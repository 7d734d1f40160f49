"""Run every benchmark and write ``benchmarks/results.json`` (``make bench``).

The large kommune is built once into ``benchmarks/large_kommune.duckdb`` (git-ignored, about
0.86 GB, 45 s to build) and reused. Each benchmark prints its own table; this script collects
the numbers into results.json in the fixed shape of issue 17, so releases can be compared:

    {"date", "machine": {"cores", "load_average_1m"},
     "pages": {page: {"admin"|"leder": {"p50_ms", "p95_ms", "cpu_s"}}},
     "first_page_after_restart_ms", "queries": {name: {"p95_ms"}},
     "pandas": {view: {"medspil_ms", "pandas_ms", "ratio"}}, "scale_150m": {page: {"p95_ms"}},
     "answer_page": {"burst_100": {...}, "ramp_200_in_60s": {...}}, "peak_rss_mb"}

``--scale`` (``make bench-scale``) adds ``scale_150m`` (ten years of weekly pulses, about 150
million answers; built once into ``benchmarks/scale_150m.duckdb``: 8.6 GB, 22 min). ``--tiny``
runs everything on a small generated kommune with a handful of phones, for the smoke test; its
numbers mean nothing. The analytics, basis (a wave closing: grown against built in full),
submit, shift-monitor and first-start (the small demo from nothing to its first page)
benchmarks print their own numbers alongside.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import (  # noqa: E402
    bench_answer_page,
    bench_pages,
    bench_pandas,
    bench_restart,
    large_kommune,
)
from benchmarks.common import (  # noqa: E402
    LARGE_DB,
    ROOT,
    ensure_large_kommune,
    machine,
    peak_rss_mb,
    today,
)
from deploy.nginx import NGINX  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results.json"
SCALE_DB = ROOT / "benchmarks" / "scale_150m.duckdb"


def _heading(text: str) -> None:
    print(f"\n=== {text} ===", flush=True)


def _side_benchmarks(tiny: bool) -> None:
    """The side benchmarks print their own numbers (not in the JSON)."""
    if tiny:
        return
    scripts = (
        ("bench_analytics.py", []),
        ("bench_basis.py", []),
        ("bench_submit.py", ["--rounds", "20"]),
        ("bench_shifts.py", ["--series", "500"]),
        ("bench_first_start.py", ["--runs", "3"]),
    )
    for script, args in scripts:
        _heading(script)
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args], check=True)


def run(*, db_path: Path, tiny: bool, scale_db: Path | None, out: Path) -> dict:
    started = time.perf_counter()
    load = machine()
    runs = 1 if tiny else 10
    leder = large_kommune.LEDER_UNIT
    _heading(f"pages (AppTest, admin and leder of {leder}) on {db_path.name}")
    pages = bench_pages.measure(db_path, leder_unit=leder, runs=runs)
    _heading("first page after a restart")
    restart_ms = bench_restart.measure(db_path)
    _heading("medspil against careful pandas")
    pandas = bench_pandas.measure(db_path, runs=1 if tiny else 5)
    # results.json records the production set-up (deploy/nginx.conf in front); the server alone
    # is measured too and printed, for comparison.
    proxy = "nginx" if Path(NGINX).exists() else None
    load_shape = (
        {"burst": 3, "ramp": 3, "ramp_seconds": 2, "think_s": 0.5}
        if tiny
        else {"burst": 100, "ramp": 200, "ramp_seconds": 60, "think_s": 20}
    )
    if not tiny:
        _heading("answer page under a staff meeting: Streamlit alone")
        bench_answer_page.measure_apart(**load_shape)
    _heading(f"answer page under a staff meeting: {proxy or 'Streamlit alone (no nginx here)'}")
    answer = bench_answer_page.measure_apart(**load_shape, proxy=proxy)
    burst, ramp = answer.values()
    scale: dict = {}
    if scale_db is not None:
        _heading(f"scale: {scale_db.name}")
        scaled = bench_pages.measure(scale_db, leder_unit=leder, runs=2 if tiny else 5)
        scale = {
            page: {"p95_ms": max(roles[r]["p95_ms"] for r in roles)}
            for page, roles in scaled["pages"].items()
        }
    results = {
        "date": today(),
        "machine": load,
        "pages": pages["pages"],
        "first_page_after_restart_ms": round(restart_ms, 1),
        "queries": pages["queries"],
        "pandas": pandas,
        "scale_150m": scale,
        "answer_page": {"burst_100": burst, "ramp_200_in_60s": ramp},
        "peak_rss_mb": peak_rss_mb(),
    }
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {out} in {time.perf_counter() - started:.0f} s")
    _side_benchmarks(tiny)  # after the file is written: they only print
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", action="store_true", help="add scale_150m (opt-in, slow)")
    parser.add_argument("--tiny", action="store_true", help="a tiny kommune (smoke test only)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--db", type=Path, default=None, help="the kommune to measure")
    args = parser.parse_args()
    if args.tiny:
        # A kommune given with --db is used as it is; otherwise one is built in a new folder.
        db_path = args.db or Path(tempfile.mkdtemp(prefix="medspil-bench-tiny-")) / "tiny.duckdb"
        if not db_path.exists():
            large_kommune.build(db_path, size=large_kommune.TINY)
        scale_db = db_path if args.scale else None
    else:
        db_path = args.db or ensure_large_kommune(LARGE_DB)
        scale_db = ensure_large_kommune(SCALE_DB, large_kommune.SCALE_150M) if args.scale else None
    run(db_path=db_path, tiny=args.tiny, scale_db=scale_db, out=args.out)


if __name__ == "__main__":
    main()
