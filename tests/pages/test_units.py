"""Enheder page: the heatmap, hidden cells, phase view with significance markers, drill-down."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.pages.dash_support import (
    HIDDEN,
    DownloadSpy,
    add_project_without_waves,
    run_page,
    spy_downloads,
    tables,
    texts,
)


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> DownloadSpy:
    return spy_downloads(monkeypatch)


def test_the_heatmap_of_nord_hides_the_night_team_in_chart_table_and_csv(
    app_env: Path, downloads
) -> None:
    at = run_page("units", params={"projekt": "medicin", "enhed": "AELDRE-NORD"})
    assert not at.exception
    assert "Enheder og spørgsmålsområder: Måling 25" in texts(at)
    [table] = tables(at)
    night = table[table["Enhed"] == "Nattevagten Nord"]
    assert len(night) == 4 and (night["Score (0-100)"] == HIDDEN).all()
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    scores, overlay = figure["data"]
    row = scores["y"].index("Nattevagten Nord")
    assert all(value is None for value in scores["z"][row])
    assert overlay["text"][row] == [HIDDEN] * 4
    [raw] = downloads.raw(at)
    lines = [line for line in raw.decode("utf-8-sig").splitlines() if "Nattevagten" in line]
    assert len(lines) == 4 and not any(ch.isdigit() for line in lines for ch in line)


def test_drilling_into_syd_in_udvikling_marks_the_medspil_drop(app_env: Path) -> None:
    at = run_page("units", params={"projekt": "medicin"})
    period = at.selectbox(key="dash_heatmap_phase")
    assert period.options[0] == "seneste afsluttede måling"
    period.select_index(period.options.index("Udvikling")).run()
    assert not at.exception
    at.button(key="drill-AELDRE-SYD").click().run()
    assert not at.exception
    assert at.selectbox(key="dash_parent").value == "AELDRE-SYD"
    [table] = tables(at)
    medspil = table[table["Spørgsmålsområde"] == "Medspil"]
    assert set(medspil["Enhed"]) >= {"Ældreområde Syd", "Plejecenter Skovbrynet"}
    syd = medspil[medspil["Enhed"] == "Ældreområde Syd"].iloc[0]
    assert syd["Ændring fra før"].startswith("▼") and syd["Ændring fra før"].endswith(
        "(signifikant)"
    )
    assert "fasen før" in texts(at)


def test_a_leder_cannot_open_a_wider_heatmap_by_url(app_env: Path) -> None:
    at = run_page("units", role="leder", unit="AELDRE-SYD", params={"enhed": "SAE"})
    assert not at.exception
    assert at.selectbox(key="dash_parent").value == "AELDRE-SYD"
    assert "ignoreret" in texts(at)
    assert "Ældreområde Nord" not in set(tables(at)[0]["Enhed"])


def test_a_project_without_waves_says_so(app_env: Path) -> None:
    add_project_without_waves(app_env)
    at = run_page("units", params={"projekt": "aaa-ny"})
    assert not at.exception
    assert "ingen afsluttede målinger" in texts(at)
