"""Anonymity applied to score histograms before any number leaves: org tree x time tree.

A cell is one (construct, unit, wave) or (construct, unit, phase); its group is every
respondent in the unit's subtree. Hidden cells are emptied, so nothing computed from a
:class:`ProtectedScores` can reveal them.

Why not just intersect ``visible_units`` on the org tree (per wave) with ``visible_units`` on
the time tree (per unit)? Each result alone prevents differencing, but together they can leak.
Unit P has teams A and B; A answered 2 then 8 in the two waves of a phase, B 8 and 8 (k = 5).
Wave 1 hides A and, by complementary suppression, B, showing only P (10). B's time tree is
fine, so it shows B's phase total (16) and B's wave 2 (8): B's wave 1 is 16 - 8 = 8 and A's
wave 1 is 10 - 8 = 2. Two safe rules are offered, chosen with ``prefer``:

- ``"phases"``: within a phase a unit shows either every wave it has answers in, or
  none of them and only its phase total. Every quantity derivable from the shown cells is then
  a sum of remainders of 0 or at least k in one of the two trees (a two-way table with only its
  margins shown determines no interior cell). Small teams keep their phase totals but often
  lose their waves.
- ``"waves"`` (default): every wave the organisation tree allows is shown, and a phase total
  only where the unit shows all its answered waves of the phase (it is then just their sum).
  Only the per-wave organisation rule matters. Small teams keep most waves but lose phase totals.

One mask for every number: the hidden cells are the same for every construct and for the
respondent count (``respondents=``), because different hidden cells for two counts of the same
people let one count be subtracted out with the other's help (construct n and answers differ
only by the few who left a construct blank). See :func:`analytics.suppression.joint_visible_mask`.

``"waves"`` is the default because respondents are people, not answers: a team of 6 whose 4
members answer in each of 8 waves pools 32 answers into a phase total, yet only 4 people stand
behind it. Showing a phase total only when every wave in it shows at least k respondents keeps
the promise that a group below k people is never shown, even pooled over time.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from analytics.exceptions import InvalidInput, InvalidTree
from analytics.suppression import Forest, build_forest, joint_visible_mask

HISTOGRAM_COLUMNS = ("wave_id", "unit_id", "construct", "score", "n")


@dataclass(frozen=True)
class ProtectedScores:
    """Subtree score histograms per construct, unit and wave/phase; hidden cells are empty.

    Arrays are read-only; ``wave_counts[c, u, w, b]`` is how many respondents in unit ``u``'s
    subtree scored ``scores[b]`` on construct ``c`` in wave ``w`` (0 everywhere when hidden).
    """

    constructs: tuple[Hashable, ...]
    units: tuple[Hashable, ...]
    waves: tuple[Hashable, ...]
    phases: tuple[Hashable, ...]
    wave_phase: np.ndarray  # phase index of every wave
    scores: np.ndarray
    wave_counts: np.ndarray
    phase_counts: np.ndarray
    wave_hidden: np.ndarray
    phase_hidden: np.ndarray
    k: int
    prefer: str
    # Respondents (answers) per unit subtree and wave / phase, 0 where hidden; see
    # ``respondents=`` of :func:`protect_histograms` (all zero when it was not given).
    respondent_wave_counts: np.ndarray | None = None
    respondent_phase_counts: np.ndarray | None = None
    # Answers per unit subtree over every wave, 0 where hidden: shown only when every wave the
    # unit has answers in is shown (it is then their sum, and no running total gives more).
    respondent_totals: np.ndarray | None = None
    # The histograms the spreads are computed from (SD, CI, MDD, quantiles, tests): a shown
    # cell's shown parts, see :func:`spread_members`. ``None`` means the cell's own counts.
    spread_wave_counts: np.ndarray | None = None
    spread_phase_counts: np.ndarray | None = None
    # (C, U, W): whether a unit's own respondents count in the spreads (``spread_members``).
    spread_counting: np.ndarray | None = None

    def wave_spread(self) -> np.ndarray:
        """Counts for a wave cell's spread: its shown parts (its own counts when unset)."""
        return self.wave_counts if self.spread_wave_counts is None else self.spread_wave_counts

    def phase_spread(self) -> np.ndarray:
        """Counts for a phase cell's spread: its shown parts (its own counts when unset)."""
        return self.phase_counts if self.spread_phase_counts is None else self.spread_phase_counts


