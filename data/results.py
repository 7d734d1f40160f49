"""Aggregated results for the analytics: score histograms and response counts, never raw rows.

A respondent's construct score is the mean of the answered items' points (1..5 -> 0..100,
reverse-keyed items 100..0), kept only when at least half the construct's items are answered.
Histograms of these scores per (wave, unit, construct) are sufficient statistics for means,
variances, Welch t, Mann-Whitney U and Cliff's delta, so nothing finer leaves the database.

The histograms are kept pre-aggregated in ``score_histogram_cache`` (migration 2) and refreshed
wave by wave when a wave's responses change, so dashboards never scan the answer rows.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from typing import Any

import pandas as pd

from data.db import Database, one_row
from data.org import SUBTREE_CTE
from data.submissions import seal_closed_waves
from medspil.scope import Scope


def _roots(db: Database, scope: Scope) -> list[str]:
    if scope.sees_everything:
        with db.cursor() as cur:
            rows = cur.execute("SELECT id FROM units WHERE parent_id IS NULL").fetchall()
        return [row[0] for row in rows]
    return sorted(scope.unit_roots or ())


# The whole histogram query for some of a project's waves, computed from the answer rows.
_HISTOGRAMS_OF_WAVES = """
    WITH scored AS (
        SELECT r.wave_id, r.unit_id, r.id, i.construct,
               count(*) AS n_items, count(a.value) AS n_answered,
               avg(CASE WHEN i.reverse THEN (5 - a.value) * 25.0
                        ELSE (a.value - 1) * 25.0 END) AS score
        FROM responses r
        JOIN waves w ON w.id = r.wave_id
        JOIN answers a ON a.response_id = r.id
        JOIN items i ON i.instrument_id = w.instrument_id AND i.id = a.item_id
        WHERE r.wave_id IN (SELECT unnest($waves::INTEGER[]))
        GROUP BY r.wave_id, r.unit_id, r.id, i.construct
    )
    SELECT wave_id, unit_id, construct, score, count(*) AS n
    FROM scored WHERE n_answered * 2 >= n_items
    GROUP BY wave_id, unit_id, construct, score
