"""From a read file and a mapping to the responses to store, the ones dropped and why, or the
problems that reject the whole file. Pure: the project's facts come in as values."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from medspil.errors import ImportFileRejected
from medspil.text import clean_text
from surveys.answering.form import COMMENT_MAX_CHARS
from surveys.importing.mapping import DROP, Mapping, is_identity_column
from surveys.importing.sources import LONG_CSV, UNIT_COLUMN, WAVE_COLUMN, Record, SourceTable

MAX_PROBLEMS = 25
DROP_REASONS = ("unit_blank", "unit_unknown", "wave_blank", "out_of_scale", "all_missing")


@dataclass(frozen=True)
class Phase:
    id: int
    kind: str
    starts: dt.date
    ends: dt.date


@dataclass(frozen=True)
class ProjectFacts:
    """What the plan checks a file against: the project's items, units, phases and waves."""

    project_id: str
    k_min: int
    items: tuple[str, ...]
    units: frozenset[str]
    project_units: frozenset[str]
    phases: tuple[Phase, ...]
    first_wave_opens: dt.date | None
    today: dt.date


@dataclass(frozen=True)
class PlannedResponse:
    wave: dt.date
    unit_id: str
    answers: tuple[tuple[str, int | None], ...]
    comment: str | None


@dataclass(frozen=True)
class ImportPlan:
    """Everything an apply would store, and every response left out with its reason."""

    responses: tuple[PlannedResponse, ...]
    dropped: Counter  # (wave or None, unit or None, reason) -> count
    unknown_units: Counter  # source value -> count
    ignored: tuple[str, ...]
    waves: tuple[dt.date, ...]
    phase_of_wave: dict[dt.date, int]
    first_phase_start: dt.date | None  # set when the first phase is moved back

    def stored(self) -> Counter:
        return Counter((r.wave, r.unit_id) for r in self.responses)


def _wave_of(
    record: Record, mapping: Mapping, source: SourceTable, problems: list
) -> dt.date | None:
    column = WAVE_COLUMN if source.kind == LONG_CSV else mapping.wave_column
    if mapping.wave_date is not None and column is None:
        return mapping.wave_date
    value = record.values.get(column or "", "")
    if not value:
        return None
    if value in mapping.wave_dates:
        return mapping.wave_dates[value]
    if source.kind == LONG_CSV or not mapping.wave_dates:
        for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
            try:
                return dt.datetime.strptime(value[:10], pattern).date()
            except ValueError:
                continue
    problems.append(
        (
            "import.problem_wave_value",
            {
                "file": source.data_file,
                "line": record.line_of(column or ""),
                "column": source.column_label(column or ""),
                "value": value,
            },
        )
    )
    return None


def _question(source: SourceTable, column: str) -> str:
    variable = source.variables.get(column)
    return variable.question if variable else ""


def _check_mapping(source: SourceTable, mapping: Mapping, facts: ProjectFacts) -> list:
    problems: list = []
    if mapping.project != facts.project_id:
        problems.append(("import.problem_project", {"project": mapping.project}))
    if mapping.source != source.kind:
        problems.append(
            ("import.problem_source_kind", {"mapping": mapping.source, "file": source.kind})
        )
    columns = set(source.columns)
    if not mapping.items:
        problems.append(("import.problem_no_items", {}))
    seen: set[str] = set()
    for item in mapping.items:
        if item.variable not in columns:
            problems.append(
                ("import.problem_no_column", {"column": item.variable, "file": source.data_file})
            )
        if item.item not in facts.items:
            problems.append(
                (
                    "import.problem_item",
                    {"column": item.variable, "item": item.item, "items": ", ".join(facts.items)},
                )
            )
        if item.item in seen:
            problems.append(("import.problem_item_twice", {"item": item.item}))
        seen.add(item.item)
        if is_identity_column(item.variable, _question(source, item.variable)):
            problems.append(("import.problem_identity", {"column": item.variable}))
        points, missing = mapping.points_of(item), mapping.missing_of(item)
        both = sorted(set(points) & set(missing))
        if both:
            problems.append(
                ("import.problem_code_both", {"column": item.variable, "codes": ", ".join(both)})
            )
    if mapping.comment is not None:
        if mapping.comment not in columns:
            problems.append(
                ("import.problem_no_column", {"column": mapping.comment, "file": source.data_file})
            )
        if is_identity_column(mapping.comment, _question(source, mapping.comment)):
            problems.append(("import.problem_identity", {"column": mapping.comment}))
    unit_column = UNIT_COLUMN if source.kind == LONG_CSV else mapping.unit_column
    if unit_column is None:
        problems.append(("import.problem_no_unit_column", {}))
    elif unit_column not in columns:
        problems.append(
            ("import.problem_no_column", {"column": unit_column, "file": source.data_file})
        )
    for value, unit in sorted(mapping.unit_values.items()):
        if unit not in facts.units:
            problems.append(("import.problem_unit_not_in_org", {"value": value, "unit": unit}))
        elif unit not in facts.project_units:
            problems.append(("import.problem_unit_not_in_project", {"value": value, "unit": unit}))
    wave_column = WAVE_COLUMN if source.kind == LONG_CSV else mapping.wave_column
    if wave_column is None and mapping.wave_date is None:
        problems.append(("import.problem_no_wave", {}))
    elif wave_column is not None and wave_column not in columns:
        problems.append(
            ("import.problem_no_column", {"column": wave_column, "file": source.data_file})
        )
    return problems


