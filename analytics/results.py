"""Frozen result records returned by the statistics; undefined values are ``None``, never NaN."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AnhoejResult:
    """Run-chart analysis by the Anhøj rules (see :func:`analytics.anhoej`)."""

    median: float | None
    n_useful: int
    longest_run: int | None
    longest_run_max: int | None
    n_crossings: int | None
    n_crossings_min: int | None
    long_run_signal: bool
    few_crossings_signal: bool
    runs_signal: bool


@dataclass(frozen=True)
class GroupComparison:
    """Two unpaired groups of respondents compared (see :func:`analytics.compare_groups`)."""

    n_earlier: int
    n_later: int
    mean_earlier: float | None
    mean_later: float | None
    difference: float | None
    welch_t: float | None
    welch_df: float | None
    welch_p: float | None
    mannwhitney_p: float | None
    cohens_d: float | None
    cliffs_delta: float | None


@dataclass(frozen=True)
class MannKendallResult:
    """Mann-Kendall trend test and Sen's slope (see :func:`analytics.mann_kendall`)."""

    s: int | None
    z: float | None
    p: float | None
    sen_slope: float | None


@dataclass(frozen=True)
class GroupSummary:
    """One group's construct scores summarised (see :func:`analytics.group_summary`)."""

    n: int
    mean: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None
    favourable_share: float | None
    mdd: float | None


@dataclass(frozen=True)
class Shift:
    """One alarm of the shift monitor (see :func:`analytics.detect_shifts`).

    ``wave``: index of the wave at which the alarm is raised; ``start``: index of the estimated
    first wave at the new level; ``direction``: +1 up, -1 down; ``size``: the new level minus
    the old one in points (``level_after - level_before``), both answer-weighted wave means.
    """

    wave: int
    direction: int
    start: int
    size: float
    level_before: float
    level_after: float
