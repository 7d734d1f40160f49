"""The dashboard tables and their CSV files: Danish numbers, hidden groups numberless."""

from __future__ import annotations

import io

import pandas as pd

from data.db import Database
from medspil.formatting import p_value
from medspil.scope import Scope
from surveys.dashboards.changes import latest_scores
from surveys.dashboards.tables import csv_bytes, heatmap_rows, latest_metrics, trend_rows
from surveys.dashboards.views import heatmap_table, trend_table
from surveys.installation.demo import SMALL_TEAM
from tests.conftest import TODAY

HIDDEN = "færre end k svar"


def test_csv_is_exactly_the_table_for_danish_spreadsheets() -> None:
    table = pd.DataFrame({"Enhed": ["Syd"], "Score (0-100)": ["62,5"]})
    data = csv_bytes(table)
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig").splitlines() == ["Enhed;Score (0-100)", "Syd;62,5"]
    back = pd.read_csv(io.BytesIO(data), sep=";", encoding="utf-8-sig", dtype=str)
    pd.testing.assert_frame_equal(back, table)


def test_trend_rows_use_decimal_commas_arrows_and_significance(demo_db: Database) -> None:
    view = trend_table(
        demo_db, Scope.admin(), "medicin", "AELDRE-SYD", ["medspil"], lang="da", today=TODAY
    )
    rows = trend_rows(view, "da")
    assert list(rows.columns) == [
        "Spørgsmålsområde",
        "Måling",
        "Fase",
        "Svar (n)",
        "Score (0-100)",
        "95 % KI",
        "Ændring fra før",
        "Justeret p",
        "Niveauskift",
        "Ændring fanget (point)",
    ]
    drop = rows[rows["Ændring fra før"].str.contains("(signifikant)", regex=False)].iloc[0]
    assert drop["Ændring fra før"].startswith("▼ ") and drop["Niveauskift"] == "ja"
    assert drop["Ændring fanget (point)"].startswith("−") and "," in drop["Ændring fanget (point)"]
    assert drop["Justeret p"] == "< 0,001" and drop["Fase"] == "Udvikling"
    assert "," in drop["Score (0-100)"] and "." not in drop["Score (0-100)"]


def test_the_small_teams_heatmap_rows_and_csv_carry_no_number(demo_db: Database) -> None:
    view = heatmap_table(demo_db, Scope.admin(), "medicin", "AELDRE-NORD", lang="da", today=TODAY)
    rows = heatmap_rows(view, "da")
    small = rows[rows["Enhed"] == "Nattevagten Nord"]
    assert len(small) == 4
    assert (small["Svar (n)"] == HIDDEN).all() and (small["Score (0-100)"] == HIDDEN).all()
    assert (small[["95 % KI", "Ændring fra før", "Justeret p"]] == "–").all().all()
    lines = [
        line for line in csv_bytes(rows).decode("utf-8-sig").splitlines() if "Nattevagten" in line
    ]
    assert len(lines) == 4
    assert not any(ch.isdigit() for line in lines for ch in line)


def test_latest_metrics_put_the_sign_first_so_the_arrow_follows(demo_db: Database) -> None:
    [latest] = latest_scores(demo_db, Scope.admin(), "medicin", lang="da", today=TODAY)
    metrics = latest_metrics(latest, "da")
    assert metrics[0].label == "Svarprocent" and metrics[0].value.endswith(" %")
    for metric, row in zip(metrics[1:], latest.table.itertuples(), strict=True):
        assert metric.delta.startswith("-") == (row.difference < 0)
        assert metric.delta.endswith(" point") and "signifikant" in metric.help
    small = Scope(role="leder", unit_roots=frozenset({SMALL_TEAM}))
    [hidden] = latest_scores(demo_db, small, "medicin", lang="da", today=TODAY)
    assert {m.value for m in latest_metrics(hidden, "da")} == {HIDDEN}
    assert all(m.delta is None and m.help is None for m in latest_metrics(hidden, "da"))


def test_p_values_below_a_thousandth_read_as_such() -> None:
    assert p_value(0.0001) == "< 0,001" and p_value(0.0123) == "0,012" and p_value(None) == "–"


def test_csv_downloads_neutralise_formulas_and_control_characters() -> None:
    """Issue 12, item 1: a unit name or comment never becomes a live formula in a CSV file."""
    import csv as csv_module

    frame = pd.DataFrame(
        {
            "=Enhed": ['=HYPERLINK("http://x")', "@A1", "+1+A1", "Syd\x0b", "Nord"],
            "Forskel": ["-3,5", "-1-1", "\t=1", "4,0", "–"],
            "n": [12, 7, 9, 5, 8],
        }
    )
    text = csv_bytes(frame).decode("utf-8-sig")
    rows = list(csv_module.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["'=Enhed", "Forskel", "n"]
    assert rows[1] == ['\'=HYPERLINK("http://x")', "-3,5", "12"]
    assert rows[2] == ["'@A1", "'-1-1", "7"]
    assert rows[3] == ["'+1+A1", "'\t=1", "9"]
    assert rows[4] == ["Syd", "4,0", "5"]
