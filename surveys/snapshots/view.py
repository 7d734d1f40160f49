"""Re-rendering a snapshot: header, tables and texts drawn ONLY from its frozen content.

The page, the PDF, the spreadsheet and the CSV files all render this one model, so they show
the same numbers. Nothing here reads the database: renamed units, new answers or a new
instrument cannot change a snapshot once it is frozen.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from medspil.formatting import date_text, number, p_value
from medspil.i18n import t
from surveys.dashboards.findings import FindingCard, finding_from_record, group_findings
from surveys.dashboards.involvement_effect import InvolvementEffectView, effect_notes
from surveys.snapshots.freeze import Snapshot
from surveys.snapshots.schema import SnapshotContent
from surveys.snapshots.tables import SnapshotTable, snapshot_tables
from surveys.snapshots.text import FEW_WAVES, SnapshotTexts, area_level
from surveys.snapshots.together_view import TogetherView, together_view

CORE = ("mening", "motivation", "medspil")


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
    # The finding cards of the area (most important first); empty for snapshots frozen before
    # findings.
    findings: tuple[FindingCard, ...] = ()
    # "Did involvement move medspil?" in sentences; empty for snapshots frozen before it.
    involvement_effect: tuple[str, ...] = ()
    # Plan against practice, the MED log, actions and "since last time"; None for snapshots
    # frozen before them.
    together: TogetherView | None = None

    def table(self, key: str) -> SnapshotTable:
        return next(table for table in self.tables if table.key == key)


def snapshot_view(snapshot: Snapshot, lang: str = "da") -> SnapshotView:
    """The render model of a snapshot in ``lang`` (texts from the catalogue, data frozen)."""
    c = snapshot.content
    tr = SnapshotTexts(c, lang)
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
        tables=tuple(snapshot_tables(c, tr)),
        comments_note=tr.comments_note(),
        findings=tuple(_findings(c, tr.constructs, lang)),
        involvement_effect=tuple(_involvement_effect(c, tr, lang)),
        together=together_view(c, tr.constructs, lang),
    )


def file_stem(view: SnapshotView) -> str:
    """The export's file name without extension: project, committee or unit, and date.

    >>> # e.g. "medspil-medicin-LMED-SYD-2026-12-03"
    """
    c = view.snapshot.content
    parts = [c["project"]["id"], c["area"]["id"], view.snapshot.created_on.isoformat()]
    safe = [re.sub(r"[^A-Za-z0-9ÆØÅæøå_-]+", "-", str(p)).strip("-") for p in parts]
    return "-".join(["medspil", *safe])


def _findings(c: SnapshotContent, constructs: dict[str, str], lang: str) -> list[FindingCard]:
    records = c.get("findings", [])
    found = [
        finding_from_record(r, constructs.get(r["construct"], r["construct"])) for r in records
    ]
    shown = [u["id"] for u in c["units"]]
    children = {u: [v["id"] for v in c["units"] if v["parent"] == u] for u in shown}
    return group_findings(found, children, lang)


def _involvement_effect(c: SnapshotContent, tr: SnapshotTexts, lang: str) -> list[str]:
    """The frozen comparison of units by involvement as the Faser page words it, then the
    caveat; nothing for a snapshot frozen before the comparison existed."""
    frozen = c.get("involvement_effect")
    if frozen is None:
        return []
    if frozen["phase"] is None or frozen["reason"] is not None:
        return [t("effect.snapshot_none", lang)]
    rows = pd.DataFrame(frozen.get("rows", []))
    if not rows.empty:
        rows = rows.assign(
            construct_label=[tr.constructs.get(k, k) for k in rows["construct"]],
            level_low_label=[t(f"involvement.{v}", lang) for v in rows["level_low"]],
            level_high_label=[t(f"involvement.{v}", lang) for v in rows["level_high"]],
        )
    before = frozen.get("previous_phase")
    view = InvolvementEffectView(
        unit_id=c["area"]["id"],
        unit_label=c["area"]["name"],
        phase_id=frozen["phase"],
        phase_label=tr.phase(frozen["phase"]),
        previous_phase_label=None if before is None else tr.phase(before),
        units=dict(frozen["units"]),
        left_out=int(frozen["left_out"]),
        rows=rows,
        empty_reason=frozen["reason"],
        min_units=int(frozen["min_units"]),
    )
    intro = t("effect.snapshot_intro", lang, phase=view.phase_label.lower())
    return [intro, *effect_notes(view, lang), t("effect.caveat", lang)]


def _phase_status(c: SnapshotContent, created_on: dt.date, tr: SnapshotTexts) -> PhaseStatus:
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


def _summary(c: SnapshotContent, tr: SnapshotTexts) -> list[str]:
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


def _significant_lines(c: SnapshotContent, tr: SnapshotTexts) -> list[str]:
    """What changed: the shift monitor's alarms (snapshots frozen before it: their list of
    significant comparisons)."""
    if "shifts" in c:
        return [
            tr(
                "shift_line",
                construct=tr.constructs.get(row["construct"], row["construct"]),
                unit=tr.unit(row["unit"]),
                diff=_signed(row["size"]),
                start=row["start"],
                phase=tr.phase(row["phase"]).lower(),
                wave=row["wave"],
            )
            for row in c["shifts"]["alarms"]
        ]
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
    for signal in signals:
        lines.append(
            tr(
                "signal_line",
                construct=tr.constructs.get(signal["construct"], signal["construct"]),
                unit=tr.unit(signal["unit"]),
            )
        )
    return lines


def _discussion(
    c: SnapshotContent, status: PhaseStatus, tr: SnapshotTexts
) -> list[tuple[str, str]]:
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
