"""MED snapshots: canonical hashing, tamper detection, immutability, frozen re-rendering,
who may create and see what, and anonymity of the frozen content."""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import data.snapshots as snapshot_queries
from data import projects as project_queries
from data.answers import bulk_insert
from data.db import Database
from medspil.errors import (
    AccessDenied,
    SnapshotNoData,
    SnapshotNotFound,
    SnapshotReplaceMismatch,
    SnapshotUnreadable,
    UnknownCommittee,
)
from medspil.scope import Scope
from surveys.snapshots.charts import snapshot_figures
from surveys.snapshots.content import build_content, resolve_area
from surveys.snapshots.freeze import (
    canonical_json,
    creatable_areas,
    header_fields,
    open_snapshot,
    snapshot_hash,
    verify_snapshot,
    visible_snapshots,
)
from surveys.snapshots.view import snapshot_view
from tests.surveys.snapshots.snapshot_support import (
    TODAY,
    demo_database,
    make_snapshot,
    numbers_in,
    records_naming_the_small_team,
)

ROOT = Path(__file__).resolve().parents[3]
LEDER_NORD = Scope(role="leder", unit_roots=frozenset({"AELDRE-NORD"}), actor="leder-nord")
MED_NORD = Scope(
    role="med",
    unit_roots=frozenset({"AELDRE-NORD"}),
    committee_ids=frozenset({"LMED-NORD"}),
    actor="med-nord",
)


@pytest.fixture
def db(demo_file: Path, tmp_path: Path) -> Iterator[Database]:
    yield from demo_database(demo_file, tmp_path)


def test_canonical_json_sorts_keys_rounds_floats_and_refuses_nan() -> None:
    assert canonical_json({"b": 1, "a": 0.1 + 0.2, "c": [1.23456789, -0.0000001]}) == (
        '{"a":0.3,"b":1,"c":[1.234568,0.0]}'
    )
    assert canonical_json({"navn": "Ældreområde Syd – æøå"}) == '{"navn":"Ældreområde Syd – æøå"}'
    with pytest.raises(ValueError):
        canonical_json({"mean": float("nan")})


def test_the_hash_covers_every_header_field_and_the_content() -> None:
    header = {
        "format_version": 1,
        "created_on": "2026-03-03",
        "created_by": "a",
        "project_id": "p",
        "area_kind": "committee",
        "area_id": "C",
        "instrument_id": "medspil-1",
        "k_min": 5,
        "replaces": None,
    }
    content = canonical_json({"scores": [{"mean": 61.5}]})
    expected = hashlib.sha256(
        b'{"area_id":"C","area_kind":"committee","created_by":"a","created_on":"2026-03-03",'
        b'"format_version":1,"instrument_id":"medspil-1","k_min":5,"project_id":"p",'
        b'"replaces":null}\n{"scores":[{"mean":61.5}]}'
    ).hexdigest()
    assert snapshot_hash(header, content) == expected
    for field, other in [("created_on", "2026-03-04"), ("created_by", "b"), ("k_min", 3)]:
        assert snapshot_hash({**header, field: other}, content) != expected
    assert snapshot_hash({**header, "replaces": 7}, content) != expected
    assert snapshot_hash(header, content.replace("61.5", "61.6")) != expected


