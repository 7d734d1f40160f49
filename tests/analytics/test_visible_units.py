"""Suppression on a tree: hand-worked cases and the three guarantees over random trees."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import InvalidTree, visible_units
from analytics.suppression import build_forest, joint_visible_mask, visible_mask


def _subtree_total(unit, counts, parent) -> int:
    """Respondents in ``unit``'s subtree, by walking every unit's ancestor chain."""
    total = 0
    for other in parent:
        node = other
        while node is not None:
            if node == unit:
                total += counts.get(other, 0)
                break
            node = parent[node]
    return total


def _nearest_visible_descendants(unit, visible, parent) -> list:
    found = []
    for other in visible:
        node = parent[other]
        while node is not None and node not in visible:
            node = parent[node]
        if node == unit:
            found.append(other)
    return found


def _remainder(unit, visible, counts, parent) -> int:
    inside = sum(
        _subtree_total(d, counts, parent)
        for d in _nearest_visible_descendants(unit, visible, parent)
    )
    return _subtree_total(unit, counts, parent) - inside


def test_a_small_team_takes_its_only_sibling_with_it() -> None:
    # Unit of 20 = team of 3 + team of 17. Showing the unit and the big team would give the
    # small team as 20 - 17 = 3, so the big team is hidden too; the unit's 20 may be shown
    # (its remainder, both teams together, is 20 >= k).
    parent = {"unit": None, "small": "unit", "big": "unit"}
    assert visible_units({"small": 3, "big": 17}, parent, k=5) == {"unit"}


def test_direct_respondents_can_protect_a_small_team() -> None:
    # The unit has 5 respondents of its own: its remainder (own 5 + small team 3) is 8 >= k.
    parent = {"unit": None, "small": "unit", "big": "unit"}
    assert visible_units({"unit": 5, "small": 3, "big": 17}, parent, k=5) == {"unit", "big"}


def test_the_smallest_sibling_is_hidden_first() -> None:
    parent = {"unit": None, "a": "unit", "b": "unit", "c": "unit", "d": "unit"}
    counts = {"a": 2, "b": 9, "c": 6, "d": 30}
    # a is too small; remainder 2 -> hide the smallest other visible team, c (6): 8 >= 5.
    assert visible_units(counts, parent, k=5) == {"unit", "b", "d"}


def test_nothing_is_hidden_when_nothing_needs_to_be() -> None:
    parent = {"top": None, "a": "top", "b": "top", "a1": "a", "a2": "a"}
    counts = {"top": 5, "a": 0, "b": 7, "a1": 5, "a2": 6}
    assert visible_units(counts, parent, k=5) == set(parent)


def test_a_unit_hides_itself_when_no_child_can_help() -> None:
    # root has 2 own respondents over a department whose remainder is 0 (it has none of its own,
    # its two teams are shown). Hiding the department alone would not change the root's
    # remainder, so the root itself is hidden (its 2 then belong to nobody shown).
    parent = {"root": None, "dept": "root", "t1": "dept", "t2": "dept"}
    counts = {"root": 2, "t1": 5, "t2": 6}
    assert visible_units(counts, parent, k=5) == {"dept", "t1", "t2"}


def test_waves_under_a_phase() -> None:
    # Time tree: a phase is the parent of its waves. Wave 2 (2 answers) is hidden, and with it
    # the smallest other wave, so the phase total minus the shown waves is 10 >= k.
    parent = {"phase": None, "w1": "phase", "w2": "phase", "w3": "phase"}
    assert visible_units({"w1": 10, "w2": 2, "w3": 8}, parent, k=5) == {"phase", "w1"}


def test_empty_and_small_trees() -> None:
    assert visible_units({}, {"a": None}, k=5) == set()
    assert visible_units({"a": 4}, {"a": None}, k=5) == set()
    assert visible_units({"a": 5}, {"a": None}, k=5) == {"a"}
    assert visible_units({}, {}, k=3) == set()


def test_invalid_input_is_refused() -> None:
    with pytest.raises(InvalidTree):
        visible_units({"ghost": 3}, {"a": None}, k=5)
    with pytest.raises(InvalidTree):
        visible_units({}, {"a": "nowhere"}, k=5)
    with pytest.raises(InvalidTree):
        visible_units({}, {"a": "b", "b": "a"}, k=5)
    with pytest.raises(InvalidTree):
        visible_units({"a": -1}, {"a": None}, k=5)
    with pytest.raises(InvalidTree):
        visible_units({"a": 2.5}, {"a": None}, k=5)
    with pytest.raises(InvalidTree):
        visible_units({"a": 10}, {"a": None}, k=2)


@st.composite
def trees(draw):
    """Random forests: unit i's parent is None or an earlier unit; counts 0..12; k 3..6."""
    size = draw(st.integers(1, 14))
    parent = {}
    for i in range(size):
        choices = st.one_of(st.none(), st.integers(0, i - 1)) if i else st.none()
        up = draw(choices)
        parent[f"u{i}"] = None if up is None else f"u{up}"
    counts = {unit: draw(st.integers(0, 12)) for unit in parent}
    return counts, parent, draw(st.integers(3, 6))


