"""The snapshot's charts: the dashboards' figure builders (``analytics.charts``) fed with tidy
frames made from the frozen content only. The page and the PDF draw the same figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from analytics.charts import (
    ChartEvent,
    heatmap_figure,
    involvement_figure,
    phase_comparison_figure,
    runchart_figure,
    trend_figure,
)
from analytics.events import ACTION, MED_LOG
from analytics.timeline import INVOLVEMENT_COLOURS, phase_timeline_figure
from medspil.formatting import CHART_DATE_FORMAT, chart_separators, date_text, short_date
from medspil.i18n import t
from surveys.dashboards.tables import chart_labels
from surveys.snapshots.schema import (
    HeatmapCell,
    PhasePart,
    PhaseScoreRow,
    ScoreRow,
    SnapshotContent,
)
from surveys.snapshots.text import FEW_WAVES, area_level
from surveys.snapshots.view import SnapshotView


def frozen_events(c: SnapshotContent, root: str, lang: str) -> list[ChartEvent]:
    """The MED discussions and agreed actions the snapshot froze (``content["together"]``), as
    markers for the charts of ``root``: every discussion it shows (they concern the area), and
    the actions that concern ``root`` or a unit shown below it. None for older snapshots."""
    together = c.get("together")
    if together is None:
        return []
    below = {root} | {u["id"] for u in c["units"] if u["parent"] == root}
    found: list[ChartEvent] = []
    for entry in together["med_log"]:
        day = dt.date.fromisoformat(entry["met_on"])
        head = f"{short_date(day, lang)} {entry['committee_name']}: {entry['topic']}"
        detail = f"{head}. {entry['decision']}".strip() if entry["decision"] else head
        found.append((day, MED_LOG, head, detail))
    for action in together["actions"]:
        if len(c["area"]["roots"]) > 1 and not set(action["units"]) & below:
            continue
        day = dt.date.fromisoformat(action["agreed_on"])
        head = t("timeline.action", lang, day=short_date(day, lang), what=action["what"])
        detail = t(
            "timeline.action_detail",
            lang,
            head=head,
            who=action["responsible"],
            status=t(f"action_status.{action['status']}", lang),
        )
        found.append((day, ACTION, head, detail))
    return sorted(found, key=lambda e: (e[0], e[1]))


@dataclass(frozen=True)
class SnapshotFigure:
    """One chart: a stable ``key``, its title, the figure, and its ``group`` on the page."""

    key: str
    title: str
    figure: go.Figure
    group: str


def snapshot_figures(view: SnapshotView, *, runcharts: str = "all") -> list[SnapshotFigure]:
    """Every chart of the snapshot, in report order.

    ``runcharts``: ``"all"`` (the page) or ``"signals"`` (the PDF: only the run charts that
    show a signal, so the agenda stays short).
    """
    c = view.snapshot.content
    tr = _Labels(view)
    figures = [SnapshotFigure("timeline", tr.t("t_phases"), _timeline(view), "timeline")]
    for root in c["area"]["roots"]:
        suffix = f" · {tr.unit(root)}" if len(c["area"]["roots"]) > 1 else ""
        rows = _involvement_rows(c, root, tr)
        if not rows.empty:
            figures.append(
                SnapshotFigure(
                    f"involvement_{root}",
                    tr.t("fig_involvement") + suffix,
                    involvement_figure(
                        rows, labels=tr.labels(axes="phases", x_axis=tr.t("c_phase"))
                    ),
                    "phases",
                )
            )
        boxes = _boxes(c, root, tr)
        figures.append(
            SnapshotFigure(
                f"phases_{root}",
                tr.t("fig_phases") + suffix,
                phase_comparison_figure(
                    boxes, labels=tr.labels(axes="phases", x_axis=tr.t("c_phase"))
                ),
                "phases",
            )
        )
        events = frozen_events(c, root, view.lang)
        for construct, name in view.constructs.items():
            figures.append(
                SnapshotFigure(
                    f"trend_{root}_{construct}",
                    tr.t("fig_trend", construct=name) + suffix,
                    trend_figure(
                        _trend_rows(c, root, construct, tr),
                        phases=_bands(view, root, tr),
                        changepoints=_changepoints(c, root, construct, tr),
                        labels=tr.labels(),
                        events=events,
                    ),
                    "trends",
                )
            )
        for chart in c["runcharts"]:
            if chart["unit"] != root:
                continue
            signal = chart["runs_signal"] and chart["n_useful"] >= FEW_WAVES
            if runcharts == "signals" and not signal:
                continue
            name = view.constructs.get(chart["construct"], chart["construct"])
            figures.append(
                SnapshotFigure(
                    f"runchart_{root}_{chart['construct']}",
                    tr.t("fig_runchart", construct=name) + suffix,
                    runchart_figure(
                        _runchart_series(c, root, chart["construct"], tr),
                        median=chart["median"],
                        baseline_end=None,
                        long_run_signal=chart["long_run_signal"],
                        few_crossings_signal=chart["few_crossings_signal"],
                        labels=tr.labels(series=name),
                        events=events,
                    ),
                    "signals",
                )
            )
    if c["heatmap"]["cells"]:
        figures.append(
            SnapshotFigure(
                "heatmap",
                tr.t("t_heatmap", wave=c["heatmap"]["wave"]),
                heatmap_figure(
                    _heatmap_cells(c, tr),
                    labels=tr.labels(
                        axes="units", x_axis=tr.t("c_construct"), y_axis=tr.t("c_unit")
                    ),
                ),
                "units",
            )
        )
    figures.append(SnapshotFigure("response", tr.t("t_response"), _response(view, tr), "response"))
    return figures


class _Labels:
    def __init__(self, view: SnapshotView) -> None:
        self.view = view
        self.lang = view.lang
        content = view.snapshot.content
        self.units = {u["id"]: u["name"] for u in content["units"]}
        self.waves = {w["number"]: w for w in content["waves"]}
        self.phase_kind = {p["id"]: p["kind"] for p in content["phases"]}

    def t(self, key: str, **params: object) -> str:
        return t(f"snapshot.{key}", self.lang, **params)

    def labels(self, *, axes: str = "time", series: str = "", **overrides: str) -> dict[str, str]:
        """The dashboards' chart words (one vocabulary for the same charts), then overrides."""
        return chart_labels(self.lang, series=series, axes=axes) | overrides

    def unit(self, unit_id: str) -> str:
        return self.units.get(unit_id, unit_id)

    def construct(self, construct: str) -> str:
        return self.view.constructs.get(construct, construct)

    def wave(self, number: int) -> str:
        wave = self.waves[number]
        if wave.get("imported"):
            return t(
                "import.wave_label_snapshot",
                self.lang,
                number=number,
                date=date_text(wave["opens"]),
            )
        return self.t("lbl_wave", number=number, date=date_text(wave["opens"]))

    def opens(self, number: int) -> dt.date:
        return dt.date.fromisoformat(self.waves[number]["opens"])

    def phase(self, phase_id: int) -> str:
        return t(f"phase.{self.phase_kind[phase_id]}", self.lang)

    def level(self, level: str | None) -> str:
        return t(f"involvement.{level}", self.lang) if level else self.t("lbl_mixed")


