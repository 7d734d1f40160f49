"""Nattevagten Nord (always fewer than k) never shows a number on any dashboard page or CSV."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.pages.dash_support import HIDDEN, DownloadSpy, run_page, spy_downloads, texts

NIGHT = {"projekt": "medicin", "enhed": "NORD-NAT"}
# A score, count or share would be a number with or without a decimal comma; wave labels and
# dates ("Måling 3 · 08.01.2026") are the only digits allowed.
NUMBER = re.compile(r"\d")
ALLOWED = re.compile(r"Måling \d+ · \d\d\.\d\d\.\d{4}|Måling \d+|\d\d\.\d\d\.\d{4}")


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> DownloadSpy:
    return spy_downloads(monkeypatch)


def _numbers_in(csv_text: str) -> list[str]:
    """Digits in the data rows (the header names units like "Score (0-100)")."""
    rows = "\n".join(csv_text.splitlines()[1:])
    return NUMBER.findall(ALLOWED.sub("", rows))


@pytest.mark.parametrize("page", ["trends", "units", "phases", "comments"])
@pytest.mark.parametrize("who", ["admin", "leder"])
def test_the_night_team_page_and_its_csv_carry_no_number(
    app_env: Path, downloads, page: str, who: str
) -> None:
    role = {"role": "leder", "unit": "NORD-NAT"} if who == "leder" else {}
    at = run_page(page, params=NIGHT, **role)
    assert not at.exception
    assert at.selectbox(key="dash_parent" if page == "units" else "dash_unit").value == "NORD-NAT"
    body = "\n".join(
        line for line in texts(at).splitlines() if "Demodata" not in line and "mindst" not in line
    )
    assert HIDDEN in body or "færre end 10" in body
    for frame in (f.value for f in at.dataframe):
        assert not _numbers_in(frame.to_csv(index=False))
    for raw in downloads.raw(at):
        assert not _numbers_in(raw.decode("utf-8-sig"))
    for chart in at.get("plotly_chart"):
        for trace in json.loads(chart.proto.spec)["data"]:
            if trace["type"] == "heatmap" and trace.get("showscale") is False:
                continue  # the grey overlay that marks hidden cells (1 = hidden)
            values = trace.get("z") or [trace.get("y") or []]
            assert all(v is None for row in values for v in row)