@settings(max_examples=200, deadline=None)
@given(trees())
def test_guarantees_hold_on_random_trees(case) -> None:
    counts, parent, k = case
    visible = visible_units(counts, parent, k=k)
    for unit in visible:
        # (1) every shown group has at least k respondents
        assert _subtree_total(unit, counts, parent) >= k
        # (2) no hidden group below k can be computed by subtraction
        rest = _remainder(unit, visible, counts, parent)
        assert rest == 0 or rest >= k
    # (3) nothing is hidden without need
    if all(_subtree_total(u, counts, parent) >= k for u in parent) and all(
        counts[u] == 0 or counts[u] >= k for u in parent
    ):
        assert visible == set(parent)


@settings(max_examples=200, deadline=None)
@given(trees())
def test_only_units_big_enough_are_candidates(case) -> None:
    counts, parent, k = case
    big_enough = {u for u in parent if _subtree_total(u, counts, parent) >= k}
    visible = visible_units(counts, parent, k=k)
    assert visible <= big_enough
    # Guarantee (3) for the root alone: a lone unit is shown exactly when it is big enough.
    lone = {"x": None}
    assert visible_units({"x": counts["u0"]}, lone, k=k) == ({"x"} if counts["u0"] >= k else set())


def test_a_tie_is_broken_by_unit_id_whatever_the_tree_order() -> None:
    # The small team (3) needs one sibling hidden with it; B and C tie at 7.
    counts = {"A": 3, "B": 7, "C": 7}
    orders = [["P", "A", "B", "C"], ["C", "B", "A", "P"], ["B", "P", "C", "A"]]
    for order in orders:
        tree = {u: None if u == "P" else "P" for u in order}
        assert visible_units(counts, tree) == {"P", "C"}


def test_the_tie_break_is_the_same_in_every_process() -> None:
    script = (
        "import json, sys; from analytics import visible_units;"
        "ids = [f'T{i}' for i in range(30)];"
        "tree = {u: None if u == 'P' else 'P' for u in {'P', *ids}};"
        "counts = {u: 7 for u in ids} | {'T17': 2};"
        "print(sorted(visible_units(counts, tree)))"
    )
    seen = set()
    for seed in ("0", "1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
        )
        seen.add(done.stdout)
    assert len(seen) == 1
    assert "'T0'" not in seen.pop()  # the smallest id among the tied siblings went


def test_one_mask_for_several_counts_of_the_same_people() -> None:
    forest = build_forest({"P": None, "A": "P", "B": "P", "C": "P"})
    answers = [0, 4, 6, 7]  # A is small: A and B (the smaller sibling) go
    construct = [0, 4, 6, 4]  # C's construct n is small: C goes too, for both counts
    shown = joint_visible_mask(forest, [answers, construct], k=5)
    assert dict(zip(forest.ids, shown, strict=True)) == {
        "P": True,
        "A": False,
        "B": False,
        "C": False,
    }
    assert visible_mask(forest, answers, 5) == [True, False, False, True]


@settings(max_examples=150, deadline=None)
@given(trees(), st.lists(st.integers(0, 4), min_size=14, max_size=14))
def test_a_joint_mask_keeps_the_guarantees_for_every_count(case, blanks) -> None:
    # The answers, and a construct's n that a few people left blank (n <= answers).
    answers, parent, k = case
    construct = {u: max(0, n - blanks[i]) for i, (u, n) in enumerate(answers.items())}
    forest = build_forest(parent)
    measures = [[counts[u] for u in forest.ids] for counts in (answers, construct)]
    shown = joint_visible_mask(forest, measures, k)
    visible = {u for u, ok in zip(forest.ids, shown, strict=True) if ok}
    # A count that is 0 everywhere (a construct this wave did not ask, or one everybody left
    # blank) shows no one's score and does not constrain the mask; every other count does.
    for counts in (c for c in (answers, construct) if any(c.values())):
        for unit in visible:
            assert _subtree_total(unit, counts, parent) >= k
            rest = _remainder(unit, visible, counts, parent)
            assert rest == 0 or rest >= k


def test_a_count_that_is_zero_everywhere_hides_nothing() -> None:
    # The wave did not ask construct x (n 0 in every unit): the answers alone decide, and the
    # zero count shows no one's score. A count that is zero only in some units hides them (A
    # here: P's remainder is then 5 answers and 0 construct respondents, both safe).
    forest = build_forest({"P": None, "A": "P", "B": "P"})
    answers = [0, 5, 6]
    assert joint_visible_mask(forest, [answers, [0, 0, 0]], k=5) == [True, True, True]
    assert joint_visible_mask(forest, [answers, [0, 0, 6]], k=5) == [True, False, True]