def _timeline(view: SnapshotView) -> go.Figure:
    c = view.snapshot.content
    phases = pd.DataFrame(c["phases"])
    # The area's own level per phase (not the project's); a mixed level names its units.
    phases["involvement"] = [area_level(c, p) for p in c["phases"]]
    phases["involvement_label"] = [
        _level_words(p, view.lang, area_level(c, p)) for p in c["phases"]
    ]
    return phase_timeline_figure(
        phases,
        phase_labels={p["kind"]: t(f"phase.{p['kind']}", view.lang) for p in c["phases"]},
        involvement_labels={
            level: t(f"involvement.{level}", view.lang) for level in INVOLVEMENT_COLOURS
        },
        today=view.snapshot.created_on,
        today_label=t("snapshot.fig_snapshot_day", view.lang),
    )


def _level_words(phase: PhasePart, lang: str, level: str | None) -> str:
    if level is not None:
        return t(f"involvement.{level}", lang)
    by_level: dict[str, list[str]] = {}
    for unit in phase["unit_levels"]:
        by_level.setdefault(unit["involvement"], []).append(unit["unit_name"])
    parts = [
        t(
            "involvement_words.part",
            lang,
            units=", ".join(names),
            level=t(f"involvement.{lvl}", lang),
        )
        for lvl, names in sorted(by_level.items())
    ]
    return (
        t("involvement_words.mixed", lang, parts="; ".join(parts))
        if parts
        else t("dash.mixed", lang)
    )


