"""Progress of an open wave, in the one form that cannot be differenced.

Every other count of answers (Overblik, Svarkoder, Målinger, snapshots, the dashboards) covers
closed waves only and comes from the project's one protection step
(``surveys.dashboards.basis.project_basis``). While a wave is open, only this number moves:
the answers in the WHOLE project area (every involved unit together), rounded down to a band
of ``max(10, k)``. It is shown only to a viewer whose scope holds the whole project area, so no
second live number exists anywhere to subtract it from, and a single answer moves it only when
it crosses a band boundary, which tells that about a band's worth of people in the whole project
have answered, never in which unit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from data import org as org_queries
from data import projects as project_queries
from data.db import Database
from data.results import wave_responses
from medspil.errors import UnknownProject
from medspil.formatting import integer
from medspil.i18n import t
from medspil.scope import Scope

MIN_BAND = 10


@dataclass(frozen=True)
class LiveProgress:
    """The open wave's answers in the whole project area, as a band ``[low, low + band - 1]``."""

    wave_id: int
    wave_number: int
    low: int
    band: int

    def label(self, lang: str) -> str:
        if self.low == 0:
            return t("live.below_band", lang, band=self.band)
        return t("live.at_least", lang, low=integer(self.low, lang=lang))


def band_width(k_min: int) -> int:
    """The width of the bands: at least 10, and never below k."""
    return max(MIN_BAND, int(k_min))


def banded(count: int, k_min: int) -> int:
    """``count`` rounded down to its band (0 below the first band)."""
    width = band_width(k_min)
    return (int(count) // width) * width


def sees_whole_project(db: Database, scope: Scope, project_id: str) -> bool:
    """True when the scope's units hold every unit the project involves."""
    if scope.sees_everything:
        return True
    roots = project_queries.project_units(db, project_id)
    visible = set(org_queries.visible_unit_ids(db, scope))
    return bool(roots) and set(org_queries.subtree_ids(db, roots)) <= visible


def open_wave(db: Database, project_id: str, today: dt.date) -> pd.Series | None:
    """The project's wave open on ``today``, or None."""
    waves = project_queries.waves(db, project_id)
    opens = pd.to_datetime(waves["opens"]).dt.date
    closes = pd.to_datetime(waves["closes"]).dt.date
    current = waves[(opens <= today) & (closes >= today)]
    return None if current.empty else current.iloc[0]


def live_progress(
    db: Database, scope: Scope, project_id: str, *, today: dt.date
) -> LiveProgress | None:
    """The open wave's banded answers for the whole project area; None when there is no open
    wave or the scope does not hold the whole project area."""
    wave = open_wave(db, project_id, today)
    if wave is None or not sees_whole_project(db, scope, project_id):
        return None
    project = project_queries.project(db, project_id)
    if project is None:
        raise UnknownProject(project=project_id)
    k_min = int(project["k_min"])
    answers = wave_responses(db, int(wave["id"]))
    return LiveProgress(
        wave_id=int(wave["id"]),
        wave_number=int(wave["number"]),
        low=banded(answers, k_min),
        band=band_width(k_min),
    )
