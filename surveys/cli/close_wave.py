"""``medspil close-wave``: close a project's open wave early (for a pilot), as the Målinger page
does: audited, sealed and counted like a wave that closes on its date."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from data import open_database
from medspil.formatting import date_text
from medspil.i18n import t
from surveys.administration.waves import close_wave_early
from surveys.cli.common import add_db_option, admin_scope, db_path


def cmd_close_wave(args: argparse.Namespace) -> int:
    db = open_database(db_path(args))
    try:
        last_day = close_wave_early(
            db, args.project, args.wave, today=dt.date.today(), scope=admin_scope()
        )
    finally:
        db.close()
    print(
        t("admin_waves.closed", "da", number=args.wave, last_day=date_text(last_day)),
        file=sys.stderr,
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``medspil close-wave``."""
    command = sub.add_parser(
        "close-wave", help="luk en åben måling før tid / close an open wave early"
    )
    command.add_argument("--project", required=True, help="projektets id (se 'medspil list')")
    command.add_argument(
        "--wave", required=True, type=int, help="målingens nummer (siden Målinger)"
    )
    add_db_option(command)
    command.set_defaults(func=cmd_close_wave)
