"""Invitation codes: randomness and alphabet, normalisation, keyed hashes, the installation
secret, issuing (with its refusals and audit row), the slips and the ``medspil invite`` command."""

from __future__ import annotations

import datetime as dt
import math
import re
import stat
import subprocess
import threading
from pathlib import Path

import pypdf
import pytest
import segno

from data import open_database
from data.answers import table_counts
from data.db import Database
from medspil.errors import (
    InvalidCode,
    InvalidCodeCount,
    NoOpenWave,
    SecretInvalid,
    UnknownProject,
    UnknownUnit,
    UnknownWave,
    WaveClosed,
)
from medspil.scope import Scope
from surveys.answering import codes as invitations
from surveys.answering.codes import (
    ALPHABET,
    code_hash,
    format_code,
    installation_secret,
    issue_codes,
    new_code,
    normalise_code,
)
from surveys.answering.slips import SLIPS_PER_PAGE, slips_html, slips_pdf
from tests.surveys.answering.answer_support import SECRET, TODAY, code_for_wave, wave_where
from tests.surveys.cli.cli_support import medspil as run_medspil
from tests.surveys.cli.cli_support import medspil_process

CODE_LINE = re.compile(r"^[A-HJKMNP-Z2-9]{5}-[A-HJKMNP-Z2-9]{5}$")


def _audit_rows(db: Database) -> list[tuple[str, str, str]]:
    with db.cursor() as cur:
        return cur.execute("SELECT actor, action, detail FROM audit_log ORDER BY id").fetchall()


def _stored_hashes(db: Database) -> set[str]:
    with db.cursor() as cur:
        return {row[0] for row in cur.execute("SELECT code_hash FROM invitations").fetchall()}


# --- codes ------------------------------------------------------------------------------------


def test_codes_use_an_alphabet_without_look_alikes_and_carry_over_40_bits() -> None:
    assert not set("0O1IL") & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET) == 31
    codes = [new_code() for _ in range(2000)]
    assert all(len(code) == 10 and set(code) <= set(ALPHABET) for code in codes)
    assert len(set(codes)) == len(codes)
    assert 10 * math.log2(len(ALPHABET)) >= 40
    # Every symbol turns up: 20,000 draws from 31 symbols miss one with probability ~1e-280.
    assert set("".join(codes)) == set(ALPHABET)


def test_codes_are_grouped_for_reading_and_accepted_in_any_case_and_spacing() -> None:
    assert format_code("ABCDEFGHJK") == "ABCDE-FGHJK"
    for typed in ("ABCDE-FGHJK", "abcde-fghjk", " abcde fghjk ", "AbCdEfGhJk", "ab-cd-ef-gh-jk"):
        assert normalise_code(typed) == "ABCDEFGHJK"


@pytest.mark.parametrize(
    "typed", ["", "ABCDE", "ABCDE-FGHJKM", "ABCDE-FGHJ0", "ABCDE-FGHJI", "Æ" * 10]
)
def test_text_that_cannot_be_a_code_is_an_invalid_code(typed: str) -> None:
    with pytest.raises(InvalidCode):
        normalise_code(typed)


def test_the_hash_is_hmac_sha256_under_the_secret() -> None:
    # RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
    reference = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    assert code_hash("what do ya want for nothing?", b"Jefe") == reference
    assert code_hash("ABCDEFGHJK", b"a" * 32) != code_hash("ABCDEFGHJK", b"b" * 32)


def test_the_secret_is_created_once_beside_the_database_private_and_stable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MEDSPIL_SECRET_FILE", raising=False)
    database = tmp_path / "kommune.duckdb"
    secret = installation_secret(database)
    path = tmp_path / "kommune.duckdb.secret"
    assert path.read_bytes() == secret and len(secret) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert installation_secret(database) == secret
    monkeypatch.setenv("MEDSPIL_SECRET_FILE", str(tmp_path / "elsewhere" / "key"))
    other = installation_secret(database)
    assert other != secret and (tmp_path / "elsewhere" / "key").read_bytes() == other