def test_a_snapshot_is_stored_verified_and_audited(db: Database) -> None:
    snapshot_id = make_snapshot(db)
    result = verify_snapshot(db, snapshot_id)
    assert result.intact
    assert result.message("da").startswith("Intakt")
    row = snapshot_queries.stored_snapshot(db, snapshot_id)
    assert (row.project_id, row.area_kind, row.area_id, row.k_min) == (
        "medicin",
        "committee",
        "LMED-NORD",
        5,
    )
    assert row.created_on == TODAY
    assert row.created_by == "test (admin)"
    assert row.content == canonical_json(json.loads(row.content))
    assert row.sha256 == snapshot_hash(header_fields(row), row.content)
    with db.cursor() as cur:
        audit = cur.execute("SELECT actor, action, detail, happened_at FROM audit_log").fetchall()
    mine = [a for a in audit if a[1] == "snapshot.create"]
    assert len(mine) == 1
    assert mine[0][0] == "test (admin)"
    assert f"snapshot {snapshot_id}" in mine[0][2] and "LMED-NORD" in mine[0][2]
    assert mine[0][3] is not None


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE snapshots SET content = replace(content, '\"k_min\":5', '\"k_min\":3')",
        "UPDATE snapshots SET content = content || ' '",
        "UPDATE snapshots SET created_by = 'someone else'",
        "UPDATE snapshots SET created_on = created_on - 1",
        "UPDATE snapshots SET area_id = 'LMED-SYD'",
    ],
)
def test_a_changed_stored_value_is_detected(db: Database, tamper: str) -> None:
    snapshot_id = make_snapshot(db)
    with db.cursor() as cur:
        cur.execute(tamper + " WHERE id = ?", [snapshot_id])
    result = verify_snapshot(db, snapshot_id)
    assert not result.intact
    assert result.message("da").startswith("Ændret")
    assert result.computed_sha256 != result.stored_sha256


def test_a_changed_number_is_detected_and_broken_json_is_refused(db: Database) -> None:
    snapshot_id = make_snapshot(db)
    content = json.loads(snapshot_queries.stored_snapshot(db, snapshot_id).content)
    shown = next(r for r in content["scores"] if not r["hidden"])
    old = canonical_json(shown)
    new = canonical_json({**shown, "mean": shown["mean"] + 10})
    with db.cursor() as cur:
        cur.execute(
            "UPDATE snapshots SET content = replace(content, ?, ?) WHERE id = ?",
            [old, new, snapshot_id],
        )
    assert open_snapshot(db, Scope.admin(), snapshot_id).content != content
    assert not verify_snapshot(db, snapshot_id).intact
    with db.cursor() as cur:
        cur.execute("UPDATE snapshots SET content = '{broken' WHERE id = ?", [snapshot_id])
    with pytest.raises(SnapshotUnreadable):
        open_snapshot(db, Scope.admin(), snapshot_id)


def test_the_hash_is_the_same_in_another_process(db: Database) -> None:
    snapshot_id = make_snapshot(db)
    row = snapshot_queries.stored_snapshot(db, snapshot_id)
    path = db.path
    db.close()
    script = f"""
import datetime as dt
from data import open_database
from surveys.snapshots.content import build_content, resolve_area
from surveys.snapshots.freeze import canonical_json, header_fields, snapshot_hash, verify_snapshot
from data.snapshots import stored_snapshot
db = open_database({str(path)!r})
row = stored_snapshot(db, {snapshot_id})
content = build_content(db, project_id="medicin", area=resolve_area(db, "committee", "LMED-NORD"),
                        today=dt.date.fromisoformat({TODAY.isoformat()!r}), include_comments=False)
print(snapshot_hash(header_fields(row), canonical_json(content)))
print(verify_snapshot(db, {snapshot_id}).computed_sha256)
"""
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    rebuilt, recomputed = done.stdout.split()
    assert rebuilt == row.sha256
    assert recomputed == row.sha256


def _sql_statements_on_snapshots(paths: list[Path]) -> list[str]:
    pattern = re.compile(r"(UPDATE\s+snapshots|DELETE\s+FROM\s+snapshots)", re.IGNORECASE)
    return [f"{p}: {m.group(0)}" for p in paths for m in pattern.finditer(p.read_text("utf-8"))]


def test_no_code_path_updates_or_deletes_a_snapshot(tmp_path: Path) -> None:
    sources = [ROOT / "app.py"]
    for folder in ("data", "surveys", "pages", "medspil", "analytics"):
        sources += sorted((ROOT / folder).rglob("*.py"))
    assert _sql_statements_on_snapshots(sources) == []
    names = [name for name, _ in inspect.getmembers(snapshot_queries, inspect.isfunction)]
    assert {"insert_snapshot", "stored_snapshot", "snapshot_headers"} <= set(names)
    assert not [n for n in names if re.search(r"update|delete|remove|replace|edit", n)]
    planted = tmp_path / "bad.py"
    planted.write_text('cur.execute("delete from  snapshots WHERE id = ?")\n')
    assert _sql_statements_on_snapshots([planted]) != []


