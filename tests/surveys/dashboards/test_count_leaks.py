"""The count leaks of issue 10, tried as a curious insider would (they fail without the fix).

1. Overblik's "Besvarelser indtil nu": Ældreområde Nord minus its shown teams gave the night
   team's exact total, and it counted the open wave live.
2. Svarkoder's response rates: which sibling hid beside the night team depended on the hash
   seed of the server process, and one night-team answer in the open wave flipped it.
4. Spørgeskema's reliability table counted the open wave live.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from data import open_database
from data import projects as project_queries
from data.db import Database
from data.results import response_counts
from medspil.scope import Scope
from surveys.administration.codes import response_rates, started_wave_choices
from surveys.answering.form import open_form
from surveys.dashboards.overview import project_overviews
from surveys.instruments.report import instrument_by_id, reliability_table
from tests.conftest import ROOT
from tests.surveys.answering.answer_support import SECRET, open_codes, submit_answers

TODAY = dt.date.today()
NIGHT = "NORD-NAT"
NORD = "AELDRE-NORD"
NORD_TEAMS = ("NORD-EGELY", "NORD-HAVBO", "NORD-HJEM", "NORD-SOLHOJ")


def _leder(*units: str) -> Scope:
    return Scope(role="leder", unit_roots=frozenset(units))


def _responses_shown(db: Database, scope: Scope) -> int | None:
    overview = next(o for o in project_overviews(db, scope, lang="da", today=TODAY))
    assert overview.project_id == "medicin"
    return overview.responses


def _night_answers(db: Database, count: int = 1) -> None:
    """``count`` night-team answers to the wave of ``medicin`` open today."""
    for code in open_codes(db, count, unit=NIGHT):
        submit_answers(db, code, {}, None, today=TODAY, secret=SECRET)


def test_overview_totals_do_not_give_the_night_team_by_subtraction(demo_db: Database) -> None:
    counts = response_counts(demo_db, "medicin", Scope.admin())
    night_total = int(counts.loc[counts["unit_id"] == NIGHT, "responses"].sum())
    assert night_total > 0
    nord = _responses_shown(demo_db, _leder(NORD))
    teams = [_responses_shown(demo_db, _leder(team)) for team in NORD_TEAMS]
    assert _responses_shown(demo_db, _leder(NIGHT)) is None
    if nord is not None:
        difference = nord - sum(n for n in teams if n is not None)
        assert difference != night_total
        assert difference == 0 or difference >= 5


def test_overview_does_not_move_when_one_night_team_member_answers(demo_copy: Path) -> None:
    db = open_database(demo_copy)
    try:
        scopes = [Scope.admin(), _leder(NORD), *(_leder(t) for t in NORD_TEAMS), _leder(NIGHT)]
        before = [_responses_shown(db, scope) for scope in scopes]
        _night_answers(db)
        after = [_responses_shown(db, scope) for scope in scopes]
    finally:
        db.close()
    assert before == after


def _closed_waves(db: Database) -> list[int]:
    waves = project_queries.waves(db, "medicin")
    return [int(w) for w, c in zip(waves["id"], waves["closes"].dt.date, strict=True) if c < TODAY]


HIDDEN_CELLS = """
import datetime as dt, json, sys
from data import open_database
from surveys.administration.codes import response_rates
db = open_database(sys.argv[1])
result = {}
for wave in json.loads(sys.argv[2]):
    table = response_rates(db, "medicin", wave, lang="da", today=dt.date.today()).table
    result[wave] = table.iloc[:, [0, 2]].values.tolist()
print(json.dumps(result))
"""


def test_response_rates_hide_the_same_cells_in_every_process(demo_file: Path) -> None:
    db = open_database(demo_file)
    try:
        waves = _closed_waves(db)
    finally:
        db.close()
    seen = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", HIDDEN_CELLS, str(demo_file), json.dumps(waves)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env=env,
        )
        seen.add(done.stdout)
    assert len(seen) == 1


def _open_wave(db: Database) -> int:
    started = started_wave_choices(db, "medicin", today=TODAY, lang="da")
    waves = project_queries.waves(db, "medicin")
    open_ids = waves.loc[
        (waves["opens"].dt.date <= TODAY) & (waves["closes"].dt.date >= TODAY), "id"
    ]
    wave = int(open_ids.iloc[0])
    assert wave in started
    return wave


def test_response_rates_of_the_open_wave_do_not_move_with_one_answer(demo_copy: Path) -> None:
    db = open_database(demo_copy)
    try:
        wave = _open_wave(db)
        _night_answers(db, 2)  # a live count below k, as the issue found
        before = response_rates(db, "medicin", wave, lang="da", today=dt.date.today()).table
        _night_answers(db)
        after = response_rates(db, "medicin", wave, lang="da", today=dt.date.today()).table
    finally:
        db.close()
    # Codes issued change (we issued one more); every count of respondents stays as it was.
    columns = [before.columns[0], before.columns[2], before.columns[3]]
    pd.testing.assert_frame_equal(before[columns], after[columns])


def test_reliability_table_counts_closed_waves_only(demo_copy: Path) -> None:
    db = open_database(demo_copy)
    try:
        instrument = instrument_by_id(str(project_queries.project(db, "medicin")["instrument_id"]))
        before = reliability_table(db, instrument, lang="da", k=5, today=TODAY)
        codes = open_codes(db, 3, unit=NIGHT)
        for code in codes:  # complete answers, so they would count in n_complete
            submit_answers(db, code, _every_item(db, code), None, today=TODAY, secret=SECRET)
        after = reliability_table(db, instrument, lang="da", k=5, today=TODAY)
    finally:
        db.close()
    pd.testing.assert_frame_equal(before, after)


def _every_item(db: Database, code: str) -> dict[str, int]:
    form = open_form(db, code, lang="da", today=TODAY, secret=SECRET)
    return {item.id: 3 for item in form.items}
