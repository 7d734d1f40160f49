"""The disclosure audit: it passes on the demo with snapshots of every committee, every number it
collects is true of the data, the Kommentarer, Overblik, Svarkoder, MED-øjebliksbillede and
Spørgeskema pages show what it audits, and it catches the leaks it is there for when they are
planted (the old Overblik totals, a pinned mean, a comment or a favourable share given away by
subtraction)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from data import open_database
from data.comments import comment_counts
from data.db import Database
from data.results import score_histograms
from medspil.scope import Scope
from surveys.administration.disclosure_audit import (
    ANSWERS,
    COMMENTS,
    FAVOURABLE,
    AuditReport,
    Fact,
    audit_project,
    every_role,
    project_truth,
    quantile_findings,
)
from surveys.administration.disclosure_audit import _quantile_bounds as quantile_bounds
from surveys.cli.main import main

TODAY = dt.date.today()
NORD_TEAMS = ("NORD-EGELY", "NORD-HAVBO", "NORD-HJEM", "NORD-NAT", "NORD-SOLHOJ")


def test_the_demo_passes_the_audit_with_a_snapshot_of_every_committee(
    audited_demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copy.duckdb"
    shutil.copy(audited_demo, copy)
    code = main(["audit-disclosure", "--db", str(copy)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "47 roller" in out and "Ingen skjult gruppe under k kan indsnævres" in out
    facts = int(out.split("roller, ")[1].split(" ")[0])
    assert facts > 8000  # snapshots, comments and favourable shares are in it too


def test_every_number_the_audit_collects_is_true_of_the_data(
    audited_demo: Path, audited_facts
) -> None:
    # A number read wrongly (a wave label mapped to the wrong wave, a unit's subtree cut wrong)
    # would be a fact the true data break: the audit would then prove things nobody can see.
    db = open_database(audited_demo)
    try:
        facts = audited_facts[0]
        sources: set[str] = set()
        for project_id, found in facts.items():
            truth = project_truth(db, project_id, TODAY)
            for fact in found:
                sources.add(fact.source.split(" ")[0] + (" heatmap" * ("heatmap" in fact.source)))
                value = truth(fact)
                assert fact.low - 1e-6 <= value <= fact.high + 1e-6, (project_id, fact, value)
    finally:
        db.close()
    measures = {f.measure.split(":")[0] for found in facts.values() for f in found}
    assert {ANSWERS, COMMENTS, FAVOURABLE.rstrip(":"), "medspil"} <= measures
    assert {"Kommentarer", "Spørgeskema", "snapshot heatmap", "Svarkoder", "Overblik"} <= sources
    comment_sources = {f.source for found in facts.values() for f in found}
    assert any(s.endswith(" comments") for s in comment_sources)  # the snapshots' comments


def test_a_missing_database_is_a_plain_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit-disclosure", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "findes ikke" in capsys.readouterr().err


def _closed_waves(db: Database) -> tuple[int, ...]:
    with db.cursor() as cur:
        rows = cur.execute(
            "SELECT id FROM waves WHERE project_id = 'medicin' AND closes < ? ORDER BY id", [TODAY]
        ).fetchall()
    return tuple(int(r[0]) for r in rows)


def _answers(db: Database, units: tuple[str, ...], waves: tuple[int, ...]) -> int:
    with db.cursor() as cur:
        return int(
            cur.execute(
                "SELECT count(*) FROM responses WHERE unit_id IN (SELECT unnest(?::VARCHAR[])) "
                "AND wave_id IN (SELECT unnest(?::INTEGER[]))",
                [list(units), list(waves)],
            ).fetchone()[0]
        )


def test_the_audit_catches_the_old_overview_totals(demo_db: Database) -> None:
    # What Overblik showed before: the answers so far (here: closed waves) of Nord and of each
    # team a leder could see, the night team excepted. Nord minus the four teams is the night
    # team's total: the audit must say so.
    waves = _closed_waves(demo_db)
    leak = [
        Fact(ANSWERS, "n", (team,), waves, n, n, "old Overblik")
        for team in NORD_TEAMS
        if team != "NORD-NAT"
        for n in [_answers(demo_db, (team,), waves)]
    ]
    nord = _answers(demo_db, NORD_TEAMS, waves)
    leak.append(Fact(ANSWERS, "n", tuple(sorted(NORD_TEAMS)), waves, nord, nord, "old Overblik"))
    report = AuditReport()
    audit_project(
        demo_db,
        "medicin",
        today=TODAY,
        scopes=every_role(demo_db),
        report=report,
        extra_facts=leak,
        measures=[ANSWERS],
    )
    night = [f for f in report.findings if f.unit_id == "NORD-NAT" and f.measure == ANSWERS]
    assert any(f.period == "all closed waves" for f in night)
    total = next(f for f in night if f.period == "all closed waves")
    assert total.n_low == pytest.approx(total.true_n) == total.n_high


def test_the_audit_catches_a_mean_given_away(demo_db: Database) -> None:
    # A snapshot that (wrongly) carried the night team's medspil sum in one wave.
    wave = _closed_waves(demo_db)[3]
    scores = score_histograms(demo_db, "medicin", Scope.admin())
    night = scores[
        (scores["wave_id"] == wave)
        & (scores["unit_id"] == "NORD-NAT")
        & (scores["construct"] == "medspil")
    ]
    n, total = int(night["n"].sum()), float((night["n"] * night["score"]).sum())
    assert n > 0
    leak = [Fact("medspil", "sum", ("NORD-NAT",), (wave,), total - 1, total + 1, "planted")]
    report = AuditReport()
    audit_project(
        demo_db,
        "medicin",
        today=TODAY,
        scopes=every_role(demo_db),
        report=report,
        extra_facts=leak,
        measures=["medspil"],
    )
    found = [
        f
        for f in report.findings
        if f.unit_id == "NORD-NAT" and f.measure == "medspil" and f.period == f"wave {wave}"
    ]
    assert len(found) == 1
    assert found[0].mean_high - found[0].mean_low <= 2 / n + 1e-9  # the planted ±1 on the sum
    assert found[0].mean_low == pytest.approx(total / n, abs=1)


def _night_wave(db: Database, count: dict[int, int], wanted) -> int:
    return next(w for w in _closed_waves(db) if wanted(count.get(w, 0)))


def test_the_audit_catches_a_comment_count_given_away(demo_db: Database) -> None:
    # The comment counts of Nord and of its four other teams in a wave the night team commented
    # in: the night team's comments by subtraction, so one text is known to be one of theirs.
    counts = comment_counts(demo_db, "medicin")
    per = {(u, int(w)): int(n) for u, w, n in counts.itertuples(index=False)}
    wave = _night_wave(demo_db, {w: n for (u, w), n in per.items() if u == "NORD-NAT"}, bool)
    leak = [
        Fact(COMMENTS, "n", (team,), (wave,), n, n, "planted")
        for team in NORD_TEAMS
        if team != "NORD-NAT"
        for n in [per.get((team, wave), 0)]
    ]
    nord = sum(per.get((team, wave), 0) for team in NORD_TEAMS)
    leak.append(Fact(COMMENTS, "n", NORD_TEAMS, (wave,), nord, nord, "planted"))
    report = AuditReport()
    audit_project(
        demo_db,
        "medicin",
        today=TODAY,
        scopes=every_role(demo_db),
        report=report,
        extra_facts=leak,
        measures=[COMMENTS],
    )
    found = [f for f in report.findings if f.measure == COMMENTS and f.unit_id == "NORD-NAT"]
    assert [f.period for f in found] == [f"wave {wave}"]
    assert found[0].n_low == pytest.approx(per[("NORD-NAT", wave)]) == found[0].n_high


def test_the_audit_catches_a_favourable_share_given_away(demo_db: Database) -> None:
    # Nord's and the four other teams' favourable counts on motivation in a wave where none of
    # the night team scored favourably: by subtraction, each of them is known to be unfavourable.
    scores = score_histograms(demo_db, "medicin", Scope.admin())
    motivation = scores[scores["construct"] == "motivation"]
    favourable = motivation[motivation["score"] >= 75].groupby(["unit_id", "wave_id"])["n"].sum()
    answered = motivation.groupby(["unit_id", "wave_id"])["n"].sum()
    night = {
        int(w): int(favourable.get(("NORD-NAT", w), 0))
        for (u, w) in answered.index
        if u == "NORD-NAT"
    }
    wave = next(w for w in _closed_waves(demo_db) if w in night and night[w] == 0)
    measure = FAVOURABLE + "motivation"
    leak = [
        Fact(measure, "n", (team,), (wave,), n, n, "planted")
        for team in NORD_TEAMS
        if team != "NORD-NAT"
        for n in [int(favourable.get((team, wave), 0))]
    ]
    nord = sum(int(favourable.get((team, wave), 0)) for team in NORD_TEAMS)
    leak.append(Fact(measure, "n", NORD_TEAMS, (wave,), nord, nord, "planted"))
    report = AuditReport()
    audit_project(
        demo_db,
        "medicin",
        today=TODAY,
        scopes=every_role(demo_db),
        report=report,
        extra_facts=leak,
        measures=[measure],
    )
    found = [f for f in report.findings if f.measure == measure and f.unit_id == "NORD-NAT"]
    assert f"wave {wave}" in [f.period for f in found]
    assert all(f.n_high == pytest.approx(0) for f in found if f.period == f"wave {wave}")


def test_the_comments_page_shows_what_the_audit_collects(app_on_audited, audited_facts) -> None:
    # The cross-check: the audit reads comment_view; the page, run as a leder, shows as many
    # comments as the audit's facts for that leder's unit add up to, in every phase.
    import streamlit as st

    from tests.pages.dash_support import run_page

    facts, members = audited_facts[0]["medicin"], audited_facts[1]["medicin"]
    for unit in ("AELDRE-NORD", "AELDRE-SYD"):
        st.cache_resource.clear()
        st.cache_data.clear()
        audited = sum(
            f.low
            for f in facts
            if f.measure == COMMENTS and f.source == "Kommentarer" and f.units == members(unit)
        )
        at = run_page("comments", role="leder", unit=unit, params={"projekt": "medicin"})
        assert not at.exception
        heading = next(h.value for h in at.subheader if "kommentar" in h.value.lower())
        shown = int(re.search(r"\d[\d.]*", heading).group().replace(".", ""))
        assert audited > 0 and shown == audited, (unit, heading, audited)


def test_overblik_shows_the_answers_so_far_the_audit_collects(
    app_on_audited, audited_facts
) -> None:
    # The cross-check for Overblik's "Besvarelser indtil nu": as a leder of either area, every
    # such number on the page is the audit's fact for that leder's units, one per project.
    import streamlit as st

    from tests.pages.dash_support import run_page

    facts, members = audited_facts
    for unit in ("AELDRE-NORD", "AELDRE-SYD"):
        st.cache_resource.clear()
        st.cache_data.clear()
        audited = {
            int(f.low)
            for project, found in facts.items()
            for f in found
            if f.measure == ANSWERS
            and f.source == "Overblik leder"
            and f.units == members[project](unit)
        }  # one number per project (several scopes may see the same units)
        at = run_page("overview", role="leder", unit=unit)
        assert not at.exception
        shown = {
            int(str(m.value).replace(".", ""))
            for m in at.metric
            if m.label == "Besvarelser indtil nu"
        }
        assert audited and shown == audited, (unit, shown, audited)


def test_svarkoder_shows_the_response_counts_the_audit_collects(
    app_on_audited, audited_facts
) -> None:
    # The cross-check for Svarkoder's response table: in three closed waves of medicin, the
    # administrator's page shows exactly the counts the audit collected for that wave.

    facts = [f for f in audited_facts[0]["medicin"] if f.source == "Svarkoder"]
    waves = sorted({f.waves[0] for f in facts})
    for wave in (waves[0], waves[len(waves) // 2], waves[-1]):
        at = _run_page(
            "svarkoder", demo_role="admin", codes_project="medicin", codes_rate_wave=wave
        )
        table = at.table[-1].value
        shown = sorted(int(v) for v in table["Svar"] if str(v).isdigit())
        audited = sorted(int(f.low) for f in facts if f.waves == (wave,))
        assert audited and shown == audited, (wave, shown, audited)


GRID = np.array(sorted({25 * t / j for j in (2, 3) for t in range(4 * j + 1)}))


def test_what_a_quantile_says_about_the_ranks_holds_for_numpys_quantile() -> None:
    # numpy's linear quantile is the independent reference: for random samples of construct
    # scores, every bound the audit draws from a quantile holds for the sample itself, and where
    # the audit is sure of the two scores around the position they are the sample's.
    rng = np.random.default_rng(7)
    exact = 0
    for _ in range(400):
        sample = np.sort(rng.choice(GRID, size=int(rng.integers(5, 40))))
        for share in (0.10, 0.25, 0.50, 0.75, 0.90):
            value = float(np.quantile(sample, share))
            bounds = quantile_bounds(value, sample.size, share, GRID)
            for threshold, strict, bound, at_least in bounds:
                counted = int(
                    (sample < threshold - 1e-9).sum()
                    if strict
                    else (sample <= threshold + 1e-9).sum()
                )
                assert counted >= bound if at_least else counted <= bound, (sample, share, value)
            if len(bounds) == 4:
                exact += 1
                position = (sample.size - 1) * share
                below = int(np.floor(position))
                assert bounds[0][0] == pytest.approx(sample[below])
                assert bounds[2][0] == pytest.approx(sample[min(below + 1, sample.size - 1)])
    assert exact > 100  # most quantiles name their two scores


def test_the_histogram_check_finds_no_hidden_group_narrowed(demo_db: Database) -> None:
    # Solved jointly over histograms (counts, means, shares favourable, the phases' quantiles),
    # the night team's medspil mean is narrowed in four hidden groups (wave 12 to [8.3, 83.3]
    # when this was first measured): "not all of them favourable" caps it and "at least one
    # favourable" lifts its floor, which the README allows. The check reports a group only
    # where the quantiles narrow it beyond that; a quantile is of the cell's shown parts, so
    # none does. (The spreads' own leak is tested end to end in test_spread_leak.py.)
    report = AuditReport()
    found = quantile_findings(
        demo_db, "medicin", today=TODAY, constructs=["medspil"], report=report
    )
    assert report.linear_programs > 50 and report.facts > 1000
    assert report.groups > 20  # the night team's waves and phases were all solved for
    assert not found, [f.describe() for f in found]


def test_the_med_snapshot_page_shows_the_scores_the_audit_collects(
    app_on_audited: Path, audited_facts
) -> None:
    # The cross-check for MED-øjebliksbillede: a member of Lokal-MED Ældreområde Nord opens the
    # committee's medicin snapshot. Every n on its tables of scores per wave and per phase and
    # of answers per wave is the audit's fact from that snapshot (same unit, construct, waves),
    # every mean is the audit's sum over that n, and the page shows no score the audit lacks.

    from data import projects as project_queries
    from data.snapshots import snapshot_headers
    from surveys.dashboards.basis import project_basis

    db = open_database(app_on_audited)
    try:
        headers = snapshot_headers(db, project_id="medicin")
        snapshot = int(headers.loc[headers["area_id"] == "LMED-NORD", "id"].iloc[0])
        basis = project_basis(db, "medicin", today=TODAY)
        waves = project_queries.waves(db, "medicin")
    finally:
        db.close()
    number = dict(zip(waves["id"].astype(int), waves["number"].astype(int), strict=True))
    phase_of = dict(zip(waves["id"].astype(int), waves["phase_id"].astype(int), strict=True))
    kinds = dict(zip(basis.phases["id"].astype(int), basis.phases["kind"], strict=True))
    facts, members = audited_facts[0]["medicin"], audited_facts[1]["medicin"]
    unit_of = {members(u): basis.names[u] for u in reversed(list(basis.parent))}
    construct_name = {c: basis.construct_names[c]["da"] for c in basis.constructs}
    source = f"snapshot {snapshot}"
    mine = [f for f in facts if f.source == source and f.kind in {"n", "sum"}]
    sums = {(f.measure, f.units, f.waves): (f.low + f.high) / 2 for f in mine if f.kind == "sum"}
    audited: dict[tuple, tuple[int, float | None]] = {}
    for f in mine:
        if f.kind != "n" or f.units not in unit_of:
            continue
        if f.measure != ANSWERS and f.measure not in construct_name:
            continue  # shares favourable: the page shows them as percentages, not counts
        if f.measure == ANSWERS:
            key = ("answers", unit_of[f.units], number[f.waves[0]])
        elif len(f.waves) == 1:
            key = ("wave", unit_of[f.units], construct_name[f.measure], number[f.waves[0]])
        else:
            phase = kinds[phase_of[f.waves[0]]]
            key = ("phase", unit_of[f.units], construct_name[f.measure], phase)
        total = sums.get((f.measure, f.units, f.waves))
        audited[key] = (int(f.low), None if total is None else total / f.low)

    at = _run_page(
        "oejebliksbillede", demo_role="med", demo_role_committee="LMED-NORD", snapshot_open=snapshot
    )
    phase_kind = {t_phase: kind for kind, t_phase in _phase_names().items()}
    shown: dict[tuple, tuple[int, float | None]] = {}
    for frame in (df.value for df in at.dataframe):
        columns = set(frame.columns)
        for row in frame.to_dict("records"):
            if {"Måling", "n", "Tema"} <= columns and str(row["n"]).isdigit():
                key = ("wave", row["Enhed"], row["Tema"], int(row["Måling"]))
            elif {"Fase", "n", "Tema"} <= columns and str(row["n"]).isdigit():
                key = ("phase", row["Enhed"], row["Tema"], phase_kind[row["Fase"]])
            elif {"Svar", "Inviterede"} <= columns and str(row["Svar"]).isdigit():
                shown[("answers", row["Enhed"], int(row["Måling"]))] = (int(row["Svar"]), None)
                continue
            else:
                continue
            shown[key] = (int(row["n"]), float(str(row["Gennemsnit"]).replace(",", ".")))
    assert len(shown) > 50, len(shown)
    assert shown.keys() == {k for k in audited if k[1] in {s[1] for s in shown}}, set(shown) ^ set(
        audited
    )
    for key, (n, mean) in shown.items():
        assert audited[key][0] == n, (key, n, audited[key])
        if mean is not None:
            assert audited[key][1] == pytest.approx(mean, abs=0.05 + 1e-9), (key, mean)


def _phase_names() -> dict[str, str]:
    from medspil.i18n import t
    from medspil.vocabulary import PhaseKind

    return {str(kind): t(f"phase.{kind}", "da") for kind in PhaseKind}


def test_spoergeskema_shows_the_reliability_counts_the_audit_reads(app_on_audited: Path) -> None:
    # The cross-check for Spørgeskema's reliability table: the page shows the complete answers
    # per construct that the audit reads (the same function, language, k and day); the facts
    # drawn from them are checked against the data above.

    from medspil.config import settings
    from medspil.i18n import t
    from surveys.instruments.report import instrument_by_id, reliability_table

    at = _run_page("spoergeskema", demo_role="admin")
    column = t("instrument.n_complete", "da")
    page = next(df.value for df in at.dataframe if column in df.value.columns)
    db = open_database(app_on_audited)
    try:
        instrument = instrument_by_id(str(at.selectbox[0].value))
        read = reliability_table(db, instrument, lang="da", k=settings().k_min, today=TODAY)
    finally:
        db.close()
    assert [str(v) for v in page[column]] == [str(v) for v in read[column]]
    assert sum(str(v).isdigit() for v in page[column]) >= 3


def _run_page(name: str, **state: object):
    """``pages/<name>.py`` run once through AppTest with ``state`` in its session; no exception."""
    from streamlit.testing.v1 import AppTest

    from tests.conftest import app_file
    from tests.pages.dash_support import TIMEOUT

    at = AppTest.from_file(app_file(f"pages/{name}.py"), default_timeout=TIMEOUT)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at
