"""``medspil import-units`` and ``medspil check-access``: the two set-up steps that also run
without the app (a fresh installation's first organisation file, and checking the role file)."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from data import open_database
from medspil.config import config_file, database_path, load_settings
from medspil.errors import UnitFileRejected
from medspil.i18n import t
from surveys.administration.access import Identity, load_access_rules, scope_for
from surveys.administration.organisation import apply_import, preview_import


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _db_path(args: argparse.Namespace) -> Path:
    return Path(args.db) if args.db else database_path()


def cmd_import_units(args: argparse.Namespace) -> int:
    """Check a unit file and, unless ``--dry-run``, apply it (what the Organisation page does).

    A fresh installation starts here: a database with units is not filled with the demo.
    """
    try:
        data = Path(args.file).read_bytes()
    except OSError as e:
        problem = ("admin_units.problem_unreadable", {"path": args.file, "detail": e.strerror})
        raise UnitFileRejected([problem]) from e
    db = open_database(_db_path(args))
    try:
        if args.dry_run:
            preview = preview_import(db, data)
        else:
            preview = apply_import(db, data, actor=_actor())
    finally:
        db.close()
    key = "admin_units.cli_checked" if args.dry_run else "admin_units.applied"
    print(t(key, "da", **preview.counts), file=sys.stderr)
    return 0


def cmd_check_access(args: argparse.Namespace) -> int:
    """Check the role file and print each entry with the scope it gives (tab-separated)."""
    config = Path(args.config) if args.config else config_file()
    load_settings(config)  # the [medspil] and [login] settings: every problem with its line
    rules = load_access_rules(config)
    db = open_database(_db_path(args))
    try:
        for entry in rules.entries:
            identity = Identity(
                email=entry.email, groups=frozenset({entry.group} if entry.group else ())
            )
            scope = scope_for(db, identity, rules)
            if scope is None:  # cannot happen: the entry names the identity
                continue
            roots = "*" if scope.unit_roots is None else ",".join(sorted(scope.unit_roots))
            who = f"email:{entry.email}" if entry.email else f"group:{entry.group}"
            print(f"{entry.number}\t{who}\t{scope.role}\t{roots}")
    finally:
        db.close()
    print(t("access.cli_ok", "da", count=len(rules.entries), path=rules.source), file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """The set-up commands: import-units, check-access."""
    units = sub.add_parser(
        "import-units", help="importér organisationen fra CSV / import the unit tree from CSV"
    )
    units.add_argument("file", help="CSV-fil: id, parent_id, name, type, headcount")
    units.add_argument("--dry-run", action="store_true", help="tjek filen uden at ændre noget")
    access = sub.add_parser(
        "check-access", help="tjek rollefilen / check the role file ([[access]] in medspil.toml)"
    )
    access.add_argument("--config", help="rollefil (standard: MEDSPIL_CONFIG eller medspil.toml)")
    units.set_defaults(func=cmd_import_units)
    access.set_defaults(func=cmd_check_access)
    for command in (units, access):
        command.add_argument(
            "--db", help="databasefil (standard: MEDSPIL_DB eller data/medspil.duckdb)"
        )
