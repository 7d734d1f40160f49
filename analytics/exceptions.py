"""Errors the analytics raise on input they cannot interpret; both are ``ValueError``s."""

from __future__ import annotations


class InvalidInput(ValueError):
    """Input that no statistic can be computed from, e.g. an item value outside 1..5."""


class InvalidTree(InvalidInput):
    """A unit or time tree that is not a forest: unknown parents, cycles, negative counts."""
