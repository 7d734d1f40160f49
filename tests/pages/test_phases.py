"""Faser page: distributions, phase-to-phase comparisons with the caveat, involvement vs medspil."""

from __future__ import annotations

import json
from pathlib import Path

from tests.pages.dash_support import HIDDEN, add_project_without_waves, run_page, tables, texts

SYD = {"projekt": "medicin", "enhed": "AELDRE-SYD"}


def test_syd_shows_the_drop_into_udvikling_next_to_information_only(app_env: Path) -> None:
    at = run_page("phases", params=SYD)
    assert not at.exception
    boxes, comparisons, involvement = tables(at)
    medspil = comparisons[comparisons["Spørgsmålsområde"] == "Medspil"]
    into = medspil[medspil["Til fase"] == "Udvikling"].iloc[0]
    assert into["Signifikant"] == "ja" and into["Ændring fra før"].startswith("-")
    assert into["Justeret p"] == "< 0,001"
    back = medspil[medspil["Til fase"] == "Implementering"].iloc[0]
    assert back["Signifikant"] == "ja" and not back["Ændring fra før"].startswith("-")
    levels = dict(zip(involvement["Fase"], involvement["Inddragelse"], strict=True))
    assert levels["Udvikling"] == "Information"
    assert levels["Konsekvensvurdering"] == "Medindflydelse"
    assert "målinger" in texts(at) and "uafhængige" in texts(at)  # the cluster caveat
    assert "Benjamini-Hochberg" in texts(at)
    assert set(boxes.columns) >= {"10 % under", "Median", "90 % under", "95 % KI"}
    box = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert box["data"][0]["type"] == "box" and box["layout"]["separators"] == ",."


def test_a_mixed_unit_says_blandet(app_env: Path) -> None:
    at = run_page("phases", params={"projekt": "medicin", "enhed": "SAE"})
    assert not at.exception
    involvement = tables(at)[-1]
    udvikling = involvement[involvement["Fase"] == "Udvikling"].iloc[0]
    assert udvikling["Inddragelse"] == "Blandet"


def test_the_small_team_gets_the_reason_not_numbers(app_env: Path) -> None:
    at = run_page("phases", role="leder", unit="NORD-NAT")
    assert not at.exception
    assert HIDDEN in texts(at)
    assert not at.dataframe


def test_a_project_without_waves_says_so(app_env: Path) -> None:
    add_project_without_waves(app_env)
    at = run_page("phases", params={"projekt": "aaa-ny"})
    assert not at.exception
    assert "ingen afsluttede målinger" in texts(at)
