"""End to end: the shipped scenarios load, run and balance."""

from __future__ import annotations

import pytest

import simfuel
from tests.helpers import SCENARIOS


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_shipped_scenario_runs_and_balances(path):
    result = simfuel.run(path, seed=3)
    result.check_balance()
    assert len(result.daily) == result.scenario.horizon_days
    assert (result.daily["stock_l"] >= 0).all()


def test_tiny_runs(tiny):
    result = simfuel.run(tiny, seed=1)
    result.check_balance()
    s = result.summary()
    assert s["tankers_lost"] == 0
    assert s["delivered_l"] > 0
