"""Re-rendering a snapshot: header, tables and texts drawn ONLY from its frozen content.

The page, the PDF, the spreadsheet and the CSV files all render this one model, so they show
the same numbers. Nothing here reads the database: renamed units, new answers or a new
instrument cannot change a snapshot once it is frozen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from medspil.i18n import t
from surveys.snapshots import Snapshot

CORE = ("mening", "motivation", "medspil")
FEW_WAVES = 10  # run-chart signals need at least this many useful points


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


@dataclass(frozen=True)
class PhaseStatus:
    current_id: int
    current: str
    current_level: str
    next: str | None
    next_level: str | None


@dataclass(frozen=True)
class SnapshotView:
    snapshot: Snapshot
    lang: str
    title: str
    header: tuple[tuple[str, str], ...]
    constructs: dict[str, str]
    phase_status: PhaseStatus
    summary: tuple[str, ...]
    significant: tuple[str, ...]
    discussion: tuple[tuple[str, str], ...]
    tables: tuple[SnapshotTable, ...]
    comments_note: str

    def table(self, key: str) -> SnapshotTable:
        return next(table for table in self.tables if table.key == key)


def number(value: float | None, decimals: int = 1) -> str:
    """A number in Danish notation (decimal comma); '–' for None."""
    if value is None:
        return "–"
    if round(value, decimals) == 0:
        value = 0.0
    return f"{value:,.{decimals}f}".replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def p_value(value: float | None) -> str:
    if value is None:
        return "–"
    return "< 0,001" if value < 0.001 else number(value, 3)


P_COLUMNS = ("c_p", "c_p_adjusted", "c_mk_p")
TWO_DECIMALS = ("c_cohens_d", "c_cliffs_delta")


def display_frame(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A table as text in Danish notation: p-values as '< 0,001', effect sizes with two
    decimals, other numbers with one, missing as '–' (for the page and the PDF)."""
    kinds = {t(f"snapshot.{key}", lang): key for key in P_COLUMNS + TWO_DECIMALS}
    shown = frame.copy()
    for column in shown.columns:
        kind = kinds.get(column)
        shown[column] = [display_value(value, kind) for value in shown[column]]
    return shown


def display_value(value: object, kind: str | None = None) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        if kind in P_COLUMNS:
            return p_value(value)
        return number(value, 2 if kind in TWO_DECIMALS else 1)
    return str(value)


def date_text(value: str | dt.date) -> str:
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return day.strftime("%d.%m.%Y")


def snapshot_view(snapshot: Snapshot, lang: str = "da") -> SnapshotView:
    """The render model of a snapshot in ``lang`` (texts from the catalogue, data frozen)."""
    c = snapshot.content
    tr = _Texts(c, lang)
    header = (
        (t("snapshot.h_project", lang), c["project"]["name"]),
        (t("snapshot.h_area", lang), tr.area_label()),
        (t("snapshot.h_date", lang), date_text(snapshot.created_on)),
        (t("snapshot.h_created_by", lang), snapshot.created_by),
        (t("snapshot.h_instrument", lang), tr.instrument()),
        (t("snapshot.h_k", lang), str(snapshot.k_min)),
        (t("snapshot.h_id", lang), str(snapshot.id)),
        (
            t("snapshot.h_replaces", lang),
            "–" if snapshot.replaces is None else str(snapshot.replaces),
        ),
        (t("snapshot.h_sha", lang), snapshot.sha256),
    )
    status = _phase_status(c, snapshot.created_on, tr)
    return SnapshotView(
        snapshot=snapshot,
        lang=lang,
        title=t("snapshot.report_title", lang, project=c["project"]["name"]),
        header=header,
        constructs=tr.constructs,
        phase_status=status,
        summary=tuple(_summary(c, tr)),
        significant=tuple(_significant_lines(c, tr)),
        discussion=tuple(_discussion(c, status, tr)),
        tables=tuple(_tables(c, tr)),
        comments_note=tr.comments_note(),
    )


