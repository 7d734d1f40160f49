"""Faser page: distributions, phase-to-phase comparisons with the caveat, involvement vs medspil."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from data import open_database
from data import projects as project_queries
from medspil.scope import Scope
from surveys.dashboards.basis import forget_bases
from surveys.together.plan import record_actual
from tests.conftest import TODAY
from tests.pages.dash_support import HIDDEN, add_project_without_waves, run_page, tables, texts

SYD = {"projekt": "medicin", "enhed": "AELDRE-SYD"}


def test_syd_shows_the_drop_into_udvikling_next_to_information_only(app_env: Path) -> None:
    at = run_page("phases", params=SYD)
    assert not at.exception
    boxes, comparisons, involvement = tables(at)[:3]
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
    involvement = tables(at)[2]
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


# --- Flyttede inddragelsen medspil? ----------------------------------------------------------

EFFECT = "Flyttede inddragelsen medspil?"
CAVEAT = "ikke tilfældigt udvalgt"


def _effect_table(at) -> pd.DataFrame:
    return next(frame for frame in tables(at) if "Forskel i point (95 % KI)" in frame.columns)


def test_admin_sees_informed_units_lower_than_codesigning_ones(app_env: Path) -> None:
    at = run_page("phases", params={"projekt": "medicin", "enhed": "SAE"})
    assert not at.exception
    assert EFFECT in texts(at) and CAVEAT in texts(at)
    assert at.selectbox(key="effect_phase").value == _phase_id(app_env, "udvikling")
    assert "Enheder i sammenligningen: 4 med medbestemmelse, 5 med information." in texts(at)
    assert "I udvikling lå medspil 23,1 point højere i enhederne med medbestemmelse" in texts(at)
    table = _effect_table(at)
    medspil = table[table["Spørgsmålsområde"] == "Medspil"].iloc[0]
    assert medspil["Inddragelse"] == "Medbestemmelse mod Information"
    assert medspil["Enheder"] == "4 mod 5"
    assert medspil["Forskel i point (95 % KI)"].startswith("+23,1 (")
    assert "forskel +23,2" in medspil["Ændring fra konsekvensvurdering (95 % KI)"]


def test_the_section_speaks_english_too(app_env: Path) -> None:
    at = run_page("phases", params={"projekt": "medicin", "enhed": "SAE"}, lang="en")
    assert not at.exception
    assert "Did involvement move medspil?" in texts(at)
    assert "not chosen at random" in texts(at)
    assert "In development, participation was 23.1 points higher" in texts(at)


def test_a_leder_of_syd_compares_only_syd_and_is_told_why_not(app_env: Path) -> None:
    at = run_page("phases", role="leder", unit="AELDRE-SYD")
    assert not at.exception
    # No phase had different levels among Syd's units: the section opens on the latest phase.
    assert "alle 5 enheder havde samme inddragelse i implementering" in texts(at)
    at.selectbox(key="effect_phase").set_value(_phase_id(app_env, "udvikling")).run()
    assert not at.exception
    page = texts(at)
    assert EFFECT in page and CAVEAT in page
    assert "alle 5 enheder havde samme inddragelse i udvikling (information)" in page
    assert "Medbestemmelse mod" not in " ".join(str(f.to_dict()) for f in tables(at))


def test_a_leder_of_one_unit_gets_cannot_compare_not_other_units_numbers(app_env: Path) -> None:
    at = run_page("phases", role="leder", unit="SYD-SKOV")
    assert not at.exception
    page = texts(at)
    assert EFFECT in page
    assert "Her kan der ikke sammenlignes: kun én enhed har tal" in page
    assert not any("Forskel i point (95 % KI)" in frame.columns for frame in tables(at))
    assert "højere i enhederne" not in page and "lavere i enhederne" not in page


def test_too_few_units_on_a_level_says_so(app_env: Path) -> None:
    # Plejecenter Skovbrynet in fact co-designed in udvikling (recorded as it happened, which
    # holds over Syd's own record): one unit on that level in Syd.
    db = open_database(app_env)
    record_actual(
        db, Scope.admin(), project_id="medicin", phase_kind="udvikling", unit_id="SYD-SKOV",
        level="medbestemmelse", note="", today=TODAY,
    )  # fmt: skip
    db.close()
    forget_bases()  # as the Inddragelsesplan page does after a change
    at = run_page("phases", params={"projekt": "medicin", "enhed": "AELDRE-SYD"})
    assert not at.exception
    assert "Enheder i sammenligningen: 1 med medbestemmelse, 4 med information." in texts(at)
    medspil = _effect_table(at).iloc[2]
    assert medspil["Spørgsmålsområde"] == "Medspil" and medspil["Enheder"] == "1 mod 4"
    assert medspil["Forskel i point (95 % KI)"] == "for få enheder (mindst 2 på hvert niveau)"


def _phase_id(path: Path, kind: str) -> int:
    db = open_database(path)
    phases = project_queries.phases(db, "medicin")
    db.close()
    return int(phases.loc[phases["kind"] == kind, "id"].iloc[0])
