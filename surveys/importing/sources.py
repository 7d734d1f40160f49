"""Reading the source files into one table of text cells, with a place for every cell.

SurveyXact exports one survey as a data set (one row per invitee), a structure (question texts
and choices) and labels (value labels), either as one Excel workbook or as three CSV files in
Windows-1252 (``;`` or ``,``) or UTF-16 (tab). The long CSV of other tools has one answer a
line: ``wave_date, unit_id, respondent, item_id, value``. Every cell is kept as text; a number
written by Excel (``3.0``) reads as ``3``. Any problem rejects the whole file, each with its
file, line and column.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from medspil.errors import ImportFileRejected

Problem = tuple[str, dict[str, object]]
MAX_PROBLEMS = 25
SURVEYXACT = "surveyxact"
LONG_CSV = "long_csv"
LONG_COLUMNS = ("wave_date", "unit_id", "respondent", "item_id", "value")
# The pseudo-columns a long CSV gives every record (besides its items).
WAVE_COLUMN = "wave_date"
UNIT_COLUMN = "unit_id"
PARTS = ("dataset", "structure", "labels")
# A workbook unpacks to at most this much; a real SurveyXact export of a large kommune's pulse
# (40,000 invitees) unpacks to well under it. Spreadsheets pack about 5-20 times; a workbook
# packed more than 100 times over 20 MB is built to exhaust memory, not exported.
MAX_UNPACKED_BYTES = 500_000_000
MAX_PACKING_RATIO = 100
MAX_RATIO_FROM_BYTES = 20_000_000
_INTEGRAL = re.compile(r"^-?\d+(\.0+)?$")


@dataclass(frozen=True)
class Variable:
    """One column of the data set as the structure and labels describe it."""

    name: str
    question: str = ""
    question_type: str = ""
    subtype: str = ""
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Record:
    """One respondent's row: text cells by column, and where each cell stands in the file."""

    line: int
    values: dict[str, str]
    lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, column: str) -> int:
        return self.lines.get(column, self.line)


@dataclass(frozen=True)
class SourceTable:
    """A read file: what it is, its fingerprint (import twice is refused) and its records."""

    kind: str
    file_name: str
    data_file: str
    shape: str
    fingerprint: str
    columns: tuple[str, ...]
    variables: dict[str, Variable]
    records: tuple[Record, ...]

    def column_label(self, column: str) -> str:
        """How a user finds the column: its name, with the Excel letter in a workbook."""
        if self.shape == "xlsx" and column in self.columns:
            return f"{get_column_letter(self.columns.index(column) + 1)} ({column})"
        return column


def _clean(value: object) -> str:
    """A cell as text: blank for empty, ``3`` for 3, 3.0 and "3.0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if _INTEGRAL.match(text):
        return text.split(".")[0]
    return text


def decode(data: bytes, file_name: str) -> tuple[str, str]:
    """The text of a CSV file and its encoding: UTF-16 (BOM), UTF-8, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as e:
            raise _rejected("import.problem_encoding", file=file_name) from e
    if b"\x00" in data:
        # UTF-16 without its byte-order mark, or not text at all.
        raise _rejected("import.problem_encoding", file=file_name)
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as e:
        raise _rejected("import.problem_encoding", file=file_name) from e


def _rejected(key: str, **params: object) -> ImportFileRejected:
    return ImportFileRejected([(key, params)])


def _csv_rows(data: bytes, file_name: str) -> tuple[list[list[str]], str]:
    text, encoding = decode(data, file_name)
    first = text.split("\n", 1)[0]
    delimiter = max(("\t", ";", ","), key=first.count)
    # strict: a quote that never closes (a file cut short) is an error, not a last long field.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        rows = [row for row in reader]
    except csv.Error as e:
        raise _rejected("import.problem_csv", file=file_name, line=reader.line_num) from e
    names = {"\t": "tab", ";": ";", ",": ","}
    return rows, f"{encoding}, {names[delimiter]}"


def _header(names: Sequence[object], file_name: str) -> tuple[str, ...]:
    header = tuple(_clean(name) for name in names)
    while header and not header[-1]:
        header = header[:-1]
    seen: dict[str, int] = {}
    problems: list[Problem] = []
    for position, name in enumerate(header, start=1):
        if not name:
            problems.append(
                ("import.problem_blank_header", {"file": file_name, "column": position})
            )
        elif name in seen:
            problems.append(
                (
                    "import.problem_duplicate_header",
                    {"file": file_name, "name": name, "first": seen[name], "column": position},
                )
            )
        else:
            seen[name] = position
    if problems:
        raise ImportFileRejected(problems[:MAX_PROBLEMS])
    return header