def _summary(row: ScoreRow | PhaseScoreRow | HeatmapCell) -> dict[str, Any]:
    return {key: row.get(key) for key in ("n", "mean", "ci_low", "ci_high", "hidden")}


def _trend_rows(c: SnapshotContent, root: str, construct: str, tr: _Labels) -> pd.DataFrame:
    changes = {
        r["wave"]: r for r in c["wave_changes"] if r["unit"] == root and r["construct"] == construct
    }
    rows = []
    for row in sorted(
        (r for r in c["scores"] if r["unit"] == root and r["construct"] == construct),
        key=lambda r: r["wave"],
    ):
        change: Mapping[str, Any] = changes.get(row["wave"], {})
        rows.append(
            {
                "construct": construct,
                "construct_label": tr.construct(construct),
                "opens": tr.opens(row["wave"]),
                "wave_label": tr.wave(row["wave"]),
                **_summary(row),
                "difference": change.get("difference"),
                "p_adjusted": change.get("p_adjusted"),
                "cohens_d": change.get("cohens_d"),
                "significant": bool(change.get("significant", False)),
            }
        )
    columns = ["construct", "construct_label", "opens", "wave_label", "n", "mean", "ci_low"]
    columns += ["ci_high", "hidden", "difference", "p_adjusted", "cohens_d", "significant"]
    frame = pd.DataFrame(rows, columns=columns)
    if "shifts" in c:  # flags from the shift monitor; older snapshots flag significant changes
        alarms = {
            a["wave"]: a
            for a in c["shifts"]["alarms"]
            if a["unit"] == root and a["construct"] == construct
        }
        waves = sorted(
            r["wave"] for r in c["scores"] if r["unit"] == root and r["construct"] == construct
        )
        frame["shift"] = [alarms[w]["direction"] if w in alarms else 0 for w in waves]
        frame["shift_size"] = [alarms[w]["size"] if w in alarms else None for w in waves]
        frame["shift_start_label"] = [
            tr.wave(alarms[w]["start"]) if w in alarms else None for w in waves
        ]
    return frame


def _bands(view: SnapshotView, root: str, tr: _Labels) -> pd.DataFrame:
    """The phases the frozen waves fall in, with the area's involvement level in each."""
    c = view.snapshot.content
    with_waves = {w["phase"] for w in c["waves"]}
    rows = []
    for phase in c["phases"]:
        if phase["id"] not in with_waves:
            continue
        level = area_level(c, phase, root)
        rows.append(
            {
                "phase_label": tr.phase(phase["id"]),
                "involvement": level,
                "involvement_label": tr.level(level),
                "starts": dt.date.fromisoformat(phase["starts"]),
                "ends": min(dt.date.fromisoformat(phase["ends"]), view.snapshot.created_on),
            }
        )
    columns = ["phase_label", "involvement", "involvement_label", "starts", "ends"]
    return pd.DataFrame(rows, columns=columns)


def _changepoints(c: SnapshotContent, root: str, construct: str, tr: _Labels) -> pd.DataFrame:
    rows = [
        {
            "construct": construct,
            "construct_label": tr.construct(construct),
            "opens": tr.opens(p["wave"]),
        }
        for p in c["changepoints"]
        if p["unit"] == root and p["construct"] == construct
    ]
    return pd.DataFrame(rows, columns=["construct", "construct_label", "opens"])


def _runchart_series(c: SnapshotContent, root: str, construct: str, tr: _Labels) -> pd.DataFrame:
    long = {r["wave"] for r in c["long_runs"] if r["unit"] == root and r["construct"] == construct}
    rows = [
        {
            "opens": tr.opens(r["wave"]),
            "wave_label": tr.wave(r["wave"]),
            **_summary(r),
            "in_long_run": r["wave"] in long,
        }
        for r in sorted(c["scores"], key=lambda r: r["wave"])
        if r["unit"] == root and r["construct"] == construct
    ]
    columns = ["opens", "wave_label", "n", "mean", "ci_low", "ci_high", "hidden", "in_long_run"]
    return pd.DataFrame(rows, columns=columns)


