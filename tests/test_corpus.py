"""The bad-input corpus (``tests/corpus/``) against the real entry points (issue 12).

Every file goes through the core function a page calls and, where there is one, the ``medspil``
command (in this process). Each must give the plain message its case expects (a catalogue text
in Danish and English; no traceback, no raw exception text) and change nothing in the
database: every table's row count and content checksum are the same before and after.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from data import open_database
from data.db import Database
from medspil.config import load_settings
from medspil.errors import MedspilError
from medspil.scope import Scope
from surveys.administration import organisation
from surveys.administration.access import load_access_rules
from surveys.answering.form import open_form
from surveys.importing.importer import apply_import, preview_import
from surveys.importing.mapping import mapping_text, parse_mapping
from surveys.importing.sources import read_path
from tests.surveys.cli.cli_support import medspil

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))["case"]
ANSWERS = CORPUS / "partners" / "answers-long.csv"
MAPPING = CORPUS / "partners" / "mapping-long.toml"
ADMIN = Scope.admin("korpus@fjordby.dk")
TODAY = dt.date.today()
SECRET = b"k" * 32
# What only a program says: a Python exception's name, a codec's or a parser's own words.
RAW = re.compile(r"Traceback|\b\w+(Error|Exception)\b|codec|0x[0-9a-f]{2}|\(at line \d+")


def _state(path: Path) -> dict[str, tuple[int, int]]:
    """Per table: row count and an order-independent checksum of every row's content."""
    db = open_database(path)
    try:
        with db.cursor() as cur:
            tables = [
                str(name)
                for (name,) in cur.execute(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = 'main' AND table_type = 'BASE TABLE'"
                ).fetchall()
            ]
            return {
                name: tuple(
                    cur.execute(f'SELECT count(*), sum(hash(t)) FROM "{name}" t').fetchone()
                )
                for name in tables
            }
    finally:
        db.close()


def _history(db: Database, file: Path) -> None:
    mapping = parse_mapping(MAPPING.read_text(encoding="utf-8"))
    source = read_path(file)
    preview_import(db, source, mapping, today=TODAY)
    apply_import(db, source, mapping, scope=ADMIN, today=TODAY)


def _mapping(db: Database, file: Path) -> None:
    mapping = parse_mapping(mapping_text(file.read_bytes(), file.name))
    source = read_path(ANSWERS)
    preview_import(db, source, mapping, today=TODAY)
    apply_import(db, source, mapping, scope=ADMIN, today=TODAY)


def _units(db: Database, file: Path) -> None:
    organisation.preview_import(db, file.read_bytes())
    organisation.apply_import(db, file.read_bytes(), scope=ADMIN)


def _code(db: Database, file: Path) -> None:
    # What a phone sends, byte for byte: invalid UTF-8 stays as lone surrogates.
    typed = file.read_bytes().decode("utf-8", "surrogateescape")
    open_form(db, typed, lang="da", today=TODAY, secret=SECRET)


# corpus folder -> (the core call a page makes, the command line for a file and database)
ENTRY_POINTS: dict[
    str, tuple[Callable[[Database, Path], None], Callable[..., list[str]] | None]
] = {
    "units": (_units, lambda file, db: ["import-units", str(file), "--db", str(db)]),
    "history": (
        _history,
        lambda file, db: [
            "import-responses",
            str(file),
            "--mapping",
            str(MAPPING),
            "--db",
            str(db),
        ],
    ),
    "mappings": (
        _mapping,
        lambda file, db: [
            "import-responses",
            str(ANSWERS),
            "--mapping",
            str(file),
            "--db",
            str(db),
        ],
    ),
    "settings": (
        lambda db, file: load_settings(file),
        lambda file, db: ["check-access", "--config", str(file), "--db", str(db)],
    ),
    "roles": (
        lambda db, file: load_access_rules(file),
        lambda file, db: ["check-access", "--config", str(file), "--db", str(db)],
    ),
    "codes": (_code, None),
}


def _causes(error: BaseException) -> list[BaseException]:
    found = []
    cause = error.__cause__ or error.__context__
    while cause is not None and cause not in found:
        found.append(cause)
        cause = cause.__cause__ or cause.__context__
    return found


def _assert_plain(text: str, error: BaseException | None = None) -> None:
    """A message for a person: no traceback, no exception name, no parser's or codec's words."""
    assert text.strip(), "empty message"
    assert not RAW.search(text), text
    for cause in _causes(error) if error is not None else []:
        raw = str(cause).strip()
        assert len(raw) < 8 or raw not in text, f"raw exception text in: {text}"


@pytest.fixture(scope="module")
def corpus_db(demo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One private copy of the demo kommune for the whole corpus (each case checks it is
    unchanged, so a case that changed it would fail there and then)."""
    target = tmp_path_factory.mktemp("corpus") / "demo.duckdb"
    shutil.copy(demo_file, target)
    return target


def test_every_case_is_a_file_of_the_corpus() -> None:
    """The manifest and the folders agree: every file or folder (a SurveyXact export of three
    files) of an entry point's folder is a case, and every case is there."""
    on_disk = {child for folder in ENTRY_POINTS for child in (CORPUS / folder).iterdir()}
    assert on_disk == {CORPUS / case["file"] for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=[case["file"] for case in CASES])
def test_a_bad_input_gives_a_plain_message_and_changes_nothing(
    case: dict[str, str], corpus_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEDSPIL_SECRET_FILE", str(corpus_db.with_suffix(".secret")))
    file = CORPUS / case["file"]
    core, command = ENTRY_POINTS[case["file"].split("/")[0]]
    before = _state(corpus_db)

    db = open_database(corpus_db)
    try:
        with pytest.raises(MedspilError) as caught:
            core(db, file)
    finally:
        db.close()
    error = caught.value
    keys = {error.key, *(key for key, _ in getattr(error, "problems", []))}
    assert case["expect"] in keys, f"{case['why']}: got {sorted(keys)}"
    danish, english = error.message("da"), error.message("en")
    assert danish != english  # a catalogue text in both languages, not an echo
    _assert_plain(danish, error)
    _assert_plain(english, error)

    if command is not None:
        result = medspil(*command(file, corpus_db))
        assert result.returncode == 2, result.stderr
        assert result.stdout == ""
        assert result.stderr.startswith("Fejl: ") and "\nError: " in result.stderr
        _assert_plain(result.stderr.split("\nError: ")[0])

    assert _state(corpus_db) == before
