"""The shared basis of the dashboards: one project's protected results and the scope's units.

Anonymity is applied once per project to the WHOLE organisation (``analytics.protect_histograms``
says why: protecting only a viewer's subtree lets two viewers' screens be subtracted from each
other); every function here and in ``surveys.dashboards.views`` then returns only units
inside the caller's scope and refuses a unit outside it with ``AccessDenied``.

Only closed waves are shown. A live wave would let someone who watches the dashboard before and
after a colleague answers compute that one answer by subtraction (differencing over time).

The protected basis costs seconds on a large kommune, so it is kept in memory per database and
project, and saved beside the database file with the state of the closed waves it was built
from (``project_basis``). When a wave closes, the wave is added to the basis held (its own
numbers only: each wave's protection depends on that wave alone, and the phases follow from the
waves); anything else that changes the state (an old wave's answers, the organisation, the
project) builds the basis again from every closed wave.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from analytics import (
    ProtectedScores,
    protect_histograms,
    summarise_phases,
    summarise_waves,
    visible_units,
)
from analytics.protection import WaveLayer, wave_layer
from data import imports as import_queries
from data import org as org_queries
from data import projects as project_queries
from data.db import Database
from data.derived import load_saved, save_derived
from data.results import (
    closed_wave_state,
    response_counts,
    score_histograms,
    wave_response_counts,
    waves_started,
)
from medspil.cells import cell_int, cell_timestamp
from medspil.errors import AccessDenied, MedspilError, UnknownProject
from medspil.formatting import date_text
from medspil.i18n import t
from medspil.scope import Scope
from surveys.instruments.instrument import load_instrument
from surveys.together.plan import project_levels

RESPONSES = "_responses"  # pseudo-construct under which response counts are protected
_CACHE_SIZE = 8
T = TypeVar("T")


@dataclass(frozen=True)
class ProjectBasis:
    """Everything the dashboards compute from, for one project as of one day (never scoped).

    ``waves`` holds the closed waves only; ``protected`` is None when none has answers yet.
    ``wave_summaries``/``phase_summaries`` are :func:`analytics.summarise_waves`/``_phases``;
    ``responses`` has per unit subtree and closed wave ``issued``, ``responses`` (None when
    hidden) and ``hidden``. ``comment_groups`` lists the (``unit_id``, ``wave_id``) groups whose
    comments may be read: at least ``k_comments`` respondents, no differencing on the tree.
    """

    project_id: str
    name: str
    k_min: int
    k_comments: int
    constructs: tuple[str, ...]
    construct_names: dict[str, dict[str, str]]
    phases: pd.DataFrame
    waves: pd.DataFrame
    parent: dict[str, str | None]
    names: dict[str, str]
    project_roots: tuple[str, ...]
    unit_levels: dict[tuple[int, str], str]
    protected: ProtectedScores | None
    wave_summaries: pd.DataFrame
    phase_summaries: pd.DataFrame
    responses: pd.DataFrame
    comment_groups: pd.DataFrame
    children: dict[str, list[str]] = field(default_factory=dict)
    # Answers per unit subtree over all closed waves; None where a wave with answers is hidden.
    response_totals: dict[str, int | None] = field(default_factory=dict)
    wave_dates: dict[int, tuple[int, str]] = field(default_factory=dict)
    # (unit_id, wave_id) whose own subtree had answers but fewer than k: only to choose the
    # words for a hidden cell ("færre end k svar" or hidden to protect a small neighbour).
    small_groups: frozenset[tuple[str, int]] = frozenset()
    # Waves brought in by an import (issue 18): wave id -> source, file name, date of import.
    imported: dict[int, dict[str, str]] = field(default_factory=dict)

    def subtree(self, root: str) -> list[str]:
        """``root`` and every unit below it, in tree order."""
        found, stack = [], [root]
        while stack:
            unit = stack.pop()
            found.append(unit)
            stack.extend(reversed(self.children.get(unit, [])))
        return found

    def construct_label(self, construct: str, lang: str) -> str:
        names = self.construct_names.get(construct, {})
        return names.get(lang) or names.get("da") or construct

    def wave_label(self, wave_id: int, lang: str) -> str:
        number, opens = self.wave_dates[int(wave_id)]
        if int(wave_id) in self.imported:
            return t("import.wave_label_dashboard", lang, number=number, date=opens)
        return t("dash.wave_label", lang, number=number, date=opens)


# In memory per database and project: the day's key, the state the basis was built from, the
# basis, the layer it can grow from, and the file's change mark when it was last checked.
_cache: dict[tuple, tuple[tuple, object, ProjectBasis, WaveLayer | None, object]] = {}
_cache_lock = threading.Lock()
# Bump when ProjectBasis or how it is computed changes: saved bases of older code are ignored.
BASIS_FORMAT = 7  # 2: small_groups; 3: imported; 4: one mask for every count; 5: actual levels;
# 6: spreads from shown parts (ProtectedScores.spread_*); 7: saved with its WaveLayer


def project_basis(db: Database, project_id: str, *, today: dt.date) -> ProjectBasis:
    """The protected basis of one project over its closed waves, built once per state.

    Per call the file's change mark (``Database.change_mark``): when nothing was written since
    the basis was checked on the same day, it stands without a query. Otherwise one cheap
    question (responses per closed wave). When that changes, or the day does, the full state
    of the closed waves is read (``closed_wave_state``); the basis is updated only when that
    state differs from the one it was built from: grown by the newly closed waves when they are
    all that changed (``_grown_basis``), else built again. A basis built before is read back
    from beside the database file (``data.derived``), so a restart does not recompute it.
    Answers arriving in the open wave change nothing here: only closed waves are shown.
    """
    place = (id(db), str(db.path), project_id)
    mark = db.change_mark()  # before the query: a write after it moves the mark
    with _cache_lock:
        cached_key, cached_state, cached, layer, cached_mark = _cache.get(place, (None,) * 5)
    if cached is not None and mark is not None and cached_mark == (today, mark):
        return cached
    counts = wave_response_counts(db, project_id, closed_before=today)
    key = (today, counts)
    if cached is not None and cached_key == key:
        with _cache_lock:
            _cache[place] = (key, cached_state, cached, layer, (today, mark) if mark else None)
        return cached
    state = (BASIS_FORMAT, closed_wave_state(db, project_id, closed_before=today))
    if cached is not None and cached_state == state:
        basis = cached  # a new day without a newly closed wave
    else:
        name = f"basis-{project_id}"
        if cached is None:  # first use in this process: what was saved before a restart
            cached_state, cached, layer = _saved_basis(db, name)
        if cached is not None and cached_state == state:
            basis = cached
        else:
            grown = _grown_basis(db, project_id, today, cached_state, cached, layer, state)
            basis, layer = grown or _build_basis(db, project_id, today)
            save_derived(db, name, state, (basis, layer))
    with _cache_lock:
        if len(_cache) >= _CACHE_SIZE and place not in _cache:
            del _cache[next(iter(_cache))]
        _cache[place] = (key, state, basis, layer, (today, mark) if mark else None)
    return basis


def _saved_basis(db: Database, name: str) -> tuple[object, ProjectBasis | None, WaveLayer | None]:
    """The state, basis and layer saved under ``name`` (Nones when there is no usable one)."""
    saved = load_saved(db, name)
    if saved is not None:
        state, value = saved
        if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], ProjectBasis):
            layer = value[1] if isinstance(value[1], WaveLayer) else None
            return state, value[0], layer
    return None, None, None


# What is derived from one basis alone (its alarms, its units per scope), kept while the basis
# lives: a basis never changes, and a view asks for these again on every page run.
_derived: dict[tuple[int, Hashable], tuple[weakref.ref, object]] = {}
_derived_lock = threading.Lock()


def per_basis(basis: ProjectBasis, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` once per basis and ``key``; later calls return the same object (callers
    must not change it). Entries go when their basis is gone."""
    place = (id(basis), key)
    with _derived_lock:
        cached = _derived.get(place)
    if cached is not None and cached[0]() is basis:
        return cached[1]  # type: ignore[return-value]
    found = compute()
    with _derived_lock:
        for old in [k for k, (ref, _) in _derived.items() if ref() is None]:
            del _derived[old]
        _derived[place] = (weakref.ref(basis), found)
    return found