def _boxes(c: SnapshotContent, root: str, tr: _Labels) -> pd.DataFrame:
    order = {p["id"]: i for i, p in enumerate(c["phases"])}
    quantiles = ("q10", "q25", "median", "q75", "q90")
    rows = [
        {
            "construct": r["construct"],
            "construct_label": tr.construct(r["construct"]),
            "phase_label": tr.phase(r["phase"]),
            **_summary(r),
            **{q: r.get(q) for q in quantiles},
        }
        for construct in tr.view.constructs
        for r in sorted(c["phase_scores"], key=lambda r: order[r["phase"]])
        if r["unit"] == root and r["construct"] == construct
    ]
    columns = ["construct", "construct_label", "phase_label", "n", "mean", "ci_low", "ci_high"]
    return pd.DataFrame(rows, columns=[*columns, *quantiles, "hidden"])


def _involvement_rows(c: SnapshotContent, root: str, tr: _Labels) -> pd.DataFrame:
    """Medspil per phase next to the area's involvement level in that phase."""
    phases = {p["id"]: p for p in c["phases"]}
    rows = []
    for r in c["phase_scores"]:
        if r["unit"] != root or r["construct"] != "medspil":
            continue
        level = area_level(c, phases[r["phase"]], root)
        rows.append(
            {
                "phase_label": tr.phase(r["phase"]),
                "involvement": level,
                "involvement_label": tr.level(level),
                **_summary(r),
            }
        )
    columns = ["phase_label", "involvement", "involvement_label", "n", "mean", "ci_low"]
    return pd.DataFrame(rows, columns=[*columns, "ci_high", "hidden"])


def _heatmap_cells(c: SnapshotContent, tr: _Labels) -> pd.DataFrame:
    order = {k["id"]: i for i, k in enumerate(c["constructs"])}
    cells = sorted(c["heatmap"]["cells"], key=lambda cell: order.get(cell["construct"], 99))
    units = list(dict.fromkeys(cell["unit"] for cell in c["heatmap"]["cells"]))
    cells.sort(key=lambda cell: units.index(cell["unit"]))
    rows = [
        {
            "unit_label": tr.unit(cell["unit"]),
            "construct_label": tr.construct(cell["construct"]),
            **_summary(cell),
            "difference": cell["difference"],
            "significant": bool(cell["significant"]),
        }
        for cell in cells
    ]
    columns = ["unit_label", "construct_label", "n", "mean", "ci_low", "ci_high", "hidden"]
    return pd.DataFrame(rows, columns=[*columns, "difference", "significant"])


def _response(view: SnapshotView, tr: _Labels) -> go.Figure:
    """Response rate per wave (bars); hidden waves have no bar and say so."""
    c = view.snapshot.content
    figure = go.Figure()
    for position, root in enumerate(c["area"]["roots"]):
        rows = sorted(
            (r for r in c["response_rates"] if r["unit"] == root), key=lambda r: r["wave"]
        )
        figure.add_trace(
            go.Bar(
                x=[tr.opens(r["wave"]) for r in rows],
                y=[None if r["hidden"] or r["rate"] is None else 100 * r["rate"] for r in rows],
                name=tr.unit(root),
                marker_color=("#0072B2", "#E69F00", "#009E73")[position % 3],
                customdata=[
                    [tr.wave(r["wave"]), r["responses"] or "–", r["invited"] or "–"] for r in rows
                ],
                hovertemplate="%{customdata[0]}<br>%{y:.0f} % (%{customdata[1]}/%{customdata[2]})"
                "<extra></extra>",
            )
        )
    figure.update_layout(
        height=300,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        separators=chart_separators(),
        plot_bgcolor="#FFFFFF",
        showlegend=len(c["area"]["roots"]) > 1,
        xaxis={
            "type": "date",
            "tickformat": CHART_DATE_FORMAT,
            "title": {"text": tr.t("lbl_x_axis")},
        },
        yaxis={"range": [0, 100], "title": {"text": tr.t("c_rate")}, "gridcolor": "#E5E5E5"},
    )
    return figure