def test_concurrent_first_runs_agree_on_one_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "race.duckdb"
    monkeypatch.delenv("MEDSPIL_SECRET_FILE", raising=False)
    results: list[bytes] = []
    barrier = threading.Barrier(12)

    def first_run() -> None:
        barrier.wait()
        results.append(installation_secret(target))

    threads = [threading.Thread(target=first_run) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 12 and len(set(results)) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["race.duckdb.secret"]


def test_a_short_secret_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "short.secret"
    broken.write_bytes(b"too short")
    monkeypatch.setenv("MEDSPIL_SECRET_FILE", str(broken))
    with pytest.raises(SecretInvalid):
        installation_secret(tmp_path / "x.duckdb")


# --- issuing ----------------------------------------------------------------------------------


@pytest.fixture
def demo(demo_copy: Path) -> Database:
    database = open_database(demo_copy)
    yield database
    database.close()


def test_issuing_stores_only_keyed_hashes_for_the_open_wave_and_an_audit_row(
    demo: Database,
) -> None:
    before = _stored_hashes(demo)
    issued = issue_codes(
        demo,
        project_id="medicin",
        unit_id="NORD-SOLHOJ",
        count=25,
        scope=Scope.admin("demo"),
        today=TODAY,
        secret=SECRET,
    )
    assert len(issued.codes) == len(set(issued.codes)) == 25
    assert all(CODE_LINE.match(code) for code in issued.codes)
    new = _stored_hashes(demo) - before
    assert new == {code_hash(normalise_code(code), SECRET) for code in issued.codes}
    assert issued.project_name == "Digital medicinhåndtering på plejecentre"
    assert issued.unit_name == "Plejecenter Solhøj"
    with demo.cursor() as cur:
        rows = cur.execute(
            "SELECT wave_id, unit_id, used FROM invitations WHERE code_hash IN "
            "(SELECT unnest(?::VARCHAR[]))",
            [sorted(new)],
        ).fetchall()
        wave = cur.execute(
            "SELECT id, opens, closes FROM waves WHERE id = ?", [issued.wave_id]
        ).fetchone()
    assert {row[1:] for row in rows} == {("NORD-SOLHOJ", False)}
    assert {row[0] for row in rows} == {issued.wave_id}
    assert wave[1] <= TODAY <= wave[2] and issued.closes == wave[2]
    actor, action, detail = _audit_rows(demo)[-1]
    assert (actor, action) == ("demo", "issue_codes")
    assert detail == f"issued 25 codes for wave {issued.wave_id} unit NORD-SOLHOJ"
    # No plain code anywhere in the database, with or without its dash.
    with demo.cursor() as cur:
        dump = " ".join(
            str(value)
            for table in ("invitations", "audit_log", "installation")
            for row in cur.execute(f"SELECT * FROM {table}").fetchall()
            for value in row
        )
    for code in issued.codes:
        assert code not in dump and normalise_code(code) not in dump


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"unit_id": "BYG-SAG"}, UnknownUnit),  # a real unit, outside the project
        ({"unit_id": "NO-SUCH"}, UnknownUnit),
        ({"project_id": "nope"}, UnknownProject),
        ({"count": 0}, InvalidCodeCount),
        ({"count": 2001}, InvalidCodeCount),
        ({"today": TODAY + dt.timedelta(days=400)}, NoOpenWave),
        ({"wave": 999_999}, UnknownWave),
    ],
)
def test_refusals_store_nothing(demo: Database, arguments: dict, error: type) -> None:
    counts, audit = table_counts(demo), _audit_rows(demo)
    call = {"project_id": "medicin", "unit_id": "NORD-SOLHOJ", "count": 3, "today": TODAY}
    with pytest.raises(error):
        issue_codes(demo, scope=Scope.admin("demo"), secret=SECRET, **{**call, **arguments})
    assert table_counts(demo) == counts
    assert _audit_rows(demo) == audit