def kept_projects(db: Database) -> list[str]:
    """The projects whose basis this process keeps in memory for ``db`` (the ones viewed)."""
    with _cache_lock:
        return [pid for (db_id, path, pid) in _cache if (db_id, path) == (id(db), str(db.path))]


def forget_bases() -> None:
    """Drop the bases kept in memory (after a change to the organisation or a project)."""
    with _cache_lock:
        _cache.clear()


@dataclass(frozen=True)
class _Outline:
    """What a basis needs besides the answers: the project, the organisation, the closed waves."""

    project: dict
    units: pd.DataFrame
    parent: dict  # unit id -> parent id (None for a root)
    children: dict[str, list[str]]
    phases: pd.DataFrame
    waves: pd.DataFrame  # the closed waves, in order
    wave_phase: dict[Hashable, Hashable]

    @property
    def k(self) -> int:
        return int(self.project["k_min"])


def _outline(db: Database, project_id: str, today: dt.date) -> _Outline:
    project = project_queries.project(db, project_id)
    if project is None:
        raise UnknownProject(project=project_id)
    units = org_queries.units(db)
    parent = dict(zip(units["id"], units["parent_id"], strict=True))
    children: dict[str, list[str]] = {}
    for unit, up in parent.items():
        if up is not None:
            children.setdefault(up, []).append(unit)
    waves = project_queries.waves(db, project_id)
    waves = waves[pd.to_datetime(waves["closes"]).dt.date < today].reset_index(drop=True)
    wave_phase: dict[Hashable, Hashable] = dict(
        zip(waves["id"].astype(int), waves["phase_id"].astype(int), strict=True)
    )
    phases = project_queries.phases(db, project_id)
    return _Outline(project, units, parent, children, phases, waves, wave_phase)


