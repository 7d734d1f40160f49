"""The phase timeline chart: one bar per phase, labelled with its involvement level."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from analytics._arrays import as_timestamp
from analytics.events import EVENT_STYLES, ChartEvent, events_by_kind, hover_text
from medspil.formatting import CHART_DATE_FORMAT, chart_separators, date_text

# Okabe-Ito, a colour-blind-safe palette; one colour per involvement level.
INVOLVEMENT_COLOURS = {
    "information": "#E69F00",
    "medindflydelse": "#56B4E9",
    "medbestemmelse": "#009E73",
}
MIXED_COLOUR = "#999999"  # a unit whose parts were involved differently


def phase_timeline_figure(
    phases: pd.DataFrame,
    *,
    phase_labels: dict[str, str],
    involvement_labels: dict[str, str],
    today: dt.date,
    today_label: str,
    events: Sequence[ChartEvent] = (),
    event_labels: Mapping[str, str] | None = None,
) -> go.Figure:
    """A horizontal timeline of a project's phases, coloured by involvement level.

    ``phases`` has columns ``kind``, ``starts``, ``ends``, ``involvement``; labels come from the
    caller's text catalogue so the chart speaks the user's language. An optional
    ``involvement_label`` column gives the level of the unit shown in words (a unit's own level,
    or "Blandet: ..." with ``involvement`` None when its parts were involved differently). The
    phase name is the axis label; the bar carries the level, inside when it fits and beside the
    bar when the bar is short.

    ``events`` (day, kind, label, detail) are the MED discussions and agreed actions: each kind
    gets a row of its own under the phases, named by ``event_labels[kind]``, with a symbol at
    each event's day and its whole text in the hover (see :mod:`analytics.events`).
    """
    figure = go.Figure()
    own_labels = "involvement_label" in phases.columns
    # A mixed level names its units on lines of their own ("<br>"): the rows grow to hold them.
    lines = 1
    if own_labels and not phases.empty:
        lines = max(str(label).count("<br>") + 1 for label in phases["involvement_label"])
    for row in phases.itertuples():
        starts, ends = as_timestamp(row.starts), as_timestamp(row.ends)
        level = row.involvement if isinstance(row.involvement, str) else None
        if own_labels:
            level_label = str(row.involvement_label)
        else:
            level_label = involvement_labels[level] if level else ""
        kind = str(row.kind)
        label = f"{phase_labels[kind]} · {level_label}"
        figure.add_trace(
            go.Bar(
                y=[phase_labels[kind]],
                x=[((ends - starts).days + 1) * 86_400_000],
                base=[starts],
                orientation="h",
                marker_color=INVOLVEMENT_COLOURS.get(level or "", MIXED_COLOUR),
                name=level_label,
                text=[level_label],
                textposition="inside" if "<br>" in level_label else "auto",
                insidetextanchor="middle",
                cliponaxis=False,
                hovertemplate=f"{label}<br>{date_text(starts)} – {date_text(ends)}<extra></extra>",
                showlegend=False,
            )
        )
    rows = _event_rows(figure, events, event_labels or {})
    figure.add_vline(x=pd.Timestamp(today), line_dash="dot", line_color="#333333")
    figure.add_annotation(
        x=pd.Timestamp(today), y=1.0, yref="paper", yanchor="bottom", text=today_label,
        showarrow=False,
    )  # fmt: skip
    figure.update_layout(
        barmode="overlay",
        height=80 + (36 + 15 * (lines - 1)) * max(len(phases), 1) + 30 * rows,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        uniformtext={"minsize": 11, "mode": "show"},
        xaxis={"type": "date", "tickformat": CHART_DATE_FORMAT},
        yaxis={"autorange": "reversed"},
        separators=chart_separators(),
    )
    return figure


def _event_rows(figure: go.Figure, events: Sequence[ChartEvent], names: Mapping[str, str]) -> int:
    """One row of symbols per kind of event under the phase bars; returns the number of rows."""
    groups = events_by_kind(events)
    for kind, found in groups:
        style = EVENT_STYLES[kind]
        figure.add_trace(
            go.Scatter(
                x=[pd.Timestamp(day) for day, _, _, _ in found],
                y=[names.get(kind, kind)] * len(found),
                mode="markers",
                name=names.get(kind, kind),
                marker={
                    "symbol": style["symbol"],
                    "size": 11,
                    "color": style["colour"],
                    "line": {"color": "#FFFFFF", "width": 1},
                },
                hovertext=[hover_text(detail) for _, _, _, detail in found],
                hoverinfo="text",
                showlegend=False,
            )
        )
    return len(groups)
