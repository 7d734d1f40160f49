"""Did involvement move medspil? The demo's planted effect, found among the units, and the rules
for who takes part (shown numbers only, the viewer's own units only, at least 2 a group)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from data.db import Database
from medspil.errors import AccessDenied
from medspil.scope import Scope
from surveys.dashboards.basis import project_basis
from surveys.dashboards.involvement_effect import (
    effect_notes,
    effect_rows,
    effect_view,
    involvement_effect,
    involvement_effect_table,
    leaf_units,
    unit_phase_scores,
)
from tests.conftest import TODAY

SYD_UNITS = ["SYD-SKOV", "SYD-LAERKE", "SYD-AABO", "SYD-HJEMDAG", "SYD-HJEMAFT"]
NORD_UNITS = ["NORD-SOLHOJ", "NORD-EGELY", "NORD-HAVBO", "NORD-HJEM"]


def _planted_difference() -> float:
    """The planted medspil effect on the 0-100 scale, from the demo generator's recipe
    (surveys/installation/demo.py, ``_construct_mean`` and ``_answer_wave``), not from Medspil.

    A person's true medspil is N(mean, 14); each item adds N(0, 12), so an item's latent points
    are N(mean, sqrt(14² + 12²)). The answer is round(points / 25) + 1 clipped to 1..5 and
    scored (value - 1) · 25, so an item's expected score is 25 · E[clip(round(X / 25), 0, 4)]:
    value v is given for X in [25v - 12,5; 25v + 12,5). Nord keeps the base 63 in udvikling;
    Syd's information-only units have 63 - 22 = 41. Missing answers are drawn independently of
    the value, so a person's mean of items has the same expectation. Result: about 21,9 points.
    """
    sd = float(np.hypot(14.0, 12.0))
    edges = np.array([-np.inf, 12.5, 37.5, 62.5, 87.5, np.inf])

    def expected(mean: float) -> float:
        shares = np.diff(stats.norm.cdf(edges, loc=mean, scale=sd))
        return 25.0 * float(np.dot(shares, np.arange(5)))

    return expected(63.0) - expected(63.0 - 22.0)


def _phase_id(db: Database, kind: str) -> int:
    phases = project_basis(db, "medicin", today=TODAY).phases
    return int(phases.loc[phases["kind"] == kind, "id"].iloc[0])


def test_syd_informed_lower_than_nord_codesigning_by_the_planted_size(demo_db: Database) -> None:
    planted = _planted_difference()
    assert planted == pytest.approx(21.86, abs=0.01)
    udvikling = _phase_id(demo_db, "udvikling")
    view = involvement_effect_table(
        demo_db, Scope.admin(), "medicin", "SAE", udvikling, lang="da", today=TODAY
    )
    assert view.empty_reason is None
    assert view.units == {"information": 5, "medbestemmelse": 4}
    assert view.left_out == 1  # the night team: never k answers, so never a number
    row = view.rows[view.rows["construct"] == "medspil"].iloc[0]
    assert (row["level_low"], row["level_high"]) == ("information", "medbestemmelse")
    assert row["mean_low"] < row["mean_high"]  # Syd's informed units are lower
    assert row["difference"] == pytest.approx(planted, abs=3)
    assert row["ci_low"] > 0  # clearly more than chance, even with 4 and 5 units
    # Both started level in konsekvensvurdering, so the change shows the same planted drop.
    assert row["change_difference"] == pytest.approx(planted, abs=3)
    assert row["change_low"] == pytest.approx(-planted, abs=3)
    # The constructs without a planted difference sit near zero (within their intervals).
    calm = view.rows[view.rows["construct"] == "mening"].iloc[0]
    assert calm["ci_low"] < 0 < calm["ci_high"]
    within, change = effect_notes(view, "da")[-2:]
    assert within.startswith("I udvikling lå medspil 23,1 point højere i enhederne med")
    assert change.startswith("Fra konsekvensvurdering til udvikling ændrede medspil sig +1,5")


def test_only_shown_wave_cells_count(demo_db: Database) -> None:
    """A unit's score is pooled from the waves the dashboards show it in; a unit hidden in
    every wave (the night team) never takes part."""
    basis = project_basis(demo_db, "medicin", today=TODAY)
    udvikling = _phase_id(demo_db, "udvikling")
    scores = unit_phase_scores(basis, leaf_units(basis, basis.parent), udvikling)
    assert "NORD-NAT" not in set(scores["unit_id"])
    waves = basis.wave_summaries
    egely = waves[
        (waves["unit_id"] == "NORD-EGELY")
        & (waves["construct"] == "medspil")
        & (waves["phase_id"] == udvikling)
    ]
    shown = egely[~egely["hidden"]]
    assert 0 < len(shown) < len(egely)  # some waves of Egely are hidden, some shown
    n = shown["n"].astype(float).to_numpy()
    expected = float(np.dot(n, shown["mean"].astype(float)) / n.sum())
    found = scores[(scores["unit_id"] == "NORD-EGELY") & (scores["construct"] == "medspil")]
    assert float(found["mean"].iloc[0]) == pytest.approx(expected)


def test_a_leder_compares_only_their_own_units(demo_db: Database) -> None:
    udvikling = _phase_id(demo_db, "udvikling")
    one = Scope(role="leder", unit_roots=frozenset({"SYD-SKOV"}))
    view = involvement_effect_table(
        demo_db, one, "medicin", "SYD-SKOV", udvikling, lang="da", today=TODAY
    )
    assert view.empty_reason == "one_unit" and view.rows.empty
    assert "kun én enhed" in effect_notes(view, "da")[0]
    syd = Scope(role="leder", unit_roots=frozenset({"AELDRE-SYD"}))
    view = involvement_effect_table(
        demo_db, syd, "medicin", "AELDRE-SYD", udvikling, lang="da", today=TODAY
    )
    assert view.empty_reason == "one_level" and view.units == {"information": 5}
    assert "alle 5 enheder havde samme inddragelse i udvikling" in effect_notes(view, "da")[0]
    with pytest.raises(AccessDenied):
        involvement_effect_table(demo_db, syd, "medicin", "SAE", udvikling, lang="da", today=TODAY)


def test_too_few_units_in_a_group_says_so_and_shows_no_numbers(demo_db: Database) -> None:
    basis = project_basis(demo_db, "medicin", today=TODAY)
    udvikling = _phase_id(demo_db, "udvikling")
    units = ["SYD-SKOV", "SYD-LAERKE", "NORD-SOLHOJ"]
    effect = involvement_effect(basis, units, udvikling)
    assert effect.units == {"information": 2, "medbestemmelse": 1}
    assert not effect.comparisons["enough_units"].any()
    view = effect_view(basis, "SAE", units, udvikling, "da")
    table = effect_rows(view, "da")
    medspil = table[table["Spørgsmålsområde"] == "Medspil"].iloc[0]
    assert medspil["Enheder"] == "1 mod 2"
    few = "for få enheder (mindst 2 på hvert niveau)"
    assert medspil["Forskel i point (95 % KI)"] == few
    assert medspil["Niveau i fasen"] == few
    assert medspil["Ændring fra konsekvensvurdering (95 % KI)"] == few
    assert effect_notes(view, "da")[-1].startswith("Enheder i sammenligningen")  # no sentence
    english = effect_rows(effect_view(basis, "SAE", units, udvikling, "en"), "en")
    assert english.iloc[0]["Difference in points (95% CI)"].startswith("too few units")


def test_the_first_phase_has_no_change_and_says_so(demo_db: Database) -> None:
    basis = project_basis(demo_db, "medicin", today=TODAY)
    ide = _phase_id(demo_db, "ide")
    view = effect_view(basis, "SAE", leaf_units(basis, basis.parent), ide, "da")
    assert view.empty_reason == "one_level"  # everybody was informed in idé
    assert view.previous_phase_label is None
