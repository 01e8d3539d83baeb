"""Commodities and vehicle payloads in the engine: known answers and balances.

Scenarios are TINY (``tests.helpers``) with a vehicle instead of its tanker: ``food``
carries 20 t of food per truck into a food stock; ``mixed`` carries 30,000 L of diesel
and 10 t of food per vehicle into the depot's two stocks.
"""

from __future__ import annotations

import copy
import glob
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simfuel
from simfuel.labels import FUEL, vocabulary_for
from simfuel.results import PLACE_FIELDS, BalanceError, summary_from_records, summary_to_dict
from simfuel.sim import Simulation, compile_plan
from tests.helpers import SCENARIOS, tiny_scenario

TRUCK_T = 20
MIXED_L, MIXED_T = 30_000, 10


def food(**stock: Any) -> dict[str, Any]:
    """TINY carrying food in tonnes by 20 t trucks: 500 t of 2,000 t, 150 t a day."""
    s = tiny_scenario()
    s["commodities"] = {"food": {"unit": "t", "name": "food aid"}}
    s["vehicles"] = {"truck": {"payload": {"food": TRUCK_T}}}
    del s["demand"]
    block = {"capacity": 2_000, "initial": 500, "demand": {"per_day": 150}}
    block.update(stock)
    s["depot"] = {"place": "city", "commodities": {"food": block}}
    del s["corridors"]["main"]["tanker_capacity_l"]
    s["corridors"]["main"]["vehicle"] = "truck"
    return s


def mixed(hazard: float = 0.0) -> dict[str, Any]:
    """TINY whose vehicles carry diesel (the main commodity) and food to the depot."""
    s = tiny_scenario()
    s["commodities"] = {"diesel": {"unit": "L"}, "food": {"unit": "t"}}
    s["vehicles"] = {"mixed": {"payload": {"diesel": MIXED_L, "food": MIXED_T}}}
    s["depot"]["commodities"] = {
        "food": {"capacity": 10_000, "initial": 100, "demand": {"per_day": 50, "cv": 0.2}}
    }
    del s["corridors"]["main"]["tanker_capacity_l"]
    s["corridors"]["main"]["vehicle"] = "mixed"
    s["threat"].update(hazard_per_100km=hazard, capture_fraction=0.4)
    s["corridors"]["main"]["blockade_intensity"] = 1.0
    return s


# ---------------------------------------------------------------- known answers


def test_a_food_scenario_delivers_its_payload_times_the_trucks_that_arrive() -> None:
    r = simfuel.run(food(), seed=1)
    r.check_balance()
    arrived = r.convoys.loc[r.convoys["ended_h"] >= 0, "tankers_arrived"].sum()
    assert arrived > 0
    assert int(r.daily["arrived_l"].sum()) == TRUCK_T * arrived
    # No threat and room to spare: every truck that arrives unloads the day it arrives.
    assert r.daily["delivered_l"].equals(r.daily["arrived_l"])
    days = np.arange(1, len(r.daily) + 1)
    expected = 500 + r.daily["delivered_l"].cumsum().to_numpy() - 150 * days
    np.testing.assert_allclose(r.daily["stock_l"].to_numpy(), expected)
    # Its events count trucks and tonnes.
    arrivals = r.events[r.events["kind"] == "arrived"]
    assert (arrivals["litres"] == TRUCK_T * arrivals["tankers"]).all()


def test_a_food_scenario_speaks_of_food_in_tonnes_by_truck() -> None:
    sc = simfuel.Scenario.model_validate(food())
    assert sc.vocabulary == vocabulary_for("food aid", "t", "truck", "trucks")
    assert sc.main_commodity == "food"
    r = simfuel.run(sc, seed=0)
    assert r.at().attrs["unit"] == "t"
    assert set(r.places["unit"]) == {"t"} and set(r.places["commodity"]) == {"food"}


def test_every_shipped_fuel_scenario_speaks_of_fuel() -> None:
    fuel = 0
    for path in sorted(glob.glob(str(SCENARIOS / "*.yaml"))):
        sc = simfuel.load_scenario(path)
        if sc.name.startswith("lachin-"):  # the second real case: supplies in tonnes
            assert sc.commodity_units == {"supplies": "t"}, path
            continue
        if sc.commodities or sc.vehicles:  # declares its own goods (tutorial-network)
            continue
        fuel += 1
        assert sc.vocabulary is FUEL, path
        assert sc.commodity_units == {"fuel": "L"}
    assert fuel >= 7  # mali-2025 and its counterfactuals at least


