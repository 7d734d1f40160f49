"""Narrow already protected scores to the units and waves one view shows.

Protection is computed once for the whole organisation and all waves (see
:func:`analytics.protect_histograms`); a view then asks about a few units or a period only. Cutting
the protected arrays keeps hidden cells hidden and lets the comparisons, run charts and change
points run on the view's data alone, which is what makes a dashboard fast on a large kommune.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable
from dataclasses import replace

import numpy as np

from analytics.exceptions import InvalidInput
from analytics.protection import ProtectedScores


def select_scores(
    protected: ProtectedScores,
    *,
    units: Collection[Hashable] | None = None,
    waves: Collection[Hashable] | None = None,
) -> ProtectedScores:
    """The same protected scores restricted to ``units`` and ``waves`` (both in stored order).

    Each kept unit's numbers are unchanged (a unit's cell always covers its whole subtree).
    Phase cells still pool all of a phase's waves: restrict waves only for wave-level results.

    Raises
    ------
    InvalidInput
        When a unit or wave is not in ``protected``.

    Examples
    --------
    >>> import pandas as pd
    >>> from analytics import protect_histograms
    >>> frame = pd.DataFrame({"wave_id": [1, 2], "unit_id": ["a", "a"],
    ...                       "construct": ["mening"] * 2, "score": [50.0, 75.0], "n": [6, 6]})
    >>> p = protect_histograms(frame, parent={"top": None, "a": "top"},
    ...                        wave_phase={1: "ide", 2: "ide"}, k=5)
    >>> s = select_scores(p, units=["a"], waves=[2])
    >>> s.units, s.waves, int(s.wave_counts.sum())
    (('a',), (2,), 6)
    """
    unit_index = _positions(protected.units, units, "units")
    wave_index = _positions(protected.waves, waves, "waves")
    wave_counts = protected.wave_counts[:, unit_index][:, :, wave_index]
    wave_hidden = protected.wave_hidden[:, unit_index][:, :, wave_index]
    phase_counts = protected.phase_counts[:, unit_index]
    phase_hidden = protected.phase_hidden[:, unit_index]
    wave_phase = protected.wave_phase[wave_index]
    spread_waves = protected.wave_spread()[:, unit_index][:, :, wave_index]
    spread_phases = protected.phase_spread()[:, unit_index]
    counting = protected.spread_counting
    if counting is not None:
        counting = counting[:, unit_index][:, :, wave_index]
        counting.flags.writeable = False
    arrays = [wave_counts, wave_hidden, phase_counts, phase_hidden, wave_phase]
    arrays += [spread_waves, spread_phases]
    for array in arrays:
        array.flags.writeable = False
    return replace(
        protected,
        units=tuple(protected.units[i] for i in unit_index),
        waves=tuple(protected.waves[i] for i in wave_index),
        wave_phase=wave_phase,
        wave_counts=wave_counts,
        wave_hidden=wave_hidden,
        phase_counts=phase_counts,
        phase_hidden=phase_hidden,
        spread_wave_counts=spread_waves,
        spread_phase_counts=spread_phases,
        spread_counting=counting,
    )


def _positions(
    labels: tuple[Hashable, ...], wanted: Collection[Hashable] | None, what: str
) -> np.ndarray:
    if wanted is None:
        return np.arange(len(labels))
    index = {label: i for i, label in enumerate(labels)}
    unknown = [label for label in wanted if label not in index]
    if unknown:
        raise InvalidInput(f"{what} not in the protected scores: {unknown[:5]}")
    return np.array(sorted(index[label] for label in set(wanted)), dtype=np.int64)
