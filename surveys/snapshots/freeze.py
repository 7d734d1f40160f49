"""MED snapshots: create (frozen, hashed, audited), list and open by scope, and verify.

What the SHA-256 covers (format version 1): the UTF-8 bytes of

    canonical_json(header) + "\\n" + content

where ``header`` is ``{"format_version", "created_on" (ISO date), "created_by", "project_id",
"area_kind", "area_id", "instrument_id", "k_min", "replaces"}`` exactly as stored in the row, and
``content`` is the stored text, itself ``canonical_json`` of the frozen content. Canonical JSON
is ``json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` after every
float is rounded to 6 decimals (so the hash does not depend on the last bits of a float). Any
change to a header column or to one character of the content changes the hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from dataclasses import dataclass
from typing import Any, cast

import pandas as pd

from data import org as org_queries
from data import projects as project_queries
from data import snapshots as snapshot_queries
from data.db import Database
from data.snapshots import StoredSnapshot
from medspil.errors import (
    AccessDenied,
    SnapshotNotFound,
    SnapshotReplaceMismatch,
    SnapshotUnreadable,
    UnknownProject,
)
from medspil.i18n import t
from medspil.scope import Scope
from medspil.vocabulary import COMMITTEE_ROLES, SNAPSHOT_CREATOR_ROLES, AreaKind
from surveys.dashboards.overview import visible_projects
from surveys.snapshots.content import Area, build_content, resolve_area
from surveys.snapshots.schema import SnapshotContent
from surveys.together.frozen import log_entry_ids

FORMAT_VERSION = 1
DECIMALS = 6


@dataclass(frozen=True)
class Snapshot:
    """A stored snapshot, opened: the header columns and the parsed frozen content."""

    id: int
    format_version: int
    created_on: dt.date
    created_by: str
    project_id: str
    area_kind: str
    area_id: str
    instrument_id: str
    k_min: int
    replaces: int | None
    sha256: str
    content: SnapshotContent


@dataclass(frozen=True)
class Verification:
    """The stored hash against one recomputed from the stored row."""

    snapshot_id: int
    intact: bool
    stored_sha256: str
    computed_sha256: str

    def message(self, lang: str = "da") -> str:
        key = "snapshot.verify_intact" if self.intact else "snapshot.verify_changed"
        return t(key, lang, id=self.snapshot_id, sha=self.stored_sha256)


def canonical(value: Any) -> Any:
    """``value`` with floats rounded to ``DECIMALS`` and tuples as lists; NaN is refused."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("a snapshot holds no NaN or infinite number; use None")
        rounded = round(value, DECIMALS)
        return 0.0 if rounded == 0 else rounded
    if isinstance(value, dict):
        return {str(key): canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(item) for item in value]
    return value


def canonical_json(value: Any) -> str:
    """The one text form of ``value`` that is hashed (see the module docstring)."""
    return json.dumps(
        canonical(value),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )


def header_fields(row: StoredSnapshot | Snapshot) -> dict[str, Any]:
    """The header columns that the hash covers, as JSON values."""
    return {
        "format_version": int(row.format_version),
        "created_on": row.created_on.isoformat(),
        "created_by": row.created_by,
        "project_id": row.project_id,
        "area_kind": row.area_kind,
        "area_id": row.area_id,
        "instrument_id": row.instrument_id,
        "k_min": int(row.k_min),
        "replaces": None if row.replaces is None else int(row.replaces),
    }


def snapshot_hash(header: dict[str, Any], content_text: str) -> str:
    """SHA-256 (hex) of ``canonical_json(header) + "\\n" + content_text``."""
    document = canonical_json(header) + "\n" + content_text
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


def can_create(scope: Scope) -> bool:
    """Administrators and ledere create snapshots; MED members and analysts only read them."""
    return scope.role in SNAPSHOT_CREATOR_ROLES


