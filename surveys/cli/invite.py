"""``medspil invite``: issue codes for a unit and a wave; the codes alone go to standard output.

Standard output carries exactly one code a line, so the output can go straight into a mail merge;
every message goes to standard error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from data import open_database
from medspil.config import database_path
from medspil.errors import SlipsNotWritten
from medspil.formatting import date_text
from medspil.i18n import t
from surveys.answering.codes import issue_installation_codes
from surveys.answering.slips import check_answer_address, slips_for
from surveys.cli.common import admin_scope


def cmd_invite(args: argparse.Namespace) -> int:
    """Issue ``--count`` codes and print them; with ``--pdf`` also write the cut-out slips."""
    path = Path(args.db) if args.db else database_path()
    pdf_path = Path(args.pdf) if args.pdf else None
    created_pdf = pdf_path is not None and not pdf_path.exists()
    db = open_database(path)
    try:
        if pdf_path is not None:
            _check_writable(pdf_path)
            check_answer_address()  # slips to localhost would lead nowhere: refuse first
        issued = issue_installation_codes(
            db,
            project_id=args.project,
            unit_id=args.unit,
            count=args.count,
            wave=args.wave,
            scope=admin_scope(),
            today=dt.date.today(),
        )
    except BaseException:
        if created_pdf and pdf_path is not None:
            pdf_path.unlink(missing_ok=True)
        raise
    finally:
        db.close()
    for code in issued.codes:
        print(code)
    message = t(
        "codes.cli_issued",
        "da",
        count=len(issued.codes),
        unit=issued.unit_name,
        wave=issued.wave_id,
        closes=date_text(issued.closes),
    )
    print(message, file=sys.stderr)
    if pdf_path is not None:
        pdf_path.write_bytes(slips_for(issued))
        print(t("codes.cli_slips", "da", path=str(pdf_path)), file=sys.stderr)
    return 0


def _check_writable(path: Path) -> None:
    """Make sure the slips file can be written before any code is issued (nothing truncated)."""
    try:
        with path.open("ab"):
            pass
    except OSError as e:
        raise SlipsNotWritten(path=str(path), detail=e.strerror or type(e).__name__) from e


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``medspil invite``."""
    invite = sub.add_parser(
        "invite", help="udsted svarkoder til en enhed / issue answer codes for a unit"
    )
    invite.add_argument("--project", required=True, help="projektets id (se 'medspil list')")
    invite.add_argument("--unit", required=True, help="enhedens id; den skal høre til projektet")
    invite.add_argument("--count", required=True, type=int, help="antal koder (1-2000)")
    invite.add_argument(
        "--wave", type=int, help="målingens id (standard: projektets måling, der er åben i dag)"
    )
    invite.add_argument("--pdf", help="gem udklipssedler med QR-koder i denne PDF-fil")
    invite.add_argument("--db", help="databasefil (standard: MEDSPIL_DB eller data/medspil.duckdb)")
    invite.set_defaults(func=cmd_invite)
