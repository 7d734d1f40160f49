"""``medspil import-units`` and ``medspil check-access`` (run in this process)."""

from __future__ import annotations

from pathlib import Path

from tests.surveys.cli.cli_support import medspil

UNIT_FILE = (
    "id;parent_id;name;type;headcount\nSOBY;;Søby Kommune;kommune;0\nPLEJE;SOBY;Plejen;enhed;40\n"
)


def test_a_fresh_installation_imports_its_organisation_instead_of_the_demo(tmp_path: Path) -> None:
    db = tmp_path / "soeby.duckdb"
    units = tmp_path / "enheder.csv"
    units.write_bytes(UNIT_FILE.encode("cp1252"))
    assert medspil("init", "--db", str(db)).returncode == 0
    checked = medspil("import-units", str(units), "--dry-run", "--db", str(db))
    assert checked.returncode == 0, checked.stderr
    assert "2 enheder, 2 nye" in checked.stderr and "Intet er ændret" in checked.stderr
    assert medspil("list", "--db", str(db)).stdout == ""
    applied = medspil("import-units", str(units), "--db", str(db))
    assert applied.returncode == 0, applied.stderr
    assert "Importen er gennemført: 2 nye" in applied.stderr
    assert medspil("prepare", "--db", str(db)).returncode == 0  # what make run does first
    listing = medspil("list", "--db", str(db)).stdout.splitlines()
    assert listing == ["unit\tPLEJE\tPlejen\tSOBY", "unit\tSOBY\tSøby Kommune\t-"]


def test_a_bad_unit_file_is_refused_with_line_numbers(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    bad = tmp_path / "bad.csv"
    bad.write_text("id,parent_id,name,type,headcount\nA,,A,kommune,0\nB,Z,B,enhed,3\n")
    result = medspil("import-units", str(bad), "--db", str(db))
    assert result.returncode == 2
    assert "Linje 3: den overordnede enhed »Z« findes ikke i filen." in result.stderr
    assert "Line 3: the parent unit 'Z' is not in the file." in result.stderr
    missing = medspil("import-units", str(tmp_path / "nope.csv"), "--db", str(db))
    assert missing.returncode == 2 and "kan ikke læses" in missing.stderr
    assert "Traceback" not in result.stderr + missing.stderr


def test_check_access_lists_each_entry_with_its_scope(demo_copy: Path, tmp_path: Path) -> None:
    roles = tmp_path / "medspil.toml"
    roles.write_text(
        '[[access]]\nemail = "lea@fjordby.dk"\nrole = "leder"\nunits = ["BYGPLAN"]\n'
        '[[access]]\ngroup = "med-syd"\nrole = "med"\ncommittees = ["LMED-SYD"]\n'
        '[[access]]\ngroup = "it"\nrole = "admin"\n'
    )
    result = medspil("check-access", "--config", str(roles), "--db", str(demo_copy))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "1\temail:lea@fjordby.dk\tleder\tBYGPLAN",
        "2\tgroup:med-syd\tmed\tAELDRE-SYD",
        "3\tgroup:it\tadmin\t*",
    ]
    assert "3 adgange" in result.stderr
    roles.write_text('[[access]]\nemail = "lea@fjordby.dk"\nrole = "leder"\nunits = ["NOPE"]\n')
    broken = medspil("check-access", "--db", str(demo_copy), env={"MEDSPIL_CONFIG": str(roles)})
    assert broken.returncode == 2
    assert "[[access]] nr. 1: enheden »NOPE« findes ikke" in broken.stderr


def test_check_access_and_prepare_refuse_invalid_settings(demo_copy: Path, tmp_path: Path) -> None:
    """Issue 12, item 4: the settings are checked too, each problem with its key and line."""
    roles = tmp_path / "medspil.toml"
    roles.write_text(
        '[medspil]\nk_min = 2\nallow_demo_mode_on_network = "false"\nk_mn = 5\n'
        '[[access]]\ngroup = "it"\nrole = "admin"\n'
    )
    result = medspil("check-access", "--config", str(roles), "--db", str(demo_copy))
    assert result.returncode == 2, result.stderr
    assert "Linje 2: k_min = 2" in result.stderr
    assert "Linje 3: allow_demo_mode_on_network skal være true/false" in result.stderr
    assert "Linje 4: ukendt nøgle [medspil] k_mn" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    env = {"MEDSPIL_CONFIG": str(roles)}
    prepared = medspil("prepare", "--db", str(tmp_path / "new.duckdb"), env=env)
    assert prepared.returncode == 2 and "Linje 2: k_min = 2" in prepared.stderr
    assert not (tmp_path / "new.duckdb").exists()
    roles.write_text("[medspil]\nk_min = 5\n")
    assert medspil("check-access", "--config", str(roles), "--db", str(demo_copy)).returncode == 0
