"""``medspil backup`` and ``medspil restore``: while the app is stopped (the app itself takes
backups while it serves: the Logbog page's button)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from medspil.i18n import t
from surveys.administration.backup import backup_stopped, restore, scheduled_backup
from surveys.cli.common import add_db_option, db_path


def cmd_backup(args: argparse.Namespace) -> int:
    if args.keep is not None:
        written, removed = scheduled_backup(db_path(args), keep=args.keep, now=dt.datetime.now())
        message = t("backup.cli_rotated", "da", path=str(written), removed=len(removed))
        print(message, file=sys.stderr)
        return 0
    written = backup_stopped(db_path(args), Path(args.to))
    print(t("backup.cli_written", "da", path=str(written)), file=sys.stderr)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    target = db_path(args)
    kept = restore(Path(args.file), target, now=dt.datetime.now())
    print(
        t("backup.cli_restored", "da", db=str(target), backup=args.file, kept=str(kept)),
        file=sys.stderr,
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    backup = sub.add_parser(
        "backup", help="tag en sikkerhedskopi (appen stoppet) / back up (app stopped)"
    )
    where = backup.add_mutually_exclusive_group(required=True)
    where.add_argument("--to", help="ny fil til kopien (overskriver aldrig)")
    where.add_argument(
        "--keep",
        type=int,
        metavar="N",
        help="til cron/systemd: ny kopi i sikkerhedskopier/ ved databasen, behold de N nyeste",
    )
    add_db_option(backup)
    backup.set_defaults(func=cmd_backup)
    back = sub.add_parser(
        "restore", help="gendan fra en sikkerhedskopi (appen stoppet) / restore (app stopped)"
    )
    back.add_argument("file", help="sikkerhedskopien, der skal gendannes")
    add_db_option(back)
    back.set_defaults(func=cmd_restore)
