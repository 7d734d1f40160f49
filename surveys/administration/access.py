"""Who may sign in as what: the role file (``[[access]]`` in ``medspil.toml``) and the scope it
gives a signed-in identity.

An entry maps one e-mail address or one value of the groups claim to a role and, for a leder, the
units (subtrees) they lead, for a MED member the committees they sit in::

    [[access]]
    email = "anne.hansen@fjordby.dk"
    role = "leder"
    units = ["AELDRE-SYD"]

    [[access]]
    group = "medspil-admins"
    role = "admin"

An identity matching several entries gets the most powerful role among them (admin, analytiker,
leder, med) and the union of that role's units or committees. An identity matching none has no
access at all. The demo mode guard also lives here, so it is tested without Streamlit.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from data import org as org_queries
from data.db import Database
from medspil.config import CONFIG_FILE, Settings, toml_error_place
from medspil.errors import AccessFileInvalid, DemoModeRefused, LoginNotConfigured
from medspil.scope import Scope
from medspil.vocabulary import ADMIN_ROLES, COMMITTEE_ROLES, ROLES_BY_POWER, Role, is_value

ENTRY_KEYS = {"email", "group", "role", "units", "committees", "note"}
DEFAULT_GROUPS_CLAIM = "groups"
# Only an address the identity provider vouches for maps to a role: the ``email`` claim with
# ``email_verified`` true (OpenID Connect Core 5.1), or Entra ID's ``xms_edov`` ("email domain
# owner verified", an optional claim). ``preferred_username`` and ``upn`` are sign-in names
# anyone with an account may be able to choose, so they are never read.
EMAIL_CLAIM = "email"
VERIFIED_CLAIMS = ("email_verified", "xms_edov")


@dataclass(frozen=True)
class AccessEntry:
    """One ``[[access]]`` entry: who (an e-mail or a group) gets which role over what."""

    number: int
    role: str
    email: str | None = None
    group: str | None = None
    units: tuple[str, ...] = ()
    committees: tuple[str, ...] = ()


@dataclass(frozen=True)
class AccessRules:
    """The parsed role file: its entries and the name of the claim that lists a user's groups."""

    entries: tuple[AccessEntry, ...] = ()
    groups_claim: str = DEFAULT_GROUPS_CLAIM
    source: str = str(CONFIG_FILE)


@dataclass(frozen=True)
class Identity:
    """A signed-in person as the identity provider describes them."""

    email: str | None
    groups: frozenset[str] = field(default_factory=frozenset)
    # How the person is named on screen and in the audit log when no verified address is known
    # (an unverified e-mail, the sign-in name); never used to decide access.
    shown: str | None = None

    @property
    def label(self) -> str:
        return self.email or self.shown or "?"


def config_path() -> Path:
    """The role file: ``MEDSPIL_CONFIG`` or ``medspil.toml`` (the same file as the settings)."""
    return Path(os.environ.get("MEDSPIL_CONFIG") or CONFIG_FILE)