def test_a_mixed_convoy_loses_each_commodity_in_proportion_to_its_vehicles() -> None:
    r = simfuel.run(mixed(hazard=0.8), seed=3)
    r.check_balance()
    c = r.convoys
    lost = int(c["destroyed"].sum()), int(c["captured"].sum())
    assert lost[0] > 0 and lost[1] > 0  # the case tests something
    diesel, food_ = r.at(), r.at(commodity="food")
    for col, vehicles in (("destroyed_l", lost[0]), ("captured_l", lost[1])):
        assert int(diesel[col].sum()) == MIXED_L * vehicles
        assert int(food_[col].sum()) == MIXED_T * vehicles
    # Every flow of the one fleet is in the ratio of the payloads.
    for col in ("loaded_l", "arrived_l", "delivered_l", "in_transit_l", "queued_l"):
        np.testing.assert_array_equal(
            diesel[col].to_numpy() * MIXED_T, food_[col].to_numpy() * MIXED_L
        )
    assert r.summary()["tankers_lost"] == r.summary(commodity="food")["tankers_lost"]


def test_the_main_commodity_of_a_mixed_fleet_is_as_if_it_travelled_alone() -> None:
    """Adding food to the vehicles moves no draw of the diesel run (its own streams)."""
    alone = mixed()
    del alone["depot"]["commodities"]
    alone["vehicles"]["mixed"]["payload"] = {"diesel": MIXED_L}
    for seed in (0, 4):
        a, b = simfuel.run(alone, seed=seed), simfuel.run(mixed(), seed=seed)
        pd.testing.assert_frame_equal(a.daily, b.daily)
        pd.testing.assert_frame_equal(a.convoys, b.convoys)


def test_an_unloading_vehicle_waits_until_every_commodity_fits() -> None:
    # The food stock is nearly full and nobody eats: vehicles wait to unload at the
    # depot, so its diesel is not delivered either, although the diesel tanks have room.
    s = mixed()
    s["depot"]["commodities"]["food"].update(capacity=105, initial=100, demand={"per_day": 1})
    r = simfuel.run(s, seed=0)
    r.check_balance()
    diesel, food_ = r.at(), r.at(commodity="food")
    assert int(food_["delivered_l"].sum()) <= 5 + 20  # at most what the eaten food frees
    assert int(diesel["delivered_l"].sum()) == MIXED_L * int(food_["delivered_l"].sum()) // MIXED_T
    assert diesel["tankers_waiting_unload"].iloc[-1] > 0
    assert (diesel["stock_l"] < s["depot"]["capacity_l"] / 2).all()


def test_secondary_distribution_loads_whole_vehicles_the_upstream_can_fill_in_both() -> None:
    s = mixed()
    s["places"]["b"] = {"lat": 12.5, "lon": -7.0}
    s["destinations"] = {
        "b": {
            "place": "b",
            "capacity_l": 1_000_000,
            "initial_stock_l": 0,
            "demand": {"demand_l_per_day": 1},
            "commodities": {"food": {"capacity": 500, "initial": 0, "demand": {"per_day": 1}}},
        }
    }
    # The depot's food runs short long before its diesel: the loadings out stop with it.
    s["depot"]["commodities"]["food"].update(initial=25, demand={"per_day": 1})
    s["corridors"]["main"]["tankers_per_day"] = 0
    s["corridors"]["city_b"] = {
        "origin": "city",
        "staging": "city",
        "tankers_per_day": 4,
        "vehicle": "mixed",
        "legs": [{"from": "city", "to": "b", "length_km": 60, "speed_kmh": 30}],
    }
    r = simfuel.run(s, seed=2)
    r.check_balance()
    out_food = int(r.at("city", "food")["loaded_out_l"].sum())
    out_diesel = int(r.at("city")["loaded_out_l"].sum())
    # 25 t: two whole vehicles of 10 t (the depot's first day eats 1 t of the rest).
    assert out_food == 2 * MIXED_T and out_diesel == 2 * MIXED_L
    assert (r.events["kind"] == "load_short").any()
    assert int(r.at("b", "food")["delivered_l"].sum()) == out_food


