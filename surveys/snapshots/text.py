"""Labels and Danish notation for a frozen snapshot: numbers with a decimal comma, p-values,
dates, and the names of units, constructs and phases as the snapshot froze them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import pandas as pd

from medspil.formatting import DASH, number, p_value
from medspil.i18n import t
from surveys.snapshots.schema import (
    PhasePart,
    SnapshotContent,
)

Row = TypeVar("Row", bound=Mapping[str, Any])  # any of the content's row types

FEW_WAVES = 10  # run-chart signals need at least this many useful points


P_COLUMNS = ("c_p", "c_p_adjusted", "c_mk_p")
TWO_DECIMALS = ("c_cohens_d", "c_cliffs_delta")


def display_frame(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A table as text in Danish notation: p-values as '< 0,001', effect sizes with two
    decimals, other numbers with one, missing as '–' (for the page and the PDF)."""
    kinds = {t(f"snapshot.{key}", lang): key for key in P_COLUMNS + TWO_DECIMALS}
    shown = frame.copy()
    for column in shown.columns:
        kind = kinds.get(column)
        shown[column] = [display_value(value, kind) for value in shown[column]]
    return shown


def display_value(value: object, kind: str | None = None) -> str:
    if value is None:
        return DASH
    if isinstance(value, float):
        if kind in P_COLUMNS:
            return p_value(value)
        return number(value, 2 if kind in TWO_DECIMALS else 1)
    return str(value)


class SnapshotTexts:
    """Labels for one snapshot in one language: units and constructs by their frozen names."""

    def __init__(self, content: SnapshotContent, lang: str) -> None:
        self.c = content
        self.lang = lang
        self.units = {u["id"]: u["name"] for u in content["units"]}
        self.constructs = {
            k["id"]: k["name"].get(lang) or k["name"].get("da") or k["id"]
            for k in content["constructs"]
        }
        self.phase_kind = {p["id"]: p["kind"] for p in content["phases"]}
        self.phases = {p["id"]: p for p in content["phases"]}
        self.hidden = t("ui.fewer_than_k", lang)
        self._unit_order = {u["id"]: i for i, u in enumerate(content["units"])}
        self._construct_order = {k["id"]: i for i, k in enumerate(content["constructs"])}

    def ordered(self, rows: list[Row]) -> list[Row]:
        """Rows by unit (tree order), construct (instrument order), then time."""

        def key(row: Row) -> tuple:
            when = [row.get(k) or 0 for k in ("previous_phase", "phase", "previous_wave", "wave")]
            return (
                self._unit_order.get(row.get("unit", ""), -1),
                self._construct_order.get(row.get("construct", ""), -1),
                *when,
            )

        return sorted(rows, key=key)

    def __call__(self, key: str, **params: object) -> str:
        return t(f"snapshot.{key}", self.lang, **params)

    def unit(self, unit_id: str) -> str:
        return self.units.get(unit_id, unit_id)

    def phase(self, phase_id: int) -> str:
        return t(f"phase.{self.phase_kind[phase_id]}", self.lang)

    def level(self, level: str | None) -> str:
        return t(f"involvement.{level}", self.lang) if level else self("lbl_mixed")

    def yes_no(self, value: bool) -> str:
        return self("yes") if value else self("no")

    def area_label(self) -> str:
        kind = (
            self("area_committee") if self.c["area"]["kind"] == "committee" else self("area_unit")
        )
        return f"{self.c['area']['name']} ({kind})"

    def instrument(self) -> str:
        instrument = self.c["instrument"]
        title = instrument["title"].get(self.lang) or instrument["title"].get("da") or ""
        version = instrument["version"]
        label = instrument["id"] if version is None else f"{instrument['name']} v{version}"
        return f"{title} ({label})" if title else label

    def comments_note(self) -> str:
        comments = self.c["comments"]
        return self(f"comments_{comments['reason']}", k=self.c["k_comments"])


def area_level(content: SnapshotContent, phase: PhasePart, root: str | None = None) -> str | None:
    """The involvement level of the area (or of one of its roots) in a phase.

    A root's own level where one is set for it (Ældreområde Nord co-designed in udvikling),
    the phase's level where nothing inside is set, and None where its parts differ.
    """
    roots = [root] if root is not None else content["area"]["roots"]
    levels = set()
    for one in roots:
        own = [u["involvement"] for u in phase["unit_levels"] if u["unit"] == one]
        if own:
            levels.add(own[0])
            continue
        levels.add(phase["involvement"])
        levels |= {u["involvement"] for u in phase["unit_levels"] if u["root"] == one}
    return levels.pop() if len(levels) == 1 else None
