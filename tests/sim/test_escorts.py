"""Escorts: convoys wait for ground units and air hours; policies switch formation."""

from __future__ import annotations

import numpy as np
import pytest
import simpy

import simfuel
from simfuel.scenario import load_scenario
from simfuel.sim.escorts import EscortPools
from simfuel.sim.plan import ForcePlan, UnstaffedEscortWarning, unstaffed_escorts, warn_unstaffed
from tests.helpers import tiny_scenario
from tests.sim.builders import ROUTE_H, add_east, date


def _required_ground(units: int, turnaround_h: float, min_size: int = 5) -> dict:
    s = tiny_scenario()
    s["escorts"]["army"].update(units=units, turnaround_h=turnaround_h)
    s["corridors"]["main"]["escort_policy"] = {
        "forces": ["army"],
        "required": True,
        "min_size": min_size,
        "max_size": 50,
    }
    return s


@pytest.mark.parametrize("units", [1, 2])
def test_required_ground_escort_waits_for_units(units):
    turnaround = 15.0  # a unit is busy 2 * 9 + 15 = 33 h per convoy
    r = simfuel.run(_required_ground(units, turnaround), seed=4)
    r.check_balance()
    c = r.convoys
    assert len(c) > 5
    assert (c["escort_forces"] == "army").all()
    assert (c["escort_kind"] == "ground").all()
    assert (c["tankers_departed"] >= 5).all()
    assert (c["escort_wait_h"] == c["departed_h"] - c["formed_h"]).all()
    # Units are scarce: convoys wait, and tankers queue at the border.
    assert (c["escort_wait_h"] > 0).any()
    assert (r.daily["tankers_waiting"] > 0).any()
    # No attacks: a unit is held from departure until it has driven back and rested,
    # i.e. 2 * ROUTE_H + turnaround. At no time are more than `units` convoys holding one.
    hold = 2 * ROUTE_H + turnaround
    starts = np.sort(c["departed_h"].to_numpy())
    for t in starts:
        busy = ((starts <= t) & (t < starts + hold - 1e-9)).sum()
        assert busy <= units
    # With one unit, a convoy leaves the moment the unit is back: by then 10 tankers a day
    # x 33 h = 13.75 tankers, more than min_size, are waiting. Departures are exactly one
    # holding time apart.
    if units == 1:
        np.testing.assert_allclose(np.diff(starts), hold, rtol=0, atol=1e-9)


def test_required_force_with_no_units_blocks_until_the_policy_changes():
    s = _required_ground(0, 0.0, min_size=1)
    s["events"] = [{"date": date(5), "type": "escort_policy", "forces": []}]
    r = simfuel.run(s, seed=4)
    r.check_balance()
    c, d = r.convoys, r.daily
    assert c["departed_h"].min() == 120.0  # the first departure is the policy change
    waiting = d["tankers_waiting"].iloc[:5].to_numpy()
    assert (np.diff(waiting) == 10).all()  # 10 tankers a day pile up, none leave
    first = c[c["departed_h"] == 120.0]
    assert (first["escort_forces"] == "").all()
    assert first["tankers_departed"].max() == 50  # max_size of the default policy
    # Everything staged by then leaves at once, in convoys of at most 50.
    assert d["tankers_waiting"].iloc[6:].max() <= 3


def test_policy_change_on_the_start_date_unblocks_formation():
    s = _required_ground(0, 0.0, min_size=1)
    s["events"] = [{"date": date(0), "type": "escort_policy", "forces": []}]
    r = simfuel.run(s, seed=4)
    assert len(r.convoys) > 0
    assert r.daily["tankers_waiting"].iloc[-1] <= 3


def _air(required: bool, hours_per_day: float = 12.0) -> dict:
    s = tiny_scenario()
    s["escorts"]["air"].update(units=1, convoy_hours_per_day=hours_per_day)
    s["corridors"]["main"]["escort_policy"] = {"forces": ["air"], "required": required}
    return s


def test_required_air_cover_budget_limits_convoys():
    # Budget 12 convoy-hours a day; each 9-hour route takes 9: one convoy a day, leaving
    # at midnight when the budget is refilled (tankers are always waiting by then).
    r = simfuel.run(_air(True), seed=4)
    r.check_balance()
    c = r.convoys
    assert (c["escort_forces"] == "air").all()
    assert (c["escort_kind"] == "air").all()
    day = np.floor(c["departed_h"].to_numpy() / 24).astype(int)
    _, per_day = np.unique(day, return_counts=True)
    assert per_day.max() == 1
    late = c[c["departed_h"] >= 24]
    assert (late["departed_h"] % 24 == 0).all()
    assert (late["escort_wait_h"] > 0).all()
    horizon_days = 20
    assert len(c[c["departed_h"] >= 0]) == horizon_days