class _Texts:
    """Labels for one snapshot in one language: units and constructs by their frozen names."""

    def __init__(self, content: dict[str, Any], lang: str) -> None:
        self.c = content
        self.lang = lang
        self.units = {u["id"]: u["name"] for u in content["units"]}
        self.constructs = {
            k["id"]: k["name"].get(lang) or k["name"].get("da") or k["id"]
            for k in content["constructs"]
        }
        self.phase_kind = {p["id"]: p["kind"] for p in content["phases"]}
        self.phases = {p["id"]: p for p in content["phases"]}
        self.hidden = t("ui.fewer_than_k", lang)
        self._unit_order = {u["id"]: i for i, u in enumerate(content["units"])}
        self._construct_order = {k["id"]: i for i, k in enumerate(content["constructs"])}

    def ordered(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Rows by unit (tree order), construct (instrument order), then time."""

        def key(row: dict[str, Any]) -> tuple:
            when = [row.get(k) or 0 for k in ("previous_phase", "phase", "previous_wave", "wave")]
            return (
                self._unit_order.get(row.get("unit"), -1),
                self._construct_order.get(row.get("construct"), -1),
                *when,
            )

        return sorted(rows, key=key)

    def __call__(self, key: str, **params: object) -> str:
        return t(f"snapshot.{key}", self.lang, **params)

    def unit(self, unit_id: str) -> str:
        return self.units.get(unit_id, unit_id)

    def phase(self, phase_id: int) -> str:
        return t(f"phase.{self.phase_kind[phase_id]}", self.lang)

    def level(self, level: str | None) -> str:
        return t(f"involvement.{level}", self.lang) if level else self("lbl_mixed")

    def yes_no(self, value: bool) -> str:
        return self("yes") if value else self("no")

    def area_label(self) -> str:
        kind = (
            self("area_committee") if self.c["area"]["kind"] == "committee" else self("area_unit")
        )
        return f"{self.c['area']['name']} ({kind})"

    def instrument(self) -> str:
        instrument = self.c["instrument"]
        title = instrument["title"].get(self.lang) or instrument["title"].get("da") or ""
        version = instrument["version"]
        label = instrument["id"] if version is None else f"{instrument['name']} v{version}"
        return f"{title} ({label})" if title else label

    def comments_note(self) -> str:
        comments = self.c["comments"]
        return self(f"comments_{comments['reason']}", k=self.c["k_comments"])


def area_level(
    content: dict[str, Any], phase: dict[str, Any], root: str | None = None
) -> str | None:
    """The involvement level of the area (or of one of its roots) in a phase.

    A root's own level where one is set for it (Ældreområde Nord co-designed in udvikling),
    the phase's level where nothing inside is set, and None where its parts differ.
    """
    roots = [root] if root is not None else content["area"]["roots"]
    levels = set()
    for one in roots:
        own = [u["involvement"] for u in phase["unit_levels"] if u["unit"] == one]
        if own:
            levels.add(own[0])
            continue
        levels.add(phase["involvement"])
        levels |= {u["involvement"] for u in phase["unit_levels"] if u["root"] == one}
    return levels.pop() if len(levels) == 1 else None


def _phase_status(c: dict[str, Any], created_on: dt.date, tr: _Texts) -> PhaseStatus:
    """The phase the project was in on the snapshot date, and the next planned one."""
    phases = c["phases"]
    started = [p for p in phases if dt.date.fromisoformat(p["starts"]) <= created_on]
    current = started[-1] if started else phases[0]
    later = [p for p in phases if dt.date.fromisoformat(p["starts"]) > created_on]
    following = later[0] if later else None
    return PhaseStatus(
        current_id=current["id"],
        current=tr.phase(current["id"]),
        current_level=tr.level(area_level(c, current)),
        next=None if following is None else tr.phase(following["id"]),
        next_level=None if following is None else tr.level(area_level(c, following)),
    )


def _summary(c: dict[str, Any], tr: _Texts) -> list[str]:
    """One line per core construct: the area's level per phase, with significant changes."""
    lines = []
    roots = c["area"]["roots"]
    changes = {
        (r["unit"], r["construct"], r["phase"]): r for r in c["phase_changes"] if r["significant"]
    }
    for root in roots:
        for construct in [k for k in CORE if k in tr.constructs]:
            parts = []
            for row in c["phase_scores"]:
                if row["unit"] != root or row["construct"] != construct:
                    continue
                value = tr.hidden if row["hidden"] else number(row["mean"], 0)
                part = f"{tr.phase(row['phase'])} {value}"
                change = changes.get((root, construct, row["phase"]))
                if change is not None:
                    part += f" ({tr('changed_by', diff=_signed(change['difference']))})"
                parts.append(part)
            prefix = tr.constructs[construct]
            if len(roots) > 1:
                prefix += f", {tr.unit(root)}"
            lines.append(f"{prefix}: " + " · ".join(parts))
    return lines


def _signed(value: float | None) -> str:
    if value is None:
        return "–"
    return ("+" if value > 0 else "−" if value < 0 else "") + number(abs(value), 1)


def _significant_lines(c: dict[str, Any], tr: _Texts) -> list[str]:
    lines = []
    for row in c["significant"]:
        if row["kind"] == "phase":
            span = tr("span_phase", before=tr.phase(row["from"]), after=tr.phase(row["to"]))
        else:
            span = tr("span_wave", before=row["from"], after=row["to"])
        lines.append(
            tr(
                "significant_line",
                construct=tr.constructs.get(row["construct"], row["construct"]),
                unit=tr.unit(row["unit"]),
                span=span,
                diff=_signed(row["difference"]),
                d=number(row["cohens_d"], 2),
                p=p_value(row["p_adjusted"]),
            )
        )
    signals = [r for r in c["runcharts"] if r["runs_signal"] and r["n_useful"] >= FEW_WAVES]
    for row in signals:
        lines.append(
            tr(
                "signal_line",
                construct=tr.constructs.get(row["construct"], row["construct"]),
                unit=tr.unit(row["unit"]),
            )
        )
    return lines


def _discussion(c: dict[str, Any], status: PhaseStatus, tr: _Texts) -> list[tuple[str, str]]:
    """The four basic questions of KL and FH's "Sammen om ny teknologi", made concrete."""
    project = c["project"]["name"]
    if status.next is None:
        ahead = tr("discuss_no_next", current=status.current)
    else:
        ahead = tr("discuss_next", next=status.next, level=status.next_level)
    unit_levels = [
        f"{u['unit_name']}: {tr.level(u['involvement'])}"
        for p in c["phases"]
        if p["id"] == status.current_id
        for u in p["unit_levels"]
    ]
    inddragelse = tr(
        "discuss_inddragelse",
        current=status.current,
        level=status.current_level,
        ahead=ahead,
        units=("; ".join(unit_levels) + ". ") if unit_levels else "",
    )
    return [
        (tr("q_kerneopgave"), tr("discuss_kerneopgave", project=project)),
        (tr("q_opgaveloesning"), tr("discuss_opgaveloesning")),
        (tr("q_kompetencer"), tr("discuss_kompetencer")),
        (tr("q_inddragelse"), inddragelse),
    ]


def _tables(c: dict[str, Any], tr: _Texts) -> list[SnapshotTable]:
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


def _hidden_or(row: dict[str, Any], tr: _Texts) -> str:
    return tr.hidden if row["hidden"] else ""


def _phase_table(c: dict[str, Any], tr: _Texts) -> pd.DataFrame:
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


def _score_columns(row: dict[str, Any], tr: _Texts) -> dict[str, Any]:
    share = row.get("favourable_share")
    return {
        tr("c_n"): row["n"],
        tr("c_mean"): row["mean"],
        tr("c_ci_low"): row["ci_low"],
        tr("c_ci_high"): row["ci_high"],
        tr("c_favourable"): None if share is None else 100 * share,
        tr("c_status"): _hidden_or(row, tr),
    }


def _phase_scores(c: dict[str, Any], tr: _Texts) -> pd.DataFrame:
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


def _scores(c: dict[str, Any], tr: _Texts) -> pd.DataFrame:
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


def _changes(c: dict[str, Any], tr: _Texts, kind: str) -> pd.DataFrame:
    source = c["phase_changes"] if kind == "phase" else c["wave_changes"]
    label = tr.phase if kind == "phase" else (lambda value: value)
    rows = [
        {
            tr("c_unit"): tr.unit(r["unit"]),
            tr("c_construct"): tr.constructs.get(r["construct"], r["construct"]),
            tr("c_from"): label(r[f"previous_{kind}"]),
            tr("c_to"): label(r[kind]),
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
        for r in tr.ordered(source)
    ]
    return _frame(rows)


def _runcharts(c: dict[str, Any], tr: _Texts) -> pd.DataFrame:
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


def _changepoints(c: dict[str, Any], tr: _Texts) -> pd.DataFrame:
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


def _trends(c: dict[str, Any], tr: _Texts) -> pd.DataFrame:
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


def _response(c: dict[str, Any], tr: _Texts) -> pd.DataFrame:
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


def _heatmap(c: dict[str, Any], tr: _Texts) -> pd.DataFrame:
    """Units x constructs: the mean, or the hidden label (never a blank-looking cell)."""
    constructs = [k["id"] for k in c["constructs"]]
    cells = {(cell["unit"], cell["construct"]): cell for cell in c["heatmap"]["cells"]}
    units = list(dict.fromkeys(cell["unit"] for cell in c["heatmap"]["cells"]))
    rows = []
    for unit in units:
        row: dict[str, Any] = {tr("c_unit"): tr.unit(unit)}
        for construct in constructs:
            cell = cells.get((unit, construct))
            hidden = cell is None or cell["hidden"]
            row[tr.constructs[construct]] = tr.hidden if hidden else cell["mean"]
        rows.append(row)
    return _frame(rows)


def snapshot_list_table(headers: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The list of snapshots for display: number, date, project, area, creator, corrections."""
    tr = lambda key: t(f"snapshot.{key}", lang)  # noqa: E731
    return _frame(
        [
            {
                tr("col_id"): int(row.id),
                tr("col_date"): date_text(row.created_on),
                tr("col_project"): row.project_name,
                tr("col_area"): row.area_name,
                tr("col_by"): row.created_by,
                tr("col_replaces"): "–" if row.replaces is None else str(row.replaces),
                tr("col_replaced_by"): "–" if row.replaced_by is None else str(row.replaced_by),
                tr("col_sha"): row.sha256[:16] + "…",
            }
            for row in headers.itertuples()
        ]
    )
