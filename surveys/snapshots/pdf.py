"""The snapshot as an A4 PDF for the MED agenda: HTML and CSS rendered by WeasyPrint.

Charts are the page's plotly figures as vector SVG (``surveys.snapshots.chart_svg``: kaleido
and Debian's chromium, one warm server per process).
Project, area, date and hash stand in the page margins (CSS ``@page`` boxes), so every page
says which snapshot it belongs to.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from medspil.assets import font_path
from medspil.formatting import date_text, number
from medspil.i18n import t
from surveys.snapshots.chart_svg import print_svg
from surveys.snapshots.charts import SnapshotFigure, snapshot_figures
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


def report_html(view: SnapshotView) -> str:
    """The report's HTML (without the stylesheet, which carries the page boxes)."""
    tr = _tr(view.lang)
    figures = snapshot_figures(view, runcharts="signals")

    def charts(group: str, titled: bool = True) -> str:
        return "".join(_figure(f, titled) for f in figures if f.group == group)

    sections = [
        _cover(view, tr),
        _section(
            tr("s_phases"),
            _figure(figures[0], titled=False)
            + _table(view.table("faser"), view.lang, title=False)
            + _phase_pivot(view, tr),
        ),
        _section(tr("s_phases_scores"), charts("phases")),
        _section(tr("s_trends"), f"<p class='note'>{_e(tr('fig_legend'))}</p>" + charts("trends")),
        _section(tr("t_scores"), _wave_table(view, tr)),
        _section(
            tr("s_changes"),
            _table(view.table("faseskift"), view.lang, keep=_CHANGE_COLUMNS)
            + _table(
                _significant_only(view.table("maalingsskift"), tr),
                view.lang,
                keep=_CHANGE_COLUMNS,
            ),
        ),
        _section(
            tr("s_signals"),
            charts("signals")
            + _table(view.table("runcharts"), view.lang)
            + _table(view.table("skift_i_niveau"), view.lang)
            + _table(view.table("tendens"), view.lang),
        ),
    ]
    if any(f.group == "units" for f in figures):
        sections.append(
            _section(
                tr("s_units"), charts("units", False) + _table(view.table("enheder"), view.lang)
            )
        )
    sections.append(
        _section(
            tr("s_response"),
            charts("response", False) + _table(view.table("svarprocent"), view.lang),
        )
    )
    if view.snapshot.content["comments"]["included"]:
        sections.append(_section(tr("t_comments"), _comments(view)))
    sections.append(_discussion(view, tr))
    sections.append(_method(view, tr))
    return (
        f"<!DOCTYPE html><html lang='{view.lang}'><head><meta charset='utf-8'>"
        f"<title>{_e(view.title)}</title></head><body>{''.join(sections)}</body></html>"
    )


def _tr(lang: str):
    return lambda key, **params: t(f"snapshot.{key}", lang, **params)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _section(title: str, body: str) -> str:
    return f"<section><h2>{_e(title)}</h2>{body}</section>"


def _svg(figure: SnapshotFigure) -> str:
    svg = print_svg(figure.figure, font_family=FONT_FAMILY, keep_height=figure.group == "units")
    data = base64.b64encode(svg).decode("ascii")
    return f"<img class='svg' alt='{_e(figure.title)}' src='data:image/svg+xml;base64,{data}'>"


def _figure(figure: SnapshotFigure, titled: bool = True) -> str:
    title = f"<h3>{_e(figure.title)}</h3>" if titled else ""
    return f"<div class='chart'>{title}{_svg(figure)}</div>"


def _cover(view: SnapshotView, tr) -> str:
    rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in view.header)
    summary = "".join(f"<li>{_e(line)}</li>" for line in view.summary)
    changes = "".join(f"<li>{_e(line)}</li>" for line in view.significant) or (
        f"<li>{_e(tr('no_significant'))}</li>"
    )
    return (
        f"<section class='cover'><p class='kicker'>{_e(tr('page_title'))}</p>"
        f"<h1>{_e(view.snapshot.content['project']['name'])}</h1>"
        f"<table class='header'>{rows}</table>"
        f"<p class='frozen'>{_e(tr('frozen_note', date=date_text(view.snapshot.created_on)))}</p>"
        f"<h2>{_e(tr('s_summary'))}</h2><p>{_e(tr('summary_intro'))}</p><ul>{summary}</ul>"
        f"<h3>{_e(tr('s_significant'))}</h3><ul>{changes}</ul></section>"
    )


