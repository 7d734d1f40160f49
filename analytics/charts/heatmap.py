"""Units x constructs: the heatmap whose hidden cells are grey, hatched and numberless."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from analytics.charts.style import (
    HATCH_COLOUR,
    HIDDEN_COLOUR,
    SCORE_COLOURSCALE,
    Labels,
    _float,
    _missing,
)
from medspil.formatting import chart_separators, number

# Diverging, colour-blind safe (Okabe-Ito vermillion to blue): red falls, blue rises.
CHANGE_COLOURSCALE = [[0.0, "#D55E00"], [0.5, "#FFFFFF"], [1.0, "#0072B2"]]
CHANGE_RANGE = 20.0


def heatmap_figure(cells: pd.DataFrame, *, labels: Labels, mode: str = "level") -> go.Figure:
    """Units x constructs, colour = score; hidden cells grey, hatched and labelled, never coloured.

    ``mode="change"`` colours the change from the previous wave or phase instead (red for a
    drop, blue for a rise, white for none, ±``CHANGE_RANGE`` points at full colour) and writes
    it in the cell: the view that tells something when all scores sit in one colour band.

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
    z: list[list[float | None]] = []
    hidden_z: list[list[int | None]] = []
    text: list[list[str]] = []
    hover: list[list[str]] = []
    hidden_text: list[list[str]] = []
    for row in rows:
        z_row: list[float | None] = []
        hz_row: list[int | None] = []
        text_row: list[str] = []
        hover_row: list[str] = []
        ht_row: list[str] = []
        for column in columns:
            cell = grid.get((row, column))
            if cell is None or bool(cell.hidden) or _missing(cell.mean):
                z_row.append(None)
                hz_row.append(1)
                ht_row.append(labels["hidden"])
                text_row.append("")
                hover_row.append(f"{row} · {column}<br>{labels['hidden']}")
                continue
            z_row.append(_float(cell.difference) if mode == "change" else _float(cell.mean))
            hz_row.append(None)
            ht_row.append("")
            text_row.append(_cell_text(cell, mode))
            hover_row.append(_cell_hover(cell, row, column, labels))
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
            colorscale=CHANGE_COLOURSCALE if mode == "change" else SCORE_COLOURSCALE,
            zmin=-CHANGE_RANGE if mode == "change" else 0,
            zmax=CHANGE_RANGE if mode == "change" else 100,
            xgap=3,
            ygap=3,
            hoverongaps=False,
            colorbar={
                "title": {"text": labels["change"] if mode == "change" else labels["colour_bar"]}
            },
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
        separators=chart_separators(),
        plot_bgcolor="#FFFFFF",
    )
    return figure


def _cell_text(cell: Any, mode: str = "level") -> str:
    if mode == "change":
        if _missing(cell.difference):
            return f"{number(cell.mean, 0)} (–)"
        arrow = " ▲" if cell.difference > 0 else " ▼"
        sign = "+" if cell.difference > 0 else "−"
        if round(abs(cell.difference)) == 0:
            sign = "±"
        text = f"{sign}{number(abs(cell.difference), 0)}"
        return text + (arrow if bool(cell.significant) else "")
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
