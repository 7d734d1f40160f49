"""The mapping: what each source column means, saved as a TOML file and reused for the next file.

Format 1 (documented in README.md, "Importér data")::

    format = 1
    project = "medicin"            # the project the waves belong to
    source = "surveyxact"          # or "long_csv"
    ignore = ["stato_1"]           # columns said to be ignored (all unmapped ones are)
    comment = "s_1"                # optional: the free-text column imported as comments

    [unit]
    column = "b_1_1"               # the background column naming the unit
    unknown = "reject"             # a value not listed: "reject" the file or "drop" its rows
    values = { "30" = "AELDRE-NORD", "32" = "AELDRE-SYD" }

    [wave]
    column = "runde"               # the round column, its values dated in `dates` ...
    dates = { "1" = 2025-03-03, "2" = 2025-04-07 }
    # date = 2025-03-03            # ... or one fixed wave for the whole file
    extend_first_phase = false     # rounds before the first phase: move its start back

    [scale]                        # every item's codes unless the item says otherwise
    points = { "1" = 1, "2" = 2, "3" = 3, "4" = 4, "5" = 5 }
    missing = ["6"]                # codes stored as missing ("ved ikke", 99)
    unknown = "reject"             # any other code: "reject" the file or "drop" the response

    [[items]]
    variable = "q1"
    item = "men1"
    reverse = false                # true: the source asked the opposite way round (1 <-> 5)
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import tomllib
from collections import abc
from dataclasses import dataclass, field, replace

from medspil.config import toml_error_place
from medspil.errors import MappingInvalid
from surveys.importing.sources import LONG_CSV, SURVEYXACT, UNIT_COLUMN, WAVE_COLUMN, SourceTable

FORMAT = 1
REJECT, DROP = "reject", "drop"
DEFAULT_POINTS = {str(p): p for p in range(1, 6)}
# Labels that mean "no answer on the scale" in Danish, Norwegian, Swedish and English exports.
MISSING_LABEL = re.compile(
    r"ved ikke|vet ikke|vet inte|ikke relevant|inte relevant|vil ikke svare|don.t know|"
    r"not relevant|not applicable|uoplyst|n/a",
    re.IGNORECASE,
)
UNIT_WORDS = re.compile(r"enhed|afdeling|arbejdsplads|arbejdssted|unit|team|skole|område", re.I)
ROUND_WORDS = re.compile(r"^(runde|round|måling|maaling|wave|bølge|puls)", re.I)
# Columns that name or time a person: never mapped, whatever a mapping says.
IDENTITY = re.compile(
    r"^(stato_|statoverall)|e-?mail|respondent|navn|^name$|^forn$|^ettern$|^id$|orgnr|cpr|"
    r"telefon|phone|timestamp|tidspunkt|started|finished|besvaret|answered|^ip$|user.?agent|"
    r"kontaktop",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ItemMap:
    variable: str
    item: str
    reverse: bool = False
    points: dict[str, int] | None = None
    missing: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Mapping:
    project: str
    source: str = SURVEYXACT
    items: tuple[ItemMap, ...] = ()
    ignore: tuple[str, ...] = ()
    comment: str | None = None
    unit_column: str | None = None
    unit_values: dict[str, str] = field(default_factory=dict)
    unit_unknown: str = REJECT
    wave_column: str | None = None
    wave_dates: dict[str, dt.date] = field(default_factory=dict)
    wave_date: dt.date | None = None
    extend_first_phase: bool = False
    points: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_POINTS))
    missing: tuple[str, ...] = ()
    scale_unknown: str = REJECT

    def points_of(self, item: ItemMap) -> dict[str, int]:
        return self.points if item.points is None else item.points

    def missing_of(self, item: ItemMap) -> tuple[str, ...]:
        return self.missing if item.missing is None else item.missing


def is_identity_column(name: str, question: str = "") -> bool:
    """Whether a column names, reaches or times a person (never stored): by its name or by its
    question text (SurveyXact's "Kontaktoplysninger - ..." columns)."""
    return bool(IDENTITY.search(name) or IDENTITY.search(question.split(" - ")[0]))


def _problem(problems: list, kind: str, /, **params: object) -> None:
    problems.append((f"import.mapping_{kind}", params))


def _table(node: object, name: str, problems: list) -> dict:
    if node is None:
        return {}
    if not isinstance(node, dict):
        _problem(problems, "not_table", key=name)
        return {}
    return node


def _text_map(node: object, name: str, problems: list) -> dict[str, str]:
    table = _table(node, name, problems)
    if any(not isinstance(v, str) for v in table.values()):
        _problem(problems, "values_text", key=name)
        return {}
    return {str(k): v for k, v in table.items()}


def _points(node: object, name: str, problems: list) -> dict[str, int] | None:
    if node is None:
        return None
    table = _table(node, name, problems)
    bad = [k for k, v in table.items() if isinstance(v, bool) or v not in range(1, 6)]
    if bad:
        _problem(problems, "points", key=name, codes=", ".join(bad))
        return None
    return {str(k): int(v) for k, v in table.items()}


def _codes(node: object, name: str, problems: list) -> tuple[str, ...] | None:
    if node is None:
        return None
    if not isinstance(node, list):
        _problem(problems, "list", key=name)
        return None
    return tuple(str(code) for code in node)


def _choice(value: object, name: str, problems: list) -> str:
    if value is None:
        return REJECT
    if value not in (REJECT, DROP):
        _problem(problems, "choice", key=name, value=value)
        return REJECT
    return str(value)


def _unknown_keys(table: dict, allowed: set[str], name: str, problems: list) -> None:
    extra = sorted(set(table) - allowed)
    if extra:
        _problem(problems, "unknown_keys", key=name, keys=", ".join(extra))


def mapping_text(data: bytes, source: str) -> str:
    """The text of a saved mapping file (UTF-8, with or without BOM), or ``MappingInvalid``."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise MappingInvalid([("import.mapping_unreadable", {"path": source})]) from e


def parse_mapping(text: str) -> Mapping:
    """Read a mapping file; every problem is listed (``MappingInvalid``), nothing is guessed."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise MappingInvalid([("import.mapping_toml", toml_error_place(e))]) from e
    problems: list = []
    _unknown_keys(
        raw,
        {"format", "project", "source", "ignore", "comment", "unit", "wave", "scale", "items"},
        "mapping",
        problems,
    )
    if raw.get("format", FORMAT) != FORMAT:
        _problem(problems, "format", found=raw.get("format"), known=FORMAT)
    project = raw.get("project")
    if not isinstance(project, str) or not project:
        _problem(problems, "project")
    source = raw.get("source", SURVEYXACT)
    if source not in (SURVEYXACT, LONG_CSV):
        _problem(problems, "source", value=source)
    unit = _table(raw.get("unit"), "unit", problems)
    _unknown_keys(unit, {"column", "values", "unknown"}, "unit", problems)
    wave = _table(raw.get("wave"), "wave", problems)
    _unknown_keys(wave, {"column", "dates", "date", "extend_first_phase"}, "wave", problems)
    scale = _table(raw.get("scale"), "scale", problems)
    _unknown_keys(scale, {"points", "missing", "unknown"}, "scale", problems)
    dates = _table(wave.get("dates"), "wave.dates", problems)
    if any(not isinstance(v, dt.date) or isinstance(v, dt.datetime) for v in dates.values()):
        _problem(problems, "dates")
        dates = {}
    fixed = wave.get("date")
    if fixed is not None and (not isinstance(fixed, dt.date) or isinstance(fixed, dt.datetime)):
        _problem(problems, "dates")
        fixed = None
    items = []
    raw_items = raw.get("items", [])
    if not isinstance(raw_items, list):
        _problem(problems, "items_list")
        raw_items = []
    for number, entry in enumerate(raw_items, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("variable"), str):
            _problem(problems, "item_entry", number=number)
            continue
        name = f"items ({entry['variable']})"
        _unknown_keys(entry, {"variable", "item", "reverse", "points", "missing"}, name, problems)
        if not isinstance(entry.get("item"), str):
            _problem(problems, "item_entry", number=number)
            continue
        items.append(
            ItemMap(
                variable=entry["variable"],
                item=entry["item"],
                reverse=bool(entry.get("reverse", False)),
                points=_points(entry.get("points"), f"{name}.points", problems),
                missing=_codes(entry.get("missing"), f"{name}.missing", problems),
            )
        )
    mapping = Mapping(
        project=project if isinstance(project, str) else "",
        source=source if source in (SURVEYXACT, LONG_CSV) else SURVEYXACT,
        items=tuple(items),
        ignore=_codes(raw.get("ignore"), "ignore", problems) or (),
        comment=raw.get("comment") if isinstance(raw.get("comment"), str) else None,
        unit_column=unit.get("column") if isinstance(unit.get("column"), str) else None,
        unit_values=_text_map(unit.get("values"), "unit.values", problems),
        unit_unknown=_choice(unit.get("unknown"), "unit.unknown", problems),
        wave_column=wave.get("column") if isinstance(wave.get("column"), str) else None,
        wave_dates={str(k): v for k, v in dates.items()},
        wave_date=fixed,
        extend_first_phase=bool(wave.get("extend_first_phase", False)),
        points=_points(scale.get("points"), "scale.points", problems) or dict(DEFAULT_POINTS),
        missing=_codes(scale.get("missing"), "scale.missing", problems) or (),
        scale_unknown=_choice(scale.get("unknown"), "scale.unknown", problems),
    )
    if problems:
        raise MappingInvalid(problems)
    return mapping


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _inline(table: abc.Mapping[str, object]) -> str:
    def value(v: object) -> str:
        return (
            v.isoformat()
            if isinstance(v, dt.date)
            else str(v)
            if isinstance(v, int)
            else _string(str(v))
        )

    return "{ " + ", ".join(f"{_string(k)} = {value(v)}" for k, v in table.items()) + " }"


def _list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(_string(v) for v in values) + "]"


def dump_mapping(mapping: Mapping) -> str:
    """The mapping as a TOML file that :func:`parse_mapping` reads back to the same mapping."""
    lines = [
        f"# Medspil import mapping, format {FORMAT}: see README.md, 'Importér data'.",
        f"format = {FORMAT}",
        f"project = {_string(mapping.project)}",
        f"source = {_string(mapping.source)}",
        f"ignore = {_list(mapping.ignore)}",
    ]
    if mapping.comment:
        lines.append(f"comment = {_string(mapping.comment)}")
    lines += ["", "[unit]"]
    if mapping.unit_column:
        lines.append(f"column = {_string(mapping.unit_column)}")
    lines += [
        f"unknown = {_string(mapping.unit_unknown)}",
        f"values = {_inline(mapping.unit_values)}",
    ]
    lines += ["", "[wave]"]
    if mapping.wave_column:
        lines.append(f"column = {_string(mapping.wave_column)}")
    if mapping.wave_dates:
        lines.append(f"dates = {_inline(mapping.wave_dates)}")
    if mapping.wave_date:
        lines.append(f"date = {mapping.wave_date.isoformat()}")
    lines.append(f"extend_first_phase = {str(mapping.extend_first_phase).lower()}")
    lines += [
        "",
        "[scale]",
        f"points = {_inline(mapping.points)}",
        f"missing = {_list(mapping.missing)}",
        f"unknown = {_string(mapping.scale_unknown)}",
    ]
    for item in mapping.items:
        lines += [
            "",
            "[[items]]",
            f"variable = {_string(item.variable)}",
            f"item = {_string(item.item)}",
            f"reverse = {str(item.reverse).lower()}",
        ]
        if item.points is not None:
            lines.append(f"points = {_inline(item.points)}")
        if item.missing is not None:
            lines.append(f"missing = {_list(item.missing)}")
    return "\n".join(lines) + "\n"


def _scale_of(labels: dict[str, str]) -> tuple[dict[str, int], tuple[str, ...]] | None:
    """Points and missing codes read from value labels: "ved ikke" codes are missing, the rest
    (2 to 5 numeric codes) spread over 1..5 in order."""
    missing = tuple(code for code, label in labels.items() if MISSING_LABEL.search(label))
    codes = sorted(
        (code for code in labels if code not in missing and code.lstrip("-").isdigit()), key=int
    )
    spreads = {2: (1, 5), 3: (1, 3, 5), 4: (1, 2, 4, 5), 5: (1, 2, 3, 4, 5)}
    if len(codes) not in spreads:
        return None
    return dict(zip(codes, spreads[len(codes)], strict=True)), missing


def suggest_mapping(
    source: SourceTable,
    *,
    project: str,
    items: dict[str, str],
    units: dict[str, str],
) -> Mapping:
    """A first mapping to review: columns matched to items by question text (``items``: id ->
    text), the unit column by its name and values matched to unit names (``units``: id -> name),
    "ved ikke" codes as missing. Nothing here is stored before the user has looked at it."""
    if source.kind == LONG_CSV:
        known = [ItemMap(v, v) for v in source.columns[2:] if v in items]
        named = {r.values[UNIT_COLUMN] for r in source.records}
        return Mapping(
            project=project,
            source=LONG_CSV,
            items=tuple(known),
            unit_column=UNIT_COLUMN,
            unit_values={v: v for v in sorted(named) if v in units},
            wave_column=WAVE_COLUMN,
        )
    by_name = {name.lower(): uid for uid, name in units.items()}
    texts = {item_id: text.lower() for item_id, text in items.items()}
    chosen: list[ItemMap] = []
    taken: set[str] = set()
    unit_column = None
    wave_column = None
    scales: list[tuple[dict[str, int], tuple[str, ...]]] = []
    for name in source.columns:
        variable = source.variables.get(name)
        if is_identity_column(name, variable.question if variable else ""):
            continue
        question = variable.question if variable else ""
        labels = variable.labels if variable else {}
        if unit_column is None and (UNIT_WORDS.search(question) or UNIT_WORDS.search(name)):
            unit_column = name
            continue
        if wave_column is None and (ROUND_WORDS.search(name) or ROUND_WORDS.search(question)):
            wave_column = name
            continue
        scale = _scale_of(labels)
        if scale is None or not question:
            continue
        ranked = sorted(
            (
                (difflib.SequenceMatcher(None, question.lower(), t).ratio(), i)
                for i, t in texts.items()
            ),
            reverse=True,
        )
        score, item_id = ranked[0] if ranked else (0.0, "")
        if score >= 0.6 and item_id not in taken:
            taken.add(item_id)
            points, missing = scale
            chosen.append(ItemMap(name, item_id, points=points, missing=missing))
            scales.append(scale)
    unit_values: dict[str, str] = {}
    if unit_column is not None:
        variable = source.variables.get(unit_column)
        labels = variable.labels if variable else {}
        for record in source.records:
            value = record.values.get(unit_column, "")
            label = labels.get(value, value).strip().lower()
            if value and label in by_name:
                unit_values[value] = by_name[label]
            elif value and value in units:
                unit_values[value] = value
    # One scale shared by every item becomes the default; items keep their own otherwise.
    if scales and all(s == scales[0] for s in scales):
        chosen = [replace(i, points=None, missing=None) for i in chosen]
        points, missing = scales[0]
    else:
        points, missing = dict(DEFAULT_POINTS), ()
    return Mapping(
        project=project,
        items=tuple(chosen),
        unit_column=unit_column,
        unit_values=dict(sorted(unit_values.items())),
        wave_column=wave_column,
        points=points,
        missing=missing,
    )
