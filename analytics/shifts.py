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
from scipy import special

from analytics._arrays import as_float_array
from analytics.arl import cusum_threshold
from analytics.exceptions import InvalidInput
from analytics.results import Shift

# Reference value k of both CUSUMs, in standard errors of a wave's residual. Page's CUSUM with
# k = delta / 2 is the quickest for a shift of delta (Moustakides 1986). The case the monitor is
# tuned for is 10 points with 18 answers and a person-level SD of 20 (2.1 standard errors), but a
# self-starting chart sees less of it: the level it compares with is itself uncertain, and each
# wave at the new level pulls it along until the alarm (Hawkins & Olwell 1998, 7.3). After half a
# year of waves the shift reaches the chart as about 1.8-1.9 standard errors, so k = 0.9. Measured
# against k = 1 at the same budget (benchmarks/bench_shifts.py, docs/design.md): the 90th
# percentile delay after 8-13 waves drops by about a wave, smaller groups and shifts are caught
# sooner, and a 15-point drop at the strictest budget is sometimes caught one wave later.
REFERENCE = 0.9
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
    ``S- = max(0, S- - z_t - k)`` with ``k = 0.9`` raise an alarm when one exceeds ``h``; ``h``
    is computed so that each chart's in-control average run length is
    ``2 * waves_per_year / false_alarms_per_year`` waves (Page's integral equation, see
    :func:`analytics.arl.cusum_threshold`), which makes the two charts together raise
    ``false_alarms_per_year`` false alarms a year on a stable series, whatever the number of
    answers. The alarm's ``start`` is the wave that best splits the waves since the last restart
    into two levels (Hinkley 1971), and ``size`` the difference of those levels. After an alarm
    both charts restart, with the new level estimated from the waves after the alarm wave.

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
    Hinkley DV (1971). Inference about the change-point from cumulative sum tests. Biometrika
    58(3): 509-523.
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
    reference: float = REFERENCE,
) -> list[list[Shift]]:
    """:func:`detect_shifts` for every row of three 2-d arrays (series x waves) at once.

    ``reference`` is the CUSUM's k (the threshold follows it); other values than the default
    are for the benchmark's comparisons only.

    Examples
    --------
    >>> x = np.array([[60, 61, 59, 60, 40, 41], [60, 61, 59, 60, 61, 60]], dtype=float)
    >>> [[s.wave for s in row] for row in detect_shifts_many(x, np.full((2, 6), 18.0),
    ...                                                      np.full((2, 6), 20.0))]
    [[4], []]
    """
    h = threshold(waves_per_year, false_alarms_per_year, reference)
    x, n, s = (np.atleast_2d(np.asarray(a, dtype="float64")) for a in (means, ns, sds))
    if not x.shape == n.shape == s.shape:
        raise InvalidInput("means, ns and sds must have the same shape (series x waves)")
    if np.any(n < 0) or np.any(s < 0):
        raise InvalidInput("numbers of respondents and SDs cannot be negative")
    return _monitor(x, n, s, h, reference)


def threshold(
    waves_per_year: float, false_alarms_per_year: float, reference: float = REFERENCE
) -> float:
    """The decision interval ``h`` of each one-sided chart for the budget (see detect_shifts).

    Examples
    --------
    >>> round(threshold(26, 1 / 6), 3)
    2.326
    """
    for name, value in (("waves_per_year", waves_per_year), ("budget", false_alarms_per_year)):
        if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
            raise InvalidInput(f"{name} must be a positive number, got {value!r}")
    if false_alarms_per_year >= waves_per_year:
        raise InvalidInput("false_alarms_per_year must be smaller than waves_per_year")
    if not math.isfinite(reference) or reference < 0:
        raise InvalidInput(f"the reference value must be a number >= 0, got {reference!r}")
    return cusum_threshold(reference, 2.0 * waves_per_year / false_alarms_per_year)


