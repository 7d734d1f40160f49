"""Plotly figures as print-ready vector SVG for the PDF.

kaleido drives Debian's chromium; starting it takes seconds, so one browser is started per
process, lazily on the first figure, and shared behind a lock. It runs on an event loop of its
own in a daemon thread, so that a browser that fails to start (chromium on a busy machine
sometimes closes at once) is an error here, tried again with a fresh profile, instead of a dead
kaleido server thread that every later figure waits on. Chromium's profile lives in a folder of
Medspil's own, which is removed when the browser stops, with any browser process still using it:
otherwise a browser helper that outlives the close can still write into the profile while Python
removes it at exit, and the process ends with a traceback. Heatmaps, which plotly exports as a
bitmap inside the SVG, are redrawn as rectangles so that every chart on paper is vector.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import logging
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import kaleido
import plotly.graph_objects as go
from plotly.colors import hex_to_rgb, sample_colorscale

from medspil.errors import SnapshotRenderFailed, SnapshotTempDirTooLong

PRINT_WIDTH = 760  # px at 96 dpi: about the A4 text width (180 mm)
PRINT_HEIGHT = 380
TIMEOUT_SECONDS = 120  # the first figure starts chromium (seconds); later ones take ~0.2 s
START_ATTEMPTS = 3  # a browser that closes right after starting is started again
# Chromium puts its singleton socket at $TMPDIR/.org.chromium.Chromium.XXXXXX/SingletonSocket,
# and a socket's path is short on Linux (108 bytes): with a longer temporary folder it refuses
# to start ("Socket path too long"), which no retry mends.
TEMP_PATH_LIMIT = 62  # measured with Debian's chromium 156: 62 characters start, 63 do not
_kaleido_lock = threading.Lock()
_renderer: _Renderer | None = None  # the process's browser, while one runs
_stop_registered = threading.Event()  # the exit handler is registered once per process


class _BenignPipeNoise(logging.Filter):
    """Drops choreographer's "JSONError decoding message. Ignoring": on a busy machine chromium's
    goodbye can arrive glued to another message as the browser closes, and choreographer logs
    the message it skips with a traceback. The figure is drawn and nothing is wrong, and no
    traceback may reach a user (a command's output, the server's log). Other records pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("JSONError decoding message")


logging.getLogger("choreographer.channels.pipe").addFilter(_BenignPipeNoise())


def figure_svg(figure: go.Figure) -> bytes:
    """The figure as SVG, through the process's one kaleido browser (started on first use).

    Raises ``SnapshotRenderFailed`` when no chromium is found, when it fails to start
    ``START_ATTEMPTS`` times, or when it does not answer within ``TIMEOUT_SECONDS``.
    """
    opts = {"format": "svg", "width": figure.layout.width or PRINT_WIDTH}
    opts["height"] = figure.layout.height or PRINT_HEIGHT
    with _kaleido_lock:
        try:
            return _draw(figure, opts)
        except _DrawingFailed:
            # Under load kaleido may ask a page whose script has not loaded yet
            # ("kaleido_scopes is not defined"): one more try, on a fresh browser. A browser
            # that would not start or did not answer in time is not tried again.
            return _draw(figure, opts)


def _draw(figure: go.Figure, opts: dict[str, Any]) -> bytes:
    """The figure through the process's browser, started if none runs. A browser that failed is
    stopped and forgotten, so the next drawing starts afresh. Hold ``_kaleido_lock``."""
    global _renderer
    if _renderer is None:
        _renderer = _start_renderer()
    renderer = _renderer
    try:
        return renderer.svg(figure, opts)
    except SnapshotRenderFailed as e:
        _renderer = None
        renderer.stop()
        if isinstance(e, _RenderTimedOut):
            raise
        raise _DrawingFailed(e.key, **e.params) from e


def browser_profiles() -> Path | None:
    """The folder chromium's profile is in while the process's browser runs, else None."""
    return _renderer.profiles if _renderer is not None else None


