"""Smoke tests: every benchmark still runs, on a tiny data set. Nothing here is timed.

The numbers the benchmarks print are for ``make bench``; these tests only check that each
benchmark completes and reports in the shape results.json promises (issue 17).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from benchmarks import bench_basis, bench_pages, bench_pandas, large_kommune
from data import open_database, org, projects
from data.answers import bulk_insert, table_counts
from data.db import Database
from surveys.installation.setup import register_instrument
from surveys.instruments.instrument import load_instrument
from tests.conftest import ROOT

ROLE_FIELDS = {"p50_ms", "p95_ms", "cpu_s"}


@pytest.fixture(scope="module")
def tiny_kommune(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "tiny.duckdb"
    large_kommune.build(path, size=large_kommune.TINY)
    return path


def _python(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=900
    )


def test_the_generated_kommune_has_the_requested_shape(tiny_kommune: Path) -> None:
    size = large_kommune.TINY
    db = open_database(tiny_kommune)
    counts = table_counts(db)
    with db.cursor() as cur:
        units = cur.execute("SELECT count(*) FROM units").fetchone()[0]
        waves = cur.execute("SELECT count(*) FROM waves").fetchone()[0]
    db.close()
    assert units == size.units
    assert waves == size.waves
    assert counts["invitations"] == size.employees * size.waves
    # About 60 % answer; 13 items a response.
    assert 0.5 < counts["responses"] / counts["invitations"] < 0.7
    assert counts["answers"] == 13 * counts["responses"]


def test_large_kommune_splits_52_waves_like_the_issue_says() -> None:
    assert large_kommune.wave_counts(large_kommune.LARGE) == [8, 10, 14, 12, 8]
    assert sum(large_kommune.wave_counts(large_kommune.SCALE_150M)) == 520


def test_pandas_baseline_scores_respondents_like_the_hand_calculation(db: Database) -> None:
    """Answers 5, 4 and 2 to men1, men2 and reverse-keyed men3: (100 + 75 + 75) / 3 = 83.33;
    motivation with one of three items answered is dropped (fewer than half)."""
    register_instrument(db, load_instrument())
    org.insert_units(db, [("K", None, "Kommune", "kommune", 0), ("T", "K", "Team", "team", 9)])
    projects.insert_project(
        db,
        project_id="p",
        name="P",
        description="",
        instrument_id="medspil-1",
        involvement="information",
        unit_ids=["K"],
        modules=[],
    )
    day = dt.date(2026, 1, 5)
    phase = projects.insert_phase(
        db, project_id="p", kind="ide", starts=day, ends=day, involvement="information"
    )
    wave = projects.insert_wave(
        db,
        project_id="p",
        number=1,
        opens=day,
        closes=day,
        instrument_id="medspil-1",
        phase_id=phase,
    )
    values = {"men1": 5, "men2": 4, "men3": 2, "mot1": 3, "mot2": None, "mot3": None}
    bulk_insert(
        db,
        {
            "responses": pd.DataFrame({"id": ["r1"], "wave_id": [wave], "unit_id": ["T"]}),
            "answers": pd.DataFrame(
                {
                    "response_id": "r1",
                    "item_id": list(values),
                    "value": pd.array(list(values.values()), dtype="Int8"),
                }
            ),
        },
    )
    scores = bench_pandas.respondent_scores(db, "p")
    assert scores["construct"].astype(str).tolist() == ["mening"]
    assert scores["score"].iloc[0] == pytest.approx(250 / 3)


def test_analytics_and_submit_benchmarks_run_small() -> None:
    analytics = _python("benchmarks/bench_analytics.py", "--units", "60", "--waves", "12")
    assert analytics.returncode == 0, analytics.stderr
    assert "change points" in analytics.stdout
    submit = _python(
        "benchmarks/bench_submit.py", "--threads", "2", "--rounds", "1", "--alone", "20"
    )
    assert submit.returncode == 0, submit.stderr
    assert "store one response" in submit.stdout


def test_the_basis_benchmark_closes_a_wave_on_the_tiny_kommune(tiny_kommune: Path) -> None:
    copy = tiny_kommune.with_name("basis.duckdb")  # the benchmark saves bases beside its file
    shutil.copy(tiny_kommune, copy)
    found = bench_basis.measure(copy, runs=1)
    assert set(found) == {"full", "grown", "page", "fell_back"}
    assert min(found["full"], found["grown"], found["page"]) > 0
    assert (copy.parent / "basis.duckdb.derived").is_dir()


def test_the_pages_benchmark_lets_go_of_the_file(tiny_kommune: Path, tmp_path: Path) -> None:
    """The benchmarks after it (the basis, run in another process) open the same file: the app
    connection, backup schedule and warmer that AppTest's pages started must be gone."""
    copy = tmp_path / "pages.duckdb"
    shutil.copy(tiny_kommune, copy)
    bench_pages.measure(copy, runs=1, quiet=True, pages_to_run=("overblik",))
    opened = _python("-c", f"from data import open_database; open_database({str(copy)!r}).close()")
    assert opened.returncode == 0, opened.stderr[-2000:]


