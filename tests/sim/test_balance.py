"""The balance check catches tampering; runs are reproducible; a plan can be reused."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import simfuel
from simfuel.results import BalanceError
from simfuel.scenario import load_scenario
from simfuel.sim import Simulation, compile_plan
from tests.helpers import tiny_scenario
from tests.sim.builders import add_east, date


def _threatened() -> dict:
    s = tiny_scenario()
    s["threat"].update(hazard_per_100km=0.8, capture_fraction=0.4, turn_back_probability=0.3)
    s["corridors"]["main"]["blockade_intensity"] = 1.0
    s["demand"]["cv"] = 0.2  # noisy demand: its stream must be seeded like the others
    s["events"] = [
        {"date": date(3), "type": "scripted_attack", "corridor": "main", "tankers_destroyed": 2}
    ]
    return s


@pytest.fixture(scope="module")
def result() -> simfuel.RunResult:
    r = simfuel.run(_threatened(), seed=8)
    assert r.summary()["tankers_destroyed"] > 0 and r.summary()["tankers_captured"] > 0
    return r


def test_untampered_result_balances(result):
    result.check_balance()


@pytest.mark.parametrize(
    "column", ["delivered_l", "loaded_l", "destroyed_l", "captured_l", "in_transit_l", "queued_l"]
)
@pytest.mark.parametrize("day", [0, 7, 19])
def test_tampered_daily_table_is_caught(result, column, day):
    daily = result.daily.copy()
    daily.iloc[day, daily.columns.get_loc(column)] += 1
    bad = dataclasses.replace(result, daily=daily)
    with pytest.raises(BalanceError):
        bad.check_balance()
    result.check_balance()  # the original is untouched


def test_tampered_arrivals_are_caught(result):
    daily = result.daily.copy()
    daily.iloc[5, daily.columns.get_loc("arrived_l")] += 45_000
    with pytest.raises(BalanceError, match="arrived"):
        dataclasses.replace(result, daily=daily).check_balance()


@pytest.mark.parametrize("column", ["destroyed", "captured"])
def test_tampered_convoy_table_is_caught(result, column):
    convoys = result.convoys.copy()
    i = int(np.flatnonzero(convoys[column].to_numpy() > 0)[0])
    convoys.iloc[i, convoys.columns.get_loc(column)] -= 1
    with pytest.raises(BalanceError, match=column):
        dataclasses.replace(result, convoys=convoys).check_balance()


def test_same_seed_same_tables():
    a = simfuel.run(_threatened(), seed=21)
    b = simfuel.run(_threatened(), seed=21)
    pd.testing.assert_frame_equal(a.daily, b.daily)
    pd.testing.assert_frame_equal(a.convoys, b.convoys)
    pd.testing.assert_frame_equal(a.events, b.events)
    c = simfuel.run(_threatened(), seed=22)
    assert not a.convoys.equals(c.convoys)


def test_a_compiled_plan_can_be_run_twice():
    # The scripted attack must fire in every run of the same plan, not only the first.
    plan = compile_plan(load_scenario(_threatened()))
    recs = [Simulation(plan, np.random.SeedSequence(5)).run() for _ in range(2)]
    assert recs[0].events == recs[1].events
    assert recs[0].daily == recs[1].daily
    assert recs[0].convoys == recs[1].convoys
    fired = [e for e in recs[1].events if e.kind == "attacked" and "scripted" in e.detail]
    assert len(fired) == 1


def test_arrival_at_the_very_end_of_the_horizon():
    s = tiny_scenario()
    # Loads every 6 h from 0; 5 h approach + 10 h border + 9 h route = 24 h: arrivals at
    # multiples of 6 h, one of them at exactly 480 h, the end of the horizon.
    s["corridors"]["main"]["border_delay_h"] = 10
    r = simfuel.run(s, seed=1)
    r.check_balance()


def test_every_subsystem_and_corridor_draws_from_its_own_stream():
    # Uniform(0, 1) delays return the raw draw: if two subsystems or two corridors shared
    # a stream (the same seed), two of these first draws would be equal.
    s = add_east(tiny_scenario())
    s["threat"]["attack_delay_h"] = {"distribution": "uniform", "low": 0, "high": 1}
    for c in s["corridors"].values():
        c["border_delay_h"] = {"distribution": "uniform", "low": 0, "high": 1}
    sim = Simulation(compile_plan(load_scenario(s)), np.random.SeedSequence(3))
    first = [sim._demand_rng.random()]
    for ci in range(2):
        first += [
            sim._threat_rng[ci].random(),
            sim._loss_rng[ci].random(),
            sim._border_delay[ci](),
            sim._attack_delay[ci](),
        ]
    assert len(set(first)) == len(first) == 9
