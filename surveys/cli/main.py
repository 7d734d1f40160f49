"""The ``medspil`` command line: one module per sub-command, imported only when it runs.

``medspil --help`` lists the commands from the table below without importing any of them, so it
does not load WeasyPrint, scipy or plotly; ``medspil snapshot ...`` imports the snapshot module
(and what it needs) and nothing else. Every error is one plain message on standard error and exit
code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from medspil.errors import DatabaseLocked, MedspilError

EXIT_ERROR = 2

# command -> (module that registers and runs it, the one-line help of the command list).
# A new sub-command: its own module with ``register(sub)``, and one line here.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("surveys.cli.init", "opret en tom database / create an empty database"),
    "demo": ("surveys.cli.demo", "byg demokommunen / build the demo kommune"),
    "prepare": (
        "surveys.cli.prepare",
        "opret databasen med demodata, hvis den mangler / used by make run",
    ),
    "list": ("surveys.cli.listing", "vis projekter og enheder / list projects and units"),
    "import-units": (
        "surveys.cli.import_units",
        "importér organisationen fra CSV / import the unit tree from CSV",
    ),
    "check-access": (
        "surveys.cli.check_access",
        "tjek rollefilen / check the role file ([[access]] in medspil.toml)",
    ),
    "snapshot": (
        "surveys.cli.snapshot",
        "MED-øjebliksbilleder: lav, kontrollér, vis, eksportér / MED snapshots",
    ),
    "invite": (
        "surveys.cli.invite",
        "udsted svarkoder til en enhed / issue answer codes for a unit",
    ),
    "close-wave": (
        "surveys.cli.close_wave",
        "luk en åben måling før tid / close an open wave early",
    ),
    "import-responses": (
        "surveys.cli.import_responses",
        "importér tidligere svar (SurveyXact, lang CSV) / import earlier responses",
    ),
    "imports": ("surveys.cli.import_responses", "vis importer / list imports"),
    "remove-import": ("surveys.cli.import_responses", "fjern en import / remove an import"),
    "backup": ("surveys.cli.backup", "tag en sikkerhedskopi / back up the database"),
    "restore": ("surveys.cli.backup", "gendan fra en sikkerhedskopi / restore a backup"),
    "med-log": ("surveys.cli.together", "MED-loggen: drøftelser af projektet / the MED log"),
    "actions": ("surveys.cli.together", "aftalte handlinger / agreed actions"),
    "audit-disclosure": (
        "surveys.cli.audit",
        "afsløringstjek af alt, rollerne kan se / disclosure audit of every role's view",
    ),
}


# While the app serves, it holds the database file and no other process can open it (DuckDB
# allows one writer and no reader beside it). A command that needs the file then says which page
# of the app does the same (``serving.<command>``), or to stop the app; see docs/design.md.
WHILE_SERVING = {
    "list": "serving.list",
    "invite": "serving.invite",
    "close-wave": "serving.close_wave",
    "snapshot": "serving.snapshot",
    "import-units": "serving.import_units",
    "import-responses": "serving.import_responses",
    "imports": "serving.import_responses",
    "remove-import": "serving.import_responses",
    "audit-disclosure": "serving.audit_disclosure",
    "med-log": "serving.med_log",
    "actions": "serving.actions",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser: ``command``'s module registers its full sub-parser; every other command is
    listed by name and help only (its module is not imported)."""
    parser = argparse.ArgumentParser(
        prog="medspil", description="Medspil: pulsmålinger om mening, motivation og medspil."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    chosen = COMMANDS[command][0] if command in COMMANDS else None
    for name, (module, summary) in COMMANDS.items():
        if name in sub.choices:
            continue  # registered with a sibling command of the same module
        if module == chosen:
            importlib.import_module(module).register(sub)
        else:
            sub.add_parser(name, help=summary)
    return parser


def _plain(message: str) -> str:
    """An error message for the terminal: a value quoted from a file or the database keeps no
    terminal escape or other control character (line breaks stay)."""
    from medspil.text import clean_text

    return clean_text(message)


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    command = next((word for word in arguments if word in COMMANDS), None)
    args = build_parser(command).parse_args(arguments)
    try:
        return int(args.func(args))
    except DatabaseLocked as e:
        from medspil.i18n import t

        hint = WHILE_SERVING.get(args.command, "serving.stop_the_app")
        danish = t("serving.in_use", "da", path=e.params.get("path", "")) + " " + t(hint, "da")
        english = t("serving.in_use", "en", path=e.params.get("path", "")) + " " + t(hint, "en")
        print(_plain(f"Fejl: {danish}\nError: {english}"), file=sys.stderr)
        return EXIT_ERROR
    except MedspilError as e:
        print(_plain(f"Fejl: {e.message('da')}\nError: {e.message('en')}"), file=sys.stderr)
        return EXIT_ERROR
    except Exception as e:
        # A damaged file that opened (a truncated copy) fails on its first missing block: one
        # plain message, not a traceback. Anything else is a bug and keeps its traceback.
        from data.db import StorageError, storage_failure
        from medspil.config import database_path

        if not isinstance(e, StorageError):
            raise
        path = Path(args.db) if getattr(args, "db", None) else database_path()
        failure = storage_failure(e, path)
        print(
            _plain(f"Fejl: {failure.message('da')}\nError: {failure.message('en')}"),
            file=sys.stderr,
        )
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
