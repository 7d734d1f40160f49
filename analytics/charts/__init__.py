"""Plotly figures of the dashboards, drawn from tidy frames and a labels dict only.

No database, no Streamlit and no scope: the live pages and the frozen MED snapshots draw the same
figures from the same tidy frames. Every figure uses the Okabe-Ito palette (colour-blind safe),
a decimal comma (``separators=",."``), and hover text with n and the 95% confidence interval.
Hidden groups never carry a number: a hidden row's numbers are ignored even when present.

Texts come from the caller's ``labels`` (the user's language); the keys each builder reads are
listed in its docstring. Missing numbers are ``None`` (NaN is treated the same way).
"""

from analytics.charts.heatmap import heatmap_figure
from analytics.charts.phases import involvement_figure, phase_comparison_figure
from analytics.charts.runchart import runchart_figure
from analytics.charts.style import (
    CONSTRUCT_COLOURS,
    DATE_FORMAT,
    HATCH_COLOUR,
    HIDDEN_COLOUR,
    MIXED_COLOUR,
    OKABE_ITO,
    SCORE_COLOURSCALE,
    SIGNAL_COLOUR,
    Labels,
    construct_colour,
)
from analytics.charts.trend import trend_figure
from analytics.events import ACTION, MED_LOG, ChartEvent
from medspil.formatting import number

__all__ = [
    "ACTION",
    "MED_LOG",
    "ChartEvent",
    "CONSTRUCT_COLOURS",
    "DATE_FORMAT",
    "HATCH_COLOUR",
    "HIDDEN_COLOUR",
    "MIXED_COLOUR",
    "OKABE_ITO",
    "SCORE_COLOURSCALE",
    "SIGNAL_COLOUR",
    "Labels",
    "construct_colour",
    "heatmap_figure",
    "involvement_figure",
    "number",
    "phase_comparison_figure",
    "runchart_figure",
    "trend_figure",
]