def test_the_first_start_benchmark_builds_the_demo_and_shows_overblik() -> None:
    # One fresh start (prepare, serve.py, Chromium until Overblik shows the demo's projects).
    done = _python("benchmarks/bench_first_start.py", "--runs", "1", "--json")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (run,) = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(run) == {"prepare_s", "server_listening_s", "first_page_s", "total_s"}
    steps = run["prepare_s"] + run["server_listening_s"] + run["first_page_s"]
    assert min(run.values()) > 0 and run["total_s"] == pytest.approx(steps, abs=0.05)


def test_make_bench_writes_results_json_in_the_issue_shape(
    tiny_kommune: Path, tmp_path: Path
) -> None:
    """run_all --tiny: every benchmark once (pages through AppTest for both roles, the first page
    after a restart, careful pandas beside Medspil), the answer page with three phones per
    scenario."""
    out = tmp_path / "results.json"
    done = _python("benchmarks/run_all.py", "--tiny", "--db", str(tiny_kommune), "--out", str(out))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = json.loads(out.read_text(encoding="utf-8"))
    assert list(results) == [
        "date",
        "machine",
        "pages",
        "first_page_after_restart_ms",
        "queries",
        "pandas",
        "scale_150m",
        "answer_page",
        "peak_rss_mb",
    ]
    assert set(results["machine"]) == {"cores", "load_average_1m"}
    assert set(results["pages"]) == set(bench_pages.PAGES)
    for roles in results["pages"].values():
        assert set(roles) == {"admin", "leder"}
        for numbers in roles.values():
            assert set(numbers) == ROLE_FIELDS
            assert numbers["p50_ms"] > 0
    # The pages' reads go through data/: the score histograms among them.
    assert "data.results.wave_response_counts" in results["queries"]
    assert all(set(q) == {"p95_ms"} for q in results["queries"].values())
    assert results["first_page_after_restart_ms"] > 0
    assert set(results["pandas"]) == {"udvikling", "enheder", "faser", "overblik"}
    for view in results["pandas"].values():
        # ratio is rounded to two decimals and both times to one: allow that rounding
        expected = view["pandas_ms"] / view["medspil_ms"]
        assert view["ratio"] == pytest.approx(expected, rel=0.05, abs=0.01)
    assert set(results["answer_page"]) == {"burst_100", "ramp_200_in_60s"}
    for scenario in results["answer_page"].values():
        assert set(scenario) == {"render_p95_s", "submit_p95_s", "lost"}
        assert scenario["lost"] == 0
        assert scenario["render_p95_s"] > 0
    assert results["scale_150m"] == {}
    assert results["peak_rss_mb"] > 0
