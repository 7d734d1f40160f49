"""Honest words for a number that is not shown: three situations, one sentence each.

* ``small``: the group itself has answers, but fewer than k ("færre end k svar").
* ``neighbour``: the group has k or more, but is hidden so that a smaller neighbour group cannot
  be worked out by subtraction (complementary suppression).
* ``nothing_yet``: nothing could be compared yet (fewer than two waves to compare), which is not
  the same as "no change".

The reason only chooses the words; it is taken from the stored counts by
:func:`surveys.dashboards.basis.project_basis` and reveals no number of the hidden group.
"""

from __future__ import annotations

from typing import Literal

from medspil.i18n import t
from surveys.dashboards.basis import ProjectBasis

Reason = Literal["small", "neighbour", "nothing_yet"]


def hidden_reason(basis: ProjectBasis, unit_id: str, wave_id: int) -> Reason:
    """Why a hidden wave cell of a unit is hidden: its own group is small, or a neighbour's is."""
    return "small" if (unit_id, int(wave_id)) in basis.small_groups else "neighbour"


def hidden_sentence(reason: Reason, lang: str, *, unit: str, k: int, wave: str = "") -> str:
    """One plain sentence on why nothing is shown, and for a too-small group what to do."""
    return t(f"hidden.sentence_{reason}", lang, unit=unit, k=k, wave=wave)


def shown_waves(basis: ProjectBasis, unit_id: str) -> int:
    """How many closed waves show a number for the unit (on any construct)."""
    protected = basis.protected
    if protected is None or unit_id not in protected.units:
        return 0
    u = protected.units.index(unit_id)
    return int((~protected.wave_hidden[:, u, :]).any(axis=0).sum())
