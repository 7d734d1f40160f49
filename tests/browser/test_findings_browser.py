"""What a leder and a MED-udvalg see, in a real browser: screenshots of Overblik, Udvikling (trend
and run chart), Enheder and the snapshot, and a check on the rendered charts' geometry: no legend
box may overlap an axis title.

The screenshots are written to ``MEDSPIL_SCREENSHOTS`` (a folder) when set, else to the test's
temporary folder; look at them, they are what the README shows.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from data import open_database
from medspil.scope import Scope
from surveys.snapshots.freeze import create_snapshot, open_snapshot
from surveys.snapshots.pdf import _css, render_pdf, report_html
from surveys.snapshots.view import snapshot_view
from tests.browser.conftest import (
    Server,
    assert_no_exception,
    browser_page,
    settle,
    start_server,
    stop_server,
    wait_for_app,
)

pytestmark = pytest.mark.browser
REPORT: dict[str, str] = {}

# Every legend box, axis title and annotation of every plotly chart on the page, as rectangles
# of the rendered SVG; the pairs that overlap.
OVERLAPS_JS = """
() => {
  const box = (el) => { const r = el.getBoundingClientRect();
                        return {x0: r.left, y0: r.top, x1: r.right, y1: r.bottom}; };
  const meets = (a, b) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
  const found = [];
  document.querySelectorAll('.js-plotly-plot').forEach((plot, index) => {
    const legend = plot.querySelector('g.legend rect.bg');
    if (!legend) return;
    const titles = plot.querySelectorAll('.g-xtitle text, .g-ytitle text, .xtitle, .ytitle');
    titles.forEach((title) => {
      if (title.textContent && meets(box(legend), box(title))) {
        found.push(`chart ${index}: legend over axis title "${title.textContent}"`);
      }
    });
  });
  return found;
}
"""


def _print_css(view) -> str:
    """The report's stylesheet without its @page and @font-face rules (WeasyPrint's only)."""
    import re

    css = _css(view)
    css = re.sub(r"@font-face \{[^}]*\}", "", css)
    return re.sub(r"@page \{.*?\n\}", "", css, flags=re.S)


def _shots() -> Path | None:
    folder = os.environ.get("MEDSPIL_SCREENSHOTS")
    return Path(folder) if folder else None


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_file: Path) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("findings-browser")
    copy = folder / "demo.duckdb"
    copy.write_bytes(demo_file.read_bytes())
    db = open_database(copy)
    number = create_snapshot(
        db, Scope.admin(actor="test"), project_id="medicin", area_kind="committee",
        area_id="LMED-SYD", today=dt.date.today(), include_comments=True, replaces=None,
    )  # fmt: skip
    # The PDF's pages as HTML with its print stylesheet (the server will hold the file).
    view = snapshot_view(open_snapshot(db, Scope.admin(), number), "da")
    style = f"<style>{_print_css(view)}</style></head>"
    REPORT["html"] = report_html(view).replace("</head>", style)
    REPORT["pdf"] = render_pdf(view)  # the printed PDF itself (WeasyPrint), for its first page
    db.close()
    running = start_server(copy, folder)
    yield running
    stop_server(running)


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = _shots() or tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _settle(page) -> None:
    settle(page)
    page.wait_for_timeout(800)  # plotly draws after Streamlit has stopped running
    assert_no_exception(page)


def _no_overlap(page, where: str) -> None:
    overlaps = page.evaluate(OVERLAPS_JS)
    assert overlaps == [], f"{where}: {overlaps}"


def _open(page, url: str, text: str) -> None:
    page.goto(url)
    wait_for_app(page, text)
    _settle(page)


def test_screens_read_at_a_glance_and_no_legend_covers_an_axis_title(
    server: Server, browser, shots: Path
) -> None:
    with browser_page(browser, 1280, 1500) as page:
        _open(page, server.url, "Det har ændret sig")
        first = page.locator("text=Medspil · Ældreområde Syd og 5 af 5 enheder").first
        assert first.is_visible()
        assert page.get_by_text("fra konsekvensvurdering til udvikling").first.is_visible()
        page.screenshot(path=str(shots / "overblik.png"))
        _no_overlap(page, "Overblik")

        trend = f"{server.url}/udvikling?projekt=medicin&enhed=AELDRE-SYD&omraade=medspil"
        _open(page, trend, "Udvikling")
        page.locator(".js-plotly-plot").first.wait_for(state="visible")
        _settle(page)
        _no_overlap(page, "Udvikling")
        page.screenshot(path=str(shots / "udvikling.png"), full_page=True)
        # the visible one: a hidden copy of the text (a stale element) must never be waited on
        page.get_by_text("Run chart", exact=True).filter(visible=True).first.click()
        _settle(page)
        _no_overlap(page, "Run chart")
        page.screenshot(path=str(shots / "runchart.png"), full_page=True)

        _open(page, f"{server.url}/enheder?projekt=medicin&enhed=AELDRE-SYD", "Enheder")
        page.locator(".js-plotly-plot").first.wait_for(state="visible")
        _settle(page)
        assert page.get_by_text("Ændring siden før").first.is_visible()
        _no_overlap(page, "Enheder")
        page.screenshot(path=str(shots / "enheder.png"), full_page=True)

        _open(page, f"{server.url}/oejebliksbillede", "Det har ændret sig")
        assert page.get_by_text("Medspil · Ældreområde Syd og 5 af 5 enheder.").first.is_visible()
        page.screenshot(path=str(shots / "oejebliksbillede.png"))
        _no_overlap(page, "Øjebliksbillede")

        # The PDF's first page: its HTML and print stylesheet in the browser, one A4 page tall.
        page.set_viewport_size({"width": 794, "height": 1123})
        page.set_content(REPORT["html"])
        page.wait_for_timeout(500)
        text = page.locator("section.resume").inner_text()
        assert "Resumé til MED-udvalget" in text and "Medspil faldt " in text
        page.screenshot(path=str(shots / "oejebliksbillede-side1.png"))
        # The printed PDF's first page itself (what the MED-udvalg gets), for the README.
        printed = pdfium.PdfDocument(REPORT["pdf"])
        first_page = printed[0]
        words = first_page.get_textpage().get_text_range()
        assert "Resumé til MED-udvalget" in words and "Medspil faldt " in words
        image = first_page.render(scale=150 / 72).to_pil()  # 150 dpi
        width, height = image.size  # A4 (595 x 842 points) at 150 dpi
        assert abs(width - 1240) <= 2 and abs(height - 1754) <= 2, image.size
        image.save(shots / "oejebliksbillede-resume.png")
