"""Did it change? Each wave against the previous one, each phase against the previous one.

Every comparison a call returns is one family for the Benjamini-Hochberg adjustment: pass the
units and waves the view shows, so the family is the one named in the UI.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable

import numpy as np
import pandas as pd

from analytics._arrays import labels_at, object_column
from analytics.comparisons import COMPARISON_FIELDS, compare_histograms_many
from analytics.multiplicity import bh_adjust_array
from analytics.protection import ProtectedScores

ALPHA = 0.05
MIN_EFFECT = 0.2  # |Cohen's d| below this is not called a change, however small p is


def compare_waves(
    protected: ProtectedScores,
    *,
    units: Collection[Hashable] | None = None,
    waves: Collection[Hashable] | None = None,
) -> pd.DataFrame:
    """Compare every shown wave with the previous shown wave of the same unit and construct.

    Welch t, Mann-Whitney U, Cohen's d and Cliff's delta as in
    :func:`analytics.compare_groups`, on the respondents of the unit's subtree. ``p_adjusted``
    is the Benjamini-Hochberg adjustment of ``welch_p`` over every row returned (the family);
    ``significant`` means ``p_adjusted < 0.05`` and ``|cohens_d| >= 0.2``.

    Parameters
    ----------
    protected : ProtectedScores
        From :func:`analytics.protect_histograms`; hidden waves are skipped.
    units, waves : collections of ids, optional
        Restrict the family to these units and to comparisons ending in these waves.

    Returns
    -------
    DataFrame
        ``unit_id``, ``construct``, ``previous_wave_id``, ``wave_id``, the
        :class:`analytics.GroupComparison` fields, ``p_adjusted``, ``significant``.

    References
    ----------
    Benjamini Y, Hochberg Y (1995). J R Stat Soc B 57(1): 289-300.

    Examples
    --------
    >>> from analytics import protect_histograms
    >>> frame = pd.DataFrame({"wave_id": [1, 1, 2, 2], "unit_id": ["a"] * 4,
    ...     "construct": ["mening"] * 4, "score": [25.0, 50.0, 75.0, 100.0], "n": [5, 5, 5, 5]})
    >>> p = protect_histograms(frame, parent={"a": None}, wave_phase={1: "ide", 2: "ide"}, k=5)
    >>> compare_waves(p)[["wave_id", "difference", "significant"]]
      wave_id difference  significant
    0       2       50.0         True
    """
    return _compare_periods(
        protected.wave_counts,
        protected.wave_spread(),
        protected.wave_hidden,
        protected,
        periods=protected.waves,
        column="wave_id",
        units=units,
        keep=waves,
    )


def compare_phases(
    protected: ProtectedScores,
    *,
    units: Collection[Hashable] | None = None,
    phases: Collection[Hashable] | None = None,
) -> pd.DataFrame:
    """Compare every shown phase with the previous shown phase, respondents pooled per phase.

    Caveat: the waves of a phase are clusters, not a simple random sample, so the tests treat
    pooled respondents as independent and are somewhat too liberal when waves differ.
    Otherwise as :func:`compare_waves`, with ``previous_phase_id`` and ``phase_id``.

    Examples
    --------
    >>> from analytics import protect_histograms
    >>> frame = pd.DataFrame({"wave_id": [1, 2], "unit_id": ["a", "a"],
    ...     "construct": ["mening"] * 2, "score": [50.0, 75.0], "n": [6, 6]})
    >>> p = protect_histograms(frame, parent={"a": None}, wave_phase={1: "ide", 2: "drift"}, k=5)
    >>> compare_phases(p)[["previous_phase_id", "phase_id", "difference"]]
      previous_phase_id phase_id difference
    0               ide    drift       25.0
    """
    return _compare_periods(
        protected.phase_counts,
        protected.phase_spread(),
        protected.phase_hidden,
        protected,
        periods=protected.phases,
        column="phase_id",
        units=units,
        keep=phases,
    )


def _compare_periods(
    counts: np.ndarray,
    spread: np.ndarray,
    hidden: np.ndarray,
    protected: ProtectedScores,
    *,
    periods: tuple[Hashable, ...],
    column: str,
    units: Collection[Hashable] | None,
    keep: Collection[Hashable] | None,
) -> pd.DataFrame:
    shown = ~hidden
    positions = np.where(shown, np.arange(len(periods)), -1)
    latest = np.maximum.accumulate(positions, axis=2)
    previous = np.concatenate((np.full(latest.shape[:2] + (1,), -1), latest[:, :, :-1]), axis=2)
    wanted = shown & (previous >= 0)
    if units is not None:
        wanted &= np.isin(
            np.array(protected.units, dtype=object), np.array(list(units), dtype=object)
        )[None, :, None]
    if keep is not None:
        wanted &= np.isin(np.array(periods, dtype=object), np.array(list(keep), dtype=object))[
            None, None, :
        ]
    c, u, later = np.nonzero(wanted)
    earlier = previous[c, u, later]
    # The tests run on each cell's shown parts (its spread set, see
    # analytics.protection.spread_members): rank tests and variances of a cell holding a hidden
    # small team would carry that team's answers. Counts, means and the difference are the
    # cells' own, as every table shows them.
    result = compare_histograms_many(protected.scores, spread[c, u, earlier], spread[c, u, later])
    before, after = counts[c, u, earlier], counts[c, u, later]
    n_before, n_after = before.sum(axis=1), after.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_before = (before @ protected.scores) / n_before
        mean_after = (after @ protected.scores) / n_after
    result |= {
        "n_earlier": n_before,
        "n_later": n_after,
        "mean_earlier": mean_before,
        "mean_later": mean_after,
        "difference": mean_after - mean_before,
    }
    p_adjusted = bh_adjust_array(result["welch_p"])
    with np.errstate(invalid="ignore"):
        significant = (p_adjusted < ALPHA) & (np.abs(result["cohens_d"]) >= MIN_EFFECT)
    columns: dict[str, object] = {
        "unit_id": labels_at(protected.units, u),
        "construct": labels_at(protected.constructs, c),
        f"previous_{column}": labels_at(periods, earlier),
        column: labels_at(periods, later),
    }
    columns |= {name: object_column(result[name]) for name in COMPARISON_FIELDS}
    columns |= {"p_adjusted": object_column(p_adjusted), "significant": significant}
    return pd.DataFrame(columns)  # built at once: a column added at a time costs ms per view
