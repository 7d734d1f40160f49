"""Importing the organisation tree from CSV: encodings, separators, rejections with line
numbers, and re-imports that update by id and close (never delete) removed units."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from data import open_database
from data import org as org_queries
from data.answers import table_counts
from data.audit import entries
from data.results import score_histograms
from medspil.errors import ImportRejected, UnitFileRejected
from medspil.scope import Scope
from surveys.administration.organisation import (
    apply_import,
    preview_import,
    read_unit_file,
    unit_file_template,
)
from surveys.installation.demo import UNITS

SMALL = [
    ("id", "parent_id", "name", "type", "headcount"),
    ("KOM", "", "Søby Kommune", "kommune", "0"),
    ("AEL", "KOM", "Ældre og Omsorg", "forvaltning", ""),
    ("PLJ", "AEL", "Plejecenter Åløkke", "enhed", "42"),
    ("HJM", "AEL", "Hjemmeplejen Øst", "enhed", "37"),
]


def _csv(rows, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    """A CSV file as Excel writes it (fields with the separator in quotes)."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def _reason(data: bytes, db) -> str:
    with pytest.raises(UnitFileRejected) as caught:
        preview_import(db, data)
    assert isinstance(caught.value, ImportRejected)
    return caught.value.message("da")


@pytest.mark.parametrize("delimiter", [",", ";"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_good_files_in_each_encoding_and_separator_are_read(db, delimiter, encoding) -> None:
    data = _csv(SMALL, delimiter, encoding)
    rows, found_encoding, found_delimiter = read_unit_file(data)
    assert found_delimiter == delimiter
    assert found_encoding == ("Windows-1252" if encoding == "cp1252" else "UTF-8")
    assert [r.name for r in rows] == [
        "Søby Kommune",
        "Ældre og Omsorg",
        "Plejecenter Åløkke",
        "Hjemmeplejen Øst",
    ]
    assert rows[0].parent_id is None and rows[1].headcount == 0 and rows[2].headcount == 42
    assert [r.line for r in rows] == [2, 3, 4, 5]
    preview = preview_import(db, data)
    assert preview.counts == {
        "rows": 4, "new": 4, "changed": 0, "reopened": 0, "unchanged": 0, "closing": 0,
    }  # fmt: skip
    apply_import(db, data, scope=Scope.admin("admin@soeby.dk"))
    stored = org_queries.units(db).set_index("id")
    assert stored.loc["PLJ", "name"] == "Plejecenter Åløkke"
    assert stored.loc["PLJ", "parent_id"] == "AEL"
    assert int(stored.loc["HJM", "headcount"]) == 37
    log = entries(db)
    assert list(log["actor"]) == ["admin@soeby.dk"] and list(log["action"]) == ["units.import"]


def test_danish_headers_quoted_fields_and_extra_columns_are_accepted(db) -> None:
    text = (
        "Enhed_id;Forælder;Navn;Type;Antal ansatte;Kommentar\n"
        'K;;"Kommune; hele";kommune;0;top\n'
        "\n"
        "T1;K;Team 1;team;7;\n"
    )
    rows, _, delimiter = read_unit_file(text.encode("utf-8"))
    assert delimiter == ";"
    assert [(r.id, r.parent_id, r.name, r.line) for r in rows] == [
        ("K", None, "Kommune; hele", 2),
        ("T1", "K", "Team 1", 4),
    ]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [
                *SMALL,
                ("A", "B", "a", "enhed", "1"),
                ("B", "C", "b", "enhed", "1"),
                ("C", "A", "c", "enhed", "1"),
            ],
            ["Linje 6, 7, 8: enhederne ligger under hinanden i ring (A → B → C → A)"],
        ),
        (
            [*SMALL[:3], ("SELF", "SELF", "s", "team", "2")],
            ["Linje 4: enhederne ligger under hinanden i ring (SELF → SELF)"],
        ),
        (
            [*SMALL, ("X", "NOPE", "x", "enhed", "3")],
            ["Linje 6: den overordnede enhed »NOPE« findes ikke i filen."],
        ),
        (
            [*SMALL, ("PLJ", "AEL", "Dublet", "enhed", "3")],
            ["Linje 6: id'et »PLJ« står også på linje 4."],
        ),
        (
            [("id", "parent_id", "name", "headcount"), ("K", "", "K", "0")],
            ["Kolonnen »type« mangler i overskriften (linje 1)"],
        ),
        ([*SMALL, ("X", "KOM", "x", "enhed", "12a")], ["Linje 6: »12a« er ikke et helt tal"]),
        ([*SMALL, ("X", "KOM", "x", "enhed", "-3")], ["Linje 6: »-3« er ikke et helt tal"]),
        ([*SMALL, ("X", "KOM", "x", "enhed", "2.5")], ["Linje 6: »2.5« er ikke et helt tal"]),
        ([*SMALL, ("X", "KOM", "", "enhed", "2")], ["Linje 6: feltet »name« er tomt."]),
        ([*SMALL, ("X", "KOM")], ["Linje 6: har 2 felter, men overskriften kræver 5."]),
        ([SMALL[0]], ["Filen har en overskrift, men ingen enheder."]),
    ],
    ids=[
        "cycle",
        "self-parent",
        "unknown-parent",
        "duplicate",
        "missing-column",
        "letters",
        "negative",
        "decimal",
        "empty-name",
        "short-line",
        "no-rows",
    ],
)
def test_a_bad_file_is_rejected_whole_with_line_numbers(db, rows, expected) -> None:
    message = _reason(_csv(rows, ";"), db)
    assert message.startswith("Filen blev afvist, og intet er ændret:")
    for text in expected:
        assert text in message
    assert org_queries.units(db).empty