def protect_histograms(
    histograms: pd.DataFrame,
    *,
    parent: Mapping[Hashable, Hashable | None],
    wave_phase: Mapping[Hashable, Hashable],
    k: int,
    prefer: Literal["phases", "waves"] = "waves",
    respondents: pd.DataFrame | None = None,
) -> ProtectedScores:
    """Aggregate score histograms over unit subtrees and phases, then suppress small groups.

    Organisation tree: per construct and per wave (and per phase), :func:`visible_mask` on the
    unit tree. Time: see the module docstring; by default a unit's waves in a phase are shown
    all or none, and only when its phase total may be shown too.

    Parameters
    ----------
    histograms : DataFrame
        Columns ``wave_id``, ``unit_id``, ``construct``, ``score`` (0-100), ``n``: how many
        respondents attached directly to the unit had that construct score in that wave.
    parent : mapping
        The WHOLE organisation tree, ``unit id -> parent id`` (``None`` for a root). Protect the
        whole tree and filter the result to a viewer's scope afterwards: protecting a scoped
        subtree alone lets two viewers' screens be subtracted from each other.
    wave_phase : mapping
        ``wave id -> phase id`` for every wave, in time order.
    k : int
        Minimum group size (at least 3).
    prefer : {"phases", "waves"}
        Which to keep for a unit that has a hidden wave in a phase: its phase total (hiding its
        other waves of that phase) or its other waves (hiding its phase total).
    respondents : DataFrame, optional
        Columns ``wave_id``, ``unit_id``, ``n``: answers per unit and wave, whatever their
        construct scores. Protected with the same mask as the scores (one protection step for
        every number shown) and returned in ``respondent_wave_counts``/``_phase_counts``.

    Returns
    -------
    ProtectedScores

    Examples
    --------
    >>> frame = pd.DataFrame({"wave_id": [1, 1], "unit_id": ["a", "b"],
    ...                       "construct": ["mening"] * 2, "score": [50.0, 75.0], "n": [6, 2]})
    >>> p = protect_histograms(frame, parent={"top": None, "a": "top", "b": "top"},
    ...                        wave_phase={1: "ide"}, k=5)
    >>> dict(zip(p.units, p.wave_hidden[0, :, 0].tolist()))
    {'top': False, 'a': True, 'b': True}
    """
    return wave_layer(
        histograms,
        parent=parent,
        wave_phase=wave_phase,
        k=k,
        prefer=prefer,
        respondents=respondents,
    ).protected()


