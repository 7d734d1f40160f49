"""MED discussions and agreed actions as markers on a time axis.

The charts get the events as plain data (``ChartEvent``: day, kind, label, detail), so this stays
pure: the caller reads them from the MED log and the actions. The x axes of the trend and run
charts are dates (each wave at the day it opened), so an event stands at its own day, between
the waves around it, never rounded to a wave.

An event is a small symbol in a row of its own along the bottom of the plot (one trace per kind,
named in the legend above the plot), its whole text in the hover, and a thin dotted vertical line
from the bottom up to ``EVENT_LINE_TOP``: below the strip where the phase labels stand and below
the top of the dashed change-point lines, so both stay readable where they meet.
"""

from __future__ import annotations

import datetime as dt
import html
import textwrap
from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from analytics.exceptions import InvalidInput

Labels = Mapping[str, str]

MED_LOG = "med_log"
ACTION = "action"
# day, kind (MED_LOG or ACTION), short label, whole text
ChartEvent = tuple[dt.date, str, str, str]

# Per kind: its legend label key, the row (y, on the 0-100 score axis) and the symbol's look.
# The rows sit above the "færre end k svar" crosses at y = 2 and apart from each other, so a
# discussion and the action agreed two days later do not cover each other.
EVENT_STYLES: dict[str, dict[str, object]] = {
    MED_LOG: {"label": "event_med_log", "y": 6.0, "symbol": "diamond", "colour": "#222222"},
    ACTION: {"label": "event_action", "y": 12.0, "symbol": "square", "colour": "#8C8C8C"},
}
EVENT_LINE_TOP = 80.0  # the change-point lines reach 86, the phase labels stand above
EVENT_LINE_COLOUR = "#9A9A9A"
HOVER_WIDTH = 60  # characters per hover line


def hover_text(detail: str) -> str:
    """The whole text of an event for a hover: escaped (it is typed by people, and plotly reads
    a little HTML) and broken into lines of about ``HOVER_WIDTH`` characters."""
    lines = textwrap.wrap(detail, HOVER_WIDTH) or [""]
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def events_by_kind(events: Sequence[ChartEvent]) -> list[tuple[str, list[ChartEvent]]]:
    """The events grouped by kind (MED discussions first), each group by day; unknown kinds
    are refused."""
    unknown = {kind for _, kind, _, _ in events} - set(EVENT_STYLES)
    if unknown:
        raise InvalidInput(f"unknown event kind(s) {sorted(unknown)}; use {sorted(EVENT_STYLES)}")
    groups = []
    for kind in EVENT_STYLES:
        found = sorted((e for e in events if e[1] == kind), key=lambda e: e[0])
        if found:
            groups.append((kind, found))
    return groups


def add_event_lines(figure: go.Figure, events: Sequence[ChartEvent]) -> None:
    """The thin dotted vertical lines of ``events`` (drawn first, so the scores lie on top)."""
    for kind, found in events_by_kind(events):
        xs: list[dt.date | None] = []
        ys: list[float | None] = []
        for day, _, _, _ in found:
            xs += [day, day, None]
            ys += [0.0, EVENT_LINE_TOP, None]
        figure.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                legendgroup=f"event-{kind}",
                showlegend=False,
                line={"color": EVENT_LINE_COLOUR, "width": 1, "dash": "dot"},
                hoverinfo="skip",
            )
        )


def add_event_markers(figure: go.Figure, events: Sequence[ChartEvent], labels: Labels) -> None:
    """The symbols of ``events`` along the bottom of a chart whose x axis is dates and whose y
    axis runs 0-100, one trace per kind, the whole text in the hover.

    Reads ``labels["event_med_log"]`` and ``labels["event_action"]`` (legend names) for the
    kinds present. One click on a legend entry hides a kind's symbols and lines together.
    """
    for kind, found in events_by_kind(events):
        style = EVENT_STYLES[kind]
        days = [day for day, _, _, _ in found]
        figure.add_trace(
            go.Scatter(
                x=days,
                y=[style["y"]] * len(days),
                mode="markers",
                name=labels[str(style["label"])],
                legendgroup=f"event-{kind}",
                marker={
                    "symbol": style["symbol"],
                    "size": 10,
                    "color": style["colour"],
                    "line": {"color": "#FFFFFF", "width": 1},
                },
                hovertext=[hover_text(detail) for _, _, _, detail in found],
                hoverinfo="text",
            )
        )


def event_days(events: Sequence[ChartEvent]) -> list[dt.date]:
    return [day for day, _, _, _ in events]
