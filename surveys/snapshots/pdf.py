"""The snapshot as an A4 PDF for the MED agenda: Jinja2 templates (``templates/report.html`` and
``report.css``, autoescaped) rendered by WeasyPrint.

Charts are the page's plotly figures as vector SVG (``surveys.snapshots.chart_svg``: kaleido
and Debian's chromium, one warm server per process).
Project, area, date and hash stand in the page margins (CSS ``@page`` boxes), so every page
says which snapshot it belongs to.
"""

from __future__ import annotations

import base64
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from medspil.assets import font_path
from medspil.formatting import DASH, date_text, number
from medspil.i18n import t
from surveys.snapshots.chart_svg import print_svg
from surveys.snapshots.charts import SnapshotFigure, snapshot_figures
from surveys.snapshots.schema import (
    ScoreRow,
    SnapshotContent,
)
from surveys.snapshots.tables import SnapshotTable
from surveys.snapshots.text import display_frame
from surveys.snapshots.view import SnapshotView

FONT_FAMILY = "Medspil Sans"  # the bundled DejaVu Sans, declared with @font-face below
# The PDF page is narrower than a spreadsheet: these columns of the change tables fit A4.
_CHANGE_COLUMNS = (
    "c_unit",
    "c_construct",
    "c_from",
    "c_to",
    "c_n_before",
    "c_n_after",
    "c_mean_before",
    "c_mean_after",
    "c_difference",
    "c_cohens_d",
    "c_p_adjusted",
    "c_significant",
)


def render_pdf(view: SnapshotView) -> bytes:
    """The whole report as PDF bytes."""
    fonts = FontConfiguration()
    document = HTML(string=report_html(view), base_url=str(font_path().parent))
    return document.write_pdf(
        stylesheets=[CSS(string=_css(view), font_config=fonts)], font_config=fonts
    )


