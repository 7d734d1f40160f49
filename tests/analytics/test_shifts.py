"""The shift monitor: a hand-written reference, calibration and delay by simulation, the prefix
property, restarts and gaps."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analytics import InvalidInput, Shift, detect_shifts
from analytics.arl import cusum_threshold
from analytics.shifts import detect_shifts_many, threshold


def _split(segment: list[tuple[int, float, float]], direction: int) -> tuple[int, float]:
    """Most likely single step: maximise nb * na / (nb + na) * (mean_a - mean_b)**2."""
    best = None
    for i in range(1, len(segment)):
        b, a = segment[:i], segment[i:]
        nb, na = sum(n for _, n, _ in b), sum(n for _, n, _ in a)
        diff = sum(n * x for _, n, x in a) / na - sum(n * x for _, n, x in b) / nb
        fit = nb * na / (nb + na) * diff**2
        if diff * direction > 0 and (best is None or fit > best[0]):
            best = (fit, segment[i][0], diff)
    return best[1], best[2]


def _reference(means, ns, sds, h: float, k: float = 0.9) -> list[tuple[int, int, int, float]]:
    """The method as written in the docstring, one wave at a time with scalar scipy calls."""
    segment: list[tuple[int, float, float]] = []  # (wave, n, mean) of the current segment
    pooled_ss = pooled_df = 0.0
    up = down = 0.0
    alarms = []
    for t, (x, n, s) in enumerate(zip(means, ns, sds, strict=True)):
        if not (math.isfinite(x) and math.isfinite(n) and n > 0):
            continue
        if n >= 2 and math.isfinite(s):
            pooled_ss += (n - 1) * s * s
            pooled_df += n - 1
        if segment and pooled_df > 0:
            total = sum(w for _, w, _ in segment)
            level = sum(w * m for _, w, m in segment) / total
            sigma = math.sqrt(pooled_ss / pooled_df)
            r = (x - level) / (sigma * math.sqrt(1 / n + 1 / total))
            if math.isfinite(r):
                z = (
                    stats.norm.ppf(stats.t.cdf(r, pooled_df))
                    if r < 0
                    else -stats.norm.ppf(stats.t.sf(r, pooled_df))
                )
                z = min(max(z, -8.0), 8.0)
                up, down = max(0.0, up + z - k), max(0.0, down - z - k)
                if up > h or down > h:
                    direction = 1 if up >= down else -1
                    alarms.append((t, direction, *_split([*segment, (t, n, x)], direction)))
                    up = down = 0.0
                    segment = []
                    continue
        segment.append((t, n, x))
    return alarms


def _stable(rng, series: int, waves: int, n: int, sd: float = 20.0, level: float = 60.0):
    means = level + rng.normal(0.0, sd / math.sqrt(n), (series, waves))
    sds = sd * np.sqrt(rng.chisquare(n - 1, (series, waves)) / (n - 1))
    return means, np.full((series, waves), float(n)), sds


@pytest.mark.parametrize("seed", range(6))
def test_matches_the_reference_written_out_wave_by_wave(seed: int) -> None:
    rng = np.random.default_rng(seed)
    waves = 60
    level = np.where(np.arange(waves) < 25, 60.0, 48.0) + np.where(np.arange(waves) >= 45, 15, 0)
    ns = rng.integers(0, 25, waves).astype(float)
    means = level + rng.normal(0, 20 / np.sqrt(np.maximum(ns, 1)))
    means[rng.random(waves) < 0.1] = np.nan
    sds = rng.uniform(12, 28, waves)
    h = threshold(26, 1.0)
    found = detect_shifts(means, ns, sds, false_alarms_per_year=1.0)
    expected = _reference(means, ns, sds, h)
    assert [(s.wave, s.direction, s.start) for s in found] == [e[:3] for e in expected]
    assert [s.size for s in found] == pytest.approx([e[3] for e in expected], rel=1e-9)
    assert len(expected) >= 2  # both planted shifts (or more) give something to compare


def test_threshold_is_the_arl_of_half_the_budget_per_side() -> None:
    # 26 waves a year and 1/6 false alarm a year: one false alarm per 156 waves, split over the
    # upper and the lower chart, so 312 waves per chart, with the reference value k = 0.9.
    assert threshold(26, 1 / 6) == pytest.approx(cusum_threshold(0.9, 312.0))


@pytest.mark.parametrize("n", [5, 18, 100, 500])
@pytest.mark.parametrize(("waves_per_year", "budget"), [(26, 0.5), (12, 0.25), (52, 1.0)])
def test_false_alarms_stay_within_the_budget(n: int, waves_per_year: int, budget: float) -> None:
    rng = np.random.default_rng(1000 * n + waves_per_year)
    years, series = 5, 400
    means, ns, sds = _stable(rng, series, years * waves_per_year, n)
    found = detect_shifts_many(
        means, ns, sds, waves_per_year=waves_per_year, false_alarms_per_year=budget
    )
    rate = sum(len(f) for f in found) / (series * years)
    # Documented tolerance: at most 10 % over the budget (simulation error is about 5 %), and
    # not wastefully below it either.
    assert 0.75 * budget <= rate <= 1.1 * budget


def _delays(
    shift: float, n: int = 18, budget: float = 1 / 6, series: int = 1000, change: int = 26
) -> np.ndarray:
    rng = np.random.default_rng(42)
    waves = change + 20
    means, ns, sds = _stable(rng, series, waves, n)
    means[:, change:] -= shift
    found = detect_shifts_many(means, ns, sds, false_alarms_per_year=budget)
    # Delay counts the first wave at the new level as 1; a missed shift counts as never.
    return np.array(
        [
            next((s.wave - change + 1 for s in f if s.wave >= change and s.direction == -1), 99)
            for f in found
        ]
    )


def test_a_ten_point_drop_is_flagged_within_two_waves_at_the_noise_limit() -> None:
    delays = _delays(10.0)
    assert np.median(delays) <= 2
    assert np.percentile(delays, 90) <= 5


def test_half_a_year_of_waves_is_enough_at_a_budget_of_one_flag_every_two_years() -> None:
    # Self-starting: after 13 stable waves the level is known less well than after 26. At the
    # budget of 0.5 a series-year the target (median 2, 90th percentile 5) holds already then;
    # at 1/6 it takes about a year (see the benchmark and docs/design.md).
    delays = _delays(10.0, budget=0.5, change=13, series=2000)
    assert np.median(delays) <= 2
    assert np.percentile(delays, 90) <= 5
    strict = _delays(10.0, budget=1 / 6, change=13, series=2000)
    assert np.median(strict) <= 3 and np.percentile(strict, 90) <= 6


def test_bigger_drops_are_flagged_sooner() -> None:
    assert np.mean(_delays(15.0)) < np.mean(_delays(10.0)) < np.mean(_delays(5.0))


def test_one_real_shift_raises_one_alarm_and_the_restart_follows_the_new_level() -> None:
    means = [60.0] * 20 + [40.0] * 20 + [60.0] * 20
    jitter = np.tile([0.3, -0.3], 30)  # well inside one standard error (1 point)
    found = detect_shifts(np.array(means) + jitter, [400] * 60, [20] * 60)
    assert [(s.direction, s.start) for s in found] == [(-1, 20), (1, 40)]
    assert [s.wave for s in found] == [20, 40]
    # By hand: before the drop, waves 0-19 (the jitter cancels): 60; after it, wave 20: 40.3.
    assert found[0].level_before == pytest.approx(60.0, rel=1e-12)
    assert found[0].size == pytest.approx(-19.7, rel=1e-12)
    # The restart begins after the alarm wave: waves 21-39 hold ten -0.3 and nine +0.3.
    assert found[1].level_before == pytest.approx(40 - 0.3 / 19, rel=1e-12)
    assert found[1].size == pytest.approx(60.3 - (40 - 0.3 / 19), rel=1e-12)


def test_after_a_restart_the_old_level_is_forgotten() -> None:
    rng = np.random.default_rng(5)
    means, ns, sds = _stable(rng, 500, 60, 18)
    means[:, 20:] -= 15.0
    found = detect_shifts_many(means, ns, sds, false_alarms_per_year=1 / 6)
    after = [[s for s in f if s.wave >= 20] for f in found]
    # One true shift: one alarm per series, plus the budget's false alarms over 40 waves
    # (1/6 a year: 0.26), with the calibration's 10 % tolerance.
    assert np.mean([len(a) for a in after]) < 1 + 1.1 * (40 / 26) / 6
    assert np.mean([a[0].direction == -1 for a in after if a]) > 0.98


def test_gaps_neither_alarm_nor_reset() -> None:
    rng = np.random.default_rng(9)
    means, ns, sds = _stable(rng, 1, 40, 18)
    means[0, 22:] -= 12.0
    plain = detect_shifts(means[0], ns[0], sds[0])
    gap_at = [5, 6, 23, 30]  # inserted before these waves: at 5, 7, 25 and 33 afterwards
    gapped = [np.insert(a[0], gap_at, v) for a, v in ((means, 80.0), (ns, 0.0), (sds, 5.0))]
    gapped[0][7] = np.nan  # a hidden wave: respondents, but no mean shown
    gapped[1][7] = 18.0
    position = np.flatnonzero(~np.isin(np.arange(44), [5, 7, 25, 33]))
    moved = detect_shifts(*gapped)
    assert [int(position[s.wave]) for s in plain] == [s.wave for s in moved]
    assert [int(position[s.start]) for s in plain] == [s.start for s in moved]
    assert [s.size for s in plain] == pytest.approx([s.size for s in moved])
    assert plain, "the planted drop must be found for the comparison to mean anything"
    assert detect_shifts([np.nan] * 10, [0] * 10, [np.nan] * 10) == []


_wave = st.tuples(
    st.one_of(st.floats(0, 100), st.just(math.nan)),
    st.integers(0, 40),
    st.one_of(st.floats(0, 40), st.just(math.nan)),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_wave, min_size=1, max_size=40), st.sampled_from([0.25, 1.0, 6.0]))
def test_every_prefix_gives_the_alarms_of_the_full_series_so_far(waves, budget) -> None:
    means, ns, sds = (list(column) for column in zip(*waves, strict=True))
    full = detect_shifts(means, ns, sds, false_alarms_per_year=budget)
    for length in range(1, len(waves) + 1):
        prefix = detect_shifts(
            means[:length], ns[:length], sds[:length], false_alarms_per_year=budget
        )
        assert prefix == [s for s in full if s.wave < length]


def test_the_result_is_a_frozen_record() -> None:
    shift = detect_shifts([60, 60, 60, 20], [100] * 4, [20] * 4)[0]
    assert isinstance(shift, Shift)
    with pytest.raises(AttributeError):
        shift.wave = 0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"waves_per_year": 0}, "waves_per_year"),
        ({"false_alarms_per_year": -1}, "budget"),
        ({"false_alarms_per_year": 30}, "smaller than waves_per_year"),
    ],
)
def test_bad_settings_are_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        detect_shifts([50, 50], [10, 10], [20, 20], **kwargs)


def test_bad_series_are_refused() -> None:
    with pytest.raises(InvalidInput, match="one value per wave"):
        detect_shifts([50, 50], [10], [20, 20])
    with pytest.raises(InvalidInput, match="negative"):
        detect_shifts([50, 50], [10, -1], [20, 20])