class _Renderer:
    """One kaleido browser with its profile folder, driven from an event loop in a thread."""

    def __init__(self) -> None:
        self.profiles = Path(tempfile.mkdtemp(prefix="medspil-kaleido-"))
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="medspil-kaleido", daemon=True
        )
        self._thread.start()
        self._kaleido: Any = None

    def open(self) -> None:
        async def opened() -> Any:
            browser = kaleido.Kaleido(mathjax=False, tmp_dir=str(self.profiles))
            try:
                await browser.open()
            except BaseException:
                with contextlib.suppress(Exception):
                    await browser.close()
                raise
            return browser

        self._kaleido = self._run(opened())

    def svg(self, figure: go.Figure, opts: dict[str, Any]) -> bytes:
        """``figure`` drawn by the browser with kaleido's ``opts`` (format and size)."""
        result = self._run(self._kaleido.calc_fig(figure, opts=opts))
        if not isinstance(result, bytes):
            raise SnapshotRenderFailed(detail=f"kaleido gav {type(result).__name__}, ikke SVG")
        return result

    def stop(self) -> None:
        """Close the browser (errors of a browser already gone are ignored), end the loop and
        remove the profile with any process still using it."""
        if self._kaleido is not None and self._thread.is_alive():
            with contextlib.suppress(SnapshotRenderFailed):
                self._run(self._kaleido.close(), seconds=30)
        self._kaleido = None
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        if not self._thread.is_alive():
            self._loop.close()
        _remove_profiles(self.profiles)

    def _run(self, coroutine: Coroutine[Any, Any, Any], seconds: float = TIMEOUT_SECONDS) -> Any:
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(seconds)
        except concurrent.futures.TimeoutError as e:
            future.cancel()
            raise _RenderTimedOut(detail=f"kaleido/chromium svarede ikke på {seconds:.0f} s") from e
        except (OSError, RuntimeError, ValueError) as e:
            raise _failed(e) from e


def _start_renderer() -> _Renderer:
    """A running browser; a start that fails is tried again with a fresh profile."""
    for attempt in range(1, START_ATTEMPTS + 1):
        renderer = _Renderer()
        try:
            renderer.open()
            break
        except SnapshotRenderFailed as e:
            renderer.stop()
            temporary = tempfile.gettempdir()
            if len(temporary) > TEMP_PATH_LIMIT:
                raise SnapshotTempDirTooLong(
                    path=temporary, length=len(temporary), limit=TEMP_PATH_LIMIT
                ) from e
            if attempt == START_ATTEMPTS or not shutil.which(_browser_path()):
                raise
    # Registered after the first start, so that it runs before the clean-up the browser's
    # start registered (atexit runs last-in first): chromium is stopped and its profile
    # removed before Python's own removal of the profile could find it in use.
    if not _stop_registered.is_set():
        atexit.register(_stop_renderer)
        _stop_registered.set()
    return renderer


def _browser_path() -> str:
    """The browser kaleido will look for first (a missing one is not worth a second try)."""
    return os.environ.get("BROWSER_PATH") or "chromium"


def _stop_renderer() -> None:
    global _renderer
    # At exit a daemon thread may still hold the lock mid-figure: stop the browser anyway.
    locked = _kaleido_lock.acquire(timeout=5)
    try:
        if _renderer is not None:
            _renderer.stop()
        _renderer = None
    finally:
        if locked:
            _kaleido_lock.release()


def _remove_profiles(folder: Path, attempts: int = 10) -> None:
    """End every process still using ``folder`` (SIGKILL), then remove the folder.

    A browser whose close fails skips its own clean-up, and a browser helper (the crash
    reporter, the zygote) can outlive the browser: either leaves the profile in use. With the
    folder gone, Python's own removal of the profile at exit finds nothing and stays quiet.
    """
    marker = str(folder).encode()
    killed = []
    for process in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError, ValueError):
            if marker in (process / "cmdline").read_bytes():
                os.kill(int(process.name), signal.SIGKILL)
                killed.append(process)
    # SIGKILL is delivered asynchronously: a busy machine may run the process a moment longer.
    for _ in range(attempts * 5):
        if not any(_alive(process) for process in killed):
            break
        time.sleep(0.02)
    for _ in range(attempts):
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            return
        time.sleep(0.1)


