"""Schema migrations: ordered, numbered plain functions, each applied in one transaction and
recorded in ``schema_migrations``. Applying them to an up-to-date file does nothing."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable

import duckdb

from data.db import Database, one_row
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


# The anonymous answers as the rest of the code reads them: what the waves that closed keep in
# ``stored_*`` and what the open waves keep in ``pending_responses`` (one row per issued code,
# filled in place when a code answers). See ``data.submissions`` and docs/design.md.
ANSWER_VIEWS = """
    CREATE VIEW responses AS
        SELECT id, wave_id, unit_id FROM stored_responses
        UNION ALL
        SELECT id, wave_id, unit_id FROM pending_responses WHERE answers IS NOT NULL;
    CREATE VIEW answers AS
        SELECT response_id, item_id, value FROM stored_answers
        UNION ALL
        SELECT p.id AS response_id, split_part(e.entry, '=', 1) AS item_id,
               CAST(nullif(split_part(e.entry, '=', 2), '') AS TINYINT) AS value
        FROM pending_responses p, unnest(string_split(p.answers, ';')) AS e(entry)
        WHERE p.answers IS NOT NULL AND p.answers <> '';
    CREATE VIEW comments AS
        SELECT id, response_id, text FROM stored_comments
        UNION ALL
        SELECT md5(id) AS id, id AS response_id, comment AS text FROM pending_responses
        WHERE answers IS NOT NULL AND comment IS NOT NULL;