def test_dated_demand_and_rationing_of_another_commodity_change_only_its_stock() -> None:
    base = mixed()
    dated = mixed()
    dated["events"] = [
        {"type": "demand", "date": "2025-01-08", "commodity": "food", "demand_l_per_day": 80},
        {
            "type": "rationing",
            "date": "2025-01-08",
            "commodity": "food",
            "threshold_days": 1_000,
            "served_fraction": 0.5,
        },
    ]
    a, b = simfuel.run(base, seed=6), simfuel.run(dated, seed=6)
    b.check_balance()
    pd.testing.assert_frame_equal(a.daily, b.daily)  # diesel: untouched
    fa, fb = a.at(commodity="food"), b.at(commodity="food")
    pd.testing.assert_frame_equal(fa.iloc[:7], fb.iloc[:7])
    assert not fb["rationing"].iloc[:7].any() and fb["rationing"].iloc[7:].all()
    # The same stream, the nominal demand 80 instead of 50: draws scale with it.
    np.testing.assert_allclose(fb["demand_l"].iloc[7:], fa["demand_l"].iloc[7:] * 80 / 50)
    np.testing.assert_allclose(fb["served_l"].iloc[7:], fb["demand_l"].iloc[7:] * 0.5)


def test_fuel_declared_in_full_runs_as_the_sugar_does() -> None:
    """``tanker_capacity_l`` is a one-commodity vehicle of the main commodity."""
    sugar = tiny_scenario()
    sugar["threat"]["hazard_per_100km"] = 0.6
    sugar["corridors"]["main"]["blockade_intensity"] = 1.0
    full = copy.deepcopy(sugar)
    full["commodities"] = {"fuel": {"unit": "L"}}
    full["vehicles"] = {"tanker": {"payload": {"fuel": 45_000}}}
    del full["corridors"]["main"]["tanker_capacity_l"]
    full["corridors"]["main"]["vehicle"] = "tanker"
    assert simfuel.Scenario.model_validate(full).vocabulary is FUEL
    for seed in (0, 9):
        a, b = simfuel.run(sugar, seed=seed), simfuel.run(full, seed=seed)
        pd.testing.assert_frame_equal(a.daily, b.daily)
        pd.testing.assert_frame_equal(a.convoys, b.convoys)
        pd.testing.assert_frame_equal(a.events, b.events)


def test_check_balance_finds_a_unit_of_food_that_appeared() -> None:
    r = simfuel.run(mixed(hazard=0.5), seed=1)
    r._place_records[1].daily[5].stock_l += 3.0  # a bookkeeping bug, by hand
    with pytest.raises(BalanceError, match=r"stock balance broken at city \(food\) on 2025-01-06"):
        r.check_balance()
    r = simfuel.run(mixed(hazard=0.5), seed=1)
    r._place_records[1].daily[5].destroyed_l += 10
    with pytest.raises(BalanceError, match="food balance broken at city on 2025-01-06"):
        r.check_balance()


# ---------------------------------------------------------------- results


def test_places_has_one_row_per_day_and_stock_with_its_unit() -> None:
    r = simfuel.run(mixed(), seed=0)
    p = r.places
    assert list(p.columns) == ["date", "place", *PLACE_FIELDS]
    assert r.stock_keys == [("city", "diesel"), ("city", "food")]
    assert len(p) == 2 * len(r.daily)
    units = p.groupby("commodity")["unit"].unique().map(list).to_dict()
    assert units == {"diesel": ["L"], "food": ["t"]}
    assert r.at("city", "diesel").equals(r.at())
    with pytest.raises(KeyError, match="no stock of 'water' at place 'city'"):
        r.at(commodity="water")


def test_summaries_by_place_per_commodity() -> None:
    s = network(food_t=10, initial=200, rate=10, hazard=0.5, keep_days=1.0)
    r = simfuel.run(s, seed=3)
    food_ = r.summary_by_place("food")
    assert list(food_.index) == ["city", "b"]
    assert food_.loc["b", "delivered_l"] == r.at("b", "food")["delivered_l"].sum()
    assert food_.loc["city", "final_stock_l"] == r.at("city", "food")["stock_l"].iloc[-1]
    assert r.summary_by_place().equals(r.summary_by_place("diesel"))
    # The aid lorries carry food only: they are b's food convoys, not its diesel ones.
    in_horizon = r.convoys[r.convoys["departed_h"] >= 0]
    lorries = int((in_horizon["corridor"] == "aid_b").sum())
    assert lorries > 0
    both = int((in_horizon["corridor"] == "city_b").sum())
    assert r.summary("b")["convoys"] == both
    assert r.summary("b", "food")["convoys"] == both + lorries


