"""Plotly figures of the dashboards, drawn from tidy frames and a labels dict only.

No database, no Streamlit and no scope: the live pages and the frozen MED snapshots draw the same
figures from the same tidy frames. Every figure uses the Okabe-Ito palette (colour-blind safe),
a decimal comma (``separators=",."``), and hover text with n and the 95% confidence interval.
Hidden groups never carry a number: a hidden row's numbers are ignored even when present.

Texts come from the caller's ``labels`` (the user's language); the keys each builder reads are
listed in its docstring. Missing numbers are ``None`` (NaN is treated the same way).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from analytics.timeline import INVOLVEMENT_COLOURS

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
DATE_FORMAT = "%d.%m.%Y"

Labels = Mapping[str, str]


def number(value: object, decimals: int = 1) -> str:
    """A number with a decimal comma (``62,5``), or an en dash when missing."""
    if _missing(value):
        return "–"
    text = f"{float(value):,.{decimals}f}"  # type: ignore[arg-type]
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def construct_colour(construct: str, position: int = 0) -> str:
    return CONSTRUCT_COLOURS.get(construct, OKABE_ITO[position % len(OKABE_ITO)])


def trend_figure(
    trend: pd.DataFrame,
    *,
    phases: pd.DataFrame,
    changepoints: pd.DataFrame,
    labels: Labels,
) -> go.Figure:
    """Score per wave with its 95% CI band, phases as shaded bands, changes and change points.

    Parameters
    ----------
    trend : DataFrame
        One row per construct and wave: ``construct``, ``construct_label``, ``opens`` (date),
        ``wave_label``, ``n``, ``mean``, ``ci_low``, ``ci_high``, ``hidden`` (bool),
        ``difference`` (to the previous shown wave or None), ``p_adjusted``, ``cohens_d``,
        ``significant`` (bool).
    phases : DataFrame
        ``phase_label``, ``involvement`` (a level, or None when the unit's parts differ),
        ``involvement_label``, ``starts``, ``ends``.
    changepoints : DataFrame
        ``construct``, ``construct_label``, ``opens``: the first wave of each new level.
    labels : mapping
        ``y_axis``, ``x_axis``, ``ci``, ``n``, ``hidden``, ``significant``, ``change_point``,
        ``p_adjusted``, ``effect``, ``points``.
    """
    figure = go.Figure()
    _phase_bands(figure, phases)
    for position, (construct, rows) in enumerate(_groups(trend, "construct")):
        colour = construct_colour(construct, position)
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
        changed = shown[shown["significant"].astype(bool)]
        if not changed.empty:
            figure.add_trace(_change_markers(changed, colour, name, labels))
    _changepoint_lines(figure, changepoints, labels)
    _layout(figure, labels["x_axis"], labels["y_axis"], height=460)
    return figure


def runchart_figure(
    series: pd.DataFrame,
    *,
    median: float | None,
    baseline_end: object | None,
    long_run_signal: bool,
    few_crossings_signal: bool,
    labels: Labels,
) -> go.Figure:
    """A run chart: wave means, the median centre line, and the Anhøj signals highlighted.

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
        ``long_run``, ``few_crossings``, ``series``.
    """
    figure = go.Figure()
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
    _layout(figure, labels["x_axis"], labels["y_axis"], height=400)
    return figure


def heatmap_figure(cells: pd.DataFrame, *, labels: Labels) -> go.Figure:
    """Units x constructs, colour = score; hidden cells grey, hatched and labelled, never coloured.

    Parameters
    ----------
    cells : DataFrame
        One row per unit and construct, rows in display order: ``unit_label``,
        ``construct_label``, ``n``, ``mean``, ``ci_low``, ``ci_high``, ``hidden`` (bool),
        ``difference`` (to the previous wave or phase, or None), ``significant`` (bool).
    labels : mapping
        ``hidden`` (the text of a hidden cell), ``colour_bar``, ``ci``, ``n``, ``change``,
        ``significant``, ``x_axis``, ``y_axis``.
    """
    rows = list(dict.fromkeys(cells["unit_label"]))
    columns = list(dict.fromkeys(cells["construct_label"]))
    grid = {(r.unit_label, r.construct_label): r for r in cells.itertuples()}
    z, text, hover, hidden_z, hidden_text = [], [], [], [], []
    for row in rows:
        z_row, text_row, hover_row, hz_row, ht_row = [], [], [], [], []
        for column in columns:
            cell = grid.get((row, column))
            hidden = cell is None or bool(cell.hidden) or _missing(cell.mean)
            z_row.append(None if hidden else float(cell.mean))
            hz_row.append(1 if hidden else None)
            ht_row.append(labels["hidden"] if hidden else "")
            text_row.append("" if hidden else _cell_text(cell))
            hover_row.append(
                f"{row} · {column}<br>{labels['hidden']}"
                if hidden
                else _cell_hover(cell, row, column, labels)
            )
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
        hidden_z.append(hz_row)
        hidden_text.append(ht_row)
    figure = go.Figure()
    figure.add_trace(
        go.Heatmap(
            z=z,
            x=columns,
            y=rows,
            text=text,
            customdata=hover,
            texttemplate="%{text}",
            hovertemplate="%{customdata}<extra></extra>",
            colorscale=SCORE_COLOURSCALE,
            zmin=0,
            zmax=100,
            xgap=3,
            ygap=3,
            hoverongaps=False,
            colorbar={"title": {"text": labels["colour_bar"]}},
        )
    )
    figure.add_trace(
        go.Heatmap(
            z=hidden_z,
            x=columns,
            y=rows,
            text=hidden_text,
            customdata=hover,
            texttemplate="%{text}",
            textfont={"color": "#333333"},
            hovertemplate="%{customdata}<extra></extra>",
            showscale=False,
            xgap=3,
            ygap=3,
            colorscale=[[0, HIDDEN_COLOUR], [1, HIDDEN_COLOUR]],
            hoverongaps=False,
        )
    )
    for i in range(len(rows)):
        for j in range(len(columns)):
            if hidden_z[i][j] is not None:
                _hatch(figure, j, i)
    figure.update_layout(
        height=120 + 42 * max(len(rows), 1),
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        xaxis={"side": "top", "title": {"text": labels["x_axis"]}},
        yaxis={"autorange": "reversed", "title": {"text": labels["y_axis"]}},
        separators=",.",
        plot_bgcolor="#FFFFFF",
    )
    return figure


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
        colour = construct_colour(construct, position)
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


# --- helpers -------------------------------------------------------------------------------


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _clean(values: pd.Series) -> list[float | None]:
    return [None if _missing(v) else float(v) for v in values]


def _shown(rows: pd.DataFrame, column: str) -> list[float | None]:
    """The column's numbers with None for hidden rows (a hidden row never shows a number)."""
    hidden = rows["hidden"].astype(bool).tolist()
    return [None if h else v for h, v in zip(hidden, _clean(rows[column]), strict=True)]


def _groups(frame: pd.DataFrame, column: str) -> list[tuple[object, pd.DataFrame]]:
    """Groups in order of first appearance (pandas' groupby would sort them)."""
    return [(key, frame[frame[column] == key]) for key in dict.fromkeys(frame[column])]


def _hover_data(rows: pd.DataFrame, label_column: str = "wave_label") -> list[list[str]]:
    """Per point: its label, n, CI low and CI high as ready-formatted strings."""
    data = []
    for row in rows.itertuples():
        hidden = bool(row.hidden)
        data.append(
            [
                str(getattr(row, label_column)),
                "–" if hidden or _missing(row.n) else str(int(row.n)),
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


def _ci_band(figure: go.Figure, x: pd.Series, low: list, high: list, colour: str) -> None:
    """The CI as a filled band; a hidden wave breaks it (each shown stretch is its own polygon)."""
    xs, ys = [], []
    stretch: list[tuple[object, float, float]] = []
    for point in [*zip(x, low, high, strict=True), None]:
        if point is not None and point[1] is not None and point[2] is not None:
            stretch.append(point)
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


def _changepoint_lines(figure: go.Figure, changepoints: pd.DataFrame, labels: Labels) -> None:
    for position, (construct, rows) in enumerate(_groups(changepoints, "construct")):
        xs: list[object] = []
        ys: list[float | None] = []
        for opens in rows["opens"]:
            xs += [opens, opens, None]
            ys += [0, 100, None]
        name = f"{labels['change_point']}: {rows['construct_label'].iloc[0]}"
        figure.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                name=name,
                line={"color": construct_colour(construct, position), "width": 2, "dash": "dash"},
                hovertemplate=name + "<br>%{x|" + DATE_FORMAT + "}<extra></extra>",
            )
        )


def _phase_bands(figure: go.Figure, phases: pd.DataFrame) -> None:
    for row in phases.itertuples():
        colour = _involvement_colour(row.involvement)
        figure.add_vrect(
            x0=pd.Timestamp(row.starts),
            x1=pd.Timestamp(row.ends),
            fillcolor=colour,
            opacity=0.13,
            layer="below",
            line_width=0,
            annotation_text=f"{row.phase_label}<br>{row.involvement_label}",
            annotation_position="top left",
            annotation_font_size=11,
        )


def _error_bars(rows: pd.DataFrame) -> dict:
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


def _cell_text(cell: Any) -> str:
    text = number(cell.mean, 0)
    if bool(cell.significant) and not _missing(cell.difference):
        text += " ▲" if cell.difference > 0 else " ▼"
    return text


def _cell_hover(cell: Any, row: str, column: str, labels: Labels) -> str:
    text = (
        f"{row} · {column}<br>{number(cell.mean)} ({labels['ci']} {number(cell.ci_low)}–"
        f"{number(cell.ci_high)})<br>{labels['n']} = {int(cell.n)}"
    )
    if not _missing(cell.difference):
        text += f"<br>{labels['change']}: {number(cell.difference)}"
        if bool(cell.significant):
            text += f" ({labels['significant']})"
    return text


def _hatch(figure: go.Figure, column: int, row: int) -> None:
    """Diagonal strokes at both ends of a hidden cell, leaving the middle to its text.

    Categorical axes place cell ``i`` between ``i - 0.5`` and ``i + 0.5``.
    """
    for offset in (-0.42, -0.32, 0.32, 0.42):
        figure.add_shape(
            type="line",
            x0=column + offset - 0.05,
            x1=column + offset + 0.05,
            y0=row + 0.38,
            y1=row - 0.38,
            line={"color": HATCH_COLOUR, "width": 1.5},
            layer="above",
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
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        separators=",.",
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        hovermode="closest",
        plot_bgcolor="#FFFFFF",
        xaxis={"title": {"text": x_title}, "showgrid": False},
        yaxis={"title": {"text": y_title}, "range": [0, 100], "gridcolor": "#E5E5E5"},
    )
    if not categorical:
        figure.update_xaxes(type="date", tickformat=DATE_FORMAT)
