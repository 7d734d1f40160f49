"""The small demo kommune from nothing to the first page, as ``make run`` does it.

Run ``.venv/bin/python benchmarks/bench_first_start.py`` (the project installed, as on a fresh
clone after ``make run`` has made ``.venv``). In an empty folder, with no database:

1. ``python -m surveys.cli prepare`` builds the demo kommune (``make run``'s first step);
2. ``python serve.py`` starts the server with ``make run``'s options, until it answers;
3. Debian's Chromium opens ``/`` and waits until Overblik shows the demo's projects and
   Streamlit has stopped running.

Each step's seconds and the total are printed. Target (issue 17): the total within 15 s.
Installing the project (creating ``.venv``) is not counted: it happens once per clone.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 15.0
CHROMIUM = "/usr/bin/chromium"
# What Overblik shows of the demo once it has drawn (the first and the last project card).
SHOWN = ("Digital medicinhåndtering på plejecentre", "Digital byggesagsbehandling")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_listening(url: str, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server stopped before it answered")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"the server did not answer within {seconds:.0f} s")


def _first_page(page, url: str) -> None:  # noqa: ANN001 - a Playwright page
    page.goto(url)
    for text in SHOWN:
        page.get_by_text(text, exact=False).first.wait_for(state="visible")
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")


def measure(*, timeout_s: float = 300.0) -> dict[str, float]:
    """Seconds of each step and the total, in a fresh folder with no database.

    The browser is started before the clock: the user's browser is already open."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="da-DK")
        page.set_default_timeout(timeout_s * 1000)
        try:
            return _timed_start(page, timeout_s)
        finally:
            browser.close()


def _timed_start(page, timeout_s: float) -> dict[str, float]:  # noqa: ANN001 - a Playwright page
    with tempfile.TemporaryDirectory(prefix="medspil-first-start-") as folder:
        env = {
            **os.environ,
            "MEDSPIL_DB": str(Path(folder) / "medspil.duckdb"),
            "MEDSPIL_SECRET_FILE": str(Path(folder) / "medspil.secret"),
        }
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "surveys.cli", "prepare"],
            cwd=ROOT, env=env, check=True, capture_output=True, timeout=timeout_s,
        )  # fmt: skip
        prepared = time.perf_counter()
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                sys.executable, "serve.py", "--server.port", str(port),
                "--server.address", "127.0.0.1", "--server.headless", "true",
                "--server.fileWatcherType", "none", "--runner.postScriptGC", "false",
            ],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            _wait_until_listening(url, server, timeout_s)
            listening = time.perf_counter()
            _first_page(page, url)
            shown = time.perf_counter()
        finally:
            server.terminate()
            server.wait(timeout=30)
    return {
        "prepare_s": round(prepared - started, 2),
        "server_listening_s": round(listening - prepared, 2),
        "first_page_s": round(shown - listening, 2),
        "total_s": round(shown - started, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh starts to measure")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON only")
    args = parser.parse_args()
    results = [measure() for _ in range(args.runs)]
    if args.json:
        print(json.dumps(results))
        return
    print(f"{'run':<5}{'prepare s':>11}{'listening s':>13}{'first page s':>14}{'total s':>9}")
    for i, r in enumerate(results, 1):
        print(
            f"{i:<5}{r['prepare_s']:>11.2f}{r['server_listening_s']:>13.2f}"
            f"{r['first_page_s']:>14.2f}{r['total_s']:>9.2f}"
        )
    worst = max(r["total_s"] for r in results)
    verdict = "met" if worst <= TARGET_S else "NOT met"
    print(f"slowest total {worst:.1f} s (target {TARGET_S:.0f} s: {verdict})")


if __name__ == "__main__":
    main()