@dataclass(frozen=True)
class WaveLayer:
    """The waves of a protection, from which its phases and totals follow; it can grow.

    With ``prefer="waves"`` a wave's mask depends on that wave alone (the organisation rule is
    applied per wave), and every phase total and answer total follows from the waves' masked
    counts and from ``answered``. So a newly closed wave is added by computing that wave only
    (:meth:`grown`), and the result equals a layer built from every wave at once: the tests
    compare every array of both.

    ``answered[u, w]`` says whether anyone in unit ``u``'s subtree answered wave ``w``, hidden
    cells included. It is raw: it decides which phase totals are complete and is never shown.
    Every other array is masked as in :class:`ProtectedScores`.
    """

    forest: Forest
    constructs: tuple[Hashable, ...]
    scores: np.ndarray
    wave_phase: dict[Hashable, Hashable]  # every wave, in time order
    k: int
    prefer: str
    wave_counts: np.ndarray  # (C, U, W, B), 0 where hidden
    wave_shown: np.ndarray  # (U, W): one mask for every construct and count
    answered: np.ndarray  # (U, W), raw; see above
    answer_waves: np.ndarray  # (U, W) answers per subtree, 0 where hidden
    counting: np.ndarray  # (C, U, W), see spread_members
    spread_waves: np.ndarray  # (C, U, W, B), 0 where hidden
    # prefer="phases" shows a phase total whose waves are hidden, so its phases come from raw
    # phase sums, kept here as (phase_shown, phase_counts, answers per phase), unmasked: such
    # a layer cannot grow.
    raw_phases: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    @property
    def waves(self) -> tuple[Hashable, ...]:
        return tuple(self.wave_phase)

    def grown(
        self,
        histograms: pd.DataFrame,
        *,
        wave_phase: Mapping[Hashable, Hashable],
        respondents: pd.DataFrame | None = None,
    ) -> WaveLayer | None:
        """This layer with the waves of ``wave_phase`` it lacks, from their histograms alone.

        ``wave_phase`` lists every wave, this layer's first and in the same order with the same
        phases; ``histograms`` and ``respondents`` hold the new waves only, on the organisation
        this layer was built on. None when the result could differ from a layer built from
        every wave at once: a changed wave order or phase, a construct or score value this
        layer has not seen (the axes would change), or a layer of ``prefer="phases"``.
        """
        known = self.waves
        waves = tuple(wave_phase)
        if self.raw_phases is not None or waves[: len(known)] != known:
            return None
        if any(wave_phase[w] != self.wave_phase[w] for w in known):
            return None
        added = {w: wave_phase[w] for w in waves[len(known) :]}
        _check_phases(added)
        frame = _checked_frame(histograms, self.forest, tuple(added))
        scores = frame["score"].to_numpy(dtype="float64")
        if not set(frame["construct"]) <= set(self.constructs):
            return None
        if not np.isin(scores, self.scores).all():
            return None
        part = _layer(frame, respondents, self.forest, added, self.constructs, self.scores, self.k)
        return WaveLayer(
            self.forest,
            self.constructs,
            self.scores,
            {**self.wave_phase, **added},
            self.k,
            self.prefer,
            wave_counts=_joined(self.wave_counts, part.wave_counts, axis=2),
            wave_shown=_joined(self.wave_shown, part.wave_shown, axis=1),
            answered=_joined(self.answered, part.answered, axis=1),
            answer_waves=_joined(self.answer_waves, part.answer_waves, axis=1),
            counting=_joined(self.counting, part.counting, axis=2),
            spread_waves=_joined(self.spread_waves, part.spread_waves, axis=2),
        )

    def protected(self) -> ProtectedScores:
        """The protected scores: these waves, and every phase and total they determine."""
        waves = self.waves
        phases = tuple(dict.fromkeys(self.wave_phase.values()))
        phase_of_wave = np.array([phases.index(self.wave_phase[w]) for w in waves], dtype=np.int64)
        if self.raw_phases is None:
            phase_shown = _complete_phases(self.wave_shown, self.answered, phase_of_wave, phases)
            # Where such a phase is shown, every answered wave of it is shown and the others
            # hold no one: the masked waves add up to the phase's true totals.
            phase_counts = _phase_sums(self.wave_counts, phase_of_wave, len(phases))
            answer_phases = _phase_sums(self.answer_waves[None], phase_of_wave, len(phases))[0]
        else:
            phase_shown, raw_counts, answer_phases = self.raw_phases
            phase_counts = raw_counts.copy()
        answer_phases = answer_phases * phase_shown
        # A total only where every answered wave is shown: the masked waves add up to it.
        complete = (self.wave_shown | ~self.answered).all(axis=1) & self.answered.any(axis=1)
        answer_totals = self.answer_waves.sum(axis=1) * complete
        shown = np.broadcast_to(phase_shown, phase_counts.shape[:3])
        phase_counts[~shown] = 0
        spread_phases = _phase_sums(self.spread_waves, phase_of_wave, len(phases))
        spread_phases[~shown] = 0
        wave_hidden = ~np.broadcast_to(self.wave_shown, self.wave_counts.shape[:3])
        arrays = [phase_of_wave, phase_counts, wave_hidden, ~shown, spread_phases]
        arrays += [answer_phases, answer_totals]
        for array in arrays:
            array.flags.writeable = False
        return ProtectedScores(
            self.constructs,
            self.forest.ids,
            waves,
            phases,
            wave_phase=phase_of_wave,
            scores=self.scores,
            wave_counts=self.wave_counts,
            phase_counts=phase_counts,
            wave_hidden=arrays[2],
            phase_hidden=arrays[3],
            k=self.k,
            prefer=self.prefer,
            respondent_wave_counts=self.answer_waves,
            respondent_phase_counts=answer_phases,
            respondent_totals=answer_totals,
            spread_wave_counts=self.spread_waves,
            spread_phase_counts=spread_phases,
            spread_counting=self.counting,
        )


