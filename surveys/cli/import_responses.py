"""``medspil import-responses``: import earlier pulse data with a mapping; ``--dry-run`` only
previews. ``medspil imports`` lists imports and ``medspil remove-import`` removes one."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from data import open_database
from medspil.config import database_path
from medspil.errors import MappingInvalid
from medspil.formatting import integer
from medspil.i18n import t
from surveys.cli.common import admin_scope, field, plain_lines, table_lines
from surveys.importing.importer import (
    apply_import,
    import_list,
    preview_import,
    remove_import,
    suggested_mapping,
)
from surveys.importing.mapping import dump_mapping, mapping_text, parse_mapping
from surveys.importing.sources import read_path


def _db(args: argparse.Namespace) -> Path:
    return Path(args.db) if args.db else database_path()


def _read_mapping(path: str) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise MappingInvalid([("import.mapping_unreadable", {"path": path})]) from e
    return mapping_text(data, path)


def cmd_import(args: argparse.Namespace) -> int:
    """Preview the file with the mapping; store it unless ``--dry-run``."""
    source = read_path(Path(args.file))
    db = open_database(_db(args))
    try:
        if args.suggest_for:
            print(dump_mapping(suggested_mapping(db, source, args.suggest_for)), end="")
            return 0
        if not args.mapping:
            raise MappingInvalid([("import.mapping_missing", {})])
        mapping = parse_mapping(_read_mapping(args.mapping))
        today = dt.date.today()
        preview = preview_import(db, source, mapping, today=today)
        print(plain_lines(preview.summary("da")))
        print(table_lines(preview.table("da")), end="")
        if args.dry_run:
            print(t("import.cli_dry_run", "da"), file=sys.stderr)
            return 0
        import_id, done = apply_import(db, source, mapping, scope=admin_scope(), today=today)
        print(
            t("import.applied", "da", id=import_id, responses=integer(done.stored)), file=sys.stderr
        )
        return 0
    finally:
        db.close()


def cmd_imports(args: argparse.Namespace) -> int:
    db = open_database(_db(args))
    try:
        print(table_lines(import_list(db, "da")), end="")
    finally:
        db.close()
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    db = open_database(_db(args))
    try:
        record = remove_import(db, args.id, scope=admin_scope())
    finally:
        db.close()
    print(t("import.removed", "da", id=record.id, file=field(record.file_name)), file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``medspil import-responses``, ``medspil imports`` and ``medspil remove-import``."""
    db_help = "databasefil (standard: MEDSPIL_DB eller data/medspil.duckdb)"
    command = sub.add_parser(
        "import-responses",
        help="importér tidligere svar (SurveyXact, lang CSV) / import earlier responses",
    )
    command.add_argument(
        "file",
        help="SurveyXact .xlsx, dataset.csv (med structure.csv og labels.csv), en mappe "
        "med de tre filer, eller en lang CSV (wave_date, unit_id, respondent, item_id, value)",
    )
    command.add_argument("--mapping", help="mappingfilen (TOML, se README: Importér data)")
    command.add_argument("--dry-run", action="store_true", help="vis kun, hvad der ville ske")
    command.add_argument(
        "--suggest-for", metavar="PROJEKT", help="skriv et forslag til en mapping for projektet"
    )
    command.add_argument("--db", help=db_help)
    command.set_defaults(func=cmd_import)
    listing = sub.add_parser("imports", help="vis importer / list imports")
    listing.add_argument("--db", help=db_help)
    listing.set_defaults(func=cmd_imports)
    remove = sub.add_parser("remove-import", help="fjern en import / remove an import")
    remove.add_argument("id", type=int, help="importens nummer (se 'medspil imports')")
    remove.add_argument("--db", help=db_help)
    remove.set_defaults(func=cmd_remove)
