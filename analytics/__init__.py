"""Pure statistics for Medspil: scoring, anonymity, comparisons, run charts, change points,
and the shift monitor that decides what is flagged as changed.

No database and no UI: functions take plain values or aggregated score histograms and return
frozen dataclasses or tidy DataFrames in which an undefined number is ``None``.
"""

from analytics.aggregate import summarise_phases, summarise_waves
from analytics.aggregate_comparisons import compare_phases, compare_waves
from analytics.aggregate_series import long_run_flags, phase_trends, run_charts, wave_changepoints
from analytics.aggregate_shifts import wave_shifts
from analytics.changepoints import changepoints
from analytics.comparisons import compare_groups, compare_histograms
from analytics.exceptions import InvalidInput, InvalidTree
from analytics.involvement_effect import MeanDifference, compare_involvement, welch_difference
from analytics.multiplicity import bh_adjust
from analytics.protection import ProtectedScores, protect_histograms
from analytics.reliability import cronbach_alpha, cronbach_alpha_from_moments
from analytics.results import (
    AnhoejResult,
    GroupComparison,
    GroupSummary,
    MannKendallResult,
    Shift,
)
from analytics.runchart import anhoej
from analytics.scoring import group_summary, item_points, respondent_construct_score
from analytics.shifts import detect_shifts
from analytics.suppression import visible_units
from analytics.trend import mann_kendall

__all__ = [
    "AnhoejResult",
    "GroupComparison",
    "GroupSummary",
    "InvalidInput",
    "InvalidTree",
    "MannKendallResult",
    "MeanDifference",
    "Shift",
    "ProtectedScores",
    "anhoej",
    "bh_adjust",
    "changepoints",
    "compare_groups",
    "compare_histograms",
    "compare_involvement",
    "compare_phases",
    "compare_waves",
    "cronbach_alpha",
    "cronbach_alpha_from_moments",
    "detect_shifts",
    "group_summary",
    "item_points",
    "long_run_flags",
    "mann_kendall",
    "phase_trends",
    "protect_histograms",
    "respondent_construct_score",
    "run_charts",
    "summarise_phases",
    "summarise_waves",
    "visible_units",
    "wave_changepoints",
    "wave_shifts",
    "welch_difference",
]
