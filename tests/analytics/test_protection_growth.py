"""A protection grown by newly closed waves equals one built from every wave at once.

The dashboards add a closed wave to the protection they hold instead of protecting the whole
project again (``WaveLayer.grown``). Anonymity must not depend on which way the numbers were
computed, so every array of the grown result is compared with the full build, bit for bit.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import InvalidInput, protect_histograms
from analytics.protection import ProtectedScores, wave_layer
from tests.analytics.factories import organisations

SCORES = (0.0, 25.0, 50.0, 75.0, 100.0)


def _assert_same(full: ProtectedScores, grown: ProtectedScores) -> None:
    for field in dataclasses.fields(ProtectedScores):
        expected, found = getattr(full, field.name), getattr(grown, field.name)
        if isinstance(expected, np.ndarray):
            assert found.shape == expected.shape, field.name
            assert found.dtype == expected.dtype, field.name
            assert np.array_equal(found, expected), field.name
            assert not found.flags.writeable, field.name
        else:
            assert found == expected, field.name


@st.composite
def projects(draw):
    """A random organisation, waves in phases, answers and construct scores per unit and wave."""
    parent = draw(organisations(7))
    n_waves = draw(st.integers(2, 6))
    phase_starts = sorted(draw(st.sets(st.integers(1, n_waves - 1), max_size=2)))
    wave_phase = {w: f"p{sum(w >= s for s in phase_starts)}" for w in range(n_waves)}
    histogram, answers = [], []
    for w in wave_phase:
        for unit in parent:
            n = draw(st.integers(0, 9))
            if n:
                answers.append((w, unit, n))
            for construct in ("mening", "medspil"):
                scored = draw(st.integers(0, n))  # some leave a construct blank
                for _ in range(scored):
                    histogram.append((w, unit, construct, draw(st.sampled_from(SCORES)), 1))
    columns = ["wave_id", "unit_id", "construct", "score", "n"]
    frame = pd.DataFrame(histogram, columns=columns)
    frame = frame.groupby(columns[:4], as_index=False)["n"].sum()
    respondents = pd.DataFrame(answers, columns=["wave_id", "unit_id", "n"])
    split = draw(st.integers(1, n_waves - 1))
    return parent, wave_phase, frame, respondents, split, draw(st.integers(3, 6))


@settings(max_examples=150, deadline=None)
@given(projects())
def test_growing_by_closed_waves_equals_protecting_every_wave_at_once(case) -> None:
    parent, wave_phase, frame, respondents, split, k = case
    early = frame["wave_id"] < split
    if not early.any():
        return  # nothing to grow from: the dashboards then build in full
    first = {w: p for w, p in wave_phase.items() if w < split}
    layer = wave_layer(
        frame[early],
        parent=parent,
        wave_phase=first,
        k=k,
        respondents=respondents[respondents["wave_id"] < split],
    )
    grown = layer.grown(
        frame[~early],
        wave_phase=wave_phase,
        respondents=respondents[respondents["wave_id"] >= split],
    )
    full = protect_histograms(
        frame, parent=parent, wave_phase=wave_phase, k=k, respondents=respondents
    )
    if grown is None:
        # Only when the later waves bring a score value the early ones did not have.
        later = set(frame.loc[~early, "score"]) | set(frame.loc[~early, "construct"])
        assert not later <= set(layer.scores) | set(layer.constructs)
        return
    _assert_same(full, grown.protected())


# A hand-made case where the new wave completes a phase: team A answered 2 then 8 in phase F
# (hidden in wave 1, so F's total stays hidden for A and for B beside it), and wave 3 opens G.
TREE = {"P": None, "A": "P", "B": "P"}
COUNTS = {(1, "A"): 2, (1, "B"): 8, (2, "A"): 8, (2, "B"): 8, (3, "A"): 6, (3, "B"): 7}
PHASES = {1: "F", 2: "F", 3: "G"}


def _frame(counts: dict, waves) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = [(w, u, "mening", 50.0, n) for (w, u), n in counts.items() if w in waves]
    frame = pd.DataFrame(rows, columns=["wave_id", "unit_id", "construct", "score", "n"])
    return frame, frame[["wave_id", "unit_id", "n"]]


def test_a_new_wave_in_a_new_phase_keeps_the_old_phase_hidden() -> None:
    layer = wave_layer(*_frame(COUNTS, {1, 2})[:1], parent=TREE, wave_phase={1: "F", 2: "F"}, k=5)
    grown = layer.grown(_frame(COUNTS, {3})[0], wave_phase=PHASES)
    assert grown is not None
    protected = grown.protected()
    full = protect_histograms(_frame(COUNTS, {1, 2, 3})[0], parent=TREE, wave_phase=PHASES, k=5)
    _assert_same(full, protected)
    units = list(protected.units)
    # Wave 1 hides A (2) and B beside it; so phase F hides both; phase G shows them (6 and 7).
    assert protected.phase_hidden[0, units.index("A"), 0]
    assert protected.phase_hidden[0, units.index("B"), 0]
    assert protected.phase_counts[0, units.index("B"), 1].sum() == 7
    assert protected.phase_counts[0, units.index("P"), 0].sum() == 26  # 10 + 16: P is complete


def test_a_layer_does_not_grow_when_the_result_could_differ() -> None:
    frame, _ = _frame(COUNTS, {1, 2})
    layer = wave_layer(frame, parent=TREE, wave_phase={1: "F", 2: "F"}, k=5)
    new, _ = _frame(COUNTS, {3})
    # A score value the layer has not seen would move the score axis.
    assert layer.grown(new.assign(score=62.5), wave_phase=PHASES) is None
    # So would a construct it has not seen.
    assert layer.grown(new.assign(construct="motivation"), wave_phase=PHASES) is None
    # An old wave moved to another phase, or the old waves in another order.
    assert layer.grown(new, wave_phase={1: "F", 2: "G", 3: "G"}) is None
    assert layer.grown(new, wave_phase={2: "F", 1: "F", 3: "G"}) is None
    # A layer that prefers phase totals decides them from raw phase sums.
    phases_first = wave_layer(frame, parent=TREE, wave_phase={1: "F", 2: "F"}, k=5, prefer="phases")
    assert phases_first.grown(new, wave_phase=PHASES) is None
    # Numbers of a wave the layer already holds are refused, not added twice.
    with pytest.raises(InvalidInput):
        layer.grown(frame, wave_phase=PHASES)