def _monitor(x: np.ndarray, n: np.ndarray, s: np.ndarray, h: float, k: float) -> list[list[Shift]]:
    rows, waves = x.shape
    valid = np.isfinite(x) & np.isfinite(n) & (n > 0)
    weight = np.where(valid, n, 0.0)
    zero = np.zeros((rows, 1))
    # Sums over the waves before wave j sit at column j: a segment's sums are differences.
    cum_n = np.concatenate((zero, np.cumsum(weight, axis=1)), axis=1)
    cum_nx = np.concatenate((zero, np.cumsum(weight * np.where(valid, x, 0.0), axis=1)), axis=1)
    has_sd = valid & np.isfinite(s) & (n >= 2)
    cum_df = np.cumsum(np.where(has_sd, n - 1.0, 0.0), axis=1)
    cum_ss = np.cumsum(np.where(has_sd, (n - 1.0) * np.where(has_sd, s, 0.0) ** 2, 0.0), axis=1)
    segment = np.zeros(rows, dtype=np.int64)  # the first wave of each series' current segment
    charts = np.zeros((2, rows))  # upper, lower
    found: list[list[Shift]] = [[] for _ in range(rows)]
    everyone = np.arange(rows)
    for t in range(waves):
        seg_n = cum_n[:, t] - cum_n[everyone, segment]
        with np.errstate(divide="ignore", invalid="ignore"):
            level = (cum_nx[:, t] - cum_nx[everyone, segment]) / seg_n
            sigma = np.sqrt(cum_ss[:, t] / cum_df[:, t])
            r = (x[:, t] - level) / (sigma * np.sqrt(1.0 / n[:, t] + 1.0 / seg_n))
        live = valid[:, t] & (seg_n > 0) & (cum_df[:, t] > 0) & np.isfinite(r)
        if not live.any():
            continue
        z = _t_to_normal(r[live], cum_df[live, t])
        charts[:, live] = np.maximum(0.0, charts[:, live] + np.stack((z, -z)) - k)
        for row in np.flatnonzero(live & (charts > h).any(axis=0)):
            direction = 1 if charts[0, row] >= charts[1, row] else -1
            found[row].append(
                _alarm(cum_n[row], cum_nx[row], valid[row], segment[row], t, direction)
            )
            # The new segment begins after the alarm wave: the waves that raised the alarm were
            # selected for being extreme, and a level estimated from them would make the next
            # waves look like a shift back.
            segment[row] = t + 1
            charts[:, row] = 0.0
    return found


def _alarm(
    cum_n: np.ndarray, cum_nx: np.ndarray, valid: np.ndarray, first: int, t: int, direction: int
) -> Shift:
    """The alarm at ``t`` with the most likely single step in the segment ``first..t``.

    The start is the wave that best splits the segment into two levels (maximum likelihood for
    one step in normal means, Hinkley 1971), among splits in the direction of the alarm.
    """
    splits = np.arange(first + 1, t + 1)
    n_before = cum_n[splits] - cum_n[first]
    n_after = cum_n[t + 1] - cum_n[splits]
    with np.errstate(divide="ignore", invalid="ignore"):
        before = (cum_nx[splits] - cum_nx[first]) / n_before
        after = (cum_nx[t + 1] - cum_nx[splits]) / n_after
        fit = n_before * n_after / (n_before + n_after) * (after - before) ** 2
    usable = valid[splits] & (n_before > 0) & ((after - before) * direction > 0)
    best = int(np.argmax(np.where(usable, fit, -1.0)))
    return Shift(
        wave=t,
        direction=direction,
        start=int(splits[best]),
        size=float(after[best] - before[best]),
        level_before=float(before[best]),
        level_after=float(after[best]),
    )


def _t_to_normal(r: np.ndarray, df: np.ndarray) -> np.ndarray:
    """The standard normal quantile with the same tail probability as ``r`` under t(df)."""
    # scipy.special rather than scipy.stats: the same functions without the per-call overhead.
    upper = -special.ndtri(special.stdtr(df, -np.abs(r)))
    z: np.ndarray = np.clip(np.sign(r) * upper, -_Z_LIMIT, _Z_LIMIT)
    return z
