"""What the sub-commands share: the database option, who is acting, a fresh database file."""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path

from data import open_database, projects
from data.db import Database
from medspil.config import database_path
from medspil.errors import DatabaseExists
from medspil.scope import Scope

DB_HELP = "databasefil (standard: MEDSPIL_DB eller data/medspil.duckdb)"


def add_db_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--db", help=DB_HELP)


def db_path(args: argparse.Namespace) -> Path:
    return Path(args.db) if getattr(args, "db", None) else database_path()


def actor() -> str:
    """``cli:<user name>`` for the audit log, ``cli`` when the system has no name for the user."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def admin_scope() -> Scope:
    """The scope of a command-line write: whoever can run the command on the server holds the
    database file, so they act as an administrator, recorded as ``cli:<user name>``."""
    return Scope.admin(actor=actor())


def fresh_database(path: Path, force: bool) -> Database:
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
