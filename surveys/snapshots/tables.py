"""The snapshot's tables, drawn from its frozen content only: the same rows feed the page, the
PDF, the spreadsheet and the CSV files. Cells hold plain values (ints stay ints, missing stays
None); ``display_frame`` turns them into Danish text where a table is shown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from medspil.cells import cell_int, cell_timestamp
from medspil.formatting import date_text
from medspil.i18n import t
from surveys.snapshots.schema import (
    PhaseChangeRow,
    PhaseScoreRow,
    ResponseRateRow,
    ScoreRow,
    SnapshotContent,
    WaveChangeRow,
)
from surveys.snapshots.text import FEW_WAVES, SnapshotTexts, area_level

# The page's tabs: (title key, figure groups, table keys), in reading order.
SECTIONS = (
    ("s_phases", ("timeline", "phases"), ("faser", "niveau_pr_fase", "faseskift")),
    ("s_trends", ("trends",), ("niveau_pr_maaling", "maalingsskift")),
    ("s_signals", ("signals",), ("runcharts", "skift_i_niveau", "tendens")),
    ("s_units", ("units",), ("enheder",)),
    ("s_response", ("response",), ("svarprocent",)),
    ("t_comments", (), ("kommentarer",)),
)


@dataclass(frozen=True)
class SnapshotTable:
    """One table of the snapshot: a stable ``key`` (sheet and file name), a title, the rows."""

    key: str
    title: str
    frame: pd.DataFrame
    note: str = ""


def snapshot_tables(c: SnapshotContent, tr: SnapshotTexts) -> list[SnapshotTable]:
    tables = [
        SnapshotTable("faser", tr("t_phases"), _phase_table(c, tr)),
        SnapshotTable("niveau_pr_fase", tr("t_phase_scores"), _phase_scores(c, tr)),
        SnapshotTable("niveau_pr_maaling", tr("t_scores"), _scores(c, tr)),
        SnapshotTable(
            "faseskift", tr("t_phase_changes"), _changes(c, tr, "phase"), tr("cluster_note")
        ),
        SnapshotTable("maalingsskift", tr("t_wave_changes"), _changes(c, tr, "wave")),
        SnapshotTable("runcharts", tr("t_runcharts"), _runcharts(c, tr), tr("runchart_note")),
        SnapshotTable("skift_i_niveau", tr("t_changepoints"), _changepoints(c, tr)),
        SnapshotTable("tendens", tr("t_trends"), _trends(c, tr)),
        SnapshotTable("svarprocent", tr("t_response"), _response(c, tr)),
        SnapshotTable(
            "enheder",
            tr("t_heatmap", wave=c["heatmap"]["wave"] or "–"),
            _heatmap(c, tr),
            tr("heatmap_note"),
        ),
    ]
    if c["comments"]["included"]:
        frame = _frame(
            [
                {tr("c_wave"): item["wave"], tr("c_comment"): item["text"]}
                for item in c["comments"]["items"]
            ]
        )
        tables.append(SnapshotTable("kommentarer", tr("t_comments"), frame, tr.comments_note()))
    return tables


def _frame(rows: list[dict[str, Any]], columns: list[str] | None = None) -> pd.DataFrame:
    """Rows as a frame of plain Python values: ints stay ints and missing stays None (a
    numeric dtype would turn both into floats and NaN)."""
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _hidden_or(row: ScoreRow | PhaseScoreRow | ResponseRateRow, tr: SnapshotTexts) -> str:
    return tr.hidden if row["hidden"] else ""


def _phase_table(c: SnapshotContent, tr: SnapshotTexts) -> pd.DataFrame:
    return _frame(
        [
            {
                t("table.phase", tr.lang): tr.phase(p["id"]),
                t("table.from", tr.lang): date_text(p["starts"]),
                t("table.to", tr.lang): date_text(p["ends"]),
                t("table.involvement", tr.lang): tr.level(p["involvement"]),
                t("table.unit_involvement", tr.lang): "; ".join(
                    f"{u['unit_name']}: {tr.level(u['involvement'])}" for u in p["unit_levels"]
                )
                or "–",
            }
            for p in c["phases"]
        ]
    )


def _score_columns(row: ScoreRow | PhaseScoreRow, tr: SnapshotTexts) -> dict[str, Any]:
    share = row.get("favourable_share")
    return {
        tr("c_n"): row["n"],
        tr("c_mean"): row["mean"],
        tr("c_ci_low"): row["ci_low"],
        tr("c_ci_high"): row["ci_high"],
        tr("c_favourable"): None if share is None else 100 * share,
        tr("c_status"): _hidden_or(row, tr),
    }


def _phase_scores(c: SnapshotContent, tr: SnapshotTexts) -> pd.DataFrame:
    rows = [
        {
            tr("c_unit"): tr.unit(r["unit"]),
            tr("c_construct"): tr.constructs.get(r["construct"], r["construct"]),
            tr("c_phase"): tr.phase(r["phase"]),
            tr("c_involvement"): tr.level(area_level(c, tr.phases[r["phase"]], r["unit"])),
            **_score_columns(r, tr),
        }
        for r in tr.ordered(c["phase_scores"])
    ]
    return _frame(rows)


def _scores(c: SnapshotContent, tr: SnapshotTexts) -> pd.DataFrame:
    wave_phase = {w["number"]: w["phase"] for w in c["waves"]}
    wave_opens = {w["number"]: w["opens"] for w in c["waves"]}
    rows = [
        {
            tr("c_unit"): tr.unit(r["unit"]),
            tr("c_construct"): tr.constructs.get(r["construct"], r["construct"]),
            tr("c_wave"): r["wave"],
            tr("c_opens"): date_text(wave_opens[r["wave"]]),
            tr("c_phase"): tr.phase(wave_phase[r["wave"]]),
            **_score_columns(r, tr),
        }
        for r in tr.ordered(c["scores"])
    ]
    return _frame(rows)


def _changes(c: SnapshotContent, tr: SnapshotTexts, kind: str) -> pd.DataFrame:
    spans: list[tuple[PhaseChangeRow | WaveChangeRow, str | int, str | int]]
    if kind == "phase":
        ordered = tr.ordered(c["phase_changes"])
        spans = [(r, tr.phase(r["previous_phase"]), tr.phase(r["phase"])) for r in ordered]
    else:
        spans = [(r, r["previous_wave"], r["wave"]) for r in tr.ordered(c["wave_changes"])]
    rows = [
        {
            tr("c_unit"): tr.unit(r["unit"]),
            tr("c_construct"): tr.constructs.get(r["construct"], r["construct"]),
            tr("c_from"): before,
            tr("c_to"): after,
            tr("c_n_before"): r["n_earlier"],
            tr("c_n_after"): r["n_later"],
            tr("c_mean_before"): r["mean_earlier"],
            tr("c_mean_after"): r["mean_later"],
            tr("c_difference"): r["difference"],
            tr("c_cohens_d"): r["cohens_d"],
            tr("c_cliffs_delta"): r["cliffs_delta"],
            tr("c_p"): r["welch_p"],
            tr("c_p_adjusted"): r["p_adjusted"],
            tr("c_significant"): tr.yes_no(r["significant"]),
        }
        for r, before, after in spans
    ]
    return _frame(rows)


def _runcharts(c: SnapshotContent, tr: SnapshotTexts) -> pd.DataFrame:
    rows = [
        {
            tr("c_unit"): tr.unit(r["unit"]),
            tr("c_construct"): tr.constructs.get(r["construct"], r["construct"]),
            tr("c_median"): r["median"],
            tr("c_useful"): r["n_useful"],
            tr("c_longest_run"): r["longest_run"],
            tr("c_longest_run_max"): r["longest_run_max"],
            tr("c_crossings"): r["n_crossings"],
            tr("c_crossings_min"): r["n_crossings_min"],
            tr("c_signal"): (
                tr("few_waves") if r["n_useful"] < FEW_WAVES else tr.yes_no(r["runs_signal"])
            ),
        }
        for r in tr.ordered(c["runcharts"])
    ]
    return _frame(rows)


def _changepoints(c: SnapshotContent, tr: SnapshotTexts) -> pd.DataFrame:
    rows = [
        {
            tr("c_unit"): tr.unit(r["unit"]),
            tr("c_construct"): tr.constructs.get(r["construct"], r["construct"]),
            tr("c_first_wave"): r["wave"],
            tr("c_phase"): tr.phase(r["phase"]),
        }
        for r in tr.ordered(c["changepoints"])
    ]
    columns = [tr("c_unit"), tr("c_construct"), tr("c_first_wave"), tr("c_phase")]
    return _frame(rows, columns)


def _trends(c: SnapshotContent, tr: SnapshotTexts) -> pd.DataFrame:
    rows = [
        {
            tr("c_unit"): tr.unit(r["unit"]),
            tr("c_construct"): tr.constructs.get(r["construct"], r["construct"]),
            tr("c_phase"): tr.phase(r["phase"]),
            tr("c_waves"): r["n_waves"],
            tr("c_sen_slope"): r["sen_slope"],
            tr("c_mk_p"): r["p"],
        }
        for r in tr.ordered(c["trends"])
    ]
    return _frame(rows)


def _response(c: SnapshotContent, tr: SnapshotTexts) -> pd.DataFrame:
    rows = [
        {
            tr("c_unit"): tr.unit(r["unit"]),
            tr("c_wave"): r["wave"],
            tr("c_responses"): r["responses"],
            tr("c_invited"): r["invited"],
            tr("c_rate"): None if r["rate"] is None else 100 * r["rate"],
            tr("c_status"): _hidden_or(r, tr),
        }
        for r in tr.ordered(c["response_rates"])
    ]
    return _frame(rows)


def _heatmap(c: SnapshotContent, tr: SnapshotTexts) -> pd.DataFrame:
    """Units x constructs: the mean, or the hidden label (never a blank-looking cell)."""
    constructs = [k["id"] for k in c["constructs"]]
    cells = {(cell["unit"], cell["construct"]): cell for cell in c["heatmap"]["cells"]}
    units = list(dict.fromkeys(cell["unit"] for cell in c["heatmap"]["cells"]))
    rows = []
    for unit in units:
        row: dict[str, Any] = {tr("c_unit"): tr.unit(unit)}
        for construct in constructs:
            cell = cells.get((unit, construct))
            row[tr.constructs[construct]] = (
                tr.hidden if cell is None or cell["hidden"] else cell["mean"]
            )
        rows.append(row)
    return _frame(rows)


def snapshot_list_table(headers: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The list of snapshots for display: number, date, project, area, creator, corrections."""
    tr = lambda key: t(f"snapshot.{key}", lang)  # noqa: E731
    return _frame(
        [
            {
                tr("col_id"): cell_int(row.id),
                tr("col_date"): date_text(cell_timestamp(row.created_on)),
                tr("col_project"): row.project_name,
                tr("col_area"): row.area_name,
                tr("col_by"): row.created_by,
                tr("col_replaces"): "–" if row.replaces is None else str(row.replaces),
                tr("col_replaced_by"): "–" if row.replaced_by is None else str(row.replaced_by),
                tr("col_sha"): str(row.sha256)[:16] + "…",
            }
            for row in headers.itertuples()
        ]
    )
