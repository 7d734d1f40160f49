"""Server-side time to compute each dashboard page's data, on the demo and on a large kommune.

Run ``.venv/bin/python benchmarks/bench_pages.py [LARGE_DB]``. The large kommune (40,000
employees, 500 units, 52 weekly waves, about 60% response; see ``large_kommune.py``) is built
first when the file is missing (about two minutes; default path in the system's temp folder).

Each page's data is what the page asks ``surveys/`` for, called directly (no Streamlit, so no
``st.cache_data`` either). "cold" is the first call on a freshly opened database (the score
histogram cache is refreshed and the project's protected basis built); "warm" is the median of
five further calls, with the basis kept in memory as the running app keeps it. The target is
under 300 ms per page, warm, on the large kommune.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import large_kommune  # noqa: E402
from data import open_database  # noqa: E402
from data.db import Database  # noqa: E402
from medspil.scope import Scope  # noqa: E402
from surveys import dashboard  # noqa: E402
from surveys.dashboards.comments import comment_view  # noqa: E402
from surveys.dashboards.overview import project_overviews  # noqa: E402
from surveys.dashboards.views import heatmap_table, phase_table, runchart_table, trend_table  # noqa: E402
from surveys.installation.demo import build_demo  # noqa: E402

TARGET_MS = 300.0
WARM_RUNS = 5
LANG = "da"


def page_calls(db: Database, project: str, scope: Scope) -> dict[str, Callable[[], object]]:
    """Per page, the surveys calls the page makes for its default view."""
    today = dt.date.today()
    basis = dashboard.project_basis(db, project, today=today)
    unit = dashboard.unit_choices(basis, scope)[0][0]
    constructs = list(basis.constructs)
    phase = int(basis.waves["phase_id"].iloc[-1])
    common = {"lang": LANG, "today": today}
    return {
        "Overblik": lambda: project_overviews(db, scope, lang=LANG, today=today),
        "Udvikling": lambda: trend_table(db, scope, project, unit, constructs, **common),
        "Udvikling, run charts": lambda: runchart_table(
            db, scope, project, unit, constructs, **common
        ),
        "Enheder, seneste måling": lambda: heatmap_table(db, scope, project, unit, **common),
        "Enheder, en fase": lambda: heatmap_table(
            db, scope, project, unit, phase_id=phase, **common
        ),
        "Faser": lambda: phase_table(db, scope, project, unit, constructs, **common),
        "Kommentarer": lambda: comment_view(db, scope, project, unit, **common),
        "Sådan læser du tallene": lambda: None,
    }


def bench(path: Path, project: str, scope: Scope, title: str) -> bool:
    dashboard._cache.clear()
    db = open_database(path)
    print(f"\n{title} (project {project}, role {scope.role})")
    print(f"{'page':<28}{'cold ms':>10}{'warm ms':>10}")
    started = time.perf_counter()
    calls = page_calls(db, project, scope)
    print(f"{'(open + basis)':<28}{1000 * (time.perf_counter() - started):>10.0f}")
    within = True
    for name, call in calls.items():
        started = time.perf_counter()
        call()
        cold = 1000 * (time.perf_counter() - started)
        times = []
        for _ in range(WARM_RUNS):
            started = time.perf_counter()
            call()
            times.append(1000 * (time.perf_counter() - started))
        warm = statistics.median(times)
        within &= warm < TARGET_MS
        flag = "" if warm < TARGET_MS else "  over target"
        print(f"{name:<28}{cold:>10.0f}{warm:>10.0f}{flag}")
    db.close()
    return within


def main() -> None:
    tmp = Path(tempfile.gettempdir())
    large = Path(sys.argv[1]) if len(sys.argv) > 1 else tmp / "medspil-large-kommune.duckdb"
    if not large.exists():
        print(f"building the large kommune into {large} ...", flush=True)
        large_kommune.build(large)
    demo = tmp / "medspil-bench-demo.duckdb"
    demo.unlink(missing_ok=True)
    db = open_database(demo)
    build_demo(db, seed=1)
    db.close()
    bench(demo, "medicin", Scope.admin(), "Demo kommune")
    bench(
        demo, "medicin", Scope(role="leder", unit_roots=frozenset({"AELDRE-SYD"})), "Demo kommune"
    )
    ok = bench(large, large_kommune.PROJECT, Scope.admin(), "Large kommune")
    ok &= bench(
        large,
        large_kommune.PROJECT,
        Scope(role="leder", unit_roots=frozenset({"A0"})),
        "Large kommune",
    )
    print(f"\nlarge kommune, every page warm under {TARGET_MS:.0f} ms: {'yes' if ok else 'NO'}")


if __name__ == "__main__":
    main()
