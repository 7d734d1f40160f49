"""Our own SurveyXact-shaped pulse (æøå, "ved ikke", unit background variable, two rounds) in
every shape SurveyXact writes, and the long CSV: same stored numbers, anonymity, twice refused,
removal as one unit, and broken files rejected whole with nothing stored."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from data import audit, open_database
from data import imports as import_queries
from data.db import Database
from medspil.errors import ImportFileRejected, ImportRefused
from medspil.scope import Scope
from surveys.importing.importer import (
    apply_import,
    preview_import,
    remove_import,
    suggested_mapping,
)
from surveys.importing.mapping import dump_mapping, parse_mapping
from surveys.importing.sources import read_source
from tests.surveys.importing.support import (
    HEADER,
    SECRET_STRINGS,
    UNIT_IDS,
    first_wave,
    pulse_csv_files,
    pulse_mapping,
    pulse_rows,
    pulse_workbook,
)

TODAY = dt.date.today()


@pytest.fixture
def demo(demo_copy: Path):
    database = open_database(demo_copy)
    yield database
    database.close()


def _rounds(db: Database) -> tuple[dt.date, dt.date]:
    first = first_wave(db)
    return first - dt.timedelta(days=70), first - dt.timedelta(days=40)


def _expected(rounds: tuple[dt.date, dt.date]) -> Counter:
    """(wave date, unit, item, stored value) counts, from the formula of ``pulse_rows``."""
    expected: Counter = Counter()
    for r, day in zip((1, 2), rounds, strict=True):
        for unit in UNIT_IDS.values():
            for i in range(6):
                expected[(day, unit, "men1", 1 + (i + r) % 5)] += 1
                expected[(day, unit, "men2", None if i == 0 else 1 + (2 * i) % 5)] += 1
                expected[(day, unit, "men3", 6 - (5 - i % 5))] += 1
    return expected


def _stored(db: Database, import_id: int) -> Counter:
    with db.cursor() as cur:
        rows = cur.execute(
            """SELECT w.opens, r.unit_id, a.item_id, a.value FROM answers a
               JOIN responses r ON r.id = a.response_id JOIN waves w ON w.id = r.wave_id
               WHERE w.id IN (SELECT wave_id FROM import_waves WHERE import_id = ?)""",
            [import_id],
        ).fetchall()
    return Counter((day, unit, item, value) for day, unit, item, value in rows)


def _count(db: Database, table: str) -> int:
    with db.cursor() as cur:
        return cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # test-only constant


def _totals(db: Database) -> tuple[int, ...]:
    return tuple(_count(db, t) for t in ("waves", "responses", "answers", "comments", "imports"))


SHAPES = {
    "xlsx": lambda: {"puls.xlsx": pulse_workbook()},
    "semicolon_cp1252": lambda: pulse_csv_files(delimiter=";", encoding="cp1252"),
    "comma_cp1252": lambda: pulse_csv_files(delimiter=",", encoding="cp1252"),
    "tab_utf16": lambda: pulse_csv_files(delimiter="\t", encoding="utf-16"),
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_every_shape_stores_the_numbers_of_the_formula(demo: Database, shape: str) -> None:
    rounds = _rounds(demo)
    source = read_source(SHAPES[shape]())
    mapping = parse_mapping(pulse_mapping(rounds))
    import_id, preview = apply_import(demo, source, mapping, scope=Scope.admin("test"), today=TODAY)
    assert _stored(demo, import_id) == _expected(rounds)
    assert preview.stored == 36
    # the six invitees who never answered are left out, with their reason
    assert preview.drop_reasons() == Counter({"all_missing": 6})


def test_the_long_csv_stores_the_same_numbers(demo: Database) -> None:
    rounds = _rounds(demo)
    lines = ["wave_date,unit_id,respondent,item_id,value"]
    for row in pulse_rows():
        values = dict(zip(HEADER, row, strict=True))
        day = rounds[int(values["runde"]) - 1].isoformat()
        for source_item, item in (("q1", "men1"), ("q2", "men2"), ("q3", "men3")):
            value = values[source_item]
            if source_item == "q3" and value:
                value = str(6 - int(value))  # the long file already holds our direction
            lines.append(
                f"{day},{UNIT_IDS[values['enhed']]},{values['respondent_id']},{item},{value}"
            )
    mapping = parse_mapping(
        'format = 1\nproject = "medicin"\nsource = "long_csv"\n'
        "[wave]\nextend_first_phase = true\n"
        '[scale]\nmissing = ["6"]\n'
        '[[items]]\nvariable = "men1"\nitem = "men1"\n'
        '[[items]]\nvariable = "men2"\nitem = "men2"\n'
        '[[items]]\nvariable = "men3"\nitem = "men3"\n'
    )
    source = read_source({"lang.csv": "\n".join(lines).encode("utf-8")})
    import_id, _ = apply_import(demo, source, mapping, scope=Scope.admin("test"), today=TODAY)
    assert _stored(demo, import_id) == _expected(rounds)


def test_nothing_that_names_or_times_a_person_is_stored(demo: Database) -> None:
    rounds = _rounds(demo)
    source = read_source(pulse_csv_files())
    apply_import(
        demo,
        source,
        parse_mapping(pulse_mapping(rounds, comment=True)),
        scope=Scope.admin("t"),
        today=TODAY,
    )
    with demo.cursor() as cur:
        columns = cur.execute(
            "SELECT table_name, column_name FROM duckdb_columns() "
            "WHERE data_type = 'VARCHAR' AND NOT internal AND schema_name = 'main'"
        ).fetchall()
        for table, column in columns:
            for secret in (*SECRET_STRINGS, "1001", "x@kommune.dk"):
                found = cur.execute(
                    f'SELECT count(*) FROM "{table}" WHERE "{column}" = ?', [secret]
                ).fetchone()[0]
                assert found == 0, (table, column, secret)
    assert _count(demo, "comments") > 0


def test_comments_only_on_request_and_cleaned(demo: Database) -> None:
    rounds = _rounds(demo)
    before = _count(demo, "comments")
    rows = pulse_rows()
    rows[1][8] = "  Vi mangler tid til\x0b oplæring\x1b  "
    source = read_source(pulse_csv_files(rows))
    apply_import(
        demo, source, parse_mapping(pulse_mapping(rounds)), scope=Scope.admin("t"), today=TODAY
    )
    assert _count(demo, "comments") == before
    other = read_source(pulse_csv_files(rows, delimiter=","))
    import_id, _ = apply_import(
        demo,
        other,
        parse_mapping(
            pulse_mapping(
                (rounds[0] - dt.timedelta(days=30), rounds[0] - dt.timedelta(days=20)), comment=True
            )
        ),
        scope=Scope.admin("t"),
        today=TODAY,
    )
    with demo.cursor() as cur:
        texts = [
            row[0]
            for row in cur.execute(
                """SELECT c.text FROM comments c JOIN responses r ON r.id = c.response_id
                   WHERE r.wave_id IN (SELECT wave_id FROM import_waves WHERE import_id = ?)""",
                [import_id],
            ).fetchall()
        ]
    assert "Vi mangler tid til oplæring" in texts
    assert len(texts) == 6  # one per round and unit (respondent 1 of each group)


def test_importing_the_same_file_twice_is_refused_and_removal_takes_it_all(demo: Database) -> None:
    rounds = _rounds(demo)
    before = _totals(demo)
    files = pulse_csv_files()
    mapping = parse_mapping(pulse_mapping(rounds))
    import_id, _ = apply_import(
        demo, read_source(files), mapping, scope=Scope.admin("anna"), today=TODAY
    )
    after = _totals(demo)
    assert after[1] - before[1] == 36
    with pytest.raises(ImportRefused) as refused:
        apply_import(demo, read_source(files), mapping, scope=Scope.admin("anna"), today=TODAY)
    assert f"import nr. {import_id}" in refused.value.message("da")
    assert _totals(demo) == after
    with pytest.raises(ImportRefused):
        preview_import(demo, read_source(files), mapping, today=TODAY)
    marked = import_queries.imported_waves(demo, "medicin")
    assert sorted(marked["file_name"]) == ["dataset.csv", "dataset.csv"]
    remove_import(demo, import_id, scope=Scope.admin("anna"))
    assert _totals(demo) == before
    actions = list(audit.entries(demo)["action"])
    assert actions[:2] == ["import.remove", "import.apply"]
    # after removal the same file may come in again
    apply_import(demo, read_source(files), mapping, scope=Scope.admin("anna"), today=TODAY)
    assert _totals(demo) == after


def test_imported_waves_come_first_in_the_project(demo: Database) -> None:
    rounds = _rounds(demo)
    preview = preview_import(
        demo, read_source(pulse_csv_files()), parse_mapping(pulse_mapping(rounds)), today=TODAY
    )
    # The preview says where the first phase will start, as a Danish reader writes a date.
    assert f"første fase kommer til at starte {rounds[0]:%d.%m.%Y}," in preview.summary("da")
    english = f"{rounds[0]:%b} {rounds[0].day}, {rounds[0].year}"
    assert f"first phase will start on {english}," in preview.summary("en")
    apply_import(
        demo,
        read_source(pulse_csv_files()),
        parse_mapping(pulse_mapping(rounds)),
        scope=Scope.admin("t"),
        today=TODAY,
    )
    from data import projects as project_queries

    waves = project_queries.waves(demo, "medicin")
    assert [w.date() for w in waves["opens"][:2]] == list(rounds)
    assert waves["opens"].is_monotonic_increasing
    phases = project_queries.phases(demo, "medicin")
    assert phases["starts"].min().date() == rounds[0]


def test_the_preview_lists_groups_under_k_and_stores_nothing(demo: Database) -> None:
    rounds = _rounds(demo)
    before = _totals(demo)
    rows = [row for row in pulse_rows() if not (row[4] == "3" and int(row[0]) % 2 == 0)]
    preview = preview_import(
        demo, read_source(pulse_csv_files(rows)), parse_mapping(pulse_mapping(rounds)), today=TODAY
    )
    assert [(w, u) for w, u, _ in preview.under_k()] == [
        (rounds[0], "SYD-LAERKE"),
        (rounds[1], "SYD-LAERKE"),
    ]
    table = preview.table("da")
    assert set(table.columns) >= {"Måling (dato)", "Enhed", "Gemmes", "Ingen svar", "Under k"}
    assert "færre end 5" in preview.summary("da")
    assert _totals(demo) == before


def test_suggested_mapping_finds_items_unit_values_rounds_and_dont_know(demo: Database) -> None:
    source = read_source(pulse_csv_files())
    suggestion = suggested_mapping(demo, source, "medicin")
    assert [(i.variable, i.item) for i in suggestion.items] == [
        ("q1", "men1"),
        ("q2", "men2"),
        ("q3", "men3"),
    ]
    assert suggestion.unit_column == "enhed"
    assert suggestion.unit_values == UNIT_IDS
    assert suggestion.wave_column == "runde"
    assert suggestion.missing == ("6",)
    assert suggestion.points == {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5}
    assert parse_mapping(dump_mapping(suggestion)) == suggestion


def test_a_saved_mapping_reads_back_the_same(demo: Database) -> None:
    mapping = parse_mapping(pulse_mapping(_rounds(demo), comment=True))
    assert parse_mapping(dump_mapping(mapping)) == mapping


def _rejected(demo: Database, files: dict[str, bytes], mapping: str) -> str:
    before = _totals(demo)
    with pytest.raises(ImportFileRejected) as e:
        source = read_source(files)
        apply_import(demo, source, parse_mapping(mapping), scope=Scope.admin("t"), today=TODAY)
    assert _totals(demo) == before
    return e.value.message("da") + "\n" + e.value.message("en")


def test_wrong_encoding_is_rejected(demo: Database) -> None:
    files = pulse_csv_files(encoding="utf-16-le")  # UTF-16 without its byte-order mark
    text = _rejected(demo, files, pulse_mapping(_rounds(demo)))
    assert "dataset.csv: filen er hverken Windows-1252, UTF-8 eller UTF-16" in text


def test_a_missing_structure_file_is_rejected(demo: Database) -> None:
    files = pulse_csv_files()
    del files["structure.csv"]
    text = _rejected(demo, files, pulse_mapping(_rounds(demo)))
    assert "Filen structure.csv mangler" in text
    assert "The file structure.csv is missing" in text


def test_a_duplicated_header_is_rejected(demo: Database) -> None:
    header = [*HEADER[:6], "q1", *HEADER[7:]]
    text = _rejected(demo, pulse_csv_files(header=header), pulse_mapping(_rounds(demo)))
    assert "dataset.csv: overskriften »q1« står både i kolonne 6 og kolonne 7" in text


def test_a_cell_outside_the_scale_is_rejected_with_its_line(demo: Database) -> None:
    rows = pulse_rows()
    rows[3][5] = "7"
    text = _rejected(demo, pulse_csv_files(rows), pulse_mapping(_rounds(demo)))
    assert "dataset.csv linje 5, kolonne q1: koden »7«" in text
    assert "dataset.csv line 5, column q1: the code '7'" in text


def test_a_cell_outside_the_scale_in_a_workbook_names_the_cell(demo: Database) -> None:
    rows = pulse_rows()
    rows[3][5] = "7"
    text = _rejected(demo, {"puls.xlsx": pulse_workbook(rows)}, pulse_mapping(_rounds(demo)))
    assert "puls.xlsx (Dataset) linje 5, kolonne F (q1): koden »7«" in text


def test_a_unit_value_without_a_unit_is_rejected_and_listed(demo: Database) -> None:
    rows = pulse_rows()
    rows[2][4] = "9"
    text = _rejected(demo, pulse_csv_files(rows), pulse_mapping(_rounds(demo)))
    assert "dataset.csv linje 4, kolonne enhed: »9« er ikke knyttet til en enhed" in text


def test_a_unit_not_in_the_organisation_is_rejected(demo: Database) -> None:
    mapping = pulse_mapping(_rounds(demo)).replace('"SYD-LAERKE"', '"SYD-FINDES-IKKE"')
    text = _rejected(demo, pulse_csv_files(), mapping)
    assert "enheden »SYD-FINDES-IKKE«, som ikke findes i organisationen" in text


def test_unknown_units_may_be_dropped_on_request(demo: Database) -> None:
    rows = pulse_rows()
    rows[2][4] = "9"
    mapping = pulse_mapping(_rounds(demo)).replace(
        'column = "enhed"', 'column = "enhed"\nunknown = "drop"'
    )
    preview = preview_import(
        demo, read_source(pulse_csv_files(rows)), parse_mapping(mapping), today=TODAY
    )
    assert preview.drop_reasons()["unit_unknown"] == 1
    assert preview.plan.unknown_units == Counter({"9": 1})
    assert "9 (1)" in preview.summary("da")


def test_an_identity_column_can_never_be_mapped(demo: Database) -> None:
    mapping = pulse_mapping(_rounds(demo)).replace('variable = "q1"', 'variable = "email"')
    text = _rejected(demo, pulse_csv_files(), mapping)
    assert "Kolonnen »email« kan pege på en person" in text


def test_a_failure_while_storing_leaves_nothing_behind(demo: Database, monkeypatch) -> None:
    before = _totals(demo)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_queries.audit, "record", broken)
    with pytest.raises(RuntimeError):
        apply_import(
            demo,
            read_source(pulse_csv_files()),
            parse_mapping(pulse_mapping(_rounds(demo))),
            scope=Scope.admin("t"),
            today=TODAY,
        )
    assert _totals(demo) == before
    with demo.cursor() as cur:
        assert (
            cur.execute("SELECT min(starts) FROM phases WHERE project_id = 'medicin'").fetchone()[0]
            > _rounds(demo)[0]
        )
