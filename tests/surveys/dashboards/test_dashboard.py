"""The dashboards' core on the demo kommune: scope enforcement, planted effects, hidden groups."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import data.db as db_module
import surveys.dashboards.basis as basis_module
from data import open_database
from data import projects as project_queries
from data.answers import bulk_insert
from data.db import Database
from medspil.errors import AccessDenied
from medspil.scope import Scope
from medspil.vocabulary import Involvement
from surveys.dashboards.basis import (
    forget_bases,
    headline_units,
    involvement_of,
    project_basis,
    require_project,
    unit_choices,
)
from surveys.dashboards.changes import latest_scores
from surveys.dashboards.comments import comment_view, matches_theme
from surveys.dashboards.finding_list import SMALL_GROUP, finding_list, small_group_note
from surveys.dashboards.shifts import ShiftBudget, budget_sentence
from surveys.dashboards.views import heatmap_table, phase_table, runchart_table, trend_table
from surveys.installation.demo import SMALL_TEAM
from tests.conftest import TODAY

ADMIN = Scope.admin()
SYD = Scope(role="leder", unit_roots=frozenset({"AELDRE-SYD"}))
NORD_NAT = Scope(role="leder", unit_roots=frozenset({SMALL_TEAM}))
LMED_SYD = Scope(
    role="med", unit_roots=frozenset({"AELDRE-SYD"}), committee_ids=frozenset({"LMED-SYD"})
)
SYD_UNITS = ["SYD-SKOV", "SYD-LAERKE", "SYD-AABO", "SYD-HJEMDAG", "SYD-HJEMAFT"]
NORD_UNITS = ["NORD-SOLHOJ", "NORD-EGELY", "NORD-HAVBO", "NORD-HJEM"]
ALL = ["mening", "motivation", "medspil", "information"]


def _phase_of(db: Database, kind: str) -> int:
    basis = project_basis(db, "medicin", today=TODAY)
    return int(basis.phases.loc[basis.phases["kind"] == kind, "id"].iloc[0])


def _first_wave_of(db: Database, kind: str) -> int:
    basis = project_basis(db, "medicin", today=TODAY)
    phase = _phase_of(db, kind)
    return int(basis.waves.loc[basis.waves["phase_id"] == phase, "number"].min())


def test_units_a_scope_may_pick_start_with_its_headline(demo_db: Database) -> None:
    basis = project_basis(demo_db, "medicin", today=TODAY)
    assert headline_units(basis, ADMIN) == ["SAE"]
    assert [u for u, _ in unit_choices(basis, SYD)] == ["AELDRE-SYD", *sorted(SYD_UNITS)]
    assert [u for u, _ in unit_choices(basis, LMED_SYD)][0] == "AELDRE-SYD"
    assert [u for u, _ in unit_choices(basis, NORD_NAT)] == [SMALL_TEAM]
    admin_units = {u for u, _ in unit_choices(basis, ADMIN)}
    assert "SUNDHED" not in admin_units and "K" not in admin_units


def _choices_by_hand(basis, head: str, allowed: set[str]) -> list[tuple[str, int]]:
    """Depth-first from ``head`` in the children's order; a unit counts when it is in a
    project subtree or is an ancestor of a project root, and the scope may see it."""

    def chain(unit):
        up = basis.parent.get(unit)
        return [] if up is None else [up, *chain(up)]

    def walk(unit, depth):
        inside = any(unit == r or r in chain(unit) for r in basis.project_roots)
        above = any(unit in chain(r) for r in basis.project_roots)
        mine = [(unit, depth)] if unit in allowed and (unit == head or inside or above) else []
        return mine + [c for child in basis.children.get(unit, []) for c in walk(child, depth + 1)]

    return walk(head, 0)


def test_the_units_a_scope_may_pick_come_with_their_depth_below_the_headline(
    demo_db: Database,
) -> None:
    basis = project_basis(demo_db, "medicin", today=TODAY)
    everyone = set(basis.parent)
    assert unit_choices(basis, ADMIN) == _choices_by_hand(basis, "SAE", everyone)
    syd = set(basis.subtree("AELDRE-SYD"))
    assert unit_choices(basis, SYD) == _choices_by_hand(basis, "AELDRE-SYD", syd)
    assert max(depth for _, depth in unit_choices(basis, ADMIN)) >= 2
    # Kept per basis and scope: a caller that changes its list does not change the next.
    unit_choices(basis, ADMIN).clear()
    assert unit_choices(basis, ADMIN) == _choices_by_hand(basis, "SAE", everyone)


@pytest.mark.parametrize(
    "call",
    [
        lambda db: trend_table(db, SYD, "medicin", "AELDRE-NORD", ALL, lang="da", today=TODAY),
        lambda db: heatmap_table(db, SYD, "medicin", "SAE", lang="da", today=TODAY),
        lambda db: phase_table(db, SYD, "medicin", "NORD-SOLHOJ", ALL, lang="da", today=TODAY),
        lambda db: runchart_table(db, SYD, "medicin", "K", ALL, lang="da", today=TODAY),
        lambda db: comment_view(db, SYD, "medicin", "NORD-HJEM", lang="da", today=TODAY),
        lambda db: trend_table(db, SYD, "byggesag", "BYGPLAN", ALL, lang="da", today=TODAY),
    ],
)
def test_a_leder_cannot_ask_about_units_or_projects_outside_the_subtree(
    demo_db: Database, call
) -> None:
    with pytest.raises(AccessDenied):
        call(demo_db)


def test_the_medspil_drop_in_syd_is_significant_with_change_points(demo_db: Database) -> None:
    start = _first_wave_of(demo_db, "udvikling")
    back = _first_wave_of(demo_db, "implementering")
    view = trend_table(demo_db, ADMIN, "medicin", "AELDRE-SYD", ["medspil"], lang="da", today=TODAY)
    flagged = view.table[view.table["significant"]]
    assert flagged["wave_number"].tolist() == [start, back]
    assert flagged["difference"].iloc[0] < -15 and flagged["difference"].iloc[1] > 15
    assert view.changepoints["wave_number"].tolist() == [start, back]
    assert view.family_size > 0 and view.empty_reason is None
    nord = trend_table(
        demo_db, ADMIN, "medicin", "AELDRE-NORD", ["medspil"], lang="da", today=TODAY
    )
    assert not nord.table["significant"].any()
    assert nord.changepoints.empty


def test_only_closed_waves_are_shown(demo_db: Database) -> None:
    basis = project_basis(demo_db, "medicin", today=TODAY)
    assert (pd.to_datetime(basis.waves["closes"]).dt.date < TODAY).all()
    view = trend_table(demo_db, ADMIN, "medicin", "SAE", ["medspil"], lang="da", today=TODAY)
    assert view.table["wave_number"].max() == 25  # wave 26 is open today


def test_phases_show_the_drop_next_to_information_only_involvement(demo_db: Database) -> None:
    view = phase_table(
        demo_db, ADMIN, "medicin", "AELDRE-SYD", ["medspil", "mening"], lang="da", today=TODAY
    )
    medspil = view.comparisons[view.comparisons["construct"] == "medspil"]
    into = medspil[medspil["phase_label"] == "Udvikling"].iloc[0]
    out = medspil[medspil["phase_label"] == "Implementering"].iloc[0]
    assert into["significant"] and into["difference"] < -15 and into["cohens_d"] < -0.8
    assert out["significant"] and out["difference"] > 15
    mening = view.comparisons[view.comparisons["construct"] == "mening"]
    assert not mening["significant"].any()
    levels = dict(
        zip(view.involvement["phase_label"], view.involvement["involvement"], strict=True)
    )
    assert levels["Udvikling"] == "information"
    udvikling = _phase_of(demo_db, "udvikling")
    basis = project_basis(demo_db, "medicin", today=TODAY)
    assert involvement_of(basis, "AELDRE-NORD", udvikling) == "medbestemmelse"
    assert involvement_of(basis, "SAE", udvikling) is None  # mixed
    assert view.family_size == len(ALL) * 3  # every construct, three phase changes


def test_run_chart_signals_the_drop_and_says_too_few_for_short_projects(demo_db: Database) -> None:
    [chart] = runchart_table(
        demo_db, ADMIN, "medicin", "AELDRE-SYD", ["medspil"], lang="da", today=TODAY
    )
    assert not chart.too_few and chart.long_run_signal
    assert chart.series["in_long_run"].sum() >= 8
    frozen = runchart_table(
        demo_db,
        ADMIN,
        "medicin",
        "AELDRE-SYD",
        ["medspil"],
        lang="da",
        today=TODAY,
        baseline_phase=_phase_of(demo_db, "konsekvensvurdering"),
    )[0]
    assert frozen.baseline_end is not None and frozen.median != chart.median
    short = runchart_table(demo_db, ADMIN, "sensorer", "SAE", ["medspil"], lang="da", today=TODAY)
    assert short and all(c.too_few for c in short)


def test_the_findings_list_the_syd_medspil_drop_first_and_nothing_for_nord_medspil(
    demo_db: Database,
) -> None:
    found = finding_list(demo_db, ADMIN, "medicin", lang="da", today=TODAY)
    lead = found.cards[0].lead
    assert (lead.construct, lead.unit_id, lead.direction) == ("medspil", "AELDRE-SYD", -1)
    assert lead.statistics.alarm_wave == _first_wave_of(demo_db, "udvikling")
    assert 15 < abs(lead.points) < 30
    medspil_units = {
        f.unit_id
        for card in found.cards
        for f in (card.lead, *card.members)
        if f.construct == "medspil"
    }
    assert {"AELDRE-SYD", *SYD_UNITS} <= medspil_units
    assert not medspil_units & {"AELDRE-NORD", *NORD_UNITS, SMALL_TEAM}
    # The budget, said for the units the list watches: 0.5 chance flags per unit and year, by
    # hand 13 units x 0.5 = 6.5, said as "cirka 6" (a whole number from 5 flags up).
    assert found.units == 13
    assert "dine 13 enheder tilsammen få cirka 6 tilfældige flag om året" in found.budget_note
    nord = finding_list(
        demo_db,
        Scope(role="leder", unit_roots=frozenset({"AELDRE-NORD"})),
        "medicin",
        lang="da",
        today=TODAY,
    )
    assert all(c.lead.unit_id in {"AELDRE-NORD", *NORD_UNITS} for c in nord.cards)
    one = finding_list(
        demo_db,
        Scope(role="leder", unit_roots=frozenset({"SYD-SKOV"})),
        "medicin",
        lang="en",
        today=TODAY,
    )
    assert one.units == 1
    assert one.budget_note == (
        "Even with no real change, Plejecenter Skovbrynet will on average get about one chance"
        " flag every two years."
    )


def test_a_small_headline_unit_is_told_its_flags_come_slower(demo_db: Database) -> None:
    basis = project_basis(demo_db, "medicin", today=TODAY)
    unit = "SYD-HJEMAFT"  # 22 employees: 12-20 answers a wave
    closed = set(basis.waves["id"].astype(int))
    with demo_db.cursor() as cur:
        counts = cur.execute(
            "SELECT wave_id, count(*) FROM responses WHERE unit_id = ? GROUP BY wave_id", [unit]
        ).fetchall()
    # Its shown waves are those with at least k answers; "typically" is their median.
    typical = int(np.median([n for w, n in counts if w in closed and n >= basis.k_min]))
    note = small_group_note(basis, [unit], "da", below=typical + 1)
    assert note is not None and note.startswith(
        f"Hjemmeplejen Syd, aften har typisk {typical} svar pr. måling. Med så få svar kommer"
    )
    assert small_group_note(basis, [unit], "da", below=typical) is None
    assert typical >= SMALL_GROUP and small_group_note(basis, [unit], "da") is None
    # A team that is never shown has no typical number to tell.
    assert small_group_note(basis, [SMALL_TEAM], "da", below=100) is None


def test_the_budget_sentence_is_computed_from_the_monitors_budget() -> None:
    # Three constructs at 1/6 a year each are 0.5 a unit-year; four units: 2 a year.
    budget = ShiftBudget(per_unit_year=0.5, per_construct_year=1 / 6, constructs=3,
                         waves_per_year=26)  # fmt: skip
    assert budget_sentence(budget, 2, "", "da").startswith(
        "Selv uden nogen reel ændring vil dine 2 enheder tilsammen få cirka ét tilfældigt flag"
    )
    assert "dine 4 enheder tilsammen få cirka 2 tilfældige" in budget_sentence(budget, 4, "", "da")
    assert "cirka 1,5 tilfældige" in budget_sentence(budget, 3, "", "da")
    double = ShiftBudget(1.0, 0.25, 4, 26)  # a budget of 1 a unit-year: 3 units, 3 a year
    assert "dine 3 enheder tilsammen få cirka 3 tilfældige" in budget_sentence(double, 3, "", "da")


def test_udvikling_marks_the_monitors_alarms_on_the_whole_series(demo_db: Database) -> None:
    start = _first_wave_of(demo_db, "udvikling")
    back = _first_wave_of(demo_db, "implementering")
    view = trend_table(demo_db, ADMIN, "medicin", "AELDRE-SYD", ["medspil"], lang="da", today=TODAY)
    flagged = view.table[view.table["shift"] != 0]
    assert flagged["wave_number"].tolist() == [start, back]
    assert flagged["shift"].tolist() == [-1, 1]
    assert flagged["shift_size"].iloc[0] < -15 and flagged["shift_size"].iloc[1] > 15
    assert flagged["shift_start_label"].iloc[0].startswith(f"Måling {start} ")
    # A period starting after the drop still marks the recovery: the monitor sees every wave.
    later = trend_table(
        demo_db, ADMIN, "medicin", "AELDRE-SYD", ["medspil"], lang="da", today=TODAY,
        first_wave=start + 2,
    )  # fmt: skip
    assert later.table.loc[later.table["shift"] != 0, "wave_number"].tolist() == [back]
    nord = trend_table(
        demo_db, ADMIN, "medicin", "AELDRE-NORD", ["medspil"], lang="da", today=TODAY
    )
    assert (nord.table["shift"] == 0).all()


def test_the_small_team_never_has_a_number(demo_db: Database) -> None:
    trend = trend_table(demo_db, NORD_NAT, "medicin", SMALL_TEAM, ALL, lang="da", today=TODAY)
    assert trend.empty_reason == "hidden"
    assert trend.table["mean"].isna().all() and trend.table["n"].isna().all()
    phases = phase_table(demo_db, NORD_NAT, "medicin", SMALL_TEAM, ALL, lang="da", today=TODAY)
    assert phases.boxes["hidden"].all() and phases.boxes["mean"].isna().all()
    assert phases.comparisons.empty and phases.involvement["mean"].isna().all()
    for phase in [None, _phase_of(demo_db, "udvikling")]:
        heat = heatmap_table(
            demo_db, ADMIN, "medicin", "AELDRE-NORD", lang="da", today=TODAY, phase_id=phase
        )
        small = heat.cells[heat.cells["unit_id"] == SMALL_TEAM]
        assert len(small) == 4 and small["hidden"].all() and small["mean"].isna().all()
    [latest] = latest_scores(demo_db, NORD_NAT, "medicin", lang="da", today=TODAY)
    assert latest.table["hidden"].all() and latest.response_rate is None
    assert finding_list(demo_db, NORD_NAT, "medicin", lang="da", today=TODAY).cards == ()
    comments = comment_view(demo_db, NORD_NAT, "medicin", SMALL_TEAM, lang="da", today=TODAY)
    assert comments.empty_reason == "too_few" and comments.comments.empty


def test_comments_are_shuffled_dated_by_wave_and_filterable(demo_db: Database) -> None:
    first = comment_view(demo_db, ADMIN, "medicin", "AELDRE-SYD", lang="da", today=TODAY)
    again = comment_view(demo_db, ADMIN, "medicin", "AELDRE-SYD", lang="da", today=TODAY)
    assert list(first.comments.columns) == ["wave_label", "phase_label", "text"]
    assert sorted(first.comments["text"]) == sorted(again.comments["text"])
    assert first.comments["text"].tolist() != again.comments["text"].tolist()
    assert all(label.startswith("Måling ") for label in first.comments["wave_label"])
    udvikling = _phase_of(demo_db, "udvikling")
    themed = comment_view(
        demo_db,
        ADMIN,
        "medicin",
        "AELDRE-SYD",
        lang="da",
        today=TODAY,
        phase_id=udvikling,
        theme="medspil",
    )
    assert set(themed.comments["phase_label"]) == {"Udvikling"}
    assert all(matches_theme(text, "medspil") for text in themed.comments["text"])
    assert 0 < len(themed.comments) < len(first.comments)
    assert matches_theme("Vores erfaringer bliver ikke brugt.", "medspil")
    assert not matches_theme("Oplæringen var god.", "medspil")


def _open_wave(db: Database) -> pd.Series:
    waves = project_queries.waves(db, "medicin")
    return next(w for _, w in waves.iterrows() if pd.Timestamp(w["closes"]).date() >= TODAY)


def _add_response(db: Database, wave: int) -> None:
    frame = pd.DataFrame({"id": [str(uuid.uuid4())], "wave_id": [wave], "unit_id": ["SYD-SKOV"]})
    bulk_insert(db, {"responses": frame})


def test_a_new_response_in_a_closed_wave_rebuilds_the_basis_one_in_the_open_wave_not(
    demo_copy: Path,
) -> None:
    db = open_database(demo_copy)
    before = project_basis(db, "medicin", today=TODAY)
    assert project_basis(db, "medicin", today=TODAY) is before
    _add_response(db, int(before.waves["id"].iloc[-1]))
    rebuilt = project_basis(db, "medicin", today=TODAY)
    assert rebuilt is not before
    _add_response(db, int(_open_wave(db)["id"]))
    assert project_basis(db, "medicin", today=TODAY) is rebuilt  # the open wave is not shown
    db.close()


def test_a_settled_file_keeps_the_basis_without_a_query_and_a_write_is_checked(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17: nothing written since the last check (the file's change mark stands) means
    no query at all; any write means the responses per closed wave are asked again."""
    monkeypatch.setattr(db_module, "MARK_SETTLE_SECONDS", 0.05)
    asked: list[str] = []
    real_counts = basis_module.wave_response_counts

    def counting(*args, **kwargs):
        asked.append("counts")
        return real_counts(*args, **kwargs)

    monkeypatch.setattr(basis_module, "wave_response_counts", counting)
    db = open_database(demo_copy)
    before = project_basis(db, "medicin", today=TODAY)
    time.sleep(0.1)
    assert project_basis(db, "medicin", today=TODAY) is before  # the mark is taken here
    asked.clear()
    for _ in range(3):
        assert project_basis(db, "medicin", today=TODAY) is before
    assert asked == []
    _add_response(db, int(before.waves["id"].iloc[-1]))  # a closed wave: what is shown
    rebuilt = project_basis(db, "medicin", today=TODAY)
    assert rebuilt is not before and asked == ["counts"]
    time.sleep(0.1)
    _add_response(db, int(_open_wave(db)["id"]))
    time.sleep(0.1)
    assert project_basis(db, "medicin", today=TODAY) is rebuilt  # asked, and nothing shown moved
    assert asked == ["counts", "counts"]
    assert project_basis(db, "medicin", today=TODAY) is rebuilt
    assert asked == ["counts", "counts"]
    db.close()