def test_a_correction_is_a_new_snapshot_that_names_the_old_one(db: Database) -> None:
    first = make_snapshot(db)
    before = snapshot_queries.stored_snapshot(db, first)
    second = make_snapshot(db, replaces=first)
    listing = visible_snapshots(db, Scope.admin()).set_index("id")
    assert listing.loc[first, "replaced_by"] == second
    assert listing.loc[second, "replaces"] == first
    assert listing.loc[second, "replaced_by"] is None
    assert snapshot_queries.stored_snapshot(db, first) == before
    assert verify_snapshot(db, first).intact and verify_snapshot(db, second).intact
    with pytest.raises(SnapshotReplaceMismatch):
        make_snapshot(db, area="LMED-SYD", replaces=first)
    with pytest.raises(SnapshotNotFound):
        make_snapshot(db, replaces=999)


def _add_answers(db: Database, unit: str, wave_number: int, count: int) -> None:
    waves = project_queries.waves(db, "medicin")
    wave_id = int(waves.loc[waves["number"] == wave_number, "id"].iloc[0])
    items = project_queries.instrument_items(db, "medspil-1")
    ids = [str(uuid.uuid4()) for _ in range(count)]
    answers = pd.DataFrame(
        [(r, item, 5) for r in ids for item in items["id"]],
        columns=["response_id", "item_id", "value"],
    )
    bulk_insert(
        db,
        {
            "responses": pd.DataFrame({"id": ids, "wave_id": wave_id, "unit_id": unit}),
            "answers": answers.astype({"value": "Int8"}),
        },
    )


def _rendered(db: Database, snapshot_id: int) -> tuple:
    snapshot = open_snapshot(db, Scope.admin(), snapshot_id)
    view = snapshot_view(snapshot, "da")
    tables = [(t.key, t.title, t.frame.to_json()) for t in view.tables]
    figures = [(f.key, f.figure.to_json()) for f in snapshot_figures(view)]
    texts = (view.header, view.summary, view.significant, view.discussion)
    return snapshot.content, tables, figures, texts, verify_snapshot(db, snapshot_id)


def test_rendering_uses_only_the_frozen_content(db: Database) -> None:
    snapshot_id = make_snapshot(db)
    before = _rendered(db, snapshot_id)
    last_closed = max(w["number"] for w in before[0]["waves"])
    _add_answers(db, "NORD-SOLHOJ", last_closed, 40)
    with db.cursor() as cur:
        cur.execute("UPDATE units SET name = 'Plejecenter Omdøbt' WHERE id = 'NORD-SOLHOJ'")
        cur.execute("UPDATE projects SET name = 'Et nyt projektnavn' WHERE id = 'medicin'")
        cur.execute("UPDATE phases SET involvement = 'information' WHERE project_id = 'medicin'")
    after = _rendered(db, snapshot_id)
    assert after == before
    assert after[4].intact
    # The changes are real: a snapshot made now sees all of them.
    fresh = _rendered(db, make_snapshot(db))[0]
    names = {u["id"]: u["name"] for u in fresh["units"]}
    assert names["NORD-SOLHOJ"] == "Plejecenter Omdøbt"
    assert fresh["project"]["name"] == "Et nyt projektnavn"
    assert {p["involvement"] for p in fresh["phases"]} == {"information"}

    def area_n(content: dict) -> int:
        return next(
            r["n"]
            for r in content["scores"]
            if r["wave"] == last_closed and r["construct"] == "mening"
        )

    assert area_n(fresh) == area_n(before[0]) + 40


