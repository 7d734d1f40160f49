"""The ``medspil`` command line: create, fill and inspect a database; every error is one plain
message on standard error and a non-zero exit, never a traceback."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from data import open_database, projects
from data import org as org_queries
from data.db import Database
from medspil.config import database_path, settings
from medspil.errors import DatabaseExists, MedspilError
from surveys.cli.admin import register as register_admin
from surveys.cli.import_responses import register as register_import
from surveys.cli.invite import register as register_invite
from surveys.cli.snapshot import register as register_snapshot
from surveys.installation.demo import build_demo, fill_with_demo_if_new
from surveys.installation.setup import mark_initialised, register_instrument
from surveys.instruments.instrument import load_instrument

EXIT_ERROR = 2


def _db_path(args: argparse.Namespace) -> Path:
    return Path(args.db) if getattr(args, "db", None) else database_path()


def _fresh_database(path: Path, force: bool) -> Database:
    """Open ``path`` for a new database: refuse an existing one with data unless ``force``."""
    if path.exists():
        if not force:
            db = open_database(path)
            empty = projects.is_empty(db)
            db.close()
            if not empty:
                raise DatabaseExists(path=str(path))
        path.unlink()
        wal = path.with_name(path.name + ".wal")
        if wal.exists():
            wal.unlink()
    return open_database(path)


def cmd_init(args: argparse.Namespace) -> int:
    """Create an empty database with the schema and the bundled instrument."""
    path = _db_path(args)
    db = _fresh_database(path, args.force)
    register_instrument(db, load_instrument())
    mark_initialised(db)
    db.close()
    print(f"Tom database oprettet: {path}", file=sys.stderr)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Create the demo kommune (deterministic for a seed and a day)."""
    path = _db_path(args)
    db = _fresh_database(path, args.force)
    build_demo(db, seed=args.seed)
    db.close()
    print(f"Demokommunen er bygget i {path} (seed {args.seed}).", file=sys.stderr)
    return 0


def cmd_prepare(args: argparse.Namespace) -> int:
    """Make sure the database exists and is migrated; fill a missing or empty one with the demo."""
    settings()  # make run stops here on an invalid medspil.toml, naming key and line
    path = _db_path(args)
    db = open_database(path)
    if fill_with_demo_if_new(db):
        print(f"Ingen data fundet: demokommunen er bygget i {path}.", file=sys.stderr)
    db.close()
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """One tab-separated line per project and per unit."""
    db = open_database(_db_path(args))
    out = []
    for row in projects.projects(db).itertuples():
        open_wave = (
            "-"
            if row.open_wave_id is None or row.open_wave_id != row.open_wave_id
            else (str(int(row.open_wave_id)))
        )
        out.append(f"project\t{row.id}\t{row.name}\t{open_wave}")
    for row in org_queries.units(db).itertuples():
        out.append(f"unit\t{row.id}\t{row.name}\t{row.parent_id or '-'}")
    db.close()
    for line in out:
        print(line)
    return 0


def _add_db_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--db", help="databasefil (standard: MEDSPIL_DB eller data/medspil.duckdb)"
    )


def register_core(sub: argparse._SubParsersAction) -> None:
    """The database commands: init, demo, prepare, list."""
    init = sub.add_parser("init", help="opret en tom database / create an empty database")
    init.add_argument("--force", action="store_true", help="overskriv en eksisterende database")
    init.set_defaults(func=cmd_init)
    demo = sub.add_parser("demo", help="byg demokommunen / build the demo kommune")
    demo.add_argument("--force", action="store_true", help="overskriv en eksisterende database")
    demo.add_argument("--seed", type=int, default=1, help="tilfældighedsfrø (standard 1)")
    demo.set_defaults(func=cmd_demo)
    prepare = sub.add_parser(
        "prepare", help="opret databasen med demodata, hvis den mangler / used by make run"
    )
    prepare.set_defaults(func=cmd_prepare)
    listing = sub.add_parser("list", help="vis projekter og enheder / list projects and units")
    listing.set_defaults(func=cmd_list)
    for command in (init, demo, prepare, listing):
        _add_db_option(command)


# Each capability registers its own sub-commands; add yours here (one line).
REGISTRARS: list[Callable[[argparse._SubParsersAction], None]] = [
    register_core,
    register_admin,
    register_snapshot,
    register_invite,
    register_import,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="medspil", description="Medspil: pulsmålinger om mening, motivation og medspil."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for register in REGISTRARS:
        register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except MedspilError as e:
        print(f"Fejl: {e.message('da')}\nError: {e.message('en')}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
