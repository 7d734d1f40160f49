"""The first day of a real kommune: the "Kom i gang" steps, each ticked from what is stored."""

from __future__ import annotations

from dataclasses import dataclass

from data.db import Database
from data.setup_status import setup_counts
from medspil.errors import MedspilError
from surveys.administration.access import load_access_rules


@dataclass(frozen=True)
class SetupStep:
    key: str  # the catalogue key under [start] (title) and [start] key + "_how" (what to do)
    done: bool
    page: str  # the page file where the step is done


def first_day_steps(db: Database) -> list[SetupStep]:
    """The set-up steps in the order a new installation takes them, each done or not."""
    counts = setup_counts(db)
    try:
        role_file_ok = bool(load_access_rules().entries)
    except MedspilError:
        role_file_ok = False
    return [
        SetupStep("organisation", counts["units"] > 0, "pages/organisation.py"),
        SetupStep("committees", counts["committees"] > 0, "pages/med_udvalg.py"),
        SetupStep("project", counts["projects"] > 0 and counts["phases"] > 0, "pages/projekter.py"),
        SetupStep("waves", counts["waves"] > 0, "pages/maalinger.py"),
        SetupStep("codes", counts["codes"] > 0, "pages/svarkoder.py"),
        SetupStep("role_file", role_file_ok, "pages/organisation.py"),
    ]