def test_who_may_create_and_see_which_snapshots(db: Database) -> None:
    nord = make_snapshot(db, scope=LEDER_NORD)
    team = make_snapshot(db, scope=LEDER_NORD, kind="unit", area="NORD-SOLHOJ")
    syd = make_snapshot(db, area="LMED-SYD")
    areas = {(a.kind, a.id) for a in creatable_areas(db, LEDER_NORD)}
    assert ("committee", "LMED-NORD") in areas and ("unit", "NORD-NAT") in areas
    assert ("committee", "LMED-SYD") not in areas and ("unit", "AELDRE-SYD") not in areas
    with pytest.raises(AccessDenied):
        make_snapshot(db, scope=LEDER_NORD, area="LMED-SYD")
    with pytest.raises(AccessDenied):
        make_snapshot(db, scope=MED_NORD)
    assert creatable_areas(db, MED_NORD) == []
    assert set(visible_snapshots(db, Scope.admin())["id"]) == {nord, team, syd}
    assert set(visible_snapshots(db, LEDER_NORD)["id"]) == {nord, team}
    assert list(visible_snapshots(db, MED_NORD)["id"]) == [nord]
    assert open_snapshot(db, MED_NORD, nord).area_id == "LMED-NORD"
    for hidden in (team, syd):
        with pytest.raises(AccessDenied):
            open_snapshot(db, MED_NORD, hidden)
        with pytest.raises(AccessDenied):
            verify_snapshot(db, hidden, MED_NORD)
    assert visible_snapshots(db, Scope.admin()).set_index("id").loc[nord, "created_by"] == (
        "leder-nord (leder)"
    )


def test_the_small_team_never_stands_next_to_a_number(db: Database) -> None:
    for kind, area in (("committee", "LMED-NORD"), ("unit", "AELDRE-NORD"), ("unit", "NORD-NAT")):
        content = open_snapshot(db, Scope.admin(), make_snapshot(db, kind=kind, area=area)).content
        records = records_naming_the_small_team(content)
        assert records, "the small team should be listed (without numbers)"
        assert [r for r in records if numbers_in(r)] == []
    alone = open_snapshot(db, Scope.admin(), make_snapshot(db, kind="unit", area="NORD-NAT"))
    assert all(r["hidden"] and r["n"] is None for r in alone.content["scores"])
    assert alone.content["phase_changes"] == [] and alone.content["shifts"]["alarms"] == []


def test_comments_only_when_chosen_and_the_group_is_large_enough(db: Database) -> None:
    without = open_snapshot(db, Scope.admin(), make_snapshot(db)).content["comments"]
    assert without == {"included": False, "reason": "not_requested", "items": []}
    chosen = open_snapshot(db, Scope.admin(), make_snapshot(db, comments=True)).content
    comments = chosen["comments"]
    assert comments["included"] and comments["items"]
    assert all(set(item) == {"wave", "text"} for item in comments["items"])
    last_waves = sorted(w["number"] for w in chosen["waves"])[-3:]
    assert {item["wave"] for item in comments["items"]} <= set(last_waves)
    team = make_snapshot(db, kind="unit", area="NORD-NAT", comments=True)
    small = open_snapshot(db, Scope.admin(), team).content["comments"]
    assert small == {"included": False, "reason": "group_too_small", "items": []}