def test_air_budget_smaller_than_the_route_is_spent_whole():
    # 6 convoy-hours a day for a 9-hour route: a convoy takes the whole budget.
    c = simfuel.run(_air(True, hours_per_day=6.0), seed=4).convoys
    day = np.floor(c["departed_h"].to_numpy() / 24).astype(int)
    assert np.unique(day, return_counts=True)[1].max() == 1


def test_optional_air_cover_is_taken_when_available():
    r = simfuel.run(_air(False), seed=4)
    r.check_balance()
    c = r.convoys
    # Nobody waits: convoys leave at staging, escorted if the day's budget allows.
    assert (c["escort_wait_h"] == 0).all()
    assert (c["formed_h"] == c["departed_h"]).all()
    covered = c[(c["escort_forces"] == "air") & (c["departed_h"] >= 0)]
    day = np.floor(covered["departed_h"].to_numpy() / 24).astype(int)
    counts = np.unique(day, return_counts=True)[1]
    assert counts.max() == 1
    # 4 batches a day at 5, 11, 17 and 23 h: the first of each day gets the cover.
    assert (covered["departed_h"] % 24 == 5).all()
    assert set(c["escort_forces"]) == {"", "air"}


def test_policy_change_switches_formation():
    s = tiny_scenario()
    s["escorts"]["army"]["units"] = 5
    s["events"] = [
        {
            "date": date(4),
            "type": "escort_policy",
            "forces": ["army"],
            "required": True,
            "min_size": 8,
            "max_size": 8,
        }
    ]
    r = simfuel.run(s, seed=4)
    r.check_balance()
    c = r.convoys
    before = c[c["departed_h"] < 96.0]
    after = c[c["departed_h"] >= 96.0]
    assert len(before) > 10 and len(after) > 10
    assert (before["escort_forces"] == "").all()
    assert (before["tankers_departed"] <= 3).all()  # batches of 2 or 3 leave as they come
    assert (after["escort_forces"] == "army").all()
    assert (after["tankers_departed"] == 8).all()
    assert (after["escort_kind"] == "ground").all()


@pytest.mark.filterwarnings("ignore::simfuel.sim.plan.UnstaffedEscortWarning")
def test_a_corridor_blocked_by_an_unstaffed_force_holds_no_units():
    # main requires army + z, and z has no units: main can never leave and must not keep
    # the army units it could get meanwhile; east, which requires only army, keeps going.
    s = add_east(tiny_scenario())
    s["escorts"]["army"].update(units=1, turnaround_h=0.0)
    s["escorts"]["z"] = {"kind": "ground", "units": 0, "deterrence": 0.5, "protection": 0.5}
    s["corridors"]["main"]["escort_policy"] = {"forces": ["army", "z"], "required": True}
    s["corridors"]["east"]["escort_policy"] = {"forces": ["army"], "required": True}
    r = simfuel.run(s, seed=4)
    r.check_balance()
    c = r.convoys
    assert (c["corridor"] != "main").all()
    east = c[c["corridor"] == "east"]
    # east's round trip is 2 * 3 h: with even one unit it leaves every day of the run.
    days = np.unique(np.floor(east["departed_h"].to_numpy() / 24).astype(int))
    assert set(range(20)) <= set(days.tolist())


def _pools(units: int, hours_per_day: float) -> tuple[simpy.Environment, EscortPools]:
    env = simpy.Environment()
    force = ForcePlan("air", "air", units, 0.8, 0.9, hours_per_day, 0.0)
    return env, EscortPools(env, [force])


def test_withdrawn_air_hours_go_back_to_the_budget():
    env, pools = _pools(1, 12.0)
    grant = pools.request(0, 9.0)
    env.run(until=1.0)
    assert grant.granted
    assert not pools.available_now(0, 9.0)  # 3 h left
    pools.withdraw(grant)
    env.run(until=2.0)
    assert pools.available_now(0, 9.0)  # the 9 h are back
    again = pools.request(0, 12.0)
    env.run(until=3.0)
    assert again.granted and again.hours == 12.0


