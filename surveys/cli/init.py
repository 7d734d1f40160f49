"""``medspil init``: an empty real installation (schema and the bundled instrument)."""

from __future__ import annotations

import argparse
import sys

from surveys.cli.common import add_db_option, db_path, fresh_database
from surveys.installation.setup import mark_initialised, register_instrument
from surveys.instruments.instrument import load_instrument


def cmd_init(args: argparse.Namespace) -> int:
    """Create an empty database with the schema and the bundled instrument."""
    path = db_path(args)
    db = fresh_database(path, args.force)
    register_instrument(db, load_instrument())
    mark_initialised(db)
    db.close()
    print(f"Tom database oprettet: {path}", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    init = sub.add_parser("init", help="opret en tom database / create an empty database")
    init.add_argument("--force", action="store_true", help="overskriv en eksisterende database")
    add_db_option(init)
    init.set_defaults(func=cmd_init)
