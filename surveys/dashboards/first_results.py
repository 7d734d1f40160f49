"""When a project's first results appear: the sentence the dashboards show instead of an empty
page while no wave of the project has closed yet (the dashboards show closed waves only)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data import projects as project_queries
from data.db import Database
from medspil.formatting import long_date_text
from medspil.i18n import t


def first_results_sentence(
    db: Database, project_id: str, *, lang: str, today: dt.date
) -> str | None:
    """``"De første resultater kommer, når den første måling lukker torsdag den 10. december
    2026."`` while the project's first wave is open (or only planned); ``None`` once a wave has
    closed, or when the project has no wave at all (the page's own empty text says that).

    A wave is closed the day after its closing date (``closes < today``), as everywhere else.
    """
    waves = project_queries.waves(db, project_id)
    if waves.empty:
        return None
    opens = pd.to_datetime(waves["opens"]).dt.date
    closes = pd.to_datetime(waves["closes"]).dt.date
    if (closes < today).any():
        return None
    first = waves.assign(opens=opens, closes=closes).sort_values("opens").iloc[0]
    if first["opens"] > today:
        return t(
            "first_results.planned",
            lang,
            opens=long_date_text(first["opens"], lang),
            closes=long_date_text(first["closes"], lang),
        )
    return t("first_results.open", lang, closes=long_date_text(first["closes"], lang))
