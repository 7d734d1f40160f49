"""Import of the organisation tree from a CSV file: read, check, preview, then apply.

The file holds the whole tree, one unit a line: id, parent id, name, type and headcount, in
UTF-8, UTF-16 (Excel's "Unicode Text") or Windows-1252, separated by commas, semicolons (what
Excel writes in a Danish locale) or tabs. Every field is cleaned (``medspil.text.clean_text``).
A file with any problem is rejected whole, every problem with its line number. Applying updates
units by id; a unit missing from the file is closed (``units.closed``), never deleted, so the
answers given in it stay valid and countable.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pandas as pd

from data import admin as admin_queries
from data import org as org_queries
from data.db import Database
from medspil.cells import cell_int
from medspil.errors import UnitFileRejected
from medspil.i18n import t
from medspil.scope import Scope, admin_actor
from medspil.text import clean_text

COLUMNS = ("id", "parent_id", "name", "type", "headcount")
# Header spellings accepted for each column (compared lower-case, without spaces).
ALIASES = {
    "id": {"id", "enhed_id", "enhedsid", "enhedsnummer", "unit_id"},
    "parent_id": {"parent_id", "parent", "parentid", "forælder", "foraelder", "overordnet"},
    "name": {"name", "navn"},
    "type": {"type", "unit_type", "enhedstype"},
    "headcount": {
        "headcount",
        "antal",
        "ansatte",
        "antal_ansatte",
        "medarbejdere",
        "antal_medarbejdere",
    },
}
# The template's Danish column names (each one of the aliases above) and two example rows.
TEMPLATE_HEADER = ("enhedsnummer", "overordnet", "navn", "type", "antal_medarbejdere")
TEMPLATE_ROWS = (
    ("KOMMUNE", "", "Eksempel Kommune", "kommune", "0"),
    ("PLEJE-AAEN", "KOMMUNE", "Plejecenter Åen", "enhed", "32"),
)
MAX_PROBLEMS = 25
MAX_ID_LENGTH = 64
MAX_NAME_LENGTH = 200
# The headcount column is a 32-bit INTEGER in the database.
MAX_HEADCOUNT = 2**31 - 1

Problem = tuple[str, dict[str, object]]


@dataclass(frozen=True)
class UnitRow:
    line: int
    id: str
    parent_id: str | None
    name: str
    unit_type: str
    headcount: int

    def as_tuple(self) -> tuple[str, str | None, str, str, int]:
        return (self.id, self.parent_id, self.name, self.unit_type, self.headcount)


@dataclass(frozen=True)
class ImportPreview:
    """What applying the file would do, before anything is changed."""

    rows: tuple[UnitRow, ...]
    encoding: str
    delimiter: str
    new: tuple[str, ...]
    changed: tuple[str, ...]
    reopened: tuple[str, ...]
    unchanged: tuple[str, ...]
    closing: tuple[str, ...]

    @property
    def counts(self) -> dict[str, int]:
        return {
            "rows": len(self.rows),
            "new": len(self.new),
            "changed": len(self.changed),
            "reopened": len(self.reopened),
            "unchanged": len(self.unchanged),
            "closing": len(self.closing),
        }

    def changes(self, db: Database, lang: str) -> pd.DataFrame:
        """One line per unit that changes: id, name and what happens to it."""
        names = {row.id: row.name for row in self.rows}
        current = org_queries.units(db).set_index("id")["name"].to_dict()
        kinds = [
            ("new", self.new),
            ("changed", self.changed),
            ("reopened", self.reopened),
            ("closing", self.closing),
        ]
        rows = [
            {
                t("admin_units.col_id", lang): unit,
                t("admin_units.col_name", lang): names.get(unit) or current.get(unit, unit),
                t("admin_units.col_change", lang): t(f"admin_units.change_{kind}", lang),
            }
            for kind, units in kinds
            for unit in units
        ]
        columns = [t(f"admin_units.col_{c}", lang) for c in ("id", "name", "change")]
        return pd.DataFrame(rows, columns=columns)


def _looks_utf16(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` for a UTF-16 file without BOM (every other byte zero), else None."""
    sample = data[:4000]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def decode(data: bytes) -> tuple[str, str]:
    """The text of the file and its encoding: UTF-16 (Excel's "Unicode Text", with a BOM or
    recognised by its zero bytes), UTF-8 (with or without BOM), else Windows-1252."""
    utf16 = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else _looks_utf16(data)
    if utf16 is not None:
        try:
            return data.decode(utf16).lstrip("\ufeff"), "UTF-16"
        except UnicodeDecodeError as e:
            raise UnitFileRejected([("admin_units.problem_encoding", {})]) from e
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as e:
        raise UnitFileRejected([("admin_units.problem_encoding", {})]) from e


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in ("\t", ";", ",")}
    best = max(counts, key=lambda d: counts[d])  # ties: tab, then ';', then ','
    return best if counts[best] > 0 else ","