def test_the_ensemble_summary_of_records_is_the_main_commoditys_at_the_depot() -> None:
    """Workers summarise raw records: a food-only corridor into the depot is not counted."""
    raw = mixed(hazard=0.8)
    raw["vehicles"]["aid"] = {"payload": {"food": 25}}
    raw["corridors"]["aid"] = copy.deepcopy(raw["corridors"]["main"])
    raw["corridors"]["aid"]["vehicle"] = "aid"
    sc = simfuel.load_scenario(raw)
    seed = np.random.SeedSequence(4)
    rec = Simulation(compile_plan(sc), seed).run()
    assert rec.depot_corridors == frozenset({"main"})
    from_records = summary_to_dict(summary_from_records(rec), sc.start)
    r = simfuel.run(sc, seed=seed)
    r.check_balance()
    assert pd.Series(from_records).equals(pd.Series(r.summary()))
    assert r.summary()["convoys"] < r.summary(commodity="food")["convoys"]


def test_one_commodity_results_have_fuel_in_litres() -> None:
    r = simfuel.run(tiny_scenario(), seed=0)
    assert set(r.places["commodity"]) == {"fuel"} and set(r.places["unit"]) == {"L"}
    assert pd.Series(r.summary()).equals(pd.Series(r.summary(commodity="fuel")))  # NaN == NaN


def network(food_t: int, initial: int, rate: int, hazard: float, keep_days: float) -> dict:
    """``mixed`` plus a town ``b`` stocking both, fed from the depot by mixed vehicles."""
    s = mixed(hazard=hazard)
    s["vehicles"]["mixed"]["payload"]["food"] = food_t
    s["vehicles"]["aid"] = {"payload": {"food": 25}, "word": "lorry"}
    s["depot"]["commodities"]["food"]["initial"] = initial
    s["corridors"]["main"]["tankers_per_day"] = rate
    s["places"]["b"] = {"lat": 12.5, "lon": -7.0}
    s["destinations"] = {
        "b": {
            "place": "b",
            "capacity_l": 500_000,
            "initial_stock_l": 100_000,
            "demand": {"demand_l_per_day": 60_000, "cv": 0.3},
            "commodities": {
                "food": {"capacity": 300, "initial": 20, "demand": {"per_day": 15, "cv": 0.3}}
            },
        }
    }
    legs = [{"from": "city", "to": "b", "length_km": 90, "speed_kmh": 30}]
    s["corridors"]["city_b"] = {
        "origin": "city",
        "staging": "city",
        "tankers_per_day": 3,
        "vehicle": "mixed",
        "upstream_keep_days": keep_days,
        "blockade_intensity": 1.0,
        "legs": legs,
    }
    s["corridors"]["aid_b"] = {
        "origin": "city",
        "staging": "city",
        "tankers_per_day": 1,
        "vehicle": "aid",
        "legs": legs,
    }
    return s


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**16),
    hazard=st.sampled_from([0.0, 0.5, 1.5]),
    food_t=st.integers(1, 40),
    initial=st.integers(0, 1_000),
    rate=st.integers(0, 20),
    keep_days=st.sampled_from([0.0, 1.0, 3.0]),
)
def test_balance_holds_per_commodity_and_place_on_a_network(
    seed: int, hazard: float, food_t: int, initial: int, rate: int, keep_days: float
) -> None:
    s = network(food_t, initial, rate, hazard, keep_days)
    r = simfuel.run(s, seed=seed)
    r.check_balance()
    assert (r.places["stock_l"] >= 0).all()
    assert len(r.stock_keys) == 4
    again = simfuel.run(s, seed=seed)
    pd.testing.assert_frame_equal(r.places, again.places)
    pd.testing.assert_frame_equal(r.events, again.events)


def test_a_stock_out_of_tonnes_is_logged_in_tonnes() -> None:
    """The events log spoke of a food stock's shortfall in litres."""
    s = food(initial=100)
    s["corridors"]["main"]["tankers_per_day"] = 0  # nothing comes: it runs out
    r = simfuel.run(s, seed=1)
    [detail] = r.events.loc[r.events["kind"] == "stockout_started", "detail"]
    assert detail.endswith(" t") and " L" not in detail


def test_corridors_of_different_vehicles_into_the_depot_are_counted_as_vehicles() -> None:
    """'trucks lost' must not count the tankers of another corridor (the tutorial's)."""
    s = mixed()
    s["corridors"]["tankers"] = dict(s["corridors"]["main"])
    s["corridors"]["tankers"].pop("vehicle")
    s["corridors"]["tankers"]["tanker_capacity_l"] = 36_000
    sc = simfuel.Scenario.model_validate(s)
    assert (sc.vocabulary.vehicle, sc.vocabulary.vehicles) == ("vehicle", "vehicles")
    one = simfuel.Scenario.model_validate(mixed())
    assert one.vocabulary.vehicles == "mixeds"  # its key, made plural: one kind, its word
