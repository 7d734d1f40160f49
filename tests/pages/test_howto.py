"""Sådan læser du tallene: every method explained in plain Danish, and in English."""

from __future__ import annotations

from pathlib import Path

from tests.pages.dash_support import run_page, texts


def test_the_page_explains_every_method(app_env: Path) -> None:
    at = run_page("howto")
    assert not at.exception
    assert at.title[0].value == "Sådan læser du tallene"
    text = texts(at)
    for needle in (
        "0, 25, 50, 75 og 100",
        "konfidensinterval",
        "Benjamini-Hochberg",
        "Cohens d",
        "Anhøj",
        "for få målinger",
        "PELT",
        "mindst 5 personer",
        "færre end k svar",
        "Små grupper kan kun vise store ændringer",
        "ét tilfældigt flag hvert andet år",
        "40 enheder giver omkring 20 om året",
    ):
        assert needle in text


def test_the_page_speaks_english(app_env: Path) -> None:
    at = run_page("howto", lang="en")
    assert not at.exception
    assert at.title[0].value == "How to read the numbers"
    assert "Small groups can only show large changes" in texts(at)
    assert "one chance flag every two years" in texts(at)