def _header_columns(header: list[str]) -> tuple[dict[str, int], list[Problem]]:
    positions: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = raw.strip().lower().replace(" ", "_").replace("-", "_")
        for column, spellings in ALIASES.items():
            if name in spellings and column not in positions:
                positions[column] = index
    missing = [c for c in COLUMNS if c not in positions]
    problems: list[Problem] = [
        ("admin_units.problem_missing_column", {"column": c, "found": ", ".join(header)})
        for c in missing
    ]
    return positions, problems


def read_unit_file(data: bytes) -> tuple[list[UnitRow], str, str]:
    """Parse and check a unit file; return its rows, encoding and delimiter.

    Raises ``UnitFileRejected`` listing every problem with its line number: a missing column, an
    empty field, a bad number, a duplicate id, an unknown parent or a cycle.
    """
    text, encoding = decode(data)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), None)
    if first is None:
        raise UnitFileRejected([("admin_units.problem_empty", {})])
    delimiter = _delimiter(first)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: list[str] | None = None
    positions: dict[str, int] = {}
    rows: list[UnitRow] = []
    problems: list[Problem] = []
    for record in _records(reader):
        line = reader.line_num
        if not any(field.strip() for field in record):
            continue
        if header is None:
            header = record
            positions, header_problems = _header_columns(record)
            if header_problems:
                raise UnitFileRejected(header_problems)
            continue
        row = _parse_row(line, record, positions, problems)
        if row is not None:
            rows.append(row)
    if not rows and not problems:
        problems.append(("admin_units.problem_no_rows", {}))
    problems += _tree_problems(rows)
    if problems:
        raise UnitFileRejected(_shortened(problems))
    return rows, encoding, delimiter


def _records(reader):
    """The reader's records; a field over the CSV module's limit is a problem, not a crash."""
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            line = reader.line_num
            problem = ("admin_units.problem_field_too_long", {"line": line, "detail": str(e)})
            raise UnitFileRejected([problem]) from e
        yield record