def creatable_projects(db: Database, scope: Scope) -> dict[str, str]:
    """``{project id: name}`` of the projects the user may snapshot (those in their scope)."""
    if not can_create(scope):
        return {}
    projects = visible_projects(db, scope)
    return dict(zip(projects["id"], projects["name"], strict=True))


def area_label(area: Area, lang: str) -> str:
    kind = (
        "snapshot.area_option_committee"
        if area.kind == AreaKind.COMMITTEE
        else "snapshot.area_option_unit"
    )
    return t(kind, lang, name=area.name)


def creatable_areas(db: Database, scope: Scope) -> list[Area]:
    """The areas the user may create a snapshot for: committees, then units, inside the scope."""
    if not can_create(scope):
        return []
    visible = set(org_queries.visible_unit_ids(db, scope))
    areas = []
    committees = org_queries.committees(db)
    for committee_id, name, unit_ids in zip(
        committees["id"], committees["name"], committees["unit_ids"], strict=True
    ):
        roots = tuple(unit_ids)
        if roots and set(roots) <= visible:
            areas.append(Area(AreaKind.COMMITTEE, committee_id, name, roots))
    units = org_queries.units(db)
    units = units[units["id"].isin(visible)]
    for unit_id, name in zip(units["id"], units["name"], strict=True):
        areas.append(Area(AreaKind.UNIT, unit_id, name, (unit_id,)))
    return areas


def create_snapshot(
    db: Database,
    scope: Scope,
    *,
    project_id: str,
    area_kind: str,
    area_id: str,
    today: dt.date,
    include_comments: bool = False,
    replaces: int | None = None,
    created_by: str | None = None,
) -> int:
    """Freeze the project's results for the area as of ``today``; return the new snapshot's id.

    Only an administrator or a leder (for an area inside their scope) may create one. A
    correction names the snapshot it ``replaces``, which must be of the same project and area.
    """
    if not can_create(scope):
        raise AccessDenied()
    replaces = None if replaces is None else int(replaces)
    area = resolve_area(db, area_kind, area_id)
    if not any(a.kind == area.kind and a.id == area.id for a in creatable_areas(db, scope)):
        raise AccessDenied()
    if project_id not in set(visible_projects(db, scope)["id"]):
        raise UnknownProject(project=project_id)
    if replaces is not None:
        old = snapshot_queries.stored_snapshot(db, replaces)
        if old is None:
            raise SnapshotNotFound(id=replaces)
        if (old.project_id, old.area_kind, old.area_id) != (project_id, area_kind, area_id):
            raise SnapshotReplaceMismatch(id=replaces)
    project = project_queries.project(db, project_id)
    if project is None:
        raise UnknownProject(project=project_id)
    content = build_content(
        db, project_id=project_id, area=area, today=today, include_comments=include_comments
    )
    content_text = canonical_json(content)
    header = {
        "format_version": FORMAT_VERSION,
        "created_on": today.isoformat(),
        "created_by": created_by or f"{scope.actor} ({scope.role})",
        "project_id": project_id,
        "area_kind": area.kind,
        "area_id": area.id,
        "instrument_id": project["instrument_id"],
        "k_min": int(project["k_min"]),
        "replaces": replaces,
    }
    return snapshot_queries.insert_snapshot(
        db,
        format_version=FORMAT_VERSION,
        created_on=today,
        created_by=header["created_by"],
        project_id=project_id,
        area_kind=area.kind,
        area_id=area.id,
        instrument_id=header["instrument_id"],
        k_min=header["k_min"],
        replaces=replaces,
        content=content_text,
        sha256=snapshot_hash(header, content_text),
        shown_log_entries=tuple(log_entry_ids(content)),
        audit_detail=(
            f"snapshot {{id}}: project {project_id}, {area.kind} {area.id}"
            + (f", replaces {replaces}" if replaces is not None else "")
            + (", with comments" if include_comments else "")
        ),
    )