def _joined(old: np.ndarray, new: np.ndarray, *, axis: int) -> np.ndarray:
    """The waves of ``old`` then those of ``new`` (``axis`` runs over the waves), read-only."""
    joined = np.concatenate([old, new], axis=axis)
    joined.flags.writeable = False
    return joined


def wave_layer(
    histograms: pd.DataFrame,
    *,
    parent: Mapping[Hashable, Hashable | None],
    wave_phase: Mapping[Hashable, Hashable],
    k: int,
    prefer: Literal["phases", "waves"] = "waves",
    respondents: pd.DataFrame | None = None,
) -> WaveLayer:
    """The :class:`WaveLayer` of :func:`protect_histograms` (same parameters), to grow later."""
    if prefer not in ("phases", "waves"):
        raise InvalidInput(f"prefer must be 'phases' or 'waves', got {prefer!r}")
    forest = build_forest(parent)
    _check_phases(wave_phase)
    frame = _checked_frame(histograms, forest, tuple(wave_phase))
    constructs = tuple(sorted(pd.unique(frame["construct"]).tolist()))
    scores = np.unique(frame["score"].to_numpy(dtype="float64"))
    scores.flags.writeable = False
    return _layer(frame, respondents, forest, dict(wave_phase), constructs, scores, k, prefer)


def _check_phases(wave_phase: Mapping[Hashable, Hashable]) -> None:
    if None in wave_phase.values():
        raise InvalidInput("every wave needs a phase; wave_phase maps a wave to None")


def _layer(
    frame: pd.DataFrame,
    respondents: pd.DataFrame | None,
    forest: Forest,
    wave_phase: dict[Hashable, Hashable],
    constructs: tuple[Hashable, ...],
    scores: np.ndarray,
    k: int,
    prefer: str = "waves",
) -> WaveLayer:
    """Mask the waves of ``wave_phase`` on the given axes (see :func:`protect_histograms`)."""
    waves = tuple(wave_phase)
    direct = _direct_counts(frame, forest, waves, constructs, scores)
    wave_counts = _subtree_sums(direct, forest)
    answers = _respondent_counts(respondents, forest, waves)
    # Measures: every construct's n, then the answers (one more "construct" of counts only).
    direct_n = np.concatenate([direct.sum(axis=3), answers[None]], axis=0)
    measures_n = _subtree_sums(direct_n, forest)
    answered = measures_n.sum(axis=0) > 0
    wave_shown = _org_visible(forest, direct_n, k)
    raw_phases = None
    if prefer == "phases":
        phases = tuple(dict.fromkeys(wave_phase.values()))
        phase_of_wave = np.array([phases.index(wave_phase[w]) for w in waves], dtype=np.int64)
        phase_n = _phase_sums(direct_n, phase_of_wave, len(phases))
        phase_shown = _org_visible(forest, phase_n, k)
        wave_shown = _all_or_none(wave_shown, answered, phase_shown, phase_of_wave)
        phase_counts = _phase_sums(wave_counts, phase_of_wave, len(phases))
        phase_answers = _phase_sums(measures_n, phase_of_wave, len(phases))[-1]
        raw_phases = (phase_shown, phase_counts, phase_answers)
    shown = np.broadcast_to(wave_shown, wave_counts.shape[:3])
    wave_counts[~shown] = 0
    counting = spread_members(direct.sum(axis=3), forest, shown)
    spread_waves = _subtree_sums(direct * counting[..., None], forest)
    spread_waves[~shown] = 0
    answer_waves = measures_n[-1] * wave_shown
    for array in (wave_counts, wave_shown, answered, answer_waves, counting, spread_waves):
        array.flags.writeable = False
    return WaveLayer(
        forest,
        constructs,
        scores,
        wave_phase,
        k,
        prefer,
        wave_counts=wave_counts,
        wave_shown=wave_shown,
        answered=answered,
        answer_waves=answer_waves,
        counting=counting,
        spread_waves=spread_waves,
        raw_phases=raw_phases,
    )