def _table(
    table: SnapshotTable, lang: str, *, keep: tuple[str, ...] | None = None, title: bool = True
) -> str:
    """A data table; ``keep`` names the columns (catalogue keys) to show, in their order."""
    heading = f"<h3>{_e(table.title)}</h3>" if title else ""
    if table.frame.empty:
        return f"{heading}<p class='note'>{_e(t('snapshot.empty_table', lang))}</p>"
    frame = table.frame
    if keep is not None:
        frame = frame[[t(f"snapshot.{key}", lang) for key in keep]]
    frame = display_frame(frame, lang)
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_e(value)}</td>" for value in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    note = f"<p class='note'>{_e(table.note)}</p>" if table.note else ""
    return (
        f"{heading}<table class='data'><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>{note}"
    )


def _phase_pivot(view: SnapshotView, tr) -> str:
    """Constructs x phases for the area: 'mean (n)' or the hidden label."""
    c = view.snapshot.content
    hidden = t("ui.fewer_than_k", view.lang)
    phases = c["phases"]
    parts = []
    for root in c["area"]["roots"]:
        cells = {(r["construct"], r["phase"]): r for r in c["phase_scores"] if r["unit"] == root}
        head = "".join(f"<th>{_e(t('phase.' + p['kind'], view.lang))}</th>" for p in phases)
        rows = []
        for construct, name in view.constructs.items():
            values = []
            for phase in phases:
                r = cells.get((construct, phase["id"]))
                if r is None:
                    values.append("–")
                elif r["hidden"]:
                    values.append(hidden)
                else:
                    values.append(f"{number(r['mean'])} (n={r['n']})")
            rows.append(
                f"<tr><th>{_e(name)}</th>" + "".join(f"<td>{_e(v)}</td>" for v in values) + "</tr>"
            )
        parts.append(
            f"<h3>{_e(tr('t_phase_scores'))}: {_e(_unit_name(c, root))}</h3>"
            f"<table class='data'><thead><tr><th>{_e(tr('c_construct'))}</th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
    return "".join(parts)


def _unit_name(content: dict, unit_id: str) -> str:
    return next((u["name"] for u in content["units"] if u["id"] == unit_id), unit_id)


def _significant_only(table: SnapshotTable, tr) -> SnapshotTable:
    frame = table.frame
    if not frame.empty:
        frame = frame[frame[tr("c_significant")] == tr("yes")]
    return SnapshotTable(table.key, tr("t_wave_changes_significant"), frame, table.note)


def _wave_table(view: SnapshotView, tr) -> str:
    """Waves x constructs for the area: 'mean (n)' or the hidden label, one line per wave."""
    c = view.snapshot.content
    hidden = t("ui.fewer_than_k", view.lang)
    waves = {w["number"]: w for w in c["waves"]}
    phase_kind = {p["id"]: p["kind"] for p in c["phases"]}
    parts = []
    for root in c["area"]["roots"]:
        cells = {(r["wave"], r["construct"]): r for r in c["scores"] if r["unit"] == root}
        head = "".join(f"<th>{_e(name)}</th>" for name in view.constructs.values())
        rows = []
        for number_, wave in waves.items():
            values = []
            for construct in view.constructs:
                r = cells.get((number_, construct))
                if r is None or r["hidden"]:
                    values.append(hidden)
                else:
                    values.append(_mean_ci_n(r))
            rows.append(
                f"<tr><td>{number_}</td><td>{_e(date_text(wave['opens']))}</td>"
                f"<td>{_e(t('phase.' + phase_kind[wave['phase']], view.lang))}</td>"
                + "".join(f"<td>{_e(v)}</td>" for v in values)
                + "</tr>"
            )
        parts.append(
            f"<h3>{_e(_unit_name(c, root))}</h3><table class='data small'><thead><tr>"
            f"<th>{_e(tr('c_wave'))}</th><th>{_e(tr('c_opens'))}</th><th>{_e(tr('c_phase'))}</th>"
            f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )
    return "".join(parts) + f"<p class='note'>{_e(tr('wave_table_note'))}</p>"


def _mean_ci_n(row: dict) -> str:
    ci = f"{number(row['ci_low'])}–{number(row['ci_high'])}"
    return f"{number(row['mean'])} ({ci}; n={row['n']})"


def _comments(view: SnapshotView) -> str:
    items = "".join(
        f"<li><span class='wave'>{_e(t('snapshot.c_wave', view.lang))} {item['wave']}:</span> "
        f"{_e(item['text'])}</li>"
        for item in view.snapshot.content["comments"]["items"]
    )
    return f"<p class='note'>{_e(view.comments_note)}</p><ul class='comments'>{items}</ul>"


def _discussion(view: SnapshotView, tr) -> str:
    prompts = "".join(
        f"<div class='prompt'><h3>{_e(head)}</h3><p>{_e(text)}</p></div>"
        for head, text in view.discussion
    )
    changes = _list(view.significant) if view.significant else ""
    heading = f"<h3>{_e(tr('discuss_changes'))}</h3>" if changes else ""
    return (
        f"<section class='discussion'><h2>{_e(tr('s_discussion'))}</h2>"
        f"<p>{_e(tr('discuss_intro'))}</p>{prompts}{heading}{changes}</section>"
    )


def _list(lines: Iterable[str]) -> str:
    return "<ul>" + "".join(f"<li>{_e(line)}</li>" for line in lines) + "</ul>"


def _method(view: SnapshotView, tr) -> str:
    s = view.snapshot
    return (
        f"<section><h2>{_e(tr('s_method'))}</h2>"
        f"<p>{_e(tr('method_scores', k=s.k_min))}</p>"
        f"<p>{_e(tr('method_changes'))}</p>"
        f"<p>{_e(tr('method_hash'))}</p>"
        f"<p class='hash'>SHA-256: {_e(s.sha256)}</p>"
        f"<p>{_e(tr('method_verify', id=s.id))}</p></section>"
    )


def _css_string(text: str) -> str:
    """A CSS string literal (for ``content:``); quotes, backslashes and newlines escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def _css(view: SnapshotView) -> str:
    s = view.snapshot
    c = s.content
    top_left = _css_string(f"{c['project']['name']} · {c['area']['name']}")
    top_right = _css_string(date_text(s.created_on))
    bottom_left = _css_string(f"SHA-256 {s.sha256}")
    page = _css_string(t("snapshot.pdf_page", view.lang) + " ")
    of = _css_string(" " + t("snapshot.pdf_of", view.lang) + " ")
    regular = font_path().as_uri()
    bold = font_path(bold=True).as_uri()
    return f"""
@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{regular}"); font-weight: normal; }}
@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{bold}"); font-weight: bold; }}
@page {{
  size: A4;
  margin: 20mm 15mm 20mm 15mm;
  @top-left {{ content: {top_left}; font: 8pt "{FONT_FAMILY}"; color: #444; }}
  @top-right {{ content: {top_right}; font: 8pt "{FONT_FAMILY}"; color: #444; }}
  @bottom-left {{ content: {bottom_left}; font: 6.5pt "{FONT_FAMILY}"; color: #444; }}
  @bottom-right {{
    content: {page} counter(page) {of} counter(pages); font: 8pt "{FONT_FAMILY}"; color: #444;
  }}
}}
html {{ font-family: "{FONT_FAMILY}"; font-size: 9.5pt; color: #1a1a1a; line-height: 1.35; }}
section {{ break-before: page; }}
section.cover {{ break-before: auto; }}
h1 {{ font-size: 20pt; margin: 0 0 6mm; }}
h2 {{ font-size: 14pt; margin: 0 0 3mm; color: #0b3c5d; }}
h3 {{ font-size: 10.5pt; margin: 5mm 0 2mm; }}
.kicker {{ font-size: 10pt; color: #0b3c5d; font-weight: bold; margin: 0 0 2mm; }}
table {{ border-collapse: collapse; width: 100%; margin-bottom: 3mm; }}
table.header th {{ text-align: left; width: 38mm; padding: 1mm 2mm 1mm 0; vertical-align: top; }}
table.header td {{ padding: 1mm 0; word-break: break-all; }}
table.data {{ font-size: 7.5pt; }}
table.data.small {{ font-size: 7pt; }}
table.data th {{ background: #e8eef3; text-align: left; padding: 1mm; vertical-align: bottom; }}
table.data td {{ border-bottom: 0.3pt solid #c8d0d8; padding: 0.8mm 1mm; }}
thead {{ display: table-header-group; }}
tr {{ break-inside: avoid; }}
.chart {{ break-inside: avoid; margin-bottom: 3mm; }}
img.svg {{ width: 100%; }}
.note {{ font-size: 8pt; color: #444; }}
.frozen {{ background: #f3f6f8; padding: 2mm 3mm; }}
.prompt {{ border-left: 2pt solid #0b3c5d; padding-left: 3mm; margin-bottom: 3mm; }}
.hash {{ font-size: 8pt; word-break: break-all; }}
ul.comments li {{ margin-bottom: 1mm; }}
.wave {{ color: #555; }}
"""
