"""A corridor's finite fleet: vehicles drive back to the origin, losses never come back."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import simfuel
from simfuel.scenario import ScenarioError, load_scenario
from simfuel.seeds import Role
from simfuel.sim import engine, fleet
from simfuel.sim.engine import Simulation
from simfuel.sim.fleet import STATE_FIELDS, parse_state, return_corridor
from simfuel.sim.plan import compile_plan
from tests.helpers import tiny_scenario
from tests.sim.builders import APPROACH_H, BORDER_H, CAPACITY_L, ROUTE_H, date

#: One round trip of the tiny corridor without waits: out, back, to the origin [h].
CYCLE_H = APPROACH_H + BORDER_H + ROUTE_H + ROUTE_H + APPROACH_H


def _fleet(vehicles: int, hazard: float = 0.0, **fleet_fields: Any) -> dict[str, Any]:
    """TINY with a fleet; with a hazard, a blockade at intensity 1 from the start."""
    s = tiny_scenario()
    s["corridors"]["main"]["fleet"] = {"vehicles": vehicles, **fleet_fields}
    if hazard:
        s["threat"].update(hazard_per_100km=hazard, loss_fraction_mean=0.3)
        s["events"].append(
            {"date": date(0), "type": "blockade", "corridors": "all", "intensity": 1.0}
        )
    return s


def _states(r: simfuel.RunResult) -> pd.DataFrame:
    rows = r.events[r.events["kind"] == "fleet"]
    return pd.DataFrame([parse_state(d) for d in rows["detail"]], index=rows["time"])


def _on_the_road(sim: Simulation) -> int:
    return sim.transit[0] + sim.staged[0] + sim.unload_wait[0]


def test_a_fleet_never_has_more_vehicles_loaded_than_it_holds():
    n = 12
    sim = Simulation(compile_plan(load_scenario(_fleet(n, hazard=0.4))), np.random.SeedSequence(3))
    policy, load = sim.dispatch[0], sim.dispatch[0].load
    most = [0]

    def watching(k: int) -> None:
        load(k)
        most[0] = max(most[0], _on_the_road(sim))
        assert _on_the_road(sim) <= n

    policy.load = watching
    rec = sim.run()
    assert most[0] == n  # the fleet, not the dispatch rate (10 a day), is the limit
    days = [parse_state(e.detail) for e in rec.events if e.kind == "fleet"]
    assert len(days) == 20
    for day in days:
        assert sum(day.values()) == n
        assert day["loaded"] + day["returning"] <= n


def test_a_fleet_limits_loadings_to_its_round_trips():
    n = 10
    s = _fleet(n)
    s["corridors"]["main"]["tankers_per_day"] = 100  # far more than the fleet can carry
    r = simfuel.run(s, seed=1)
    r.check_balance()
    loaded = r.daily["loaded_l"].sum() / CAPACITY_L
    # Each vehicle loads at most once per round trip (plus one: the pipeline at the start).
    assert loaded <= n * (math.ceil(24 * 20 / CYCLE_H) + 1)
    assert loaded >= n * math.floor(24 * 20 / (CYCLE_H + 6))  # batches every 6 h
    assert (r.events["kind"] == "fleet_short").any()
    del s["corridors"]["main"]["fleet"]
    unlimited = simfuel.run(s, seed=1)
    assert unlimited.daily["loaded_l"].sum() / CAPACITY_L > 3 * loaded


def test_without_return_each_vehicle_makes_one_trip():
    n = 7
    sim = Simulation(
        compile_plan(load_scenario(_fleet(n, **{"return": False}))), np.random.SeedSequence(1)
    )
    rec = sim.run()
    assert sim.loaded[0] == n  # warm-up included
    assert sim.delivered[0] == n
    last = parse_state(next(e.detail for e in reversed(rec.events) if e.kind == "fleet"))
    assert last == dict.fromkeys(STATE_FIELDS, 0) | {"parked": n}
    assert not any(e.kind == "returned" for e in rec.events)


def test_with_every_vehicle_destroyed_nothing_more_is_loaded():
    n = 12
    s = _fleet(n, return_risk_factor=0.0)
    s["events"] += [
        {"date": date(d), "type": "scripted_attack", "corridor": "main", "tankers_destroyed": 1000}
        for d in range(6)
    ]
    r = simfuel.run(s, seed=2)
    r.check_balance()
    states = _states(r)
    assert states["lost"].iloc[-1] == n
    gone = int(np.argmax(states["lost"].to_numpy() == n))  # the day the last one was lost
    assert gone < 10
    assert r.daily["loaded_l"].iloc[gone + 1 :].sum() == 0
    assert r.daily["delivered_l"].iloc[gone + 1 :].sum() == 0
    assert r.daily["loaded_l"].iloc[: gone + 1].sum() > 0


def test_return_trips_at_risk_0_never_lose_and_at_risk_1_do():
    safe = simfuel.run(_fleet(40, hazard=0.5, return_risk_factor=0.0), seed=4)
    risky = simfuel.run(_fleet(40, hazard=0.5, return_risk_factor=1.0), seed=4)
    assert not safe.events["kind"].str.startswith("return_").any()
    assert _states(safe)["lost_returning"].max() == 0
    assert (risky.events["kind"] == "return_attacked").any()
    assert _states(risky)["lost_returning"].iloc[-1] > 0


def test_losses_on_the_way_back_are_vehicles_not_cargo():
    r = simfuel.run(_fleet(40, hazard=0.5), seed=4)
    r.check_balance()
    back = r.events[r.events["kind"].isin(["return_destroyed", "return_captured"])]
    assert len(back) > 0
    assert (back["litres"] == 0).all()
    # The daily losses are the loaded convoys' only.
    outbound = (r.convoys["destroyed"].sum()) * CAPACITY_L
    assert r.daily["destroyed_l"].sum() == outbound
    assert _states(r)["lost"].iloc[-1] == r.convoys[["destroyed", "captured"]].to_numpy().sum()


def test_a_turned_back_convoys_vehicles_stay_in_the_fleet():
    s = _fleet(30, hazard=0.5, return_risk_factor=0.0)
    s["threat"]["turn_back_probability"] = 1.0
    r = simfuel.run(s, seed=5)
    r.check_balance()
    assert (r.convoys["outcome"] == "turned_back").any()
    # Every vehicle is accounted for (the daily rows check the sum), and only the
    # destroyed or captured ones are lost: a turned-back one loads again.
    assert _states(r)["lost"].iloc[-1] == r.convoys[["destroyed", "captured"]].to_numpy().sum()
    assert r.daily["delivered_l"].sum() > 0


def test_a_fleet_too_large_to_bind_changes_no_table(monkeypatch):
    """Return draws have their own streams: the outbound draws do not shift."""
    for hazard in (0.0, 0.4):
        base = _fleet(1, hazard=hazard)
        del base["corridors"]["main"]["fleet"]
        free = simfuel.run(base, seed=6)
        big = simfuel.run(_fleet(100_000, hazard=hazard), seed=6)
        pd.testing.assert_frame_equal(free.daily, big.daily)
        pd.testing.assert_frame_equal(free.convoys, big.convoys)
        if hazard:
            assert free.convoys["attacked"].any()
            assert (big.events["kind"] == "return_attacked").any()


def test_with_return_risk_0_the_outbound_does_not_depend_on_the_return_draws(monkeypatch):
    def runs(risk_factor: float) -> tuple[simfuel.RunResult, simfuel.RunResult]:
        s = _fleet(15, hazard=0.4, return_risk_factor=risk_factor)
        one = simfuel.run(s, seed=7)
        real = fleet.stream

        def shifted(parent, role, *index):
            if role == Role.RETURN_LEG:  # other return draws, same outbound draws
                parent = np.random.SeedSequence(999)
            return real(parent, role, *index)

        with monkeypatch.context() as m:
            m.setattr(fleet, "stream", shifted)
            other = simfuel.run(s, seed=7)
        return one, other

    one, other = runs(0.0)
    pd.testing.assert_frame_equal(one.daily, other.daily)
    pd.testing.assert_frame_equal(one.convoys, other.convoys)
    # The check can fail: with risk on the way back, other return draws change the run.
    one, other = runs(1.0)
    assert not one.daily.equals(other.daily)


def test_the_engine_makes_no_return_stream_without_a_fleet(monkeypatch):
    made: list[int] = []
    real = fleet.stream

    def recording(parent, role, *index):
        made.append(int(role))
        return real(parent, role, *index)

    monkeypatch.setattr(fleet, "stream", recording)
    simfuel.run(_fleet(1, hazard=0.4) | {"corridors": tiny_scenario()["corridors"]}, seed=1)
    assert made == []
    simfuel.run(_fleet(20, hazard=0.4), seed=1)
    assert set(made) == {int(Role.RETURN_LEG)}
    assert engine.Role.RETURN_LEG == Role.RETURN_LEG


def test_the_way_back_is_the_legs_reversed_with_their_risk_scaled():
    plan = compile_plan(load_scenario(_fleet(5)))
    c = plan.corridors[0]
    back = return_corridor(c, 0.5)
    assert [leg[4:] for leg in back.legs] == [("city", "town"), ("town", "border")]
    assert [leg[2] for leg in back.legs] == [0.5 * leg[2] for leg in reversed(c.legs)]
    assert [leg[:2] for leg in back.legs] == [leg[:2] for leg in reversed(c.legs)]
    assert back.scripted == [] and back.key == c.key and c.legs[0][4] == "border"


def test_vehicles_back_at_the_origin_after_one_round_trip():
    # All 5 load in the first batch of the warm-up and travel as one convoy: they are
    # back exactly one round trip and the turnaround later, and load again.
    s = _fleet(5, turnaround_h=3.0)
    s["corridors"]["main"]["tankers_per_day"] = 20
    plan = compile_plan(load_scenario(s))
    sim = Simulation(plan, np.random.SeedSequence(1))
    times: list[tuple[float, int, int]] = []
    policy, load = sim.dispatch[0], sim.dispatch[0].load

    def watching(k: int) -> None:
        before = sim.loaded[0]
        load(k)
        times.append((sim.env.now, k, sim.loaded[0] - before))

    policy.load = watching
    sim.run()
    loads = [(t, got) for t, _asked, got in times if got]
    assert loads[0] == (-plan.warmup_h, 5)
    second = loads[1][0]
    back_h = -plan.warmup_h + CYCLE_H + 3.0
    assert back_h <= second < back_h + 6.0  # the next batch after they are back


@pytest.mark.parametrize(
    ("fleet_block", "message"),
    [
        ({"vehicles": 0}, "corridors.main.fleet.vehicles: must be >= 1 (got 0)"),
        ({"vehicles": 5, "return_risk_factor": -1}, "corridors.main.fleet.return_risk_factor"),
        ({"vehicles": 5, "size": 3}, "corridors.main.fleet.size"),
        ({"return": True}, "corridors.main.fleet.vehicles"),
    ],
)
def test_a_bad_fleet_is_one_clear_line(fleet_block, message):
    s = tiny_scenario()
    s["corridors"]["main"]["fleet"] = fleet_block
    with pytest.raises(ScenarioError) as err:
        load_scenario(s)
    assert message in str(err.value)
    assert "\n" not in str(err.value).strip()


def test_return_is_read_from_yaml_under_its_own_name(tmp_path):
    import yaml

    s = _fleet(9, **{"return": False})
    path = tmp_path / "fleet.yaml"
    path.write_text(yaml.safe_dump(s), encoding="utf-8")
    sc = load_scenario(path)
    f = sc.corridors["main"].fleet
    assert f is not None and f.vehicles == 9 and f.return_ is False
    assert compile_plan(sc).corridors[0].fleet.drives_back is False  # type: ignore[union-attr]


def test_a_secondary_corridor_short_of_stock_keeps_its_vehicles_at_the_origin():
    """Vehicles taken for a loading the upstream cannot fill go back to the origin."""
    from tests.sim.test_places import chain

    s = chain(initial_stock_l=100_000, demand={"demand_l_per_day": 1})  # b: 2 loads
    del s["corridors"]["city_b"]
    s["corridors"]["b_c"]["fleet"] = {"vehicles": 3}
    sim = Simulation(compile_plan(load_scenario(s)), np.random.SeedSequence(2))
    rec = sim.run()
    f = sim.fleets[1]
    assert f is not None and f.corridor.key == "b_c"
    assert any(e.kind == "load_short" and e.corridor == "b_c" for e in rec.events)
    # b ran dry long before the end: every vehicle is back at the origin, none on the road.
    assert f.loaded == sim.transit[1] + sim.staged[1] + sim.unload_wait[1] == 0
    assert f.at_origin == 3


def test_a_closed_leg_holds_vehicles_on_the_way_back_too():
    """Known answer: a drive back that starts while town-city is closed waits for it."""
    s = _fleet(4)
    s["corridors"]["main"]["tankers_per_day"] = 0  # only the trip started below
    s["events"] += [
        {"date": date(2), "type": "close", "corridor": "main", "leg_from": "town"},
        {"date": date(8), "type": "reopen", "corridor": "main", "leg_from": "town"},
    ]
    sim = Simulation(compile_plan(load_scenario(s)), np.random.SeedSequence(1))
    f = sim.fleets[0]
    assert f is not None

    def unload_two_on_day_3():
        yield sim.env.timeout(24 * 3 - sim.env.now)
        f.take(2)
        f.unloaded(2)  # as if two had just unloaded at the city

    sim.env.process(unload_two_on_day_3())
    rec = sim.run()
    (back,) = [e for e in rec.events if e.kind == "returned"]
    assert back.tankers == 2
    assert back.t_h == pytest.approx(24 * 8 + ROUTE_H + APPROACH_H)


@pytest.mark.parametrize("name", ["mali-2025", "mali-2025-regions"])
def test_shipped_scenarios_have_no_fleet_and_a_fleet_too_large_to_bind_changes_nothing(name):
    from simfuel.scenario.loader import apply_overrides
    from tests.helpers import SCENARIOS

    sc = load_scenario(SCENARIOS / f"{name}.yaml")
    assert all(c.fleet is None and c.supply_response is None for c in sc.corridors.values())
    big = apply_overrides(
        sc, {f"corridors.{k}.fleet": {"vehicles": 1_000_000} for k in sc.corridors}
    )
    a, b = simfuel.run(sc, seed=11), simfuel.run(big, seed=11)
    pd.testing.assert_frame_equal(a.daily, b.daily)
    pd.testing.assert_frame_equal(a.convoys, b.convoys)
    assert (b.events["kind"] == "return_attacked").any()  # the way back is at risk


@settings(max_examples=20, deadline=None, derandomize=True)
@given(
    vehicles=st.integers(1, 60),
    hazard=st.sampled_from([0.0, 0.3, 1.0]),
    risk_factor=st.sampled_from([0.0, 1.0, 2.5]),
    drives_back=st.booleans(),
    turnaround_h=st.sampled_from([0.0, 7.5]),
    turn_back=st.sampled_from([0.0, 0.5]),
    seed=st.integers(0, 2**16),
)
def test_every_vehicle_is_in_one_state_and_the_fuel_balances(
    vehicles, hazard, risk_factor, drives_back, turnaround_h, turn_back, seed
):
    s = _fleet(
        vehicles,
        hazard=hazard,
        return_risk_factor=risk_factor,
        turnaround_h=turnaround_h,
        **{"return": drives_back},
    )
    s["threat"]["turn_back_probability"] = turn_back
    s["threat"]["capture_fraction"] = 0.3
    sim = Simulation(compile_plan(load_scenario(s)), np.random.SeedSequence(seed))
    rec = sim.run()  # Fleet.check() runs every day: the states add up to the fleet
    f = sim.fleets[0]
    assert f is not None
    f.check()
    assert f.loaded == _on_the_road(sim)
    assert f.lost == sim.destroyed[0] + sim.captured[0]
    assert f.lost_returning == sum(e.tankers for e in rec.events if e.kind == "return_attacked")
    assert sim.loaded[0] <= vehicles or drives_back
    if not drives_back:
        assert f.returning == f.lost_returning == 0
    r = simfuel.run(s, seed=seed)
    r.check_balance()
