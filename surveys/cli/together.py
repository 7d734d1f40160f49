"""``medspil med-log add|list`` and ``medspil actions add|list|close``: the MED log and the agreed
actions from the command line, for scripting. Lists are tab-separated, one line per entry, with
a header line; every field is cleaned of tabs, line breaks and terminal escapes."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Iterable

from data import open_database
from medspil.scope import Scope
from medspil.text import clean_text
from medspil.vocabulary import ActionSource, ActionStatus
from surveys.cli.common import actor, add_db_option, db_path
from surveys.together import actions, med_log


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"»{text}« er ikke en dato; skriv den som 2026-04-18 / not a date; write it as "
            "2026-04-18"
        ) from None


def _scope(args: argparse.Namespace) -> Scope:
    """Whoever runs the command holds the database file and acts as an administrator; ``--by``
    names the person for the log (else the system user, ``cli:<user name>``)."""
    by = clean_text(args.by or "", single_line=True).strip()
    return Scope.admin(actor=f"{by} (kommandolinje)" if by else actor())


def _line(fields: Iterable[object]) -> str:
    return "\t".join(
        "-" if value is None or value == "" else clean_text(value, single_line=True)
        for value in fields
    )


def _numbers(values: Iterable[int]) -> str:
    return ",".join(str(v) for v in values)


LOG_HEADER = (
    "id",
    "met_on",
    "committee",
    "phase",
    "topic",
    "decision",
    "questions",
    "principles",
    "snapshot",
    "corrects",
    "frozen_by",
    "corrected_by",
    "recorded_by",
)


def cmd_log_add(args: argparse.Namespace) -> int:
    db = open_database(db_path(args))
    try:
        entry_id = med_log.add_entry(
            db,
            _scope(args),
            med_log.EntryInput(
                project_id=args.project,
                committee_id=args.committee,
                met_on=args.date,
                topic=args.topic,
                decision=args.decision or "",
                phase_kind=args.phase,
                questions=tuple(args.question or ()),
                principles=tuple(args.principle or ()),
                snapshot_id=args.snapshot,
            ),
            today=dt.date.today(),
            corrects=args.corrects,
        )
    finally:
        db.close()
    print(entry_id)
    return 0


def cmd_log_list(args: argparse.Namespace) -> int:
    db = open_database(db_path(args))
    try:
        entries = med_log.visible_entries(db, Scope.admin(), args.project)
    finally:
        db.close()
    print("\t".join(LOG_HEADER))
    for e in entries:
        if args.committee and e.committee_id != args.committee:
            continue
        print(
            _line(
                (
                    e.id,
                    e.met_on.isoformat(),
                    e.committee_id,
                    e.phase_kind,
                    e.topic,
                    e.decision,
                    _numbers(e.questions),
                    _numbers(e.principles),
                    e.snapshot_id,
                    e.corrects,
                    e.frozen_by,
                    e.corrected_by,
                    e.recorded_by,
                )
            )
        )
    return 0


ACTION_HEADER = (
    "id",
    "project",
    "units",
    "what",
    "responsible",
    "agreed_on",
    "due",
    "status",
    "source",
    "source_ref",
    "closed_on",
    "outcome",
)


def cmd_actions_add(args: argparse.Namespace) -> int:
    db = open_database(db_path(args))
    try:
        action_id = actions.add_action(
            db,
            _scope(args),
            actions.ActionInput(
                project_id=args.project,
                unit_ids=tuple(args.unit),
                what=args.what,
                responsible=args.responsible,
                agreed_on=args.agreed or dt.date.today(),
                due=args.due,
                source=args.source,
                source_ref=args.ref or "",
            ),
            today=dt.date.today(),
        )
    finally:
        db.close()
    print(action_id)
    return 0


def cmd_actions_list(args: argparse.Namespace) -> int:
    db = open_database(db_path(args))
    try:
        found = actions.visible_actions(db, Scope.admin(), args.project, open_only=args.open)
    finally:
        db.close()
    print("\t".join(ACTION_HEADER))
    for a in found:
        print(
            _line(
                (
                    a.id,
                    a.project_id,
                    ",".join(a.unit_ids),
                    a.what,
                    a.responsible,
                    a.agreed_on.isoformat(),
                    a.due.isoformat() if a.due else None,
                    a.status,
                    a.source,
                    a.source_ref,
                    a.closed_on.isoformat() if a.closed_on else None,
                    a.outcome,
                )
            )
        )
    return 0


def cmd_actions_close(args: argparse.Namespace) -> int:
    db = open_database(db_path(args))
    try:
        actions.set_status(
            db,
            _scope(args),
            args.id,
            args.status,
            outcome=args.outcome or "",
            today=dt.date.today(),
        )
    finally:
        db.close()
    return 0


def _by(command: argparse.ArgumentParser) -> None:
    command.add_argument("--by", help="hvem der skriver (står i logbogen) / who writes")


def register(sub: argparse._SubParsersAction) -> None:
    log = sub.add_parser("med-log", help="MED-loggen: drøftelser af projektet / the MED log")
    log_sub = log.add_subparsers(dest="log_command", required=True)
    add = log_sub.add_parser("add", help="skriv en drøftelse / add a discussion")
    add_db_option(add)
    _by(add)
    add.add_argument("--project", required=True)
    add.add_argument("--committee", required=True, help="MED-udvalgets id, fx LMED-SYD")
    add.add_argument("--date", required=True, type=_day, help="mødedato, fx 2026-04-18")
    add.add_argument("--topic", required=True, help="hvad blev drøftet")
    add.add_argument("--decision", help="hvad blev besluttet eller aftalt")
    add.add_argument("--phase", help="fasen, fx udvikling")
    add.add_argument("--question", type=int, action="append", help="et af de fem spørgsmål, 1-5")
    add.add_argument("--principle", type=int, action="append", help="et af de ti principper")
    add.add_argument("--snapshot", type=int, help="øjebliksbilledet, der lå på bordet")
    add.add_argument("--corrects", type=int, help="nummeret på posten, denne retter")
    add.set_defaults(func=cmd_log_add)
    listing = log_sub.add_parser("list", help="vis loggen (tabulatorsepareret) / list it")
    add_db_option(listing)
    listing.add_argument("--project")
    listing.add_argument("--committee")
    listing.set_defaults(func=cmd_log_list)

    acts = sub.add_parser("actions", help="aftalte handlinger / agreed actions")
    acts_sub = acts.add_subparsers(dest="actions_command", required=True)
    add = acts_sub.add_parser("add", help="registrér en aftalt handling / record an action")
    add_db_option(add)
    _by(add)
    add.add_argument("--project", required=True)
    add.add_argument("--unit", required=True, action="append", help="enhed, den vedrører")
    add.add_argument("--what", required=True, help="hvad skal gøres")
    add.add_argument("--responsible", required=True, help="ansvarlig: en rolle eller et navn")
    add.add_argument("--due", type=_day, help="frist, fx 2026-06-30")
    add.add_argument("--agreed", type=_day, help="dato for aftalen (standard: i dag)")
    add.add_argument("--source", default=ActionSource.OTHER, choices=[str(s) for s in ActionSource])
    add.add_argument("--ref", help="kilden: MED-loggens postnummer, øjebliksbilledets nummer")
    add.set_defaults(func=cmd_actions_add)
    listing = acts_sub.add_parser("list", help="vis handlinger (tabulatorsepareret)")
    add_db_option(listing)
    listing.add_argument("--project")
    listing.add_argument("--open", action="store_true", help="kun åbne handlinger")
    listing.set_defaults(func=cmd_actions_list)
    close = acts_sub.add_parser("close", help="luk en handling / close an action")
    add_db_option(close)
    _by(close)
    close.add_argument("id", type=int)
    close.add_argument(
        "--status",
        default=ActionStatus.UDFOERT,
        choices=[str(s) for s in ActionStatus],
        help="udfoert (standard), opgivet, i_gang eller aaben",
    )
    close.add_argument("--outcome", help="hvad kom der ud af den")
    close.set_defaults(func=cmd_actions_close)
