"""Who may read and write the plan, the MED log and the actions.

- The plan: everyone who sees the project reads it; only an administrator changes it.
- The MED log: an administrator writes for any committee, a committee's secretary for their own
  committees. A leder reads the entries of committees whose area overlaps their units, a MED
  member or secretary those overlapping their committees' area; administrator and analytiker
  read everything.
- Actions: an administrator records and closes any action, a leder those that concern only
  their own units, a secretary those that concern only their committees' area. Everyone reads
  the actions that concern a unit they see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from data import org as org_queries
from data.db import Database
from medspil.errors import AccessDenied
from medspil.scope import Scope
from medspil.vocabulary import Role


class NotYours(AccessDenied):
    """A write outside the writer's own committees or units."""

    key = "together.error_not_yours"


def visible_units(db: Database, scope: Scope) -> set[str]:
    return set(org_queries.visible_unit_ids(db, scope))


def committee_area(db: Database, committee_id: str) -> set[str]:
    return set(org_queries.subtree_ids(db, org_queries.committee_roots(db, committee_id)))


def may_read_committee(db: Database, scope: Scope, committee_id: str) -> bool:
    if scope.sees_everything:
        return True
    return bool(committee_area(db, committee_id) & visible_units(db, scope))


def may_write_log(scope: Scope, committee_id: str) -> bool:
    if scope.role == Role.ADMIN:
        return True
    return scope.role == Role.SEKRETAER and committee_id in scope.committee_ids


def writes_log(scope: Scope) -> bool:
    """True for a role that keeps some committee's log."""
    return scope.role in (Role.ADMIN, Role.SEKRETAER)


def may_write_actions(db: Database, scope: Scope, unit_ids: Iterable[str]) -> bool:
    if scope.role == Role.ADMIN:
        return True
    if scope.role not in (Role.LEDER, Role.SEKRETAER):
        return False
    units = set(unit_ids)
    return bool(units) and units <= visible_units(db, scope)


def action_unit_filter(db: Database, scope: Scope) -> Callable[[Iterable[str]], list[str]]:
    """The units among those given that the reader may record an action for, in their order
    and once each: :func:`may_write_actions` per unit, with the reader's units read once (a
    page with fifty finding cards asks fifty times)."""
    if scope.role == Role.ADMIN:
        return lambda units: list(dict.fromkeys(units))
    if scope.role not in (Role.LEDER, Role.SEKRETAER):
        return lambda units: []
    visible = visible_units(db, scope)
    return lambda units: [u for u in dict.fromkeys(units) if u in visible]


def writes_actions(scope: Scope) -> bool:
    """True for a role that may record some action."""
    return scope.role in (Role.ADMIN, Role.LEDER, Role.SEKRETAER)


def check_log_writer(scope: Scope, committee_id: str) -> str:
    """The actor to record, or ``NotYours``."""
    if not may_write_log(scope, committee_id):
        raise NotYours()
    return scope.actor


def check_action_writer(db: Database, scope: Scope, unit_ids: Iterable[str]) -> str:
    if not may_write_actions(db, scope, unit_ids):
        raise NotYours()
    return scope.actor
