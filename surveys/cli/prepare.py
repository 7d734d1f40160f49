"""``medspil prepare``: what ``make run`` does first (migrate; the demo in an empty file)."""

from __future__ import annotations

import argparse
import sys

from data import open_database
from medspil.config import settings
from surveys.cli.common import add_db_option, db_path
from surveys.installation.demo import fill_with_demo_if_new


def cmd_prepare(args: argparse.Namespace) -> int:
    """Make sure the database exists and is migrated; fill a missing or empty one with the demo."""
    settings()  # make run stops here on an invalid medspil.toml, naming key and line
    path = db_path(args)
    db = open_database(path)
    if fill_with_demo_if_new(db):
        print(f"Ingen data fundet: demokommunen er bygget i {path}.", file=sys.stderr)
    db.close()
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    prepare = sub.add_parser(
        "prepare", help="opret databasen med demodata, hvis den mangler / used by make run"
    )
    add_db_option(prepare)
    prepare.set_defaults(func=cmd_prepare)