def spread_members(direct_n: np.ndarray, forest: Forest, shown: np.ndarray) -> np.ndarray:
    """Whose answers the shown cells' spreads are computed from: shape (C, U, W), True where a
    unit's directly attached respondents count in the spread of every shown cell above them.

    A shown cell's remainder (its respondents outside its nearest shown sub-units) numbers 0 or
    at least k, and its n and sum are derivable from what is shown. Its spread is not harmless:
    a sum of squares adds up over units like a sum, so a parent's SD minus its shown children's
    gives the remainder's sum of squares, and with it how far a hidden small team's mean can lie
    from its hidden sibling's. A parent's quantiles and rank tests likewise carry the
    remainder's distribution. So a unit's own respondents count in spreads only when the unit
    is shown and no hidden unit with answers hangs below it without a shown unit in between
    (its remainder is then just them: at least k people, shown as one group). A shown cell's
    spread comes from its subtree's counting units, its "shown parts": a function of numbers
    already shown, whatever the hidden teams answered.

    ``direct_n[c, u, w]`` counts the respondents attached directly to unit ``u``; ``shown`` is
    the (C, U, W) visibility.

    Examples
    --------
    >>> forest = build_forest({"top": None, "a": "top", "b": "top", "c": "top", "c1": "c"})
    >>> direct_n = np.array([0, 6, 3, 0, 4])[None, :, None]  # b (3) and c1 (4) hidden
    >>> shown = np.array([True, True, False, True, False])[None, :, None]
    >>> spread_members(direct_n, forest, shown)[0, :, 0].tolist()
    [False, True, False, False, False]
    """
    shown = np.broadcast_to(shown, direct_n.shape)
    hidden_n = np.zeros(direct_n.shape, dtype=np.int64)  # hidden answers not under a shown unit
    counting = np.zeros(direct_n.shape, dtype=bool)
    for node in forest.postorder:
        below = sum((hidden_n[:, child] for child in forest.children[node]), np.int64(0))
        here = shown[:, node]
        counting[:, node] = here & (below == 0)
        hidden_n[:, node] = np.where(here, 0, below + direct_n[:, node])
    return counting


def _respondent_counts(
    respondents: pd.DataFrame | None, forest: Forest, waves: tuple[Hashable, ...]
) -> np.ndarray:
    """Answers attached directly to each unit, per wave: shape (units, waves)."""
    direct = np.zeros((len(forest.ids), len(waves)), dtype=np.int64)
    if respondents is None or respondents.empty:
        return direct
    missing = [c for c in ("wave_id", "unit_id", "n") if c not in respondents.columns]
    if missing:
        raise InvalidInput(f"the respondent frame lacks the columns {missing}")
    counts = respondents["n"].to_numpy(dtype="float64", na_value=np.nan)
    if not (np.isfinite(counts).all() and (counts >= 0).all() and (counts == counts.round()).all()):
        raise InvalidInput("respondent counts n must be whole numbers >= 0")
    u = _codes(respondents["unit_id"], forest.ids, InvalidTree, "units outside the tree")
    w = _codes(respondents["wave_id"], waves, InvalidInput, "waves without a phase")
    np.add.at(direct, (u, w), counts.astype(np.int64))
    return direct


def _checked_frame(
    histograms: pd.DataFrame, forest: Forest, waves: tuple[Hashable, ...]
) -> pd.DataFrame:
    missing = [c for c in HISTOGRAM_COLUMNS if c not in histograms.columns]
    if missing:
        raise InvalidInput(f"the histogram frame lacks the columns {missing}")
    frame = histograms.loc[:, list(HISTOGRAM_COLUMNS)]
    counts = frame["n"].to_numpy(dtype="float64", na_value=np.nan)
    score = frame["score"].to_numpy(dtype="float64", na_value=np.nan)
    if not (np.isfinite(counts).all() and (counts >= 0).all() and (counts == counts.round()).all()):
        raise InvalidInput("histogram counts n must be whole numbers >= 0")
    if not (np.isfinite(score).all() and (score >= 0).all() and (score <= 100).all()):
        raise InvalidInput("construct scores must lie between 0 and 100")
    return frame


