"""A generated large kommune for the page benchmarks: 40,000 employees in 500 units.

One project covers the whole kommune with 52 weekly waves across five phases, 13 items (the
core's nine plus the ``information`` and ``tryghed`` modules: the bundled instrument has no
single-item module, so 12 is not possible; 13 is the nearest above) and about 60% response.
That is about 1.25 million responses and 16 million answer rows. It is written wave by wave
through ``data/``'s bulk functions, the same path an import takes.

Run ``.venv/bin/python benchmarks/large_kommune.py PATH`` (about two minutes); the page
benchmark builds it itself when the file is missing.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from data import open_database, org, projects  # noqa: E402
from data.answers import bulk_insert  # noqa: E402
from data.db import Database  # noqa: E402
from surveys.installation.setup import register_instrument  # noqa: E402
from surveys.instruments.instrument import load_instrument  # noqa: E402

PROJECT = "stor"
N_EMPLOYEES = 40_000
N_AREAS = 9
N_DEPARTMENTS = 50
N_UNITS = 500
N_WAVES = 52
RESPONSE_RATE = 0.6
MODULES = ["information", "tryghed"]
PHASES = [
    ("ide", 8, "information"),
    ("konsekvensvurdering", 10, "medindflydelse"),
    ("udvikling", 14, "medindflydelse"),
    ("implementering", 12, "medindflydelse"),
    ("drift", 8, "medbestemmelse"),
]


def units() -> list[tuple[str, str | None, str, str, int]]:
    """1 kommune, 9 areas, 50 departments, 440 teams that carry the 40,000 employees."""
    rows: list[tuple[str, str | None, str, str, int]] = [
        ("L", None, "Storby Kommune", "kommune", 0)
    ]
    rows += [(f"A{i}", "L", f"Område {i}", "område", 0) for i in range(N_AREAS)]
    rows += [
        (f"D{i}", f"A{i % N_AREAS}", f"Afdeling {i}", "afdeling", 0) for i in range(N_DEPARTMENTS)
    ]
    n_teams = N_UNITS - len(rows)
    rng = np.random.default_rng(7)
    sizes = rng.integers(40, 140, n_teams).astype(float)
    sizes = np.maximum(np.rint(sizes / sizes.sum() * N_EMPLOYEES), 3).astype(int)
    sizes[0] += N_EMPLOYEES - sizes.sum()
    rows += [
        (f"T{i}", f"D{i % N_DEPARTMENTS}", f"Team {i}", "team", int(size))
        for i, size in enumerate(sizes)
    ]
    return rows


def build(path: Path, *, seed: int = 1, today: dt.date | None = None) -> None:
    """Write the large kommune into a new database file at ``path``."""
    today = today or dt.date.today()
    rng = np.random.default_rng(seed)
    db = open_database(path)
    instrument = load_instrument()
    register_instrument(db, instrument)
    unit_rows = units()
    org.insert_units(db, unit_rows)
    org.insert_committee(db, "HMED", "Hoved-MED", "hoved", ["L"])
    org.insert_committee(db, "MED-A0", "Område-MED 0", "omraade", ["A0"])
    projects.insert_project(
        db,
        project_id=PROJECT,
        name="Fælles digital arbejdsplads",
        description="Generated benchmark project for the whole kommune.",
        instrument_id=instrument.id,
        involvement="medindflydelse",
        unit_ids=["L"],
        modules=MODULES,
    )
    teams = [(uid, size) for uid, _, _, kind, size in unit_rows if kind == "team"]
    items = instrument.items_for(MODULES)
    first_opens = today - dt.timedelta(weeks=N_WAVES - 1)
    wave_no = 0
    for kind, count, level in PHASES:
        starts = first_opens + dt.timedelta(weeks=wave_no)
        ends = starts + dt.timedelta(weeks=count, days=-1)
        phase_id = projects.insert_phase(
            db, project_id=PROJECT, kind=kind, starts=starts, ends=ends, involvement=level
        )
        for _ in range(count):
            opens = first_opens + dt.timedelta(weeks=wave_no)
            wave_id = projects.insert_wave(
                db,
                project_id=PROJECT,
                number=wave_no + 1,
                opens=opens,
                closes=opens + dt.timedelta(days=5),
                instrument_id=instrument.id,
                phase_id=phase_id,
            )
            _answer_wave(db, rng, wave_id, wave_no, kind, teams, items)
            wave_no += 1
    projects.set_installation_flag(db, "generated", "large_kommune")
    db.close()


def _ids(rng: np.random.Generator, n: int) -> np.ndarray:
    raw = rng.bytes(16 * n)
    return np.array([uuid.UUID(bytes=raw[16 * i : 16 * i + 16]).hex for i in range(n)], object)


def _answer_wave(
    db: Database,
    rng: np.random.Generator,
    wave_id: int,
    wave_no: int,
    phase: str,
    teams: list[tuple[str, int]],
    items: list,
) -> None:
    unit_ids = np.array([uid for uid, _ in teams], dtype=object)
    sizes = np.array([size for _, size in teams])
    answered = rng.binomial(sizes, RESPONSE_RATE)
    invitations = pd.DataFrame(
        {
            "code_hash": _ids(rng, int(sizes.sum())),
            "wave_id": wave_id,
            "unit_id": np.repeat(unit_ids, sizes),
            "used": np.concatenate(
                [np.arange(s) < a for s, a in zip(sizes, answered, strict=True)]
            ),
        }
    )
    n = int(answered.sum())
    response_ids = _ids(rng, n)
    response_units = np.repeat(unit_ids, answered)
    # A level shift in udvikling for every fifth team, and a slow drift everywhere.
    team_index = np.repeat(np.arange(len(teams)), answered)
    shift = np.where((phase == "udvikling") & (team_index % 5 == 0), -15.0, 0.0)
    constructs = sorted({item.construct for item in items})
    person = {c: 58.0 + 0.2 * wave_no + shift + rng.normal(0, 14, n) for c in constructs}
    answers = []
    for item in items:
        points = person[item.construct] + rng.normal(0, 12, n)
        values = np.clip(np.rint(points / 25.0) + 1, 1, 5).astype("int8")
        if item.reverse:
            values = 6 - values
        column = pd.array(values, dtype="Int8")
        column[rng.random(n) < 0.04] = pd.NA
        answers.append(
            pd.DataFrame({"response_id": response_ids, "item_id": item.id, "value": column})
        )
    bulk_insert(
        db,
        {
            "invitations": invitations,
            "responses": pd.DataFrame(
                {"id": response_ids, "wave_id": wave_id, "unit_id": response_units}
            ),
            "answers": pd.concat(answers, ignore_index=True),
        },
    )


def main() -> None:
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/large_kommune.duckdb")
    if target.exists():
        sys.exit(f"{target} exists; remove it first")
    started = time.perf_counter()
    build(target)
    print(f"built {target} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
