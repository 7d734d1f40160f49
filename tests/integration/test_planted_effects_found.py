"""The analytics find what the demo kommune planted, from its stored answers (issue 4).

The demo is generated once per session; the analytics see only the storage layer's histograms,
exactly as the dashboards do.
"""

from __future__ import annotations

import pandas as pd
import pytest

import analytics
from data import org as org_queries
from data import projects as project_queries
from data.db import Database
from data.results import score_histograms
from medspil.scope import Scope
from surveys.installation.demo import CO_DESIGN_AREA, INFO_ONLY_AREA, SMALL_TEAM


@pytest.fixture(scope="module")
def medicin(demo_db: Database) -> tuple[analytics.ProtectedScores, dict[str, int]]:
    units = org_queries.units(demo_db)
    waves = project_queries.waves(demo_db, "medicin")
    phases = project_queries.phases(demo_db, "medicin")
    protected = analytics.protect_histograms(
        score_histograms(demo_db, "medicin", Scope.admin()),
        parent=dict(zip(units["id"], units["parent_id"], strict=True)),
        wave_phase=dict(zip(waves["id"], waves["phase_id"], strict=True)),
        k=5,
    )
    phase_ids = {row.kind: int(row.id) for row in phases.itertuples()}
    wave_numbers = dict(zip(waves["id"], waves["number"], strict=True))
    return protected, phase_ids | {f"wave{n}": wid for wid, n in wave_numbers.items()}


def test_the_medspil_drop_is_a_significant_phase_difference_only_where_informed(medicin) -> None:
    protected, ids = medicin
    table = analytics.compare_phases(protected, units=[INFO_ONLY_AREA, CO_DESIGN_AREA])
    medspil = table[table["construct"] == "medspil"].set_index(["unit_id", "phase_id"])
    into_udvikling = (INFO_ONLY_AREA, ids["udvikling"])
    out_of_udvikling = (INFO_ONLY_AREA, ids["implementering"])
    assert medspil.loc[into_udvikling, "significant"]
    assert medspil.loc[into_udvikling, "difference"] <= -15
    assert medspil.loc[into_udvikling, "cohens_d"] <= -0.8
    assert medspil.loc[out_of_udvikling, "significant"]
    assert medspil.loc[out_of_udvikling, "difference"] >= 15
    nord = medspil.loc[CO_DESIGN_AREA]
    assert not nord["significant"].any()


def test_change_points_mark_the_start_and_end_of_udvikling_where_informed(medicin) -> None:
    protected, ids = medicin
    points = analytics.wave_changepoints(protected)
    medspil = points[points["construct"] == "medspil"]
    syd = set(medspil[medspil["unit_id"] == INFO_ONLY_AREA]["wave_id"])
    assert syd == {ids["wave10"], ids["wave18"]}  # the first waves of udvikling and implementering
    assert medspil[medspil["unit_id"] == CO_DESIGN_AREA].empty


def test_the_slow_motivation_drift_is_found_by_mann_kendall(medicin) -> None:
    protected, ids = medicin
    trends = analytics.phase_trends(protected)
    whole = trends[(trends["unit_id"] == "K") & (trends["construct"] == "motivation")]
    later = whole[whole["phase_id"].isin([ids["udvikling"], ids["implementering"]])]
    assert (later["p"] < 0.05).all()
    assert (later["sen_slope"] > 0).all() and (later["sen_slope"] < 2).all()
    # Over the whole run of waves: the wave means rise monotonically in trend.
    means = analytics.summarise_waves(protected)
    series = means[(means["unit_id"] == "K") & (means["construct"] == "motivation")]
    overall = analytics.mann_kendall(series.sort_values("wave_id")["mean"].tolist())
    assert overall.p < 0.001 and 0.3 < overall.sen_slope < 1.5


def test_the_small_team_is_never_visible(demo_db: Database, medicin) -> None:
    protected, _ = medicin
    waves = analytics.summarise_waves(protected)
    phases = analytics.summarise_phases(protected)
    for table in (waves, phases):
        small = table[table["unit_id"] == SMALL_TEAM]
        assert not small.empty and small["hidden"].all()
        assert small[["n", "mean", "ci_low", "ci_high", "favourable_share"]].isna().all().all()
    comparisons = pd.concat(
        [analytics.compare_waves(protected), analytics.compare_phases(protected)]
    )
    assert SMALL_TEAM not in set(comparisons["unit_id"])
    runs = analytics.run_charts(protected)
    assert SMALL_TEAM not in set(runs[runs["n_useful"].fillna(0) > 0]["unit_id"])
