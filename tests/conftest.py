"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.helpers import tiny_scenario


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