def test_a_named_wave_may_open_later_but_not_have_closed(demo: Database) -> None:
    future = wave_where(demo, "sensorer", "future")
    issued = issue_codes(
        demo,
        project_id="sensorer",
        unit_id="SUND-SYGE",
        count=2,
        wave=int(future["id"]),
        scope=Scope.admin("demo"),
        today=TODAY,
        secret=SECRET,
    )
    assert issued.wave_id == int(future["id"])
    closed = wave_where(demo, "medicin", "closed")
    with pytest.raises(WaveClosed) as refused:
        issue_codes(
            demo,
            project_id="medicin",
            unit_id="NORD-SOLHOJ",
            count=2,
            wave=int(closed["id"]),
            scope=Scope.admin("demo"),
            today=TODAY,
            secret=SECRET,
        )
    assert closed["closes"].strftime("%d.%m.%Y") in refused.value.message("da")
    other_project = wave_where(demo, "byggesag", "future")
    with pytest.raises(UnknownWave):
        issue_codes(
            demo,
            project_id="sensorer",
            unit_id="SUND-SYGE",
            count=2,
            wave=int(other_project["id"]),
            scope=Scope.admin("demo"),
            today=TODAY,
            secret=SECRET,
        )


def test_a_drawn_code_that_exists_already_is_replaced(
    demo: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = normalise_code(code_for_wave(demo, wave_where(demo, "medicin", "closed"), "NORD-HJEM"))
    draws = iter([taken, taken, "ABCDEFGHJK", taken, "BCDEFGHJKM", "CDEFGHJKMN"])
    monkeypatch.setattr(invitations, "new_code", lambda: next(draws))
    issued = issue_codes(
        demo,
        project_id="medicin",
        unit_id="NORD-SOLHOJ",
        count=2,
        scope=Scope.admin("demo"),
        today=TODAY,
        secret=SECRET,
    )
    assert sorted(issued.codes) == ["ABCDE-FGHJK", "BCDEF-GHJKM"]
    with demo.cursor() as cur:
        owner = cur.execute(
            "SELECT unit_id FROM invitations WHERE code_hash = ?", [code_hash(taken, SECRET)]
        ).fetchone()
    assert owner == ("NORD-HJEM",)


# --- slips ------------------------------------------------------------------------------------


def test_each_slip_carries_the_code_the_short_url_and_the_qr_of_the_full_url() -> None:
    codes = ["ABCDE-FGHJK", "BCDEF-GHJKM"]
    page = slips_html(
        codes,
        project_name="Digital <medicin>",
        closes=dt.date(2026, 3, 9),
        base_url="https://medspil.fjordby.dk/",
    )
    for code in codes:
        assert code in page
        url = f"https://medspil.fjordby.dk/besvar?kode={normalise_code(code)}"
        expected = segno.make(url, error="m").svg_inline(scale=1, border=2, omitsize=True)
        assert expected in page
    assert "https://medspil.fjordby.dk<wbr>/besvar" in page
    assert "Digital &lt;medicin&gt;" in page
    assert "09.03.2026" in page
    assert 'lang="da"' in page


def test_the_slips_pdf_has_eight_slips_a_page_with_readable_text(tmp_path: Path) -> None:
    codes = [format_code(new_code()) for _ in range(17)]
    pdf = slips_pdf(
        codes,
        project_name="Digital medicinhåndtering på plejecentre",
        closes=dt.date(2026, 3, 9),
        base_url="http://localhost:8501",
    )
    target = tmp_path / "slips.pdf"
    target.write_bytes(pdf)
    reader = pypdf.PdfReader(target)
    assert len(reader.pages) == math.ceil(17 / SLIPS_PER_PAGE) == 3
    texts = [page.extract_text() for page in reader.pages]
    assert [text.count("Din kode") for text in texts] == [8, 8, 1]
    everything = "\n".join(texts)
    for code in codes:
        assert code in everything
    assert "medicinhåndtering" in everything  # the bundled font carries æøå
    assert "09.03.2026" in everything
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)  # A4


# --- medspil invite ---------------------------------------------------------------------------


def medspil(*args: str, secret: Path) -> subprocess.CompletedProcess[str]:
    return run_medspil(*args, env={"MEDSPIL_SECRET_FILE": str(secret)})


