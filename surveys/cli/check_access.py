"""``medspil check-access``: check the role file and print the scope each entry gives."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from data import open_database
from medspil.config import config_file, load_settings
from medspil.errors import DatabaseLocked
from medspil.i18n import t
from medspil.vocabulary import Role
from surveys.administration.access import AccessRules, Identity, load_access_rules, scope_for
from surveys.cli.common import add_db_option, db_path, line


def cmd_check_access(args: argparse.Namespace) -> int:
    """Check the role file and print each entry with the scope it gives (tab-separated)."""
    config = Path(args.config) if args.config else config_file()
    load_settings(config)  # the [medspil] and [login] settings: every problem with its line
    rules = load_access_rules(config)
    try:
        db = open_database(db_path(args))
    except DatabaseLocked:
        return _print_unchecked(rules)
    try:
        for entry in rules.entries:
            identity = Identity(
                email=entry.email, groups=frozenset({entry.group} if entry.group else ())
            )
            scope = scope_for(db, identity, rules)
            if scope is None:  # cannot happen: the entry names the identity
                continue
            roots = "*" if scope.unit_roots is None else ",".join(sorted(scope.unit_roots))
            who = f"email:{entry.email}" if entry.email else f"group:{entry.group}"
            print(line([entry.number, who, scope.role, roots]))
    finally:
        db.close()
    print(t("access.cli_ok", "da", count=len(rules.entries), path=rules.source), file=sys.stderr)
    return 0


def _print_unchecked(rules: AccessRules) -> int:
    """The app holds the database: the file itself is checked, the units and committees it
    names cannot be; each entry with what it names, and a note saying so (exit code 0)."""
    for entry in rules.entries:
        who = f"email:{entry.email}" if entry.email else f"group:{entry.group}"
        if entry.role in (Role.ADMIN, Role.ANALYTIKER):
            names = "*"
        elif entry.committees:
            names = ",".join(f"udvalg:{c}" for c in entry.committees)
        else:
            names = ",".join(entry.units)
        print(line([entry.number, who, entry.role, names]))
    count = len(rules.entries)
    print(t("serving.check_access", "da", count=count, path=rules.source), file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    access = sub.add_parser(
        "check-access", help="tjek rollefilen / check the role file ([[access]] in medspil.toml)"
    )
    access.add_argument("--config", help="rollefil (standard: MEDSPIL_CONFIG eller medspil.toml)")
    add_db_option(access)
    access.set_defaults(func=cmd_check_access)