def test_the_content_is_what_the_committee_needs(db: Database) -> None:
    content = open_snapshot(db, Scope.admin(), make_snapshot(db, area="LMED-SYD")).content
    assert content["project"]["name"] == "Digital medicinhåndtering på plejecentre"
    assert content["area"] == {
        "kind": "committee",
        "id": "LMED-SYD",
        "name": "Lokal-MED Ældreområde Syd",
        "roots": ["AELDRE-SYD"],
    }
    assert [c["id"] for c in content["constructs"]][:3] == ["mening", "motivation", "medspil"]
    assert content["instrument"]["id"] == "medspil-1" and content["k_min"] == 5
    closes = [w["closes"] for w in content["waves"]]
    assert max(closes) < TODAY.isoformat(), "only closed waves are frozen"
    udvikling = next(p for p in content["phases"] if p["kind"] == "udvikling")
    assert udvikling["unit_levels"] == [
        {
            "unit": "AELDRE-SYD",
            "unit_name": "Ældreområde Syd",
            "involvement": "information",
            "root": "AELDRE-SYD",
        }
    ]
    # What changed is the shift monitor's list: the drop at the first wave of udvikling.
    first_of_udvikling = min(w["number"] for w in content["waves"] if w["phase"] == udvikling["id"])
    drop = [
        a
        for a in content["shifts"]["alarms"]
        if a["construct"] == "medspil" and a["phase"] == udvikling["id"] and a["direction"] == -1
    ]
    assert len(drop) == 1 and drop[0]["size"] < -15 and drop[0]["unit"] == "AELDRE-SYD"
    assert drop[0]["start"] == drop[0]["wave"] == first_of_udvikling
    assert content["shifts"]["per_unit_year"] == 0.5
    assert "significant" not in content
    assert any(r["rate"] is not None for r in content["response_rates"])
    assert content["heatmap"]["wave"] == len(content["waves"])
    for key in ("scores", "phase_scores", "phase_changes", "runcharts", "trends"):
        assert content[key], key


def test_unknown_areas_and_areas_without_answers_are_refused(db: Database) -> None:
    with pytest.raises(UnknownCommittee):
        make_snapshot(db, area="LMED-NOPE")
    with pytest.raises(SnapshotNoData):
        make_snapshot(db, project="byggesag", area="LMED-NORD")
    with pytest.raises(SnapshotNoData):
        build_content(
            db,
            project_id="medicin",
            area=resolve_area(db, "committee", "LMED-NORD"),
            today=TODAY.replace(year=TODAY.year - 5),
            include_comments=False,
        )


def _trend_markers(view, key: str) -> set[str]:
    [figure] = [f.figure for f in snapshot_figures(view) if f.key == key]
    return {trace.name for trace in figure.data if trace.name}


def test_what_changed_is_the_shift_monitor_and_older_snapshots_render_as_frozen(
    db: Database,
) -> None:
    import dataclasses

    snapshot = open_snapshot(db, Scope.admin(), make_snapshot(db, area="LMED-SYD"))
    view = snapshot_view(snapshot, "da")
    udvikling = next(p for p in snapshot.content["phases"] if p["kind"] == "udvikling")
    start = min(w["number"] for w in snapshot.content["waves"] if w["phase"] == udvikling["id"])
    drop = next(line for line in view.significant if line.startswith("Medspil, Ældreområde Syd: −"))
    assert drop.endswith(f"point fra måling {start} i udvikling (fanget ved måling {start})")
    markers = _trend_markers(view, "trend_AELDRE-SYD_medspil")
    assert "Medspil: Ændring fanget" in markers and "Medspil: Signifikant ændring" not in markers
    # A snapshot frozen before the monitor holds a list of significant comparisons instead.
    old = {k: v for k, v in snapshot.content.items() if k != "shifts"}
    old["significant"] = [
        {
            "kind": "phase",
            "unit": "AELDRE-SYD",
            "construct": "medspil",
            "from": next(p["id"] for p in old["phases"] if p["kind"] == "konsekvensvurdering"),
            "to": udvikling["id"],
            "difference": -22.5,
            "cohens_d": -1.4,
            "p_adjusted": 0.0001,
        }
    ]
    legacy = snapshot_view(dataclasses.replace(snapshot, content=old), "da")
    assert legacy.significant[0] == (
        "Medspil, Ældreområde Syd, fra Konsekvensvurdering til Udvikling: −22,5 point"
        " (Cohens d -1,40, justeret p < 0,001)"
    )
    # ... and, as then, its run-chart signals; the monitor's list has none of those.
    assert any("run chart" in line for line in legacy.significant)
    assert not any("run chart" in line for line in view.significant)
    markers = _trend_markers(legacy, "trend_AELDRE-SYD_medspil")
    assert "Medspil: Ændring fanget" not in markers
