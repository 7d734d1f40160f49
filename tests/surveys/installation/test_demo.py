"""The demo kommune: deterministic, the right size, and the planted effects are in the answers.

Effects are measured from the stored answers (through the storage layer's aggregates), with
scipy as the reference, never from the generator's parameters.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from data import open_database
from data import org as org_queries
from data import projects as project_queries
from data.db import Database
from data.results import response_counts, score_histograms
from medspil.scope import Scope
from surveys.installation.demo import SMALL_TEAM, build_demo, is_demo
from tests.conftest import TODAY

DAY = dt.date(2026, 3, 3)


def _dump(db: Database) -> dict[str, pd.DataFrame]:
    with db.cursor() as cur:
        return {
            table: cur.execute(f"SELECT * FROM {table} ORDER BY ALL").df()
            for table in ("units", "waves", "phases", "invitations", "responses", "answers",
                          "comments")
        }  # fmt: skip


def test_same_seed_and_day_give_the_same_kommune(demo_db: Database) -> None:
    # The session's demo is seed 1, built today; each demo build takes seconds, so two more.
    second, other = open_database(None), open_database(None)
    build_demo(second, seed=1, today=TODAY)
    build_demo(other, seed=8, today=TODAY)
    a, b, c = _dump(demo_db), _dump(second), _dump(other)
    for table in a:
        pd.testing.assert_frame_equal(a[table], b[table])
    assert not a["answers"].equals(c["answers"])
    assert is_demo(second)


def test_dates_are_relative_to_the_day_the_demo_is_built() -> None:
    db = open_database(None)
    build_demo(db, seed=1, today=DAY)
    waves = project_queries.waves(db, "medicin")
    opens = pd.to_datetime(waves["opens"]).dt.date
    closes = pd.to_datetime(waves["closes"]).dt.date
    assert len(waves) == 26
    assert ((opens <= DAY) & (closes >= DAY)).sum() == 1
    assert (opens.diff().dropna() == dt.timedelta(days=14)).all()


def test_the_kommune_has_the_promised_shape(demo_db: Database) -> None:
    units = org_queries.units(demo_db)
    assert 35 <= len(units) <= 45
    assert 750 <= units["headcount"].sum() <= 850
    parents = dict(zip(units["id"], units["parent_id"], strict=True))

    def depth(unit: str) -> int:
        return 1 if parents[unit] is None else 1 + depth(parents[unit])

    assert max(depth(u) for u in units["id"]) == 4
    assert (units["unit_type"] == "forvaltning").sum() == 2
    committees = org_queries.committees(demo_db)
    assert set(committees["level"]) == {"hoved", "omraade", "lokal"}
    phase_now = {
        pid: project_queries.phases(demo_db, pid).iloc[-1]["kind"]
        for pid in project_queries.projects(demo_db)["id"]
    }
    assert sorted(phase_now.values()) == ["ide", "implementering", "konsekvensvurdering"]
    with demo_db.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM comments").fetchone()[0] > 50


def test_response_rates_are_realistic(demo_db: Database) -> None:
    counts = response_counts(demo_db, "medicin", Scope.admin())
    waves = project_queries.waves(demo_db, "medicin")
    closed = waves[pd.to_datetime(waves["closes"]).dt.date < dt.date.today()]["id"]
    per_wave = counts[counts["wave_id"].isin(closed)].groupby("wave_id")[["used", "issued"]].sum()
    rates = per_wave["used"] / per_wave["issued"]
    assert rates.between(0.40, 0.80).all(), rates.describe()
    assert (counts["used"] == counts["responses"]).all()


def _respondent_scores(hist: pd.DataFrame) -> pd.DataFrame:
    return hist.loc[hist.index.repeat(hist["n"])].drop(columns="n")


@pytest.fixture(scope="module")
def medicin(demo_db: Database) -> pd.DataFrame:
    hist = score_histograms(demo_db, "medicin", Scope.admin())
    waves = project_queries.waves(demo_db, "medicin")[["id", "number", "phase_kind"]]
    merged = hist.merge(waves, left_on="wave_id", right_on="id")
    units = org_queries.units(demo_db).set_index("id")["parent_id"]
    merged["area"] = merged["unit_id"].map(units)
    return merged


@pytest.mark.parametrize(("area", "informed_only"), [("AELDRE-SYD", True), ("AELDRE-NORD", False)])
def test_medspil_drops_in_udvikling_only_where_employees_were_only_informed(
    medicin: pd.DataFrame, area: str, informed_only: bool
) -> None:
    scores = _respondent_scores(medicin[(medicin["construct"] == "medspil")
                                        & (medicin["area"] == area)])  # fmt: skip
    by_phase = {kind: scores[scores["phase_kind"] == kind]["score"].to_numpy(float)
                for kind in ("konsekvensvurdering", "udvikling", "implementering")}  # fmt: skip
    drop = by_phase["konsekvensvurdering"].mean() - by_phase["udvikling"].mean()
    recovery = by_phase["implementering"].mean() - by_phase["udvikling"].mean()
    welch = stats.ttest_ind(by_phase["udvikling"], by_phase["konsekvensvurdering"],
                            equal_var=False)  # fmt: skip
    if informed_only:
        assert drop >= 15
        assert recovery >= 15
        assert welch.pvalue < 1e-6
    else:
        assert abs(drop) < 5
        assert abs(recovery) < 5


def test_motivation_drifts_slowly_upwards(medicin: pd.DataFrame) -> None:
    motivation = medicin[medicin["construct"] == "motivation"]
    totals = motivation.assign(sum=motivation["score"] * motivation["n"]).groupby("number")
    means = (totals["sum"].sum() / totals["n"].sum()).sort_index()
    tau = stats.kendalltau(means.index, means.to_numpy())
    slope = stats.theilslopes(means.to_numpy(), means.index).slope
    assert tau.statistic > 0.5 and tau.pvalue < 0.001
    assert 0.3 < slope < 1.5  # points per wave: slow, not a jump


def test_the_small_team_never_has_five_respondents(demo_db: Database) -> None:
    for project in project_queries.projects(demo_db)["id"]:
        counts = response_counts(demo_db, project, Scope.admin())
        small = counts[counts["unit_id"] == SMALL_TEAM]
        assert (small["responses"] < 5).all()
    counts = response_counts(demo_db, "medicin", Scope.admin())
    assert len(counts[counts["unit_id"] == SMALL_TEAM]) >= 20
    assert np.all(counts[counts["unit_id"] == SMALL_TEAM]["responses"] >= 0)
