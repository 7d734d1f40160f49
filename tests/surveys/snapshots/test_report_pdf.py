"""The snapshot's PDF (rendered once for the module: chromium and WeasyPrint take seconds)."""

from __future__ import annotations

import copy
import dataclasses
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from data.db import Database
from medspil.formatting import date_text
from medspil.scope import Scope
from surveys.snapshots.chart_svg import TEMP_PATH_LIMIT, figure_svg
from surveys.snapshots.freeze import Snapshot, open_snapshot
from surveys.snapshots.pdf import render_pdf, report_html
from surveys.snapshots.view import snapshot_view
from tests.surveys.snapshots.snapshot_support import (
    DIGIT,
    SMALL_TEAM,
    demo_database,
    lines_with_the_small_team,
    make_snapshot,
)

ROOT = Path(__file__).resolve().parents[3]
PROJECT = "Digital medicinhåndtering på plejecentre"
COMMITTEE = "Lokal-MED Ældreområde Nord"
# Every section starts a page; these are their first lines, in order.
SECTION_HEADINGS = [
    "Resumé til MED-udvalget",
    "Til drøftelse i MED-udvalget",
    "Bilag",
    "Faser og inddragelse",
    "Faser og inddragelse",
    "Faserne: niveau og fordeling",
    "Udviklingen pr. måling",
    "Niveau pr. måling",
    "Ændringer",
    "Signaler over tid",
    "Enhederne",
    "Svarprocent",
    "Kommentarer",
    "Til drøftelse i MED-udvalget",
    "Om tallene og om øjebliksbilledet",
]


