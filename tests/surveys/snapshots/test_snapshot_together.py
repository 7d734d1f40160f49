"""The snapshot remembers what the parties did: plan against practice, the MED discussions and
the actions of its area, frozen with it; the entries it shows can no longer be edited; and the
next snapshot of the area starts with what was agreed since and how the constructs moved."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from data import org as org_queries
from data import together as together_queries
from data.db import Database
from medspil.scope import Scope
from surveys.snapshots.charts import snapshot_figures
from surveys.snapshots.freeze import open_snapshot, verify_snapshot
from surveys.snapshots.pdf import render_pdf
from surveys.snapshots.view import snapshot_view
from surveys.together import actions, med_log
from tests.conftest import TODAY
from tests.surveys.snapshots.snapshot_support import demo_database, make_snapshot


@pytest.fixture
def db(demo_file: Path, tmp_path: Path) -> Iterator[Database]:
    yield from demo_database(demo_file, tmp_path)


def test_the_content_holds_the_areas_plan_discussions_and_actions(db: Database) -> None:
    snapshot = open_snapshot(db, Scope.admin(), make_snapshot(db, area="LMED-SYD"))
    together = snapshot.content["together"]
    # The plan rows of Syd only; udvikling differs (planned medindflydelse, informed only).
    assert {row["unit"] for row in together["plan"]} == {"AELDRE-SYD"}
    differs = [r for r in together["plan"] if r["actual"] and r["actual"] != r["planned"]]
    assert [(r["phase"], r["planned"], r["actual"]) for r in differs] == [
        ("udvikling", "medindflydelse", "information")
    ]
    # Discussions of committees whose area overlaps Syd's: Hoved-MED, Område-MED, Lokal-MED Syd.
    syd = set(org_queries.subtree_ids(db, ["AELDRE-SYD"]))
    stored = together_queries.med_log(db, "medicin")
    overlapping = {
        c
        for c in set(stored["committee_id"])
        if set(org_queries.subtree_ids(db, org_queries.committee_roots(db, c))) & syd
    }
    assert overlapping == {"HMED", "MED-SAE", "LMED-SYD"}
    expected = sorted(
        int(i)
        for i, c in zip(stored["id"], stored["committee_id"], strict=True)
        if c in overlapping
    )
    assert sorted(e["id"] for e in together["med_log"]) == expected
    # Actions that concern a unit in Syd, with their status at freeze time.
    assert {(a["what"], a["status"]) for a in together["actions"]} == {
        ("Superbrugere fra Syd i testgruppen", "udfoert"),
        ("Ekstra oplæring i scanning for aftenvagten", "aaben"),
    }
    assert together["since_last"] is None  # the area's first snapshot
    assert verify_snapshot(db, snapshot.id).intact


def test_the_entries_a_snapshot_shows_are_frozen_and_the_others_are_not(db: Database) -> None:
    snapshot = open_snapshot(db, Scope.admin(), make_snapshot(db, area="LMED-SYD"))
    shown = {e["id"] for e in snapshot.content["together"]["med_log"]}
    entries = med_log.visible_entries(db, Scope.admin(), "medicin")
    shown_entry = next(e for e in entries if e.id in shown)
    other = next(e for e in entries if e.id not in shown)  # Lokal-MED Nord's
    assert other.committee_id == "LMED-NORD"

    def same(entry: med_log.LogEntry, topic: str) -> med_log.EntryInput:
        return med_log.EntryInput(
            project_id=entry.project_id, committee_id=entry.committee_id, met_on=entry.met_on,
            topic=topic, decision=entry.decision, phase_kind=entry.phase_kind,
        )  # fmt: skip

    with pytest.raises(med_log.EntryFrozen):
        med_log.edit_entry(db, Scope.admin(), shown_entry.id, same(shown_entry, "x"), today=TODAY)
    med_log.edit_entry(db, Scope.admin(), other.id, same(other, "Rettet emne"), today=TODAY)
    after = {e.id: e for e in med_log.visible_entries(db, Scope.admin(), "medicin")}
    assert after[other.id].topic == "Rettet emne"
    assert after[shown_entry.id].topic == shown_entry.topic
    assert after[shown_entry.id].frozen_by == snapshot.id


def test_the_next_snapshot_starts_with_what_was_agreed_and_how_the_constructs_moved(
    db: Database,
) -> None:
    earlier = TODAY - dt.timedelta(days=60)
    first = make_snapshot(db, area="LMED-SYD", today=earlier)
    agreed = actions.add_action(
        db,
        Scope.admin(),
        actions.ActionInput(
            project_id="medicin", unit_ids=("SYD-AABO",), what="Scanner i medicinrummet på Åbo",
            responsible="Leder, Åbo", agreed_on=earlier, source="snapshot", source_ref=str(first),
        ),
        today=TODAY,
    )  # fmt: skip
    actions.set_status(db, Scope.admin(), agreed, "i_gang", today=TODAY)
    second = open_snapshot(db, Scope.admin(), make_snapshot(db, area="LMED-SYD"))
    since = second.content["together"]["since_last"]
    assert (since["snapshot"], since["created_on"]) == (first, earlier.isoformat())
    assert agreed in since["actions"]
    # Each construct of Syd moved from the first snapshot's last published wave to ours; the
    # reference values are read from the two frozen contents as stored.
    before_scores = open_snapshot(db, Scope.admin(), first).content["scores"]
    moves = {m["construct"]: m for m in since["constructs"] if m["unit"] == "AELDRE-SYD"}
    assert set(moves) == {"mening", "motivation", "medspil", "information"}
    for construct, move in moves.items():
        old = max(
            (r for r in before_scores if r["unit"] == "AELDRE-SYD" and r["construct"] == construct),
            key=lambda r: r["wave"],
        )
        assert move["wave_before"] == old["wave"] and move["before"] == old["mean"]
        assert move["wave_now"] > move["wave_before"]
    view = snapshot_view(second, "da").together
    assert view is not None and view.since_title.startswith(f"Siden sidst (øjebliksbillede {first}")
    assert any("Scanner i medicinrummet på Åbo: I gang" in line for line in view.since)
    assert any(line.startswith("Medspil i Ældreområde Syd: ") for line in view.since)
    # The résumé keeps its two pages: "Siden sidst" (three lines) sits on the second page
    # after the questions, the rest in the appendix, which still starts on page three.
    pages = PdfReader(io.BytesIO(render_pdf(snapshot_view(second, "da")))).pages
    second_page, third_page = (" ".join(pages[i].extract_text().split()) for i in (1, 2))
    assert f"Siden sidst (øjebliksbillede {first}" in second_page
    assert "Resten (" in second_page and "står i bilaget" in second_page
    assert third_page.startswith("Bilag")


def test_the_view_and_the_pdf_say_it_and_an_older_snapshot_renders_without_it(
    db: Database,
) -> None:
    snapshot = open_snapshot(db, Scope.admin(), make_snapshot(db, area="LMED-SYD"))
    view = snapshot_view(snapshot, "da")
    assert view.together is not None
    assert view.together.differences == (
        "Udvikling, Ældreområde Syd: planlagt Medindflydelse, blev Information "
        "(Informationsmøder; testgruppen var fra Nord.)",
    )
    assert any(
        "Lokal-MED Ældreområde Syd: Udviklingsfasen drøftet." in x for x in view.together.log
    )
    text = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(render_pdf(view))).pages
    )
    assert "Siden sidst: dette er områdets første øjebliksbillede af projektet." in text
    assert "Plan, MED-drøftelser og aftaler" in text
    assert "Superbrugere fra Syd i testgruppen: Udført" in text
    content = dict(snapshot.content)
    del content["together"]
    assert snapshot_view(dataclasses.replace(snapshot, content=content), "da").together is None


def test_the_snapshot_trend_charts_carry_the_frozen_discussions_and_actions(db: Database) -> None:
    snapshot = open_snapshot(db, Scope.admin(), make_snapshot(db, area="LMED-SYD"))
    figures = {f.key: f.figure for f in snapshot_figures(snapshot_view(snapshot, "da"))}
    trend = figures["trend_AELDRE-SYD_medspil"]
    markers = {trace.name: trace for trace in trend.data if trace.name in EVENT_NAMES}
    together = snapshot.content["together"]
    # Reference days straight from the frozen records, not from the chart code.
    discussed = sorted(dt.date.fromisoformat(e["met_on"]) for e in together["med_log"])
    agreed = sorted(dt.date.fromisoformat(a["agreed_on"]) for a in together["actions"])
    assert sorted(pd.Timestamp(x).date() for x in markers["MED-drøftelse"].x) == discussed
    assert sorted(pd.Timestamp(x).date() for x in markers["Aftalt handling"].x) == agreed
    hover = " ".join(str(h) for h in markers["MED-drøftelse"].hovertext or ())
    hover += " ".join(str(h) for h in markers["MED-drøftelse"].customdata or ())
    hover += str(markers["MED-drøftelse"].text or "")
    assert "Lokal-MED Ældreområde Syd: Udviklingsfasen drøftet" in hover
    content = dict(snapshot.content)
    del content["together"]
    older = snapshot_view(dataclasses.replace(snapshot, content=content), "da")
    old_trend = {f.key: f.figure for f in snapshot_figures(older)}["trend_AELDRE-SYD_medspil"]
    assert not [trace for trace in old_trend.data if trace.name in EVENT_NAMES]


EVENT_NAMES = {"MED-drøftelse", "Aftalt handling"}
