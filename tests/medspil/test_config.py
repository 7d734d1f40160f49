"""medspil.toml is checked against a schema: one plain message per problem, naming key and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from medspil.config import Settings, load_settings, parse_settings
from medspil.errors import SettingsInvalid


def _problems(text: str) -> str:
    with pytest.raises(SettingsInvalid) as caught:
        parse_settings(text, source="medspil.toml")
    return caught.value.message("en")


def test_a_valid_file_gives_its_values() -> None:
    text = '[medspil]\nk_min = 7\nk_comments = 12\nbase_url = "https://x.dk"\n'
    assert parse_settings(text) == Settings(k_min=7, k_comments=12, base_url="https://x.dk")


def test_the_string_false_is_not_a_boolean() -> None:
    message = _problems('[medspil]\nk_min = 5\nallow_demo_mode_on_network = "false"\n')
    assert "Line 3: allow_demo_mode_on_network must be true/false" in message


def test_a_misspelled_key_is_named_with_its_line() -> None:
    message = _problems("[medspil]\n\nk_mn = 5\n")
    assert "Line 3: unknown key [medspil] k_mn" in message


def test_k_below_three_is_refused() -> None:
    message = _problems("[medspil]\nk_min = 2\n")
    assert "Line 2: k_min = 2 is out of range (3 to 1000)" in message
    assert "k_min must be" in _problems("[medspil]\nk_min = true\n")


def test_a_toml_syntax_error_names_its_line() -> None:
    message = _problems("[medspil]\nk_min = 5\nbase_url = https://x\n")
    assert "not valid TOML" in message and "line 3" in message


def test_unknown_tables_and_misplaced_settings() -> None:
    message = _problems('k_min = 5\n[logins]\ngroups_claim = "groups"\n')
    assert "Line 1: k_min belongs under [medspil]" in message
    assert "Line 2: unknown key logins" in message
    assert "unknown key [login] group" in _problems('[login]\ngroup = "x"\n')


def test_every_problem_at_once_and_access_blocks_are_left_to_the_role_check() -> None:
    message = _problems(
        '[medspil]\nk_min = "5"\nk_comments = 1\n\n[[access]]\nemail = "a@b.dk"\nrole = "admin"\n'
    )
    assert "Line 2: k_min must be" in message and "Line 3: k_comments = 1" in message


def test_files_missing_and_not_utf8(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "missing.toml") == Settings()
    latin = tmp_path / "medspil.toml"
    latin.write_bytes('[medspil]\nbase_url = "https://søby.dk"\n'.encode("cp1252"))
    with pytest.raises(SettingsInvalid, match="UTF-8"):
        load_settings(latin)


def test_the_backup_schedule_settings_are_checked() -> None:
    text = "[medspil]\nbackup_every_hours = 24\nbackup_keep = 7\n"
    assert parse_settings(text) == Settings(backup_every_hours=24, backup_keep=7)
    assert Settings().backup_every_hours == 0  # off unless configured
    message = _problems('[medspil]\nbackup_every_hours = -1\nbackup_keep = "7"\n')
    assert "Line 2: backup_every_hours = -1 is out of range (0 to 8784)" in message
    assert "Line 3: backup_keep must be" in message
    assert "out of range (1 to 1000)" in _problems("[medspil]\nbackup_keep = 0\n")
