"""Plotly figures as print-ready vector SVG for the PDF.

kaleido drives Debian's chromium; starting it takes seconds, so one kaleido server is started per
process, lazily on the first figure, and shared behind a lock (kaleido's sync server serves one
caller at a time). Chromium's profile lives in a folder of Medspil's own, which is removed when the
server stops, with any browser process still using it: otherwise a browser helper that outlives
kaleido's close can still write into the profile while Python removes it at exit, and the process
ends with a traceback. Heatmaps, which plotly exports as a bitmap inside the SVG, are redrawn as
rectangles so that every chart on paper is vector.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import kaleido
import plotly.graph_objects as go
from plotly.colors import hex_to_rgb, sample_colorscale

from medspil.errors import SnapshotRenderFailed

PRINT_WIDTH = 760  # px at 96 dpi: about the A4 text width (180 mm)
PRINT_HEIGHT = 380
TIMEOUT_SECONDS = 120  # the first figure starts chromium (seconds); later ones take ~0.2 s
_kaleido_lock = threading.Lock()
_kaleido_started = False
_profiles: Path | None = None  # the folder chromium's profile is made in, while a server runs


def figure_svg(figure: go.Figure) -> bytes:
    """The figure as SVG, through the process's one kaleido server (started on first use).

    Raises ``SnapshotRenderFailed`` when no chromium is found, or when kaleido does not answer
    within ``TIMEOUT_SECONDS`` (its sync server would otherwise wait forever on a dead browser).
    """
    global _kaleido_started, _profiles
    size = {"width": figure.layout.width or PRINT_WIDTH}
    size["height"] = figure.layout.height or PRINT_HEIGHT
    with _kaleido_lock:
        if not _kaleido_started:
            try:
                kaleido.Kaleido(mathjax=False)  # finds the browser without starting it
            except (OSError, RuntimeError, ValueError) as e:
                raise _failed(e) from e
            _profiles = Path(tempfile.mkdtemp(prefix="medspil-kaleido-"))
            kaleido.start_sync_server(mathjax=False, silence_warnings=True, tmp_dir=str(_profiles))
            # Stop chromium and remove its temporary profile before the interpreter tears
            # down its threads (atexit runs this before kaleido's own handler, registered
            # earlier), so the process ends without a traceback.
            atexit.register(_stop_kaleido)
            _kaleido_started = True
        return _answer_within(
            lambda: kaleido.calc_fig_sync(figure, opts={"format": "svg", **size}),
            TIMEOUT_SECONDS,
        )


def browser_profiles() -> Path | None:
    """The folder chromium's profile is in while the process's kaleido server runs, else None."""
    return _profiles


def _stop_kaleido() -> None:
    global _kaleido_started, _profiles
    # A browser that is already gone leaves nothing to clean up.
    with contextlib.suppress(OSError, RuntimeError, ValueError):
        kaleido.stop_sync_server(silence_warnings=True)
    if _profiles is not None:
        _remove_profiles(_profiles)
    _kaleido_started, _profiles = False, None


def _remove_profiles(folder: Path, attempts: int = 10) -> None:
    """End every process still using ``folder`` (SIGKILL), then remove the folder.

    kaleido's own clean-up is skipped when its close fails, and a browser helper (the crash
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


def _answer_within(call: Callable[[], bytes], seconds: float) -> bytes:
    found: dict[str, object] = {}

    def run() -> None:
        try:
            found["svg"] = call()
        except (OSError, RuntimeError, ValueError) as e:
            found["error"] = e

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise SnapshotRenderFailed(detail=f"kaleido/chromium svarede ikke på {seconds:.0f} s")
    if "error" in found:
        raise _failed(found["error"])  # type: ignore[arg-type]
    return found["svg"]  # type: ignore[return-value]


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