def test_invite_prints_the_codes_alone_and_writes_slips(
    demo_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret, slips = tmp_path / "key.secret", tmp_path / "slips.pdf"
    config = tmp_path / "medspil.toml"
    config.write_text('[medspil]\nbase_url = "https://medspil.fjordby.dk"\n', encoding="utf-8")
    monkeypatch.setenv("MEDSPIL_CONFIG", str(config))
    result = medspil_process(  # a real process: the codes alone on its standard output
        "invite", "--project", "medicin", "--unit", "SYD-AABO", "--count", "9",
        "--pdf", str(slips), "--db", str(demo_copy), env={"MEDSPIL_SECRET_FILE": str(secret)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    codes = result.stdout.splitlines()
    assert len(codes) == 9 and all(CODE_LINE.match(code) for code in codes)
    assert "9 koder udstedt til Plejecenter Åbo" in result.stderr
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(slips).pages)
    assert all(code in text for code in codes)
    assert "https://medspil.fjordby.dk" in text and "besvar" in text
    db = open_database(demo_copy)
    try:
        stored = _stored_hashes(db)
        key = secret.read_bytes()
        assert {code_hash(normalise_code(code), key) for code in codes} <= stored
        assert _audit_rows(db)[-1][0].startswith("cli")
    finally:
        db.close()


def test_invite_refuses_slips_that_point_at_localhost_and_issues_nothing(
    demo_copy: Path, tmp_path: Path
) -> None:
    secret, slips = tmp_path / "key.secret", tmp_path / "slips.pdf"
    db = open_database(demo_copy)
    with db.cursor() as cur:
        before = cur.execute("SELECT count(*) FROM invitations").fetchone()[0]
    db.close()
    result = medspil(
        "invite", "--project", "medicin", "--unit", "SYD-AABO", "--count", "9",
        "--pdf", str(slips), "--db", str(demo_copy), secret=secret,
    )  # fmt: skip
    assert result.returncode == 2 and result.stdout == ""
    assert "http://localhost:8501/besvar" in result.stderr and "base_url" in result.stderr
    assert not slips.exists()
    db = open_database(demo_copy)
    with db.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM invitations").fetchone()[0] == before
    db.close()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--project", "medicin", "--unit", "BYG-SAG"], "hører ikke til projektet"),
        (["--project", "medicin", "--unit", "NORD-SOLHOJ", "--wave", "1"], "lukkede"),
        (["--project", "medicin", "--unit", "NORD-SOLHOJ", "--pdf", "/no/such/dir/x.pdf"], "--pdf"),
    ],
)
def test_invite_refusals_exit_2_with_a_message_and_store_nothing(
    demo_copy: Path, tmp_path: Path, arguments: list[str], message: str
) -> None:
    db = open_database(demo_copy)
    counts = table_counts(db)
    db.close()
    result = medspil(
        "invite", *arguments, "--count", "3", "--db", str(demo_copy), secret=tmp_path / "k"
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert message in result.stderr and "Traceback" not in result.stderr
    db = open_database(demo_copy)
    try:
        assert table_counts(db) == counts
    finally:
        db.close()


def test_invite_without_an_open_wave_is_a_clear_error(demo_copy: Path, tmp_path: Path) -> None:
    db = open_database(demo_copy)
    with db.transaction() as cur:  # every wave of the demo moved more than a year back
        cur.execute("UPDATE waves SET opens = opens - 400, closes = closes - 400")
    db.close()
    result = medspil(
        "invite", "--project", "byggesag", "--unit", "BYG-SAG", "--count", "2",
        "--db", str(demo_copy), secret=tmp_path / "k",
    )  # fmt: skip
    assert result.returncode == 2 and result.stdout == ""
    assert "ingen måling, der er åben i dag" in result.stderr


@pytest.mark.parametrize(
    "typed",
    [
        "ABCDE\u00a0FGHJK",  # non-breaking space (phones, copied from a mail)
        "ABCDE\u2013FGHJK",  # en dash (word processors turn "-" into one)
        "ABCDE\u2014FGHJK",  # em dash
        "ABC\u200bDE-FGHJK",  # zero-width space
        "\ufeffABCDE-FGHJK\u2060",  # BOM and word joiner
        "ＡＢＣＤＥ－ＦＧＨＪＫ",  # full-width letters from an East Asian keyboard
    ],
)
def test_a_code_typed_with_invisible_or_typographic_characters_is_accepted(typed: str) -> None:
    """Issue 12, item 9."""
    assert normalise_code(typed) == "ABCDEFGHJK"
