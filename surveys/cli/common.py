"""What the sub-commands share: the database option, who is acting, a fresh database file."""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from data import open_database, projects
from data.db import Database
from medspil.config import database_path
from medspil.errors import DatabaseCorrupt, DatabaseExists
from medspil.scope import Scope
from medspil.text import clean_text

if TYPE_CHECKING:
    import pandas as pd

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
        # Opening first also refuses a file the running app holds (``DatabaseLocked``): the app
        # would go on writing into a deleted file, and every answer would be lost.
        try:
            db = open_database(path)
        except DatabaseCorrupt:
            if not force:
                raise
        else:
            empty = projects.is_empty(db)
            db.close()
            if not empty and not force:
                raise DatabaseExists(path=str(path))
        path.unlink()
        wal = path.with_name(path.name + ".wal")
        if wal.exists():
            wal.unlink()
    return open_database(path)


def field(value: object) -> str:
    """One field of a printed line: no tab, line break, terminal escape or other control
    character from a stored name or a file (they would shift the columns or drive the
    terminal); every run of white space is one space."""
    return clean_text(value, single_line=True)


def line(fields: Iterable[object]) -> str:
    """Fields cleaned and joined by tabs: one line of tab-separated output."""
    return "\t".join(field(value) for value in fields)


def table_lines(frame: pd.DataFrame) -> str:
    """A table as tab-separated lines (header first), every field cleaned, a missing value
    blank; ends with a line break."""
    from medspil.cells import cell_missing

    def text(value: object) -> object:
        return "" if cell_missing(value) else value

    rows = [line(frame.columns), *(line(map(text, row)) for row in frame.itertuples(index=False))]
    return "".join(f"{row}\n" for row in rows)


def plain_lines(text: str) -> str:
    """A multi-line text for the terminal: each line cleaned as a field, the lines kept."""
    return "\n".join(field(part) for part in text.splitlines())
