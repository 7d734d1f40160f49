"""``medspil list``: one tab-separated line per project and per unit."""

from __future__ import annotations

import argparse
import datetime as dt

from data import open_database, projects
from data import org as org_queries
from surveys.cli.common import add_db_option, db_path, line


def cmd_list(args: argparse.Namespace) -> int:
    """One tab-separated line per project and per unit."""
    db = open_database(db_path(args))
    out = []
    open_waves = projects.open_waves(db, dt.date.today())
    for row in projects.projects(db).itertuples():
        project_id = str(row.id)
        open_wave = str(open_waves[project_id]) if project_id in open_waves else "-"
        out.append(line(["project", row.id, row.name, open_wave]))
    for row in org_queries.units(db).itertuples():
        out.append(line(["unit", row.id, row.name, row.parent_id or "-"]))
    db.close()
    for text in out:
        print(text)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    listing = sub.add_parser("list", help="vis projekter og enheder / list projects and units")
    add_db_option(listing)
    listing.set_defaults(func=cmd_list)