def _unit_of(
    record: Record, mapping: Mapping, source: SourceTable, facts: ProjectFacts
) -> tuple[str | None, str]:
    """The record's unit id, or ``None`` with the source value (blank when the cell is)."""
    column = UNIT_COLUMN if source.kind == LONG_CSV else mapping.unit_column or ""
    value = record.values.get(column, "")
    if value in mapping.unit_values:
        return mapping.unit_values[value], value
    if source.kind == LONG_CSV and not mapping.unit_values and value in facts.project_units:
        return value, value
    return None, value


def _clean_comment(text: str) -> str | None:
    """Cleaned at the door like every text from outside (``medspil.text.clean_text``)."""
    return clean_text(text) or None


def build_plan(source: SourceTable, mapping: Mapping, facts: ProjectFacts) -> ImportPlan:
    """Map every record; raise ``ImportFileRejected`` with every problem found (at most 25)."""
    problems = _check_mapping(source, mapping, facts)
    if problems:
        raise ImportFileRejected(problems[:MAX_PROBLEMS])
    responses: list[PlannedResponse] = []
    dropped: Counter = Counter()
    unknown_units: Counter = Counter()
    for record in source.records:
        wave = _wave_of(record, mapping, source, problems)
        unit, value = _unit_of(record, mapping, source, facts)
        answers: list[tuple[str, int | None]] = []
        out_of_scale = False
        for item in mapping.items:
            code = record.values.get(item.variable, "")
            points = mapping.points_of(item)
            if code == "" or code in mapping.missing_of(item):
                answers.append((item.item, None))
            elif code in points:
                point = points[code]
                answers.append((item.item, 6 - point if item.reverse else point))
            elif mapping.scale_unknown == DROP:
                out_of_scale = True
            else:
                problems.append(
                    (
                        "import.problem_out_of_scale",
                        {
                            "file": source.data_file,
                            "line": record.line_of(item.variable),
                            "column": source.column_label(item.variable),
                            "value": code,
                            "codes": ", ".join([*points, *mapping.missing_of(item)]),
                        },
                    )
                )
        reason = None
        if all(v is None for _, v in answers) and not out_of_scale:
            reason = "all_missing"  # SurveyXact lists every invitee, answered or not
        elif unit is None and not value:
            reason = "unit_blank"
        elif unit is None:
            unknown_units[value] += 1
            if mapping.unit_unknown != DROP:
                column = UNIT_COLUMN if source.kind == LONG_CSV else mapping.unit_column or ""
                problems.append(
                    (
                        "import.problem_unknown_unit",
                        {
                            "file": source.data_file,
                            "line": record.line_of(column),
                            "column": source.column_label(column),
                            "value": value,
                        },
                    )
                )
            reason = "unit_unknown"
        elif wave is None:
            reason = "wave_blank"
        elif out_of_scale:
            reason = "out_of_scale"
        if reason is not None or wave is None or unit is None:  # a reason names every None
            dropped[(wave, unit, reason)] += 1
            continue
        comment = None
        if mapping.comment is not None:
            comment = _clean_comment(record.values.get(mapping.comment, ""))
            if comment is not None and len(comment) > COMMENT_MAX_CHARS:
                problems.append(
                    (
                        "import.problem_comment_long",
                        {
                            "file": source.data_file,
                            "line": record.line_of(mapping.comment),
                            "column": source.column_label(mapping.comment),
                            "max": COMMENT_MAX_CHARS,
                        },
                    )
                )
        responses.append(PlannedResponse(wave, unit, tuple(answers), comment))
    waves = tuple(sorted({r.wave for r in responses}))
    phase_of_wave, first_start = _phases(waves, mapping, facts, problems)
    if problems:
        raise ImportFileRejected(problems[:MAX_PROBLEMS])
    if not responses:
        raise ImportFileRejected([("import.problem_nothing_to_store", {})])
    mapped = {i.variable for i in mapping.items} | {
        mapping.comment,
        mapping.unit_column,
        mapping.wave_column,
    }
    return ImportPlan(
        responses=tuple(responses),
        dropped=dropped,
        unknown_units=unknown_units,
        ignored=tuple(c for c in source.columns if c not in mapped and source.kind != LONG_CSV),
        waves=waves,
        phase_of_wave=phase_of_wave,
        first_phase_start=first_start,
    )


def _phases(
    waves: tuple[dt.date, ...], mapping: Mapping, facts: ProjectFacts, problems: list
) -> tuple[dict[dt.date, int], dt.date | None]:
    """Each wave's phase; a wave before the first phase moves its start back only on request.

    Imported waves must be over (before today) and come before the project's own first wave:
    waves are numbered in time order and the numbers of waves with answers cannot change.
    """
    found: dict[dt.date, int] = {}
    first_start = None
    phases = sorted(facts.phases, key=lambda p: p.starts)
    for wave in waves:
        if wave >= facts.today:
            problems.append(("import.problem_wave_future", {"date": wave.isoformat()}))
            continue
        if facts.first_wave_opens is not None and wave >= facts.first_wave_opens:
            problems.append(
                (
                    "import.problem_wave_after_first",
                    {"date": wave.isoformat(), "first": facts.first_wave_opens.isoformat()},
                )
            )
            continue
        inside = [p for p in phases if p.starts <= wave <= p.ends]
        if inside:
            found[wave] = inside[0].id
        elif phases and wave < phases[0].starts and mapping.extend_first_phase:
            found[wave] = phases[0].id
            first_start = min(first_start or wave, wave)
        else:
            problems.append(("import.problem_wave_no_phase", {"date": wave.isoformat()}))
    return found, first_start
