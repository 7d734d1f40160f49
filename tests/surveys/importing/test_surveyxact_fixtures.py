"""The real SurveyXact exports in ../shared/fixtures/surveyxact (999 Norwegian respondents, four
shapes): each imports to the same stored numbers, checked against pandas reading the raw file;
labelled scales and above-scale "vet ikke" codes map to points and missing as declared."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from data import open_database
from data.db import Database
from medspil.scope import Scope
from surveys.importing.importer import apply_import
from surveys.importing.mapping import parse_mapping
from surveys.importing.sources import read_path
from tests.surveys.importing.support import FIXTURE_SHAPES, first_wave, shared_fixtures

TODAY = dt.date.today()
# The school codes of the background variable b_1_1 ("Skole") -> units of the demo project.
SCHOOLS = {
    "10": "NORD-SOLHOJ", "24": "NORD-SOLHOJ", "26": "NORD-EGELY", "29": "NORD-EGELY",
    "30": "NORD-HAVBO", "32": "NORD-HJEM", "33": "NORD-NAT", "35": "SYD-SKOV",
    "37": "SYD-SKOV", "42": "SYD-LAERKE", "45": "SYD-AABO", "52": "SYD-HJEMDAG",
    "54": "SYD-HJEMAFT", "56": "SYD-HJEMAFT",
}  # fmt: skip
# hm_1 and hn_1: 4-point agreement (Helt uenig .. Helt enig) spread over 1, 2, 4, 5.
# b_2: 1..5 labelled, 6 = "Ikke relevant/ vet ikke" above the scale: missing.
# b_4: 1 = Ja, 2 = Nei, 3 = "Ikke relevant/ vet ikke" above the scale: missing.
FOUR_POINTS = {"1": 1, "2": 2, "3": 4, "4": 5}
B2_POINTS = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5}
B4_POINTS = {"1": 5, "2": 1}


def _mapping(day: dt.date) -> str:
    values = ", ".join(f'"{code}" = "{unit}"' for code, unit in SCHOOLS.items())
    return f"""format = 1
project = "medicin"
source = "surveyxact"
ignore = ["stato_1", "stato_2", "stato_3", "stato_4", "stato_5"]

[unit]
column = "b_1_1"
values = {{ {values} }}

[wave]
date = {day.isoformat()}
extend_first_phase = true

[[items]]
variable = "hm_1"
item = "men1"
points = {{ "1" = 1, "2" = 2, "3" = 4, "4" = 5 }}

[[items]]
variable = "hn_1"
item = "men2"
reverse = true
points = {{ "1" = 1, "2" = 2, "3" = 4, "4" = 5 }}

[[items]]
variable = "b_2"
item = "mot1"
points = {{ "1" = 1, "2" = 2, "3" = 3, "4" = 4, "5" = 5 }}
missing = ["6"]

