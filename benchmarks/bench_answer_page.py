"""The answer page under a staff meeting: many phones opening ``/besvar`` and answering at once.

Run ``.venv/bin/python benchmarks/bench_answer_page.py [--burst 100] [--ramp 200 --ramp-seconds
60] [--think 20] [--proxy nginx]``. The demo kommune is built in a temporary folder, codes are
issued for the open wave of ``medicin``, and the server is started as ``make run`` starts it
(``serve.py``, loopback only). Each simulated phone then does what a browser does,
at the protocol level (no browser per phone):

1. fetches the static front-end files a real browser fetches for ``/besvar?kode=…`` (the list
   is recorded once with headless Chromium; without Chromium: ``index.html`` and what it links);
2. opens Streamlit's websocket, asks for the page with its code and waits until the script has
   finished: **render** is the time from the first request to that moment;
3. "answers" for ``--think`` seconds (±25 %, seeded), then sends the form as the browser sends
   it (every item answered, the comment empty, the submit button's trigger) and waits for the
   thank-you page: **submit** is that time.

``burst``: every phone starts at the same instant. ``ramp``: arrivals spread evenly at random
over ``--ramp-seconds``. ``--proxy nginx`` puts ``deploy/nginx.conf`` in front (static files
from nginx, precompressed). **lost** = phones whose answer is not stored afterwards (counted in the
database when the server has stopped). Client and server share this machine's cores, so the
phones' own work (parsing, TLS-free HTTP) is charged to the same CPU; the CPU seconds of
Streamlit, of nginx and of the phones during each scenario are printed, to show the split.
Targets (issue 17): burst of 100: render p95 ≤ 3 s, submit p95 ≤ 1 s, nothing lost; 200 within
60 s: render p95 ≤ 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import ROOT, app_environment, percentile  # noqa: E402

PROJECT = "medicin"
UNIT = "NORD-SOLHOJ"
CLIENT_TIMEOUT_S = 120.0
CHROMIUM = "/usr/bin/chromium"
CURL = shutil.which("curl") or "/usr/bin/curl"


@dataclass
class Phone:
    code: str
    arrive_s: float
    think_s: float
    render_s: float | None = None
    submit_s: float | None = None
    thanked: bool = False
    error: str | None = None
    static_bytes: int = 0
    static_requests: int = 0
    static_s: float | None = None


@dataclass
class Server:
    process: subprocess.Popen
    base_url: str
    folder: Path
    db_path: Path
    extra: list[subprocess.Popen] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare_database(folder: Path, n_codes: int) -> tuple[Path, list[str]]:
    """The demo kommune in ``folder`` and ``n_codes`` fresh codes for its open wave."""
    from data import open_database
    from medspil.scope import Scope
    from surveys.answering.codes import installation_secret, issue_codes
    from surveys.installation.demo import build_demo

    db_path = folder / "medspil.duckdb"
    db = open_database(db_path)
    build_demo(db, seed=1)
    with app_environment(db_path, folder / "medspil.secret"):
        secret = installation_secret(db_path)
    codes: list[str] = []
    today = dt.date.today()
    while len(codes) < n_codes:
        codes += issue_codes(
            db,
            project_id=PROJECT,
            unit_id=UNIT,
            count=min(2000, n_codes - len(codes)),
            scope=Scope.admin("benchmark"),
            today=today,
            secret=secret,
        ).codes
    db.close()
    return db_path, codes


def stored_responses(db_path: Path) -> int:
    from data import open_database
    from data.answers import table_counts

    db = open_database(db_path)
    try:
        return table_counts(db)["responses"]
    finally:
        db.close()


def start_server(db_path: Path, folder: Path, *, proxy: str | None = None) -> Server:
    """``serve.py`` as ``make run`` starts it; waits until it answers its health."""
    import httpx

    port = _free_port()
    env = {
        **os.environ,
        "MEDSPIL_DB": str(db_path),
        "MEDSPIL_SECRET_FILE": str(folder / "medspil.secret"),
    }
    command = [
        sys.executable,
        "serve.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--runner.postScriptGC",
        "false",
    ]
    log = open(folder / "streamlit.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    server = Server(process, base, folder, db_path)
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"{base}/_stcore/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            stop_server(server)
            raise RuntimeError(f"the server did not start: see {folder / 'streamlit.log'}")
        time.sleep(0.3)
    if proxy == "nginx":
        put_behind_nginx(server, port)
    return server


def put_behind_nginx(server: Server, port: int) -> None:
    """nginx in front of ``server`` (on ``port``); the server is stopped if nginx fails."""
    from deploy.nginx import start_nginx

    try:
        nginx, server.base_url = start_nginx(server.folder, upstream_port=port)
    except BaseException:
        stop_server(server)  # not left running behind a proxy that never came up
        raise
    server.extra.append(nginx)


def tree_cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of process ``pid`` and of its living descendants (Linux)."""
    parents: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # a process that ended while we looked
        child = int(stat.parent.name)
        parents[child] = int(fields[1])
        ticks[child] = int(fields[11]) + int(fields[12])  # utime, stime
    children: dict[int, list[int]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)
    tree, frontier = {pid}, [pid]
    while frontier:
        for child in children.get(frontier.pop(), []):
            if child not in tree:
                tree.add(child)
                frontier.append(child)
    return sum(ticks.get(p, 0) for p in tree) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU seconds of this process (the phones' websockets) and its finished children (curl)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def stop_server(server: Server) -> None:
    for process in [*server.extra, server.process]:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def record_static(base_url: str, code: str) -> list[str]:
    """The same-origin files a real browser fetches for ``/besvar?kode=…`` (not the websocket)."""
    if Path(CHROMIUM).exists():
        try:
            from playwright.sync_api import sync_playwright

            urls: list[str] = []
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM)
                page = browser.new_page()
                page.on(
                    "request",
                    lambda r: (
                        urls.append(r.url)
                        if r.url.startswith(base_url) and "_stcore/stream" not in r.url
                        else None
                    ),
                )
                page.goto(f"{base_url}/besvar?kode={code}")
                page.get_by_role("button", name=re.compile("Send")).wait_for(timeout=60_000)
                browser.close()
            return list(dict.fromkeys(urls))
        except Exception as e:  # noqa: BLE001 - fall back to the index's links, say why
            print(f"(recording with Chromium failed: {e}; using index.html's links)")
    import httpx

    index = httpx.get(f"{base_url}/besvar", timeout=30).text
    links = re.findall(r'(?:src|href)="([^"]+)"', index)
    return [f"{base_url}/besvar", *(f"{base_url}/{link.lstrip('./')}" for link in links)]