"""


def m004_storage_without_order(cur: duckdb.DuckDBPyConnection) -> None:
    """Storage that keeps no order of answering (anonymity rule 8 of DESIGN.md).

    Every issued code of an open wave gets a blank row in ``pending_responses`` when it is
    issued; answering fills a row drawn at random among its unit's blank rows, in place, so
    neither row order nor row ids follow the order people answered in. When a wave has closed
    its rows move to ``stored_responses``, ``stored_answers`` and ``stored_comments`` in an order
    drawn from a secret that is thrown away. The views ``responses``, ``answers`` and
    ``comments`` show both as before. Existing rows (and invitations) are rewritten here in such
    an order too, and a blank row is made for every unused code of a wave still open.
    """
    salt = secrets.token_hex(16)
    cur.execute("""
        CREATE TABLE stored_responses (
            id VARCHAR PRIMARY KEY,
            wave_id INTEGER NOT NULL REFERENCES waves (id),
            unit_id VARCHAR NOT NULL REFERENCES units (id)
        );
        CREATE TABLE stored_answers (
            response_id VARCHAR NOT NULL REFERENCES stored_responses (id),
            item_id VARCHAR NOT NULL,
            value TINYINT CHECK (value BETWEEN 1 AND 5),
            PRIMARY KEY (response_id, item_id)
        );
        CREATE TABLE stored_comments (
            id VARCHAR PRIMARY KEY,
            response_id VARCHAR NOT NULL REFERENCES stored_responses (id),
            text VARCHAR NOT NULL
        );
        CREATE TABLE pending_responses (
            id VARCHAR PRIMARY KEY,
            wave_id INTEGER NOT NULL REFERENCES waves (id),
            unit_id VARCHAR NOT NULL REFERENCES units (id),
            answers VARCHAR,
            comment VARCHAR
        );
    """)
    for statement in (
        """INSERT INTO stored_responses SELECT id, wave_id, unit_id FROM responses
           ORDER BY md5($salt || id)""",
        """INSERT INTO stored_answers SELECT response_id, item_id, value FROM answers
           ORDER BY md5($salt || response_id || item_id)""",
        """INSERT INTO stored_comments SELECT id, response_id, text FROM comments
           ORDER BY md5($salt || id)""",
        # A temporary copy, not a table renamed afterwards: DuckDB keeps a renamed table's old
        # name in the foreign-key list of ``waves``, and no wave could be deleted after that.
        """CREATE TEMP TABLE shuffled_invitations AS
           SELECT code_hash, wave_id, unit_id, used,
                  row_number() OVER (ORDER BY md5($salt || code_hash)) AS position
           FROM invitations""",
        """INSERT INTO pending_responses
           SELECT gen_random_uuid()::VARCHAR, i.wave_id, i.unit_id, NULL, NULL
           FROM invitations i JOIN waves w ON w.id = i.wave_id
           WHERE NOT i.used AND w.closes >= $today
           ORDER BY md5($salt || i.code_hash || 'blank')""",
    ):
        parameters: dict[str, object] = {"salt": salt}
        if "$today" in statement:
            # Python's date, as everywhere else: never DuckDB's current_date.
            parameters["today"] = dt.date.today()
        cur.execute(statement, parameters)
    cur.execute("""
        DROP TABLE comments;
        DROP TABLE answers;
        DROP TABLE responses;
        DROP TABLE invitations;
        CREATE TABLE invitations (
            code_hash VARCHAR PRIMARY KEY,
            wave_id INTEGER NOT NULL REFERENCES waves (id),
            unit_id VARCHAR NOT NULL REFERENCES units (id),
            used BOOLEAN NOT NULL DEFAULT false
        );
        INSERT INTO invitations SELECT code_hash, wave_id, unit_id, used
            FROM shuffled_invitations ORDER BY position;
        DROP TABLE shuffled_invitations;
    """)
    cur.execute(ANSWER_VIEWS)


def m005_imports(cur: duckdb.DuckDBPyConnection) -> None:
    """Where imported waves came from: one row per import (source, file name, date of import)
    and the waves it created, so the waves are marked as imported and removed as one unit.

    The file's fingerprint (sha256) refuses the same file twice. Nothing here names a respondent:
    the import date is the administrator's action, not an answer's time.
    """
    cur.execute("""
        CREATE SEQUENCE import_ids START 1;
        CREATE TABLE imports (
            id INTEGER PRIMARY KEY DEFAULT nextval('import_ids'),
            project_id VARCHAR NOT NULL,
            source VARCHAR NOT NULL CHECK (source IN ('surveyxact', 'long_csv')),
            file_name VARCHAR NOT NULL,
            fingerprint VARCHAR NOT NULL,
            imported_on DATE NOT NULL,
            imported_by VARCHAR NOT NULL,
            responses INTEGER NOT NULL,
            UNIQUE (project_id, fingerprint)
        );
        CREATE TABLE import_waves (
            import_id INTEGER NOT NULL,
            wave_id INTEGER PRIMARY KEY
        );
    """)


def m006_acting_together(cur: duckdb.DuckDBPyConnection) -> None:
    """The involvement plan as it happened, the roles in a project, what is fixed and open in each
    phase, the MED log and the agreed actions.

    The existing ``phases.involvement`` and ``phase_unit_involvement`` are the *plan*;
    ``involvement_actual`` records, once a phase is under way, the level a unit actually had.
    Nothing here belongs to a respondent: these are the parties' own records. The tables carry no
    foreign keys (DuckDB refuses to update a row that another table references, and phases are
    edited); the core functions check every reference before they write.
    """
    cur.execute("""
        CREATE TABLE involvement_actual (
            phase_id INTEGER NOT NULL,
            unit_id VARCHAR NOT NULL,
            involvement VARCHAR NOT NULL CHECK (involvement IN
                ('information', 'medindflydelse', 'medbestemmelse')),
            note VARCHAR NOT NULL DEFAULT '',
            recorded_on DATE NOT NULL,
            recorded_by VARCHAR NOT NULL,
            PRIMARY KEY (phase_id, unit_id)
        );
        CREATE TABLE phase_framing (
            phase_id INTEGER PRIMARY KEY,
            fixed VARCHAR NOT NULL DEFAULT '',
            open_for_change VARCHAR NOT NULL DEFAULT ''
        );
        CREATE SEQUENCE project_role_ids START 1;
        CREATE TABLE project_roles (
            id INTEGER PRIMARY KEY DEFAULT nextval('project_role_ids'),
            project_id VARCHAR NOT NULL,
            kind VARCHAR NOT NULL CHECK (kind IN ('superbruger', 'fagperson',
                'tillidsrepraesentant', 'arbejdsmiljorepraesentant', 'leder')),
            unit_id VARCHAR NOT NULL,
            phase_kinds VARCHAR[] NOT NULL,
            people INTEGER NOT NULL DEFAULT 1 CHECK (people >= 1),
            note VARCHAR NOT NULL DEFAULT ''
        );
        CREATE SEQUENCE med_log_ids START 1;
        CREATE TABLE med_log (
            id INTEGER PRIMARY KEY DEFAULT nextval('med_log_ids'),
            project_id VARCHAR NOT NULL,
            committee_id VARCHAR NOT NULL,
            met_on DATE NOT NULL,
            phase_kind VARCHAR,
            topic VARCHAR NOT NULL,
            questions INTEGER[] NOT NULL,
            principles INTEGER[] NOT NULL,
            decision VARCHAR NOT NULL DEFAULT '',
            snapshot_id INTEGER,
            corrects INTEGER,
            recorded_on DATE NOT NULL,
            recorded_by VARCHAR NOT NULL
        );
        CREATE TABLE med_log_frozen (
            entry_id INTEGER NOT NULL,
            snapshot_id INTEGER NOT NULL,
            PRIMARY KEY (entry_id, snapshot_id)
        );
        CREATE SEQUENCE action_ids START 1;
        CREATE TABLE actions (
            id INTEGER PRIMARY KEY DEFAULT nextval('action_ids'),
            project_id VARCHAR NOT NULL,
            unit_ids VARCHAR[] NOT NULL,
            what VARCHAR NOT NULL,
            responsible VARCHAR NOT NULL,
            due DATE,
            status VARCHAR NOT NULL CHECK (status IN ('aaben', 'i_gang', 'udfoert', 'opgivet')),
            source VARCHAR NOT NULL CHECK (source IN ('finding', 'snapshot', 'med_log', 'other')),
            source_ref VARCHAR NOT NULL DEFAULT '',
            agreed_on DATE NOT NULL,
            recorded_by VARCHAR NOT NULL,
            closed_on DATE,
            outcome VARCHAR NOT NULL DEFAULT ''
        );
    """)


def m007_answers_without_an_index(cur: duckdb.DuckDBPyConnection) -> None:
    """Answers kept without a key index (issue 17): the same rows, a new secret order.

    The primary key (``response_id``, ``item_id``) and the reference to ``stored_responses``
    made DuckDB keep two indexes over every answer: on the large kommune about 70 % of the file,
    most of the time of storing a closed wave, and memory that grows with every answer. Nothing
    reads through them (the dashboards join and group whole waves). What they guarded, one
    answer per item of a response that exists, every writer now ensures itself: sealing a wave
    writes one answer per item of a form (``encode_answers`` refuses an item twice), an import
    refuses a mapping with an item twice, and ``bulk_insert`` refuses answers twice or without
    their response. The rows are written again in an order drawn from a new secret (rule 8).
    """
    salt = secrets.token_hex(16)
    # A temporary copy, as in migration 4: the table is made again, not renamed.
    cur.execute(
        """CREATE TEMP TABLE shuffled_answers AS
           SELECT response_id, item_id, value,
                  row_number() OVER (ORDER BY md5($salt || response_id || item_id)) AS position
           FROM stored_answers""",
        {"salt": salt},
    )
    cur.execute("""
        DROP TABLE stored_answers;
        CREATE TABLE stored_answers (
            response_id VARCHAR NOT NULL,
            item_id VARCHAR NOT NULL,
            value TINYINT CHECK (value BETWEEN 1 AND 5)
        );
        INSERT INTO stored_answers SELECT response_id, item_id, value
            FROM shuffled_answers ORDER BY position;
        DROP TABLE shuffled_answers;
    """)


MIGRATIONS: list[tuple[int, str, Migration]] = [
    (1, "initial schema", m001_initial),
    (2, "score histogram cache", m002_score_histogram_cache),
    (3, "phase gap reasons", m003_phase_gap_reasons),
    (4, "storage without order", m004_storage_without_order),
    (5, "import provenance", m005_imports),
    (6, "acting together: plan as it happened, roles, MED log, actions", m006_acting_together),
    (7, "answers without a key index", m007_answers_without_an_index),
]
LATEST = MIGRATIONS[-1][0]


def current_version(cur: duckdb.DuckDBPyConnection) -> int:
    """The highest applied migration, 0 for an empty file."""
    cur.execute("""
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL
        )
    """)
    row = one_row(cur.execute("SELECT coalesce(max(version), 0) FROM schema_migrations"))
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
