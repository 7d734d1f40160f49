"""The dashboard figures: drawn from tidy frames, Danish number format, hidden groups numberless."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from analytics.charts import (
    HIDDEN_COLOUR,
    heatmap_figure,
    involvement_figure,
    number,
    phase_comparison_figure,
    runchart_figure,
    trend_figure,
)
from analytics.timeline import INVOLVEMENT_COLOURS

HIDDEN = "færre end k svar"
LABELS = {
    "y_axis": "Score (0-100)",
    "x_axis": "Måling",
    "ci": "95 % KI",
    "n": "n",
    "hidden": HIDDEN,
    "significant": "Signifikant ændring",
    "change_point": "Niveauskift",
    "p_adjusted": "justeret p",
    "effect": "d",
    "points": "point",
    "median": "Median",
    "baseline": "Basislinje",
    "long_run": "Langt løb",
    "few_crossings": "Få krydsninger",
    "series": "Medspil",
    "colour_bar": "Score",
    "change": "Ændring",
    "mean": "Gennemsnit",
}
START = dt.date(2025, 1, 6)
# A hidden row that (wrongly) still carries numbers: the figures must ignore them.
SECRET = 77.777


def _trend(hidden_wave: int = 2) -> pd.DataFrame:
    rows = []
    for wave in range(4):
        hidden = wave == hidden_wave
        mean = SECRET if hidden else [60.0, 58.0, 0, 40.0][wave]
        rows.append(
            {
                "construct": "medspil",
                "construct_label": "Medspil",
                "opens": START + dt.timedelta(days=14 * wave),
                "wave_label": f"Måling {wave + 1}",
                "n": 3 if hidden else 40,
                "mean": mean,
                "ci_low": mean - 4.25,
                "ci_high": mean + 4.25,
                "hidden": hidden,
                "difference": -18.0 if wave == 3 else None,
                "p_adjusted": 0.0012 if wave == 3 else None,
                "cohens_d": -1.25 if wave == 3 else None,
                "significant": wave == 3,
            }
        )
    return pd.DataFrame(rows)


PHASES = pd.DataFrame(
    {
        "phase_label": ["Konsekvensvurdering", "Udvikling"],
        "involvement": ["medindflydelse", "information"],
        "involvement_label": ["Medindflydelse", "Information"],
        "starts": [START - dt.timedelta(days=3), START + dt.timedelta(days=25)],
        "ends": [START + dt.timedelta(days=24), START + dt.timedelta(days=60)],
    }
)


def _all_text(figure) -> str:
    return json.dumps(figure.to_plotly_json(), default=str, ensure_ascii=False)


def test_number_uses_a_decimal_comma_and_a_dash_for_missing() -> None:
    assert number(62.46) == "62,5"
    assert number(1234.5, 1) == "1.234,5"
    assert number(None) == "–"
    assert number(float("nan")) == "–"


def test_trend_figure_shows_band_phases_change_and_change_point_in_danish_format() -> None:
    changepoints = pd.DataFrame(
        {"construct": ["medspil"], "construct_label": ["Medspil"], "opens": [START]}
    )
    figure = trend_figure(_trend(), phases=PHASES, changepoints=changepoints, labels=LABELS)
    assert figure.layout.separators == ",."
    line = next(t for t in figure.data if t.name == "Medspil")
    assert list(line.y) == [60.0, 58.0, None, 40.0]
    assert "n = %{customdata[1]}" in line.hovertemplate and "95 % KI" in line.hovertemplate
    assert list(line.customdata[0]) == ["Måling 1", "40", "55,8", "64,2"]
    band = next(t for t in figure.data if t.fill == "toself")
    # The hidden third wave breaks the band into two polygons.
    assert list(band.y).count(None) == 2
    change = next(t for t in figure.data if t.name == "Medspil: Signifikant ændring")
    assert list(change.marker.symbol) == ["triangle-down"]
    assert "-18,0 point" in change.customdata[0][1] and "0,001" in change.customdata[0][1]
    assert any(t.name == "Niveauskift: Medspil" for t in figure.data)
    bands = [s for s in figure.layout.shapes if s.type == "rect"]
    assert [s.fillcolor for s in bands] == [
        INVOLVEMENT_COLOURS["medindflydelse"],
        INVOLVEMENT_COLOURS["information"],
    ]
    texts = [a.text for a in figure.layout.annotations]
    assert "Udvikling<br>Information" in texts


def test_trend_figure_never_carries_a_hidden_groups_numbers() -> None:
    figure = trend_figure(_trend(), phases=PHASES, changepoints=pd.DataFrame(
        columns=["construct", "construct_label", "opens"]), labels=LABELS)  # fmt: skip
    text = _all_text(figure)
    for secret in ("77,8", "77.77", "73,5", "73.52", "82,0", "82.02"):
        assert secret not in text
    hidden = next(t for t in figure.data if t.name == HIDDEN)
    assert list(hidden.customdata) == ["Måling 3"]
    assert HIDDEN in hidden.hovertemplate


def test_heatmap_hidden_cells_are_grey_labelled_hatched_and_numberless() -> None:
    cells = pd.DataFrame(
        {
            "unit_label": ["Syd", "Syd", "Nattevagten", "Nattevagten"],
            "construct_label": ["Mening", "Medspil", "Mening", "Medspil"],
            "n": [90, 90, 3, 3],
            "mean": [61.04, 40.2, SECRET, SECRET],
            "ci_low": [58.0, 37.0, SECRET, SECRET],
            "ci_high": [64.0, 43.4, SECRET, SECRET],
            "hidden": [False, False, True, True],
            "difference": [1.0, -20.5, None, None],
            "significant": [False, True, False, False],
        }
    )
    figure = heatmap_figure(cells, labels=LABELS)
    scores, overlay = figure.data
    assert [list(r) for r in scores.z] == [[61.04, 40.2], [None, None]]
    assert [list(r) for r in scores.text] == [["61", "40 ▼"], ["", ""]]
    assert [list(r) for r in overlay.z] == [[None, None], [1, 1]]
    assert [list(r) for r in overlay.text] == [["", ""], [HIDDEN, HIDDEN]]
    assert overlay.colorscale[0][1] == HIDDEN_COLOUR and overlay.showscale is False
    assert len(figure.layout.shapes) == 2 * 4  # four hatch strokes per hidden cell
    assert overlay.customdata[1][0] == "Nattevagten · Mening<br>" + HIDDEN
    assert "77,8" not in _all_text(figure) and "77.77" not in _all_text(figure)
    assert "n = 90" in scores.customdata[0][0] and "58,0–64,0" in scores.customdata[0][0]


def test_runchart_highlights_long_runs_and_marks_a_signal_on_the_median() -> None:
    series = pd.DataFrame(
        {
            "opens": [START + dt.timedelta(days=7 * i) for i in range(12)],
            "wave_label": [f"Måling {i + 1}" for i in range(12)],
            "n": [30] * 12,
            "mean": [50.0 + i for i in range(12)],
            "ci_low": [45.0 + i for i in range(12)],
            "ci_high": [55.0 + i for i in range(12)],
            "hidden": [False] * 12,
            "in_long_run": [False] * 4 + [True] * 8,
        }
    )
    figure = runchart_figure(
        series,
        median=55.5,
        baseline_end=START + dt.timedelta(days=21),
        long_run_signal=True,
        few_crossings_signal=False,
        labels=LABELS,
    )
    run = next(t for t in figure.data if t.name == "Langt løb")
    assert len(run.x) == 8
    median = next(t for t in figure.data if t.name.startswith("Median"))
    assert median.name == "Median 55,5 (Langt løb)"
    assert median.line.dash == "dash" and list(median.y) == [55.5, 55.5]
    assert any(a.text == "Basislinje" for a in figure.layout.annotations)


def test_phase_comparison_draws_boxes_with_mean_and_ci_and_names_hidden_phases() -> None:
    boxes = pd.DataFrame(
        {
            "construct": ["medspil"] * 3,
            "construct_label": ["Medspil"] * 3,
            "phase_label": ["Idé", "Udvikling", "Drift"],
            "n": [80, 85, None],
            "mean": [62.0, 41.0, None],
            "ci_low": [59.0, 38.0, None],
            "ci_high": [65.0, 44.0, None],
            "q10": [40.0, 20.0, None],
            "q25": [50.0, 33.0, None],
            "median": [62.5, 41.7, None],
            "q75": [75.0, 50.0, None],
            "q90": [83.3, 58.3, None],
            "hidden": [False, False, True],
        }
    )
    figure = phase_comparison_figure(boxes, labels=LABELS)
    box = figure.data[0]
    assert list(box.x) == ["Idé", "Udvikling"] and list(box.q1) == [50.0, 33.0]
    assert list(box.lowerfence) == [40.0, 20.0]
    means = figure.data[1]
    assert list(means.error_y.array) == [3.0, 3.0]
    assert any(a.text == "Medspil: " + HIDDEN for a in figure.layout.annotations)
    assert figure.layout.separators == ",."


def test_involvement_figure_colours_bars_by_involvement_level() -> None:
    rows = pd.DataFrame(
        {
            "phase_label": ["Idé", "Udvikling", "Implementering"],
            "involvement": ["information", "information", None],
            "involvement_label": ["Information", "Information", "Blandet"],
            "n": [80, 70, 60],
            "mean": [63.0, 41.0, 60.0],
            "ci_low": [60.0, 38.0, 57.0],
            "ci_high": [66.0, 44.0, 63.0],
            "hidden": [False, False, False],
        }
    )
    figure = involvement_figure(rows, labels=LABELS)
    colours = {t.name: t.marker.color for t in figure.data}
    assert colours["Information"] == INVOLVEMENT_COLOURS["information"]
    assert colours["Blandet"] == "#BBBBBB"
    assert list(figure.layout.xaxis.categoryarray) == ["Idé", "Udvikling", "Implementering"]


@pytest.mark.parametrize("builder", ["trend", "heatmap"])
def test_figures_accept_empty_frames(builder: str) -> None:
    if builder == "trend":
        empty = _trend().iloc[0:0]
        figure = trend_figure(empty, phases=PHASES.iloc[0:0], changepoints=empty, labels=LABELS)
    else:
        figure = heatmap_figure(_trend().iloc[0:0].assign(unit_label=[]), labels=LABELS)
    assert figure.layout.separators == ",."
