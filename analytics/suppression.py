"""Anonymity: which groups of a unit tree may be shown (minimum size k, no differencing).

The same rules protect the organisation tree (a unit's group is its whole subtree) and time (a
phase is the parent of its waves). A shown group must have at least k respondents, and for every
shown group the respondents that belong to none of its nearest shown sub-groups (its remainder)
number 0 or at least k, so no hidden group can be computed by subtracting shown ones.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass

from analytics.exceptions import InvalidTree


@dataclass(frozen=True)
class Forest:
    """A unit tree (or forest) indexed for repeated suppression runs; see :func:`build_forest`."""

    ids: tuple[Hashable, ...]
    index: Mapping[Hashable, int]
    parent: tuple[int, ...]  # -1 for a root
    children: tuple[tuple[int, ...], ...]
    postorder: tuple[int, ...]  # every unit after all of its descendants
    rank: tuple[int, ...] = ()  # position of every unit in sorted id order (the tie-break)


def build_forest(parent: Mapping[Hashable, Hashable | None]) -> Forest:
    """Index a ``unit id -> parent id`` mapping (``None`` for a root); raise on non-trees."""
    ids = tuple(parent)
    index = {unit: i for i, unit in enumerate(ids)}
    parents = []
    for unit in ids:
        up = parent[unit]
        if up is not None and up not in index:
            raise InvalidTree(f"unit {unit!r} has parent {up!r}, which is not in the tree")
        parents.append(-1 if up is None else index[up])
    children: list[list[int]] = [[] for _ in ids]
    for i, up in enumerate(parents):
        if up >= 0:
            children[up].append(i)
    postorder = _postorder(parents, children)
    if len(postorder) != len(ids):
        raise InvalidTree("the parent mapping contains a cycle")
    rank = [0] * len(ids)
    for position, i in enumerate(sorted(range(len(ids)), key=lambda i: _sort_key(ids[i]))):
        rank[i] = position
    return Forest(
        ids, index, tuple(parents), tuple(map(tuple, children)), tuple(postorder), tuple(rank)
    )


def _sort_key(unit: Hashable) -> tuple[str, str]:
    """Ids ordered by type name, then text: the same in every process (never hash order)."""
    return (type(unit).__name__, f"{unit:>20}" if isinstance(unit, int) else str(unit))


def _postorder(parents: list[int], children: list[list[int]]) -> list[int]:
    order: list[int] = []
    for root in (i for i, up in enumerate(parents) if up < 0):
        stack = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
            else:
                stack.append((node, True))
                stack.extend((child, False) for child in reversed(children[node]))
    return order


def visible_units(
    counts: Mapping[Hashable, int], parent: Mapping[Hashable, Hashable | None], k: int = 5
) -> set[Hashable]:
    """The units whose results may be shown without breaking anonymity.

    Guarantees: (1) every visible unit's subtree has at least ``k`` respondents; (2) for every
    visible unit, the respondents in its subtree outside the subtrees of its nearest visible
    descendants number 0 or at least ``k``; (3) nothing is hidden without need: when every
    subtree has at least ``k`` respondents and every unit's own respondents number 0 or at
    least ``k``, every unit is visible.

    Units start visible when their subtree has ``k`` respondents. Then, children before
    parents, a visible unit whose remainder is between 1 and ``k - 1`` gets its smallest
    nearest visible descendant with a non-empty remainder hidden too (complementary
    suppression; ties go to the smallest unit id, so the same counts hide the same units in
    every process, whatever order ``parent`` lists them in). That descendant's remainder
    has at least ``k`` respondents, so one step repairs the unit and leaves every remainder
    below it untouched. If no such descendant exists the unit itself is hidden and its
    remainder moves up to its nearest visible ancestor, which is repaired in turn.

    Parameters
    ----------
    counts : mapping of unit id to int
        Respondents attached directly to each unit; units missing here have 0.
    parent : mapping of unit id to parent id or None
        The whole tree (``None`` for a root). For time, a phase is the parent of its waves.
    k : int
        Minimum group size; never below 3 (the product's anonymity promise).

    Returns
    -------
    set
        The ids of the units whose results may be shown.

    References
    ----------
    Hundepool A et al. (2012). Statistical Disclosure Control, ch. 4 (secondary cell
    suppression in hierarchical tables). Wiley.

    Examples
    --------
    A team of 3 and a team of 17 under a unit of 20: the small team is hidden, and so is its
    sibling, or the small team would be the unit minus the sibling.

    >>> tree = {"unit": None, "small": "unit", "big": "unit"}
    >>> sorted(visible_units({"small": 3, "big": 17}, tree))
    ['unit']
    """
    forest = build_forest(parent)
    direct = [0] * len(forest.ids)
    for unit, count in counts.items():
        if unit not in forest.index:
            raise InvalidTree(f"unit {unit!r} has respondents but is not in the tree")
        if isinstance(count, bool) or int(count) != count or count < 0:
            raise InvalidTree(f"unit {unit!r} has an invalid respondent count {count!r}")
        direct[forest.index[unit]] = int(count)
    shown = visible_mask(forest, direct, k)
    return {unit for unit, ok in zip(forest.ids, shown, strict=True) if ok}


def visible_mask(
    forest: Forest, direct: list[int], k: int, *, hidden: list[bool] | None = None
) -> list[bool]:
    """:func:`visible_units` on an indexed forest: one flag per unit, in ``forest.ids`` order.

    ``hidden`` marks units that must stay hidden whatever their counts (hidden for another
    measure of the same people, see :func:`joint_visible_mask`); the others are repaired
    around them.
    """
    if isinstance(k, bool) or int(k) != k or k < 3:
        raise InvalidTree(f"k must be a whole number of at least 3, got {k!r}")
    subtree = list(direct)
    for node in forest.postorder:
        up = forest.parent[node]
        if up >= 0:
            subtree[up] += subtree[node]
    visible = [total >= k for total in subtree]
    if hidden is not None:
        visible = [ok and not off for ok, off in zip(visible, hidden, strict=True)]
    covered = [0] * len(subtree)  # respondents inside the nearest visible proper descendants
    remainder = [0] * len(subtree)
    parents = forest.parent
    for node in forest.postorder:  # children first, so covered[node] is complete here
        if visible[node]:
            rest = subtree[node] - covered[node]
            if 0 < rest < k:
                candidates = [d for d in _nearest_visible(forest, visible, node) if remainder[d]]
                if candidates:
                    extra = min(candidates, key=lambda d: (subtree[d], forest.rank[d]))
                    visible[extra] = False
                    rest += remainder[extra]
                    covered[node] -= remainder[extra]
                else:
                    visible[node] = False
            remainder[node] = rest
        up = parents[node]
        if up >= 0:
            covered[up] += subtree[node] if visible[node] else covered[node]
    return visible


def joint_visible_mask(forest: Forest, measures: list[list[int]], k: int) -> list[bool]:
    """One visibility for several counts of the same people (respondents, each construct's n).

    Every measure alone satisfies :func:`visible_units`' guarantees on the shown units, and all
    measures show the same units: hiding a group for one measure but not for another would let
    the other measure's numbers be subtracted out. Each measure's suppression runs with the
    units hidden so far forced hidden, until no measure hides anything new (hidden units only
    grow, so this ends). A measure that is 0 in every unit (a construct the wave did not ask)
    shows no one's score and is left out; where a measure is 0 only in some units, those units
    are below k for it and hidden for every measure.

    Examples
    --------
    >>> tree = build_forest({"top": None, "a": "top", "b": "top", "c": "top"})
    >>> # answers: a 4, b 6, c 7; construct x: a 4, b 6, c 4 (three left c's x items blank)
    >>> shown = joint_visible_mask(tree, [[0, 4, 6, 7], [0, 4, 6, 4]], k=5)
    >>> [unit for unit, ok in zip(tree.ids, shown) if ok]
    ['top']
    """
    hidden = [False] * len(forest.ids)
    active = [direct for direct in measures if any(direct)]
    seen: list[list[bool] | None] = [None] * len(active)  # the forced set each last ran with
    while any(forced != hidden for forced in seen):
        for i, direct in enumerate(active):
            if seen[i] == hidden:
                continue  # same counts, same forced set: the same answer as last time
            seen[i] = list(hidden)
            shown = visible_mask(forest, direct, k, hidden=hidden)
            hidden = [not ok for ok in shown]
    if not any(any(direct) for direct in measures):
        return [False] * len(forest.ids)
    return [not off for off in hidden]


def _nearest_visible(forest: Forest, visible: list[bool], node: int) -> Iterator[int]:
    stack = list(forest.children[node])
    while stack:
        child = stack.pop()
        if visible[child]:
            yield child
        else:
            stack.extend(forest.children[child])