def _shortened(problems: list[Problem]) -> list[Problem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest = len(problems) - MAX_PROBLEMS
    return problems[:MAX_PROBLEMS] + [("admin_units.problem_more", {"count": rest})]


def _parse_row(
    line: int, record: list[str], positions: dict[str, int], problems: list[Problem]
) -> UnitRow | None:
    needed = max(positions.values()) + 1
    if len(record) < needed:
        problems.append(
            ("admin_units.problem_fields", {"line": line, "found": len(record), "needed": needed})
        )
        return None
    values = {
        column: clean_text(record[index], single_line=True) for column, index in positions.items()
    }
    before = len(problems)
    for column in ("id", "name", "type"):
        if not values[column]:
            problems.append(("admin_units.problem_empty_field", {"line": line, "column": column}))
    if len(values["id"]) > MAX_ID_LENGTH:
        problems.append(("admin_units.problem_long_id", {"line": line, "max": MAX_ID_LENGTH}))
    if len(values["name"]) > MAX_NAME_LENGTH:
        problems.append(("admin_units.problem_long_name", {"line": line, "max": MAX_NAME_LENGTH}))
    headcount = 0
    if values["headcount"]:
        text = values["headcount"]
        if not text.isdigit() or not text.isascii():
            problems.append(("admin_units.problem_number", {"line": line, "value": text}))
        elif int(text) > MAX_HEADCOUNT:
            problems.append(
                (
                    "admin_units.problem_headcount",
                    {"line": line, "value": text, "max": MAX_HEADCOUNT},
                )
            )
        else:
            headcount = int(text)
    if len(problems) > before:
        return None
    return UnitRow(
        line=line,
        id=values["id"],
        parent_id=values["parent_id"] or None,
        name=values["name"],
        unit_type=values["type"],
        headcount=headcount,
    )


def _tree_problems(rows: list[UnitRow]) -> list[Problem]:
    problems: list[Problem] = []
    first_line: dict[str, int] = {}
    for row in rows:
        if row.id in first_line:
            problems.append(
                (
                    "admin_units.problem_duplicate",
                    {"line": row.line, "id": row.id, "first": first_line[row.id]},
                )
            )
        else:
            first_line[row.id] = row.line
    by_id = {row.id: row for row in rows if first_line[row.id] == row.line}
    for row in rows:
        if row.parent_id is not None and row.parent_id not in by_id:
            problems.append(
                ("admin_units.problem_parent", {"line": row.line, "parent": row.parent_id})
            )
    problems += _cycles(by_id)
    return problems


def _cycles(by_id: dict[str, UnitRow]) -> list[Problem]:
    """One problem per cycle in the parent links, naming the lines of the units in it."""
    settled: set[str] = set()
    problems: list[Problem] = []
    for start in by_id:
        path: list[str] = []
        node: str | None = start
        while node is not None and node in by_id and node not in settled and node not in path:
            path.append(node)
            node = by_id[node].parent_id
        if node is not None and node in path:
            cycle = path[path.index(node) :]
            lines = ", ".join(str(by_id[unit].line) for unit in cycle)
            chain = " → ".join([*cycle, node])
            problems.append(("admin_units.problem_cycle", {"lines": lines, "chain": chain}))
        settled.update(path)
    return problems


def preview_import(db: Database, data: bytes) -> ImportPreview:
    """Check the file and compare it with the stored tree; changes nothing."""
    rows, encoding, delimiter = read_unit_file(data)
    current = org_queries.units(db).set_index("id")
    new, changed, reopened, unchanged = [], [], [], []
    for row in rows:
        if row.id not in current.index:
            new.append(row.id)
            continue
        stored = current.loc[row.id]
        same = (
            stored["parent_id"],
            stored["name"],
            stored["unit_type"],
            cell_int(stored["headcount"]),
        )
        if bool(stored["closed"]):
            reopened.append(row.id)
        elif same != (row.parent_id, row.name, row.unit_type, row.headcount):
            changed.append(row.id)
        else:
            unchanged.append(row.id)
    in_file = {row.id for row in rows}
    closing = [u for u in current.index if u not in in_file and not bool(current.loc[u]["closed"])]
    return ImportPreview(
        rows=tuple(rows),
        encoding=encoding,
        delimiter=delimiter,
        new=tuple(new),
        changed=tuple(changed),
        reopened=tuple(reopened),
        unchanged=tuple(unchanged),
        closing=tuple(sorted(closing)),
    )


def apply_import(db: Database, data: bytes, *, scope: Scope) -> ImportPreview:
    """Check the file again and apply it in one transaction, with an audit row; return what it
    did. Nothing is changed when the file is rejected or ``scope`` is not an administrator's
    (``AdminOnly``)."""
    actor = admin_actor(scope)
    preview = preview_import(db, data)
    counts = preview.counts
    detail = (
        f"{counts['rows']} enheder: {counts['new']} nye, {counts['changed']} ændrede, "
        f"{counts['reopened']} genåbnede, {counts['closing']} lukkede"
    )
    admin_queries.apply_unit_import(
        db, [row.as_tuple() for row in preview.rows], actor=actor, detail=detail
    )
    return preview


def unit_tree(db: Database, lang: str) -> pd.DataFrame:
    """The stored units for display: id, name, type, parent, headcount and open/closed."""
    units = org_queries.units(db)
    return pd.DataFrame(
        {
            t("admin_units.col_id", lang): units["id"],
            t("admin_units.col_name", lang): units["name"],
            t("admin_units.col_type", lang): units["unit_type"],
            t("admin_units.col_parent", lang): units["parent_id"].map(lambda p: p or "–"),
            t("admin_units.col_headcount", lang): units["headcount"].astype(int),
            t("admin_units.col_state", lang): units["closed"].map(
                lambda c: t("admin_units.closed" if c else "admin_units.open", lang)
            ),
        }
    )


def open_unit_choices(db: Database) -> dict[str, str]:
    """Open unit id -> "name (id)", sorted by name, for pickers."""
    units = org_queries.units(db)
    units = units[~units["closed"].astype(bool)].sort_values(["name", "id"])
    return {str(row.id): f"{row.name} ({row.id})" for row in units.itertuples()}


def unit_file_template() -> bytes:
    """A unit file to fill in: Danish column names, two example rows, ';' as Excel writes it in
    Denmark, UTF-8 with a byte order mark so that Excel shows æøå."""
    lines = [";".join(TEMPLATE_HEADER), *(";".join(row) for row in TEMPLATE_ROWS)]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")
