"""The shipped scenarios' outcomes that follow from their design, seed by seed.

Each counterfactual changes one thing from ``mali-2025``; with the same seed (common
random numbers) the consequence of that change shows in every replication, not only on
average.
"""

from __future__ import annotations

from functools import cache

import pytest

import simfuel
from tests.helpers import SCENARIOS

SEEDS = range(5)


@cache
def _run(name: str, seed: int) -> simfuel.RunResult:
    return simfuel.run(simfuel.load_scenario(SCENARIOS / f"{name}.yaml"), seed)


def _paired(name: str, metric: str) -> list[tuple[float, float]]:
    """(scenario, mali-2025) values of ``metric`` for each seed."""
    return [
        (_run(name, s).summary()[metric], _run("mali-2025", s).summary()[metric]) for s in SEEDS
    ]


@pytest.mark.parametrize("seed", SEEDS)
def test_no_blockade_never_rations_loses_nothing_and_serves_all(seed):
    r = _run("no-blockade", seed)
    r.check_balance()
    s = r.summary()
    assert s["first_rationing"] is None and s["first_stockout"] is None
    assert not r.daily["rationing"].any()
    assert s["attacks"] == s["tankers_lost"] == s["days_with_shortfall"] == 0
    assert s["min_days_of_cover"] > r.scenario.rationing.threshold_days


def test_mali_2025_rations_and_loses_tankers():
    # The reference the counterfactuals are measured against is itself a blockade.
    for seed in SEEDS:
        s = _run("mali-2025", seed).summary()
        assert s["first_rationing"] is not None
        assert s["tankers_lost"] > 100


def test_earlier_ground_escort_lowers_paired_losses():
    for escorted, mali in _paired("ground-escort-mid-september", "tankers_lost"):
        assert escorted < mali
    for escorted, mali in _paired("ground-escort-mid-september", "attacks"):
        assert escorted < mali


def test_no_emergency_deal_delivers_less_and_falls_shorter():
    for without, mali in _paired("no-emergency-deal", "delivered_l"):
        assert without < mali
    for without, mali in _paired("no-emergency-deal", "shortfall_l"):
        assert without > mali