def test_all_problems_are_listed_together_in_either_language(db) -> None:
    rows = [
        *SMALL,
        ("X", "NOPE", "x", "enhed", "1"),
        ("PLJ", "AEL", "again", "enhed", "x"),
        ("Y", "KOM", "y", "enhed", "1,5"),
    ]
    with pytest.raises(UnitFileRejected) as caught:
        preview_import(db, _csv(rows))
    danish = caught.value.message("da")
    assert "Linje 6" in danish and "Linje 7" in danish
    english = caught.value.message("en")
    assert "Line 6: the parent unit 'NOPE' is not in the file." in english
    assert "Line 7: 'x' is not a whole number" in english


def test_undecodable_and_empty_files_are_rejected(db) -> None:
    assert "hverken UTF-8, UTF-16 eller Windows-1252" in _reason(b"id,name\n\x81\x8d\x90", db)
    assert "Filen er tom" in _reason(b"\n\n", db)


def _demo_rows(changes: dict[str, tuple] | None = None, drop: set[str] = frozenset(), add=()):
    rows = [("id", "parent_id", "name", "type", "headcount")]
    for uid, parent, name, kind, headcount in UNITS:
        if uid in drop:
            continue
        row = (uid, parent or "", name, kind, str(headcount))
        rows.append((changes or {}).get(uid, row))
    return rows + list(add)


def test_reimport_updates_by_id_and_closes_removed_units_without_losing_answers(
    demo_copy: Path,
) -> None:
    db = open_database(demo_copy)
    before_counts = table_counts(db)
    nord_before = score_histograms(
        db, "medicin", Scope(role="leder", unit_roots=frozenset({"AELDRE-NORD"}))
    )
    changes = {
        "SYD-AABO": ("SYD-AABO", "AELDRE-SYD", "Plejecenter Åbo og Engly", "enhed", "45"),
        "BYG-PLAN": ("BYG-PLAN", "TEKADM", "Planlægning", "enhed", "12"),  # moved
    }
    new_unit = ("SYD-NY", "AELDRE-SYD", "Plejecenter Nyhøj", "enhed", "20")
    data = _csv(_demo_rows(changes, drop={"NORD-NAT", "ADM-OKO"}, add=[new_unit]), ";", "cp1252")
    preview = preview_import(db, data)
    assert preview.new == ("SYD-NY",)
    assert set(preview.changed) == {"SYD-AABO", "BYG-PLAN"}
    assert preview.closing == ("ADM-OKO", "NORD-NAT")
    assert preview.counts["unchanged"] == len(UNITS) - 4
    assert set(org_queries.units(db)["id"]) == {u[0] for u in UNITS}  # preview changed nothing
    apply_import(db, data, scope=Scope.admin("admin@fjordby.dk"))
    units = org_queries.units(db).set_index("id")
    assert units.loc["SYD-AABO", "name"] == "Plejecenter Åbo og Engly"
    assert int(units.loc["SYD-AABO", "headcount"]) == 45
    assert units.loc["BYG-PLAN", "parent_id"] == "TEKADM"
    assert bool(units.loc["NORD-NAT", "closed"]) and bool(units.loc["ADM-OKO", "closed"])
    assert not bool(units.loc["SYD-NY", "closed"])
    # Closed, not deleted: every answer is still stored and still counts for Ældreområde Nord.
    assert table_counts(db) == before_counts
    nord_after = score_histograms(
        db, "medicin", Scope(role="leder", unit_roots=frozenset({"AELDRE-NORD"}))
    )
    assert nord_after["n"].sum() == nord_before["n"].sum()
    assert "NORD-NAT" in set(nord_after["unit_id"])
    # Importing the full file again reopens the closed units and closes the new one.
    again = preview_import(db, _csv(_demo_rows()))
    assert again.reopened == ("NORD-NAT", "ADM-OKO") or set(again.reopened) == {
        "NORD-NAT",
        "ADM-OKO",
    }
    assert again.closing == ("SYD-NY",)
    apply_import(db, _csv(_demo_rows()), scope=Scope.admin("admin@fjordby.dk"))
    units = org_queries.units(db).set_index("id")
    assert not bool(units.loc["NORD-NAT", "closed"]) and bool(units.loc["SYD-NY", "closed"])
    assert list(entries(db)["action"][:2]) == ["units.import", "units.import"]
    db.close()


