"""``medspil demo``: the demo kommune, deterministic for a seed and a day."""

from __future__ import annotations

import argparse
import sys

from surveys.cli.common import add_db_option, db_path, fresh_database
from surveys.installation.demo import build_demo, freeze_demo_snapshot


def cmd_demo(args: argparse.Namespace) -> int:
    """Create the demo kommune (deterministic for a seed and a day)."""
    path = db_path(args)
    db = fresh_database(path, args.force)
    build_demo(db, seed=args.seed)
    freeze_demo_snapshot(db)
    db.close()
    print(f"Demokommunen er bygget i {path} (seed {args.seed}).", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser("demo", help="byg demokommunen / build the demo kommune")
    demo.add_argument("--force", action="store_true", help="overskriv en eksisterende database")
    demo.add_argument("--seed", type=int, default=1, help="tilfældighedsfrø (standard 1)")
    add_db_option(demo)
    demo.set_defaults(func=cmd_demo)
