"""Factories for the analytics tests: signals with planted change points, score histograms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd


def make_steps(
    lengths: Sequence[int], means: Sequence[float], sd: float = 2.0, seed: int = 1
) -> np.ndarray:
    """Gaussian noise around piecewise-constant means; true change points at cumsum(lengths)."""
    rng = np.random.default_rng(seed)
    level = np.repeat(np.asarray(means, dtype=float), lengths)
    return level + rng.normal(0.0, sd, size=level.size)


def true_changepoints(lengths: Sequence[int]) -> list[int]:
    return [int(i) for i in np.cumsum(lengths)[:-1]]


def histogram_frame(scores: Mapping[tuple, Sequence[float]]) -> pd.DataFrame:
    """Histogram rows from raw scores keyed by ``(wave_id, unit_id, construct)``."""
    rows = []
    for (wave, unit, construct), values in scores.items():
        counted = pd.Series(values, dtype=float).value_counts()
        rows += [(wave, unit, construct, float(s), int(n)) for s, n in counted.items()]
    return pd.DataFrame(rows, columns=["wave_id", "unit_id", "construct", "score", "n"])
