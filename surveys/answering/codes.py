"""Invitation codes: random single-use codes, kept only as keyed hashes, issued per wave and unit.

A code is 10 characters from an alphabet without look-alikes (31 symbols, about 49.5 bits from
``secrets``), shown in two groups of five for reading aloud (``ABCDE-FGHJK``) and accepted in any
case, with or without spaces and dashes. The database stores HMAC-SHA256 of the normalised code
under the installation secret, a file outside the database created on first use: someone with
the database alone can neither list the codes nor test a guessed code.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from data import org as org_queries
from data import projects as project_queries
from data.db import Database
from data.invitations import insert_invitations
from medspil.config import secret_path
from medspil.errors import (
    InvalidCode,
    InvalidCodeCount,
    NoOpenWave,
    SecretInvalid,
    UnknownProject,
    UnknownUnit,
    UnknownWave,
    WaveClosed,
)
from medspil.formatting import date_text
from medspil.scope import Scope, admin_actor
from medspil.text import strip_invisible

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
GROUP = 5
SECRET_BYTES = 32
MAX_CODES = 2000
ANSWER_PATH = "besvar"


def new_code() -> str:
    """A fresh normalised code (no dashes), every character drawn with ``secrets``."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """A normalised code as it is printed and read aloud: ``ABCDE-FGHJK``."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalise_code(text: str) -> str:
    """The code as typed (any case, spaces, dashes) in its stored form; ``InvalidCode`` if it
    cannot be a code at all. A non-breaking or zero-width space, an en dash or full-width
    letters (what phones and word processors make of a typed code) count as what they look
    like."""
    code = "".join(ch for ch in strip_invisible(text).upper() if ch not in " -\t\r\n")
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        raise InvalidCode()
    return code


def installation_secret(db_path: Path | None = None) -> bytes:
    """The installation's secret key: read it, or create it (32 random bytes, mode 0600)."""
    path = secret_path(db_path)
    if not path.exists():
        _create_secret(path)
    try:
        secret = path.read_bytes()
    except OSError as e:
        raise SecretInvalid(path=str(path)) from e
    if len(secret) < SECRET_BYTES:
        raise SecretInvalid(path=str(path))
    return secret


