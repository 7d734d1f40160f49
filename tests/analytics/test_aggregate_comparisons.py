"""Wave-to-wave and phase-to-phase comparisons of a view, checked against raw scores."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from analytics import compare_groups, compare_phases, compare_waves, protect_histograms
from analytics.comparisons import COMPARISON_FIELDS
from tests.analytics.factories import (
    TREE,
    WAVE_PHASE,
    histogram_frame,
    make_raw_scores,
    shown_part_scores,
    subtree_scores,
)


@pytest.fixture(scope="module")
def raw() -> dict:
    return make_raw_scores(seed=3, shift_from=4, by=25.0)


@pytest.fixture(scope="module")
def protected(raw):
    return protect_histograms(
        histogram_frame(raw), parent=TREE, wave_phase=WAVE_PHASE, k=3, prefer="phases"
    )


def test_each_wave_against_the_previous_shown_wave(raw, protected) -> None:
    frame = compare_waves(protected)
    keys = ["unit_id", "construct", "previous_wave_id", "wave_id"]
    assert list(frame.columns) == [*keys, *COMPARISON_FIELDS, "p_adjusted", "significant"]
    pairs = set(frame[keys].itertuples(index=False, name=None))
    # a1 and a2 show no waves of phase 'ide' (a2 had 2 answers in wave 2): their first
    # comparison is wave 5 against 4. The others compare 2-1, 3-2, ..., 6-5.
    assert ("a1", "mening", 4, 5) in pairs and ("a2", "motivation", 5, 6) in pairs
    assert not any(p[0] in ("a1", "a2") and p[3] <= 4 for p in pairs)
    assert ("top", "mening", 3, 4) in pairs and ("b", "motivation", 1, 2) in pairs
    assert len(frame) == 2 * (3 * 5 + 2 * 2)
    visible = _shown_waves(protected)
    for row in frame.itertuples():
        earlier, later = (
            compare_groups(
                shown_part_scores(raw, row.unit_id, [wave], row.construct, visible),
                shown_part_scores(raw, row.unit_id, [row.wave_id], row.construct, visible),
            )
            if parts
            else compare_groups(
                subtree_scores(raw, row.unit_id, [row.previous_wave_id], row.construct),
                subtree_scores(raw, row.unit_id, [row.wave_id], row.construct),
            )
            for parts, wave in ((True, row.previous_wave_id), (False, None))
        )
        # The tests run on the shown parts; counts, means and the difference are everyone's.
        for name in COMPARISON_FIELDS:
            own = name in ("n_earlier", "n_later", "mean_earlier", "mean_later", "difference")
            value = getattr(later if own else earlier, name)
            if value is None:
                assert getattr(row, name) is None
            else:
                assert getattr(row, name) == pytest.approx(value, rel=1e-9), name


def _shown_waves(protected) -> set:
    """The shown (unit, wave) pairs, read from the protection's mask (identical per construct)."""
    mask = ~protected.wave_hidden[0]
    return {
        (unit, wave)
        for u, unit in enumerate(protected.units)
        for w, wave in enumerate(protected.waves)
        if mask[u, w]
    }


def test_p_adjusted_is_bh_over_the_family_shown(protected) -> None:
    frame = compare_waves(protected)
    # A comparison without a test is outside the family: team a has no shown part in waves 1-3
    # (waves 2, 3 and 4 against the wave before, two constructs).
    untested = frame["welch_p"].isna()
    assert untested.sum() == 6 and frame.loc[untested, "p_adjusted"].isna().all()
    frame = frame[~untested]
    expected = stats.false_discovery_control(frame["welch_p"].astype(float), method="bh")
    assert frame["p_adjusted"].astype(float).to_numpy() == pytest.approx(expected, rel=1e-12)
    latest = compare_waves(protected, waves=[6], units=["top", "b"])
    assert set(latest["wave_id"]) == {6} and set(latest["unit_id"]) == {"top", "b"}
    narrow = stats.false_discovery_control(latest["welch_p"].astype(float), method="bh")
    assert latest["p_adjusted"].astype(float).to_numpy() == pytest.approx(narrow, rel=1e-12)


def test_significant_needs_small_adjusted_p_and_a_real_effect(protected) -> None:
    frame = compare_waves(protected)
    p = frame["p_adjusted"].astype(float)
    d = frame["cohens_d"].astype(float).abs()
    assert (frame["significant"] == ((p < 0.05) & (d >= 0.2))).all()
    # The planted rise of 25 points at wave 4 is found for the whole organisation.
    top = frame.query("unit_id == 'top' and construct == 'mening' and wave_id == 4")
    assert top["significant"].item() and top["difference"].item() > 10
    assert frame["significant"].dtype == bool


def test_phase_to_phase_pools_respondents(raw, protected) -> None:
    frame = compare_phases(protected)
    assert set(frame["previous_phase_id"]) == {"ide"} and set(frame["phase_id"]) == {"drift"}
    assert len(frame) == len(TREE) * 2
    visible = _shown_waves(protected)
    for row in frame.itertuples():
        earlier = subtree_scores(raw, row.unit_id, [1, 2, 3], row.construct)
        later = subtree_scores(raw, row.unit_id, [4, 5, 6], row.construct)
        assert row.n_earlier == len(earlier) and row.n_later == len(later)
        earlier = shown_part_scores(raw, row.unit_id, [1, 2, 3], row.construct, visible)
        later = shown_part_scores(raw, row.unit_id, [4, 5, 6], row.construct, visible)
        if len(earlier) < 2:
            assert row.welch_p is None
            continue
        welch = stats.ttest_ind(later, earlier, equal_var=False)
        assert row.welch_p == pytest.approx(welch.pvalue, rel=1e-9)
    rise = frame.query("unit_id == 'top' and construct == 'mening'")
    assert rise["significant"].item()
    flat = frame.query("construct == 'motivation'")
    assert np.all(np.abs(flat["difference"].astype(float)) < 12)


def test_hidden_phases_are_never_compared() -> None:
    raw = {(1, "x", "mening"): [50.0, 75.0], (2, "x", "mening"): [50.0, 75.0, 100.0]}
    protected = protect_histograms(
        histogram_frame(raw), parent={"x": None}, wave_phase={1: "p", 2: "q"}, k=3
    )
    assert compare_phases(protected).empty
    assert compare_waves(protected).empty
