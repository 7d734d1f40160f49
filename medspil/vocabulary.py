"""The domain's words, once: roles, phase kinds, involvement levels and snapshot area kinds.

Each is a ``StrEnum``: a member is the very string stored in DuckDB, written in the role file and
used as a catalogue key suffix (``phase.udvikling``), so members compare equal to those strings
and frames read from the database need no conversion. Nowhere else in the product is a role or a
phase kind written as a string literal (``tests/medspil/test_vocabulary.py`` checks it).
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """Who a signed-in person is: a role decides the pages and, with units, the scope."""

    LEDER = "leder"
    MED = "med"
    ADMIN = "admin"
    ANALYTIKER = "analytiker"
    # A committee's secretary: reads like a MED member and keeps the committee's MED log.
    SEKRETAER = "sekretaer"


# Roles that see every unit and the administration pages (a scope without unit roots).
ADMIN_ROLES = frozenset({Role.ADMIN, Role.ANALYTIKER})
# Roles whose scope is their committees' areas (``committees = [...]`` in the role file).
COMMITTEE_ROLES = frozenset({Role.MED, Role.SEKRETAER})
# Most powerful first: an identity in several role-file entries gets the first it matches.
ROLES_BY_POWER = (Role.ADMIN, Role.ANALYTIKER, Role.LEDER, Role.SEKRETAER, Role.MED)
# Roles that may freeze a MED snapshot (a leder for an area inside their own units).
SNAPSHOT_CREATOR_ROLES = frozenset({Role.ADMIN, Role.LEDER})


class PhaseKind(StrEnum):
    """The phases a technology project moves through, in the order they come."""

    IDE = "ide"
    KONSEKVENSVURDERING = "konsekvensvurdering"
    UDVIKLING = "udvikling"
    IMPLEMENTERING = "implementering"
    DRIFT = "drift"

    @property
    def position(self) -> int:
        """The phase's place in the timeline (0 for idé)."""
        return list(PhaseKind).index(self)


class Involvement(StrEnum):
    """How much the employees of a unit have to say in a phase (lowest first)."""

    INFORMATION = "information"
    MEDINDFLYDELSE = "medindflydelse"
    MEDBESTEMMELSE = "medbestemmelse"


class AreaKind(StrEnum):
    """What a MED snapshot covers: a committee's units or one unit's subtree."""

    COMMITTEE = "committee"
    UNIT = "unit"


class ProjectRoleKind(StrEnum):
    """The roles people take in a technology project (BFA: make the roles clear)."""

    SUPERBRUGER = "superbruger"
    FAGPERSON = "fagperson"
    TILLIDSREPRAESENTANT = "tillidsrepraesentant"
    ARBEJDSMILJOREPRAESENTANT = "arbejdsmiljorepraesentant"
    LEDER = "leder"


class ActionStatus(StrEnum):
    """Where an agreed action stands; the first two are open."""

    AABEN = "aaben"
    I_GANG = "i_gang"
    UDFOERT = "udfoert"
    OPGIVET = "opgivet"

    @property
    def is_open(self) -> bool:
        return self in (ActionStatus.AABEN, ActionStatus.I_GANG)


class ActionSource(StrEnum):
    """Where an agreed action came from."""

    FINDING = "finding"
    SNAPSHOT = "snapshot"
    MED_LOG = "med_log"
    OTHER = "other"


# The optional tags of a MED log entry: the five questions about technology and involvement
# (KL/Fremfærd) and BFA's ten principles for good involvement, by number; the catalogue holds
# each one's short wording (``med_log.question_N``, ``med_log.principle_N``).
MED_QUESTIONS = tuple(range(1, 6))
MED_PRINCIPLES = tuple(range(1, 11))


def is_value(kind: type[StrEnum], value: object) -> bool:
    """True when ``value`` is the text of a member of ``kind`` (for checking outside input)."""
    return isinstance(value, str) and value in {member.value for member in kind}
