"""Commands while the app serves (issue 12, docs/design.md "Commands while the app serves"):
another process holds the database file, as the running app does. A command that needs the
file says the app has it open and which page does the same (exit code 2, nothing changed);
check-access still checks the role file itself and says what it could not check."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.surveys.cli.cli_support import medspil

ROLES = """
[[access]]
email = "leder@fjordby.dk"
role = "leder"
units = ["AELDRE-SYD"]

[[access]]
group = "med-syd"
role = "med"
committees = ["LMED-SYD"]

[[access]]
email = "it@fjordby.dk"
role = "admin"
"""


@pytest.fixture
def served(demo_copy: Path) -> Iterator[Path]:
    """The demo database held open by another process, as the running app holds it."""
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import duckdb, sys
            con = duckdb.connect({str(demo_copy)!r})
            print("holding", flush=True)
            sys.stdin.read()
        """)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        yield demo_copy
    finally:
        holder.kill()
        holder.wait()


COMMANDS = {
    "list": (["list"], "siden Projekter"),
    "invite": (
        ["invite", "--project", "medicin", "--unit", "NORD-SOLHOJ", "--count", "5"],
        "siden Svarkoder",
    ),
    "close-wave": (["close-wave", "--project", "medicin", "--wave", "1"], "siden Målinger"),
    "snapshot": (["snapshot", "--list"], "siden Øjebliksbillede"),
    "import-units": (["import-units", "units.csv"], "siden Organisation"),
    "imports": (["imports"], "siden Importér data"),
    "remove-import": (["remove-import", "1"], "siden Importér data"),
    "audit-disclosure": (["audit-disclosure"], "Stop appen"),
    "med-log": (["med-log", "list"], "siden MED-log"),
    "actions": (["actions", "list", "--open"], "siden Aftalte handlinger"),
    # --force must not delete the file the app writes into (it did: every answer was lost).
    "init": (["init", "--force"], "Stop appen"),
    "demo": (["demo", "--force"], "Stop appen"),
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_command_needing_the_file_names_the_page_that_does_the_same(
    served: Path, tmp_path: Path, command: str
) -> None:
    argv, page = COMMANDS[command]
    (tmp_path / "units.csv").write_text("id,parent_id,name,type,headcount\n", encoding="utf-8")
    argv = [str(tmp_path / a) if a == "units.csv" else a for a in argv]
    before = served.read_bytes()
    result = medspil(*argv, "--db", str(served))
    assert result.returncode == 2, result.stderr
    danish, english = result.stderr.split("\nError: ")
    assert danish.startswith("Fejl: Medspil-appen kører og har databasen")
    assert page in danish and "Intet er ændret" in danish
    assert english.startswith("The Medspil app is running")
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert served.read_bytes() == before


def test_check_access_checks_the_file_and_says_what_it_could_not(
    served: Path, tmp_path: Path
) -> None:
    roles = tmp_path / "medspil.toml"
    roles.write_text(ROLES, encoding="utf-8")
    result = medspil("check-access", "--config", str(roles), "--db", str(served))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "1\temail:leder@fjordby.dk\tleder\tAELDRE-SYD",
        "2\tgroup:med-syd\tmed\tudvalg:LMED-SYD",
        "3\temail:it@fjordby.dk\tadmin\t*",
    ]
    assert "er i orden: 3 adgange" in result.stderr
    assert "ikke tjekket, om de nævnte enheder og udvalg findes" in result.stderr


def test_check_access_still_refuses_a_broken_role_file_while_serving(
    served: Path, tmp_path: Path
) -> None:
    roles = tmp_path / "medspil.toml"
    roles.write_text(ROLES.replace('role = "leder"', 'role = "chef"'), encoding="utf-8")
    result = medspil("check-access", "--config", str(roles), "--db", str(served))
    assert result.returncode == 2
    assert "rollen »chef« findes ikke" in result.stderr