@pytest.fixture(scope="module")
def db(demo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    yield from demo_database(demo_file, tmp_path_factory.mktemp("pdf"))


@pytest.fixture(scope="module")
def snapshot(db: Database) -> Snapshot:
    return open_snapshot(db, Scope.admin(), make_snapshot(db, comments=True))


@pytest.fixture(scope="module")
def pages(snapshot: Snapshot) -> list[str]:
    pdf = render_pdf(snapshot_view(snapshot, "da"))
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    pytest.pdf_reader = reader  # for the tests that look beyond text
    return [page.extract_text() for page in reader.pages]


def _body(page: str) -> list[str]:
    """A page's lines without the running header and footer (the page margin boxes)."""
    margins = (f"{PROJECT} · {COMMITTEE}", "SHA-256 ")
    return [
        line
        for line in page.splitlines()
        if line.strip() and not any(line.startswith(m) for m in margins)
    ]


def test_the_pdf_has_the_expected_pages_in_order(pages: list[str]) -> None:
    first_pages = [0]
    for heading in SECTION_HEADINGS:
        starts = [
            i for i, page in enumerate(pages) if i >= first_pages[-1] and _body(page)[0] == heading
        ]
        assert starts, f"no page starts with {heading!r}"
        first_pages.append(starts[0])
    first_pages = first_pages[1:]
    assert first_pages == sorted(first_pages)
    assert first_pages[0] == 0
    assert first_pages[-1] == len(pages) - 1


def test_every_page_names_project_area_date_and_hash(pages: list[str], snapshot) -> None:
    day = date_text(snapshot.created_on)
    for number, page in enumerate(pages, start=1):
        assert f"{PROJECT} · {COMMITTEE}" in page
        assert day in page
        assert f"SHA-256 {snapshot.sha256}" in page
        assert f"Side {number} af {len(pages)}" in page


def test_the_text_is_danish_and_holds_the_discussion_prompts(pages: list[str]) -> None:
    text = "\n".join(pages)
    for word in ("æ", "ø", "å", "Ældreområde Nord", "Sammenfatning", "Signifikant"):
        assert word in text
    discussion = next(page for page in pages[2:] if "Til drøftelse i MED-udvalget" in page)
    for prompt in ("Kerneopgaven", "Opgaveløsningen", "Kompetenceudvikling", "Inddragelse"):
        assert prompt in discussion
    assert "»Sammen om ny teknologi«" in discussion
    assert "fasen Implementering" in discussion and "niveauet Medindflydelse" in discussion
    assert "medspil snapshot --verify" in pages[-1].replace("\n", " ")


def test_the_small_team_never_stands_next_to_a_number(pages: list[str]) -> None:
    lines = [line for page in pages for line in lines_with_the_small_team(page)]
    assert lines, "the heatmap lists the small team, hidden"
    assert [line for line in lines if DIGIT.search(line)] == []
    assert SMALL_TEAM[1] in "\n".join(lines)


def test_charts_are_vector_graphics_with_the_font_embedded(pages: list[str]) -> None:
    reader = pytest.pdf_reader
    assert all(not page.images for page in reader.pages)
    trends = next(page for page in pages if _body(page)[0] == "Udviklingen pr. måling")
    assert "Score (0-100)" in trends  # the dashboards' axis title: text, not pixels
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    # Only the bundled DejaVu Sans (declared as "Medspil Sans"), in the charts too: no system
    # font is needed for æøå.
    assert fonts and all("Medspil-Sans" in font for font in fonts)


def test_comments_are_dated_by_wave_only(pages: list[str], snapshot) -> None:
    page = next(p for p in pages if _body(p)[0] == "Kommentarer")
    first = snapshot.content["comments"]["items"][0]
    assert f"Måling {first['wave']}:" in page
    assert first["text"][:30] in page.replace("\n", " ")


def test_a_figure_becomes_svg() -> None:
    import plotly.graph_objects as go

    svg = figure_svg(go.Figure(go.Bar(x=["Idé"], y=[1])))
    assert svg.lstrip().startswith(b"<svg") and b"Id\xc3\xa9" in svg


def test_a_missing_browser_is_a_plain_error_not_a_hang() -> None:
    script = """
import plotly.graph_objects as go
from medspil.errors import SnapshotRenderFailed
from surveys.snapshots.chart_svg import figure_svg
try:
    figure_svg(go.Figure(go.Bar(x=[1], y=[1])))
except SnapshotRenderFailed as e:
    print(e.message("da"))
"""
    env = {**os.environ, "BROWSER_PATH": "/nonexistent/chromium"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Rapporten kunne ikke laves")
    assert "Tjek, at Chromium er installeret" in done.stdout


def test_a_temporary_folder_too_long_for_chromium_is_named_in_the_message(
    short_tmp: Path,
) -> None:
    # The limit is chromium's, measured: a folder of TEMP_PATH_LIMIT characters draws, one
    # character more and chromium refuses, and the user is told to set a short TMPDIR.
    script = """
import plotly.graph_objects as go
from medspil.errors import SnapshotRenderFailed
from surveys.snapshots.chart_svg import figure_svg
try:
    print(figure_svg(go.Figure(go.Bar(x=[1], y=[1]))).lstrip()[:4].decode())
except SnapshotRenderFailed as e:
    print(type(e).__name__, e.message("da"))
"""
    said = {}
    for length in (TEMP_PATH_LIMIT, TEMP_PATH_LIMIT + 1):
        folder = short_tmp / ("x" * (length - len(str(short_tmp)) - 1))
        folder.mkdir()
        out, _ = _python_with_tmpdir(script, folder)
        said[len(str(folder))] = out.strip()
    assert said[TEMP_PATH_LIMIT] == "<svg", said
    refused = said[TEMP_PATH_LIMIT + 1]
    assert refused.startswith("SnapshotTempDirTooLong Rapporten kunne ikke laves"), said
    assert f"for lang ({TEMP_PATH_LIMIT + 1} tegn" in refused and "TMPDIR=/tmp" in refused


def test_chromiums_goodbye_glued_to_a_message_is_no_traceback_but_other_errors_are_logged(
    short_tmp: Path,
) -> None:
    # Once in a suite run beside another, a figure was drawn and the process ended cleanly, but
    # choreographer had logged a message it could not decode (and ignored) with a traceback.
    script = """
import logging
import surveys.snapshots.chart_svg  # noqa: F401
pipe = logging.getLogger("choreographer.channels.pipe")
skipped = "JSONError decoding message. Ignoring"
other = "Error in trying to decode JSON off our read."
for text in (skipped, other):
    try:
        raise ValueError("Expecting property name enclosed in double quotes")
    except ValueError:
        pipe.exception(text)
"""
    _, said = _python_with_tmpdir(script, short_tmp, clean=False)
    assert "JSONError decoding message" not in said, said
    assert "Error in trying to decode JSON off our read." in said, said


def _python_with_tmpdir(script: str, tmpdir: Path, *, clean: bool = True) -> tuple[str, str]:
    """``script`` run by a fresh Python with ``TMPDIR=tmpdir``: its output, and what it said
    (for assertion messages); it must end with exit code 0 and, when ``clean``, print no
    traceback."""
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT, env={**os.environ, "TMPDIR": str(tmpdir)},
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    said = f"stdout: {done.stdout}\nstderr: {done.stderr}"
    assert done.returncode == 0 and not (clean and "Traceback" in done.stderr), said
    return done.stdout, said


@pytest.fixture
def short_tmp() -> Iterator[Path]:
    """A temporary folder with a short path, for a subprocess's TMPDIR: chromium puts its
    singleton socket in TMPDIR and refuses to start when that path is too long for a socket
    (chart_svg.TEMP_PATH_LIMIT; pytest's tmp_path under xdist is longer)."""
    folder = Path(tempfile.mkdtemp(prefix="medspil-t-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_browser_helper_outliving_kaleido_is_ended_and_the_profile_removed(
    short_tmp: Path,
) -> None:
    # The CLI once ended with a traceback from Python removing chromium's profile at exit while
    # a browser process still wrote into it. Here a process stands in for a browser helper
    # that outlives kaleido's close, still using the profile.
    script = """
import subprocess, sys
import plotly.graph_objects as go
from surveys.snapshots.chart_svg import browser_profiles, figure_svg
figure_svg(go.Figure(go.Bar(x=[1], y=[1])))
folder = browser_profiles()
helper = subprocess.Popen(
    [sys.executable, "-c", "import time; time.sleep(120)", str(folder / "Default")],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
)
print(folder, helper.pid, flush=True)
"""
    out, said = _python_with_tmpdir(script, short_tmp)
    folder, pid = out.split()
    assert Path(folder).parent == short_tmp and not Path(folder).exists(), said
    # The kill is asynchronous; on a busy machine the helper may take a moment to end.
    deadline = time.monotonic() + 10
    while _running(int(pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(int(pid)), said


def test_a_browser_that_closes_right_after_starting_is_started_again(short_tmp: Path) -> None:
    # On a busy machine chromium sometimes closes right after starting ("The browser seemed to
    # close immediately after starting"): once, a CI run waited two minutes on kaleido's dead
    # server thread. Here the first start fails that way, after a real browser started.
    script = """
import kaleido, os, plotly.graph_objects as go
from choreographer.errors import BrowserFailedError
from surveys.snapshots.chart_svg import figure_svg

class ClosesOnce(kaleido.Kaleido):
    starts = 0
    async def open(self):
        ClosesOnce.starts += 1
        await super().open()
        if ClosesOnce.starts == 1:
            raise BrowserFailedError("The browser seemed to close immediately after starting.")

kaleido.Kaleido = kaleido._sync_server.Kaleido = ClosesOnce  # wherever a start looks it up
svg = figure_svg(go.Figure(go.Bar(x=[1], y=[1])))
folders = [f for f in os.listdir(os.environ["TMPDIR"]) if f.startswith("medspil-kaleido-")]
print(ClosesOnce.starts, len(folders), svg.lstrip()[:4].decode(), flush=True)
"""
    out, said = _python_with_tmpdir(script, short_tmp)
    # A second start (a third when kaleido's first drawing on a busy machine fails and is
    # tried again on a fresh browser), the failed ones' profiles already gone, the figure drawn.
    starts, folders, svg = out.split()
    assert int(starts) in (2, 3) and folders == "1" and svg == "<svg", said
    assert not [f for f in short_tmp.iterdir() if f.name.startswith("medspil-kaleido-")], said


def test_a_drawing_that_fails_is_tried_once_more_on_a_fresh_browser(short_tmp: Path) -> None:
    # Under load kaleido once asked a page whose script had not loaded ("kaleido_scopes is not
    # defined"). Such a failure is tried once more on a fresh browser, and only once.
    script = """
import kaleido, os, plotly.graph_objects as go
from medspil.errors import SnapshotRenderFailed
from surveys.snapshots.chart_svg import figure_svg

class FailsToDraw(kaleido.Kaleido):
    starts = draws = failures = 0
    async def open(self):
        FailsToDraw.starts += 1
        await super().open()
    async def calc_fig(self, *args, **kwargs):
        FailsToDraw.draws += 1
        if FailsToDraw.failures:
            FailsToDraw.failures -= 1
            raise RuntimeError("kaleido_scopes is not defined")
        return await super().calc_fig(*args, **kwargs)

kaleido.Kaleido = kaleido._sync_server.Kaleido = FailsToDraw  # wherever a start looks it up
figure = go.Figure(go.Bar(x=[1], y=[1]))
FailsToDraw.failures = 1
svg = figure_svg(figure)
print(FailsToDraw.starts, FailsToDraw.draws, svg.lstrip()[:4].decode(), flush=True)
FailsToDraw.failures = 5
try:
    figure_svg(figure)
except SnapshotRenderFailed as e:
    print(FailsToDraw.starts, FailsToDraw.draws, type(e).__name__, e.key, flush=True)
folders = [f for f in os.listdir(os.environ["TMPDIR"]) if f.startswith("medspil-kaleido-")]
print(len(folders), flush=True)
"""
    out, said = _python_with_tmpdir(script, short_tmp)
    drawn, refused, folders = out.splitlines()
    # The first figure: one failed drawing, a second browser, the figure drawn.
    assert drawn == "2 2 <svg", said
    # A drawing that keeps failing: tried on the running browser and on one fresh one, then the
    # user's error; both browsers stopped and their profiles gone.
    assert refused == "3 4 _DrawingFailed snapshot.error_render", said
    assert folders == "0", said


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a killed, not yet reaped one is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in {"Z", "X"}


def test_the_report_html_escapes_frozen_text(snapshot: Snapshot) -> None:
    content = copy.deepcopy(snapshot.content)
    content["project"]["name"] = "<script>alert('x')</script> & Co"
    content["comments"]["items"][0]["text"] = '<img src=x onerror="alert(1)">'
    hostile = dataclasses.replace(snapshot, content=content)
    page = report_html(snapshot_view(hostile, "da"))
    assert "<script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co" in page
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page


def test_the_pdf_opens_with_a_two_page_resume_then_the_appendix(db: Database) -> None:
    syd = open_snapshot(db, Scope.admin(), make_snapshot(db, area="LMED-SYD"))
    reader = PdfReader(io.BytesIO(render_pdf(snapshot_view(syd, "da"))))
    first, second, third = (reader.pages[i].extract_text() for i in range(3))
    flat = " ".join(first.split())
    assert "Resumé til MED-udvalget" in first and "Det har ændret sig" in first
    assert "Medspil · Ældreområde Syd og 5 af 5 enheder." in flat
    drop = flat.index("Medspil faldt ")
    assert "fra konsekvensvurdering til udvikling" in flat[drop:]
    assert "Enhederne blev kun informeret i udviklingsfasen." in flat
    assert drop < flat.index("Medspil steg ")  # drops first
    assert "Medspil og inddragelse pr. fase" in first
    for prompt in ("Kerneopgaven", "Opgaveløsningen", "Kompetenceudvikling", "Inddragelse"):
        assert prompt in second
    assert _body(third)[0] == "Bilag"