@cache
def _templates() -> Environment:
    environment = Environment(
        loader=PackageLoader("surveys.snapshots", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["css_string"] = _css_string
    return environment


def report_html(view: SnapshotView) -> str:
    """The report's HTML (without the stylesheet, which carries the page boxes)."""
    tr = _tr(view.lang)
    figures = snapshot_figures(view, runcharts="signals")
    content = view.snapshot.content

    def charts(group: str, titled: bool = True) -> list[dict[str, Any]]:
        return [_figure(f, titled) for f in figures if f.group == group]

    sections = [
        _section(
            tr("s_phases"),
            [_figure(figures[0], titled=False), _table(view.table("faser"), view.lang, title=False)]
            + _phase_pivot(view, tr),
        ),
        _section(tr("s_phases_scores"), charts("phases")),
        _section(tr("s_trends"), [_note(tr("fig_legend"))] + charts("trends")),
        _section(tr("t_scores"), _wave_table(view, tr)),
        _section(
            tr("s_changes"),
            [
                _table(view.table("faseskift"), view.lang, keep=_CHANGE_COLUMNS),
                _table(
                    _significant_only(view.table("maalingsskift"), tr),
                    view.lang,
                    keep=_CHANGE_COLUMNS,
                ),
            ],
        ),
        _section(
            tr("s_signals"),
            charts("signals")
            + [
                _table(view.table(key), view.lang)
                for key in ("runcharts", "skift_i_niveau", "tendens")
            ],
        ),
    ]
    if any(f.group == "units" for f in figures):
        sections.append(
            _section(
                tr("s_units"), charts("units", False) + [_table(view.table("enheder"), view.lang)]
            )
        )
    sections.append(
        _section(
            tr("s_response"),
            charts("response", False) + [_table(view.table("svarprocent"), view.lang)],
        )
    )
    comments = None
    if content["comments"]["included"]:
        comments = {
            "title": tr("t_comments"),
            "note": view.comments_note,
            "wave_word": t("snapshot.c_wave", view.lang),
            "entries": content["comments"]["items"],
        }
    s = view.snapshot
    return (
        _templates()
        .get_template("report.html")
        .render(
            lang=view.lang,
            title=view.title,
            cover={
                "kicker": tr("page_title"),
                "project": content["project"]["name"],
                "header": view.header,
                "frozen": tr("frozen_note", date=date_text(s.created_on)),
                "summary_title": tr("s_summary"),
                "summary_intro": tr("summary_intro"),
                "summary": view.summary,
                "significant_title": tr("s_significant"),
                "significant": view.significant or [tr("no_significant")],
            },
            resume=_resume(view, tr, figures),
            together=_together(view),
            sections=sections,
            comments=comments,
            discussion={
                "title": tr("s_discussion"),
                "intro": tr("discuss_intro"),
                "prompts": view.discussion,
                "changes_title": tr("discuss_changes"),
                "changes": view.significant,
            },
            method={
                "title": tr("s_method"),
                "paragraphs": [
                    tr("method_scores", k=s.k_min),
                    # Snapshots frozen before the shift monitor flag significant changes only.
                    *([tr("method_shifts")] if "shifts" in s.content else []),
                    tr("method_changes"),
                    tr("method_hash"),
                ],
                "sha256": s.sha256,
                "verify": tr("method_verify", id=s.id),
            },
        )
    )


RESUME_CARDS = 6  # what fits the résumé's first page beside the header
SINCE_LINES = 3  # "since last time" on the résumé's second page; the whole list in the appendix


def _together(view: SnapshotView) -> dict[str, Any] | None:
    """Since last time (short, on the résumé) and the plan, discussions and actions (appendix)."""
    together = view.together
    if together is None:
        return None
    lang = view.lang
    since = list(together.since)

    def heading(key: str) -> str:
        return t(f"snapshot_together.{key}", lang)

    return {
        "since_title": together.since_title,
        "since_short": since[:SINCE_LINES],  # empty for the area's first snapshot
        "since_more": t("snapshot_together.since_more", lang, n=len(since) - SINCE_LINES)
        if len(since) > SINCE_LINES
        else "",
        "title": heading("title"),
        "since": since,
        "parts": [
            (heading(key), list(lines) or [heading("none")])
            for key, lines in (
                ("plan_title", together.differences),
                ("framing_title", together.framing),
                ("roles_title", together.roles),
                ("log_title", together.log),
                ("actions_title", together.actions),
            )
        ],
    }


def _resume(view: SnapshotView, tr, figures: list[SnapshotFigure]) -> dict[str, Any]:
    """Two pages for the agenda: the findings (most important first), involvement against
    medspil, and the four questions to discuss. Everything else follows as the appendix
    ("Bilag")."""
    cards = view.findings[:RESUME_CARDS]
    more = len(view.findings) - len(cards)
    return {
        "kicker": tr("resume_kicker"),
        "project": view.snapshot.content["project"]["name"],
        "subtitle": f"{view.header[1][1]} · {date_text(view.snapshot.created_on)}",
        "findings_title": tr("resume_findings"),
        "findings": [(card.title, card.sentence) for card in cards],
        "none": tr("resume_no_findings"),
        "more": tr("resume_more", n=more) if more > 0 else "",
        "involvement_title": tr("resume_involvement"),
        "figures": [_figure(f)["figure"] for f in figures if f.key.startswith("involvement_")],
        "effect_title": t("effect.title", view.lang),
        "effect": view.involvement_effect,
        "discussion_title": tr("s_discussion"),
        "prompts": view.discussion,
        "appendix": tr("s_appendix"),
    }


def _tr(lang: str):
    return lambda key, **params: t(f"snapshot.{key}", lang, **params)


def _section(title: str, parts: list[dict[str, Any]]) -> dict[str, Any]:
    return {"title": title, "parts": parts}


def _note(text: str) -> dict[str, Any]:
    return {"kind": "note", "text": text}


def _figure(figure: SnapshotFigure, titled: bool = True) -> dict[str, Any]:
    svg = print_svg(figure.figure, font_family=FONT_FAMILY, keep_height=figure.group == "units")
    source = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    return {
        "kind": "figure",
        "titled": titled,
        "figure": {"title": figure.title, "src": source},
    }


def _grid(
    title: str,
    columns: list[str],
    rows: list[list[object]],
    *,
    note: str = "",
    row_heads: bool = False,
    small: bool = False,
    titled: bool = True,
) -> dict[str, Any]:
    table = {
        "title": title,
        "columns": columns,
        "rows": rows,
        "note": note,
        "empty_text": "",
        "row_heads": row_heads,
        "small": small,
    }
    return {"kind": "table", "titled": titled, "table": table}


def _table(
    table: SnapshotTable, lang: str, *, keep: tuple[str, ...] | None = None, title: bool = True
) -> dict[str, Any]:
    """A data table; ``keep`` names the columns (catalogue keys) to show, in their order."""
    if table.frame.empty:
        part = _grid(table.title, [], [], titled=title)
        part["table"]["empty_text"] = t("snapshot.empty_table", lang)
        return part
    frame = table.frame
    if keep is not None:
        frame = frame[[t(f"snapshot.{key}", lang) for key in keep]]
    frame = display_frame(frame, lang)
    rows = [list(row) for row in frame.itertuples(index=False)]
    return _grid(table.title, list(frame.columns), rows, note=table.note or "", titled=title)


def _phase_pivot(view: SnapshotView, tr) -> list[dict[str, Any]]:
    """Constructs x phases for the area: 'mean (n)' or the hidden label."""
    c = view.snapshot.content
    hidden = t("ui.fewer_than_k", view.lang)
    phases = c["phases"]
    parts = []
    for root in c["area"]["roots"]:
        cells = {(r["construct"], r["phase"]): r for r in c["phase_scores"] if r["unit"] == root}
        rows: list[list[object]] = []
        for construct, name in view.constructs.items():
            values: list[object] = [name]
            for phase in phases:
                r = cells.get((construct, phase["id"]))
                if r is None:
                    values.append(DASH)
                elif r["hidden"]:
                    values.append(hidden)
                else:
                    values.append(f"{number(r['mean'])} (n={r['n']})")
            rows.append(values)
        columns = [tr("c_construct")] + [t("phase." + p["kind"], view.lang) for p in phases]
        title = f"{tr('t_phase_scores')}: {_unit_name(c, root)}"
        parts.append(_grid(title, columns, rows, row_heads=True))
    return parts


def _unit_name(content: SnapshotContent, unit_id: str) -> str:
    return next((u["name"] for u in content["units"] if u["id"] == unit_id), unit_id)


def _significant_only(table: SnapshotTable, tr) -> SnapshotTable:
    frame = table.frame
    if not frame.empty:
        frame = frame[frame[tr("c_significant")] == tr("yes")]
    return SnapshotTable(table.key, tr("t_wave_changes_significant"), frame, table.note)


def _wave_table(view: SnapshotView, tr) -> list[dict[str, Any]]:
    """Waves x constructs for the area: 'mean (n)' or the hidden label, one line per wave."""
    c = view.snapshot.content
    hidden = t("ui.fewer_than_k", view.lang)
    waves = {w["number"]: w for w in c["waves"]}
    phase_kind = {p["id"]: p["kind"] for p in c["phases"]}
    parts = []
    for root in c["area"]["roots"]:
        cells = {(r["wave"], r["construct"]): r for r in c["scores"] if r["unit"] == root}
        rows: list[list[object]] = []
        for number_, wave in waves.items():
            values: list[object] = [
                number_,
                date_text(wave["opens"]),
                t("phase." + phase_kind[wave["phase"]], view.lang),
            ]
            for construct in view.constructs:
                r = cells.get((number_, construct))
                values.append(hidden if r is None or r["hidden"] else _mean_ci_n(r))
            rows.append(values)
        columns = [tr("c_wave"), tr("c_opens"), tr("c_phase"), *view.constructs.values()]
        parts.append(_grid(_unit_name(c, root), columns, rows, small=True))
    return parts + [_note(tr("wave_table_note"))]


def _mean_ci_n(row: ScoreRow) -> str:
    ci = f"{number(row['ci_low'])}–{number(row['ci_high'])}"
    return f"{number(row['mean'])} ({ci}; n={row['n']})"


def _css_string(text: str) -> str:
    """A CSS string literal (for ``content:``); quotes, backslashes and newlines escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def _css(view: SnapshotView) -> str:
    s = view.snapshot
    c = s.content
    return (
        _templates()
        .get_template("report.css")
        .render(
            font=FONT_FAMILY,
            regular=font_path().as_uri(),
            bold=font_path(bold=True).as_uri(),
            top_left=f"{c['project']['name']} · {c['area']['name']}",
            top_right=date_text(s.created_on),
            bottom_left=f"SHA-256 {s.sha256}",
            page=t("snapshot.pdf_page", view.lang) + " ",
            of=" " + t("snapshot.pdf_of", view.lang) + " ",
        )
    )