def _codes(
    column: pd.Series, labels: tuple[Hashable, ...], error: type[Exception], what: str
) -> np.ndarray:
    """Position of every value of ``column`` in ``labels``; raise on values not in ``labels``."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    positions = pd.Index(labels, dtype=object).get_indexer(pd.Index(uniques, dtype=object))
    if (positions < 0).any():
        unknown = [value for value, pos in zip(uniques, positions, strict=True) if pos < 0]
        raise error(f"histograms name {what}: {unknown[:5]}")
    return positions[codes]


def _direct_counts(
    frame: pd.DataFrame,
    forest: Forest,
    waves: tuple[Hashable, ...],
    constructs: tuple[Hashable, ...],
    scores: np.ndarray,
) -> np.ndarray:
    shape = (len(constructs), len(forest.ids), len(waves), scores.size)
    c = _codes(frame["construct"], constructs, InvalidInput, "unknown constructs")
    u = _codes(frame["unit_id"], forest.ids, InvalidTree, "units outside the tree")
    w = _codes(frame["wave_id"], waves, InvalidInput, "waves without a phase")
    b = np.searchsorted(scores, frame["score"].to_numpy(dtype="float64"))
    flat = np.ravel_multi_index((c, u, w, b), shape)
    weights = frame["n"].to_numpy(dtype="float64")
    total = np.bincount(flat, weights=weights, minlength=int(np.prod(shape)))
    return np.rint(total).astype(np.int64).reshape(shape)


def _subtree_sums(direct: np.ndarray, forest: Forest) -> np.ndarray:
    """Add every unit's counts into all its ancestors (axis 1 is the unit)."""
    total = direct.copy()
    for node in forest.postorder:
        up = forest.parent[node]
        if up >= 0:
            total[:, up] += total[:, node]
    return total


def _phase_sums(per_wave: np.ndarray, phase_of_wave: np.ndarray, n_phases: int) -> np.ndarray:
    """Sum axis 2 (waves) into phases."""
    shape = per_wave.shape[:2] + (n_phases,) + per_wave.shape[3:]
    total = np.zeros(shape, dtype=per_wave.dtype)
    for phase in range(n_phases):
        total[:, :, phase] = per_wave[:, :, phase_of_wave == phase].sum(axis=2)
    return total


def _org_visible(forest: Forest, direct_n: np.ndarray, k: int) -> np.ndarray:
    """One joint visibility per period over every measure; ``direct_n`` is (M, U, periods).

    Returns shape (U, periods): the same cells are hidden for every construct and count.
    """
    shown = np.zeros(direct_n.shape[1:], dtype=bool)
    for period in range(direct_n.shape[2]):
        columns = direct_n[:, :, period]
        if columns.any():
            measures = [column.tolist() for column in columns]
            shown[:, period] = joint_visible_mask(forest, measures, k)
    return shown


def _all_or_none(
    wave_org: np.ndarray, answered: np.ndarray, phase_shown: np.ndarray, phase_of_wave: np.ndarray
) -> np.ndarray:
    """Waves a unit may show: within a phase all its answered waves, or none. Shape (U, W)."""
    fine = wave_org | ~answered
    shown = np.zeros(wave_org.shape, dtype=bool)
    for phase in range(phase_shown.shape[1]):
        in_phase = phase_of_wave == phase
        unit_ok = fine[:, in_phase].all(axis=1) & phase_shown[:, phase]
        shown[:, in_phase] = unit_ok[:, None] & answered[:, in_phase]
    return shown


def _complete_phases(
    wave_shown: np.ndarray,
    answered: np.ndarray,
    phase_of_wave: np.ndarray,
    phases: tuple[Hashable, ...],
) -> np.ndarray:
    """Phase totals a unit may show when waves are preferred: all its answered waves shown."""
    fine = wave_shown | ~answered
    shown = np.zeros((wave_shown.shape[0], len(phases)), dtype=bool)
    for phase in range(len(phases)):
        in_phase = phase_of_wave == phase
        shown[:, phase] = fine[:, in_phase].all(axis=1) & answered[:, in_phase].any(axis=1)
    return shown
