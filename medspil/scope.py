"""Who may see what: every core query that returns results takes a scope and enforces it."""

from __future__ import annotations

from dataclasses import dataclass, field

from medspil.errors import AdminOnly
from medspil.vocabulary import ADMIN_ROLES, Role, is_value


@dataclass(frozen=True)
class Scope:
    """A user's role and the unit subtrees they may see.

    ``unit_roots`` are the roots of the subtrees the user may see; ``None`` means every unit
    (administrator, analytiker). A MED member's roots are the committee's subtrees.
    """

    role: Role
    unit_roots: frozenset[str] | None = None
    committee_ids: frozenset[str] = field(default_factory=frozenset)
    actor: str = "demo"

    def __post_init__(self) -> None:
        if not is_value(Role, self.role):
            raise ValueError(f"unknown role {self.role!r}; use one of {tuple(map(str, Role))}")
        object.__setattr__(self, "role", Role(self.role))
        if self.role not in ADMIN_ROLES and self.unit_roots is None:
            raise ValueError(f"role {self.role!r} needs unit_roots")

    @property
    def sees_everything(self) -> bool:
        return self.unit_roots is None

    @classmethod
    def admin(cls, actor: str = "demo") -> Scope:
        return cls(role=Role.ADMIN, actor=actor)


def admin_actor(scope: Scope) -> str:
    """The actor to record for an administrative write, or ``AdminOnly`` unless ``scope`` is an
    administrator's (an analytiker only reads). Every core write calls this first, so a new page
    or command cannot forget the check."""
    if not isinstance(scope, Scope) or scope.role != Role.ADMIN:
        raise AdminOnly()
    return scope.actor
