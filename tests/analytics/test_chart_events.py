"""MED discussions and agreed actions as markers on the trend, run chart and phase timeline."""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd
import pytest

from analytics.charts import runchart_figure, trend_figure
from analytics.exceptions import InvalidInput
from analytics.timeline import phase_timeline_figure
from tests.analytics.test_charts import LABELS, PHASES, START, _trend

EVENT_LABELS = {**LABELS, "event_med_log": "MED-drøftelse", "event_action": "Aftalt handling"}
# Deliberately out of order, between waves (which open every 14 days from START), one after
# the last wave, and one text with characters plotly would read as HTML.
EVENTS = [
    (
        START + dt.timedelta(days=31),
        "action",
        "07.02 Handling: Superbrugere i testgruppen",
        "07.02 Handling: Superbrugere i testgruppen (ansvarlig: Områdeleder; Udført)",
    ),
    (
        START + dt.timedelta(days=5),
        "med_log",
        "11.01 Lokal-MED Syd: Udviklingsfasen drøftet",
        "11.01 Lokal-MED Syd: Udviklingsfasen drøftet. Medarbejderne informeres løbende; "
        "testgruppen er fra Nord, og den skal mødes hver uge i hele udviklingsfasen.",
    ),
    (
        START + dt.timedelta(days=29),
        "med_log",
        "04.02 Hoved-MED: <b>Faldet</b> drøftet",
        "04.02 Hoved-MED: <b>Faldet</b> drøftet & <script>",
    ),
    (
        START + dt.timedelta(days=60),
        "action",
        "07.03 Handling: Ekstra oplæring",
        "07.03 Handling: Ekstra oplæring (ansvarlig: Superbrugerne; Åben)",
    ),
]
MED_DAYS = [START + dt.timedelta(days=5), START + dt.timedelta(days=29)]
ACTION_DAYS = [START + dt.timedelta(days=31), START + dt.timedelta(days=60)]
CHANGEPOINTS = pd.DataFrame(
    {"construct": ["medspil"], "construct_label": ["Medspil"], "opens": [START]}
)


def _trace(figure, name: str):
    [trace] = [t for t in figure.data if t.name == name and t.showlegend is not False]
    return trace


def _days(values) -> list[pd.Timestamp]:
    return [pd.Timestamp(v) for v in values if v is not None]


def _plain(hover: str) -> str:
    """A hover text read back as the words a person sees."""
    return html.unescape(hover.replace("<br>", " "))


def _details(kind: str) -> list[str]:
    return [detail for day, k, _, detail in sorted(EVENTS) if k == kind]


def _check_markers(figure) -> None:
    med, action = _trace(figure, "MED-drøftelse"), _trace(figure, "Aftalt handling")
    assert _days(med.x) == [pd.Timestamp(d) for d in MED_DAYS]
    assert _days(action.x) == [pd.Timestamp(d) for d in ACTION_DAYS]
    assert med.mode == action.mode == "markers"
    assert [_plain(h) for h in med.hovertext] == _details("med_log")
    assert [_plain(h) for h in action.hovertext] == _details("action")
    # Each kind on its own row along the bottom of the 0-100 axis, apart from the other.
    assert len(set(med.y)) == len(set(action.y)) == 1
    assert 0 < med.y[0] < 15 and 0 < action.y[0] < 15 and med.y[0] != action.y[0]
    # Typed text never becomes markup, and long texts are broken into lines.
    assert "<b>Faldet</b>" not in med.hovertext[1] and "&lt;b&gt;Faldet" in med.hovertext[1]
    assert "<script>" not in med.hovertext[1]
    assert all(len(line) <= 70 for line in med.hovertext[0].split("<br>"))
    assert med.hovertext[0].count("<br>") >= 1


def _event_lines(figure) -> list:
    return [
        t
        for t in figure.data
        if t.mode == "lines" and t.line.dash == "dot" and t.legendgroup in ("event-med_log",
                                                                            "event-action")
    ]  # fmt: skip


