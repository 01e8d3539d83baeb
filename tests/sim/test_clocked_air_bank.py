"""The hourly air bank stepped by the engine (no SimPy event) against its event process.

``HourlyAirCover`` made with ``clocked=True`` (what the engine does) keeps its accrual as a
clock the run loop steps; made without, it runs the process ``_accrue`` (a timeout an
hour, a put when there is room), the reference here. Same seed, same everything: the
bank's level at every ask, the grant times, every table, to the last bit. The cases put
many events on the hour (whole-hour legs, fixed border delays, policy changes at
midnight), where the order of the bank's events against the others decides who gets the
hours.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd
import pytest

import simfuel
from simfuel.scenario import load_json, load_scenario
from simfuel.sim import Simulation, compile_plan
from simfuel.sim.escort_kinds import HourlyAirCover
from tests.helpers import SCENARIOS, tiny_scenario


def _hourly(**force: Any) -> dict[str, Any]:
    """tiny (every time a whole hour) with its convoys requiring hourly air cover."""
    s = tiny_scenario()
    s["escorts"]["air"].update(kind="air_hourly", **force)
    s["threat"]["hazard_per_100km"] = 0.4
    s["corridors"]["main"]["escort_policy"] = {"forces": ["air"], "required": True}
    return s


def _cases() -> dict[str, dict[str, Any]]:
    short = _hourly(convoy_hours_per_day=12)  # 0.5 h an hour, 9 h a convoy: waits
    window = _hourly(convoy_hours_per_day=18, daylight_h=[6, 18], max_banked_days=2)
    both = _hourly(convoy_hours_per_day=10)
    both["escorts"]["army"].update(units=1, turnaround_h=3)
    # Air and a ground unit: a grant of one waits for the other, or is given back
    # unused when the policy changes first (midnight, on the hour).
    both["corridors"]["main"]["escort_policy"] = {"forces": ["air", "army"], "required": True}
    both["events"] = [
        {"date": "2025-01-06", "type": "escort_policy", "forces": ["army"], "required": True},
        {"date": "2025-01-11", "type": "escort_policy", "forces": ["air", "army"]},
        {"date": "2025-01-15", "type": "escort_policy", "forces": ["air"], "required": False},
    ]
    # Two corridors asking one bank, on the same whole hours.
    shared = copy.deepcopy(short)
    east = copy.deepcopy(shared["corridors"]["main"])
    east["tankers_per_day"] = 6
    shared["corridors"]["east"] = east
    # Optional cover: a convoy takes the hours if the bank has them now, or leaves without.
    optional = _hourly(convoy_hours_per_day=12)
    optional["corridors"]["main"]["escort_policy"]["required"] = False
    # Two banks (two clocks, stepped in their events' order): main needs both, east one.
    two = copy.deepcopy(shared)
    two["escorts"]["air2"] = {**two["escorts"]["air"], "convoy_hours_per_day": 10}
    two["escorts"]["air2"]["daylight_h"] = [6, 18]
    two["corridors"]["main"]["escort_policy"]["forces"] = ["air", "air2"]
    two["corridors"]["east"]["escort_policy"]["forces"] = ["air2"]
    return {
        "short": short,
        "window": window,
        "both": both,
        "shared": shared,
        "optional": optional,
        "two": two,
    }


def _run(s: dict[str, Any] | simfuel.Scenario, seed: int, clocked: bool, monkeypatch: Any):
    """Tables, events processed and the bank's (time, level) at every ask of one run."""
    asks: list[tuple[float, float]] = []
    request_for, free_now_for = HourlyAirCover.request_for, HourlyAirCover.free_now_for

    def asked(self: HourlyAirCover, fn: Any, corridor: Any, route_h: float) -> Any:
        asks.append((self.env.now, self.hours.level))
        return fn(self, corridor, route_h)

    with monkeypatch.context() as m:
        m.setattr(HourlyAirCover, "clocked", clocked)
        m.setattr(HourlyAirCover, "request_for", lambda p, c, h: asked(p, request_for, c, h))
        m.setattr(HourlyAirCover, "free_now_for", lambda p, c, h: asked(p, free_now_for, c, h))
        sc = s if isinstance(s, simfuel.Scenario) else load_json(s)
        r = simfuel.run(sc, seed=seed)
    tables = {"daily": r.daily, "convoys": r.convoys, "events": r.events}
    return tables, r.events_processed, asks


def _assert_same(old: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame]) -> None:
    for key, table in old.items():
        pd.testing.assert_frame_equal(table, new[key], check_exact=True)


@pytest.mark.parametrize("case", ["short", "window", "both", "shared", "optional", "two"])
@pytest.mark.parametrize("seed", [0, 1])
def test_the_clocked_bank_grants_as_its_event_process(case, seed, monkeypatch):
    s = _cases()[case]
    old, old_events, old_asks = _run(s, seed, False, monkeypatch)
    new, new_events, new_asks = _run(s, seed, True, monkeypatch)
    convoys = old["convoys"]
    assert (convoys["escort_forces"].str.contains("air")).sum() > 10
    # The grant times: when each convoy formed, waited and left; and the bank at each ask.
    cols = ["corridor", "formed_h", "departed_h", "escort_wait_h", "escort_forces"]
    pd.testing.assert_frame_equal(convoys[cols], new["convoys"][cols], check_exact=True)
    assert new_asks == old_asks and len(old_asks) > 10
    _assert_same(old, new)
    hours = 24 * (len(old["daily"]) + 2)  # at least an event an hour saved (warm-up too)
    assert old_events - new_events >= hours - 48


def test_the_cases_wait_for_the_bank_on_the_hour(monkeypatch):
    # The comparison above is only worth something if convoys do wait for the bank and
    # are granted on the hour, as the accrual's events fall (not at a batch's arrival).
    old, _, asks = _run(_cases()["short"], 0, False, monkeypatch)
    c = old["convoys"]
    waited = c[c["escort_wait_h"] > 0]
    assert len(waited) > 5
    assert (waited["departed_h"] % 1 == 0).all()
    # Every ask on the hour: at the time of an hour of accrual, before or after it.
    assert all(t % 1 == 0 for t, _ in asks)
    _, _, shared = _run(_cases()["shared"], 0, False, monkeypatch)
    assert len({t for t, _ in shared}) < len(shared)  # two corridors asking at one time


@pytest.mark.parametrize("seed", [0, 3])
def test_mali_2025_the_clocked_bank_gives_the_tables_of_its_event_process(seed, monkeypatch):
    sc = load_scenario(SCENARIOS / "mali-2025.yaml")
    old, old_events, old_asks = _run(sc, seed, False, monkeypatch)
    new, new_events, new_asks = _run(sc, seed, True, monkeypatch)
    assert new_asks == old_asks
    _assert_same(old, new)
    plan = compile_plan(sc)
    assert old_events - new_events >= plan.warmup_h + plan.horizon_h  # an event an hour


def test_a_bank_on_its_own_still_accrues_by_the_hour():
    # Without an engine to step its clock (clocked=False, the default) the bank schedules
    # its own events, as tests and plugins that drive an environment by hand expect.
    plan = compile_plan(load_json(_hourly(convoy_hours_per_day=12, max_banked_days=2)))
    index = [f.key for f in plan.forces].index("air")
    env = Simulation(plan, np.random.SeedSequence(0)).env
    pool = HourlyAirCover(env, index, plan.forces[index])
    pool.request(9.0)
    env.run(until=env.now + 10.5)
    assert pool.hours.level == pytest.approx(24.0 - 9.0 + 5.0)
