"""The instrument as a user checks it: its items per construct and the scales' reliability."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analytics import cronbach_alpha_from_moments
from data.db import Database
from data.reliability import construct_moments, instrument_versions
from medspil.cells import cell_int, cell_optional_float
from medspil.formatting import number
from medspil.i18n import t
from surveys.instruments.instrument import Instrument, load_instrument


def available_versions(db: Database) -> list[str]:
    """Ids of the instrument versions stored in the database, oldest first."""
    return instrument_versions(db)["id"].tolist()


def items_table(instrument: Instrument, lang: str) -> pd.DataFrame:
    """One row per item: construct, core or module, wording, reverse-keyed."""
    rows = []
    for item in instrument.items:
        construct = instrument.construct(item.construct)
        rows.append(
            {
                t("instrument.construct", lang): construct.name[lang],
                t("instrument.kind", lang): t(
                    "instrument.core" if construct.core else "instrument.module", lang
                ),
                t("instrument.item", lang): item.text[lang],
                t("instrument.reverse", lang): t(
                    "instrument.yes" if item.reverse else "instrument.no", lang
                ),
            }
        )
    return pd.DataFrame(rows)


def reliability_table(
    db: Database, instrument: Instrument, *, lang: str, k: int, today: dt.date
) -> pd.DataFrame:
    """Cronbach's alpha per construct (listwise), with the number of complete respondents.

    Closed waves only (before ``today``): a count that moves with each answer in an open wave
    tells a reader who looks twice that someone has just answered. Alpha is shown only when at
    least ``k`` respondents answered every item of the construct; otherwise, and for one-item
    constructs, the cell reads "–". The counts are sums over every unit of every project using
    the instrument, and only change when a wave closes.
    """
    moments = construct_moments(db, instrument.id, closed_before=today).set_index("construct")
    rows = []
    for construct in instrument.constructs:
        n_items = sum(item.construct == construct.id for item in instrument.items)
        alpha = None
        n_complete = 0
        if construct.id in moments.index:
            row = moments.loc[construct.id]
            n_complete = cell_int(row["n_complete"])
            if n_complete >= k:
                alpha = cronbach_alpha_from_moments(
                    n_items=cell_int(row["n_items"]),
                    n_complete=n_complete,
                    item_variance_sum=cell_optional_float(row["item_variance_sum"]),
                    total_variance=cell_optional_float(row["total_variance"]),
                )
        rows.append(
            {
                t("instrument.construct", lang): construct.name[lang],
                t("instrument.n_items", lang): n_items,
                t("instrument.n_complete", lang): n_complete if n_complete >= k else "–",
                t("instrument.alpha", lang): "–" if alpha is None else number(alpha, 2, lang),
            }
        )
    return pd.DataFrame(rows)


def instrument_by_id(instrument_id: str) -> Instrument:
    return load_instrument(instrument_id)
