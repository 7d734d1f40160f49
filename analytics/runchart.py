"""Run-chart analysis by the Anhøj rules: unusually long runs and few crossings of the median."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from analytics._arrays import as_float_array
from analytics.exceptions import InvalidInput
from analytics.results import AnhoejResult


def longest_run_limit(n_useful: int) -> int:
    """Upper limit for the longest run: ``round(log2(n_useful)) + 3`` (Schilling 2012).

    R's ``round`` (used by qicharts2) rounds half to even like Python's, but the tie never
    arises: ``log2(n)`` of an integer is either an integer or irrational, never ``x.5``. So the
    limits equal qicharts2's for every ``n``, e.g. 6 for n = 10..11, 7 for 12..22, 8 for 23..45.

    Examples
    --------
    >>> longest_run_limit(10), longest_run_limit(23)
    (6, 8)
    """
    if n_useful < 1:
        raise InvalidInput(f"n_useful must be at least 1, got {n_useful}")
    return round(math.log2(n_useful)) + 3


@lru_cache(maxsize=1024)
def crossings_limit(n_useful: int) -> int:
    """Lower limit for the number of crossings: ``qbinom(0.05, n_useful - 1, 0.5)`` (Chen 2010).

    The smallest ``c`` with ``P(Binomial(n_useful - 1, 1/2) <= c) >= 0.05``, computed with exact
    integers (``0.05 = 1/20`` is never a dyadic fraction, so there is no boundary case).

    Examples
    --------
    >>> crossings_limit(10), crossings_limit(30)
    (2, 10)
    """
    if n_useful < 1:
        raise InvalidInput(f"n_useful must be at least 1, got {n_useful}")
    trials = n_useful - 1
    total = 2**trials
    cumulative = 0
    for c in range(trials + 1):
        cumulative += math.comb(trials, c)
        if 20 * cumulative >= total:
            return c
    return trials  # unreachable: the full sum is 2**trials


def anhoej(
    values: Sequence[float | None] | np.ndarray, baseline_n: int | None = None
) -> AnhoejResult:
    """Test a time series for non-random variation with the Anhøj run-chart rules.

    Follows qicharts2: the centre line is the median of the non-missing values (of the first
    ``baseline_n`` positions when given, the frozen baseline); the rules are applied to every
    non-missing value; values exactly on the median are not useful and are dropped before runs
    and crossings are counted. A run is a sequence of consecutive useful values on the same side
    of the median; a crossing is a change of side. Signals are strict: ``longest_run >
    longest_run_max`` and ``n_crossings < n_crossings_min``. The function computes whatever the
    data allow; callers decide how many useful values a chart needs (the UI asks for 10).

    Parameters
    ----------
    values : sequence of float or None
        Measurements in time order; ``None``/NaN are missing waves and are skipped.
    baseline_n : int, optional
        Number of leading positions (missing ones included) whose median is the centre line.

    Returns
    -------
    AnhoejResult
        With no useful values the four counts are ``None`` and every signal is ``False``.

    References
    ----------
    Anhøj J, Olesen AV (2014). Run charts revisited: a simulation study of run chart rules for
    detection of non-random variation in health care processes. PLoS ONE 9(11): e113825.

    Examples
    --------
    >>> r = anhoej([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    >>> r.median, r.longest_run, r.longest_run_max, r.n_crossings, r.runs_signal
    (6.5, 6, 7, 1, True)
    """
    x = as_float_array(values)
    if baseline_n is not None and (isinstance(baseline_n, bool) or int(baseline_n) < 1):
        raise InvalidInput(f"baseline_n must be a positive integer or None, got {baseline_n!r}")
    present = x[~np.isnan(x)]
    base = x if baseline_n is None else x[: int(baseline_n)]
    base = base[~np.isnan(base)]
    if base.size == 0:
        return AnhoejResult(None, 0, None, None, None, None, False, False, False)
    median = float(np.median(base))
    sides = np.sign(present - median)
    sides = sides[sides != 0]
    n_useful = int(sides.size)
    if n_useful == 0:
        return AnhoejResult(median, 0, None, None, None, None, False, False, False)
    run_starts = np.flatnonzero(sides[1:] != sides[:-1]) + 1
    run_lengths = np.diff(np.concatenate(([0], run_starts, [n_useful])))
    longest_run = int(run_lengths.max())
    n_crossings = int(run_starts.size)
    longest_run_max = longest_run_limit(n_useful)
    n_crossings_min = crossings_limit(n_useful)
    long_run = longest_run > longest_run_max
    few_crossings = n_crossings < n_crossings_min
    return AnhoejResult(
        median=median,
        n_useful=n_useful,
        longest_run=longest_run,
        longest_run_max=longest_run_max,
        n_crossings=n_crossings,
        n_crossings_min=n_crossings_min,
        long_run_signal=long_run,
        few_crossings_signal=few_crossings,
        runs_signal=long_run or few_crossings,
    )


def long_run_points(
    values: Sequence[float | None] | np.ndarray, baseline_n: int | None = None
) -> list[bool]:
    """Flag, per position, the values that belong to a run longer than the Anhøj limit.

    Same centre line and rules as :func:`anhoej`; missing values and values on the median are
    never flagged (they are not part of any run). Meant for highlighting a run chart.

    Examples
    --------
    >>> long_run_points([1, 2, 3, 4] + [10] * 7, baseline_n=4)
    [False, False, True, True, True, True, True, True, True, True, True]
    """
    x = as_float_array(values)
    result = anhoej(x, baseline_n)
    flags = [False] * x.size
    if not result.long_run_signal:
        return flags
    useful = np.flatnonzero(~np.isnan(x) & (x != result.median))
    sides = np.sign(x[useful] - result.median)
    run_starts = np.concatenate(([0], np.flatnonzero(sides[1:] != sides[:-1]) + 1, [sides.size]))
    for start, stop in zip(run_starts[:-1], run_starts[1:], strict=True):
        if stop - start > result.longest_run_max:
            for position in useful[start:stop]:
                flags[int(position)] = True
    return flags
