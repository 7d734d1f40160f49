"""``medspil backup`` and ``medspil restore``: while the app is stopped (the app itself takes
backups while it serves: the Logbog page's button)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from medspil.i18n import t
from surveys.administration.backup import backup_stopped, restore
from surveys.cli.common import add_db_option, db_path


def cmd_backup(args: argparse.Namespace) -> int:
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
    backup.add_argument("--to", required=True, help="ny fil til kopien (overskriver aldrig)")
    add_db_option(backup)
    backup.set_defaults(func=cmd_backup)
    back = sub.add_parser(
        "restore", help="gendan fra en sikkerhedskopi (appen stoppet) / restore (app stopped)"
    )
    back.add_argument("file", help="sikkerhedskopien, der skal gendannes")
    add_db_option(back)
    back.set_defaults(func=cmd_restore)
