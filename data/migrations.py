"""Schema migrations: ordered, numbered plain functions, each applied in one transaction and
recorded in ``schema_migrations``. Applying them to an up-to-date file does nothing."""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from data.db import Database
from medspil.errors import SchemaTooNew

Migration = Callable[[duckdb.DuckDBPyConnection], None]


def m001_initial(cur: duckdb.DuckDBPyConnection) -> None:
    """Organisation, projects, instruments, waves, anonymous answers, snapshots, audit log.

    Anonymity rule 1 of DESIGN.md holds here: ``invitations``, ``responses``, ``answers`` and
    ``comments`` carry no timestamp, date, address, agent, code or person column, and response ids
    are random (no sequence whose order could be joined to the order codes were used in).
    """
    cur.execute("""
        CREATE TABLE installation (
            key VARCHAR PRIMARY KEY,
            value VARCHAR NOT NULL
        );
        CREATE TABLE units (
            id VARCHAR PRIMARY KEY,
            parent_id VARCHAR,
            name VARCHAR NOT NULL,
            unit_type VARCHAR NOT NULL,
            headcount INTEGER NOT NULL DEFAULT 0 CHECK (headcount >= 0),
            closed BOOLEAN NOT NULL DEFAULT false
        );
        CREATE TABLE committees (
            id VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            level VARCHAR NOT NULL CHECK (level IN ('hoved', 'omraade', 'lokal'))
        );
        CREATE TABLE committee_units (
            committee_id VARCHAR NOT NULL REFERENCES committees (id),
            unit_id VARCHAR NOT NULL REFERENCES units (id),
            PRIMARY KEY (committee_id, unit_id)
        );
        CREATE TABLE instruments (
            id VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            version INTEGER NOT NULL,
            title_da VARCHAR NOT NULL,
            title_en VARCHAR NOT NULL,
            source VARCHAR NOT NULL
        );
        CREATE TABLE items (
            instrument_id VARCHAR NOT NULL REFERENCES instruments (id),
            id VARCHAR NOT NULL,
            construct VARCHAR NOT NULL,
            position INTEGER NOT NULL,
            text_da VARCHAR NOT NULL,
            text_en VARCHAR NOT NULL,
            reverse BOOLEAN NOT NULL,
            PRIMARY KEY (instrument_id, id)
        );
        CREATE TABLE projects (
            id VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            description VARCHAR NOT NULL DEFAULT '',
            instrument_id VARCHAR NOT NULL REFERENCES instruments (id),
            k_min INTEGER NOT NULL DEFAULT 5 CHECK (k_min >= 3),
            k_comments INTEGER NOT NULL DEFAULT 10,
            involvement VARCHAR NOT NULL DEFAULT 'medindflydelse'
        );
        CREATE TABLE project_modules (
            project_id VARCHAR NOT NULL REFERENCES projects (id),
            construct VARCHAR NOT NULL,
            PRIMARY KEY (project_id, construct)
        );
        CREATE TABLE project_units (
            project_id VARCHAR NOT NULL REFERENCES projects (id),
            unit_id VARCHAR NOT NULL REFERENCES units (id),
            PRIMARY KEY (project_id, unit_id)
        );
        CREATE SEQUENCE phase_ids START 1;
        CREATE TABLE phases (
            id INTEGER PRIMARY KEY DEFAULT nextval('phase_ids'),
            project_id VARCHAR NOT NULL REFERENCES projects (id),
            kind VARCHAR NOT NULL CHECK (kind IN
                ('ide', 'konsekvensvurdering', 'udvikling', 'implementering', 'drift')),
            starts DATE NOT NULL,
            ends DATE NOT NULL,
            involvement VARCHAR NOT NULL CHECK (involvement IN
                ('information', 'medindflydelse', 'medbestemmelse')),
            CHECK (ends >= starts)
        );
        CREATE TABLE phase_unit_involvement (
            phase_id INTEGER NOT NULL REFERENCES phases (id),
            unit_id VARCHAR NOT NULL REFERENCES units (id),
            involvement VARCHAR NOT NULL CHECK (involvement IN
                ('information', 'medindflydelse', 'medbestemmelse')),
            PRIMARY KEY (phase_id, unit_id)
        );
        CREATE SEQUENCE wave_ids START 1;
        CREATE TABLE waves (
            id INTEGER PRIMARY KEY DEFAULT nextval('wave_ids'),
            project_id VARCHAR NOT NULL REFERENCES projects (id),
            number INTEGER NOT NULL,
            opens DATE NOT NULL,
            closes DATE NOT NULL,
            instrument_id VARCHAR NOT NULL REFERENCES instruments (id),
            phase_id INTEGER NOT NULL REFERENCES phases (id),
            UNIQUE (project_id, number),
            CHECK (closes >= opens)
        );
        CREATE TABLE invitations (
            code_hash VARCHAR PRIMARY KEY,
            wave_id INTEGER NOT NULL REFERENCES waves (id),
            unit_id VARCHAR NOT NULL REFERENCES units (id),
            used BOOLEAN NOT NULL DEFAULT false
        );
        CREATE TABLE responses (
            id VARCHAR PRIMARY KEY,
            wave_id INTEGER NOT NULL REFERENCES waves (id),
            unit_id VARCHAR NOT NULL REFERENCES units (id)
        );
        CREATE TABLE answers (
            response_id VARCHAR NOT NULL REFERENCES responses (id),
            item_id VARCHAR NOT NULL,
            value TINYINT CHECK (value BETWEEN 1 AND 5),
            PRIMARY KEY (response_id, item_id)
        );
        CREATE TABLE comments (
            id VARCHAR PRIMARY KEY,
            response_id VARCHAR NOT NULL REFERENCES responses (id),
            text VARCHAR NOT NULL
        );
        CREATE SEQUENCE snapshot_ids START 1;
        CREATE TABLE snapshots (
            id INTEGER PRIMARY KEY DEFAULT nextval('snapshot_ids'),
            format_version INTEGER NOT NULL,
            created_on DATE NOT NULL,
            created_by VARCHAR NOT NULL,
            project_id VARCHAR NOT NULL,
            area_kind VARCHAR NOT NULL CHECK (area_kind IN ('committee', 'unit')),
            area_id VARCHAR NOT NULL,
            instrument_id VARCHAR NOT NULL,
            k_min INTEGER NOT NULL,
            replaces INTEGER,
            content VARCHAR NOT NULL,
            sha256 VARCHAR NOT NULL
        );
        CREATE SEQUENCE audit_ids START 1;
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY DEFAULT nextval('audit_ids'),
            happened_at TIMESTAMP NOT NULL,
            actor VARCHAR NOT NULL,
            action VARCHAR NOT NULL,
            detail VARCHAR NOT NULL DEFAULT ''
        );
    """)


