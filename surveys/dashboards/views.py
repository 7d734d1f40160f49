"""One function per question a dashboard page asks; each takes the scope and enforces it.

Every function returns a frozen view whose frames are tidy and already protected: a hidden
group's numbers are ``None`` and ``hidden`` is True. The same frames feed the live pages and can
be frozen into a MED snapshot; ``analytics.charts`` draws them.
"""

from surveys.dashboards.period_views import HeatmapView, PhaseView, heatmap_table, phase_table
from surveys.dashboards.view_basis import COMPARISON_COLUMNS
from surveys.dashboards.wave_views import (
    MIN_RUNCHART_POINTS,
    RunChartView,
    TrendView,
    runchart_table,
    trend_table,
)

__all__ = [
    "COMPARISON_COLUMNS",
    "MIN_RUNCHART_POINTS",
    "HeatmapView",
    "PhaseView",
    "RunChartView",
    "TrendView",
    "heatmap_table",
    "phase_table",
    "runchart_table",
    "trend_table",
]