def _create_secret(path: Path) -> None:
    """Write the secret to a private temporary file and link it into place: a concurrent first
    run either wins or finds the finished file, never a half-written one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(secrets.token_bytes(SECRET_BYTES))
        with contextlib.suppress(FileExistsError):  # another first run was quicker
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def code_hash(code: str, secret: bytes) -> str:
    """The stored form of a normalised code: hex HMAC-SHA256 under the installation secret."""
    return hmac.new(secret, code.encode("ascii"), hashlib.sha256).hexdigest()


def short_url(base_url: str) -> str:
    return f"{base_url.rstrip('/')}/{ANSWER_PATH}"


def answer_url(code: str, base_url: str) -> str:
    """The full link a QR code or an e-mail carries."""
    return f"{short_url(base_url)}?kode={code}"


@dataclass(frozen=True)
class IssuedCodes:
    """Codes just issued; the plain codes exist only here, never in the database."""

    project_id: str
    project_name: str
    wave_id: int
    wave_number: int
    unit_id: str
    unit_name: str
    closes: dt.date
    codes: tuple[str, ...]


def project_unit_ids(db: Database, project_id: str) -> list[str]:
    """The units a project involves: its roots and everything below them."""
    if project_queries.project(db, project_id) is None:
        raise UnknownProject(project=project_id)
    return org_queries.subtree_ids(db, project_queries.project_units(db, project_id))


def issuable_waves(db: Database, project_id: str, today: dt.date) -> pd.DataFrame:
    """The waves codes can still be issued for (open today or later), in order."""
    waves = project_queries.waves(db, project_id)
    closes = pd.to_datetime(waves["closes"]).dt.date
    return waves[closes >= today].reset_index(drop=True)


def _choose_wave(db: Database, project_id: str, wave: int | None, today: dt.date) -> pd.Series:
    waves = project_queries.waves(db, project_id)
    opens = pd.to_datetime(waves["opens"]).dt.date
    closes = pd.to_datetime(waves["closes"]).dt.date
    if wave is None:
        open_now = waves[(opens <= today) & (closes >= today)]
        if open_now.empty:
            raise NoOpenWave(project=project_id)
        return open_now.iloc[0]
    match = waves[waves["id"] == wave]
    if match.empty:
        raise UnknownWave(wave=wave)
    chosen = match.iloc[0]
    if pd.Timestamp(chosen["closes"]).date() < today:
        raise WaveClosed(closes=date_text(pd.Timestamp(chosen["closes"]).date()))
    return chosen


def issue_codes(
    db: Database,
    *,
    project_id: str,
    unit_id: str,
    count: int,
    scope: Scope,
    today: dt.date,
    secret: bytes,
    wave: int | None = None,
) -> IssuedCodes:
    """Issue ``count`` new codes for one unit and one wave of a project, with an audit row.

    ``wave`` is the id of one of the project's waves (as ``medspil list`` shows it); without it,
    the wave open today. Everything
    is checked before anything is stored: an unknown project, a unit outside the project, a
    closed or missing wave or a count outside 1..2000 raises and stores nothing, and so does a
    ``scope`` that is not an administrator's (``AdminOnly``).
    """
    actor = admin_actor(scope)
    if isinstance(count, bool) or not 1 <= int(count) <= MAX_CODES:
        raise InvalidCodeCount(max=MAX_CODES)
    if unit_id not in project_unit_ids(db, project_id):
        raise UnknownUnit(unit=unit_id)
    project = project_queries.project(db, project_id)
    if project is None:
        raise UnknownProject(project=project_id)
    chosen = _choose_wave(db, project_id, wave, today)
    wave_id, wave_number = int(chosen["id"]), int(chosen["number"])
    codes = _distinct_codes(int(count))
    while True:
        hashes = {code_hash(code, secret): code for code in codes}
        taken = insert_invitations(
            db,
            wave_id=wave_id,
            unit_id=unit_id,
            code_hashes=list(hashes),
            actor=actor,
            action="issue_codes",
            detail=f"issued {len(codes)} codes for wave {wave_id} unit {unit_id}",
        )
        if not taken:
            break
        codes = [code for digest, code in hashes.items() if digest not in taken]
        codes += _distinct_codes(len(taken), avoid=set(codes))
    units = org_queries.units(db).set_index("id")["name"]
    return IssuedCodes(
        project_id=project_id,
        project_name=str(project["name"]),
        wave_id=wave_id,
        wave_number=wave_number,
        unit_id=unit_id,
        unit_name=str(units[unit_id]),
        closes=pd.Timestamp(chosen["closes"]).date(),
        codes=tuple(format_code(code) for code in codes),
    )


def _distinct_codes(count: int, avoid: set[str] | None = None) -> list[str]:
    seen = set(avoid or ())
    codes: list[str] = []
    while len(codes) < count:
        code = new_code()
        if code not in seen:
            seen.add(code)
            codes.append(code)
    return codes


def issue_installation_codes(
    db: Database,
    *,
    project_id: str,
    unit_id: str,
    count: int,
    wave: int | None,
    scope: Scope,
    today: dt.date,
) -> IssuedCodes:
    """:func:`issue_codes` under this installation's secret (kept beside the database file):
    the first step of the Svarkoder page and of ``medspil invite``; the slips are the second.
    The scope is checked before the secret is read or made."""
    admin_actor(scope)
    return issue_codes(
        db,
        project_id=project_id,
        unit_id=unit_id,
        count=count,
        wave=wave,
        scope=scope,
        today=today,
        secret=installation_secret(db.path),
    )
