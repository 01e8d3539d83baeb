"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.helpers import tiny_scenario

# `make test` runs the suite on every core with pytest-xdist. Its `load` scheduler hands each
# worker a first pair of tests, then one test at a time (`--maxschedchunk 1`: with bigger
# chunks a worker's queue sat behind a notebook while the other worker idled). The notebooks
# take minutes each (04, the calibration, about three on two cores; the rest of the suite
# about five on one), so they go first, paired so that 04 shares a worker with the shortest:
# worker one gets 04 and 01, worker two 03 and 02, and every other test fills in after.
# Order only: each test runs the same.
_LONGEST_FIRST = (
    "tests/test_notebooks.py::test_notebook_runs[04-calibration]",
    "tests/test_notebooks.py::test_notebook_runs[01-quickstart]",
    "tests/test_notebooks.py::test_notebook_runs[03-escort-policy]",
    "tests/test_notebooks.py::test_notebook_runs[02-mali-2025]",
    "tests/test_docs.py::test_readme_python_blocks_run",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Move the known long tests to the front, in ``_LONGEST_FIRST``'s order; others keep theirs.

    A notebook not in the list (a new one) goes just after the listed ones.
    """

    def rank(item: pytest.Item) -> int:
        if item.nodeid in _LONGEST_FIRST:
            return _LONGEST_FIRST.index(item.nodeid)
        if item.get_closest_marker("notebooks") and "test_notebook_runs" in item.nodeid:
            return len(_LONGEST_FIRST)
        return len(_LONGEST_FIRST) + 1

    items.sort(key=rank)  # stable: the rest stay in collection order


@pytest.fixture
def tiny() -> dict[str, Any]:
    """A one-corridor, 20-day scenario as a plain mapping (a fresh copy per test)."""
    return tiny_scenario()


@pytest.fixture(autouse=True)
def _engine_registries(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Classes a test registers are gone after it (names and classes both).

    The README's own example registers a class when tests/test_docs.py runs it; without
    this, a later test saw that name taken.
    """
    from simfuel.scenario.schema import ENGINE_CHOICES
    from simfuel.sim.dispatch import DISPATCH_POLICIES
    from simfuel.sim.escort_kinds import ESCORT_KINDS
    from simfuel.sim.formation import FORMATION_RULES
    from simfuel.sim.rationing import RATIONING_RULES
    from simfuel.sim.threats import THREAT_MODELS

    registries = (ESCORT_KINDS, FORMATION_RULES, THREAT_MODELS, DISPATCH_POLICIES, RATIONING_RULES)
    for registry in registries:
        monkeypatch.setattr(registry, "_classes", dict(registry._classes))
    for what, names in ENGINE_CHOICES.items():
        monkeypatch.setitem(ENGINE_CHOICES, what, list(names))
    yield
