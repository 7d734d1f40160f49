"""``medspil list``: one tab-separated line per project and per unit."""

from __future__ import annotations

import argparse
import datetime as dt

from data import open_database, projects
from data import org as org_queries
from medspil.text import clean_text
from surveys.cli.common import add_db_option, db_path


def _field(value: object) -> str:
    """One field of a line: no tab, line break or terminal escape from a stored name."""
    return clean_text(value, single_line=True)


def cmd_list(args: argparse.Namespace) -> int:
    """One tab-separated line per project and per unit."""
    db = open_database(db_path(args))
    out = []
    open_waves = projects.open_waves(db, dt.date.today())
    for row in projects.projects(db).itertuples():
        open_wave = str(open_waves[row.id]) if row.id in open_waves else "-"
        out.append(f"project\t{_field(row.id)}\t{_field(row.name)}\t{open_wave}")
    for row in org_queries.units(db).itertuples():
        parent = _field(row.parent_id) if row.parent_id else "-"
        out.append(f"unit\t{_field(row.id)}\t{_field(row.name)}\t{parent}")
    db.close()
    for line in out:
        print(line)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    listing = sub.add_parser("list", help="vis projekter og enheder / list projects and units")
    add_db_option(listing)
    listing.set_defaults(func=cmd_list)
