"""Medspil against a careful pandas script on the same views, side by side in one run.

Run ``.venv/bin/python benchmarks/bench_pandas.py [DB]`` (default: the large kommune).

The pandas baseline is the careful one a data analyst would write: read the raw tables once,
compute every respondent's construct score once (the mean of the answered items, 0-100,
reverse-keyed items turned, kept when at least half are answered), keep that in memory, and
then answer each view with one group-by. The reading and scoring are done once and printed, not
charged to the views. Medspil answers the same view with the ``surveys`` function the page
calls, with the project's basis in memory as the running app keeps it (no ``st.cache_data``).
Medspil computes more per view (anonymity, comparisons, change points); the baseline only the
means, n and confidence intervals. ``ratio`` = pandas_ms / medspil_ms; the target is at least 5.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import t as t_dist

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import large_kommune  # noqa: E402
from benchmarks.common import ensure_large_kommune  # noqa: E402
from data import open_database  # noqa: E402
from data.db import Database  # noqa: E402
from medspil.scope import Scope  # noqa: E402
from surveys.dashboards import basis as dashboard  # noqa: E402
from surveys.dashboards.changes import latest_scores  # noqa: E402
from surveys.dashboards.views import heatmap_table, phase_table, trend_table  # noqa: E402

TARGET_RATIO = 5.0
LANG = "da"


def respondent_scores(db: Database, project_id: str) -> pd.DataFrame:
    """Once: every respondent's construct scores (``wave_id``, ``unit_id``, ``construct``,
    ``score``), from the raw rows, as a careful pandas script computes them."""
    with db.cursor() as cur:
        answers = cur.execute(
            """SELECT r.wave_id, r.unit_id, a.response_id, a.item_id, a.value
               FROM answers a JOIN responses r ON r.id = a.response_id
               JOIN waves w ON w.id = r.wave_id WHERE w.project_id = ?""",
            [project_id],
        ).df()
        items = cur.execute("SELECT id, construct, reverse FROM items").df()
    items = items.drop_duplicates("id").set_index("id")
    answers["construct"] = answers["item_id"].map(items["construct"]).astype("category")
    value = answers["value"].astype("float64")
    reverse = answers["item_id"].map(items["reverse"]).astype(bool)
    answers["points"] = np.where(reverse, (5 - value) * 25.0, (value - 1) * 25.0)
    grouped = answers.groupby(
        ["wave_id", "unit_id", "response_id", "construct"], observed=True, sort=False
    )
    scores = grouped.agg(score=("points", "mean"), n_items=("item_id", "size"))
    scores["answered"] = grouped["points"].count()
    scores = scores[scores["answered"] * 2 >= scores["n_items"]].reset_index()
    return scores[["wave_id", "unit_id", "construct", "score"]]


def _summary(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """n, mean and a t-based 95 % CI per group."""
    stats = frame.groupby(by, observed=True)["score"].agg(["size", "mean", "std"])
    half = t_dist.ppf(0.975, stats["size"] - 1) * stats["std"] / np.sqrt(stats["size"])
    return stats.assign(ci_low=stats["mean"] - half, ci_high=stats["mean"] + half)


def _tree(db: Database) -> tuple[dict[str, str | None], dict[str, list[str]]]:
    with db.cursor() as cur:
        units = cur.execute("SELECT id, parent_id FROM units").df()
    parent = dict(zip(units["id"], units["parent_id"], strict=True))
    children: dict[str, list[str]] = {}
    for unit, up in parent.items():
        if up is not None:
            children.setdefault(up, []).append(unit)
    return parent, children


def _subtree(children: dict[str, list[str]], root: str) -> list[str]:
    found, stack = [], [root]
    while stack:
        unit = stack.pop()
        found.append(unit)
        stack.extend(children.get(unit, []))
    return found


def pandas_views(db: Database, project_id: str, unit: str) -> dict[str, Callable[[], object]]:
    """Per view, the careful pandas group-by over the respondents' scores computed once."""
    started = time.perf_counter()
    scores = respondent_scores(db, project_id)
    print(
        f"pandas, once: read and score {len(scores):,} respondent scores in "
        f"{time.perf_counter() - started:.1f} s (not charged to the views)"
    )
    _, children = _tree(db)
    with db.cursor() as cur:
        waves = cur.execute(
            "SELECT id, phase_id FROM waves WHERE project_id = ? AND closes < current_date "
            "ORDER BY number",
            [project_id],
        ).df()
    wave_phase = dict(zip(waves["id"], waves["phase_id"], strict=True))
    latest, previous = int(waves["id"].iloc[-1]), int(waves["id"].iloc[-2])

    def trend():
        mine = scores[scores["unit_id"].isin(_subtree(children, unit))]
        return _summary(mine, ["wave_id", "construct"])

    def heatmap():
        rows = {u: u for u in [unit]}
        for child in children.get(unit, []):
            rows.update(dict.fromkeys(_subtree(children, child), child))
        wave = scores[scores["wave_id"] == latest]
        sub = wave[wave["unit_id"].isin(rows) & (wave["unit_id"] != unit)]
        sub = sub.assign(row=sub["unit_id"].map(rows))
        whole = wave[wave["unit_id"].isin(_subtree(children, unit))].assign(row=unit)
        return _summary(pd.concat([whole, sub]), ["row", "construct"])

    def phases():
        mine = scores[scores["unit_id"].isin(_subtree(children, unit))]
        return _summary(mine.assign(phase=mine["wave_id"].map(wave_phase)), ["phase", "construct"])

    def latest_view():
        mine = scores[
            scores["wave_id"].isin([latest, previous])
            & scores["unit_id"].isin(_subtree(children, unit))
        ]
        return _summary(mine, ["construct", "wave_id"])

    return {"udvikling": trend, "enheder": heatmap, "faser": phases, "overblik": latest_view}