def test_withdrawn_pending_request_is_cancelled():
    env, pools = _pools(1, 12.0)
    first = pools.request(0, 9.0)
    waiting = pools.request(0, 9.0)  # only 3 h left today: it waits for midnight
    env.run(until=1.0)
    assert first.granted and not waiting.granted
    pools.withdraw(waiting)
    env.run(until=30.0)  # refilled at 24 h: the cancelled request took nothing
    assert not waiting.granted
    assert pools.available_now(0, 12.0)
    assert pools.staffed(0)


@pytest.mark.parametrize("units", [0, 1])
def test_optional_ground_escort_is_taken_only_when_a_unit_is_free(units):
    # A unit is busy 2 * 9 + 15 = 33 h per convoy; 4 batches a day leave at once, with a
    # unit if one is free, never waiting for one and never sharing one.
    s = tiny_scenario()
    s["escorts"]["army"].update(units=units, turnaround_h=15.0)
    s["corridors"]["main"]["escort_policy"] = {"forces": ["army"], "required": False}
    r = simfuel.run(s, seed=4)
    r.check_balance()
    c = r.convoys
    assert (c["escort_wait_h"] == 0).all()
    escorted = c[c["escort_forces"] == "army"]
    if units == 0:
        assert escorted.empty
        return
    starts = np.sort(escorted["departed_h"].to_numpy())
    assert len(starts) > 5 and len(escorted) < len(c)
    assert (np.diff(starts) >= 2 * ROUTE_H + 15.0 - 1e-9).all()


def test_a_short_withdrawn_grant_gives_back_its_fraction_of_an_hour():
    env, pools = _pools(1, 12.0)
    grant = pools.request(0, 0.5)
    env.run(until=1.0)
    assert grant.granted and not pools.available_now(0, 12.0)  # 11.5 h left
    pools.withdraw(grant)
    env.run(until=2.0)
    assert pools.available_now(0, 12.0)


def test_a_grant_withdrawn_after_the_refill_adds_nothing():
    env, pools = _pools(1, 12.0)
    grant = pools.request(0, 9.0)
    env.run(until=25.0)  # refilled to 12 h at midnight: the 9 h have no room to go back
    pools.withdraw(grant)
    whole = pools.request(0, 12.0)
    env.run(until=26.0)
    assert whole.granted
    assert not pools.available_now(0, 1.0)  # the budget is empty until the next midnight
    env.run(until=49.0)
    assert pools.available_now(0, 12.0)


def test_a_zero_hour_air_grant_is_granted_at_once_and_withdrawn_harmlessly():
    env, pools = _pools(1, 12.0)
    grant = pools.request(0, 0.0)
    env.run(until=1.0)
    assert grant.granted and grant.hours == 0.0
    pools.withdraw(grant)
    assert pools.available_now(0, 12.0)


def test_grants_name_their_force_and_the_air_hours_they_take():
    env = simpy.Environment()
    forces = [
        ForcePlan("army", "ground", 1, 0.5, 0.5, 0.0, 0.0),
        ForcePlan("air", "air", 1, 0.8, 0.9, 12.0, 0.0),
        ForcePlan("none", "ground", 0, 0.5, 0.5, 0.0, 0.0),
    ]
    pools = EscortPools(env, forces)
    ground, air, unstaffed = (pools.request(f, 9.0) for f in range(3))
    env.run(until=1.0)
    assert (ground.force, ground.hours, ground.granted) == (0, 0.0, True)
    assert (air.force, air.hours, air.granted) == (1, 9.0, True)
    assert (unstaffed.force, unstaffed.hours, unstaffed.event) == (2, 0.0, None)
    assert [pools.staffed(f) for f in range(3)] == [True, True, False]
    assert [pools.kind(f) for f in range(3)] == ["ground", "air", "ground"]


def test_unstaffed_required_forces_are_listed_once_per_corridor():
    s = add_east(tiny_scenario())
    s["escorts"]["z"] = {"kind": "ground", "units": 0, "deterrence": 0.5, "protection": 0.5}
    s["corridors"]["main"]["escort_policy"] = {"forces": ["army", "z"], "required": True}
    s["events"] = [
        {"date": date(2), "type": "escort_policy", "forces": ["z"], "required": True},
        {"date": date(3), "type": "escort_policy", "corridors": ["east"], "forces": ["z"]},
    ]
    scenario = load_scenario(s)
    # The date-2 event applies to all corridors; the optional one on east does not count.
    assert unstaffed_escorts(scenario) == [("main", "z"), ("east", "z")]
    with pytest.warns(UnstaffedEscortWarning, match="main needs z"):
        warn_unstaffed(scenario)
    s["escorts"]["z"]["units"] = 1
    assert unstaffed_escorts(load_scenario(s)) == []
