"""MED committees (Hoved-MED, område-MED, lokal-MED) and the unit subtrees each covers.

A MED member's scope is the union of their committees' subtrees, so a committee's roots decide
what its members see.
"""

from __future__ import annotations

import re

import pandas as pd

from data import admin as admin_queries
from data import org as org_queries
from data.db import Database
from medspil.errors import AdminInputInvalid
from medspil.i18n import t
from medspil.scope import Scope, admin_actor
from medspil.text import NAME_MAX_CHARS, clean_text

LEVELS = ("hoved", "omraade", "lokal")
COMMITTEE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")


def committee_choices(db: Database) -> dict[str, str]:
    """Committee id -> name, ordered by level and id."""
    frame = org_queries.committees(db)
    return dict(zip(frame["id"], frame["name"], strict=True))


def committee_table(db: Database, lang: str) -> pd.DataFrame:
    """Each committee with its level, the subtrees it covers and their size."""
    frame = org_queries.committees(db)
    units = org_queries.units(db).set_index("id")
    rows = []
    for row, unit_ids in zip(frame.itertuples(), frame["unit_ids"], strict=True):
        roots = [u for u in (unit_ids if unit_ids is not None else []) if isinstance(u, str)]
        covered = org_queries.subtree_ids(db, roots) if roots else []
        open_units = [u for u in covered if not bool(units.loc[u]["closed"])]
        rows.append(
            {
                t("admin_committees.col_id", lang): row.id,
                t("admin_committees.col_name", lang): row.name,
                t("admin_committees.col_level", lang): t(
                    f"admin_committees.level_{row.level}", lang
                ),
                t("admin_committees.col_covers", lang): ", ".join(
                    str(units.loc[r]["name"]) for r in roots
                ),
                t("admin_committees.col_units", lang): len(open_units),
                t("admin_committees.col_headcount", lang): int(
                    units.loc[open_units]["headcount"].sum()
                )
                if open_units
                else 0,
            }
        )
    columns = [
        t(f"admin_committees.col_{c}", lang)
        for c in ("id", "name", "level", "covers", "units", "headcount")
    ]
    return pd.DataFrame(rows, columns=columns)


def committee_detail(db: Database, committee_id: str) -> tuple[str, str, list[str]]:
    """Name, level and subtree roots of one committee."""
    frame = org_queries.committees(db)
    match = frame[frame["id"] == committee_id]
    if match.empty:
        raise AdminInputInvalid([("admin_committees.problem_unknown", {"id": committee_id})])
    row = match.iloc[0]
    return str(row["name"]), str(row["level"]), org_queries.committee_roots(db, committee_id)


def save_committee(
    db: Database,
    *,
    committee_id: str,
    name: str,
    level: str,
    roots: list[str],
    new: bool,
    scope: Scope,
) -> None:
    """Check and store a committee and its subtrees whole, or raise ``AdminInputInvalid``;
    ``AdminOnly`` unless ``scope`` is an administrator's."""
    actor = admin_actor(scope)
    problems: list[tuple[str, dict[str, object]]] = []
    committee_id = committee_id.strip()
    name = clean_text(name, single_line=True, max_length=NAME_MAX_CHARS)
    existing = set(committee_choices(db))
    if new and not COMMITTEE_ID.match(committee_id):
        problems.append(("admin_committees.problem_id", {"id": committee_id}))
    elif new and committee_id in existing:
        problems.append(("admin_committees.problem_exists", {"id": committee_id}))
    elif not new and committee_id not in existing:
        raise AdminInputInvalid([("admin_committees.problem_unknown", {"id": committee_id})])
    if not name.strip():
        problems.append(("admin_committees.problem_name", {}))
    if level not in LEVELS:
        problems.append(("admin_committees.problem_level", {}))
    units = org_queries.units(db).set_index("id")
    if not roots:
        problems.append(("admin_committees.problem_no_units", {}))
    for root in roots:
        if root not in units.index:
            problems.append(("admin_committees.problem_unknown_unit", {"unit": root}))
        elif bool(units.loc[root]["closed"]):
            problems.append(("admin_committees.problem_closed", {"unit": units.loc[root]["name"]}))
    known = [r for r in roots if r in units.index]
    for root in known:
        others = [r for r in known if r != root]
        if others and root in set(org_queries.subtree_ids(db, others)):
            problems.append(("admin_committees.problem_nested", {"unit": units.loc[root]["name"]}))
    if problems:
        raise AdminInputInvalid(problems)
    admin_queries.save_committee(
        db,
        committee_id=committee_id,
        name=name.strip(),
        level=level,
        roots=sorted(set(roots)),
        actor=actor,
        action="committee.create" if new else "committee.update",
        detail=f"{committee_id}: {name.strip()} ({level}); dækker {', '.join(sorted(set(roots)))}",
    )
