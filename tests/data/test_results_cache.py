"""The pre-aggregated score histograms: equal to scoring the answer rows, refreshed per wave."""

from __future__ import annotations

import uuid
from pathlib import Path

import pandas as pd

from analytics import respondent_construct_score
from data import open_database
from data.answers import bulk_insert
from data.db import Database
from data.results import refresh_score_histograms, score_histograms, wave_fingerprints
from medspil.scope import Scope

PROJECT = "medicin"


def _reference(db: Database, wave_id: int) -> pd.DataFrame:
    """Histograms of one wave scored in Python, item by item, from the raw answer rows."""
    with db.cursor() as cur:
        rows = cur.execute(
            """SELECT r.id, r.unit_id, i.construct, i.reverse, a.value
               FROM responses r JOIN waves w ON w.id = r.wave_id
               JOIN answers a ON a.response_id = r.id
               JOIN items i ON i.instrument_id = w.instrument_id AND i.id = a.item_id
               WHERE r.wave_id = ?""",
            [wave_id],
        ).fetchall()
    answers: dict[tuple[str, str, str], list[tuple[int | None, bool]]] = {}
    for response, unit, construct, reverse, value in rows:
        answers.setdefault((response, unit, construct), []).append((value, reverse))
    scored = []
    for (_, unit, construct), pairs in answers.items():
        score = respondent_construct_score([v for v, _ in pairs], [r for _, r in pairs])
        if score is not None:
            scored.append((unit, construct, round(score, 6)))
    frame = pd.DataFrame(scored, columns=["unit_id", "construct", "score"])
    return (
        frame.value_counts()
        .rename("n")
        .reset_index()
        .sort_values(["unit_id", "construct", "score"], ignore_index=True)
    )


def test_cached_histograms_equal_scoring_the_answers(demo_copy: Path) -> None:
    db = open_database(demo_copy)
    histograms = score_histograms(db, PROJECT, Scope.admin())
    wave = int(histograms["wave_id"].iloc[0])
    ours = histograms[histograms["wave_id"] == wave].drop(columns="wave_id")
    ours = ours.assign(score=ours["score"].round(6)).sort_values(
        ["unit_id", "construct", "score"], ignore_index=True
    )
    pd.testing.assert_frame_equal(ours, _reference(db, wave), check_dtype=False)
    db.close()


def test_a_new_response_refreshes_only_its_wave(demo_copy: Path) -> None:
    db = open_database(demo_copy)
    refresh_score_histograms(db, PROJECT)
    assert refresh_score_histograms(db, PROJECT) == []
    before = score_histograms(db, PROJECT, Scope.admin())
    wave = int(before["wave_id"].max())
    fingerprint = wave_fingerprints(db, PROJECT)
    response = str(uuid.uuid4())
    bulk_insert(
        db,
        {
            "responses": pd.DataFrame(
                {"id": [response], "wave_id": [wave], "unit_id": ["SYD-SKOV"]}
            ),
            "answers": pd.DataFrame(
                {
                    "response_id": [response] * 3,
                    "item_id": ["med1", "med2", "med3"],
                    "value": pd.array([5, 5, 5], dtype="Int8"),
                }
            ),
        },
    )
    assert wave_fingerprints(db, PROJECT) != fingerprint
    assert refresh_score_histograms(db, PROJECT) == [wave]
    after = score_histograms(db, PROJECT, Scope.admin())
    key = ["wave_id", "unit_id", "construct", "score"]
    merged = after.merge(before, on=key, how="outer", suffixes=("", "_before")).fillna(0)
    changed = merged[merged["n"] != merged["n_before"]]
    assert changed[key].values.tolist() == [[wave, "SYD-SKOV", "medspil", 100.0]]
    assert (changed["n"] - changed["n_before"]).tolist() == [1]
    db.close()


def test_a_leder_scope_limits_the_histograms_to_the_subtree(demo_db: Database) -> None:
    scoped = score_histograms(
        demo_db, PROJECT, Scope(role="leder", unit_roots=frozenset({"AELDRE-SYD"}))
    )
    assert set(scoped["unit_id"]) == {
        "SYD-SKOV",
        "SYD-LAERKE",
        "SYD-AABO",
        "SYD-HJEMDAG",
        "SYD-HJEMAFT",
    }


def test_refreshing_after_every_response_of_a_cached_wave_is_deleted(demo_copy: Path) -> None:
    # Regression (issue 10, item 5): the refresh crashed with "executemany requires a non-empty
    # list" when the only stale wave had no responses left to record a state for.
    db = open_database(demo_copy)
    refresh_score_histograms(db, PROJECT)
    wave = int(score_histograms(db, PROJECT, Scope.admin())["wave_id"].min())
    # One statement per transaction: DuckDB checks a foreign key against the rows committed.
    # A closed wave's rows are in the stored_* tables behind the views (migration 4).
    with db.cursor() as cur:
        ids = "SELECT id FROM stored_responses WHERE wave_id = ?"
        cur.execute(f"DELETE FROM stored_comments WHERE response_id IN ({ids})", [wave])
        cur.execute(f"DELETE FROM stored_answers WHERE response_id IN ({ids})", [wave])
        cur.execute("DELETE FROM stored_responses WHERE wave_id = ?", [wave])
    assert refresh_score_histograms(db, PROJECT) == [wave]
    assert wave not in set(score_histograms(db, PROJECT, Scope.admin())["wave_id"])
    assert refresh_score_histograms(db, PROJECT) == []
    db.close()
