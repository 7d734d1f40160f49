"""Running ``medspil``: in this process (``main(argv)`` with captured output, fast) or as a real
process (for what only a process shows: the exit code of the installed entry point, a lock held
by another program)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from surveys.cli.main import main

ROOT = Path(__file__).resolve().parents[3]


def medspil(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``medspil ARGS`` in this process: exit code, standard output and error as a process's."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in (env or {}).items():
            patch.setenv(name, value)
        patch.chdir(ROOT)
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as e:  # argparse: --help, or a usage error
                code = e.code if isinstance(e.code, int) else int(e.code is not None)
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


def medspil_process(
    *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``medspil ARGS`` as a real process (``python -m surveys.cli``)."""
    return subprocess.run(
        [sys.executable, "-m", "surveys.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=120,
    )