def _build_basis(
    db: Database, project_id: str, today: dt.date
) -> tuple[ProjectBasis, WaveLayer | None]:
    """The basis from every closed wave, and the layer it can later grow from."""
    outline = _outline(db, project_id, today)
    histograms = score_histograms(db, project_id, Scope.admin())
    histograms = histograms[histograms["wave_id"].isin(outline.wave_phase)]
    counts = response_counts(db, project_id, Scope.admin())
    counts = counts[counts["wave_id"].isin(outline.wave_phase)]
    # One protection step for every number: scores, construct n and answers share one mask.
    layer, protected = None, None
    if not histograms.empty:
        layer = wave_layer(
            histograms,
            parent=outline.parent,
            wave_phase=outline.wave_phase,
            k=outline.k,
            respondents=_respondents(counts),
        )
        protected = layer.protected()
    answers = _answer_protection(protected, counts, outline.parent, outline.wave_phase, outline.k)
    basis = _basis(
        db,
        outline,
        protected,
        wave_summaries=summarise_waves(protected) if protected else pd.DataFrame(),
        responses=_protected_responses(answers, counts, outline.parent),
        comment_groups=_comment_groups(counts, outline.parent, int(outline.project["k_comments"])),
        small_groups=_small_groups(counts, outline.parent, outline.k),
        response_totals=_response_totals(answers),
    )
    return basis, layer


