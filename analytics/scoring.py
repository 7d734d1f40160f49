"""Scoring: answers to item points, items to a respondent's construct score, a group's summary."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from analytics._arrays import as_float_array, is_missing
from analytics.exceptions import InvalidInput
from analytics.results import GroupSummary

FAVOURABLE_FROM = 75.0
# Two-sided alpha 0.05 and power 0.80: z_0.975 + z_0.80 = 1.95996 + 0.84162.
MDD_FACTOR = float(stats.norm.ppf(0.975) + stats.norm.ppf(0.80))


def item_points(value: int | float | None, reverse: bool = False) -> float | None:
    """Points 0..100 for an answer 1..5 (reverse-keyed items score 100..0).

    Examples
    --------
    >>> item_points(4), item_points(4, reverse=True), item_points(None)
    (75.0, 25.0, None)
    """
    if is_missing(value):
        return None
    if isinstance(value, bool) or value not in (1, 2, 3, 4, 5):
        raise InvalidInput(f"an answer must be 1, 2, 3, 4 or 5 (or missing), got {value!r}")
    return float((5 - value) * 25 if reverse else (value - 1) * 25)


def respondent_construct_score(
    values: Sequence[int | float | None], reverse_flags: Sequence[bool]
) -> float | None:
    """One respondent's construct score: the mean points of the answered items.

    Kept only when at least half the construct's items are answered (``2 * answered >=
    items``: 1 of 2, 2 of 3, 2 of 4), otherwise ``None``. "Ved ikke" is stored as missing.

    Examples
    --------
    >>> respondent_construct_score([4, None, 2], [False, False, True])
    75.0
    >>> respondent_construct_score([4, None, None], [False, False, True]) is None
    True
    """
    if len(values) != len(reverse_flags):
        raise InvalidInput(
            f"{len(values)} answers but {len(reverse_flags)} reverse flags: give one per item"
        )
    if not values:
        raise InvalidInput("a construct needs at least one item")
    points = [item_points(v, bool(r)) for v, r in zip(values, reverse_flags, strict=True)]
    answered = [p for p in points if p is not None]
    if not answered or 2 * len(answered) < len(points):
        return None
    return math.fsum(answered) / len(answered)


# Scores one per respondent, or a histogram: a frame with ``score`` and ``n``, or score -> n.
ScoresOrHistogram = (
    Sequence[float | None] | np.ndarray | pd.Series | pd.DataFrame | Mapping[float, float]
)


def group_summary(
    scores_or_hist: ScoresOrHistogram,
) -> GroupSummary:
    """Summarise a group's construct scores: n, mean, SD, 95% CI, share favourable, MDD.

    The CI is t-based: ``mean ± t(0.975, n - 1) * sd / sqrt(n)``. The share favourable counts
    scores of at least 75. ``mdd`` is the minimum detectable difference: the smallest true
    difference a two-sided Welch/t-test at alpha 0.05 would detect with 80% power against
    another group of the same size and SD, ``(z_0.975 + z_0.80) * sd * sqrt(2 / n)`` (normal
    approximation; for small n the real threshold is somewhat larger).

    Parameters
    ----------
    scores_or_hist : sequence of scores, or a histogram
        Respondent construct scores (``None``/NaN dropped); or a histogram, either a DataFrame
        with columns ``score`` and ``n`` or a mapping ``score -> count``.

    Returns
    -------
    GroupSummary
        ``mean`` and the share need one score; ``sd``, the CI and ``mdd`` need two.

    References
    ----------
    Cohen J (1988). Statistical power analysis for the behavioral sciences, 2nd ed.

    Examples
    --------
    >>> s = group_summary({50.0: 2, 75.0: 1, 100.0: 1})
    >>> s.n, s.mean, s.favourable_share
    (4, 68.75, 0.5)
    """
    grid, counts = _histogram(scores_or_hist)
    n = int(counts.sum())
    if n == 0:
        return GroupSummary(0, None, None, None, None, None, None)
    mean = float(counts @ grid) / n
    share = float(counts[grid >= FAVOURABLE_FROM].sum()) / n
    if n < 2:
        return GroupSummary(n, mean, None, None, None, share, None)
    sd = math.sqrt(float(counts @ (grid - mean) ** 2) / (n - 1))
    half_width = float(stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    return GroupSummary(
        n=n,
        mean=mean,
        sd=sd,
        ci_low=mean - half_width,
        ci_high=mean + half_width,
        favourable_share=share,
        mdd=MDD_FACTOR * sd * math.sqrt(2.0 / n),
    )


def _histogram(data: ScoresOrHistogram) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(data, pd.DataFrame):
        if not {"score", "n"} <= set(data.columns):
            raise InvalidInput("a histogram frame needs the columns 'score' and 'n'")
        grid = data["score"].to_numpy(dtype="float64", na_value=np.nan)
        counts = data["n"].to_numpy(dtype="float64", na_value=0.0)
    elif isinstance(data, Mapping):
        grid = np.array(list(data.keys()), dtype="float64")
        counts = np.array(list(data.values()), dtype="float64")
    else:
        scores = as_float_array(data)
        scores = scores[~np.isnan(scores)]
        return scores, np.ones(scores.size)
    if np.isnan(grid).any() or (counts < 0).any() or not np.array_equal(counts, np.round(counts)):
        raise InvalidInput("a histogram needs a score on every row and whole counts >= 0")
    return grid, counts
