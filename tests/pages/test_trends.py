"""Udvikling page: the trend with CI and phases, run charts, deep links, empty states, scope."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.pages.dash_support import (
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


SYD_LINK = {"projekt": "medicin", "enhed": "AELDRE-SYD", "omraade": "medspil"}


def test_a_link_from_overblik_shows_the_syd_drop_as_significant_with_change_points(
    app_env: Path, downloads
) -> None:
    at = run_page("trends", params=SYD_LINK)
    assert not at.exception
    assert at.title[0].value == "Udvikling"
    assert [s.value for s in at.selectbox][:2] == ["medicin", "AELDRE-SYD"]
    assert at.multiselect[0].value == ["medspil"]
    [table] = tables(at)
    flagged = table[table["Ændring fra før"].str.contains("(signifikant)", regex=False)]
    assert flagged["Fase"].tolist() == ["Udvikling", "Implementering"]
    assert flagged["Ændring fra før"].iloc[0].startswith("▼")
    assert flagged["Niveauskift"].tolist() == ["ja", "ja"]
    caught = table[table["Ændring fanget (point)"] != "–"]
    assert caught["Fase"].tolist() == ["Udvikling", "Implementering"]
    assert caught["Ændring fanget (point)"].iloc[0].startswith("−")
    assert caught["Ændring fanget (point)"].iloc[1].startswith("+")
    assert "Benjamini-Hochberg" in texts(at) and "Ældreområde Syd" in texts(at)
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert figure["layout"]["separators"] == ",."
    names = {trace.get("name") for trace in figure["data"]}
    assert {"Niveauskift: Medspil", "Medspil: Ændring fanget"} <= names
    assert "Medspil: Signifikant ændring" not in names  # the monitor is the only flag
    [csv] = downloads.csv_frames(at)
    assert csv.equals(table.astype(str))


def test_run_chart_mode_highlights_the_signal_and_says_too_few_for_short_projects(
    app_env: Path,
) -> None:
    at = run_page("trends", params=SYD_LINK, state={"dash_mode": "runchart"})
    assert not at.exception
    assert [s.value for s in at.subheader] == ["Medspil"]
    summary = tables(at)[0]
    assert summary.iloc[-1].tolist() == ["Signal", "ja"]
    names = {t.get("name") for t in json.loads(at.get("plotly_chart")[0].proto.spec)["data"]}
    assert "Langt løb" in names
    short = run_page("trends", params={"projekt": "sensorer"}, state={"dash_mode": "runchart"})
    assert not short.exception
    assert "For få målinger" in texts(short)
    assert not short.get("plotly_chart")


def test_a_leder_cannot_widen_the_view_with_query_parameters(app_env: Path) -> None:
    at = run_page(
        "trends",
        role="leder",
        unit="AELDRE-SYD",
        params={"enhed": "AELDRE-NORD", "projekt": "medicin"},
    )
    assert not at.exception
    assert at.selectbox[1].value == "AELDRE-SYD"
    assert "AELDRE-NORD" not in at.selectbox[1].options
    assert "ignoreret" in texts(at)
    assert "Ældreområde Nord" not in texts(at)
    other = run_page("trends", role="leder", unit="AELDRE-SYD", params={"projekt": "byggesag"})
    assert other.selectbox[0].value == "medicin"


def test_the_small_team_shows_why_instead_of_numbers(app_env: Path) -> None:
    at = run_page("trends", role="leder", unit="NORD-NAT")
    assert not at.exception
    assert "færre end k svar" in texts(at)
    assert not at.dataframe and not at.get("plotly_chart")


def test_a_project_without_waves_says_so(app_env: Path) -> None:
    add_project_without_waves(app_env)
    at = run_page("trends", params={"projekt": "aaa-ny"})
    assert not at.exception
    assert "ingen afsluttede målinger" in texts(at)
    assert not at.get("plotly_chart")


def test_the_page_speaks_english(app_env: Path) -> None:
    at = run_page("trends", params=SYD_LINK, lang="en")
    assert not at.exception
    assert at.title[0].value == "Trends"
    assert "Change from before" in tables(at)[0].columns