def test_an_import_that_fails_while_writing_changes_nothing(demo_copy: Path, monkeypatch) -> None:
    db = open_database(demo_copy)
    before = org_queries.units(db)
    data = _csv(_demo_rows(drop={"NORD-NAT"}, add=[("NY", "K", "Ny", "enhed", "3")]))

    def broken_log(*args, **kwargs) -> None:
        raise RuntimeError("disk full")  # fault injected after the unit rows were written

    monkeypatch.setattr("data.admin.audit.record", broken_log)
    with pytest.raises(RuntimeError):
        apply_import(db, data, scope=Scope.admin("admin"))
    assert org_queries.units(db).equals(before)
    db.close()


# Issue 12, items 2, 6 and 9: what Excel writes is accepted; text is cleaned; limits are checked.
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_excel_unicode_text_utf16_tab_separated_is_read(db, encoding: str) -> None:
    data = _csv(SMALL, "\t", "utf-16" if encoding == "utf-16" else encoding)
    if encoding != "utf-16":  # Excel writes a BOM; a file without one is still recognised
        data = ("\ufeff".encode(encoding)) + data
    rows, found_encoding, found_delimiter = read_unit_file(data)
    assert found_delimiter == "\t" and found_encoding == "UTF-16"
    assert [r.name for r in rows][2:] == ["Plejecenter Åløkke", "Hjemmeplejen Øst"]


def test_a_tab_separated_utf8_file_is_read(db) -> None:
    rows, _, delimiter = read_unit_file(_csv(SMALL, "\t"))
    assert delimiter == "\t" and rows[3].headcount == 37


def test_names_are_cleaned_of_control_characters_and_normalised(db) -> None:
    rows = [*SMALL[:3], ("PLJ", "AEL", "Pleje\x0bcenter A\u030al\x1bøkke\u200b", "enhed", "4")]
    (*_, plj), _, _ = read_unit_file(_csv(rows))
    assert plj.name == "Plejecenter Åløkke"


def test_a_headcount_beyond_a_database_integer_is_refused_at_preview(db) -> None:
    rows = [*SMALL[:3], ("PLJ", "AEL", "Plejecenter", "enhed", str(2**31))]
    reason = _reason(_csv(rows), db)
    assert "linje 4" in reason.lower() and str(2**31) in reason
    rows[-1] = ("PLJ", "AEL", "Plejecenter", "enhed", str(2**31 - 1))
    assert read_unit_file(_csv(rows))[0][-1].headcount == 2**31 - 1


def test_a_field_over_the_csv_limit_is_a_plain_message(db) -> None:
    rows = [*SMALL[:3], ("PLJ", "AEL", "x" * 200_000, "enhed", "4")]
    reason = _reason(_csv(rows), db)
    assert "linje" in reason.lower()
    assert org_queries.units(db).empty


def test_the_template_has_danish_columns_and_imports_as_it_is() -> None:
    data = unit_file_template()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel shows æøå from a UTF-8 file with a BOM
    header = data.decode("utf-8-sig").splitlines()[0]
    assert header == "enhedsnummer;overordnet;navn;type;antal_medarbejdere"
    rows, encoding, delimiter = read_unit_file(data)
    assert delimiter == ";"
    assert [r.as_tuple() for r in rows] == [
        ("KOMMUNE", None, "Eksempel Kommune", "kommune", 0),
        ("PLEJE-AAEN", "KOMMUNE", "Plejecenter Åen", "enhed", 32),
    ]


def test_danish_column_names_are_accepted_as_aliases() -> None:
    header = "navn,enhedsnummer,antal_medarbejdere,overordnet,type"
    text = f"{header}\nRoden,R,0,,kommune\nTeam,T,7,R,team\n"
    rows, _, _ = read_unit_file(text.encode("utf-8"))
    assert [r.as_tuple() for r in rows] == [
        ("R", None, "Roden", "kommune", 0),
        ("T", "R", "Team", "team", 7),
    ]