def _records(
    rows: Sequence[Sequence[object]], header: tuple[str, ...], file_name: str
) -> tuple[Record, ...]:
    records = []
    problems: list[Problem] = []
    for line, row in enumerate(rows, start=2):
        cells = [_clean(cell) for cell in row]
        if not any(cells):
            continue
        if len(cells) > len(header) and any(cells[len(header) :]):
            problems.append(
                ("import.problem_row_width", {"file": file_name, "line": line, "n": len(header)})
            )
            continue
        cells += [""] * (len(header) - len(cells))
        records.append(Record(line, dict(zip(header, cells, strict=False))))
    if problems:
        raise ImportFileRejected(problems[:MAX_PROBLEMS])
    return tuple(records)


def _variables(
    structure: Sequence[Sequence[object]],
    labels: Sequence[Sequence[object]],
    structure_name: str,
) -> dict[str, Variable]:
    if not structure:
        raise _rejected("import.problem_structure_empty", file=structure_name)
    head = [_clean(cell).lower() for cell in structure[0]]
    wanted = ("questionname", "variablename", "questiontype", "subtype", "questiontext")
    if any(name not in head for name in wanted):
        raise _rejected("import.problem_structure_header", file=structure_name)
    at = {name: head.index(name) for name in wanted}
    value_labels: dict[str, dict[str, str]] = {}
    for row in labels:
        cells = [_clean(cell) for cell in row]
        if len(cells) >= 3 and cells[0]:
            value_labels.setdefault(cells[0], {})[cells[1]] = cells[2]
    variables = {}
    for row in structure[1:]:
        cells = [_clean(cell) for cell in row] + [""] * len(head)
        name = cells[at["variablename"]]
        if name and name not in variables:
            variables[name] = Variable(
                name=name,
                question=" ".join(cells[at["questiontext"]].split()),
                question_type=cells[at["questiontype"]],
                subtype=cells[at["subtype"]],
                labels=value_labels.get(name, {}),
            )
    return variables


