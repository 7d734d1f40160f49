"""Who may see what: every core query that returns results takes a scope and enforces it."""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("leder", "med", "admin", "analytiker")


@dataclass(frozen=True)
class Scope:
    """A user's role and the unit subtrees they may see.

    ``unit_roots`` are the roots of the subtrees the user may see; ``None`` means every unit
    (administrator, analytiker). A MED member's roots are the committee's subtrees.
    """

    role: str
    unit_roots: frozenset[str] | None = None
    committee_ids: frozenset[str] = field(default_factory=frozenset)
    actor: str = "demo"

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; use one of {ROLES}")
        if self.role in ("leder", "med") and self.unit_roots is None:
            raise ValueError(f"role {self.role!r} needs unit_roots")

    @property
    def sees_everything(self) -> bool:
        return self.unit_roots is None

    @classmethod
    def admin(cls, actor: str = "demo") -> Scope:
        return cls(role="admin", actor=actor)
