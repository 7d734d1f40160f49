"""How far a new installation has come: one count per set-up step (the "Kom i gang" list)."""

from __future__ import annotations

from data.db import Database, one_row


def setup_counts(db: Database) -> dict[str, int]:
    """Units, committees, projects, phases, waves and issued codes, counted in one statement."""
    with db.cursor() as cur:
        row = one_row(
            cur.execute("""
            SELECT (SELECT count(*) FROM units WHERE NOT closed),
                   (SELECT count(*) FROM committees),
                   (SELECT count(*) FROM projects),
                   (SELECT count(*) FROM phases),
                   (SELECT count(*) FROM waves),
                   (SELECT count(*) FROM invitations)
        """)
        )
    names = ("units", "committees", "projects", "phases", "waves", "codes")
    return dict(zip(names, (int(value) for value in row), strict=True))