[[items]]
variable = "b_4"
item = "mot2"
points = {{ "1" = 5, "2" = 1 }}
missing = ["3"]
"""


def test_the_shared_fixtures_are_there() -> None:
    """Fails (never skips) when ../shared/fixtures/surveyxact cannot be found."""
    folder = shared_fixtures()
    for name in FIXTURE_SHAPES.values():
        assert (folder / name).exists(), name
    for name in ("ex_survey2_semicolon_ansi", "ex_survey2_comma_ansi", "ex_survey2_tab_utf16"):
        for part in ("dataset.csv", "structure.csv", "labels.csv"):
            assert (folder / name / part).is_file(), (name, part)


def _reference() -> Counter:
    """(unit, item, stored value) counts from pandas reading the raw semicolon export."""
    raw = pd.read_csv(
        shared_fixtures() / "ex_survey2_semicolon_ansi" / "dataset.csv",
        sep=";",
        encoding="cp1252",
        dtype=str,
        keep_default_na=False,
    )
    answered = raw[
        raw["hm_1"].isin(list(FOUR_POINTS))
        | raw["hn_1"].isin(list(FOUR_POINTS))
        | raw["b_2"].isin(list(B2_POINTS))
        | raw["b_4"].isin(list(B4_POINTS))
    ]
    expected: Counter = Counter()
    for row in answered.itertuples():
        unit = SCHOOLS[row.b_1_1]
        expected[(unit, "men1", FOUR_POINTS.get(row.hm_1))] += 1
        hn = FOUR_POINTS.get(row.hn_1)
        expected[(unit, "men2", None if hn is None else 6 - hn)] += 1
        expected[(unit, "mot1", B2_POINTS.get(row.b_2))] += 1
        expected[(unit, "mot2", B4_POINTS.get(row.b_4))] += 1
    return expected


def _stored(db: Database, import_id: int) -> Counter:
    with db.cursor() as cur:
        rows = cur.execute(
            """SELECT r.unit_id, a.item_id, a.value FROM answers a
               JOIN responses r ON r.id = a.response_id
               WHERE r.wave_id IN (SELECT wave_id FROM import_waves WHERE import_id = ?)""",
            [import_id],
        ).fetchall()
    return Counter((unit, item, value) for unit, item, value in rows)


@pytest.fixture(scope="module")
def reference() -> Counter:
    return _reference()


@pytest.mark.parametrize("shape", list(FIXTURE_SHAPES))
def test_each_shape_imports_to_the_reference_numbers(
    shape: str, demo_copy: Path, reference: Counter
) -> None:
    db = open_database(demo_copy)
    try:
        day = first_wave(db) - dt.timedelta(days=30)
        source = read_path(shared_fixtures() / FIXTURE_SHAPES[shape])
        import_id, preview = apply_import(
            db, source, parse_mapping(_mapping(day)), scope=Scope.admin("test"), today=TODAY
        )
        assert _stored(db, import_id) == reference
        # The above-scale codes are stored as missing: 50 answered "6" to b_2, 11 "3" to b_4.
        assert reference[("SYD-HJEMAFT", "mot1", None)] > 0
        assert sum(n for (_, i, v), n in reference.items() if i == "mot1" and v is None) == sum(
            n for (_, i, v), n in _stored(db, import_id).items() if i == "mot1" and v is None
        )
        assert preview.stored == sum(n for (_, i, _), n in reference.items() if i == "men1")
        assert preview.drop_reasons() == Counter({"all_missing": 999 - preview.stored})
    finally:
        db.close()


def test_the_above_scale_codes_are_missing_and_not_points(reference: Counter) -> None:
    """Hand count from the fixture's own value table: b_2 has 50 answers coded 6 ("Ikke
    relevant/ vet ikke") and b_4 has 11 coded 3; both are missing, never a point."""
    raw = pd.read_csv(
        shared_fixtures() / "ex_survey2_tab_utf16" / "dataset.csv", sep="\t", encoding="utf-16"
    )
    assert int((raw["b_2"] == 6).sum()) == 50
    assert int((raw["b_4"] == 3).sum()) == 11
    stored_points = {v for (_, i, v), _ in reference.items() if i in ("mot1", "mot2")}
    assert stored_points <= {None, 1, 2, 3, 4, 5}


def test_contact_columns_of_the_comma_export_are_refused_as_items(demo_copy: Path) -> None:
    db = open_database(demo_copy)
    try:
        day = first_wave(db) - dt.timedelta(days=30)
        source = read_path(shared_fixtures() / "ex_survey2_comma_ansi")
        assert {"email", "forn", "ettern", "id"} <= set(source.columns)
        mapping = _mapping(day).replace('variable = "b_4"', 'variable = "ettern"')
        from medspil.errors import ImportFileRejected

        with pytest.raises(ImportFileRejected) as e:
            apply_import(db, source, parse_mapping(mapping), scope=Scope.admin("test"), today=TODAY)
        assert "Kolonnen »ettern« kan pege på en person" in e.value.message("da")
    finally:
        db.close()
