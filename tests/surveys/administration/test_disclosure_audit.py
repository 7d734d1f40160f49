"""The disclosure audit: it passes on the demo with snapshots of every committee, and it catches
the leaks it is there for when they are planted (the old Overblik totals, a pinned mean)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from data import open_database
from data import org as org_queries
from data.db import Database
from data.results import score_histograms
from medspil.errors import SnapshotNoData
from medspil.scope import Scope
from surveys.administration.disclosure_audit import (
    ANSWERS,
    AuditReport,
    Fact,
    audit_project,
    every_role,
)
from surveys.cli.main import main
from surveys.snapshots.freeze import create_snapshot

TODAY = dt.date.today()
NORD_TEAMS = ("NORD-EGELY", "NORD-HAVBO", "NORD-HJEM", "NORD-NAT", "NORD-SOLHOJ")


def test_the_demo_passes_the_audit_with_a_snapshot_of_every_committee(
    demo_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_database(demo_copy)
    made = 0
    try:
        for committee in org_queries.committees(db)["id"]:
            for project in ("medicin", "sensorer"):
                try:
                    create_snapshot(
                        db,
                        Scope.admin(),
                        project_id=project,
                        area_kind="committee",
                        area_id=str(committee),
                        today=TODAY,
                    )
                    made += 1
                except SnapshotNoData:
                    continue  # a committee whose area the project does not involve
    finally:
        db.close()
    assert made >= 4
    code = main(["audit-disclosure", "--db", str(demo_copy)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "47 roller" in out and "Ingen skjult gruppe under k kan indsnævres" in out
    facts = int(out.split("roller, ")[1].split(" ")[0])
    assert facts > 4000  # the snapshots' numbers are in it too


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
        demo_db, "medicin", today=TODAY, scopes=every_role(demo_db), report=report, extra_facts=leak
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
        demo_db, "medicin", today=TODAY, scopes=every_role(demo_db), report=report, extra_facts=leak
    )
    found = [
        f
        for f in report.findings
        if f.unit_id == "NORD-NAT" and f.measure == "medspil" and f.period == f"wave {wave}"
    ]
    assert len(found) == 1
    assert found[0].mean_high - found[0].mean_low <= 2 / n + 1e-9  # the planted ±1 on the sum
    assert found[0].mean_low == pytest.approx(total / n, abs=1)
