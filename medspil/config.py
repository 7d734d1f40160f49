"""Settings with safe defaults: database path, thresholds and the answer page's base URL."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB = Path("data") / "medspil.duckdb"
CONFIG_FILE = Path("medspil.toml")


@dataclass(frozen=True)
class Settings:
    """Installation-wide settings; ``medspil.toml`` overrides the defaults."""

    k_min: int = 5
    k_comments: int = 10
    base_url: str = "http://localhost:8501"
    allow_demo_mode_on_network: bool = False


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


def settings() -> Settings:
    """Read ``medspil.toml`` (path in ``MEDSPIL_CONFIG``) when present."""
    path = Path(os.environ.get("MEDSPIL_CONFIG") or CONFIG_FILE)
    if not path.exists():
        return Settings()
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    section = raw.get("medspil", raw)
    known = {f for f in Settings.__dataclass_fields__}
    return Settings(**{key: value for key, value in section.items() if key in known})
