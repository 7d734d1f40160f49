"""Factories for the analytics tests: signals with planted change points, score histograms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from hypothesis import strategies as st


def make_steps(
    lengths: Sequence[int], means: Sequence[float], sd: float = 2.0, seed: int = 1
) -> np.ndarray:
    """Gaussian noise around piecewise-constant means; true change points at cumsum(lengths)."""
    rng = np.random.default_rng(seed)
    level = np.repeat(np.asarray(means, dtype=float), lengths)
    return level + rng.normal(0.0, sd, size=level.size)


def true_changepoints(lengths: Sequence[int]) -> list[int]:
    return [int(i) for i in np.cumsum(lengths)[:-1]]


def histogram_frame(scores: Mapping[tuple, Sequence[float]]) -> pd.DataFrame:
    """Histogram rows from raw scores keyed by ``(wave_id, unit_id, construct)``."""
    rows = []
    for (wave, unit, construct), values in scores.items():
        counted = pd.Series(values, dtype=float).value_counts()
        rows += [(wave, unit, construct, float(s), int(n)) for s, n in counted.items()]
    return pd.DataFrame(rows, columns=["wave_id", "unit_id", "construct", "score", "n"])


TREE = {"top": None, "a": "top", "b": "top", "a1": "a", "a2": "a"}
WAVE_PHASE = {1: "ide", 2: "ide", 3: "ide", 4: "drift", 5: "drift", 6: "drift"}
GRID = np.arange(0.0, 100.1, 12.5)


def make_raw_scores(seed: int = 1, shift_from: int = 4, by: float = 15.0) -> dict[tuple, list]:
    """Raw respondent scores per (wave, unit, construct) on TREE; 'mening' rises by ``by``.

    Team a2 has only 2 respondents in wave 2, so its phase 'ide' is protected and team a1 loses
    its waves there too (complementary suppression).
    """
    rng = np.random.default_rng(seed)
    scores = {}
    for wave in WAVE_PHASE:
        for unit in ("a1", "a2", "b", "top"):
            size = 2 if (unit, wave) == ("a2", 2) else int(rng.integers(4, 12))
            for construct in ("mening", "motivation"):
                centre = 50 + (by if construct == "mening" and wave >= shift_from else 0.0)
                values = np.clip(np.round((rng.normal(centre, 18, size)) / 12.5) * 12.5, 0, 100)
                scores[(wave, unit, construct)] = values.tolist()
    return scores


def subtree_scores(raw: dict, unit: str, waves, construct: str) -> list[float]:
    """Every raw score of ``unit``'s subtree in ``waves``, written out without the package."""
    members = subtree_units(unit)
    return [
        s
        for (w, u, c), values in raw.items()
        if u in members and w in waves and c == construct
        for s in values
    ]


def shown_part_scores(
    raw: dict, unit: str, waves, construct: str, shown: set[tuple[str, object]]
) -> list[float]:
    """The raw scores a shown cell's spread may come from, written out without the package.

    A respondent of unit ``x`` in ``unit``'s subtree counts when ``x`` itself is shown in that
    wave and no hidden unit hangs below ``x`` without a shown unit in between that has answers
    ("x's hidden remainder is empty"); ``shown`` holds the shown ``(unit, wave)`` pairs.
    """

    def below(x: str) -> list[str]:
        return [u for u, up in TREE.items() if up == x]

    def hidden_remainder_answers(x: str, wave: object) -> int:
        count, stack = 0, below(x)
        while stack:
            y = stack.pop()
            if (y, wave) in shown:
                continue
            count += len(raw.get((wave, y, construct), []))
            stack += below(y)
        return count

    members = subtree_units(unit)
    return [
        s
        for wave in waves
        for x in members
        if (x, wave) in shown and hidden_remainder_answers(x, wave) == 0
        for s in raw.get((wave, x, construct), [])
    ]


def subtree_units(unit: str) -> set[str]:
    members = {unit}
    changed = True
    while changed:
        grown = members | {u for u, up in TREE.items() if up in members}
        changed, members = grown != members, grown
    return members


def organisations(max_units: int):
    """A hypothesis strategy: a random forest ``{"u0": None, "u1": "u0", ...}`` of 1 to
    ``max_units`` units (each unit's parent comes before it, or it is a root)."""

    @st.composite
    def draw_tree(draw) -> dict[str, str | None]:
        parent: dict[str, str | None] = {}
        for i in range(draw(st.integers(1, max_units))):
            up = draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None
            parent[f"u{i}"] = None if up is None else f"u{up}"
        return parent

    return draw_tree()
