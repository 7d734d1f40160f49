"""A generated large kommune for the page benchmarks: 40,000 employees in 500 units.

One project covers the whole kommune with 52 weekly waves across five phases, 13 items (the
core's nine plus the ``information`` and ``tryghed`` modules: the bundled instrument has no
single-item module, so 12 is not possible; 13 is the nearest above) and about 60% response.
That is about 1.25 million responses and 16 million answer rows. It is written wave by wave
through ``data/``'s bulk functions, the same path an import takes.

Run ``.venv/bin/python benchmarks/large_kommune.py PATH`` (under a minute); ``make bench``
builds it once into ``benchmarks/large_kommune.duckdb`` (git-ignored) and reuses it. ``TINY``
is the same shape in miniature, for the suite's smoke tests of the benchmarks; ``SCALE_150M``
is ten years of weekly pulses (``make bench-scale``).
"""

from __future__ import annotations

import argparse
import binascii
import datetime as dt
import sys
import time
from dataclasses import dataclass
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
LEDER_UNIT = "A0"  # the area a leder in the benchmarks leads
RESPONSE_RATE = 0.6
MODULES = ["information", "tryghed"]
# Phase kind, share of the waves, involvement level.
PHASES = [
    ("ide", 8, "information"),
    ("konsekvensvurdering", 10, "medindflydelse"),
    ("udvikling", 14, "medindflydelse"),
    ("implementering", 12, "medindflydelse"),
    ("drift", 8, "medbestemmelse"),
]


@dataclass(frozen=True)
class Size:
    employees: int
    areas: int
    departments: int
    units: int
    waves: int


LARGE = Size(employees=40_000, areas=9, departments=50, units=500, waves=52)
TINY = Size(employees=900, areas=2, departments=4, units=16, waves=10)
SCALE_150M = Size(employees=40_000, areas=9, departments=50, units=500, waves=520)


def wave_counts(size: Size) -> list[int]:
    """Waves per phase: the 8/10/14/12/8 split of 52 weekly waves, scaled to ``size.waves``."""
    weights = np.array([count for _, count, _ in PHASES], float)
    counts = np.maximum(np.rint(weights / weights.sum() * size.waves), 1).astype(int)
    counts[-1] += size.waves - counts.sum()
    return [int(c) for c in counts]


def units(size: Size = LARGE) -> list[tuple[str, str | None, str, str, int]]:
    """1 kommune, 9 areas, 50 departments, 440 teams that carry the 40,000 employees."""
    rows: list[tuple[str, str | None, str, str, int]] = [
        ("L", None, "Storby Kommune", "kommune", 0)
    ]
    rows += [(f"A{i}", "L", f"Område {i}", "område", 0) for i in range(size.areas)]
    rows += [
        (f"D{i}", f"A{i % size.areas}", f"Afdeling {i}", "afdeling", 0)
        for i in range(size.departments)
    ]
    n_teams = size.units - len(rows)
    rng = np.random.default_rng(7)
    sizes = rng.integers(40, 140, n_teams).astype(float)
    sizes = np.maximum(np.rint(sizes / sizes.sum() * size.employees), 3).astype(int)
    sizes[0] += size.employees - sizes.sum()
    rows += [
        (f"T{i}", f"D{i % size.departments}", f"Team {i}", "team", int(people))
        for i, people in enumerate(sizes)
    ]
    return rows


def build(path: Path, *, size: Size = LARGE, seed: int = 1, today: dt.date | None = None) -> None:
    """Write the large kommune (or another ``size``) into a new database file at ``path``."""
    today = today or dt.date.today()
    rng = np.random.default_rng(seed)
    db = open_database(path)
    instrument = load_instrument()
    register_instrument(db, instrument)
    unit_rows = units(size)
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
    first_opens = today - dt.timedelta(weeks=size.waves - 1)
    wave_no = 0
    for (kind, _, level), count in zip(PHASES, wave_counts(size), strict=True):
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
    """``n`` random 32-digit hex ids (the hex of 16 random bytes each), made without a loop."""
    digits = np.frombuffer(binascii.hexlify(rng.bytes(16 * n)), dtype="S32")
    return digits.astype("U32").astype(object)


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
    parser = argparse.ArgumentParser(description="Build the generated large kommune.")
    parser.add_argument("path", nargs="?", default="benchmarks/large_kommune.duckdb")
    parser.add_argument("--scale-150m", action="store_true", help="520 waves, 150M answers")
    args = parser.parse_args()
    target = Path(args.path)
    if target.exists():
        sys.exit(f"{target} exists; remove it first")
    started = time.perf_counter()
    build(target, size=SCALE_150M if args.scale_150m else LARGE)
    print(f"built {target} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