def _fingerprint(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def _check_unpacked_size(data: bytes, file_name: str) -> None:
    """Refuse a workbook that would unpack to more than ``MAX_UNPACKED_BYTES`` or that is
    packed far tighter than any spreadsheet (a "zip bomb"), before anything is unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise _rejected("import.problem_not_workbook", file=file_name) from e
    packed_tight = unpacked > MAX_RATIO_FROM_BYTES and unpacked > MAX_PACKING_RATIO * len(data)
    if unpacked > MAX_UNPACKED_BYTES or packed_tight:
        raise _rejected(
            "import.problem_too_large",
            file=file_name,
            megabytes=unpacked // 1_000_000,
            max=MAX_UNPACKED_BYTES // 1_000_000,
        )


def read_surveyxact_workbook(data: bytes, file_name: str) -> SourceTable:
    """An Excel export: sheets ``Dataset``, ``Structure`` and ``Labels`` (names in any case)."""
    _check_unpacked_size(data, file_name)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as e:
        raise _rejected("import.problem_not_workbook", file=file_name) from e
    sheets = {sheet.title.strip().lower(): sheet for sheet in workbook.worksheets}
    missing = [part for part in PARTS if part not in sheets]
    if missing:
        raise ImportFileRejected(
            [("import.problem_missing_sheet", {"file": file_name, "sheet": p}) for p in missing]
        )
    rows = {part: [list(r) for r in sheets[part].iter_rows(values_only=True)] for part in PARTS}
    workbook.close()
    dataset = rows["dataset"]
    if not dataset:
        raise _rejected("import.problem_no_rows", file=file_name)
    place = f"{file_name} (Dataset)"
    header = _header(dataset[0], place)
    return SourceTable(
        kind=SURVEYXACT,
        file_name=file_name,
        data_file=place,
        shape="xlsx",
        fingerprint=_fingerprint(data),
        columns=header,
        variables=_variables(rows["structure"], rows["labels"], f"{file_name} (Structure)"),
        records=_records(dataset[1:], header, place),
    )


def read_surveyxact_csv(files: dict[str, bytes]) -> SourceTable:
    """Three CSV files, told apart by name (``dataset``, ``structure``, ``labels`` in it)."""
    parts: dict[str, tuple[str, bytes]] = {}
    for name, data in files.items():
        stem = Path(name).stem.lower()
        for part in PARTS:
            if part in stem:
                parts[part] = (name, data)
    missing = [part for part in PARTS if part not in parts]
    if missing:
        raise ImportFileRejected(
            [("import.problem_missing_file", {"part": f"{part}.csv"}) for part in missing]
        )
    dataset_name, dataset_bytes = parts["dataset"]
    rows, shape = _csv_rows(dataset_bytes, dataset_name)
    if not rows:
        raise _rejected("import.problem_no_rows", file=dataset_name)
    structure_name, structure_bytes = parts["structure"]
    structure, _ = _csv_rows(structure_bytes, structure_name)
    labels_name, labels_bytes = parts["labels"]
    labels, _ = _csv_rows(labels_bytes, labels_name)
    header = _header(rows[0], dataset_name)
    return SourceTable(
        kind=SURVEYXACT,
        file_name=dataset_name,
        data_file=dataset_name,
        shape=shape,
        fingerprint=_fingerprint(dataset_bytes),
        columns=header,
        variables=_variables(structure, labels, structure_name),
        records=_records(rows[1:], header, dataset_name),
    )


def read_long_csv(data: bytes, file_name: str) -> SourceTable:
    """One answer a line; the lines of one (wave, unit, respondent) make one record."""
    rows, shape = _csv_rows(data, file_name)
    if not rows:
        raise _rejected("import.problem_no_rows", file=file_name)
    header = _header(rows[0], file_name)
    lowered = tuple(name.lower() for name in header)
    missing = [name for name in LONG_COLUMNS if name not in lowered]
    if missing:
        raise _rejected("import.problem_long_columns", file=file_name, columns=", ".join(missing))
    at = {name: lowered.index(name) for name in LONG_COLUMNS}
    grouped: dict[tuple[str, str, str], Record] = {}
    items: list[str] = []
    problems: list[Problem] = []
    for line, row in enumerate(rows[1:], start=2):
        cells = [_clean(cell) for cell in row] + [""] * len(header)
        if not any(cells):
            continue
        wave, unit, respondent, item, value = (cells[at[name]] for name in LONG_COLUMNS)
        if not respondent or not item:
            problems.append(("import.problem_long_blank", {"file": file_name, "line": line}))
            continue
        key = (wave, unit, respondent)
        record = grouped.get(key)
        if record is None:
            record = grouped[key] = Record(line, {WAVE_COLUMN: wave, UNIT_COLUMN: unit}, {})
        if item in record.values:
            problems.append(
                (
                    "import.problem_long_repeated",
                    {"file": file_name, "line": line, "first": record.lines[item], "item": item},
                )
            )
            continue
        record.values[item] = value
        record.lines[item] = line
        if item not in items:
            items.append(item)
    if problems:
        raise ImportFileRejected(problems[:MAX_PROBLEMS])
    return SourceTable(
        kind=LONG_CSV,
        file_name=file_name,
        data_file=file_name,
        shape=shape,
        fingerprint=_fingerprint(data),
        columns=(WAVE_COLUMN, UNIT_COLUMN, *items),
        variables={item: Variable(item) for item in items},
        records=tuple(grouped.values()),
    )


def read_source(files: dict[str, bytes]) -> SourceTable:
    """Whatever the user gave: one workbook, SurveyXact's three CSV files, or one long CSV."""
    if not files:
        raise _rejected("import.problem_no_file")
    workbooks = [name for name in files if name.lower().endswith((".xlsx", ".xlsm"))]
    if workbooks:
        if len(files) > 1:
            raise _rejected("import.problem_too_many_files")
        return read_surveyxact_workbook(files[workbooks[0]], Path(workbooks[0]).name)
    if len(files) == 1:
        name, data = next(iter(files.items()))
        stem = Path(name).stem.lower()
        if any(part in stem for part in PARTS):
            # One part of a SurveyXact export alone: the others are missing.
            return read_surveyxact_csv({Path(name).name: data})
        return read_long_csv(data, Path(name).name)
    return read_surveyxact_csv({Path(name).name: data for name, data in files.items()})


def read_path(path: Path) -> SourceTable:
    """Read a workbook, a long CSV, a SurveyXact ``dataset.csv`` (its two siblings beside it) or
    a folder holding the three SurveyXact CSV files."""
    if path.is_dir():
        files = {p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.suffix == ".csv"}
        return read_source(files)
    if not path.exists():
        raise _rejected("import.problem_no_such_file", file=str(path))
    if path.suffix.lower() == ".csv" and "dataset" in path.stem.lower():
        files = {path.name: path.read_bytes()}
        for sibling in sorted(path.parent.glob("*.csv")):
            stem = sibling.stem.lower()
            if sibling != path and ("structure" in stem or "labels" in stem):
                files[sibling.name] = sibling.read_bytes()
        return read_source(files)
    return read_source({path.name: path.read_bytes()})
