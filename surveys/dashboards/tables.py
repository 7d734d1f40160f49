"""What the dashboard tables show and what their CSV files hold: the same formatted frames.

Numbers get a decimal comma; a hidden group reads "færre end k svar" and carries no number; the
CSV of a table is exactly the table (semicolon-separated with a BOM, as Danish Excel expects).
Also the labels the figures of ``analytics.charts`` read, in the user's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from medspil.cells import cell_float
from medspil.formatting import DASH, integer, number, p_value
from medspil.i18n import t
from medspil.text import spreadsheet_text
from surveys.dashboards.changes import LatestScores
from surveys.dashboards.views import HeatmapView, PhaseView, RunChartView, TrendView


def chart_labels(lang: str, *, series: str = "", axes: str = "time") -> dict[str, str]:
    """Every text ``analytics.charts`` reads, in ``lang``.

    ``axes``: ``"time"`` (waves on x), ``"units"`` (heatmap) or ``"phases"`` (phase charts).
    """
    keys = [
        "y_axis",
        "ci",
        "n",
        "significant",
        "change_point",
        "p_adjusted",
        "effect",
        "points",
        "median",
        "baseline",
        "long_run",
        "few_crossings",
        "colour_bar",
        "change",
        "mean",
        "shift",
        "shift_from",
    ]
    labels = {key: t(f"dash.chart_{key}", lang) for key in keys}
    labels["x_axis"] = t(f"dash.chart_x_{axes}", lang)
    if axes == "units":
        labels["y_axis"] = t("dash.chart_y_units", lang)
    labels["hidden"] = t("ui.fewer_than_k", lang)
    labels["series"] = series
    labels["event_med_log"] = t("events.kind_med_log", lang)
    labels["event_action"] = t("events.kind_action", lang)
    return labels


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The table as a CSV file for Danish spreadsheets (``;`` separated, UTF-8 with BOM).

    Every CSV download of the app goes through here: text fields and column names pass
    ``spreadsheet_text`` (no control characters, formulas neutralised as OWASP recommends).
    """
    safe = frame.copy()
    safe.columns = [spreadsheet_text(column) for column in frame.columns]
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = [
                spreadsheet_text(v) if isinstance(v, str) else v for v in safe[column].tolist()
            ]
    return safe.to_csv(sep=";", index=False).encode("utf-8-sig")


def trend_rows(view: TrendView, lang: str) -> pd.DataFrame:
    """The Udvikling table: one row per construct and wave."""
    rows = [
        {
            _col("construct", lang): r.construct_label,
            _col("wave", lang): r.wave_label,
            _col("phase", lang): r.phase_label,
            **_summary(r, lang),
            **_comparison(r, lang),
            _col("change_point", lang): _yes_no(bool(r.change_point), lang),
            _col("shift", lang): _signed(cell_float(r.shift_size)) if r.shift else DASH,
        }
        for r in view.table.itertuples()
    ]
    return pd.DataFrame(rows)


def runchart_rows(view: RunChartView, lang: str) -> pd.DataFrame:
    """The run chart's points with whether each is part of a long run."""
    rows = [
        {
            _col("wave", lang): r.wave_label,
            **_summary(r, lang),
            _col("in_run", lang): DASH if r.hidden else _yes_no(bool(r.in_long_run), lang),
        }
        for r in view.series.itertuples()
    ]
    return pd.DataFrame(rows)


def runchart_summary(view: RunChartView, lang: str) -> pd.DataFrame:
    """The Anhøj numbers of one run chart, with the limits they are held against."""
    items = [
        ("median", number(view.median)),
        ("useful", str(view.n_useful)),
        ("longest_run", _with_limit(view.longest_run, view.longest_run_max)),
        ("crossings", _with_limit(view.n_crossings, view.n_crossings_min)),
        ("signal", _yes_no(view.long_run_signal or view.few_crossings_signal, lang)),
    ]
    return pd.DataFrame(
        {
            _col("measure", lang): [t(f"dash.anhoej_{key}", lang) for key, _ in items],
            _col("value", lang): [value for _, value in items],
        }
    )


def heatmap_rows(view: HeatmapView, lang: str) -> pd.DataFrame:
    """The Enheder table: one row per unit and construct."""
    rows = [
        {
            _col("unit", lang): r.unit_label,
            _col("construct", lang): r.construct_label,
            **_summary(r, lang),
            **_comparison(r, lang),
        }
        for r in view.cells.itertuples()
    ]
    return pd.DataFrame(rows)


def phase_box_rows(view: PhaseView, lang: str) -> pd.DataFrame:
    """Per construct and phase: the summary and the percentiles behind the box plot."""
    rows = []
    for r in view.boxes.itertuples():
        row = {_col("construct", lang): r.construct_label, _col("phase", lang): r.phase_label}
        row.update(_summary(r, lang))
        for q in ("q10", "q25", "median", "q75", "q90"):
            row[_col(q, lang)] = DASH if r.hidden else number(getattr(r, q))
        rows.append(row)
    return pd.DataFrame(rows)