def _may_see(db: Database, scope: Scope, area_kind: str, area_id: str) -> bool:
    if scope.sees_everything:
        return True
    if scope.role in COMMITTEE_ROLES:
        return area_kind == AreaKind.COMMITTEE and area_id in scope.committee_ids
    visible = set(org_queries.visible_unit_ids(db, scope))
    if area_kind == AreaKind.UNIT:
        return area_id in visible
    roots = org_queries.committee_roots(db, area_id)
    return bool(roots) and set(roots) <= visible


def visible_snapshots(db: Database, scope: Scope) -> pd.DataFrame:
    """The snapshot headers the user may open, newest first, with ``project_name``,
    ``area_name`` and ``replaced_by``."""
    if scope.role in COMMITTEE_ROLES:
        headers = snapshot_queries.snapshot_headers(
            db, area_kind=AreaKind.COMMITTEE, area_ids=sorted(scope.committee_ids)
        )
    else:
        headers = snapshot_queries.snapshot_headers(db)
        keep = [
            _may_see(db, scope, kind, area)
            for kind, area in zip(headers["area_kind"], headers["area_id"], strict=True)
        ]
        headers = headers[pd.Series(keep, index=headers.index, dtype=bool)]
    projects = project_queries.projects(db).set_index("id")["name"].to_dict()
    units, committees = org_queries.units(db), org_queries.committees(db)
    names = {
        (AreaKind.UNIT, unit_id): name
        for unit_id, name in zip(units["id"], units["name"], strict=True)
    } | {
        (AreaKind.COMMITTEE, committee_id): name
        for committee_id, name in zip(committees["id"], committees["name"], strict=True)
    }
    headers = headers.assign(
        project_name=[projects.get(p, p) for p in headers["project_id"]],
        area_name=[
            names.get((kind, area), area)
            for kind, area in zip(headers["area_kind"], headers["area_id"], strict=True)
        ],
    )
    return headers.reset_index(drop=True)


def open_snapshot(db: Database, scope: Scope, snapshot_id: int) -> Snapshot:
    """One snapshot the user may see, read-only; its content exactly as frozen."""
    row = snapshot_queries.stored_snapshot(db, snapshot_id)
    if row is None:
        raise SnapshotNotFound(id=snapshot_id)
    if not _may_see(db, scope, row.area_kind, row.area_id):
        raise AccessDenied()
    return Snapshot(
        id=int(row.id),
        format_version=int(row.format_version),
        created_on=row.created_on,
        created_by=row.created_by,
        project_id=row.project_id,
        area_kind=row.area_kind,
        area_id=row.area_id,
        instrument_id=row.instrument_id,
        k_min=int(row.k_min),
        replaces=None if row.replaces is None else int(row.replaces),
        sha256=row.sha256,
        content=_parsed(row),
    )


def _parsed(row: StoredSnapshot) -> SnapshotContent:
    """The stored content, read as the schema says (a version 1 snapshot frozen before a part
    existed lacks it: the schema's ``NotRequired`` keys)."""
    try:
        content = json.loads(row.content)
    except json.JSONDecodeError as e:
        raise SnapshotUnreadable(id=row.id) from e
    if not isinstance(content, dict) or row.format_version != FORMAT_VERSION:
        raise SnapshotUnreadable(id=row.id)
    return cast(SnapshotContent, content)


def verify_snapshot(db: Database, snapshot_id: int, scope: Scope | None = None) -> Verification:
    """Recompute the hash from the stored row and compare it with the stored hash.

    With a ``scope`` (the page), only a snapshot the user may see; without (the CLI, which has
    the database file anyway), any.
    """
    row = snapshot_queries.stored_snapshot(db, snapshot_id)
    if row is None:
        raise SnapshotNotFound(id=snapshot_id)
    if scope is not None and not _may_see(db, scope, row.area_kind, row.area_id):
        raise AccessDenied()
    computed = snapshot_hash(header_fields(row), row.content)
    return Verification(
        snapshot_id=int(row.id),
        intact=computed == row.sha256,
        stored_sha256=row.sha256,
        computed_sha256=computed,
    )
