"""``medspil audit-disclosure``: can all roles' numbers together pin down a group below k?

Run it on a copy of the database (the app holds the original locked); see
``surveys.administration.disclosure_audit`` for what is collected and how it is solved.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from medspil.config import database_path


def cmd_audit(args: argparse.Namespace) -> int:
    """Print the audit's summary and every finding; exit 1 when a group is pinned down."""
    from surveys.administration.disclosure_audit import run_audit

    path = Path(args.db) if args.db else database_path()
    return run_audit(path, sys.stdout, quantiles=args.kvantiler)


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``medspil audit-disclosure``."""
    audit = sub.add_parser(
        "audit-disclosure",
        help="afsløringstjek af alt, hvad rollerne kan se / disclosure audit of every role's view",
    )
    audit.add_argument("--db", help="en KOPI af databasefilen (standard: MEDSPIL_DB)")
    audit.add_argument(
        "--kvantiler",
        action="store_true",
        help="løs også over histogrammer med fasernes kvantiler (langsomt) / "
        "also solve over histograms with the phases' quantiles (slow)",
    )
    audit.set_defaults(func=cmd_audit)
