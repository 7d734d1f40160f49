"""``medspil import-units``: check a unit CSV file and apply it as the Organisation page does (a
fresh installation's first organisation file)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from data import open_database
from medspil.errors import UnitFileRejected
from medspil.i18n import t
from surveys.administration.organisation import apply_import, preview_import
from surveys.cli.common import add_db_option, admin_scope, db_path


def cmd_import_units(args: argparse.Namespace) -> int:
    """Check a unit file and, unless ``--dry-run``, apply it (what the Organisation page does).

    A fresh installation starts here: a database with units is not filled with the demo.
    """
    try:
        data = Path(args.file).read_bytes()
    except OSError as e:
        problem = ("admin_units.problem_unreadable", {"path": args.file, "detail": e.strerror})
        raise UnitFileRejected([problem]) from e
    db = open_database(db_path(args))
    try:
        if args.dry_run:
            preview = preview_import(db, data)
        else:
            preview = apply_import(db, data, scope=admin_scope())
    finally:
        db.close()
    key = "admin_units.cli_checked" if args.dry_run else "admin_units.applied"
    print(t(key, "da", **preview.counts), file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    units = sub.add_parser(
        "import-units", help="importér organisationen fra CSV / import the unit tree from CSV"
    )
    units.add_argument("file", help="CSV-fil: id, parent_id, name, type, headcount")
    units.add_argument("--dry-run", action="store_true", help="tjek filen uden at ændre noget")
    add_db_option(units)
    units.set_defaults(func=cmd_import_units)
