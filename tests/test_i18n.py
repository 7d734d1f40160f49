"""The text catalogues: same keys in Danish and English, and placeholders that match."""

from __future__ import annotations

import re

import pytest

from medspil.i18n import catalogue, t


def test_both_languages_have_the_same_keys() -> None:
    assert set(catalogue("da")) == set(catalogue("en"))


def test_placeholders_match_between_languages() -> None:
    english = catalogue("en")
    for key, text in catalogue("da").items():
        assert set(re.findall(r"{(\w+)}", text)) == set(re.findall(r"{(\w+)}", english[key])), key


def test_lookup_fills_parameters_and_rejects_unknown_language() -> None:
    assert "Koden" in t("error.code_used", "da")
    assert t("error.unknown_project", "en", project="x").startswith("The project 'x'")
    with pytest.raises(ValueError):
        catalogue("sv")
