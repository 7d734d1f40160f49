"""Settings with safe defaults: database path, thresholds and the answer page's base URL.

``medspil.toml`` is checked against a schema before anything uses it (``load_settings``): a TOML
syntax error, an unknown key, a value of the wrong type or out of range each give one plain
message naming the key and its line, and nothing starts on an invalid file. The ``[[access]]``
blocks of the same file are checked by ``surveys.access``.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medspil.errors import SettingsInvalid

DEFAULT_DB = Path("data") / "medspil.duckdb"
CONFIG_FILE = Path("medspil.toml")
# The lowest k anyone may configure: below 3 a group's answers can be told apart.
K_FLOOR = 3
K_CEILING = 1000
TOP_LEVEL_KEYS = ("medspil", "login", "access")
LOGIN_KEYS = ("groups_claim",)

Problem = tuple[str, dict[str, object]]


@dataclass(frozen=True)
class Settings:
    """Installation-wide settings; ``medspil.toml`` overrides the defaults."""

    k_min: int = 5
    k_comments: int = 10
    base_url: str = "http://localhost:8501"
    allow_demo_mode_on_network: bool = False
    # The app's own backups while it serves (surveys.administration.backup); 0 = none.
    backup_every_hours: int = 0
    backup_keep: int = 14


# key -> (Python type, name of the type in messages)
SCHEMA: dict[str, tuple[type, str]] = {
    "k_min": (int, "heltal / integer"),
    "k_comments": (int, "heltal / integer"),
    "base_url": (str, "tekst / text"),
    "allow_demo_mode_on_network": (bool, "true/false"),
    "backup_every_hours": (int, "heltal / integer"),
    "backup_keep": (int, "heltal / integer"),
}
# key -> (lowest, highest) for the whole-number settings other than k
RANGES: dict[str, tuple[int, int]] = {"backup_every_hours": (0, 24 * 366), "backup_keep": (1, 1000)}


def database_path() -> Path:
    """The DuckDB file: ``MEDSPIL_DB`` or ``data/medspil.duckdb``."""
    return Path(os.environ.get("MEDSPIL_DB") or DEFAULT_DB)


def secret_path(db_path: Path | None = None) -> Path:
    """The installation secret for code hashes: ``MEDSPIL_SECRET_FILE`` or beside the database."""
    configured = os.environ.get("MEDSPIL_SECRET_FILE")
    if configured:
        return Path(configured)
    db = db_path or database_path()
    return db.with_name(db.name + ".secret")


def config_file() -> Path:
    """The settings and role file: ``MEDSPIL_CONFIG`` or ``medspil.toml``."""
    return Path(os.environ.get("MEDSPIL_CONFIG") or CONFIG_FILE)


def settings() -> Settings:
    """The checked settings of ``medspil.toml``; raises ``SettingsInvalid`` on a bad file."""
    return load_settings(config_file())


def load_settings(path: Path) -> Settings:
    """Read and check the settings file; a missing file means the defaults."""
    if not path.exists():
        return Settings()
    try:
        data = path.read_bytes()
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        problem: Problem = ("settings.problem_encoding", {"line": line})
        raise SettingsInvalid([problem], path=str(path)) from e
    except OSError as e:
        raise SettingsInvalid(
            [("settings.problem_unreadable", {"detail": e.strerror or str(e)})], path=str(path)
        ) from e
    return parse_settings(text, source=str(path))


def parse_settings(text: str, source: str = str(CONFIG_FILE)) -> Settings:
    """Check a settings text against the schema; every problem at once, each with its line."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SettingsInvalid([("settings.problem_toml", toml_error_place(e))], path=source) from e
    problems: list[Problem] = []
    for key in raw:
        if key not in TOP_LEVEL_KEYS:
            where = "medspil" if key in SCHEMA else None
            problems.append(_unknown(text, None, key, TOP_LEVEL_KEYS, belongs=where))
    section = raw.get("medspil", {})
    values: dict[str, Any] = {}  # each checked against SCHEMA below
    if not isinstance(section, Mapping):
        problems.append(
            ("settings.problem_table", {"key": "medspil", "line": _line(text, None, "medspil")})
        )
    else:
        for key, value in section.items():
            if key not in SCHEMA:
                problems.append(_unknown(text, "medspil", key, tuple(SCHEMA)))
                continue
            problem = _value_problem(text, key, value)
            if problem is not None:
                problems.append(problem)
            else:
                values[key] = value
    login = raw.get("login", {})
    if isinstance(login, Mapping):
        for key in login:
            if key not in LOGIN_KEYS:
                problems.append(_unknown(text, "login", key, LOGIN_KEYS))
    if problems:
        raise SettingsInvalid(problems, path=source)
    return Settings(**values)


_TOML_PLACE = re.compile(r"at line (\d+), column (\d+)")


def toml_error_place(error: tomllib.TOMLDecodeError) -> dict[str, object]:
    """Where a TOML syntax error is, as message parameters ``line`` and ``column`` ("?" when
    the parser does not say): the parser's own English sentence never reaches a user."""
    found = _TOML_PLACE.search(str(error))
    if found is None:
        return {"line": "?", "column": "?"}
    return {"line": int(found.group(1)), "column": int(found.group(2))}


def _value_problem(text: str, key: str, value: object) -> Problem | None:
    expected, type_name = SCHEMA[key]
    line = _line(text, "medspil", key)
    # bool is a subclass of int in Python: true is no k.
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        return (
            "settings.problem_type",
            {"key": key, "line": line, "expected": type_name, "found": _toml_repr(value)},
        )
    if key in ("k_min", "k_comments") and not K_FLOOR <= int(value) <= K_CEILING:  # type: ignore[call-overload]
        return (
            "settings.problem_range",
            {"key": key, "line": line, "value": value, "low": K_FLOOR, "high": K_CEILING},
        )
    if key in RANGES and not RANGES[key][0] <= int(value) <= RANGES[key][1]:  # type: ignore[call-overload]
        low, high = RANGES[key]
        return (
            "settings.problem_range_plain",
            {"key": key, "line": line, "value": value, "low": low, "high": high},
        )
    if key == "base_url" and not re.match(r"https?://[^\s/]+", str(value)):
        return ("settings.problem_url", {"key": key, "line": line, "value": value})
    return None


def _unknown(
    text: str, table: str | None, key: str, known: tuple[str, ...], belongs: str | None = None
) -> Problem:
    line = _line(text, table, key)
    name = f"[{table}] {key}" if table else key
    if belongs is not None:
        return ("settings.problem_misplaced", {"key": key, "line": line, "table": belongs})
    return ("settings.problem_unknown", {"key": name, "line": line, "known": ", ".join(known)})


def _toml_repr(value: object) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?")


def _line(text: str, table: str | None, key: str) -> int | str:
    """The line number where ``key`` is set inside ``[table]`` (``None``: the top level)."""
    current: str | None = None
    pattern = re.compile(rf"^\s*(\"{re.escape(key)}\"|'{re.escape(key)}'|{re.escape(key)})\s*[=.]")
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            current = header.group(1).strip().strip('"')
            if table is None and current.split(".")[0] == key:
                return number
            continue
        if current == table and pattern.match(line):
            return number
    return "?"
