"""The first dashboard page after a restart: a fresh process runs Overblik once as an admin.

Run ``.venv/bin/python benchmarks/bench_restart.py [DB]`` (default: the large kommune). A new
Python process (nothing in memory, as after a restart of the server) imports what ``serve.py``
(``make run``) imports before the server listens, and then runs ``pages/overblik.py`` through
AppTest: the time of that one run is printed (opening the database, the project's basis and the
page itself). Target (issue 17): at most 2 s on the large kommune.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import ROOT, ensure_large_kommune  # noqa: E402

TARGET_MS = 2000.0
PAGES = ("overblik", "udvikling")


def _child(db_path: str, page: str) -> None:
    from streamlit.logger import set_log_level
    from streamlit.testing.v1 import AppTest

    set_log_level("error")
    sys.path.insert(0, str(ROOT))
    import serve

    serve.preload()  # as ``make run`` does before the server listens
    os.environ["MEDSPIL_DB"] = db_path
    os.environ.setdefault("MEDSPIL_SECRET_FILE", db_path + ".secret")
    os.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=600)
    at.session_state["demo_role"] = "admin"
    started = time.perf_counter()
    at.run()
    elapsed = (time.perf_counter() - started) * 1000
    if at.exception:
        raise SystemExit(f"the page raised: {at.exception[0].message}")
    print(json.dumps({"ms": round(elapsed, 1)}))


def measure(db_path: Path, *, page: str = "overblik") -> float:
    """Milliseconds of the first run of ``page`` in a fresh process."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(db_path), page],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise RuntimeError(f"restart benchmark failed: {done.stderr.strip()[-2000:]}")
    ms = float(json.loads(done.stdout.strip().splitlines()[-1])["ms"])
    verdict = "met" if ms <= TARGET_MS else "NOT met"
    print(f"first {page} after a restart: {ms:.0f} ms (target {TARGET_MS:.0f} ms: {verdict})")
    return ms


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3])
        return
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ensure_large_kommune()
    for page in PAGES:
        measure(path, page=page)


if __name__ == "__main__":
    main()