def m002_score_histogram_cache(cur: duckdb.DuckDBPyConnection) -> None:
    """Pre-aggregated construct-score histograms per (wave, unit, construct, score).

    Dashboards read these instead of the answer rows (millions in a large kommune).
    ``score_histogram_state`` records, per wave, the response count and an order-free hash of
    the response ids the cached rows were computed from; ``data.results`` recomputes a wave
    whenever either differs. Neither table holds anything finer than a (wave, unit) count.
    """
    cur.execute("""
        CREATE TABLE score_histogram_cache (
            wave_id INTEGER NOT NULL,
            unit_id VARCHAR NOT NULL,
            construct VARCHAR NOT NULL,
            score DOUBLE NOT NULL,
            n INTEGER NOT NULL
        );
        CREATE TABLE score_histogram_state (
            wave_id INTEGER NOT NULL,
            responses BIGINT NOT NULL,
            fingerprint UBIGINT NOT NULL
        );
    """)


def m003_phase_gap_reasons(cur: duckdb.DuckDBPyConnection) -> None:
    """Why a project's timeline has a gap before a phase (a pause, a political decision).

    Phases may not overlap, and a gap between two phases is allowed only with a reason, which
    the Projekter page asks for and shows.
    """
    cur.execute("""
        CREATE TABLE phase_gap_reasons (
            phase_id INTEGER PRIMARY KEY,
            reason VARCHAR NOT NULL
        );
    """)


MIGRATIONS: list[tuple[int, str, Migration]] = [
    (1, "initial schema", m001_initial),
    (2, "score histogram cache", m002_score_histogram_cache),
    (3, "phase gap reasons", m003_phase_gap_reasons),
]
LATEST = MIGRATIONS[-1][0]


def current_version(cur: duckdb.DuckDBPyConnection) -> int:
    """The highest applied migration, 0 for an empty file."""
    cur.execute("""
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL
        )
    """)
    row = cur.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
    return int(row[0])


def apply_migrations(db: Database) -> list[int]:
    """Apply every migration the file lacks, each in its own transaction; return those applied."""
    with db.cursor() as cur:
        version = current_version(cur)
    if version > LATEST:
        raise SchemaTooNew(path=str(db.path), found=version, known=LATEST)
    applied = []
    for number, name, migration in MIGRATIONS:
        if number <= version:
            continue
        with db.transaction() as cur:
            migration(cur)
            cur.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, current_timestamp)", [number, name]
            )
        applied.append(number)
    return applied
