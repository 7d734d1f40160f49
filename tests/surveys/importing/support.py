"""Test support for imports: the shared SurveyXact fixtures, our own SurveyXact-shaped files
(a Danish pulse with æøå, a "ved ikke" code, a unit background variable, two rounds), and a
demo database to import into."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl

from data import projects as project_queries
from data.db import Database

REPO = Path(__file__).resolve().parents[3]


def shared_fixtures() -> Path:
    """``shared/fixtures/surveyxact``, found by walking up from the repository root (worktrees
    live at /work/wt/NAME, CI clones have ``shared/`` beside them). Missing is an error."""
    for folder in (REPO, *REPO.parents):
        candidate = folder / "shared" / "fixtures" / "surveyxact"
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"shared/fixtures/surveyxact not found above {REPO}: the import tests read the real "
        "SurveyXact exports from there (see the README of shared/fixtures/surveyxact)"
    )


FIXTURE_SHAPES = {
    "xlsx": "ex_survey2.xlsx",
    "semicolon": "ex_survey2_semicolon_ansi",
    "comma": "ex_survey2_comma_ansi",
    "tab_utf16": "ex_survey2_tab_utf16",
}

# Our own small pulse: the question texts are the instrument's, so suggestions can find them.
QUESTIONS = {
    "q1": "Jeg kan se, hvad projektet skal gøre bedre for borgerne.",
    "q2": "Projektet giver mening i mit daglige arbejde.",
    "q3": "Jeg forstår ikke, hvorfor vi skal bruge den nye teknologi.",
}
SCALE_LABELS = ["Helt uenig", "Uenig", "Hverken enig eller uenig", "Enig", "Helt enig"]
DONT_KNOW = "6"
UNIT_LABELS = {"1": "Plejecenter Solhøj", "2": "Plejecenter Egely", "3": "Plejecenter Lærkely"}
UNIT_IDS = {"1": "NORD-SOLHOJ", "2": "NORD-EGELY", "3": "SYD-LAERKE"}
HEADER = [
    "respondent_id", "email", "navn", "runde", "enhed", "q1", "q2", "q3", "kommentar",
    "besvaret_tidspunkt", "stato_1",
]  # fmt: skip
SECRET_STRINGS = ("hemmelig@kommune.dk", "Søren Æblegård", "2025-02-03 08:15")


def pulse_rows(per_group: int = 6) -> list[list[str]]:
    """Two rounds x three units x ``per_group`` respondents, plus invitees who never answered.

    Values follow a formula the tests repeat: q1 = 1 + (i + round) % 5, q2 = "ved ikke" for the
    first respondent of each group else 1 + (2 * i) % 5, q3 = 5 - i % 5.
    """
    rows = []
    number = 0
    for round_ in ("1", "2"):
        for unit in UNIT_LABELS:
            for i in range(per_group):
                number += 1
                q2 = DONT_KNOW if i == 0 else str(1 + (2 * i) % 5)
                comment = "Vi mangler tid til oplæring på aftenholdet ærligt talt" if i == 1 else ""
                rows.append(
                    [str(1000 + number), SECRET_STRINGS[0], SECRET_STRINGS[1], round_, unit,
                     str(1 + (i + int(round_)) % 5), q2, str(5 - i % 5), comment,
                     SECRET_STRINGS[2], "1"]
                )  # fmt: skip
            # An invitee who never answered: SurveyXact lists everybody invited.
            number += 1
            rows.append([str(1000 + number), "x@kommune.dk", "Ingen Svar", round_, unit,
                         "", "", "", "", "", "0"])  # fmt: skip
    return rows


def _structure() -> list[list[str]]:
    head = ["questionName", "variableName", "questionType", "subType", "questionText",
            "choiceValue", "choiceText"]  # fmt: skip
    rows = [head]
    rows.append(["bg", "respondent_id", "Open", "String", "Respondent", "", ""])
    rows.append(["kontakt", "email", "Open", "String", "Kontaktoplysninger - email", "", ""])
    rows.append(["kontakt", "navn", "Open", "String", "Kontaktoplysninger - navn", "", ""])
    rows.append(["runde", "runde", "Closed", "Single", "Runde", "", ""])
    rows.append(["enhed", "enhed", "Closed", "Single", "Din arbejdsplads", "", ""])
    for name, text in QUESTIONS.items():
        rows.append([name, name, "Closed", "Single", text, "", ""])
    rows.append(["kommentar", "kommentar", "Open", "String", "Har du en kommentar?", "", ""])
    rows.append(["tid", "besvaret_tidspunkt", "Open", "String", "Besvaret", "", ""])
    rows.append(["statoverall", "stato_1", "Closed", "Multiple", "Samlet status", "1", "Ny"])
    return rows


def _labels() -> list[list[str]]:
    rows = [["runde", "1", "Forår"], ["runde", "2", "Efterår"]]
    rows += [["enhed", code, name] for code, name in UNIT_LABELS.items()]
    for name in QUESTIONS:
        rows += [[name, str(p), label] for p, label in enumerate(SCALE_LABELS, start=1)]
        rows.append([name, DONT_KNOW, "Ved ikke"])
    return rows


def _csv(rows: list[list[str]], delimiter: str, encoding: str) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def pulse_csv_files(
    rows: list[list[str]] | None = None,
    *,
    delimiter: str = ";",
    encoding: str = "cp1252",
    header: list[str] | None = None,
) -> dict[str, bytes]:
    """SurveyXact's three CSV files of our pulse."""
    data = [header or HEADER, *(pulse_rows() if rows is None else rows)]
    return {
        "dataset.csv": _csv(data, delimiter, encoding),
        "structure.csv": _csv(_structure(), delimiter, encoding),
        "labels.csv": _csv(_labels(), delimiter, encoding),
    }


def pulse_workbook(rows: list[list[str]] | None = None) -> bytes:
    """SurveyXact's Excel export of our pulse: numbers as numbers, like Excel writes them."""
    book = openpyxl.Workbook()
    sheets = {"Dataset": [HEADER, *(pulse_rows() if rows is None else rows)]}
    sheets["Structure"] = _structure()
    sheets["Labels"] = _labels()
    first = True
    for title, content in sheets.items():
        sheet = book.active if first else book.create_sheet()
        first = False
        sheet.title = title
        for row in content:
            sheet.append([float(c) if c.isdigit() else (c or None) for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def first_wave(db: Database, project_id: str = "medicin") -> dt.date:
    waves = project_queries.waves(db, project_id)
    return waves["opens"].min().date()


def pulse_mapping(round_dates: tuple[dt.date, dt.date], *, comment: bool = False) -> str:
    """The mapping a user would write for our pulse (format 1, see README)."""
    values = ", ".join(f'"{code}" = "{unit}"' for code, unit in UNIT_IDS.items())
    return f"""format = 1
project = "medicin"
source = "surveyxact"
ignore = ["respondent_id", "email", "navn", "besvaret_tidspunkt", "stato_1"]
{'comment = "kommentar"' if comment else ""}

[unit]
column = "enhed"
values = {{ {values} }}

[wave]
column = "runde"
dates = {{ "1" = {round_dates[0].isoformat()}, "2" = {round_dates[1].isoformat()} }}
extend_first_phase = true

[scale]
points = {{ "1" = 1, "2" = 2, "3" = 3, "4" = 4, "5" = 5 }}
missing = ["6"]

[[items]]
variable = "q1"
item = "men1"

[[items]]
variable = "q2"
item = "men2"

[[items]]
variable = "q3"
item = "men3"
reverse = true
"""