def test_trend_figure_puts_each_event_at_its_day_with_its_whole_text() -> None:
    figure = trend_figure(
        _trend(), phases=PHASES, changepoints=CHANGEPOINTS, labels=EVENT_LABELS, events=EVENTS
    )
    _check_markers(figure)
    lines = _event_lines(figure)
    assert sorted(_days(x for t in lines for x in t.x)) == sorted(
        pd.Timestamp(d) for d, *_ in EVENTS for _ in (0, 1)
    )
    # Thin dotted lines that stay below the change-point lines' top and the phase labels' strip.
    [changepoint] = [t for t in figure.data if t.name == "Niveauskift: Medspil"]
    top = max(y for y in changepoint.y if y is not None)
    assert all(y is None or 0 <= y < top for t in lines for y in t.y)
    assert all(t.line.width <= 1 and t.showlegend is False for t in lines)
    # The axis reaches out to the action agreed after the last wave.
    low, high = (pd.Timestamp(x) for x in figure.layout.xaxis.range)
    assert low <= pd.Timestamp(START) and high > pd.Timestamp(START + dt.timedelta(days=60))


def test_trend_and_run_chart_without_events_draw_no_event_traces() -> None:
    figure = trend_figure(_trend(), phases=PHASES, changepoints=CHANGEPOINTS, labels=LABELS)
    assert not [t for t in figure.data if str(t.legendgroup).startswith("event-")]
    high = pd.Timestamp(figure.layout.xaxis.range[1])
    assert high == pd.Timestamp(START + dt.timedelta(days=42 + 4))


def _series() -> pd.DataFrame:
    rows = _trend(hidden_wave=-1).assign(in_long_run=False)
    return rows[["opens", "wave_label", "n", "mean", "ci_low", "ci_high", "hidden", "in_long_run"]]


def test_run_chart_puts_each_event_at_its_day_with_its_whole_text() -> None:
    figure = runchart_figure(
        _series(),
        median=58.0,
        baseline_end=None,
        long_run_signal=False,
        few_crossings_signal=False,
        labels=EVENT_LABELS,
        events=EVENTS,
    )
    _check_markers(figure)
    assert len(_event_lines(figure)) == 2
    names = [t.name for t in figure.data if t.showlegend is not False]
    # The markers follow the run chart's own entries in the legend.
    assert names[-2:] == ["MED-drøftelse", "Aftalt handling"]


def test_phase_timeline_gives_each_kind_a_row_under_the_phases() -> None:
    phases = pd.DataFrame(
        {
            "kind": ["konsekvensvurdering", "udvikling"],
            "starts": [START - dt.timedelta(days=3), START + dt.timedelta(days=25)],
            "ends": [START + dt.timedelta(days=24), START + dt.timedelta(days=70)],
            "involvement": ["medindflydelse", "information"],
        }
    )
    plain = phase_timeline_figure(
        phases,
        phase_labels={"konsekvensvurdering": "Konsekvensvurdering", "udvikling": "Udvikling"},
        involvement_labels={"medindflydelse": "Medindflydelse", "information": "Information"},
        today=START + dt.timedelta(days=40),
        today_label="i dag",
    )
    figure = phase_timeline_figure(
        phases,
        phase_labels={"konsekvensvurdering": "Konsekvensvurdering", "udvikling": "Udvikling"},
        involvement_labels={"medindflydelse": "Medindflydelse", "information": "Information"},
        today=START + dt.timedelta(days=40),
        today_label="i dag",
        events=EVENTS,
        event_labels={"med_log": "MED-drøftelse", "action": "Aftalt handling"},
    )
    rows = {t.name: t for t in figure.data if t.type == "scatter"}
    assert set(rows) == {"MED-drøftelse", "Aftalt handling"}
    assert _days(rows["MED-drøftelse"].x) == [pd.Timestamp(d) for d in MED_DAYS]
    assert _days(rows["Aftalt handling"].x) == [pd.Timestamp(d) for d in ACTION_DAYS]
    assert set(rows["MED-drøftelse"].y) == {"MED-drøftelse"}
    assert [_plain(h) for h in rows["Aftalt handling"].hovertext] == _details("action")
    # Two rows more than the phases alone: the chart grows to hold them.
    assert figure.layout.height > plain.layout.height


def test_an_unknown_kind_of_event_is_refused_by_name() -> None:
    with pytest.raises(InvalidInput, match="meeting"):
        trend_figure(
            _trend(),
            phases=PHASES,
            changepoints=CHANGEPOINTS,
            labels=EVENT_LABELS,
            events=[(START, "meeting", "x", "x")],
        )