def test_a_project_made_visible_later_is_allowed_once_written(
    demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The projects a scope may see are remembered per change mark, never past a write."""
    monkeypatch.setattr(db_module, "MARK_SETTLE_SECONDS", 0.05)
    db = open_database(demo_copy)
    time.sleep(0.1)
    with pytest.raises(AccessDenied):
        require_project(db, ADMIN, "nyt")
    with pytest.raises(AccessDenied):
        require_project(db, ADMIN, "nyt")  # from memory now
    instrument = project_queries.project(db, "medicin")["instrument_id"]
    project_queries.insert_project(
        db,
        project_id="nyt",
        name="Nyt",
        description="",
        instrument_id=instrument,
        involvement=Involvement.MEDINDFLYDELSE,
        unit_ids=["AELDRE-SYD"],
        modules=[],
    )
    require_project(db, ADMIN, "nyt")  # right after the write
    time.sleep(0.1)
    require_project(db, ADMIN, "nyt")
    db.close()


def test_a_new_day_keeps_the_basis_until_a_wave_closes(demo_copy: Path) -> None:
    db = open_database(demo_copy)
    basis = project_basis(db, "medicin", today=TODAY)
    closes = pd.Timestamp(_open_wave(db)["closes"]).date()
    # Up to and including its closing day the open wave is still open: nothing new to show.
    assert project_basis(db, "medicin", today=closes) is basis
    after = project_basis(db, "medicin", today=closes + dt.timedelta(days=1))
    assert after is not basis
    assert len(after.waves) == len(basis.waves) + 1
    db.close()


def test_a_restart_reads_the_saved_basis_and_rebuilds_only_a_changed_one(
    demo_copy: Path,
) -> None:
    db = open_database(demo_copy)
    built = project_basis(db, "medicin", today=TODAY)
    db.close()
    saved = demo_copy.with_name(demo_copy.name + ".derived") / "basis-medicin.pickle"
    written = saved.stat().st_mtime_ns
    forget_bases()  # as after a restart: nothing in memory
    db = open_database(demo_copy)
    again = project_basis(db, "medicin", today=TODAY)
    assert again is not built
    pd.testing.assert_frame_equal(again.wave_summaries, built.wave_summaries)
    assert saved.stat().st_mtime_ns == written  # read back, not rebuilt and saved again
    # A change while the app was stopped (an import into a closed wave): rebuilt, saved anew.
    _add_response(db, int(built.waves["id"].iloc[-1]))
    forget_bases()
    rebuilt = project_basis(db, "medicin", today=TODAY)
    assert saved.stat().st_mtime_ns != written
    assert not rebuilt.responses.equals(built.responses)
    db.close()
