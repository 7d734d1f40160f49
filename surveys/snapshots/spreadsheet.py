"""The snapshot's tables as a spreadsheet (one sheet per table) and as CSV files in a zip.

Every sheet and every CSV file starts with the same header lines (project, area, date, number,
SHA-256), so a table copied out of the workbook still says which snapshot it came from. Cells
hold numbers as numbers; a hidden cell holds the text "færre end k svar" or nothing.

Text comes from respondents and administrators: every text cell goes through ``append_row``,
which removes characters a workbook cannot hold and stores a formula-like text (``=``, ``+``,
``-``, ``@``, ...) as a text cell with Excel's quote prefix, never as a formula; every CSV field
goes through ``medspil.text.spreadsheet_text`` (OWASP's leading apostrophe).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from medspil.formatting import date_text
from medspil.i18n import t
from medspil.text import is_formula_like, spreadsheet_text, xlsx_text
from surveys.snapshots.tables import SnapshotTable
from surveys.snapshots.view import SnapshotView

_INVALID_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\]")
_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="E8EEF3")


def header_lines(view: SnapshotView) -> list[tuple[str, str]]:
    """The lines that open every sheet and every CSV file."""
    s = view.snapshot
    tr = lambda key: t(f"snapshot.{key}", view.lang)  # noqa: E731
    return [
        (tr("h_project"), s.content["project"]["name"]),
        (tr("h_area"), s.content["area"]["name"]),
        (tr("h_date"), date_text(s.created_on)),
        (tr("h_id"), str(s.id)),
        (tr("h_sha"), s.sha256),
    ]


def render_xlsx(view: SnapshotView) -> bytes:
    """A workbook: an 'Om' sheet with the whole header, then one sheet per table."""
    workbook = Workbook()
    about = workbook.active
    about.title = _sheet_title(t("snapshot.sheet_about", view.lang), set())
    for label, value in view.header:
        append_row(about, [label, value])
        about.cell(about.max_row, 1).font = _BOLD
    about.append([])
    frozen = t("snapshot.frozen_note", view.lang, date=date_text(view.snapshot.created_on))
    append_row(about, [frozen])
    append_row(about, [t("snapshot.method_verify", view.lang, id=view.snapshot.id)])
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 70
    used = {about.title}
    for table in view.tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
        used.add(sheet.title)
        _write_table(sheet, view, table)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def append_row(sheet, values: Sequence[object]) -> None:
    """Append one row: numbers as numbers, text cleaned and never read as a formula."""
    sheet.append([xlsx_text(v) if isinstance(v, str) else v for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and is_formula_like(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True


def _sheet_title(title: str, used: set[str]) -> str:
    """A valid, unique sheet name (at most 31 characters, none of ``[]:*?/\\``)."""
    base = _INVALID_SHEET_CHARACTERS.sub(" ", xlsx_text(title)).strip()[:31] or "Ark"
    name, number = base, 2
    while name in used:
        suffix = f" {number}"
        name = base[: 31 - len(suffix)] + suffix
        number += 1
    return name


def _write_table(sheet, view: SnapshotView, table: SnapshotTable) -> None:
    for label, value in header_lines(view):
        append_row(sheet, [label, value])
        sheet.cell(sheet.max_row, 1).font = _BOLD
    sheet.append([])
    append_row(sheet, [table.title])
    sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=12)
    columns = list(table.frame.columns)
    append_row(sheet, columns)
    head_row = sheet.max_row
    for cell in sheet[head_row]:
        cell.font = _BOLD
        cell.fill = _HEAD_FILL
    for row in table.frame.itertuples(index=False):
        append_row(sheet, [_value(value) for value in row])
    for row in sheet.iter_rows(min_row=head_row + 1):
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = "0.000" if abs(cell.value) < 1 else "0.0"
    if table.note:
        sheet.append([])
        append_row(sheet, [table.note])
    sheet.freeze_panes = sheet.cell(head_row + 1, 1)
    for index, column in enumerate(columns, start=1):
        width = max([len(str(column))] + [len(str(v)) for v in table.frame[column].head(200)])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 60)


def _value(value: object) -> object:
    """A cell value: numbers stay numbers, None stays empty, everything else is text."""
    if value is None or isinstance(value, bool):
        return None if value is None else str(value)
    if isinstance(value, int | float):
        return value
    return str(value)


def render_csv_zip(view: SnapshotView) -> bytes:
    """A zip with one CSV file per table (UTF-8 with BOM, ';' between fields, decimal comma,
    as Danish Excel reads them); each file opens with the header lines and a blank line."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in view.tables:
            archive.writestr(f"{table.key}.csv", table_csv(view, table))
    return out.getvalue()


def table_csv(view: SnapshotView, table: SnapshotTable) -> str:
    """One table as CSV text (with a BOM so Excel reads æøå)."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    for label, value in header_lines(view):
        writer.writerow([spreadsheet_text(label), spreadsheet_text(value)])
    writer.writerow([])
    writer.writerow([spreadsheet_text(column) for column in table.frame.columns])
    for row in table.frame.itertuples(index=False):
        writer.writerow([_csv_value(value) for value in row])
    return "\ufeff" + text.getvalue()


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return spreadsheet_text(value)
