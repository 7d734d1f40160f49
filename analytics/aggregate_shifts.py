"""The shift monitor on every unit and construct of protected score histograms at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analytics._arrays import labels_at
from analytics.protection import ProtectedScores
from analytics.shifts import detect_shifts_many

_DAYS_PER_YEAR = 365.25
COLUMNS = [
    "unit_id",
    "construct",
    "wave_id",
    "phase_id",
    "start_wave_id",
    "direction",
    "size",
    "level_before",
    "level_after",
]


def wave_shifts(
    protected: ProtectedScores, *, waves_per_year: float, false_alarms_per_year: float
) -> pd.DataFrame:
    """:func:`analytics.detect_shifts` on each unit's wave means, one row per alarm.

    The series of a unit and construct is its subtree's mean, number of respondents and SD per
    wave, in the order of ``protected.waves``; hidden waves are gaps. Give every wave of the
    project up to now, not a selected period: the monitor is online, so an alarm depends on the
    waves before it.

    Returns
    -------
    DataFrame
        ``unit_id``, ``construct``, ``wave_id`` (the wave that raised the alarm), ``phase_id``
        (that wave's phase), ``start_wave_id`` (estimated first wave of the new level),
        ``direction`` (+1 / -1), ``size``, ``level_before``, ``level_after`` (points).

    References
    ----------
    Hawkins DM (1987). Self-starting cusum charts for location and scale. The Statistician
    36(4): 299-316.

    Examples
    --------
    >>> from analytics import protect_histograms
    >>> scores = [50.0] * 8 + [25.0] * 4
    >>> frame = pd.DataFrame({"wave_id": np.repeat(range(12), 2), "unit_id": "a",
    ...                       "construct": "medspil", "score": np.repeat(scores, 2) + [0, 25] * 12,
    ...                       "n": 10})
    >>> p = protect_histograms(frame, parent={"a": None}, wave_phase=dict.fromkeys(range(12), 1),
    ...                        k=5)
    >>> wave_shifts(p, waves_per_year=26, false_alarms_per_year=0.5)[["wave_id", "direction",
    ...                                                               "start_wave_id", "size"]]
       wave_id  direction  start_wave_id  size
    0        8         -1              8 -25.0
    """
    counts = protected.wave_counts
    spread = protected.wave_spread()  # a cell's shown parts: see spread_members
    n = counts.sum(axis=3)
    n_spread = spread.sum(axis=3)
    with np.errstate(divide="ignore", invalid="ignore"):
        means = (counts @ protected.scores) / n
        spread_means = (spread @ protected.scores) / n_spread
        deviations = (protected.scores[None, None, None, :] - spread_means[..., None]) ** 2
        sds = np.sqrt((spread * deviations).sum(axis=3) / (n_spread - 1))
    shape = means.shape
    found = detect_shifts_many(
        means.reshape(-1, shape[2]),
        n.reshape(-1, shape[2]).astype("float64"),
        sds.reshape(-1, shape[2]),
        waves_per_year=waves_per_year,
        false_alarms_per_year=false_alarms_per_year,
    )
    rows = [(row, s) for row, shifts in enumerate(found) for s in shifts]
    if not rows:
        return pd.DataFrame(columns=COLUMNS)
    c, u = np.unravel_index(np.array([row for row, _ in rows]), shape[:2])
    wave = np.array([s.wave for _, s in rows])
    return pd.DataFrame(
        {
            "unit_id": labels_at(protected.units, u),
            "construct": labels_at(protected.constructs, c),
            "wave_id": labels_at(protected.waves, wave),
            "phase_id": labels_at(protected.phases, protected.wave_phase[wave]),
            "start_wave_id": labels_at(protected.waves, np.array([s.start for _, s in rows])),
            "direction": [s.direction for _, s in rows],
            "size": [s.size for _, s in rows],
            "level_before": [s.level_before for _, s in rows],
            "level_after": [s.level_after for _, s in rows],
        },
        columns=COLUMNS,
    )


def waves_per_year(opens: Sequence[dt.date]) -> float | None:
    """The wave cadence: 365.25 days over the median number of days between successive waves.

    ``None`` with fewer than two waves or when waves open on the same day.

    Examples
    --------
    >>> waves_per_year([dt.date(2026, 1, 5), dt.date(2026, 1, 19), dt.date(2026, 2, 2)])
    26.089285714285715
    """
    days = np.diff(np.sort(np.array([np.datetime64(d, "D") for d in opens]))).astype(float)
    if days.size == 0:
        return None
    median = float(np.median(days))
    return _DAYS_PER_YEAR / median if median > 0 else None
