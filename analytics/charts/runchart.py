"""The run chart: wave means around the median centre line, with the Anhøj signals highlighted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from analytics.charts.style import (
    SIGNAL_COLOUR,
    Labels,
    _clean,
    _hidden_markers,
    _hover_data,
    _layout,
    _shown,
    _summary_hover,
)
from analytics.events import ChartEvent, add_event_lines, add_event_markers
from medspil.formatting import number


def runchart_figure(
    series: pd.DataFrame,
    *,
    median: float | None,
    baseline_end: dt.date | None,
    long_run_signal: bool,
    few_crossings_signal: bool,
    labels: Labels,
    events: Sequence[ChartEvent] = (),
) -> go.Figure:
    """A run chart: wave means, the median centre line, and the Anhøj signals highlighted,
    with the MED discussions and agreed actions as markers at their days.

    Parameters
    ----------
    series : DataFrame
        One row per wave in time order: ``opens``, ``wave_label``, ``n``, ``mean``, ``ci_low``,
        ``ci_high``, ``hidden`` (bool), ``in_long_run`` (bool: part of a run longer than the
        limit).
    median : float or None
        The centre line (frozen on the baseline when ``baseline_end`` is given).
    baseline_end : date or None
        The last baseline wave's date when the centre line is frozen.
    labels : mapping
        ``y_axis``, ``x_axis``, ``ci``, ``n``, ``hidden``, ``median``, ``baseline``,
        ``long_run``, ``few_crossings``, ``series``; with events also ``event_med_log``,
        ``event_action``.
    events : sequence of (day, kind, label, detail)
        As for :func:`analytics.charts.trend_figure`.
    """
    figure = go.Figure()
    add_event_lines(figure, events)
    shown = series[~series["hidden"].astype(bool)]
    figure.add_trace(
        go.Scatter(
            x=series["opens"],
            y=_shown(series, "mean"),
            mode="lines+markers",
            name=labels["series"],
            line={"color": "#0072B2", "width": 2},
            marker={"size": 7, "color": "#0072B2"},
            customdata=_hover_data(series),
            hovertemplate=_summary_hover(labels["series"], labels),
        )
    )
    _hidden_markers(figure, series[series["hidden"].astype(bool)], labels)
    run = shown[shown["in_long_run"].astype(bool)]
    if not run.empty:
        figure.add_trace(
            go.Scatter(
                x=run["opens"],
                y=_clean(run["mean"]),
                mode="markers",
                name=labels["long_run"],
                marker={
                    "size": 12,
                    "color": SIGNAL_COLOUR,
                    "symbol": "circle-open",
                    "line": {"width": 3},
                },
                hoverinfo="skip",
            )
        )
    if median is not None and not series.empty:
        signal = long_run_signal or few_crossings_signal
        colour = SIGNAL_COLOUR if signal else "#555555"
        start, end = series["opens"].iloc[0], series["opens"].iloc[-1]
        name = labels["median"] + " " + number(median)
        if signal:
            found = [labels["long_run"]] * long_run_signal
            found += [labels["few_crossings"]] * few_crossings_signal
            name += " (" + ", ".join(found) + ")"
        figure.add_trace(
            go.Scatter(
                x=[start, end],
                y=[median, median],
                mode="lines",
                name=name,
                line={"color": colour, "width": 2, "dash": "dash" if signal else "solid"},
                hovertemplate=f"{labels['median']}: %{{y:.1f}}<extra></extra>",
            )
        )
        if baseline_end is not None:
            figure.add_vline(x=pd.Timestamp(baseline_end), line_dash="dot", line_color="#555555")
            figure.add_annotation(
                x=pd.Timestamp(baseline_end),
                y=1.04,
                yref="paper",
                showarrow=False,
                text=labels["baseline"],
            )
    add_event_markers(figure, events, labels)
    _layout(figure, labels["x_axis"], labels["y_axis"], height=400)
    return figure
