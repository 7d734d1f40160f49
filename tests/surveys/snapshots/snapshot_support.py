"""Helpers for the snapshot tests: a demo copy per module, and the small-team check."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from data import open_database
from data.db import Database
from medspil.scope import Scope
from surveys.snapshots.freeze import create_snapshot

TODAY = dt.date.today()
SMALL_TEAM = ("NORD-NAT", "Nattevagten Nord")
DIGIT = re.compile(r"\d")


def demo_database(demo_file: Path, folder: Path) -> Iterator[Database]:
    """A private copy of the session's demo file, open for one module."""
    target = folder / "demo.duckdb"
    shutil.copy(demo_file, target)
    db = open_database(target)
    yield db
    db.close()


def make_snapshot(
    db: Database,
    *,
    scope: Scope | None = None,
    project: str = "medicin",
    kind: str = "committee",
    area: str = "LMED-NORD",
    comments: bool = False,
    replaces: int | None = None,
    today: dt.date = TODAY,
) -> int:
    return create_snapshot(
        db,
        scope or Scope.admin(actor="test"),
        project_id=project,
        area_kind=kind,
        area_id=area,
        today=today,
        include_comments=comments,
        replaces=replaces,
    )


def records_naming_the_small_team(value: Any) -> list[dict]:
    """Every dict anywhere in ``value`` that has the small team's id or name as a value."""
    found = []
    if isinstance(value, dict):
        if any(v in SMALL_TEAM for v in value.values() if isinstance(v, str)):
            found.append(value)
        for v in value.values():
            found += records_naming_the_small_team(v)
    elif isinstance(value, list):
        for v in value:
            found += records_naming_the_small_team(v)
    return found


# Which wave or phase a record is about: an address, not a number computed from answers.
KEY_FIELDS = {"wave", "previous_wave", "phase", "previous_phase", "from", "to"}


def numbers_in(record: dict) -> list[object]:
    """The numbers (not booleans, not wave or phase keys) among a record's own values."""
    return [
        v
        for k, v in record.items()
        if k not in KEY_FIELDS and isinstance(v, int | float) and not isinstance(v, bool)
    ]


def lines_with_the_small_team(text: str) -> list[str]:
    return [line for line in text.splitlines() if any(name in line for name in SMALL_TEAM)]
