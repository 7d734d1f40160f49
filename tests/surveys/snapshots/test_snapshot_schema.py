"""The snapshot content schema (surveys/snapshots/schema.py) against what the builder stores:
snapshots frozen from the demo kommune and read back have exactly the keys the TypedDicts name
(required ones present, none unnamed) and values of the declared types, all the way down."""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NotRequired, Required, get_args, get_origin, get_type_hints

import pytest

from data.db import Database
from medspil.scope import Scope
from surveys.snapshots.freeze import open_snapshot
from surveys.snapshots.schema import SnapshotContent
from tests.conftest import TODAY
from tests.surveys.snapshots.snapshot_support import demo_database, make_snapshot

# Parts only snapshots frozen before the present builder hold.
LEGACY_KEYS = {"significant"}


@pytest.fixture(scope="module")
def db(demo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    yield from demo_database(demo_file, tmp_path_factory.mktemp("schema"))


@pytest.fixture(scope="module")
def contents(db: Database) -> dict[str, Any]:
    """Stored contents of several shapes: a committee with comments, frozen twice (the second
    has a 'since last time'), and a small unit without comments."""
    earlier = make_snapshot(db, comments=True, today=TODAY - dt.timedelta(days=30))
    again = make_snapshot(db, comments=True)
    unit = make_snapshot(db, kind="unit", area="NORD-NAT")
    return {
        name: open_snapshot(db, Scope.admin(), snapshot_id).content
        for name, snapshot_id in (("earlier", earlier), ("again", again), ("unit", unit))
    }


def _unwrap(hint: Any) -> Any:
    """The type inside ``NotRequired[...]`` / ``Required[...]``."""
    while get_origin(hint) in (NotRequired, Required):
        hint = get_args(hint)[0]
    return hint


def schema_mismatches(value: Any, hint: Any, path: str = "content") -> list[str]:
    """Where ``value`` (parsed JSON) departs from the type ``hint``; empty when it conforms."""
    hint = _unwrap(hint)
    origin = get_origin(hint)
    if typing.is_typeddict(hint):
        if not isinstance(value, dict):
            return [f"{path}: {type(value).__name__}, expected {hint.__name__}"]
        hints = get_type_hints(hint, include_extras=True)
        found = [f"{path}.{key}: missing" for key in hint.__required_keys__ if key not in value]
        found += [f"{path}.{key}: not in {hint.__name__}" for key in value if key not in hints]
        for key in value.keys() & hints.keys():
            found += schema_mismatches(value[key], hints[key], f"{path}.{key}")
        return found
    if origin in (typing.Union, types.UnionType):
        options = [schema_mismatches(value, option, path) for option in get_args(hint)]
        if any(not problems for problems in options):
            return []
        return [f"{path}: {value!r:.60} is none of {hint}"]
    if hint is type(None):
        return [] if value is None else [f"{path}: {value!r:.60}, expected None"]
    if origin is list:
        if not isinstance(value, list):
            return [f"{path}: {type(value).__name__}, expected {hint}"]
        (item,) = get_args(hint)
        return [p for i, v in enumerate(value) for p in schema_mismatches(v, item, f"{path}[{i}]")]
    if origin is tuple:  # a fixed-length JSON array
        items = get_args(hint)
        if not isinstance(value, list) or len(value) != len(items):
            return [f"{path}: {value!r:.60}, expected {hint}"]
        return [
            p
            for i, (v, item) in enumerate(zip(value, items, strict=True))
            for p in schema_mismatches(v, item, f"{path}[{i}]")
        ]
    if origin is dict:
        key_type, value_type = get_args(hint)
        if not isinstance(value, dict):
            return [f"{path}: {type(value).__name__}, expected {hint}"]
        found = []
        for key, v in value.items():
            found += schema_mismatches(key, key_type, f"{path} key {key!r}")
            found += schema_mismatches(v, value_type, f"{path}[{key!r}]")
        return found
    if hint is float:  # JSON has one number type; an int is a float's value too (PEP 484)
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif hint in (str, bool):
        ok = isinstance(value, hint)
    else:
        raise TypeError(f"{path}: the check does not know the type {hint!r}")
    return [] if ok else [f"{path}: {value!r:.60} is not {hint.__name__}"]


def test_stored_content_matches_the_schema(contents: dict[str, Any]) -> None:
    problems = [
        problem
        for name, content in contents.items()
        for problem in schema_mismatches(content, SnapshotContent, name)
    ]
    # One per line, the first 40 (a key too many repeats in every row that has it).
    assert not problems, "the builder and schema.py disagree:\n" + "\n".join(problems[:40])


def test_the_builder_writes_every_part_but_the_legacy_ones(contents: dict[str, Any]) -> None:
    # NotRequired is for snapshots frozen earlier, not leave to the builder to drop a part.
    every = SnapshotContent.__required_keys__ | SnapshotContent.__optional_keys__
    for content in contents.values():
        assert set(content) == every - LEGACY_KEYS


def test_only_the_later_parts_may_be_absent() -> None:
    """The parts added after the first snapshots were frozen (schema.py's docstring); this also
    fails if ``from __future__ import annotations`` hid NotRequired from ``__optional_keys__``."""
    assert SnapshotContent.__optional_keys__ == {
        "shifts",
        "significant",
        "findings",
        "involvement_effect",
        "together",
        "spreads",
    }


def test_the_samples_cover_the_optional_shapes(contents: dict[str, Any]) -> None:
    """The check above sees what it is meant to: a 'since last time', comments, findings."""
    assert contents["again"]["together"]["since_last"] is not None
    assert contents["earlier"]["together"]["since_last"] is None
    assert contents["again"]["comments"]["items"]
    assert any(c["findings"] for c in contents.values())
    assert any(c["shifts"]["alarms"] for c in contents.values())


def test_the_check_catches_drift() -> None:
    """The checker itself: a key too many, one missing, and a value of the wrong type."""
    part = {"id": "p", "name": "P", "description": ""}
    hint = get_type_hints(SnapshotContent)["project"]
    assert schema_mismatches(part, hint) == []
    assert schema_mismatches({**part, "extra": 1}, hint) == ["content.extra: not in ProjectPart"]
    assert schema_mismatches({"id": "p", "name": "P"}, hint) == ["content.description: missing"]
    assert schema_mismatches({**part, "name": 3}, hint) == ["content.name: 3 is not str"]
    assert schema_mismatches(
        {"wave": 1, "cells": [{"unit": "u"}]}, get_type_hints(SnapshotContent)["heatmap"]
    )
