"""Supply that responds: loadings fall with recent losses on the corridor and recover."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

import simfuel
from simfuel.model.supply import recent_losses
from simfuel.scenario import ScenarioError, load_scenario
from simfuel.sim.dispatch import LossMemory
from simfuel.sim.engine import Simulation
from simfuel.sim.plan import SupplyResponsePlan, UnstaffedEscortWarning, compile_plan
from tests.helpers import tiny_scenario
from tests.sim.builders import CAPACITY_L, date

SENSITIVITY = 0.3  # [1/vehicle]: convoys of the tiny scenario are a few tankers
HALF_LIFE_DAYS = 3.0


def _responding(destroyed: int = 0, sensitivity: float = SENSITIVITY, **corridor: Any) -> dict:
    """TINY with a supply response and, with ``destroyed``, one scripted attack on day 3."""
    s = tiny_scenario()
    s["corridors"]["main"]["supply_response"] = {
        "loss_sensitivity_per_vehicle": sensitivity,
        "recovery_half_life_days": HALF_LIFE_DAYS,
    }
    s["corridors"]["main"].update(corridor)
    if destroyed:
        s["events"].append(
            {
                "date": date(3),
                "type": "scripted_attack",
                "corridor": "main",
                "tankers_destroyed": destroyed,
            }
        )
    return s


def _run(s: dict[str, Any], seed: int = 1) -> tuple[Simulation, Any]:
    sim = Simulation(compile_plan(load_scenario(s)), np.random.SeedSequence(seed))
    return sim, sim.run()


def _losses(rec: Any) -> tuple[list[float], list[int]]:
    rows = [e for e in rec.events if e.kind in ("destroyed", "captured")]
    return [e.t_h for e in rows], [e.tankers for e in rows]


def test_the_memory_is_the_decaying_count_of_the_maths():
    memory = LossMemory(SupplyResponsePlan(0.1, 24.0))
    times, lost = [5.0, 30.0, 31.0, 100.0], [3, 7, 1, 12]
    for t, k in zip(times, lost, strict=True):
        memory.lost(k, t)
    for t in (100.0, 110.0, 200.0):
        assert memory.recent(t) == pytest.approx(recent_losses(times, lost, t, 24.0))
        assert memory.factor(t) == pytest.approx(math.exp(-0.1 * memory.recent(t)))
    assert LossMemory(SupplyResponsePlan(0.1, 24.0)).factor(50.0) == 1.0


def test_fixed_rate_loads_the_rate_times_the_factor_at_each_batch():
    """Known answer: every 6 h, 2.5 tankers times exp(-s L(t)), fractions carried over."""
    sim, rec = _run(_responding(1000))  # the whole convoy
    times, lost = _losses(rec)
    assert len(lost) == 1 and lost[0] >= 2
    plan = sim.plan
    batches = -plan.warmup_h + 6.0 * np.arange(round((plan.warmup_h + plan.horizon_h) / 6.0))
    recent = recent_losses(times, lost, batches, 24.0 * HALF_LIFE_DAYS)
    expected = float((2.5 * np.exp(-SENSITIVITY * recent)).sum())
    assert expected < 2.5 * len(batches) - 10  # the loss took many loadings away
    assert abs(sim.loaded[0] - expected) < 1.0  # floor with carry: within one tanker


def test_more_losses_fewer_later_loadings_with_paired_seeds():
    for seed in range(4):
        loaded = []
        for destroyed in (0, 1, 1000):  # none, one tanker, the whole convoy
            r = simfuel.run(_responding(destroyed), seed=seed)
            r.check_balance()
            loaded.append(r.daily["loaded_l"].to_numpy())
        none, some, many = loaded
        np.testing.assert_array_equal(none[:3], many[:3])  # the same until the attack
        assert none[3:].sum() > some[3:].sum() > many[3:].sum()
        # ... and it recovers: the last days load (almost) the full rate again.
        assert many[-3:].sum() >= none[-3:].sum() - 2 * CAPACITY_L


def test_without_a_response_losses_do_not_change_the_loadings():
    base = _responding(1000)
    del base["corridors"]["main"]["supply_response"]
    other = _responding(0)
    del other["corridors"]["main"]["supply_response"]
    a, b = simfuel.run(base, seed=1), simfuel.run(other, seed=1)
    np.testing.assert_array_equal(a.daily["loaded_l"], b.daily["loaded_l"])


@pytest.mark.parametrize("hazard", [0.0, 0.4])
def test_sensitivity_0_changes_no_table(hazard):
    s = _responding(1000, sensitivity=0.0)
    s["threat"]["hazard_per_100km"] = hazard
    s["events"].append({"date": date(0), "type": "blockade", "corridors": "all", "intensity": 1})
    plain = {**s, "corridors": {"main": dict(s["corridors"]["main"])}}
    del plain["corridors"]["main"]["supply_response"]
    a, b = simfuel.run(s, seed=3), simfuel.run(plain, seed=3)
    pd.testing.assert_frame_equal(a.daily, b.daily)
    pd.testing.assert_frame_equal(a.convoys, b.convoys)
    pd.testing.assert_frame_equal(a.events, b.events)


def test_a_schedule_loads_its_tankers_times_the_factor():
    destroyed, tankers = 6, 10
    s = _responding(
        destroyed,
        dispatch_policy="schedule",
        dispatch={"dates": [date(3), date(6), date(10)], "tankers": tankers},
    )
    _sim, rec = _run(s)
    times, lost = _losses(rec)
    assert lost == [destroyed] and times[0] < 24.0 * 6
    carry, expected = 0.0, []
    for day in (6, 10):
        f = math.exp(-SENSITIVITY * recent_losses(times, lost, 24.0 * day, 72.0))
        carry += tankers * f
        n = math.floor(carry + 1e-9)
        carry -= n
        expected.append(n)
    r = simfuel.run(s, seed=1)
    loaded = (r.daily["loaded_l"] / CAPACITY_L).astype(int).tolist()
    assert loaded[3] == tankers  # before the loss
    assert [loaded[6], loaded[10]] == expected
    assert expected[0] < tankers


def test_order_up_to_orders_fewer_after_losses():
    s = _responding(
        1000, dispatch_policy="order_up_to", dispatch={"target_days": 6, "max_tankers_per_day": 25}
    )
    sim = Simulation(compile_plan(load_scenario(s)), np.random.SeedSequence(1))
    policy = sim.dispatch[0]
    order, load = policy.order, policy.load  # type: ignore[attr-defined]
    asked: list[tuple[float, int]] = []
    got: list[tuple[float, int]] = []

    def ordering(t_h: float) -> int:
        n = order(t_h)
        asked.append((t_h, n))
        return n

    def loading(n: int) -> None:
        got.append((sim.env.now, n))
        load(n)

    policy.order, policy.load = ordering, loading  # type: ignore[attr-defined]
    rec = sim.run()
    (t_loss,), _ = _losses(rec)
    loaded = dict(got)
    before = [(t, n) for t, n in asked if t < t_loss and n > 0]
    after = [(t, n) for t, n in asked if t_loss <= t < t_loss + 48 and n > 0]
    assert before and after
    assert all(loaded.get(t) == n for t, n in before)  # no loss yet: the whole order
    assert all(loaded.get(t, 0) < n for t, n in after)  # then less than ordered


def test_needs_escort_loads_nothing_while_the_required_escort_has_no_units():
    def scenario(needs: bool) -> dict[str, Any]:
        s = _responding(0)
        s["corridors"]["main"]["supply_response"]["needs_escort"] = needs
        s["escorts"]["army"]["units"] = 0
        s["corridors"]["main"]["escort_policy"] = {"forces": ["army"], "required": True}
        s["events"].append(
            {"date": date(8), "type": "escort_policy", "corridors": "all", "forces": []}
        )
        return s

    with pytest.warns(UnstaffedEscortWarning):
        waiting = simfuel.run(scenario(True), seed=1)
    with pytest.warns(UnstaffedEscortWarning):
        piling = simfuel.run(scenario(False), seed=1)
    waiting.check_balance()
    loaded = waiting.daily["loaded_l"].to_numpy()
    assert (loaded[:8] == 0).all()
    assert (loaded[8:] > 0).all()
    assert (piling.daily["loaded_l"].to_numpy()[:8] > 0).all()  # the control: it loads


def test_return_losses_of_a_fleet_count_as_recent_losses():
    s = _responding(0)
    s["corridors"]["main"]["fleet"] = {"vehicles": 60, "return_risk_factor": 1.0}
    s["threat"].update(hazard_per_100km=0.5)
    s["events"].append({"date": date(0), "type": "blockade", "corridors": "all", "intensity": 1})
    sim, rec = _run(s, seed=4)
    out = sum(e.tankers for e in rec.events if e.kind in ("destroyed", "captured"))
    back = sum(e.tankers for e in rec.events if e.kind == "return_attacked")
    assert back > 0
    rows = [
        (e.t_h, e.tankers)
        for e in rec.events
        if e.kind in ("destroyed", "captured", "return_attacked")
    ]
    t = sim.env.now
    times, lost = zip(*rows, strict=True)
    assert sim.memory[0] is not None
    assert sim.memory[0].recent(t) == pytest.approx(recent_losses(times, lost, t, 72.0))
    assert out > 0


@pytest.mark.parametrize(
    ("block", "message"),
    [
        (
            {"loss_sensitivity_per_vehicle": -1, "recovery_half_life_days": 2},
            "corridors.main.supply_response.loss_sensitivity_per_vehicle: must be >= 0",
        ),
        (
            {"loss_sensitivity_per_vehicle": 0.1, "recovery_half_life_days": 0},
            "corridors.main.supply_response.recovery_half_life_days: must be > 0",
        ),
        ({"loss_sensitivity_per_vehicle": 0.1}, "supply_response.recovery_half_life_days"),
    ],
)
def test_a_bad_supply_response_is_one_clear_line(block, message):
    s = tiny_scenario()
    s["corridors"]["main"]["supply_response"] = block
    with pytest.raises(ScenarioError) as err:
        load_scenario(s)
    assert message in str(err.value)