def load_access_rules(path: Path | None = None) -> AccessRules:
    """Read and validate the role file; a missing file means no one has access."""
    path = path or config_path()
    if not path.exists():
        return AccessRules(source=str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        problem: tuple[str, dict[str, object]] = ("access.problem_unreadable", {"detail": str(e)})
        raise AccessFileInvalid([problem], path=str(path)) from e
    return parse_access_rules(text, source=str(path))


def parse_access_rules(text: str, source: str = "medspil.toml") -> AccessRules:
    """Parse the ``[[access]]`` entries and ``[login]`` of a TOML text; every problem at once."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise AccessFileInvalid([("access.problem_toml", toml_error_place(e))], path=source) from e
    problems: list[tuple[str, dict[str, object]]] = []
    login = raw.get("login", {})
    groups_claim = DEFAULT_GROUPS_CLAIM
    if not isinstance(login, Mapping):
        problems.append(("access.problem_login_table", {}))
    else:
        groups_claim = login.get("groups_claim", DEFAULT_GROUPS_CLAIM)
        if not isinstance(groups_claim, str) or not groups_claim.strip():
            problems.append(("access.problem_groups_claim", {}))
            groups_claim = DEFAULT_GROUPS_CLAIM
    entries_raw = raw.get("access", [])
    if not isinstance(entries_raw, list):
        problems.append(("access.problem_not_array", {}))
        entries_raw = []
    entries = []
    for number, node in enumerate(entries_raw, start=1):
        entry = _parse_entry(number, node, problems)
        if entry is not None:
            entries.append(entry)
    if problems:
        raise AccessFileInvalid(problems, path=source)
    return AccessRules(entries=tuple(entries), groups_claim=groups_claim, source=source)


def _string_list(value: object) -> tuple[str, ...] | None:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        return None
    return tuple(v.strip() for v in value)


def _parse_entry(
    number: int, node: object, problems: list[tuple[str, dict[str, object]]]
) -> AccessEntry | None:
    if not isinstance(node, Mapping):
        problems.append(("access.problem_entry_table", {"number": number}))
        return None
    before = len(problems)
    unknown = sorted(set(node) - ENTRY_KEYS)
    if unknown:
        problems.append(
            ("access.problem_unknown_keys", {"number": number, "keys": ", ".join(unknown)})
        )
    email, group = node.get("email"), node.get("group")
    if (email is None) == (group is None):
        problems.append(("access.problem_who", {"number": number}))
    for name, value in (("email", email), ("group", group)):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            problems.append(("access.problem_who_text", {"number": number, "key": name}))
    if isinstance(email, str) and email.strip() and "@" not in email:
        problems.append(("access.problem_email", {"number": number, "email": email}))
    role = node.get("role")
    if not is_value(Role, role):
        problems.append(
            ("access.problem_role", {"number": number, "role": role, "roles": ", ".join(Role)})
        )
    units = _string_list(node.get("units", []))
    committees = _string_list(node.get("committees", []))
    if units is None or committees is None:
        problems.append(("access.problem_lists", {"number": number}))
    elif role == Role.LEDER and (not units or committees):
        problems.append(("access.problem_leder", {"number": number}))
    elif role in COMMITTEE_ROLES and (not committees or units):
        problems.append(("access.problem_med", {"number": number}))
    elif role in ADMIN_ROLES and (units or committees):
        problems.append(("access.problem_everything", {"number": number, "role": role}))
    if len(problems) > before:
        return None
    return AccessEntry(
        number=number,
        role=str(role),
        email=email.strip().lower() if isinstance(email, str) else None,
        group=group.strip() if isinstance(group, str) else None,
        units=units or (),
        committees=committees or (),
    )


def identity_from_claims(claims: Mapping[str, object], rules: AccessRules) -> Identity:
    """The identity behind the claims of an ID token (as ``st.user`` gives them)."""
    email = verified_email(claims)
    raw_groups = claims.get(rules.groups_claim, ())
    if isinstance(raw_groups, str):
        raw_groups = [raw_groups]
    groups = (
        frozenset(str(g) for g in raw_groups) if isinstance(raw_groups, Iterable) else frozenset()
    )
    shown = next(
        (
            str(claims[name]).strip()
            for name in ("email", "preferred_username", "upn", "name", "sub")
            if isinstance(claims.get(name), str) and str(claims[name]).strip()
        ),
        None,
    )
    return Identity(email=email, groups=groups, shown=shown)


def _true(value: object) -> bool:
    """A claim's truth: JSON ``true`` or, as some providers send it, the text ``"true"``."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def verified_email(claims: Mapping[str, object]) -> str | None:
    """The lower-cased ``email`` claim when the provider says it is verified, else ``None``."""
    email = claims.get(EMAIL_CLAIM)
    if not isinstance(email, str) or "@" not in email:
        return None
    if not any(_true(claims.get(name)) for name in VERIFIED_CLAIMS):
        return None
    return email.strip().lower()


def matching_entries(identity: Identity, rules: AccessRules) -> list[AccessEntry]:
    return [
        entry
        for entry in rules.entries
        if (entry.email is not None and entry.email == identity.email)
        or (entry.group is not None and entry.group in identity.groups)
    ]


def role_for(identity: Identity, rules: AccessRules) -> Role | None:
    """The role the identity signs in with, or ``None`` when no entry names it."""
    roles = {entry.role for entry in matching_entries(identity, rules)}
    return next((role for role in ROLES_BY_POWER if role in roles), None)


def scope_for(db: Database, identity: Identity, rules: AccessRules) -> Scope | None:
    """The scope of a signed-in identity, or ``None`` for no access.

    Raises ``AccessFileInvalid`` when a matching entry names a unit or committee that does not
    exist, so a typing error in the role file is found at once instead of silently showing
    nothing.
    """
    role = role_for(identity, rules)
    if role is None:
        return None
    entries = [e for e in matching_entries(identity, rules) if e.role == role]
    actor = identity.label
    if role in ADMIN_ROLES:
        return Scope(role=role, actor=actor)
    problems: list[tuple[str, dict[str, object]]] = []
    if role == Role.LEDER:
        units = sorted({unit for e in entries for unit in e.units})
        known = set(org_queries.units(db)["id"])
        for e in entries:
            for unit in e.units:
                if unit not in known:
                    problems.append(
                        ("access.problem_unknown_unit", {"number": e.number, "unit": unit})
                    )
        if problems:
            raise AccessFileInvalid(problems, path=rules.source)
        return Scope(role=Role.LEDER, unit_roots=frozenset(units), actor=actor)
    committees = sorted({c for e in entries for c in e.committees})
    known = set(org_queries.committees(db)["id"])
    for e in entries:
        for committee in e.committees:
            if committee not in known:
                problems.append(
                    (
                        "access.problem_unknown_committee",
                        {"number": e.number, "committee": committee},
                    )
                )
    if problems:
        raise AccessFileInvalid(problems, path=rules.source)
    roots = sorted({root for c in committees for root in org_queries.committee_roots(db, c)})
    return Scope(
        role=Role(role),
        unit_roots=frozenset(roots),
        committee_ids=frozenset(committees),
        actor=actor,
    )


def is_loopback(address: str | None) -> bool:
    """True for an address only this machine can reach (``localhost``, ``127.x``, ``::1``)."""
    if not address:
        return False  # Streamlit then listens on every interface
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may well resolve to a network interface


# Request headers that tell where a request came from; any of them naming another machine
# means the request reached Medspil through the network (a reverse proxy, a tunnel).
_HOST_HEADERS = ("host", "x-forwarded-host", "origin")
_CLIENT_HEADERS = ("x-forwarded-for", "x-real-ip", "forwarded")


def _host_part(value: str) -> str:
    """``localhost`` from ``localhost:8501``, ``::1`` from ``[::1]:8501``, the host of a URL."""
    text = value.strip()
    if "://" in text:
        text = text.split("://", 1)[1].split("/", 1)[0]
    if text.startswith("["):
        return text[1 : text.find("]")] if "]" in text else text
    return text.rsplit(":", 1)[0] if text.count(":") == 1 else text


def _forwarded_for(value: str) -> list[str]:
    """The ``for=`` addresses of an RFC 7239 ``Forwarded`` header."""
    found = []
    for part in value.replace(",", ";").split(";"):
        name, _, item = part.strip().partition("=")
        if name.strip().lower() == "for":
            found.append(_host_part(item.strip().strip('"')))
    return found


def request_origins(headers: Mapping[str, str]) -> list[str]:
    """Every host or client address the request's headers name (empty: none named)."""
    lower = {str(key).lower(): str(value) for key, value in headers.items()}
    found = [_host_part(lower[name]) for name in _HOST_HEADERS if lower.get(name)]
    for name in _CLIENT_HEADERS:
        value = lower.get(name)
        if not value:
            continue
        if name == "forwarded":
            found += _forwarded_for(value)
        else:
            found += [_host_part(item) for item in value.split(",") if item.strip()]
    return found


def check_demo_mode_allowed(
    address: str | None,
    settings: Settings,
    *,
    headers: Mapping[str, str] | None = None,
    initialised: bool = False,
) -> None:
    """Refuse the role picker unless the server and the request are this machine's own.

    In demo mode anyone who can open the page can pick the administrator role. So it runs only
    when the server listens on a loopback address *and* no header of the request (Host, Origin,
    X-Forwarded-For/-Host, X-Real-IP, Forwarded) names another machine, which is what a reverse
    proxy on the same machine adds. ``allow_demo_mode_on_network = true`` is the explicit
    opt-in for a closed training network. A real installation (``medspil init``) never runs
    demo mode: it raises ``LoginNotConfigured``, which says what to configure.
    """
    if initialised:
        raise LoginNotConfigured()
    if settings.allow_demo_mode_on_network:
        return
    if not is_loopback(address):
        raise DemoModeRefused(address=address or "0.0.0.0")
    remote = [origin for origin in request_origins(headers or {}) if not is_loopback(origin)]
    if remote:
        raise DemoModeRefused("access.error_demo_via_proxy", source=", ".join(remote))


# --- demo mode and the administration pages: the rules the page frame applies -------------

DEMO_ROLES = (Role.ADMIN, Role.ANALYTIKER, Role.LEDER, Role.MED, Role.SEKRETAER)


def demo_role_areas(db: Database, role: Role) -> dict[str, str]:
    """What a demo role picks its scope from: ``{unit id: name}`` for a leder, ``{committee id:
    name}`` for a MED member, nothing for the administrator."""
    if role == Role.LEDER:
        units = org_queries.units(db)
        return dict(zip(units["id"], units["name"], strict=True))
    if role in COMMITTEE_ROLES:
        committees = org_queries.committees(db)
        return dict(zip(committees["id"], committees["name"], strict=True))
    return {}


def demo_scope(db: Database, role: Role, area: str | None = None) -> Scope:
    """The scope of a demo role: a leder's unit subtree, a MED member's committee, else all."""
    if role == Role.LEDER and area is not None:
        return Scope(role=Role.LEDER, unit_roots=frozenset({area}))
    if role in COMMITTEE_ROLES and area is not None:
        roots = org_queries.committee_roots(db, area)
        return Scope(role=role, unit_roots=frozenset(roots), committee_ids=frozenset({area}))
    if role == Role.ANALYTIKER:
        return Scope(role=Role.ANALYTIKER)
    return Scope.admin()


def administration_rights(scope: Scope | None) -> str:
    """What a scope may do on the administration pages: ``"edit"`` (administrator), ``"read"``
    (analytiker) or ``"none"`` (everyone else, and nobody signed in)."""
    if scope is None:
        return "none"
    if scope.role == Role.ADMIN:
        return "edit"
    return "read" if scope.role == Role.ANALYTIKER else "none"
