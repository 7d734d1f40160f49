"""Scores per phase: distributions compared across phases, and the medspil score by involvement."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics.charts.style import (
    Labels,
    _clean,
    _groups,
    _hover_data,
    _involvement_colour,
    _layout,
    _summary_hover,
    _transparent,
    construct_colour,
)


def phase_comparison_figure(boxes: pd.DataFrame, *, labels: Labels) -> go.Figure:
    """Distributions per phase (box: 10-25-50-75-90th percentile) and the mean with its 95% CI.

    Parameters
    ----------
    boxes : DataFrame
        One row per construct and phase in time order: ``construct``, ``construct_label``,
        ``phase_label``, ``n``, ``mean``, ``ci_low``, ``ci_high``, ``q10``, ``q25``,
        ``median``, ``q75``, ``q90``, ``hidden`` (bool).
    labels : mapping
        ``y_axis``, ``x_axis``, ``ci``, ``n``, ``hidden``, ``mean``, ``median``.
    """
    figure = go.Figure()
    for position, (construct, rows) in enumerate(_groups(boxes, "construct")):
        colour = construct_colour(str(construct), position)
        name = str(rows["construct_label"].iloc[0])
        shown = rows[~rows["hidden"].astype(bool)]
        if shown.empty:
            continue
        figure.add_trace(
            go.Box(
                x=shown["phase_label"],
                q1=_clean(shown["q25"]),
                median=_clean(shown["median"]),
                q3=_clean(shown["q75"]),
                lowerfence=_clean(shown["q10"]),
                upperfence=_clean(shown["q90"]),
                name=name,
                legendgroup=name,
                marker_color=colour,
                offsetgroup=name,
                alignmentgroup="phases",
                boxpoints=False,
                hoverinfo="skip",
                fillcolor=_transparent(colour, 0.25),
            )
        )
        figure.add_trace(
            go.Scatter(
                x=shown["phase_label"],
                y=_clean(shown["mean"]),
                mode="markers",
                name=f"{name}: {labels['mean']}",
                legendgroup=name,
                showlegend=False,
                offsetgroup=name,
                alignmentgroup="phases",
                marker={"color": "#000000", "symbol": "diamond", "size": 9},
                error_y=_error_bars(shown),
                customdata=_hover_data(shown, "phase_label"),
                hovertemplate=_summary_hover(name, labels),
            )
        )
    hidden = boxes[boxes["hidden"].astype(bool)]
    for phase in dict.fromkeys(hidden["phase_label"]):
        constructs = ", ".join(hidden.loc[hidden["phase_label"] == phase, "construct_label"])
        figure.add_annotation(
            x=phase,
            y=5,
            text=f"{constructs}: {labels['hidden']}",
            showarrow=False,
            font={"color": "#555555"},
        )
    figure.update_layout(boxmode="group", scattermode="group")
    _layout(figure, labels["x_axis"], labels["y_axis"], height=460, categorical=True)
    return figure


def involvement_figure(rows: pd.DataFrame, *, labels: Labels) -> go.Figure:
    """The medspil score per phase as bars coloured by the phase's involvement level.

    Parameters
    ----------
    rows : DataFrame
        One row per phase in time order: ``phase_label``, ``involvement`` (a level, or None when
        the unit's parts were involved differently), ``involvement_label``, ``n``, ``mean``,
        ``ci_low``, ``ci_high``, ``hidden`` (bool).
    labels : mapping
        ``y_axis``, ``x_axis``, ``ci``, ``n``, ``hidden``, ``series``.
    """
    figure = go.Figure()
    for level, group in _groups(rows, "involvement_label"):
        involvement = group["involvement"].iloc[0]
        shown = group[~group["hidden"].astype(bool)]
        colour = _involvement_colour(involvement)
        figure.add_trace(
            go.Bar(
                x=shown["phase_label"],
                y=_clean(shown["mean"]),
                name=str(level),
                marker={"color": colour, "line": {"color": "#333333", "width": 1}},
                error_y=_error_bars(shown),
                text=[str(level)] * len(shown),
                textposition="inside",
                insidetextanchor="middle",
                customdata=_hover_data(shown, "phase_label"),
                hovertemplate=_summary_hover(labels["series"], labels),
            )
        )
    for phase in rows.loc[rows["hidden"].astype(bool), "phase_label"]:
        figure.add_annotation(x=phase, y=5, text=labels["hidden"], showarrow=False)
    figure.update_layout(barmode="overlay")
    _layout(figure, labels["x_axis"], labels["y_axis"], height=380, categorical=True)
    figure.update_xaxes(categoryorder="array", categoryarray=list(rows["phase_label"]))
    return figure


def _error_bars(rows: pd.DataFrame) -> dict[str, object]:
    mean, low, high = _clean(rows["mean"]), _clean(rows["ci_low"]), _clean(rows["ci_high"])
    plus = [None if h is None or m is None else h - m for m, h in zip(mean, high, strict=True)]
    minus = [None if lo is None or m is None else m - lo for m, lo in zip(mean, low, strict=True)]
    return {
        "type": "data",
        "symmetric": False,
        "array": plus,
        "arrayminus": minus,
        "color": "#333333",
        "thickness": 1.5,
    }
