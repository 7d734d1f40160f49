"""Every example in the analytics docstrings runs and prints what it claims."""

from __future__ import annotations

import doctest
import importlib
import inspect

import pytest

import analytics

STATISTICS_MODULES = [
    "aggregate",
    "arl",
    "aggregate_comparisons",
    "aggregate_shifts",
    "aggregate_series",
    "changepoints",
    "comparisons",
    "involvement_effect",
    "multiplicity",
    "protection",
    "reliability",
    "runchart",
    "scoring",
    "shifts",
    "suppression",
    "trend",
]


@pytest.mark.parametrize("name", STATISTICS_MODULES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(f"analytics.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted > 0, f"analytics.{name} has no example"


@pytest.mark.parametrize("name", analytics.__all__)
def test_every_public_name_is_documented(name: str) -> None:
    item = getattr(analytics, name)
    assert inspect.getdoc(item), f"{name} has no docstring"
    if inspect.isfunction(item):
        hints = item.__annotations__
        assert "return" in hints, f"{name} has no return type"
        parameters = inspect.signature(item).parameters
        assert all(p in hints for p in parameters), f"{name} has untyped parameters"
        assert ">>>" in item.__doc__, f"{name} has no example"
