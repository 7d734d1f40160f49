"""The project's own exceptions: every message tells the user what to do, in Danish first."""

from __future__ import annotations

from dataclasses import dataclass

from medspil.i18n import t


class MedspilError(Exception):
    """Base of every error a user may see. ``key`` names the message in the text catalogue."""

    key = "error.generic"

    def __init__(self, key: str | None = None, **params: object) -> None:
        self.key = key or self.key
        self.params = params
        super().__init__(t(self.key, "da", **params))

    def message(self, lang: str = "da") -> str:
        """The message in the user's language."""
        return t(self.key, lang, **self.params)


class DatabaseLocked(MedspilError):
    key = "error.db_locked"


class DatabaseCorrupt(MedspilError):
    key = "error.db_corrupt"


class WalDamaged(DatabaseCorrupt):
    key = "error.wal_damaged"


class SchemaTooNew(MedspilError):
    key = "error.schema_too_new"


class DatabaseExists(MedspilError):
    key = "error.db_exists"


class InstrumentInvalid(MedspilError):
    key = "error.instrument_invalid"


class UnknownProject(MedspilError):
    key = "error.unknown_project"


class UnknownUnit(MedspilError):
    key = "error.unknown_unit"


class UnknownWave(MedspilError):
    key = "error.unknown_wave"


class InvalidCode(MedspilError):
    key = "error.invalid_code"


class CodeUsed(MedspilError):
    key = "error.code_used"


class WaveNotOpen(MedspilError):
    key = "error.wave_not_open"


class WaveClosed(MedspilError):
    key = "error.wave_closed"


class ImportRejected(MedspilError):
    key = "error.import_rejected"


class AccessDenied(MedspilError):
    key = "error.access_denied"


class AdminOnly(AccessDenied):
    """A core administrative write called with a scope that is not an administrator's."""

    key = "error.admin_only"


class BackupFailed(MedspilError):
    key = "backup.error_failed"


class BackupExists(MedspilError):
    key = "backup.error_exists"


class BackupLocked(MedspilError):
    key = "backup.error_locked"


class BackupKeepInvalid(MedspilError):
    key = "backup.error_keep"


class RestoreLocked(MedspilError):
    key = "backup.error_restore_locked"


class BackupUnreadable(MedspilError):
    key = "backup.error_unreadable"


class NoOpenWave(MedspilError):
    key = "codes.error_no_open_wave"


class InvalidCodeCount(MedspilError):
    key = "codes.error_count"


class SecretInvalid(MedspilError):
    key = "codes.error_secret"


class SlipsNotWritten(MedspilError):
    key = "codes.error_slips"


class CommentTooLong(MedspilError):
    key = "answer.error_comment_too_long"


class AnswerRejected(MedspilError):
    key = "answer.error_rejected"


class AnswerNotStored(MedspilError):
    key = "answer.error_busy"


@dataclass(frozen=True)
class Term:
    """A message parameter that is itself a catalogue text, translated with the message."""

    key: str


class ProblemsFound(MedspilError):
    """Several problems found at once (a file, a form): a heading and one line per problem.

    ``problems`` are ``(catalogue key, parameters)`` pairs, so every line reads in the user's
    language.
    """

    def __init__(self, problems: list[tuple[str, dict[str, object]]], **params: object) -> None:
        self.problems = list(problems)
        super().__init__(None, **params)
        self.args = (self.message("da"),)

    def message(self, lang: str = "da") -> str:
        lines = [
            t(key, lang, **{n: t(v.key, lang) if isinstance(v, Term) else v for n, v in p.items()})
            for key, p in self.problems
        ]
        return "\n".join([t(self.key, lang, **self.params), *(f"- {line}" for line in lines)])

    def __str__(self) -> str:
        return self.message("da")


class UnitFileRejected(ProblemsFound, ImportRejected):
    key = "admin_units.error_rejected"


class AdminInputInvalid(ProblemsFound):
    key = "admin.error_invalid"


class AccessFileInvalid(ProblemsFound):
    key = "access.error_file"


class DemoModeRefused(MedspilError):
    key = "access.error_demo_on_network"


class LoginNotConfigured(MedspilError):
    key = "access.error_login_missing"


class SnapshotUsage(MedspilError):
    key = "snapshot.error_usage"


class SnapshotNoData(MedspilError):
    key = "snapshot.error_no_data"


class UnknownCommittee(MedspilError):
    key = "snapshot.error_unknown_committee"


class SnapshotNotFound(MedspilError):
    key = "snapshot.error_not_found"


class SnapshotReplaceMismatch(MedspilError):
    key = "snapshot.error_replaces"


class SnapshotRenderFailed(MedspilError):
    key = "snapshot.error_render"


class SnapshotTempDirTooLong(SnapshotRenderFailed):
    """Chromium cannot start when its temporary folder's path is too long for a socket."""

    key = "snapshot.error_tmpdir"


class SnapshotUnreadable(MedspilError):
    key = "snapshot.error_unreadable"


class SettingsInvalid(ProblemsFound):
    key = "settings.error_file"


class ImportFileRejected(ProblemsFound, ImportRejected):
    """A file to import (or its mapping) has problems: nothing is stored."""

    key = "import.error_rejected"


class MappingInvalid(ProblemsFound, ImportRejected):
    key = "import.error_mapping"


class ImportRefused(ImportRejected):
    """The same file was imported into the project before."""

    key = "import.error_twice"


class AnswerAddressNotSet(MedspilError):
    """Slips would point at this machine only (``base_url`` still the default localhost)."""

    key = "error.answer_address_not_set"