async def _fetch_static(urls: list[str], phone: Phone) -> None:
    """All the files, six connections at a time with keep-alive, as a browser does per host.

    curl does the fetching: a Python HTTP client would spend more of the shared CPU on its own
    bookkeeping than the server spends sending the files. The bytes are counted as sent
    (compressed when the server compresses), not unpacked: a phone unpacks on its own CPU.
    """
    process = await asyncio.create_subprocess_exec(
        CURL,
        "--silent",
        "--no-progress-meter",
        "--parallel",
        "--parallel-max",
        "6",
        "--header",
        "Accept-Encoding: gzip",
        "--write-out",
        "%{http_code} %{size_download}\\n",
        *[arg for url in urls for arg in ("--output", "/dev/null", url)],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    out, _ = await process.communicate()
    for code, size in (line.split() for line in out.decode().splitlines() if line.strip()):
        if int(code) >= 500 or int(code) == 0:
            raise RuntimeError(f"a static file: HTTP {code}")
        phone.static_bytes += int(size)
        phone.static_requests += 1


def _back_msg(code: str, widgets: list | None = None) -> bytes:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    msg.rerun_script.query_string = f"kode={code}"
    msg.rerun_script.page_name = "besvar"
    if widgets:
        msg.rerun_script.widget_states.widgets.extend(widgets)
    return msg.SerializeToString()


async def _until_finished(ws, seen: dict) -> None:
    """Read messages until a script run finishes; note the form's widgets and any alert."""
    from streamlit.proto.Alert_pb2 import Alert
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    while True:
        msg = ForwardMsg()
        msg.ParseFromString(await ws.recv())
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            which = element.WhichOneof("type")
            if which == "radio":
                seen["radios"][element.radio.id] = list(element.radio.options)
            elif which == "button" and element.button.is_form_submitter:
                seen["submit"] = element.button.id
            elif which == "alert":
                if element.alert.format == Alert.SUCCESS:
                    seen["thanked"] = True
                elif element.alert.format == Alert.ERROR:
                    seen["error"] = element.alert.body
        elif kind == "script_finished":
            if msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                return
            if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                raise RuntimeError("the page failed to compile")


async def run_phone(base_url: str, static: list[str], phone: Phone, start: float) -> None:
    import websockets
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    await asyncio.sleep(max(0.0, start + phone.arrive_s - time.perf_counter()))
    began = time.perf_counter()
    ws_url = base_url.replace("http://", "ws://") + "/_stcore/stream"
    try:
        async with asyncio.timeout(CLIENT_TIMEOUT_S):
            await _fetch_static(static, phone)
            phone.static_s = time.perf_counter() - began
            async with websockets.connect(
                ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=CLIENT_TIMEOUT_S
            ) as ws:
                seen: dict = {"radios": {}, "submit": None, "thanked": False, "error": None}
                await ws.send(_back_msg(phone.code))
                await _until_finished(ws, seen)
                phone.render_s = time.perf_counter() - began
                if seen["error"] or not seen["radios"] or not seen["submit"]:
                    raise RuntimeError(f"no form: {seen['error'] or 'no items'}")
                await asyncio.sleep(phone.think_s)
                widgets = []
                for index, (widget_id, options) in enumerate(seen["radios"].items()):
                    state = WidgetState(id=widget_id)
                    state.string_value = options[index % len(options[:5])]
                    widgets.append(state)
                widgets.append(WidgetState(id=seen["submit"], trigger_value=True))
                sent = time.perf_counter()
                await ws.send(_back_msg(phone.code, widgets))
                while not seen["thanked"] and not seen["error"]:
                    await _until_finished(ws, seen)
                phone.submit_s = time.perf_counter() - sent
                phone.thanked = seen["thanked"]
                if seen["error"]:
                    phone.error = str(seen["error"])[:200]
    except Exception as e:  # noqa: BLE001 - a phone that fails is counted, not fatal
        phone.error = f"{type(e).__name__}: {e}"[:200]


async def _run_phones(base_url: str, static: list[str], phones: list[Phone]) -> float:
    start = time.perf_counter() + 0.5
    await asyncio.gather(*(run_phone(base_url, static, p, start) for p in phones))
    return time.perf_counter() - start


def scenario(
    name: str,
    base_url: str,
    static: list[str],
    codes: list[str],
    arrivals: list[float],
    think_s: float,
    rng: random.Random,
) -> tuple[list[Phone], float]:
    phones = [
        Phone(code=code, arrive_s=arrive, think_s=think_s * rng.uniform(0.75, 1.25))
        for code, arrive in zip(codes, arrivals, strict=True)
    ]
    wall = asyncio.run(_run_phones(base_url, static, phones))
    return phones, wall


def summarise(name: str, phones: list[Phone], stored: int, wall: float) -> dict:
    renders = [p.render_s for p in phones if p.render_s is not None]
    submits = [p.submit_s for p in phones if p.submit_s is not None and p.thanked]
    lost = len(phones) - stored
    failed = [p for p in phones if p.error or not p.thanked]
    result = {
        "render_p95_s": round(percentile(renders, 0.95), 2),
        "submit_p95_s": round(percentile(submits, 0.95), 2),
        "lost": lost,
    }
    statics = [p.static_s for p in phones if p.static_s is not None]
    static_mb = sum(p.static_bytes for p in phones) / len(phones) / 1e6
    requests = sum(p.static_requests for p in phones) / len(phones)
    print(
        f"{name}: {len(phones)} phones in {wall:.1f} s; render p50 "
        f"{percentile(renders, 0.5):.2f} s, p95 {result['render_p95_s']:.2f} s; submit p50 "
        f"{percentile(submits, 0.5):.2f} s, p95 {result['submit_p95_s']:.2f} s; stored {stored}, "
        f"lost {lost}, failed {len(failed)}; static per phone {requests:.0f} requests, "
        f"{static_mb:.2f} MB, p95 {percentile(statics, 0.95):.2f} s of the render"
    )
    for phone in failed[:5]:
        print(f"  failed: {phone.error}")
    return result


def _cpu_now(server: Server) -> tuple[float, float, float]:
    """CPU seconds so far: the Streamlit server, the proxy (0 without), the phones."""
    proxy = sum(tree_cpu_seconds(extra.pid) for extra in server.extra)
    return tree_cpu_seconds(server.process.pid), proxy, own_cpu_seconds()


def measure(
    *,
    burst: int = 100,
    ramp: int = 200,
    ramp_seconds: float = 60.0,
    think_s: float = 20.0,
    proxy: str | None = None,
    seed: int = 1,
) -> dict:
    """``{"burst_<n>": {...}, "ramp_<n>_in_<s>s": {...}}``; a fresh server per scenario."""
    rng = random.Random(seed)
    folder = Path(tempfile.mkdtemp(prefix="medspil-answer-bench-"))
    results: dict[str, dict] = {}
    try:
        db_path, codes = prepare_database(folder, burst + ramp + 1)
        recorder_code = codes.pop()
        plans = {
            f"burst_{burst}": [0.0] * burst,
            f"ramp_{ramp}_in_{ramp_seconds:g}s": sorted(
                rng.uniform(0, ramp_seconds) for _ in range(ramp)
            ),
        }
        static: list[str] | None = None
        for name, arrivals in plans.items():
            if not arrivals:
                continue  # --burst 0 or --ramp 0: that scenario is not run
            mine, codes = codes[: len(arrivals)], codes[len(arrivals) :]
            before = stored_responses(db_path)
            server = start_server(db_path, folder, proxy=proxy)
            try:
                if static is None:
                    static = record_static(server.base_url, recorder_code)
                urls = [re.sub(r"^http://[^/]+", server.base_url, u) for u in static]
                # The document itself, without the recorder's code (index.html for every page).
                urls = [f"{server.base_url}/besvar" if "kode=" in u else u for u in urls]
                cpu = _cpu_now(server)
                phones, wall = scenario(name, server.base_url, urls, mine, arrivals, think_s, rng)
                cpu = [after - first for first, after in zip(cpu, _cpu_now(server), strict=True)]
            finally:
                stop_server(server)
            results[name] = summarise(name, phones, stored_responses(db_path) - before, wall)
            print(
                f"  CPU seconds during it: Streamlit {cpu[0]:.1f}, nginx {cpu[1]:.1f}, "
                f"the phones {cpu[2]:.1f} (websockets and curl, on the same cores)"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=100)
    parser.add_argument("--ramp", type=int, default=200)
    parser.add_argument("--ramp-seconds", type=float, default=60.0)
    parser.add_argument("--think", type=float, default=20.0)
    parser.add_argument("--proxy", choices=["nginx"], default=None, help="deploy/nginx.conf")
    parser.add_argument("--json", action="store_true", help="the results as JSON, last line")
    args = parser.parse_args()
    results = measure(
        burst=args.burst,
        ramp=args.ramp,
        ramp_seconds=args.ramp_seconds,
        think_s=args.think,
        proxy=args.proxy,
    )
    if args.json:
        print(json.dumps(results), flush=True)


def measure_apart(
    *, burst: int, ramp: int, ramp_seconds: float, think_s: float, proxy: str | None = None
) -> dict:
    """:func:`measure` in a process of its own, as ``run_all`` calls it.

    The phones' websocket clients run in the measuring process. In the process that had just
    run the dashboard benchmarks (gigabytes of bases and AppTest state) the burst measured
    3.09 s against 2.2-2.5 s alone; its garbage collector walking that state is the likely
    cause (not measured), and none of it is the server's doing.
    """
    command = [sys.executable, __file__, f"--burst={burst}", f"--ramp={ramp}"]
    command += [f"--ramp-seconds={ramp_seconds}", f"--think={think_s}", "--json"]
    if proxy:
        command.append(f"--proxy={proxy}")
    done = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError("the answer-page benchmark failed (its output is above)")
    lines = done.stdout.strip().splitlines()
    print("\n".join(lines[:-1]), flush=True)
    return json.loads(lines[-1])


if __name__ == "__main__":
    main()
