"""Storage that takes text from outside must not interpret it (issue 12, item 6)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import data.snapshots as snapshot_queries
from data import open_database


def test_an_area_id_with_braces_is_stored_in_the_audit_text_as_written(tmp_path: Path) -> None:
    db = open_database(tmp_path / "m.duckdb")
    try:
        snapshot_id = snapshot_queries.insert_snapshot(
            db,
            format_version=1,
            created_on=dt.date(2026, 12, 3),
            created_by="test (admin)",
            project_id="p",
            area_kind="unit",
            area_id="A{0}{x}",
            instrument_id="medspil-1",
            k_min=5,
            replaces=None,
            content="{}",
            sha256="0" * 64,
            audit_detail="snapshot {id}: project p, unit A{0}{x} {id}",
        )
        with db.cursor() as cur:
            detail = cur.execute(
                "SELECT detail FROM audit_log WHERE action = 'snapshot.create'"
            ).fetchall()
    finally:
        db.close()
    assert detail == [(f"snapshot {snapshot_id}: project p, unit A{{0}}{{x}} {{id}}",)]


def test_a_storage_error_while_submitting_is_a_plain_message_and_stores_nothing(
    demo_copy: Path,
) -> None:
    """Issue 12, item 6: a duckdb.Error in the submission path never reaches the answer page.

    The connection is closed under the submitter (as when the app shuts down mid-request), so
    every statement of the exactly-once transaction fails with a DuckDB error.
    """
    import pytest

    from data.answers import table_counts
    from data.invitations import find_invitation
    from data.submissions import store_response
    from medspil.errors import AnswerNotStored
    from surveys.answering.codes import code_hash, normalise_code
    from surveys.answering.form import open_form
    from tests.surveys.answering.answer_support import SECRET, TODAY, open_codes

    db = open_database(demo_copy)
    (code,) = open_codes(db, 1)
    hashed = code_hash(normalise_code(code), SECRET)
    items = open_form(db, code, lang="da", today=TODAY, secret=SECRET).items
    before = table_counts(db)
    db.close()
    with pytest.raises(AnswerNotStored) as caught:
        store_response(db, code_hash=hashed, answers=[(i.id, 3) for i in items], comment=None)
    assert "duckdb" not in caught.value.message("da").lower()
    db = open_database(demo_copy)
    try:
        assert table_counts(db) == before
        assert not find_invitation(db, hashed).used
    finally:
        db.close()
