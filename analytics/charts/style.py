"""The figures' shared look: palette, number format (from ``medspil.formatting``), hover text
and layout."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import SupportsFloat

import pandas as pd
import plotly.graph_objects as go

from analytics.timeline import INVOLVEMENT_COLOURS
from medspil.formatting import CHART_DATE_FORMAT, chart_separators, number

# Okabe M, Ito K (2008). Color Universal Design. One colour per construct, stable across pages.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
CONSTRUCT_COLOURS = {
    "mening": "#0072B2",
    "motivation": "#E69F00",
    "medspil": "#009E73",
    "information": "#CC79A7",
    "tryghed": "#56B4E9",
    "kompetencer": "#D55E00",
    "kerneopgave": "#000000",
    "usynligt_arbejde": "#999999",
}
MIXED_COLOUR = "#BBBBBB"
HIDDEN_COLOUR = "#D9D9D9"
HATCH_COLOUR = "#8C8C8C"
SIGNAL_COLOUR = "#D55E00"
# Diverging orange - light - blue: readable for the common colour-vision deficiencies.
SCORE_COLOURSCALE = [
    [0.0, "#B35806"],
    [0.25, "#F1A340"],
    [0.5, "#F7F7F7"],
    [0.75, "#67A9CF"],
    [1.0, "#2166AC"],
]
DATE_FORMAT = CHART_DATE_FORMAT

Labels = Mapping[str, str]


def construct_colour(construct: str, position: int = 0) -> str:
    return CONSTRUCT_COLOURS.get(construct, OKABE_ITO[position % len(OKABE_ITO)])


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _float(value: object) -> float | None:
    """A frame's number cell as a float; None when missing (None, NA, NaN)."""
    if _missing(value):
        return None
    if isinstance(value, SupportsFloat):
        return float(value)
    raise TypeError(f"not a number: {value!r}")


def _clean(values: pd.Series) -> list[float | None]:
    return [_float(v) for v in values]


def _groups(frame: pd.DataFrame, column: str) -> list[tuple[object, pd.DataFrame]]:
    """Groups in order of first appearance (pandas' groupby would sort them)."""
    return [(key, frame[frame[column] == key]) for key in dict.fromkeys(frame[column])]


def _hover_data(rows: pd.DataFrame, label_column: str = "wave_label") -> list[list[str]]:
    """Per point: its label, n, CI low and CI high as ready-formatted strings."""
    data = []
    for row in rows.itertuples():
        hidden = bool(row.hidden)
        n = _float(row.n)
        data.append(
            [
                str(getattr(row, label_column)),
                "–" if hidden or n is None else str(int(n)),
                "–" if hidden else number(row.ci_low),
                "–" if hidden else number(row.ci_high),
            ]
        )
    return data


def _summary_hover(name: str, labels: Labels) -> str:
    return (
        "<b>%{customdata[0]}</b><br>"
        + name
        + ": %{y:.1f}<br>"
        + labels["ci"]
        + ": %{customdata[2]}–%{customdata[3]}<br>"
        + labels["n"]
        + " = %{customdata[1]}<extra></extra>"
    )


def _shown(rows: pd.DataFrame, column: str) -> list[float | None]:
    """The column's numbers with None for hidden rows (a hidden row never shows a number)."""
    hidden = rows["hidden"].astype(bool).tolist()
    return [None if h else v for h, v in zip(hidden, _clean(rows[column]), strict=True)]


def _hidden_markers(figure: go.Figure, rows: pd.DataFrame, labels: Labels) -> None:
    if rows.empty:
        return
    figure.add_trace(
        go.Scatter(
            x=rows["opens"],
            y=[2] * len(rows),
            mode="markers",
            name=labels["hidden"],
            marker={"symbol": "x-thin-open", "size": 9, "color": "#777777", "line": {"width": 2}},
            customdata=list(rows["wave_label"]),
            hovertemplate="%{customdata}<br>" + labels["hidden"] + "<extra></extra>",
        )
    )


def _involvement_colour(level: object) -> str:
    return INVOLVEMENT_COLOURS.get(level, MIXED_COLOUR) if isinstance(level, str) else MIXED_COLOUR


def _transparent(colour: str, alpha: float) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def _layout(
    figure: go.Figure, x_title: str, y_title: str, *, height: int, categorical: bool = False
) -> None:
    figure.update_layout(
        height=height,
        # The legend sits above the plot, so it can never cover the x-axis title or the tick
        # labels below (checked on the rendered chart in tests/browser).
        margin={"l": 10, "r": 10, "t": 90, "b": 10},
        separators=chart_separators(),
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hovermode="closest",
        plot_bgcolor="#FFFFFF",
        xaxis={"title": {"text": x_title}, "showgrid": False},
        yaxis={"title": {"text": y_title}, "range": [0, 100], "gridcolor": "#E5E5E5"},
    )
    if not categorical:
        figure.update_xaxes(type="date", tickformat=DATE_FORMAT)
