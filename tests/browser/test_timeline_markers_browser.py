"""The MED discussions and agreed actions on Udvikling's chart, as a browser draws them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import Server, assert_no_exception, settle, wait_for_app
from tests.pages.test_timeline_markers import SYD_COMMITTEES, SYD_DROP, _stored

pytestmark = pytest.mark.browser

# Per trace drawn as markers: its name, and the rendered points (SVG paths) with their centres.
MARKERS_JS = """
() => {
  const plot = document.querySelector('.js-plotly-plot');
  const found = {};
  plot.calcdata.forEach((cd) => {
    const trace = cd[0].trace;
    if (trace.mode !== 'markers' || !cd[0].node3) return;
    found[trace.name] = Array.from(cd[0].node3.node().querySelectorAll('path.point')).map((p) => {
      const r = p.getBoundingClientRect();
      return [r.left + r.width / 2, r.top + r.height / 2];
    });
  });
  return found;
}
"""


def test_udvikling_for_syd_draws_the_med_discussions_and_actions_with_their_texts(
    demo_file: Path, server: Server, page
) -> None:
    log, actions = _stored(demo_file)
    expected_talks = int(log["committee_id"].isin(SYD_COMMITTEES).sum())
    expected_actions = int(
        actions["unit_ids"]
        .map(lambda units: any(u.startswith(("SYD-", "AELDRE-SYD")) for u in units))
        .sum()
    )
    page.goto(f"{server.url}/udvikling?projekt=medicin&enhed=AELDRE-SYD&omraade=medspil")
    wait_for_app(page, "Udvikling")
    page.locator(".js-plotly-plot").first.wait_for(state="visible")
    settle(page)
    page.wait_for_timeout(800)  # plotly draws after Streamlit has stopped running
    assert_no_exception(page)
    legend = page.locator(".js-plotly-plot .legendtext").all_text_contents()
    assert "MED-drøftelse" in legend and "Aftalt handling" in legend, legend
    points = page.evaluate(MARKERS_JS)
    assert len(points["MED-drøftelse"]) == expected_talks == 5
    assert len(points["Aftalt handling"]) == expected_actions == 2
    hovers = []
    for x, y in points["MED-drøftelse"]:
        page.mouse.move(x, y)
        label = page.locator(".js-plotly-plot .hoverlayer .hovertext").first
        label.wait_for(state="visible")
        hovers.append(" ".join(label.locator("tspan").all_text_contents()))
        page.mouse.move(5, 5)
    assert any(SYD_DROP in text for text in hovers), hovers
    # The same events in the list under the chart, for screen readers and print.
    assert page.get_by_text(SYD_DROP).first.is_visible()