def _grown_basis(
    db: Database,
    project_id: str,
    today: dt.date,
    before: object,
    basis: ProjectBasis | None,
    layer: WaveLayer | None,
    state: object,
) -> tuple[ProjectBasis, WaveLayer] | None:
    """``basis`` (built from state ``before``) with the waves that have closed since: only
    their numbers are read and protected. None when anything else changed, or when the result
    could differ from a build from every closed wave (``WaveLayer.grown``); the tests compare
    the two field by field."""
    if basis is None or layer is None or basis.protected is None:
        return None
    if not _only_waves_added(before, state):
        return None
    outline = _outline(db, project_id, today)
    known = len(layer.waves)
    added = outline.waves["id"].astype(int).tolist()[known:]
    if list(outline.wave_phase)[:known] != list(layer.waves) or not added:
        return None
    histograms = score_histograms(db, project_id, Scope.admin(), waves=added)
    counts = response_counts(db, project_id, Scope.admin(), waves=added)
    grown = layer.grown(histograms, wave_phase=outline.wave_phase, respondents=_respondents(counts))
    if grown is None:
        return None
    protected = grown.protected()
    cells = len(protected.constructs) * len(protected.units)
    width = (known, len(added))
    wave_summaries = _interleaved(
        basis.wave_summaries, summarise_waves(protected, from_wave=known), cells, width
    )
    responses = _interleaved(
        basis.responses,
        _protected_responses(protected, counts, outline.parent, from_wave=known),
        len(protected.units),
        width,
    )
    comments = _comment_groups(counts, outline.parent, int(outline.project["k_comments"]))
    grown_basis = _basis(
        db,
        outline,
        protected,
        wave_summaries=wave_summaries,
        responses=responses,
        comment_groups=_appended(basis.comment_groups, comments),
        small_groups=basis.small_groups | _small_groups(counts, outline.parent, outline.k),
        response_totals=_response_totals(protected),
    )
    return grown_basis, grown


def _only_waves_added(before: Any, state: Any) -> bool:
    """Whether ``state`` is ``before`` with more closed waves after its own (same format,
    organisation and project; the earlier waves unchanged, answers and codes included)."""
    try:
        old_format, (old_waves, old_structure) = before
        new_format, (new_waves, structure) = state
    except (TypeError, ValueError):
        return False
    if not isinstance(old_waves, tuple) or not isinstance(new_waves, tuple):
        return False
    return (
        old_format == new_format
        and old_structure == structure
        and len(new_waves) > len(old_waves)
        and new_waves[: len(old_waves)] == old_waves
    )


def _interleaved(
    old: pd.DataFrame, new: pd.DataFrame, blocks: int, width: tuple[int, int]
) -> pd.DataFrame:
    """Two frames of ``blocks`` runs of waves each (``width`` waves in ``old`` and in ``new``),
    as one: in every run the old waves, then the new (the row order of a full summary)."""
    old_rows = np.arange(blocks * width[0]).reshape(blocks, width[0])
    new_rows = blocks * width[0] + np.arange(blocks * width[1]).reshape(blocks, width[1])
    order = np.concatenate([old_rows, new_rows], axis=1).ravel()
    joined = pd.concat([old, new], ignore_index=True)
    return joined.take(order).reset_index(drop=True)


