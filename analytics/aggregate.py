"""Tidy summaries per unit and wave or phase, computed from protected score histograms."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analytics._arrays import labels_at, object_column
from analytics.protection import ProtectedScores
from analytics.scoring import FAVOURABLE_FROM, MDD_FACTOR

SUMMARY_NUMBERS = (
    "n",
    "mean",
    "sd",
    "ci_low",
    "ci_high",
    "favourable_share",
    "mdd",
    "q10",
    "q25",
    "median",
    "q75",
    "q90",
)
QUANTILES = {"q10": 0.10, "q25": 0.25, "median": 0.50, "q75": 0.75, "q90": 0.90}


def summarise_waves(protected: ProtectedScores, *, from_wave: int = 0) -> pd.DataFrame:
    """One row per unit, wave and construct: n, mean, SD, 95% CI, share favourable, MDD.

    The statistics are those of :func:`analytics.group_summary` for the unit's whole subtree,
    plus the 10/25/50/75/90th percentiles of the respondents' scores (numpy's default linear
    interpolation) for distribution plots. ``hidden`` is True where the group may not be shown
    (fewer than k respondents, or hidden to prevent differencing); then every number, ``n``
    included, is ``None``.

    Columns: ``unit_id``, ``wave_id``, ``phase_id``, ``construct``, ``n``, ``mean``, ``sd``,
    ``ci_low``, ``ci_high``, ``favourable_share``, ``mdd``, ``q10``, ``q25``, ``median``,
    ``q75``, ``q90``, ``hidden``. Rows are ordered by construct, unit and wave. With
    ``from_wave`` only the waves from that position on (the rest of a summary made before they
    closed): every row depends on its own cell alone.

    References
    ----------
    See :func:`analytics.group_summary` and :func:`analytics.protect_histograms`.

    Examples
    --------
    >>> from analytics import protect_histograms
    >>> frame = pd.DataFrame({"wave_id": [1, 1], "unit_id": ["a", "a"],
    ...                       "construct": ["mening"] * 2, "score": [50.0, 100.0], "n": [3, 3]})
    >>> p = protect_histograms(frame, parent={"a": None}, wave_phase={1: "ide"}, k=5)
    >>> summarise_waves(p)[["unit_id", "n", "mean", "favourable_share", "hidden"]]
      unit_id  n  mean favourable_share  hidden
    0       a  6  75.0              0.5   False
    """
    later = slice(from_wave, None)
    hidden = protected.wave_hidden[:, :, later]
    c, u, w = np.indices(hidden.shape).reshape(3, -1)
    w = w + from_wave
    frame = pd.DataFrame(
        {
            "unit_id": labels_at(protected.units, u),
            "wave_id": labels_at(protected.waves, w),
            "phase_id": labels_at(protected.phases, protected.wave_phase[w]),
            "construct": labels_at(protected.constructs, c),
        }
    )
    return _with_numbers(
        frame,
        protected.wave_counts[:, :, later],
        protected.wave_spread()[:, :, later],
        hidden,
        protected.scores,
    )


def summarise_phases(protected: ProtectedScores) -> pd.DataFrame:
    """One row per unit, phase and construct, respondents pooled over the phase's waves.

    Same columns as :func:`summarise_waves` without ``wave_id``. The waves of a phase are
    clusters (different moments, partly the same people), so the CI of a pooled phase is
    narrower than a design-based one would be.

    Examples
    --------
    >>> from analytics import protect_histograms
    >>> frame = pd.DataFrame({"wave_id": [1, 2], "unit_id": ["a", "a"],
    ...                       "construct": ["mening"] * 2, "score": [50.0, 100.0], "n": [5, 5]})
    >>> p = protect_histograms(frame, parent={"a": None}, wave_phase={1: "ide", 2: "ide"}, k=5)
    >>> summarise_phases(p)[["phase_id", "n", "mean", "hidden"]]
      phase_id   n  mean  hidden
    0      ide  10  75.0   False
    """
    c, u, p = np.indices(protected.phase_hidden.shape).reshape(3, -1)
    frame = pd.DataFrame(
        {
            "unit_id": labels_at(protected.units, u),
            "phase_id": labels_at(protected.phases, p),
            "construct": labels_at(protected.constructs, c),
        }
    )
    return _with_numbers(
        frame,
        protected.phase_counts,
        protected.phase_spread(),
        protected.phase_hidden,
        protected.scores,
    )


def _with_numbers(
    frame: pd.DataFrame,
    counts: np.ndarray,
    spread: np.ndarray,
    hidden: np.ndarray,
    scores: np.ndarray,
) -> pd.DataFrame:
    numbers = summary_arrays(
        counts.reshape(hidden.size, scores.size), scores, spread.reshape(hidden.size, scores.size)
    )
    hide = hidden.reshape(-1)
    for name in SUMMARY_NUMBERS:
        frame[name] = object_column(numbers[name], hide)
    frame["hidden"] = hide
    return frame


def summary_arrays(
    counts: np.ndarray, scores: np.ndarray, spread: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """:func:`analytics.group_summary` for every row of a (groups, scores) count array.

    ``spread`` (same shape, default ``counts``) gives the respondents the SD and quantiles are
    computed from: a cell's shown parts (see :func:`analytics.protection.spread_members`). The
    CI and MDD then combine that SD with the cell's own n and mean. Undefined values are NaN;
    ``n`` is an int array.
    """
    spread = counts if spread is None else spread
    n = counts.sum(axis=1)
    n_spread = spread.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = (counts @ scores) / n
        mean_spread = (spread @ scores) / n_spread
        deviations = (scores - mean_spread[:, None]) ** 2
        sd = np.sqrt((spread * deviations).sum(axis=1) / (n_spread - 1))
        sd[(n < 2) | (n_spread < 2)] = np.nan
        half_width = stats.t.ppf(0.975, np.where(n >= 2, n - 1, np.nan)) * sd / np.sqrt(n)
        favourable = counts[:, scores >= FAVOURABLE_FROM].sum(axis=1) / n
        mdd = MDD_FACTOR * sd * np.sqrt(2.0 / n)
    numbers = {
        "n": n,
        "mean": mean,
        "sd": sd,
        "ci_low": mean - half_width,
        "ci_high": mean + half_width,
        "favourable_share": favourable,
        "mdd": mdd,
    }
    for name, share in QUANTILES.items():
        numbers[name] = histogram_quantile(spread, scores, share)
    return numbers


def histogram_quantile(counts: np.ndarray, scores: np.ndarray, share: float) -> np.ndarray:
    """Row-wise ``np.quantile(sample, share)`` (linear) of the samples the histograms count."""
    n = counts.sum(axis=1)
    result = np.full(n.shape, np.nan)
    rows = np.flatnonzero(n > 0)
    if rows.size == 0:
        return result
    cumulative = np.cumsum(counts[rows], axis=1)
    position = (n[rows] - 1) * share
    below = np.floor(position).astype(np.int64)
    above = np.minimum(below + 1, n[rows] - 1)
    # The value of 0-based rank r is the first score whose cumulative count exceeds r; rows are
    # offset so that one flat searchsorted serves every row.
    offset = np.arange(rows.size) * (int(cumulative[:, -1].max()) + 1)
    flat = (cumulative + offset[:, None]).ravel()
    width = scores.size
    low_bin = np.searchsorted(flat, below + offset, side="right") - np.arange(rows.size) * width
    high_bin = np.searchsorted(flat, above + offset, side="right") - np.arange(rows.size) * width
    low, high = scores[low_bin], scores[high_bin]
    result[rows] = low + (position - below) * (high - low)
    return result
