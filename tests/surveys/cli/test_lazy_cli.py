"""``medspil --help`` and the light commands import neither WeasyPrint, scipy nor plotly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("weasyprint", "scipy", "plotly")
PROBE = """
import sys
from surveys.cli.main import main
try:
    main({argv!r})
except SystemExit:
    pass
print(sorted({{name.split(".")[0] for name in sys.modules}} & {heavy!r}))
"""


def heavy_modules_loaded(argv: list[str]) -> list[str]:
    """The heavy packages in ``sys.modules`` after ``main(argv)`` in a fresh interpreter."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(argv=argv, heavy=set(HEAVY))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return eval(result.stdout.strip().splitlines()[-1])  # a printed list of names


@pytest.mark.parametrize("argv", [["--help"], ["init", "--help"], ["list", "--help"]])
def test_help_loads_no_heavy_library(argv: list[str]) -> None:
    assert heavy_modules_loaded(argv) == []


def test_the_probe_sees_a_heavy_command() -> None:
    assert {"plotly", "scipy"} <= set(heavy_modules_loaded(["snapshot", "--help"]))


def test_every_command_is_listed_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    from surveys.cli.main import COMMANDS, main

    with pytest.raises(SystemExit):
        main(["--help"])
    shown = capsys.readouterr().out
    assert all(name in shown for name in COMMANDS)