def _appended(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """``new``'s rows after ``old``'s (an empty frame adds nothing, and no dtype)."""
    if new.empty:
        return old
    if old.empty:
        return new
    return pd.concat([old, new], ignore_index=True)


def _respondents(counts: pd.DataFrame) -> pd.DataFrame:
    return counts.rename(columns={"responses": "n"})[["wave_id", "unit_id", "n"]]


def _basis(
    db: Database, outline: _Outline, protected: ProtectedScores | None, **answers: object
) -> ProjectBasis:
    """A basis from its outline and what was computed from the answers (``answers``)."""
    project, waves, units = outline.project, outline.waves, outline.units
    project_id = str(project["id"])
    return ProjectBasis(
        project_id=project_id,
        name=str(project["name"]),
        k_min=outline.k,
        k_comments=int(project["k_comments"]),
        constructs=_ordered_constructs(project, protected),
        construct_names=_construct_names(str(project["instrument_id"])),
        phases=outline.phases,
        waves=waves,
        parent=outline.parent,
        names=dict(zip(units["id"], units["name"], strict=True)),
        project_roots=tuple(project_queries.project_units(db, project_id)),
        unit_levels=project_levels(db, project_id),
        protected=protected,
        phase_summaries=summarise_phases(protected) if protected else pd.DataFrame(),
        children=outline.children,
        wave_dates={
            int(w): (int(n), _date(o))
            for w, n, o in zip(waves["id"], waves["number"], waves["opens"], strict=True)
        },
        imported=_imported_waves(db, project_id),
        **answers,  # type: ignore[arg-type]
    )


def _small_groups(counts: pd.DataFrame, parent: dict, k: int) -> frozenset[tuple[str, int]]:
    """The (unit subtree, wave) groups with at least one but fewer than k responses."""
    totals: dict[tuple[str, int], int] = {}
    for unit_id, wave_id, responses in zip(
        counts["unit_id"], counts["wave_id"], counts["responses"], strict=True
    ):
        unit: str | None = unit_id
        while unit is not None:
            key = (unit, int(wave_id))
            totals[key] = totals.get(key, 0) + int(responses)
            unit = parent.get(unit)
    return frozenset(key for key, n in totals.items() if 0 < n < k)


def _imported_waves(db: Database, project_id: str) -> dict[int, dict[str, str]]:
    found = import_queries.imported_waves(db, project_id)
    return {
        cell_int(row.wave_id): {
            "source": str(row.source),
            "file": str(row.file_name),
            "imported_on": _iso_day(row.imported_on),
        }
        for row in found.itertuples()
    }


def _iso_day(value: object) -> str:
    return cell_timestamp(value).date().isoformat()


def _ordered_constructs(project: dict, protected: ProtectedScores | None) -> tuple[str, ...]:
    if protected is None:
        return ()
    try:
        order = [c.id for c in load_instrument(str(project["instrument_id"])).constructs]
    except MedspilError:
        order = []
    present = [str(construct) for construct in protected.constructs]
    return tuple(sorted(present, key=lambda c: (order.index(c) if c in order else 99, c)))


def _construct_names(instrument_id: str) -> dict[str, dict[str, str]]:
    try:
        instrument = load_instrument(instrument_id)
    except MedspilError:
        return {}
    return {c.id: dict(c.name) for c in instrument.constructs}


def _answer_protection(
    protected: ProtectedScores | None, counts: pd.DataFrame, parent: dict, wave_phase: dict, k: int
) -> ProtectedScores | None:
    """The protection that holds the answer counts: the scores' own, or (no scores yet) one of
    the answers alone."""
    if protected is not None or not (counts["responses"] > 0).any():
        return protected
    answered = counts[counts["responses"] > 0]
    frame = pd.DataFrame(
        {
            "wave_id": answered["wave_id"],
            "unit_id": answered["unit_id"],
            "construct": RESPONSES,
            "score": 0.0,
            "n": answered["responses"],
        }
    )
    respondents = frame[["wave_id", "unit_id", "n"]]
    return protect_histograms(
        frame, parent=parent, wave_phase=wave_phase, k=k, respondents=respondents
    )


def _protected_responses(
    protected: ProtectedScores | None, counts: pd.DataFrame, parent: dict, *, from_wave: int = 0
) -> pd.DataFrame:
    """Answers per unit subtree and closed wave under the scores' mask; codes issued alongside.

    Rows by unit, then wave; with ``from_wave`` only the waves from that position on."""
    columns = ["unit_id", "wave_id", "issued", "responses", "hidden"]
    if protected is None or protected.respondent_wave_counts is None:
        return pd.DataFrame(columns=columns)
    hidden = protected.wave_hidden[0]
    answers = protected.respondent_wave_counts
    u, w = np.indices(hidden[:, from_wave:].shape).reshape(2, -1)
    w = w + from_wave
    frame = pd.DataFrame(
        {
            "unit_id": [protected.units[i] for i in u],
            "wave_id": [protected.waves[i] for i in w],
            # Ints and None, whatever the mix (pandas would make ints with a None floats).
            "responses": np.array(
                [None if hidden[a, b] else int(answers[a, b]) for a, b in zip(u, w, strict=True)],
                dtype=object,
            ),
            "hidden": hidden[u, w],
        }
    )
    issued = _subtree_sums(counts, parent)
    merged = frame.merge(issued, on=["unit_id", "wave_id"], how="left")
    merged["issued"] = merged["issued"].fillna(0).astype(int)
    return merged[columns]


def _response_totals(protected: ProtectedScores | None) -> dict[str, int | None]:
    """Answers per unit subtree over every closed wave, None where any is hidden."""
    if protected is None or protected.respondent_totals is None:
        return {}
    totals = protected.respondent_totals
    return {
        str(unit): int(n) if n else None for unit, n in zip(protected.units, totals, strict=True)
    }


def _comment_groups(counts: pd.DataFrame, parent: dict, k_comments: int) -> pd.DataFrame:
    """Per closed wave, the unit subtrees large enough to read their comments.

    Comments carry their wave, never a phase total, so only the organisation tree needs the
    rule (a shown group minus its shown sub-groups must leave 0 or at least k_comments).
    """
    rows = []
    for wave_id, wave in counts.groupby("wave_id"):
        direct = dict(zip(wave["unit_id"], wave["responses"].astype(int), strict=True))
        if sum(direct.values()) == 0:
            continue
        # Sorted: a set's order changes from process to process (string hashing).
        for unit in sorted(visible_units(direct, parent, k=max(k_comments, 3)), key=str):
            rows.append((unit, cell_int(wave_id)))
    return pd.DataFrame(rows, columns=["unit_id", "wave_id"])


def _subtree_sums(counts: pd.DataFrame, parent: dict) -> pd.DataFrame:
    """Codes issued per unit subtree and wave (codes issued are not a respondent count)."""
    totals: dict[tuple[str, int], int] = {}
    waves = counts["wave_id"].astype("int64").tolist()  # plain ints at once, not per cell
    issued = counts["issued"].astype("int64").tolist()
    for start, wave, n in zip(counts["unit_id"].astype(str).tolist(), waves, issued, strict=True):
        unit: str | None = start
        while unit is not None:
            key = (unit, wave)
            totals[key] = totals.get(key, 0) + n
            unit = parent.get(unit)
    return pd.DataFrame(
        [(u, w, n) for (u, w), n in totals.items()], columns=["unit_id", "wave_id", "issued"]
    )


# --- scope -----------------------------------------------------------------------------------


def visible_projects(db: Database, scope: Scope, *, today: dt.date | None = None) -> pd.DataFrame:
    """The projects that involve at least one unit the scope may see (all project columns).

    With ``today``, ordered by how many waves have started by then, most first (the project
    followed longest leads); without it (a check of who may see what), by name.
    """
    all_projects = project_queries.projects(db)
    started = waves_started(db, today) if today is not None else {}
    all_projects = all_projects.assign(_started=all_projects["id"].map(started).fillna(0))
    all_projects = all_projects.sort_values(["_started", "name"], ascending=[False, True])
    all_projects = all_projects.drop(columns="_started").reset_index(drop=True)
    if scope.sees_everything:
        return all_projects
    visible = set(org_queries.visible_unit_ids(db, scope))
    keep = [
        bool(set(org_queries.subtree_ids(db, project_queries.project_units(db, pid))) & visible)
        for pid in all_projects["id"]
    ]
    return all_projects[keep].reset_index(drop=True)


def require_project(db: Database, scope: Scope, project_id: str) -> None:
    """Raise ``AccessDenied`` unless the scope may see the project (the ids a scope may see are
    remembered while the file is unchanged: every view asks on every page run)."""
    ids = db.while_unchanged(
        ("visible_projects", scope), lambda: frozenset(visible_projects(db, scope)["id"])
    )
    if project_id not in ids:
        raise AccessDenied()


def scope_units(basis: ProjectBasis, scope: Scope) -> set[str]:
    """Every unit the scope may see (its subtrees)."""
    if scope.sees_everything:
        return set(basis.parent)
    return {
        u for root in scope.unit_roots or () if root in basis.parent for u in basis.subtree(root)
    }


def headline_units(basis: ProjectBasis, scope: Scope) -> list[str]:
    """Per scope root, the smallest unit that holds all of the project's people under it."""
    in_project = units_in_project(basis)
    roots = (
        [u for u, up in basis.parent.items() if up is None]
        if scope.sees_everything
        else sorted(scope.unit_roots or ())
    )
    found: list[str] = []
    for root in roots:
        if root not in basis.parent:
            continue
        if root in in_project:
            found.append(root)
            continue
        inside = [r for r in basis.project_roots if root in _ancestors(basis, r)]
        if inside:
            found.append(_common_ancestor(basis, inside))
    return list(dict.fromkeys(found))


def unit_choices(basis: ProjectBasis, scope: Scope) -> list[tuple[str, int]]:
    """The units a view may be asked about: ``(unit_id, depth)`` in tree order.

    The headline units first, then every unit of the project inside the scope.
    """
    return list(per_basis(basis, ("unit_choices", scope), lambda: _unit_choices(basis, scope)))


def _unit_choices(basis: ProjectBasis, scope: Scope) -> tuple[tuple[str, int], ...]:
    allowed = scope_units(basis, scope)
    # A unit is involved when it lies in a project subtree or above one (an area holding some
    # of the project's units).
    involved = units_in_project(basis) | {
        up for root in basis.project_roots for up in _ancestors(basis, root)
    }
    choices: list[tuple[str, int]] = []
    for head in headline_units(basis, scope):
        stack = [(head, 0)]
        while stack:  # the subtree in tree order (as ProjectBasis.subtree), with depths
            unit, depth = stack.pop()
            if unit in allowed and (unit == head or unit in involved):
                choices.append((unit, depth))
            stack.extend((child, depth + 1) for child in reversed(basis.children.get(unit, [])))
    return tuple(dict.fromkeys(choices))


def units_in_project(basis: ProjectBasis) -> frozenset[str]:
    """Every unit in the project's subtrees."""
    return per_basis(
        basis,
        "project_units",
        lambda: frozenset(u for root in basis.project_roots for u in basis.subtree(root)),
    )


def require_unit(basis: ProjectBasis, scope: Scope, unit_id: str) -> None:
    """Raise ``AccessDenied`` unless ``unit_id`` is one of the scope's units in this project."""
    if unit_id not in {u for u, _ in unit_choices(basis, scope)}:
        raise AccessDenied()


def involvement_of(basis: ProjectBasis, unit_id: str, phase_id: int) -> str | None:
    """The unit's involvement level in a phase; None when its parts were involved differently.

    Remembered per basis: Overblik's findings ask it for every finding's unit, its parent's
    other units and the phase before (thousands of times on a large kommune).
    """
    known = per_basis(basis, "involvement_levels", dict)  # a memo: only ever added to
    key = (unit_id, int(phase_id))
    if key not in known:
        known[key] = _involvement_of(basis, unit_id, int(phase_id))
    return known[key]


def _involvement_of(basis: ProjectBasis, unit_id: str, phase_id: int) -> str | None:
    default = str(basis.phases.loc[basis.phases["id"] == phase_id, "involvement"].iloc[0])
    inside = units_in_project(basis)
    leaves = [u for u in basis.subtree(unit_id) if u in inside and not basis.children.get(u)]
    levels = set()
    for leaf in leaves or [unit_id]:
        level = default
        for unit in [leaf, *_ancestors(basis, leaf)]:
            if (phase_id, unit) in basis.unit_levels:
                level = basis.unit_levels[(phase_id, unit)]
                break
        levels.add(level)
    return levels.pop() if len(levels) == 1 else None


def _ancestors(basis: ProjectBasis, unit: str) -> list[str]:
    found = []
    up = basis.parent.get(unit)
    while up is not None:
        found.append(up)
        up = basis.parent.get(up)
    return found


def _common_ancestor(basis: ProjectBasis, units: Iterable[Hashable]) -> str:
    paths = [[u, *_ancestors(basis, str(u))][::-1] for u in units]
    common = paths[0][0]
    for level in zip(*paths, strict=False):
        if len(set(level)) != 1:
            break
        common = level[0]
    return str(common)


def _date(value: object) -> str:
    return date_text(cell_timestamp(value).date())


def picker_options(db: Database, scope: Scope, project_id: str, *, today: dt.date) -> dict:
    """What the scope may pick in a project: units (id -> name indented by depth), constructs
    and their names, closed wave numbers, and the phases that have closed waves (id -> kind)."""
    basis = project_basis(db, project_id, today=today)
    units = unit_choices(basis, scope)
    with_waves = set(basis.waves["phase_id"])
    return {
        "units": {u: "\u2003" * depth + basis.names[u] for u, depth in units},
        "constructs": basis.constructs,
        "construct_names": basis.construct_names,
        "waves": [int(n) for n in basis.waves["number"]],
        "phases": {
            int(p): kind
            for p, kind in zip(basis.phases["id"], basis.phases["kind"], strict=True)
            if p in with_waves
        },
    }
