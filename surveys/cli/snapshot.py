"""``medspil snapshot``: create a MED snapshot with its PDF (and spreadsheet), verify one, list
them, or export one again. The command line runs as an administrator (it holds the database)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from data import open_database
from data import org as org_queries
from data.db import Database
from medspil.config import database_path
from medspil.errors import SnapshotUsage
from medspil.formatting import date_text
from medspil.i18n import t
from medspil.scope import Scope
from surveys.cli.common import line
from surveys.snapshots.freeze import (
    create_snapshot,
    open_snapshot,
    verify_snapshot,
    visible_snapshots,
)
from surveys.snapshots.view import SnapshotView, snapshot_view

EXIT_CHANGED = 1


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``medspil snapshot``."""
    command = sub.add_parser(
        "snapshot",
        help="MED-øjebliksbilleder: lav, kontrollér, vis, eksportér / MED snapshots",
        description=(
            "Lav et øjebliksbillede: --project P (--unit U | --committee C) --out FIL.pdf. "
            "Kontrollér et: --verify ID. Vis alle: --list. Eksportér et igen: --export ID."
        ),
    )
    action = command.add_mutually_exclusive_group()
    action.add_argument("--verify", type=int, metavar="ID", help="kontrollér indholdet")
    action.add_argument("--export", type=int, metavar="ID", help="eksportér et gemt igen")
    action.add_argument("--list", action="store_true", help="vis øjebliksbilleder og udvalg")
    command.add_argument("--project", help="projektets id (se 'medspil list')")
    area = command.add_mutually_exclusive_group()
    area.add_argument("--unit", help="enhedens id: enheden og alle enheder under den")
    area.add_argument("--committee", help="MED-udvalgets id (se 'medspil snapshot --list')")
    command.add_argument("--out", type=Path, metavar="FIL.pdf", help="skriv PDF-rapporten her")
    command.add_argument("--xlsx", type=Path, metavar="FIL.xlsx", help="skriv regnearket her")
    command.add_argument("--csv", type=Path, metavar="FIL.zip", help="skriv CSV-filerne her")
    command.add_argument("--comments", action="store_true", help="tag kommentarer med")
    command.add_argument("--replaces", type=int, metavar="ID", help="retter øjebliksbillede ID")
    command.add_argument("--by", help="hvem der laver det (navnet står i øjebliksbilledet)")
    command.add_argument(
        "--db", help="databasefil (standard: MEDSPIL_DB eller data/medspil.duckdb)"
    )
    command.set_defaults(func=cmd_snapshot)


def cmd_snapshot(args: argparse.Namespace) -> int:
    db = open_database(Path(args.db) if args.db else database_path())
    try:
        if args.verify is not None:
            verification = verify_snapshot(db, args.verify)
            print(verification.message("da"))
            return 0 if verification.intact else EXIT_CHANGED
        if args.list:
            _print_list(db)
            return 0
        if args.export is not None:
            _require_output(args)
            _write(open_snapshot(db, Scope.admin(), args.export), args)
            return 0
        return _create(db, args)
    finally:
        db.close()


def _create(db: Database, args: argparse.Namespace) -> int:
    if not args.project or not (args.unit or args.committee):
        raise SnapshotUsage()
    _require_output(args)
    # Who made it is the name given with --by; never the operating system's user name, which
    # says nothing to the committee and may be a shared service account.
    actor = (args.by or "").strip()
    snapshot_id = create_snapshot(
        db,
        Scope.admin(actor=actor or "kommandolinje"),
        project_id=args.project,
        area_kind="unit" if args.unit else "committee",
        area_id=args.unit or args.committee,
        today=dt.date.today(),
        include_comments=args.comments,
        replaces=args.replaces,
        created_by=f"{actor} (kommandolinje)" if actor else "(kommandolinje)",
    )
    snapshot = open_snapshot(db, Scope.admin(), snapshot_id)
    print(
        t(
            "snapshot.cli_created",
            "da",
            id=snapshot.id,
            date=date_text(snapshot.created_on),
            sha=snapshot.sha256,
        )
    )
    _write(snapshot, args)
    return 0


def _require_output(args: argparse.Namespace) -> None:
    if not (args.out or args.xlsx or args.csv):
        raise SnapshotUsage()


def _write(snapshot, args: argparse.Namespace) -> None:
    from surveys.snapshots.pdf import render_pdf
    from surveys.snapshots.spreadsheet import render_csv_zip, render_xlsx

    view: SnapshotView = snapshot_view(snapshot, "da")
    for path, render in (
        (args.out, render_pdf),
        (args.xlsx, render_xlsx),
        (args.csv, render_csv_zip),
    ):
        if path is None:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(render(view))
        print(t("snapshot.cli_written", "da", path=path))


def _print_list(db: Database) -> None:
    """Tab-separated: one line per snapshot, then one per MED committee (for --committee)."""
    for row in visible_snapshots(db, Scope.admin()).itertuples():
        replaces = "-" if row.replaces is None else str(row.replaces)
        replaced_by = "-" if row.replaced_by is None else str(row.replaced_by)
        created = row.created_on
        created_on = created.isoformat() if isinstance(created, dt.date) else str(created)
        print(
            line(
                [
                    "snapshot",
                    row.id,
                    created_on,
                    row.project_id,
                    f"{row.area_kind}:{row.area_id}",
                    replaces,
                    replaced_by,
                    row.sha256,
                ]
            )
        )
    committees = org_queries.committees(db)
    for committee_id, name, unit_ids in zip(
        committees["id"], committees["name"], committees["unit_ids"], strict=True
    ):
        print(line(["committee", committee_id, name, ",".join(unit_ids)]))
    sys.stdout.flush()
