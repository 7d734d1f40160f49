"""The role file, the scope of a signed-in identity, the demo-mode guard, and scope enforcement
in the core query functions (not only in the menu)."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from data import org as org_queries
from data.db import Database
from data.results import response_counts, score_histograms
from medspil.config import Settings, load_settings
from medspil.errors import AccessFileInvalid, DemoModeRefused
from medspil.scope import Scope
from medspil.vocabulary import Role
from surveys.administration.access import (
    Identity,
    administration_rights,
    check_demo_mode_allowed,
    demo_role_areas,
    demo_scope,
    identity_from_claims,
    is_loopback,
    load_access_rules,
    parse_access_rules,
    role_for,
    scope_for,
)
from surveys.dashboards.overview import project_overviews

ROLE_FILE = """
[medspil]
k_min = 5

[login]
groups_claim = "roles"

[[access]]
email = "Anne.Leder@Fjordby.dk"
role = "leder"
units = ["BYGPLAN"]

[[access]]
email = "anne.leder@fjordby.dk"
role = "leder"
units = ["MILJO"]
note = "also leads Miljø while a post is vacant"

[[access]]
group = "med-syd"
role = "med"
committees = ["LMED-SYD"]

[[access]]
group = "medspil-admins"
role = "admin"

[[access]]
email = "ana@fjordby.dk"
role = "analytiker"
"""


@pytest.fixture(scope="module")
def rules():
    return parse_access_rules(ROLE_FILE, source="test.toml")


def _problems(text: str) -> str:
    with pytest.raises(AccessFileInvalid) as caught:
        parse_access_rules(text, source="roles.toml")
    return caught.value.message("da")


def test_a_valid_role_file_is_read_with_its_groups_claim(rules) -> None:
    assert rules.groups_claim == "roles"
    assert [e.role for e in rules.entries] == ["leder", "leder", "med", "admin", "analytiker"]
    assert rules.entries[0].email == "anne.leder@fjordby.dk"  # compared case-insensitively
    assert rules.entries[2].group == "med-syd"
    assert rules.entries[2].committees == ("LMED-SYD",)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ('email = "a@b.dk"\nrole = "leder"\nunits = ["X"]\nwho = "?"', "ukendte nøgler: who"),
        ('email = "a@b.dk"\ngroup = "g"\nrole = "admin"', "præcis én af email og group"),
        ('role = "admin"', "præcis én af email og group"),
        ('email = "a@b.dk"\nrole = "chef"', "rollen »chef« findes ikke"),
        ('email = "a@b.dk"\nrole = "leder"', "en leder skal have units"),
        ('email = "a@b.dk"\nrole = "leder"\nunits = ["X"]\ncommittees = ["C"]', "ingen committees"),
        (
            'email = "a@b.dk"\nrole = "med"\nunits = ["X"]',
            "et MED-medlem eller en MED-sekretær skal have committees",
        ),
        ('email = "a@b.dk"\nrole = "admin"\nunits = ["X"]', "ser alle enheder"),
        ('email = "a@b.dk"\nrole = "leder"\nunits = [3]', "lister af id'er"),
        ('email = "anne"\nrole = "admin"', "»anne« er ikke en e-mailadresse"),
    ],
)
def test_each_mistake_in_an_entry_is_named_with_its_number(entry: str, expected: str) -> None:
    text = f'[[access]]\nemail = "ok@fjordby.dk"\nrole = "admin"\n\n[[access]]\n{entry}\n'
    message = _problems(text)
    assert "Rollefilen roles.toml skal rettes" in message
    assert "[[access]] nr. 2" in message
    assert expected in message
    assert "nr. 1" not in message


def test_every_problem_is_reported_at_once_and_toml_errors_give_the_line() -> None:
    message = _problems('[[access]]\nrole = "x"\n\n[[access]]\nemail = "a@b.dk"\nrole = "leder"\n')
    assert "[[access]] nr. 1" in message and "[[access]] nr. 2" in message
    broken = _problems('[[access]]\nemail = "a@b.dk\n')
    assert "ikke gyldig TOML" in broken and "linje 2" in broken


def test_a_missing_role_file_gives_no_one_access(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MEDSPIL_CONFIG", str(tmp_path / "missing.toml"))
    rules = load_access_rules()
    assert rules.entries == ()
    assert role_for(Identity(email="anyone@fjordby.dk"), rules) is None
    present = tmp_path / "medspil.toml"
    present.write_text(ROLE_FILE, encoding="utf-8")
    monkeypatch.setenv("MEDSPIL_CONFIG", str(present))
    assert len(load_access_rules().entries) == 5


def test_identity_from_claims_reads_the_verified_email_and_the_groups_claim(rules) -> None:
    claims = {"email": "ANA@fjordby.dk", "email_verified": True, "roles": ["x", "med-syd"]}
    who = identity_from_claims(claims, rules)
    assert who.email == "ana@fjordby.dk" and who.groups == frozenset({"x", "med-syd"})
    entra = identity_from_claims({"email": "bo@fjordby.dk", "xms_edov": True, "roles": "g"}, rules)
    assert entra.email == "bo@fjordby.dk" and entra.groups == frozenset({"g"})
    # The default claim name is not read when the file names another one.
    assert identity_from_claims({"groups": ["medspil-admins"]}, rules).groups == frozenset()


def test_scopes_for_each_role_and_none_for_an_unmapped_identity(demo_db, rules) -> None:
    leder = scope_for(demo_db, Identity(email="anne.leder@fjordby.dk"), rules)
    assert leder == Scope(
        role="leder", unit_roots=frozenset({"BYGPLAN", "MILJO"}), actor="anne.leder@fjordby.dk"
    )
    med = scope_for(demo_db, Identity(email="m@fjordby.dk", groups=frozenset({"med-syd"})), rules)
    assert med.role == "med"
    assert med.unit_roots == frozenset({"AELDRE-SYD"})
    assert med.committee_ids == frozenset({"LMED-SYD"})
    admin = scope_for(demo_db, Identity(email=None, groups=frozenset({"medspil-admins"})), rules)
    assert admin.role == "admin" and admin.sees_everything
    analyst = scope_for(demo_db, Identity(email="ana@fjordby.dk"), rules)
    assert analyst.role == "analytiker" and analyst.sees_everything
    assert scope_for(demo_db, Identity(email="stranger@fjordby.dk"), rules) is None
    assert scope_for(demo_db, Identity(email=None, groups=frozenset({"other"})), rules) is None


def test_the_most_powerful_matching_role_wins(demo_db, rules) -> None:
    both = Identity(email="anne.leder@fjordby.dk", groups=frozenset({"medspil-admins"}))
    assert role_for(both, rules) == "admin"
    assert scope_for(demo_db, both, rules).sees_everything


def test_an_entry_naming_an_unknown_unit_or_committee_is_an_error(demo_db) -> None:
    rules = parse_access_rules(
        '[[access]]\nemail = "a@b.dk"\nrole = "leder"\nunits = ["NOPE"]\n'
        '[[access]]\nemail = "m@b.dk"\nrole = "med"\ncommittees = ["LMED-X"]\n'
    )
    with pytest.raises(AccessFileInvalid) as caught:
        scope_for(demo_db, Identity(email="a@b.dk"), rules)
    assert "nr. 1: enheden »NOPE« findes ikke" in caught.value.message("da")
    with pytest.raises(AccessFileInvalid) as caught:
        scope_for(demo_db, Identity(email="m@b.dk"), rules)
    assert "MED committee 'LMED-X' does not exist" in caught.value.message("en")


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        (None, False),
        ("", False),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("medspil.fjordby.dk", False),
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.0.1.1", True),
        ("::1", True),
        ("[::1]", True),
    ],
)
def test_loopback_addresses(address: str | None, loopback: bool) -> None:
    assert is_loopback(address) is loopback


def test_demo_mode_is_refused_on_a_network_address_unless_allowed() -> None:
    check_demo_mode_allowed("127.0.0.1", Settings())
    with pytest.raises(DemoModeRefused) as caught:
        check_demo_mode_allowed("", Settings())
    assert "0.0.0.0" in caught.value.message("da")
    assert "allow_demo_mode_on_network" in caught.value.message("en")
    with pytest.raises(DemoModeRefused):
        check_demo_mode_allowed("10.0.0.5", Settings())
    check_demo_mode_allowed("10.0.0.5", Settings(allow_demo_mode_on_network=True))


# Enforcement lives in the core queries: a leder's scope cannot reach another unit's rows,
# whatever a page asks for.
BYG_LEDER = Scope(role="leder", unit_roots=frozenset({"BYGPLAN"}), actor="leder@fjordby.dk")


def test_a_leder_scope_limits_the_core_queries_to_the_own_subtree(demo_db) -> None:
    own = set(org_queries.subtree_ids(demo_db, ["BYGPLAN"]))
    assert set(org_queries.visible_unit_ids(demo_db, BYG_LEDER)) == own
    # Asking for another project's data returns nothing for the leder, while it exists.
    assert response_counts(demo_db, "medicin", BYG_LEDER).empty
    assert score_histograms(demo_db, "medicin", BYG_LEDER).empty
    assert not response_counts(demo_db, "medicin", Scope.admin()).empty
    own_counts = response_counts(demo_db, "byggesag", BYG_LEDER)
    assert not own_counts.empty and set(own_counts["unit_id"]) <= own
    assert set(score_histograms(demo_db, "byggesag", BYG_LEDER)["unit_id"]) <= own
    names = [
        o.name for o in project_overviews(demo_db, BYG_LEDER, lang="da", today=dt.date.today())
    ]
    assert names == ["Digital byggesagsbehandling"]


def test_a_med_scope_covers_the_committee_area_only(demo_db, rules) -> None:
    med = scope_for(demo_db, Identity(email="m@fjordby.dk", groups=frozenset({"med-syd"})), rules)
    area = set(org_queries.subtree_ids(demo_db, ["AELDRE-SYD"]))
    counts = response_counts(demo_db, "medicin", med)
    assert not counts.empty and set(counts["unit_id"]) <= area
    assert "NORD-SOLHOJ" not in set(counts["unit_id"])


def test_the_documented_examples_are_valid(demo_db) -> None:
    root = Path(__file__).resolve().parents[3] / "docs"
    rules = load_access_rules(root / "medspil.toml.example")
    settings = load_settings(root / "medspil.toml.example")  # the settings pass their schema too
    assert (settings.backup_every_hours, settings.backup_keep) == (24, 14)
    anne = scope_for(demo_db, Identity(email="anne.hansen@fjordby.dk"), rules)
    assert anne.unit_roots == frozenset({"AELDRE-SYD"})
    secrets = tomllib.loads((root / "secrets.toml.example").read_text(encoding="utf-8"))
    required = {
        "redirect_uri",
        "cookie_secret",
        "client_id",
        "client_secret",
        "server_metadata_url",
    }
    assert required <= set(secrets["auth"])


@pytest.mark.parametrize(
    "claims",
    [
        {"email": "leder@fjordby.dk"},
        {"email": "leder@fjordby.dk", "email_verified": False},
        {"email": "leder@fjordby.dk", "email_verified": "false"},
        {"preferred_username": "leder@fjordby.dk"},
        {"upn": "leder@fjordby.dk", "email_verified": True},
        {"email": "leder@fjordby.dk", "xms_edov": False},
    ],
)
def test_an_unverified_email_gives_no_scope(demo_db, claims: dict) -> None:
    """Issue 12, item 5: only a verified e-mail (or the group claim) maps to a role."""
    rules = parse_access_rules(
        '[[access]]\nemail = "leder@fjordby.dk"\nrole = "leder"\nunits = ["BYGPLAN"]\n'
    )
    identity = identity_from_claims(claims, rules)
    assert identity.email is None
    assert scope_for(demo_db, identity, rules) is None
    verified = identity_from_claims(
        {**claims, "email": "leder@fjordby.dk", "email_verified": True}, rules
    )
    assert scope_for(demo_db, verified, rules).unit_roots == frozenset({"BYGPLAN"})


# Issue 12, item 3: demo mode is for this machine only, whatever the proxy in front.
PROXIED = [
    {"Host": "medspil.fjordby.dk"},
    {"Host": "127.0.0.1:8501", "X-Forwarded-For": "10.1.2.3"},
    {"Host": "localhost:8501", "X-Forwarded-For": "127.0.0.1, 192.168.1.20"},
    {"Host": "localhost", "Forwarded": 'for="[2001:db8::1]";proto=https'},
    {"Host": "localhost", "X-Real-Ip": "10.1.2.3"},
    {"Host": "localhost", "X-Forwarded-Host": "medspil.fjordby.dk"},
    {"Host": "localhost:8501", "Origin": "https://medspil.fjordby.dk"},
]


@pytest.mark.parametrize("headers", PROXIED)
def test_demo_mode_is_refused_for_a_request_that_came_through_the_network(headers) -> None:
    with pytest.raises(DemoModeRefused) as caught:
        check_demo_mode_allowed("127.0.0.1", Settings(), headers=headers)
    assert "proxy" in caught.value.message("da") and "[auth]" in caught.value.message("en")
    lower = {key.lower(): value for key, value in headers.items()}
    with pytest.raises(DemoModeRefused):
        check_demo_mode_allowed("127.0.0.1", Settings(), headers=lower)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Host": "localhost:8501"},
        {"Host": "127.0.0.1:8501", "Origin": "http://localhost:8501"},
        {"Host": "[::1]:8501", "X-Forwarded-For": "::1", "Forwarded": "for=127.0.0.1"},
    ],
)
def test_demo_mode_runs_for_a_request_from_this_machine(headers) -> None:
    check_demo_mode_allowed("127.0.0.1", Settings(), headers=headers)


def test_the_explicit_opt_in_allows_a_proxied_request() -> None:
    settings = Settings(allow_demo_mode_on_network=True)
    check_demo_mode_allowed("0.0.0.0", settings, headers={"Host": "medspil.fjordby.dk"})


def test_a_real_installation_never_falls_back_to_demo_mode() -> None:
    from medspil.errors import LoginNotConfigured

    for settings in (Settings(), Settings(allow_demo_mode_on_network=True)):
        with pytest.raises(LoginNotConfigured) as caught:
            check_demo_mode_allowed("127.0.0.1", settings, headers={}, initialised=True)
        assert "[auth]" in caught.value.message("da")


def test_demo_scope_follows_the_picked_role_and_area(demo_db: Database) -> None:
    assert demo_role_areas(demo_db, Role.ADMIN) == {}
    assert demo_role_areas(demo_db, Role.LEDER)["AELDRE-SYD"] == "Ældreområde Syd"
    leder = demo_scope(demo_db, Role.LEDER, "AELDRE-SYD")
    assert leder.role is Role.LEDER and leder.unit_roots == frozenset({"AELDRE-SYD"})
    committee = next(iter(demo_role_areas(demo_db, Role.MED)))
    med = demo_scope(demo_db, Role.MED, committee)
    assert med.committee_ids == frozenset({committee}) and med.unit_roots
    assert demo_scope(demo_db, Role.ADMIN).sees_everything


def test_administration_rights_by_role() -> None:
    assert administration_rights(Scope.admin()) == "edit"
    assert administration_rights(Scope(role=Role.ANALYTIKER)) == "read"
    assert administration_rights(Scope(role=Role.LEDER, unit_roots=frozenset({"A"}))) == "none"
    assert administration_rights(None) == "none"