def phase_comparison_rows(view: PhaseView, lang: str) -> pd.DataFrame:
    """Each phase against the previous one: sizes, means, effect sizes, adjusted p."""
    rows = [
        {
            _col("construct", lang): r.construct_label,
            _col("from_phase", lang): r.previous_phase_label,
            _col("to_phase", lang): r.phase_label,
            _col("n_before", lang): str(r.n_earlier),
            _col("n_after", lang): str(r.n_later),
            _col("score_before", lang): number(r.mean_earlier),
            _col("score_after", lang): number(r.mean_later),
            _col("change", lang): number(r.difference),
            _col("d", lang): number(r.cohens_d, 2),
            _col("cliff", lang): number(r.cliffs_delta, 2),
            _col("p", lang): p_value(r.p_adjusted),
            _col("significant", lang): _yes_no(bool(r.significant), lang),
        }
        for r in view.comparisons.itertuples()
    ]
    return pd.DataFrame(rows)


def involvement_rows(view: PhaseView, lang: str) -> pd.DataFrame:
    """Per phase: the unit's involvement level next to its medspil score."""
    rows = [
        {
            _col("phase", lang): r.phase_label,
            _col("involvement", lang): r.involvement_label,
            **_summary(r, lang),
        }
        for r in view.involvement.itertuples()
    ]
    return pd.DataFrame(rows)


def latest_rows(latest: LatestScores, lang: str) -> pd.DataFrame:
    """The Overblik table of the latest wave: score and change per construct."""
    rows = [
        {_col("construct", lang): r.construct_label, **_summary(r, lang), **_comparison(r, lang)}
        for r in latest.table.itertuples()
    ]
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Metric:
    """One number for ``st.metric``: ``delta`` starts with "-" when it fell (the arrow follows)."""

    label: str
    value: str
    delta: str | None
    significant: bool
    help: str | None


def latest_metrics(latest: LatestScores, lang: str) -> list[Metric]:
    """The response rate and each construct's score with its change, for the Overblik page."""
    hidden = t("ui.fewer_than_k", lang)
    rate = hidden if latest.response_rate is None else f"{number(100 * latest.response_rate, 0)} %"
    metrics = [Metric(t("dash.response_rate", lang), rate, None, False, None)]
    for r in latest.table.itertuples():
        if bool(r.hidden):
            metrics.append(Metric(str(r.construct_label), hidden, None, False, None))
            continue
        delta = None
        help_text = t(
            "dash.metric_help",
            lang,
            n=integer(r.n, lang),
            low=number(r.ci_low),
            high=number(r.ci_high),
        )
        if r.difference is not None:
            # Short enough never to be cut off ("ikke signifik…"): the verdict is the colour,
            # and in words in the help text.
            delta = f"{number(r.difference)} {t('dash.chart_points', lang)}"
            verdict = t("dash.significant" if r.significant else "dash.not_significant", lang)
            help_text += f" {t('dash.metric_verdict', lang, verdict=verdict)}"
        metrics.append(
            Metric(str(r.construct_label), number(r.mean), delta, bool(r.significant), help_text)
        )
    return metrics


def change_text(difference: float | None, significant: bool, lang: str) -> str:
    """Arrow, size and significance of a change: "▼ 3,1 point (signifikant)"."""
    if difference is None:
        return DASH
    arrow = "▲" if difference > 0 else "▼" if difference < 0 else "■"
    verdict = t("dash.significant" if significant else "dash.not_significant", lang)
    return f"{arrow} {number(abs(difference))} {t('dash.chart_points', lang)} ({verdict})"


# --- helpers -------------------------------------------------------------------------------


def _col(key: str, lang: str) -> str:
    return t(f"dash.col_{key}", lang)


def _summary(r: Any, lang: str) -> dict[str, str]:
    if bool(r.hidden):
        hidden = t("ui.fewer_than_k", lang)
        return {_col("n", lang): hidden, _col("score", lang): hidden, _col("ci", lang): DASH}
    return {
        _col("n", lang): str(int(r.n)),
        _col("score", lang): number(r.mean),
        _col("ci", lang): f"{number(r.ci_low)}–{number(r.ci_high)}",
    }


def _comparison(r: Any, lang: str) -> dict[str, str]:
    difference = None if bool(r.hidden) else r.difference
    significant = bool(r.significant) and difference is not None
    return {
        _col("change", lang): change_text(difference, significant, lang),
        _col("p", lang): DASH if difference is None else p_value(r.p_adjusted),
    }


def _signed(points: float) -> str:
    """+3,5 or −3,5 (a true minus sign, as the snapshots write it)."""
    return ("+" if points > 0 else "") + number(points).replace("-", "\u2212")


def _yes_no(value: bool, lang: str) -> str:
    return t("dash.yes" if value else "dash.no", lang)


def _with_limit(value: int | None, limit: int | None) -> str:
    return DASH if value is None else f"{value} ({limit})"
