"""Scores over time: per construct with CI bands, phases, flagged shifts and change points."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from analytics._arrays import as_timestamp
from analytics.charts.style import (
    DATE_FORMAT,
    Labels,
    _clean,
    _groups,
    _hidden_markers,
    _hover_data,
    _involvement_colour,
    _layout,
    _shown,
    _summary_hover,
    _transparent,
    construct_colour,
)
from analytics.events import ChartEvent, add_event_lines, add_event_markers, event_days
from medspil.formatting import number


def trend_figure(
    trend: pd.DataFrame,
    *,
    phases: pd.DataFrame,
    changepoints: pd.DataFrame,
    labels: Labels,
    events: Sequence[ChartEvent] = (),
) -> go.Figure:
    """Score per wave with its 95% CI band, phases as shaded bands, flags and change points,
    and the MED discussions and agreed actions as markers at their days.

    The flags (large triangles) are the shift monitor's alarms when ``trend`` has a ``shift``
    column (+1/-1 at the wave that raised an alarm, with ``shift_size`` and
    ``shift_start_label``); frames without it (snapshots frozen before the monitor) flag the
    significant wave-to-wave changes as they did then.

    Parameters
    ----------
    trend : DataFrame
        One row per construct and wave: ``construct``, ``construct_label``, ``opens`` (date),
        ``wave_label``, ``n``, ``mean``, ``ci_low``, ``ci_high``, ``hidden`` (bool),
        ``difference`` (to the previous shown wave or None), ``p_adjusted``, ``cohens_d``,
        ``significant`` (bool); optionally ``shift``, ``shift_size``, ``shift_start_label``.
    phases : DataFrame
        ``phase_label``, ``involvement`` (a level, or None when the unit's parts differ),
        ``involvement_label``, ``starts``, ``ends``.
    changepoints : DataFrame
        ``construct``, ``construct_label``, ``opens``: the first wave of each new level.
    labels : mapping
        ``y_axis``, ``x_axis``, ``ci``, ``n``, ``hidden``, ``significant``, ``change_point``,
        ``p_adjusted``, ``effect``, ``points``, ``shift``, ``shift_from``; with events also
        ``event_med_log``, ``event_action``.
    events : sequence of (day, kind, label, detail)
        MED discussions (kind ``"med_log"``) and agreed actions (``"action"``), drawn by
        :func:`analytics.events.add_event_markers`; the x axis reaches out to hold them.
    """
    figure = go.Figure()
    _phase_bands(figure, phases)
    add_event_lines(figure, events)
    for position, (construct, rows) in enumerate(_groups(trend, "construct")):
        colour = construct_colour(str(construct), position)
        name = str(rows["construct_label"].iloc[0])
        shown = rows[~rows["hidden"].astype(bool)]
        _ci_band(figure, rows["opens"], _shown(rows, "ci_low"), _shown(rows, "ci_high"), colour)
        figure.add_trace(
            go.Scatter(
                x=rows["opens"],
                y=_shown(rows, "mean"),
                mode="lines+markers",
                name=name,
                line={"color": colour, "width": 2.5},
                marker={"size": 7, "color": colour},
                customdata=_hover_data(rows),
                hovertemplate=_summary_hover(name, labels),
                connectgaps=False,
            )
        )
        _hidden_markers(figure, rows[rows["hidden"].astype(bool)], labels)
        if "shift" in rows:
            flagged = shown[shown["shift"].fillna(0).astype(int) != 0]
            if not flagged.empty:
                figure.add_trace(_shift_markers(flagged, colour, name, labels))
        else:
            changed = shown[shown["significant"].astype(bool)]
            if not changed.empty:
                figure.add_trace(_change_markers(changed, colour, name, labels))
    several = trend["construct"].nunique() > 1 if not trend.empty else False
    _changepoint_lines(figure, changepoints, labels, hidden_by_default=several)
    add_event_markers(figure, events, labels)
    _layout(figure, labels["x_axis"], labels["y_axis"], height=460)
    if not trend.empty:
        # The x-axis ends at the last wave or event (a phase may run on for weeks without one).
        days = [pd.Timestamp(day) for day in [*trend["opens"], *event_days(events)]]
        first, last = min(days), max(days)
        figure.update_xaxes(range=[first - pd.Timedelta(days=4), last + pd.Timedelta(days=4)])
    return figure


def _ci_band(
    figure: go.Figure,
    x: pd.Series,
    low: list[float | None],
    high: list[float | None],
    colour: str,
) -> None:
    """The CI as a filled band; a hidden wave breaks it (each shown stretch is its own polygon)."""
    xs, ys = [], []
    stretch: list[tuple[object, float, float]] = []
    for point in [*zip(x, low, high, strict=True), None]:
        if point is not None:
            when, lo, hi = point
            if lo is not None and hi is not None:
                stretch.append((when, lo, hi))
                continue
        if stretch:
            xs += [p[0] for p in stretch] + [p[0] for p in reversed(stretch)] + [None]
            ys += [p[2] for p in stretch] + [p[1] for p in reversed(stretch)] + [None]
            stretch = []
    figure.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            fill="toself",
            fillcolor=_transparent(colour, 0.18),
            mode="lines",
            line={"width": 0},
            hoverinfo="skip",
            showlegend=False,
        )
    )


def _change_markers(changed: pd.DataFrame, colour: str, name: str, labels: Labels) -> go.Scatter:
    symbols = ["triangle-up" if (d or 0) > 0 else "triangle-down" for d in changed["difference"]]
    texts = [
        f"{labels['significant']}: {number(d)} {labels['points']}<br>"
        f"{labels['p_adjusted']} = {number(p, 3)}, {labels['effect']} = {number(e, 2)}"
        for d, p, e in zip(
            changed["difference"], changed["p_adjusted"], changed["cohens_d"], strict=True
        )
    ]
    return go.Scatter(
        x=changed["opens"],
        y=_clean(changed["mean"]),
        mode="markers",
        name=f"{name}: {labels['significant']}",
        legendgroup="significant",
        marker={
            "symbol": symbols,
            "size": 15,
            "color": colour,
            "line": {"color": "#000000", "width": 2},
        },
        customdata=list(zip(changed["wave_label"], texts, strict=True)),
        hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>",
    )


def _shift_markers(flagged: pd.DataFrame, colour: str, name: str, labels: Labels) -> go.Scatter:
    symbols = ["triangle-up" if d > 0 else "triangle-down" for d in flagged["shift"]]
    texts = [
        f"{labels['shift']}: {number(size)} {labels['points']}<br>{labels['shift_from']} {start}"
        for size, start in zip(flagged["shift_size"], flagged["shift_start_label"], strict=True)
    ]
    return go.Scatter(
        x=flagged["opens"],
        y=_clean(flagged["mean"]),
        mode="markers",
        name=f"{name}: {labels['shift']}",
        legendgroup="shift",
        marker={
            "symbol": symbols,
            "size": 15,
            "color": colour,
            "line": {"color": "#000000", "width": 2},
        },
        customdata=list(zip(flagged["wave_label"], texts, strict=True)),
        hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>",
    )


# Change-point lines stop below the top strip of the plot, where the phase labels stand.
CHANGEPOINT_TOP = 86


def _changepoint_lines(
    figure: go.Figure, changepoints: pd.DataFrame, labels: Labels, *, hidden_by_default: bool
) -> None:
    """One dashed line style per construct; with several constructs shown, the lines start
    switched off (one click on the legend shows them), so the chart is not a thicket."""
    for position, (construct, rows) in enumerate(_groups(changepoints, "construct")):
        xs: list[object] = []
        ys: list[float | None] = []
        for opens in rows["opens"]:
            xs += [opens, opens, None]
            ys += [0, CHANGEPOINT_TOP, None]
        name = f"{labels['change_point']}: {rows['construct_label'].iloc[0]}"
        figure.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                name=name,
                line={
                    "color": construct_colour(str(construct), position),
                    "width": 2,
                    "dash": "dash",
                },
                hovertemplate=name + "<br>%{x|" + DATE_FORMAT + "}<extra></extra>",
                visible="legendonly" if hidden_by_default else True,
            )
        )


def _phase_bands(figure: go.Figure, phases: pd.DataFrame) -> None:
    for row in phases.itertuples():
        colour = _involvement_colour(row.involvement)
        figure.add_vrect(
            x0=as_timestamp(row.starts),
            x1=as_timestamp(row.ends),
            fillcolor=colour,
            opacity=0.13,
            layer="below",
            line_width=0,
            annotation_text=f"{row.phase_label}<br>{row.involvement_label}",
            annotation_position="top left",
            annotation_font_size=11,
        )
