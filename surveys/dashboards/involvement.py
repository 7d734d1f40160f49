"""The scoped unit's own involvement level per phase, as every phase drawing shows it.

A unit whose parts were involved differently reads "Blandet" with which units had which level
("Blandet: Ældreområde Nord medbestemmelse, Ældreområde Syd information").
"""

from __future__ import annotations

import pandas as pd

from medspil.i18n import t
from surveys.dashboards.basis import ProjectBasis, involvement_of


def unit_level_label(
    basis: ProjectBasis, unit_id: str, phase_id: int, lang: str, *, separator: str = "; "
) -> str:
    """The unit's level in the phase in words; a mixed level names the units behind it, one
    part per level joined by ``separator`` (``"<br>"`` in a chart, where a line is short)."""
    level = involvement_of(basis, unit_id, phase_id)
    if level is not None:
        return t(f"involvement.{level}", lang)
    by_level: dict[str, list[str]] = {}
    project_units = {u for root in basis.project_roots for u in basis.subtree(root)}
    for kid in basis.children.get(unit_id, []):
        inside = [u for u in basis.subtree(kid) if u in project_units]
        kid_level = involvement_of(basis, kid, phase_id) if inside else None
        if inside and kid_level is not None:
            by_level.setdefault(kid_level, []).append(basis.names[kid])
    if not by_level:
        return t("dash.mixed", lang)
    parts = [
        t(
            "involvement_words.part",
            lang,
            units=", ".join(units),
            level=t(f"involvement.{lvl}", lang),
        )
        for lvl, units in sorted(by_level.items())
    ]
    text = t("involvement_words.mixed", lang, parts=separator.join(parts))
    return text.replace(": ", ":" + separator, 1) if separator != "; " else text


def unit_phases(
    basis: ProjectBasis, unit_id: str, lang: str, *, separator: str = "; "
) -> pd.DataFrame:
    """``basis.phases`` with the unit's own ``involvement`` (None when mixed) and its label."""
    phases = basis.phases.copy()
    phases["involvement"] = [involvement_of(basis, unit_id, int(p)) for p in phases["id"]]
    phases["involvement_label"] = [
        unit_level_label(basis, unit_id, int(p), lang, separator=separator) for p in phases["id"]
    ]
    return phases
