"""Series over waves per unit and construct: run charts, change points, trends per phase.

Every series is the unit's shown wave means in time order; hidden waves are missing values.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import fields

import numpy as np
import pandas as pd

from analytics._arrays import integer_column, labels_at, object_column
from analytics.changepoints import changepoints_many
from analytics.exceptions import InvalidInput
from analytics.protection import ProtectedScores
from analytics.results import AnhoejResult
from analytics.runchart import anhoej, long_run_points
from analytics.trend import mann_kendall_many


def wave_means(protected: ProtectedScores) -> np.ndarray:
    """Mean score per (construct, unit, wave); NaN where the wave is hidden or empty."""
    n = protected.wave_counts.sum(axis=3)
    with np.errstate(divide="ignore", invalid="ignore"):
        means: np.ndarray = (protected.wave_counts @ protected.scores) / n
    return means


def run_charts(
    protected: ProtectedScores, *, baseline_phase: Hashable | None = None
) -> pd.DataFrame:
    """Anhøj run-chart analysis of every unit's wave means, one row per unit and construct.

    With ``baseline_phase`` the centre line is frozen on the median of the waves up to and
    including that phase (qicharts2's ``freeze``: the baseline is always the start of the
    series); the rules are then applied to every wave. Below 10 useful waves the UI should say
    "for få målinger" rather than show signals.

    Returns
    -------
    DataFrame
        ``unit_id``, ``construct`` and the :class:`analytics.AnhoejResult` fields.

    References
    ----------
    Anhøj J, Olesen AV (2014). PLoS ONE 9(11): e113825.

    Examples
    --------
    >>> from analytics import protect_histograms
    >>> frame = pd.DataFrame({"wave_id": range(12), "unit_id": "a", "construct": "mening",
    ...                       "score": [float(s) for s in range(40, 64, 2)], "n": 5})
    >>> p = protect_histograms(frame, parent={"a": None}, wave_phase=dict.fromkeys(range(12), 1),
    ...                        k=5)
    >>> run_charts(p)[["unit_id", "median", "longest_run", "runs_signal"]]
      unit_id median longest_run  runs_signal
    0       a   51.0           6         True
    """
    baseline_n = _baseline_n(protected, baseline_phase)
    means = wave_means(protected)
    results = [anhoej(series, baseline_n) for series in means.reshape(-1, means.shape[2])]
    return _records_frame(protected, results, AnhoejResult)


def long_run_flags(
    protected: ProtectedScores, *, baseline_phase: Hashable | None = None
) -> pd.DataFrame:
    """Per unit, construct and wave: is the wave mean part of a run longer than the limit?

    For highlighting a run chart; merge with :func:`analytics.summarise_waves` on ``unit_id``,
    ``construct``, ``wave_id``. Same centre line as :func:`run_charts`.

    Returns
    -------
    DataFrame
        ``unit_id``, ``construct``, ``wave_id``, ``in_long_run`` (bool).

    References
    ----------
    Anhøj J, Olesen AV (2014). PLoS ONE 9(11): e113825.

    Examples
    --------
    >>> from analytics import protect_histograms
    >>> frame = pd.DataFrame({"wave_id": range(8), "unit_id": "a", "construct": "mening",
    ...                       "score": [10.0, 20, 30, 40, 50, 60, 70, 80], "n": 5})
    >>> p = protect_histograms(frame, parent={"a": None}, wave_phase=dict.fromkeys(range(8), 1),
    ...                        k=5)
    >>> long_run_flags(p, baseline_phase=None)["in_long_run"].tolist()
    [False, False, False, False, False, False, False, False]
    """
    baseline_n = _baseline_n(protected, baseline_phase)
    means = wave_means(protected)
    flags = [long_run_points(series, baseline_n) for series in means.reshape(-1, means.shape[2])]
    c, u, w = np.indices(means.shape).reshape(3, -1)
    return pd.DataFrame(
        {
            "unit_id": labels_at(protected.units, u),
            "construct": labels_at(protected.constructs, c),
            "wave_id": labels_at(protected.waves, w),
            "in_long_run": np.array(flags, dtype=bool).reshape(-1),
        }
    )


def _baseline_n(protected: ProtectedScores, baseline_phase: Hashable | None) -> int | None:
    """Waves up to and including the last wave of ``baseline_phase`` (qicharts2's freeze)."""
    if baseline_phase is None:
        return None
    if baseline_phase not in protected.phases:
        raise InvalidInput(f"unknown baseline phase {baseline_phase!r}")
    in_baseline = protected.wave_phase == protected.phases.index(baseline_phase)
    return int(np.flatnonzero(in_baseline).max()) + 1


def wave_changepoints(protected: ProtectedScores, *, penalty: float | None = None) -> pd.DataFrame:
    """Where the level of each unit's wave means shifts (PELT, see :func:`analytics.changepoints`).

    Returns
    -------
    DataFrame
        One row per change point: ``unit_id``, ``construct``, ``wave_id`` (the first wave of
        the new level), ``phase_id``.

    References
    ----------
    Killick R, Fearnhead P, Eckley IA (2012). JASA 107(500): 1590-1598.

    Examples
    --------
    >>> from analytics import protect_histograms
    >>> frame = pd.DataFrame({"wave_id": range(8), "unit_id": "a", "construct": "mening",
    ...                       "score": [50.0, 52, 48, 50, 30, 32, 28, 30], "n": 5})
    >>> p = protect_histograms(frame, parent={"a": None}, wave_phase=dict.fromkeys(range(8), 1),
    ...                        k=5)
    >>> wave_changepoints(p)[["unit_id", "wave_id"]]
      unit_id wave_id
    0       a       4
    """
    means = wave_means(protected)
    found = changepoints_many(means.reshape(-1, means.shape[2]), penalty)
    rows = [(row, wave) for row, waves in enumerate(found) for wave in waves]
    row_index = np.array([row for row, _ in rows], dtype=np.int64)
    wave_index = np.array([wave for _, wave in rows], dtype=np.int64)
    c, u = np.unravel_index(row_index, means.shape[:2])
    return pd.DataFrame(
        {
            "unit_id": labels_at(protected.units, u),
            "construct": labels_at(protected.constructs, c),
            "wave_id": labels_at(protected.waves, wave_index),
            "phase_id": labels_at(protected.phases, protected.wave_phase[wave_index]),
        }
    )


def phase_trends(protected: ProtectedScores) -> pd.DataFrame:
    """Mann-Kendall trend and Sen's slope (points per wave) of the wave means within each phase.

    Returns
    -------
    DataFrame
        ``unit_id``, ``construct``, ``phase_id``, ``n_waves`` (shown waves) and the
        :class:`analytics.MannKendallResult` fields ``s``, ``z``, ``p``, ``sen_slope``.

    References
    ----------
    Mann HB (1945). Econometrica 13: 245-259. Kendall MG (1975). Rank correlation methods.
    Sen PK (1968). JASA 63: 1379-1389.

    Examples
    --------
    >>> from analytics import protect_histograms
    >>> frame = pd.DataFrame({"wave_id": range(5), "unit_id": "a", "construct": "mening",
    ...                       "score": [40.0, 45, 50, 55, 60], "n": 5})
    >>> p = protect_histograms(frame, parent={"a": None}, wave_phase=dict.fromkeys(range(5), 1),
    ...                        k=5)
    >>> phase_trends(p)[["phase_id", "n_waves", "s", "sen_slope"]]
      phase_id  n_waves   s sen_slope
    0        1        5  10       5.0
    """
    means = wave_means(protected)
    frames = []
    for phase_index in range(len(protected.phases)):
        block = means[:, :, protected.wave_phase == phase_index]
        result = mann_kendall_many(block.reshape(-1, block.shape[2]))
        c, u = np.indices(block.shape[:2]).reshape(2, -1)
        frame = pd.DataFrame(
            {
                "unit_id": labels_at(protected.units, u),
                "construct": labels_at(protected.constructs, c),
                "phase_id": labels_at(protected.phases, np.full(u.size, phase_index)),
                "n_waves": result["n"],
            }
        )
        frame["s"] = integer_column(result["s"])
        for name in ("z", "p", "sen_slope"):
            frame[name] = object_column(result[name])
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _records_frame(
    protected: ProtectedScores, results: Sequence[object], record: type
) -> pd.DataFrame:
    c, u = np.indices((len(protected.constructs), len(protected.units))).reshape(2, -1)
    frame = pd.DataFrame(
        {"unit_id": labels_at(protected.units, u), "construct": labels_at(protected.constructs, c)}
    )
    for field in fields(record):
        values = [getattr(result, field.name) for result in results]
        if field.type == "bool":
            frame[field.name] = np.array(values, dtype=bool)
        else:
            frame[field.name] = object_column(np.array(values, dtype=object))
    return frame