"""

# One process refreshes the cache at a time (two sessions could otherwise both rewrite a wave).
_refresh_lock = threading.Lock()


def wave_fingerprints(db: Database, project_id: str) -> tuple[tuple[int, int, int], ...]:
    """Per wave with responses: ``(wave_id, responses, hash)``; changes whenever a response does.

    The hash is an order-free XOR of the response ids' hashes, so it says nothing about order.
    Cheap (one pass over the response rows, no answers), so callers may use it as a cache key.
    """
    with db.cursor() as cur:
        rows = cur.execute(
            """SELECT r.wave_id, count(*), bit_xor(hash(r.id))
               FROM responses r JOIN waves w ON w.id = r.wave_id
               WHERE w.project_id = ? GROUP BY r.wave_id ORDER BY r.wave_id""",
            [project_id],
        ).fetchall()
    return tuple((int(w), int(n), int(h)) for w, n, h in rows)


def wave_response_counts(
    db: Database, project_id: str, *, closed_before: dt.date | None = None
) -> tuple[tuple[int, int], ...]:
    """Per wave with responses: ``(wave_id, responses)``. Cheap enough to ask on every page.

    With ``closed_before`` only the waves that closed before that day.
    """
    with db.cursor() as cur:
        rows = cur.execute(
            """SELECT r.wave_id, count(*) FROM responses r JOIN waves w ON w.id = r.wave_id
               WHERE w.project_id = $project
                 AND ($closed_before IS NULL OR w.closes < $closed_before)
               GROUP BY r.wave_id ORDER BY r.wave_id""",
            {"project": project_id, "closed_before": closed_before},
        ).fetchall()
    return tuple((int(w), int(n)) for w, n in rows)


def wave_responses(db: Database, wave_id: int) -> int:
    """Responses stored for one wave: every unit together (the open wave's live progress)."""
    with db.cursor() as cur:
        found = cur.execute("SELECT count(*) FROM responses WHERE wave_id = ?", [int(wave_id)])
        return int(one_row(found)[0])


def closed_wave_state(db: Database, project_id: str, *, closed_before: dt.date) -> tuple[Any, ...]:
    """Everything a project's protected results over its closed waves depend on, as one value.

    The closed waves (id, number, dates, phase) with their responses' count and id hash and
    codes issued, and order-free hashes of the organisation, the project, its phases, units and
    involvement levels (planned and as they happened). Equal values mean equal results, so a
    result saved with it can be reused (after a restart, say) when the value is unchanged. One
    pass over the responses.
    """
    params = {"project": project_id, "closed_before": closed_before}
    with db.cursor() as cur:
        waves = cur.execute(
            """WITH closed AS (
                   SELECT id, number, opens, closes, phase_id FROM waves
                   WHERE project_id = $project AND closes < $closed_before
               ),
               answered AS (
                   SELECT wave_id, count(*) AS n, bit_xor(hash(id)) AS ids FROM responses
                   WHERE wave_id IN (SELECT id FROM closed) GROUP BY wave_id
               ),
               issued AS (
                   SELECT wave_id, count(*) AS n FROM invitations
                   WHERE wave_id IN (SELECT id FROM closed) GROUP BY wave_id
               )
               SELECT c.id, c.number, c.opens, c.closes, c.phase_id,
                      coalesce(a.n, 0), coalesce(a.ids, 0), coalesce(i.n, 0)
               FROM closed c LEFT JOIN answered a ON a.wave_id = c.id
               LEFT JOIN issued i ON i.wave_id = c.id ORDER BY c.id""",
            params,
        ).fetchall()
        structure = cur.execute(
            """SELECT
                 (SELECT bit_xor(hash(id, parent_id, name, closed)) FROM units),
                 (SELECT bit_xor(hash(id, name, instrument_id, k_min, k_comments, involvement))
                  FROM projects WHERE id = $project),
                 (SELECT bit_xor(hash(id, kind, starts, ends, involvement))
                  FROM phases WHERE project_id = $project),
                 (SELECT bit_xor(hash(unit_id)) FROM project_units WHERE project_id = $project),
                 (SELECT bit_xor(hash(i.phase_id, i.unit_id, i.involvement))
                  FROM phase_unit_involvement i JOIN phases p ON p.id = i.phase_id
                  WHERE p.project_id = $project),
                 (SELECT bit_xor(hash(a.phase_id, a.unit_id, a.involvement))
                  FROM involvement_actual a JOIN phases p ON p.id = a.phase_id
                  WHERE p.project_id = $project)""",
            {"project": project_id},
        ).fetchall()
    return (tuple(tuple(str(v) for v in row) for row in waves), tuple(structure[0]))


def waves_started(db: Database, today: dt.date) -> dict[str, int]:
    """Per project id: how many of its waves have opened by ``today`` (for ordering lists)."""
    with db.cursor() as cur:
        rows = cur.execute(
            """SELECT p.id, count(w.id) FROM projects p
               LEFT JOIN waves w ON w.project_id = p.id AND w.opens <= ?
               GROUP BY p.id""",
            [today],
        ).fetchall()
    return {str(p): int(n) for p, n in rows}


def refresh_score_histograms(db: Database, project_id: str) -> list[int]:
    """Bring the project's cached histograms up to date; return the waves recomputed.

    A wave is recomputed when its response count or response-id hash differs from the state
    recorded with its cached rows (new answers, an import, a deleted response).
    """
    with _refresh_lock:
        seal_closed_waves(db)  # moves rows only: the fingerprints stay the same
        current = {w: (n, h) for w, n, h in wave_fingerprints(db, project_id)}
        with db.cursor() as cur:
            stored = cur.execute(
                """SELECT s.wave_id, s.responses, s.fingerprint FROM score_histogram_state s
                   JOIN waves w ON w.id = s.wave_id WHERE w.project_id = ?""",
                [project_id],
            ).fetchall()
        recorded = {int(w): (int(n), int(h)) for w, n, h in stored}
        stale = sorted(
            w for w in current.keys() | recorded.keys() if current.get(w) != recorded.get(w)
        )
        if not stale:
            return []
        with db.transaction() as cur:
            params = {"waves": stale}
            cur.execute(
                "DELETE FROM score_histogram_cache WHERE wave_id IN "
                "(SELECT unnest($waves::INTEGER[]))",
                params,
            )
            cur.execute(
                "DELETE FROM score_histogram_state WHERE wave_id IN "
                "(SELECT unnest($waves::INTEGER[]))",
                params,
            )
            cur.execute("INSERT INTO score_histogram_cache " + _HISTOGRAMS_OF_WAVES, params)
            # A wave whose responses were all deleted has no state to record (and DuckDB refuses
            # ``executemany`` with no rows).
            states = [(w, *current[w]) for w in stale if w in current]
            if states:
                cur.executemany("INSERT INTO score_histogram_state VALUES (?, ?, ?)", states)
        return stale


def _wave_list(waves: Sequence[int] | None) -> list[int] | None:
    return None if waves is None else [int(w) for w in waves]


def score_histograms(
    db: Database, project_id: str, scope: Scope, *, waves: Sequence[int] | None = None
) -> pd.DataFrame:
    """Per wave, unit and construct: how many respondents had each construct score.

    Columns ``wave_id``, ``unit_id``, ``construct``, ``score`` (float 0-100), ``n`` (int), limited
    to the units inside ``scope`` (and to ``waves`` when given). Read from the pre-aggregated
    cache, refreshed first.
    """
    refresh_score_histograms(db, project_id)
    with db.cursor() as cur:
        frame = cur.execute(
            SUBTREE_CTE
            + """
            SELECT c.wave_id, c.unit_id, c.construct, c.score, c.n
            FROM score_histogram_cache c JOIN waves w ON w.id = c.wave_id
            WHERE w.project_id = $project AND c.unit_id IN (SELECT id FROM subtree)
              AND ($waves::INTEGER[] IS NULL OR list_contains($waves::INTEGER[], c.wave_id))
            ORDER BY c.wave_id, c.unit_id, c.construct, c.score
            """,
            {"project": project_id, "roots": _roots(db, scope), "waves": _wave_list(waves)},
        ).df()
    return frame.astype({"wave_id": "int64", "score": "float64", "n": "int64"})


def response_counts(
    db: Database, project_id: str, scope: Scope, *, waves: Sequence[int] | None = None
) -> pd.DataFrame:
    """Per wave and unit: codes issued, codes used and responses stored (inside ``scope``, and
    of ``waves`` when given)."""
    with db.cursor() as cur:
        frame = cur.execute(
            SUBTREE_CTE
            + """,
            issued AS (
                SELECT i.wave_id, i.unit_id, count(*) AS issued,
                       count(*) FILTER (WHERE i.used) AS used
                FROM invitations i JOIN waves w ON w.id = i.wave_id
                WHERE w.project_id = $project AND i.unit_id IN (SELECT id FROM subtree)
                  AND ($waves::INTEGER[] IS NULL OR list_contains($waves::INTEGER[], i.wave_id))
                GROUP BY i.wave_id, i.unit_id
            ),
            answered AS (
                SELECT r.wave_id, r.unit_id, count(*) AS responses
                FROM responses r JOIN waves w ON w.id = r.wave_id
                WHERE w.project_id = $project AND r.unit_id IN (SELECT id FROM subtree)
                  AND ($waves::INTEGER[] IS NULL OR list_contains($waves::INTEGER[], r.wave_id))
                GROUP BY r.wave_id, r.unit_id
            )
            SELECT coalesce(i.wave_id, a.wave_id) AS wave_id,
                   coalesce(i.unit_id, a.unit_id) AS unit_id,
                   coalesce(i.issued, 0) AS issued, coalesce(i.used, 0) AS used,
                   coalesce(a.responses, 0) AS responses
            FROM issued i FULL JOIN answered a
              ON a.wave_id = i.wave_id AND a.unit_id = i.unit_id
            ORDER BY wave_id, unit_id
            """,
            {"project": project_id, "roots": _roots(db, scope), "waves": _wave_list(waves)},
        ).df()
    return frame.astype(
        {"wave_id": "int64", "issued": "int64", "used": "int64", "responses": "int64"}
    )
