"""Online detection of level shifts in wave means: a self-starting two-sided CUSUM (Hawkins 1987).

This is the one monitor that decides what Medspil flags as changed. Each wave's mean is compared
with the level estimated from the earlier waves of the current segment, standardised by its
sampling error, and fed to an upper and a lower CUSUM whose threshold is computed from the
false-alarm budget (see :mod:`analytics.arl`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats

from analytics._arrays import as_float_array
from analytics.arl import cusum_threshold
from analytics.exceptions import InvalidInput
from analytics.results import Shift

# Reference value k of both CUSUMs, in standard errors of a wave's residual. Page's CUSUM with
# k = delta / 2 is the quickest for a shift of delta (Moustakides 1986): k = 1 aims at a shift of
# two standard errors, e.g. 10 points for 18 answers with a person-level SD of 20.
REFERENCE = 1.0
_Z_LIMIT = 8.0  # residuals beyond 8 SDs count as 8: one absurd wave cannot carry the chart alone


def detect_shifts(
    means: Sequence[float | None],
    ns: Sequence[float | None],
    sds: Sequence[float | None],
    *,
    waves_per_year: float = 26,
    false_alarms_per_year: float = 0.5,
) -> list[Shift]:
    """Flag the waves at which a unit's level has shifted, using only the waves so far.

    Each wave mean ``x_t`` is compared with the level ``m`` of the current segment (the
    n-weighted mean of its earlier waves): ``r_t = (x_t - m) / (s_t * sqrt(1/n_t + 1/N))``,
    where ``N`` is the number of answers behind ``m`` and ``s_t`` the within-wave SD pooled over
    waves ``0..t``. Under a stable level and normal scores ``r_t`` has a t distribution with the
    pooled degrees of freedom, and is turned into a standard normal ``z_t`` through its
    probability (Hawkins 1987). Two one-sided CUSUMs ``S+ = max(0, S+ + z_t - k)`` and
    ``S- = max(0, S- - z_t - k)`` with ``k = 1`` raise an alarm when one exceeds ``h``; ``h``
    is computed so that each chart's in-control average run length is
    ``2 * waves_per_year / false_alarms_per_year`` waves (Page's integral equation, see
    :func:`analytics.arl.cusum_threshold`), which makes the two charts together raise
    ``false_alarms_per_year`` false alarms a year on a stable series, whatever the number of
    answers. After an alarm both charts restart, with the new level estimated from the waves
    since the estimated start of the shift (the wave after the chart last stood at 0).

    Parameters
    ----------
    means, ns, sds : sequence of float or None
        Per wave, in time order: the mean score (0-100), the number of respondents and the
        within-wave SD of their scores. A wave with a missing mean or ``n = 0`` (missing or
        hidden) is skipped: it neither raises an alarm nor moves the estimates.
    waves_per_year : float
        Waves scheduled per year, the clock of the budget.
    false_alarms_per_year : float
        The budget: expected alarms per year on a series whose level never changes.

    Returns
    -------
    list of Shift
        The alarms in wave order; each alarm at wave ``t`` depends on waves ``0..t`` only, so a
        prefix of the series gives exactly the alarms of the full series up to that prefix.

    References
    ----------
    Page ES (1954). Continuous inspection schemes. Biometrika 41(1/2): 100-115.
    Hawkins DM (1987). Self-starting cusum charts for location and scale. The Statistician
    36(4): 299-316.
    Hawkins DM, Olwell DH (1998). Cumulative Sum Charts and Charting for Quality Improvement.
    Springer (chapter 7: self-starting charts).

    Examples
    --------
    >>> means = [60, 62, 59, 61, 60, 61, 59, 60, 50, 49, 51, 50]
    >>> [(s.wave, s.direction, s.start) for s in detect_shifts(means, [18] * 12, [20] * 12)]
    [(9, -1, 8)]
    """
    rows = [as_float_array(v) for v in (means, ns, sds)]
    if len({r.size for r in rows}) != 1:
        raise InvalidInput("means, ns and sds must have one value per wave each")
    return detect_shifts_many(
        *(r[None, :] for r in rows),
        waves_per_year=waves_per_year,
        false_alarms_per_year=false_alarms_per_year,
    )[0]


def detect_shifts_many(
    means: np.ndarray,
    ns: np.ndarray,
    sds: np.ndarray,
    *,
    waves_per_year: float = 26,
    false_alarms_per_year: float = 0.5,
) -> list[list[Shift]]:
    """:func:`detect_shifts` for every row of three 2-d arrays (series x waves) at once.

    Examples
    --------
    >>> x = np.array([[60, 61, 59, 60, 40, 41], [60, 61, 59, 60, 61, 60]], dtype=float)
    >>> [[s.wave for s in row] for row in detect_shifts_many(x, np.full((2, 6), 18.0),
    ...                                                      np.full((2, 6), 20.0))]
    [[4], []]
    """
    h = threshold(waves_per_year, false_alarms_per_year)
    x, n, s = (np.atleast_2d(np.asarray(a, dtype="float64")) for a in (means, ns, sds))
    if not x.shape == n.shape == s.shape:
        raise InvalidInput("means, ns and sds must have the same shape (series x waves)")
    if np.any(n < 0) or np.any(s < 0):
        raise InvalidInput("numbers of respondents and SDs cannot be negative")
    return _monitor(x, n, s, h)


def threshold(waves_per_year: float, false_alarms_per_year: float) -> float:
    """The decision interval ``h`` of each one-sided chart for the budget (see detect_shifts).

    Examples
    --------
    >>> round(threshold(26, 1 / 6), 3)
    2.092
    """
    for name, value in (("waves_per_year", waves_per_year), ("budget", false_alarms_per_year)):
        if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
            raise InvalidInput(f"{name} must be a positive number, got {value!r}")
    if false_alarms_per_year >= waves_per_year:
        raise InvalidInput("false_alarms_per_year must be smaller than waves_per_year")
    return cusum_threshold(REFERENCE, 2.0 * waves_per_year / false_alarms_per_year)


def _monitor(x: np.ndarray, n: np.ndarray, s: np.ndarray, h: float) -> list[list[Shift]]:
    rows, waves = x.shape
    valid = np.isfinite(x) & np.isfinite(n) & (n > 0)
    weight = np.where(valid, n, 0.0)
    cum_n = np.cumsum(weight, axis=1)
    cum_nx = np.cumsum(np.where(valid, weight * np.where(valid, x, 0.0), 0.0), axis=1)
    has_sd = valid & np.isfinite(s) & (n >= 2)
    cum_df = np.cumsum(np.where(has_sd, n - 1.0, 0.0), axis=1)
    cum_ss = np.cumsum(np.where(has_sd, (n - 1.0) * np.where(has_sd, s, 0.0) ** 2, 0.0), axis=1)
    # Per series: answers and answer-weighted sum before the segment began, the two charts,
    # and for each chart the wave its excursion began and the sums before that wave.
    base = np.zeros((2, rows))
    charts = np.zeros((2, rows))
    began = np.zeros((2, rows), dtype=np.int64)
    before = np.zeros((2, 2, rows))  # chart, (n, nx), series
    found: list[list[Shift]] = [[] for _ in range(rows)]
    prev_n = np.zeros(rows)
    prev_nx = np.zeros(rows)
    for t in range(waves):
        seg_n = prev_n - base[0]
        with np.errstate(divide="ignore", invalid="ignore"):
            level = (prev_nx - base[1]) / seg_n
            sigma = np.sqrt(cum_ss[:, t] / cum_df[:, t])
            r = (x[:, t] - level) / (sigma * np.sqrt(1.0 / n[:, t] + 1.0 / seg_n))
        live = valid[:, t] & (seg_n > 0) & (cum_df[:, t] > 0) & np.isfinite(r)
        if live.any():
            z = _t_to_normal(r[live], cum_df[live, t])
            steps = np.stack((z - REFERENCE, -z - REFERENCE))
            old = charts[:, live]
            new = np.maximum(0.0, old + steps)
            starting = (old == 0.0) & (new > 0.0)
            idx = np.flatnonzero(live)
            for side in (0, 1):
                rising = idx[starting[side]]
                began[side, rising] = t
                before[side, 0, rising] = prev_n[rising]
                before[side, 1, rising] = prev_nx[rising]
            charts[:, live] = new
            for row in idx[(charts[:, live] > h).any(axis=0)]:
                side = int(np.argmax(charts[:, row]))
                found[row].append(_alarm(row, t, side, base, before, cum_n, cum_nx, began))
                # The new segment begins after the alarm wave: the waves that raised the alarm
                # were selected for being extreme, and a level estimated from them would make
                # the next waves look like a shift back.
                base[0, row], base[1, row] = cum_n[row, t], cum_nx[row, t]
                charts[:, row] = 0.0
        prev_n, prev_nx = cum_n[:, t], cum_nx[:, t]
    return found


def _alarm(
    row: int,
    t: int,
    side: int,
    base: np.ndarray,
    before: np.ndarray,
    cum_n: np.ndarray,
    cum_nx: np.ndarray,
    began: np.ndarray,
) -> Shift:
    old_n, old_nx = before[side, 0, row] - base[0, row], before[side, 1, row] - base[1, row]
    new_n, new_nx = cum_n[row, t] - before[side, 0, row], cum_nx[row, t] - before[side, 1, row]
    level_before, level_after = old_nx / old_n, new_nx / new_n
    return Shift(
        wave=t,
        direction=1 if side == 0 else -1,
        start=int(began[side, row]),
        size=float(level_after - level_before),
        level_before=float(level_before),
        level_after=float(level_after),
    )


def _t_to_normal(r: np.ndarray, df: np.ndarray) -> np.ndarray:
    """The standard normal quantile with the same tail probability as ``r`` under t(df)."""
    upper = stats.norm.isf(stats.t.sf(np.abs(r), df))
    return np.clip(np.sign(r) * upper, -_Z_LIMIT, _Z_LIMIT)
