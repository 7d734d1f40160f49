"""Anonymity rule 1 in the schema itself: the live schema is inspected, not a list we keep."""

from __future__ import annotations

import re

from data.db import Database

# The views responses, answers and comments (migration 4) and the tables behind them.
ANONYMOUS_TABLES = (
    "invitations",
    "responses",
    "answers",
    "comments",
    "stored_responses",
    "stored_answers",
    "stored_comments",
    "pending_responses",
)
FORBIDDEN_TYPES = ("DATE", "TIME", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "INTERVAL")
FORBIDDEN_NAME = re.compile(
    r"(time|date|_at$|^at$|created|updated|ip|addr|agent|device|cookie|session|code|person|"
    r"name|mail|phone|user|employee|respondent|seq|order|position)",
    re.IGNORECASE,
)
# The one code column allowed: the keyed hash that identifies an invitation (never a response).
ALLOWED = {("invitations", "code_hash")}


def _columns(db: Database) -> list[tuple[str, str, str]]:
    with db.cursor() as cur:
        return cur.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() "
            "WHERE table_name IN (SELECT unnest(?::VARCHAR[]))",
            [list(ANONYMOUS_TABLES)],
        ).fetchall()


def offending_columns(db: Database) -> list[tuple[str, str, str]]:
    return [
        (table, column, kind)
        for table, column, kind in _columns(db)
        if (table, column) not in ALLOWED
        and (kind.upper() in FORBIDDEN_TYPES or FORBIDDEN_NAME.search(column))
    ]


def test_no_anonymous_table_has_an_identifying_or_time_column(db: Database) -> None:
    assert {table for table, _, _ in _columns(db)} == set(ANONYMOUS_TABLES)
    assert offending_columns(db) == []


def test_the_check_catches_a_timestamp_added_to_responses(db: Database) -> None:
    with db.transaction() as cur:
        cur.execute("ALTER TABLE stored_responses ADD COLUMN submitted TIMESTAMP")
        cur.execute("ALTER TABLE pending_responses ADD COLUMN author_email VARCHAR")
    assert ("stored_responses", "submitted", "TIMESTAMP") in offending_columns(db)
    assert ("pending_responses", "author_email", "VARCHAR") in offending_columns(db)


def test_responses_reference_no_invitation_and_invitations_no_response(db: Database) -> None:
    with db.cursor() as cur:
        refs = cur.execute(
            "SELECT table_name, referenced_table FROM duckdb_constraints() "
            "WHERE constraint_type = 'FOREIGN KEY'"
        ).fetchall()
    pairs = {(table, referenced) for table, referenced in refs}
    for answer_table in ANONYMOUS_TABLES[1:]:
        assert (answer_table, "invitations") not in pairs
        assert ("invitations", answer_table) not in pairs


def test_no_anonymous_table_numbers_its_rows(db: Database) -> None:
    # A sequence default would number rows in the order they were written (rule 8).
    with db.cursor() as cur:
        defaults = cur.execute(
            "SELECT table_name, column_name, column_default FROM duckdb_columns() "
            "WHERE table_name IN (SELECT unnest(?::VARCHAR[])) AND column_default IS NOT NULL",
            [list(ANONYMOUS_TABLES)],
        ).fetchall()
    assert [d for d in defaults if "nextval" in str(d[2]).lower()] == []
    with db.transaction() as cur:
        cur.execute("CREATE SEQUENCE answered")
        cur.execute("ALTER TABLE stored_responses ADD COLUMN n INTEGER DEFAULT nextval('answered')")
        numbered = cur.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'stored_responses' "
            "AND column_default ILIKE '%nextval%'"
        ).fetchall()
    assert numbered == [("n",)]