def medspil_views(db: Database, project_id: str, unit: str) -> dict[str, Callable[[], object]]:
    today = dt.date.today()
    scope = Scope.admin()
    basis = dashboard.project_basis(db, project_id, today=today)
    constructs = list(basis.constructs)
    common = {"lang": LANG, "today": today}
    return {
        "udvikling": lambda: trend_table(db, scope, project_id, unit, constructs, **common),
        "enheder": lambda: heatmap_table(db, scope, project_id, unit, **common),
        "faser": lambda: phase_table(db, scope, project_id, unit, constructs, **common),
        "overblik": lambda: latest_scores(db, scope, project_id, **common),
    }


def _median_ms(call: Callable[[], object], runs: int) -> float:
    call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(
    db_path: Path, *, project_id: str = large_kommune.PROJECT, unit: str = "L", runs: int = 5
) -> dict:
    """``{view: {medspil_ms, pandas_ms, ratio}}`` for the whole kommune seen by an admin."""
    dashboard._cache.clear()
    db = open_database(db_path)
    try:
        ours = medspil_views(db, project_id, unit)
        theirs = pandas_views(db, project_id, unit)
        results = {}
        print(f"{'view':<14}{'medspil ms':>12}{'pandas ms':>12}{'ratio':>8}")
        for view, call in ours.items():
            medspil_ms = _median_ms(call, runs)
            pandas_ms = _median_ms(theirs[view], runs)
            ratio = pandas_ms / medspil_ms if medspil_ms else 0.0
            results[view] = {
                "medspil_ms": round(medspil_ms, 1),
                "pandas_ms": round(pandas_ms, 1),
                "ratio": round(ratio, 2),
            }
            flag = "" if ratio >= TARGET_RATIO else f"  under the target of {TARGET_RATIO:.0f}x"
            print(f"{view:<14}{medspil_ms:>12.1f}{pandas_ms:>12.1f}{ratio:>7.1f}x{flag}")
    finally:
        db.close()
        dashboard._cache.clear()
    return results


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ensure_large_kommune()
    measure(path)


if __name__ == "__main__":
    main()
