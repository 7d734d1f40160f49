"""Real-browser fixtures: a Streamlit server on a free port and Chromium driven by Playwright.

Chromium is Debian's ``/usr/bin/chromium`` when present, else Playwright's own browser. When
neither exists the tests fail loudly with the install command; they are never skipped.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The one wait of every browser test (a page to render, Streamlit to finish a run, a server to
# start). Generous, since CI machines are busy and nothing here is timed; a slower machine may
# raise it: MEDSPIL_BROWSER_TIMEOUT=180 make test. A server gets twice as long to start.
TIMEOUT_S = float(os.environ.get("MEDSPIL_BROWSER_TIMEOUT", "90"))
TIMEOUT_MS = int(TIMEOUT_S * 1000)
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_HINT = (
    "Chromium is missing. Install it with: apt-get update && apt-get install -y chromium "
    "(Debian/Ubuntu), or on another system: .venv/bin/playwright install chromium"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    db_path: Path
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_server(
    db_path: Path,
    tmp_dir: Path,
    extra_env: dict[str, str] | None = None,
    *,
    port: int | None = None,
    extra_args: tuple[str, ...] = (),
) -> Server:
    """Start ``streamlit run app.py`` (on ``port``, else a free one) and wait until it answers."""
    port = port or free_port()
    log_path = tmp_dir / f"streamlit-{port}.log"
    env = {
        **os.environ,
        "MEDSPIL_DB": str(db_path),
        "MEDSPIL_SECRET_FILE": str(db_path.with_suffix(".secret")),
        **(extra_env or {}),
    }
    process = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--server.headless", "true", *extra_args,
        ],
        cwd=ROOT,
        env=env,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 2 * TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return Server(url, process, db_path, log_path)
        except OSError:
            time.sleep(0.3)
        if process.poll() is not None:
            break
    process.kill()
    raise RuntimeError(f"Streamlit did not start:\n{log_path.read_text(errors='replace')}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture
def server(demo_copy: Path, tmp_path: Path) -> Iterator[Server]:
    """A fresh server on a private copy of the demo database."""
    running = start_server(demo_copy, tmp_path)
    yield running
    stop_server(running)


def chromium_executable() -> str | None:
    """Debian's Chromium when installed, else None to let Playwright use its own browser."""
    return str(DEBIAN_CHROMIUM) if DEBIAN_CHROMIUM.exists() else None


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import Error, sync_playwright

    executable = chromium_executable()
    if executable is None and shutil.which("chromium") is None:
        playwright_cache = Path.home() / ".cache" / "ms-playwright"
        if not playwright_cache.exists():
            pytest.fail(INSTALL_HINT)
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(
                executable_path=executable, args=CHROMIUM_ARGS, headless=True
            )
        except Error as e:
            pytest.fail(f"{INSTALL_HINT}\n{e}")
        yield launched
        launched.close()


@contextmanager
def browser_page(browser, width: int, height: int, **options) -> Iterator[object]:
    """A page in a fresh browser context (Danish, the one timeout), closed afterwards.

    Motion is reduced as a person may ask their browser to: Streamlit's running indicator and
    skeletons then do not animate, which spares Chromium's compositor most of its work while a
    test waits (about a tenth of the browser tests' CPU). ``options`` add to the context's
    (``is_mobile``, ``has_touch``)."""
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale="da-DK",
        reduced_motion="reduce",
        **options,
    )
    try:
        new_page = context.new_page()
        new_page.set_default_timeout(TIMEOUT_MS)
        yield new_page
    finally:
        context.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    # Tall: axe-core checks contrast only on what is inside the viewport.
    with browser_page(browser, 1280, 4000) as new_page:
        yield new_page


def wait_for_app(page, text: str, *more: str) -> None:
    """Wait until Streamlit has rendered ``text`` (and every one of ``more``: a busy server sends
    a page in several parts, and the running indicator may not be up yet) and stopped running."""
    for expected in (text, *more):
        page.get_by_text(expected, exact=False).first.wait_for(state="visible")
    settle(page)


def settle(page) -> None:
    """Wait until Streamlit has stopped running the page (its running indicator is gone)."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT_MS
    )


def assert_no_exception(page) -> None:
    boxes = page.locator('[data-testid="stException"]')
    assert boxes.count() == 0, boxes.first.inner_text()