def _alive(process: Path) -> bool:
    """Whether the /proc entry ``process`` is a running process (a zombie has ended)."""
    try:
        state = (process / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in {"Z", "X"}


class _RenderTimedOut(SnapshotRenderFailed):
    """The browser did not answer in time: not worth a second wait."""


class _DrawingFailed(SnapshotRenderFailed):
    """A running browser failed to draw a figure (worth one more try on a fresh one)."""


def _failed(error: BaseException) -> SnapshotRenderFailed:
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return SnapshotRenderFailed(detail=text)


def print_svg(figure: go.Figure, *, font_family: str, keep_height: bool = False) -> bytes:
    """A copy of ``figure`` sized for A4 in ``font_family``, as vector SVG.

    The page's own figure is untouched. ``keep_height`` for charts that are tables (the
    heatmap: one row per unit); the others are capped at ``PRINT_HEIGHT``.
    """
    return figure_svg(_for_print(figure, font_family=font_family, keep_height=keep_height))


def _for_print(figure: go.Figure, *, font_family: str, keep_height: bool) -> go.Figure:
    printed = go.Figure(figure)
    height = printed.layout.height or PRINT_HEIGHT
    if not keep_height:
        height = min(height, PRINT_HEIGHT)
    printed.update_layout(
        width=PRINT_WIDTH,
        height=height,
        font={"family": f"{font_family}, DejaVu Sans, sans-serif", "size": 11},
        paper_bgcolor="#FFFFFF",
    )
    return _vector_heatmaps(printed)


def _vector_heatmaps(figure: go.Figure) -> go.Figure:
    """The figure with each heatmap cell drawn as a rectangle and its text as an annotation.

    Plotly exports a heatmap as a bitmap inside the SVG; on paper the cells should stay sharp
    like the rest of the chart. Without the heatmap traces there is no colour bar either: the
    cells carry their numbers.
    """
    heatmaps = [trace for trace in figure.data if trace.type == "heatmap"]
    if not heatmaps:
        return figure
    xs, ys = list(heatmaps[0].x), list(heatmaps[0].y)
    shapes, notes = [], []
    for trace in heatmaps:
        gap_x, gap_y = (trace.xgap or 0) / 200, (trace.ygap or 0) / 200
        numbers = [v for row in trace.z for v in row if v is not None]
        low = trace.zmin if trace.zmin is not None else min(numbers, default=0)
        high = trace.zmax if trace.zmax is not None else max(numbers, default=1)
        for i, row in enumerate(trace.z):
            for j, value in enumerate(row):
                if value is None:
                    continue
                share = 0.5 if high == low else (value - low) / (high - low)
                scale = [[position, _rgb(colour)] for position, colour in trace.colorscale]
                colour = sample_colorscale(scale, [min(max(share, 0), 1)])[0]
                shapes.append(
                    {
                        "type": "rect",
                        "x0": j - 0.5 + gap_x,
                        "x1": j + 0.5 - gap_x,
                        "y0": i - 0.5 + gap_y,
                        "y1": i + 0.5 - gap_y,
                        "fillcolor": colour,
                        "line": {"width": 0},
                        "layer": "below",
                    }
                )
                text = trace.text[i][j] if trace.text is not None else ""
                if text:
                    notes.append(
                        {
                            "x": xs[j],
                            "y": ys[i],
                            "text": text,
                            "showarrow": False,
                            "font": {"color": _text_colour(colour)},
                        }
                    )
    grid = go.Scatter(
        x=[x for _ in ys for x in xs],
        y=[y for y in ys for _ in xs],
        mode="markers",
        marker={"opacity": 0},
        hoverinfo="skip",
        showlegend=False,
    )
    others = [trace for trace in figure.data if trace.type != "heatmap"]
    vector = go.Figure(data=[grid, *others], layout=figure.layout)
    # Assigned, not update_layout(): that would merge the new shapes into the old ones by index.
    vector.layout.shapes = [*shapes, *figure.layout.shapes]
    vector.layout.annotations = [*figure.layout.annotations, *notes]
    vector.update_xaxes(showgrid=False, zeroline=False)
    vector.update_yaxes(showgrid=False, zeroline=False)
    return vector


def _rgb(colour: str) -> str:
    """'#RRGGBB' as 'rgb(r, g, b)' (what plotly's colour sampling takes); others unchanged."""
    if colour.startswith("#"):
        red, green, blue = hex_to_rgb(colour)
        return f"rgb({red}, {green}, {blue})"
    return colour


def _text_colour(fill: str) -> str:
    """Black on light cells, white on dark ones (relative luminance of an 'rgb(r, g, b)')."""
    red, green, blue = (float(v) / 255 for v in fill[fill.index("(") + 1 : -1].split(","))
    return "#000000" if 0.2126 * red + 0.7152 * green + 0.0722 * blue > 0.5 else "#FFFFFF"
