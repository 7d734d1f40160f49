"""Protection across both trees: no group below k can be derived from everything shown.

The audit is independent of the implementation: it writes every shown cell as the set of
(unit, wave) atoms it sums, and checks by linear algebra every subset of atoms whose total can
be computed from the shown totals.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import InvalidInput, InvalidTree, protect_histograms, visible_units
from tests.analytics.factories import organisations

TREE = {"P": None, "A": "P", "B": "P"}
# The counterexample of the protection module: A answers 2 then 8, B 8 and 8, one phase.
COUNTS = {("A", 1): 2, ("A", 2): 8, ("B", 1): 8, ("B", 2): 8}
WAVE_PHASE = {1: "F", 2: "F"}


def _frame(counts: dict) -> pd.DataFrame:
    rows = [(w, u, "mening", 50.0, n) for (u, w), n in counts.items() if n]
    return pd.DataFrame(rows, columns=["wave_id", "unit_id", "construct", "score", "n"])


def _subtree(unit, parent) -> set:
    inside = set()
    for other in parent:
        node = other
        while node is not None and node != unit:
            node = parent[node]
        if node == unit:
            inside.add(other)
    return inside


def _published(protected, parent, wave_phase) -> list[set]:
    """Every shown cell as the set of (unit, wave) atoms whose respondents it counts."""
    cells = []
    for u, unit in enumerate(protected.units):
        members = _subtree(unit, parent)
        for w, wave in enumerate(protected.waves):
            if not protected.wave_hidden[0, u, w]:
                cells.append({(x, wave) for x in members})
        for p, phase in enumerate(protected.phases):
            if not protected.phase_hidden[0, u, p]:
                waves = [w for w in wave_phase if wave_phase[w] == phase]
                cells.append({(x, w) for x in members for w in waves})
    return cells


def _small_derivable_groups(cells: list[set], counts: dict, units, waves, k: int) -> list:
    atoms = [(u, w) for u in units for w in waves]
    if not cells:
        return []
    shown = np.array([[atom in cell for atom in atoms] for cell in cells], dtype=float)
    basis, singular, _ = np.linalg.svd(shown.T, full_matrices=False)
    basis = basis[:, singular > 1e-9]
    groups = np.array(list(itertools.product([0, 1], repeat=len(atoms))), dtype=float)[1:]
    derivable = np.abs(groups - groups @ basis @ basis.T).max(axis=1) < 1e-9
    sizes = groups @ np.array([counts.get(atom, 0) for atom in atoms], dtype=float)
    leaks = derivable & (sizes > 0) & (sizes < k)
    return [{atoms[i] for i in np.flatnonzero(g)} for g in groups[leaks].astype(bool)]


def test_the_audit_catches_the_naive_intersection() -> None:
    # Org tree per wave, time tree per unit, each protected alone, then intersected.
    k = 5
    org = {
        w: visible_units({u: n for (u, ww), n in COUNTS.items() if ww == w}, TREE, k=k)
        for w in WAVE_PHASE
    }
    cells = []
    for unit in TREE:
        members = _subtree(unit, TREE)
        per_wave = {
            w: sum(n for (u, ww), n in COUNTS.items() if ww == w and u in members)
            for w in WAVE_PHASE
        }
        time = visible_units(per_wave, {"F": None, 1: "F", 2: "F"}, k=k)
        cells += [{(x, w) for x in members} for w in WAVE_PHASE if w in time and unit in org[w]]
        if "F" in time:
            cells.append({(x, w) for x in members for w in WAVE_PHASE})
    leaks = _small_derivable_groups(cells, COUNTS, TREE, WAVE_PHASE, k)
    # A's 2 respondents in wave 1 (with P's own respondents of wave 1, of whom there are none)
    assert {("A", 1), ("P", 1)} in leaks


@pytest.mark.parametrize("prefer", ["phases", "waves"])
def test_the_counterexample_is_protected(prefer: str) -> None:
    protected = protect_histograms(
        _frame(COUNTS), parent=TREE, wave_phase=WAVE_PHASE, k=5, prefer=prefer
    )
    cells = _published(protected, TREE, WAVE_PHASE)
    assert _small_derivable_groups(cells, COUNTS, TREE, WAVE_PHASE, 5) == []


def test_prefer_phases_keeps_phase_totals_and_prefer_waves_keeps_waves() -> None:
    by_phase = protect_histograms(
        _frame(COUNTS), parent=TREE, wave_phase=WAVE_PHASE, k=5, prefer="phases"
    )
    # A has a small wave: it shows its phase total (10) but no wave; so does B, whose first
    # wave was hidden to protect A. P shows everything.
    shown = {u: by_phase.wave_hidden[0, i].tolist() for i, u in enumerate(by_phase.units)}
    assert shown == {"P": [False, False], "A": [True, True], "B": [True, True]}
    assert by_phase.phase_hidden[0, :, 0].tolist() == [False, False, False]
    by_wave = protect_histograms(
        _frame(COUNTS), parent=TREE, wave_phase=WAVE_PHASE, k=5, prefer="waves"
    )
    shown = {u: by_wave.wave_hidden[0, i].tolist() for i, u in enumerate(by_wave.units)}
    assert shown == {"P": [False, False], "A": [True, False], "B": [True, False]}
    assert by_wave.phase_hidden[0, :, 0].tolist() == [False, True, True]


def test_counts_are_subtree_sums_and_hidden_cells_are_empty() -> None:
    protected = protect_histograms(
        _frame(COUNTS), parent=TREE, wave_phase=WAVE_PHASE, k=5, prefer="phases"
    )
    n = protected.wave_counts.sum(axis=3)[0]
    assert n.tolist() == [[10, 16], [0, 0], [0, 0]]  # P, A, B; A and B hidden
    assert protected.phase_counts.sum(axis=3)[0, :, 0].tolist() == [26, 10, 16]
    with pytest.raises(ValueError):
        protected.wave_counts[0, 0, 0, 0] = 99  # read-only


@st.composite
def cases(draw):
    parent = draw(organisations(5))
    n_waves = draw(st.integers(1, 3))
    split = draw(st.integers(1, n_waves))  # waves before `split` form phase "a", others "b"
    wave_phase = {w: "a" if w < split else "b" for w in range(n_waves)}
    counts = {(u, w): draw(st.integers(0, 12)) for u in parent for w in wave_phase}
    return (
        parent,
        wave_phase,
        counts,
        draw(st.integers(3, 6)),
        draw(st.sampled_from(["phases", "waves"])),
    )


@settings(max_examples=200, deadline=None)
@given(cases())
def test_no_small_group_can_be_derived_on_random_cases(case) -> None:
    parent, wave_phase, counts, k, prefer = case
    if not any(counts.values()):
        return
    protected = protect_histograms(
        _frame(counts), parent=parent, wave_phase=wave_phase, k=k, prefer=prefer
    )
    cells = _published(protected, parent, wave_phase)
    assert _small_derivable_groups(cells, counts, parent, wave_phase, k) == []
    # Every shown cell has at least k respondents, and its n is the true subtree total.
    for u, unit in enumerate(protected.units):
        members = _subtree(unit, parent)
        for w, wave in enumerate(protected.waves):
            n = int(protected.wave_counts[0, u, w].sum())
            if not protected.wave_hidden[0, u, w]:
                assert n == sum(counts[(x, wave)] for x in members) and n >= k
            else:
                assert n == 0


def test_input_is_checked() -> None:
    frame = _frame(COUNTS)
    with pytest.raises(InvalidTree):
        protect_histograms(frame, parent={"P": None}, wave_phase=WAVE_PHASE, k=5, prefer="phases")
    with pytest.raises(InvalidInput):
        protect_histograms(frame, parent=TREE, wave_phase={1: "F"}, k=5, prefer="phases")
    with pytest.raises(InvalidInput):
        protect_histograms(frame, parent=TREE, wave_phase={1: "F", 2: None}, k=5, prefer="phases")
    with pytest.raises(InvalidInput):
        protect_histograms(
            frame.drop(columns="n"), parent=TREE, wave_phase=WAVE_PHASE, k=5, prefer="phases"
        )
    with pytest.raises(InvalidInput):
        protect_histograms(
            frame.assign(score=101.0), parent=TREE, wave_phase=WAVE_PHASE, k=5, prefer="phases"
        )
    with pytest.raises(InvalidInput):
        protect_histograms(
            frame.assign(n=-1), parent=TREE, wave_phase=WAVE_PHASE, k=5, prefer="phases"
        )
    with pytest.raises(InvalidInput):
        protect_histograms(frame, parent=TREE, wave_phase=WAVE_PHASE, k=5, prefer="both")
    with pytest.raises(InvalidTree):
        protect_histograms(frame, parent=TREE, wave_phase=WAVE_PHASE, k=2, prefer="phases")
