"""Reading files and mappings without a database: each problem named with its place."""

from __future__ import annotations

import io

import openpyxl
import pytest

from medspil.errors import ImportFileRejected, MappingInvalid
from surveys.importing.mapping import parse_mapping
from surveys.importing.sources import read_source
from tests.surveys.importing.support import pulse_csv_files


def _problems(error: pytest.ExceptionInfo) -> str:
    return error.value.message("da") + "\n" + error.value.message("en")


def test_a_long_csv_answer_given_twice_names_both_lines() -> None:
    text = (
        "wave_date;unit_id;respondent;item_id;value\n"
        "2025-03-03;NORD-SOLHOJ;r1;men1;4\n"
        "2025-03-03;NORD-SOLHOJ;r1;men2;5\n"
        "2025-03-03;NORD-SOLHOJ;r1;men1;2\n"
    )
    with pytest.raises(ImportFileRejected) as e:
        read_source({"lang.csv": text.encode("utf-8")})
    assert "lang.csv linje 4: spørgsmålet »men1« er allerede besvaret" in _problems(e)
    assert "i linje 2" in _problems(e)


def test_a_long_csv_without_its_columns_says_which_are_missing() -> None:
    with pytest.raises(ImportFileRejected) as e:
        read_source(
            {"lang.csv": b"wave_date,unit,respondent,item_id,svar\n2025-03-03,A,1,men1,3\n"}
        )
    assert "kolonnerne unit_id, value mangler" in _problems(e)


def test_a_utf8_file_with_bom_from_excel_reads() -> None:
    files = pulse_csv_files(encoding="utf-8-sig")
    source = read_source(files)
    assert source.shape == "UTF-8, ;"
    assert source.variables["enhed"].labels["3"] == "Plejecenter Lærkely"


def test_a_workbook_without_its_structure_sheet_is_rejected() -> None:
    book = openpyxl.Workbook()
    book.active.title = "Dataset"
    book.active.append(["q1"])
    book.create_sheet("Labels")
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ImportFileRejected) as e:
        read_source({"export.xlsx": buffer.getvalue()})
    assert "export.xlsx: arket »structure« mangler" in _problems(e)


def test_a_file_that_is_not_a_workbook_is_rejected() -> None:
    with pytest.raises(ImportFileRejected) as e:
        read_source({"export.xlsx": b"not a zip"})
    assert "export.xlsx er ikke en Excel-fil" in _problems(e)


def test_a_mapping_that_is_not_toml_names_the_line() -> None:
    with pytest.raises(MappingInvalid) as e:
        parse_mapping('format = 1\nproject = "medicin"\n[unit\n')
    assert "line 3" in _problems(e)


def test_a_mapping_lists_every_problem() -> None:
    text = """format = 1
project = "medicin"
colour = "blue"
[scale]
points = { "1" = 0, "2" = 7 }
unknown = "maybe"
[wave]
date = "2025-03-03"
"""
    with pytest.raises(MappingInvalid) as e:
        parse_mapping(text)
    problems = _problems(e)
    assert "»mapping« har ukendte nøgler: colour" in problems
    assert "»scale.points«: koderne 1, 2 skal have et point fra 1 til 5" in problems
    assert 'scale.unknown = "maybe" kendes ikke' in problems
    assert "Datoerne i [wave] skal skrives som 2025-03-01" in problems
