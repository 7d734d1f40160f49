"""``medspil snapshot``: create with PDF and spreadsheet, verify, list, export, and plain errors."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from data import open_database
from surveys.cli.main import main

ROOT = Path(__file__).resolve().parents[3]


def _run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_create_writes_pdf_and_spreadsheet_and_verify_says_intakt(
    demo_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    pdf, xlsx = tmp_path / "ud" / "lmed-nord.pdf", tmp_path / "lmed-nord.xlsx"
    code, out, _ = _run(
        capsys,
        *("snapshot", "--db", str(demo_copy), "--project", "medicin"),
        *("--committee", "LMED-NORD", "--out", str(pdf), "--xlsx", str(xlsx), "--by", "kim"),
    )
    assert code == 0
    match = re.search(r"Øjebliksbillede nr\. (\d+) er oprettet .*SHA-256 ([0-9a-f]{64})", out)
    assert match, out
    snapshot_id, sha = match.groups()
    assert f"Skrevet: {pdf}" in out and f"Skrevet: {xlsx}" in out
    reader = PdfReader(pdf)
    assert "Lokal-MED Ældreområde Nord" in reader.pages[0].extract_text()
    assert sha in reader.pages[-1].extract_text()
    assert load_workbook(xlsx)["Om"]["B2"].value == "Lokal-MED Ældreområde Nord (MED-udvalg)"
    code, out, _ = _run(capsys, "snapshot", "--db", str(demo_copy), "--verify", snapshot_id)
    assert code == 0 and out.startswith("Intakt") and sha in out
    code, out, _ = _run(capsys, "snapshot", "--db", str(demo_copy), "--list")
    lines = [line.split("\t") for line in out.splitlines()]
    assert [snapshot_id, "medicin", "committee:LMED-NORD", "-", "-", sha] == [
        lines[0][i] for i in (1, 3, 4, 5, 6, 7)
    ]
    assert ["committee", "LMED-NORD", "Lokal-MED Ældreområde Nord", "AELDRE-NORD"] in lines
    db = open_database(demo_copy)
    with db.cursor() as cur:
        created_by = cur.execute("SELECT created_by FROM snapshots").fetchone()[0]
        cur.execute("UPDATE snapshots SET content = replace(content, '\"mean\":6', '\"mean\":7')")
    db.close()
    assert created_by == "kim (kommandolinje)"
    code, out, _ = _run(capsys, "snapshot", "--db", str(demo_copy), "--verify", snapshot_id)
    assert code == 1 and out.startswith("Ændret")


def test_a_unit_snapshot_a_correction_and_an_export(
    demo_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    base = ("snapshot", "--db", str(demo_copy), "--project", "medicin", "--unit", "AELDRE-SYD")
    code, _, _ = _run(capsys, *base, "--xlsx", str(tmp_path / "a.xlsx"))
    assert code == 0
    code, out, _ = _run(capsys, *base, "--csv", str(tmp_path / "b.zip"), "--replaces", "1")
    assert code == 0 and "nr. 2" in out
    assert "niveau_pr_maaling.csv" in zipfile.ZipFile(tmp_path / "b.zip").namelist()
    code, out, _ = _run(capsys, "snapshot", "--db", str(demo_copy), "--list")
    first = next(line for line in out.splitlines() if line.startswith("snapshot\t1\t"))
    assert first.split("\t")[5:7] == ["-", "2"]
    target = tmp_path / "again.xlsx"
    code, _, _ = _run(
        capsys, "snapshot", "--db", str(demo_copy), "--export", "1", "--xlsx", str(target)
    )
    assert code == 0
    again = load_workbook(io.BytesIO(target.read_bytes()))
    assert again.sheetnames == load_workbook(tmp_path / "a.xlsx").sheetnames


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--project", "medicin", "--out", "x.pdf"], "Angiv, hvad der skal ske"),
        (["--project", "medicin", "--committee", "LMED-NORD"], "Angiv, hvad der skal ske"),
        (["--project", "medicin", "--committee", "NOPE", "--out", "x.pdf"], "»NOPE« findes ikke"),
        (["--project", "nope", "--unit", "AELDRE-NORD", "--out", "x.pdf"], "»nope« findes ikke"),
        (["--verify", "42"], "nr. 42 findes ikke"),
        (["--export", "42", "--out", "x.pdf"], "nr. 42 findes ikke"),
    ],
)
def test_mistakes_give_one_plain_message(
    demo_copy: Path, capsys: pytest.CaptureFixture, argv: list[str], message: str
) -> None:
    code, out, err = _run(capsys, "snapshot", "--db", str(demo_copy), *argv)
    assert code == 2
    assert message in err and "Traceback" not in err
    assert err.startswith("Fejl: ") and "\nError: " in err


def test_the_readme_documents_the_snapshot_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("## MED-øjebliksbilleder")
    section = readme[start : readme.index("\n## ", start + 1)]
    assert "`medspil snapshot ...`" in readme[:start]  # in the table of commands
    for flag in ("--project", "--unit", "--committee", "--out", "--xlsx", "--csv"):
        assert flag in section
    for flag in ("--comments", "--replaces", "--verify", "--list", "--export"):
        assert flag in section


def test_without_by_the_creator_is_never_the_operating_system_user_and_exit_is_clean(
    demo_copy: Path, tmp_path: Path
) -> None:
    import getpass
    import subprocess
    import sys

    pdf = tmp_path / "syd.pdf"
    argv = ["snapshot", "--db", str(demo_copy), "--project", "medicin"]
    argv += ["--committee", "LMED-SYD", "--out", str(pdf)]
    code = f"from surveys.cli.main import main; raise SystemExit(main({argv!r}))"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Error" not in done.stderr
    db = open_database(demo_copy)
    with db.cursor() as cur:
        created_by = cur.execute("SELECT created_by FROM snapshots").fetchone()[0]
    db.close()
    assert created_by == "(kommandolinje)"
    assert getpass.getuser() not in created_by
    assert PdfReader(pdf).pages[0].extract_text().count("Resumé til MED-udvalget") == 1
