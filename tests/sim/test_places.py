"""Several destinations and secondary distribution: stocks at places, loading from a stock.

The chain used here: the depot at ``city`` is fed by TINY's ``main`` corridor; destination
``b`` (place ``b``) by a secondary corridor ``city_b`` that loads from the depot; destination
``c`` by ``b_c`` that loads from ``b``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simfuel
from simfuel.results import PLACE_FIELDS, BalanceError, summary_from_records, summary_to_dict
from simfuel.scenario.provenance import content_hash
from simfuel.sim import Simulation, compile_plan
from simfuel.sim.recorder import DAILY_FIELDS
from tests.helpers import SCENARIOS, tiny_scenario
from tests.sim.builders import CAPACITY_L


def destination(place: str, **fields: Any) -> dict[str, Any]:
    """A destination mapping: 1 ML of storage, 0.5 ML of stock, 100,000 L/day."""
    d: dict[str, Any] = {
        "place": place,
        "capacity_l": 1_000_000,
        "initial_stock_l": 500_000,
        "demand": {"demand_l_per_day": 100_000},
    }
    d.update(fields)
    return d


def secondary(origin: str, to: str, **fields: Any) -> dict[str, Any]:
    """A secondary corridor ``origin -> to``, 60 km at 30 km/h, 4 tankers a day."""
    c: dict[str, Any] = {
        "origin": origin,
        "staging": origin,
        "tankers_per_day": 4,
        "tanker_capacity_l": CAPACITY_L,
        "legs": [{"from": origin, "to": to, "length_km": 60, "speed_kmh": 30}],
    }
    c.update(fields)
    return c


def chain(**b: Any) -> dict[str, Any]:
    """TINY plus ``b`` fed from the depot and ``c`` fed from ``b``."""
    s = tiny_scenario()
    s["places"]["b"] = {"lat": 12.5, "lon": -7.0}
    s["places"]["c"] = {"lat": 13.0, "lon": -6.0}
    s["destinations"] = {"b": destination("b", **b), "c": destination("c")}
    s["corridors"]["city_b"] = secondary("city", "b", tankers_per_day=6)
    s["corridors"]["b_c"] = secondary("b", "c")
    return s


def isolated(**fields: Any) -> dict[str, Any]:
    """TINY plus one destination ``far`` that no corridor reaches."""
    s = tiny_scenario()
    s["places"]["far"] = {"lat": 14.0, "lon": -4.0}
    s["destinations"] = {"far": destination("far", **fields)}
    return s


# ---------------------------------------------------------------- known answers


def test_a_destination_with_no_inflow_runs_down_at_its_demand() -> None:
    r = simfuel.run(isolated(initial_stock_l=750_000), seed=1)
    far = r.at("far")
    days = np.arange(len(far)) + 1
    expected = np.maximum(750_000 - 100_000 * days, 0)
    np.testing.assert_array_equal(far["stock_l"].to_numpy(), expected)
    np.testing.assert_array_equal(
        far["served_l"].to_numpy(), np.minimum(100_000, 750_000 - 100_000 * (days - 1)).clip(0)
    )
    assert (far["delivered_l"] == 0).all() and (far["loaded_l"] == 0).all()
    # 7.5 days of stock: day 7 (the 8th) is the first short one.
    assert r.summary("far")["first_stockout"] == r.scenario.start + pd.Timedelta(days=7)
    assert not far["stockout"].iloc[:7].any() and far["stockout"].iloc[7:].all()
    r.check_balance()


def test_an_unconnected_destination_leaves_the_depot_run_unchanged() -> None:
    """The depot's streams and tables do not move when a destination is added."""
    plain = simfuel.run(tiny_scenario(), seed=5)
    more = simfuel.run(isolated(demand={"demand_l_per_day": 100_000, "cv": 0.3}), seed=5)
    pd.testing.assert_frame_equal(plain.daily, more.daily)
    pd.testing.assert_frame_equal(plain.convoys, more.convoys)
    # The log gains only the destination's own rows (its stock-out), which say where.
    ev = more.events
    theirs = ev["detail"].str.startswith("far: ")
    assert ev.loc[theirs, "kind"].tolist() == ["stockout_started"]
    pd.testing.assert_frame_equal(plain.events, ev[~theirs].reset_index(drop=True))
    assert pd.Series(plain.summary()).equals(pd.Series(more.summary()))  # NaN == NaN


def test_a_secondary_corridor_never_loads_more_than_the_upstream_holds() -> None:
    # b holds 2 tankers' loads and 10,000 L; nothing flows into b; c asks 4 tankers a day.
    s = chain(initial_stock_l=100_000, demand={"demand_l_per_day": 1})
    del s["corridors"]["city_b"]
    r = simfuel.run(s, seed=2)
    r.check_balance()
    b = r.at("b")
    assert int(b["loaded_out_l"].sum()) == 2 * CAPACITY_L
    assert (b["stock_l"] >= 0).all()
    ev = r.events
    loaded = ev[(ev["kind"] == "loaded") & (ev["corridor"] == "b_c") & (ev["t_h"] >= 0)]
    assert int(loaded["tankers"].sum()) == 2
    short = ev[ev["kind"] == "load_short"]
    assert len(short) > 0 and set(short["corridor"]) == {"b_c"}
    # Every batch of the horizon asked for its tankers: what was not loaded is logged.
    asked = 4 * len(r.daily)
    assert int(short["tankers"].sum()) + 2 == asked


def test_the_upstream_falls_by_exactly_what_it_loaded_out() -> None:
    # b holds enough for every loading (20 days x 1 tanker) and its own demand.
    s = chain(initial_stock_l=1_000_000, demand={"demand_l_per_day": 1_000})
    s["corridors"]["b_c"]["tankers_per_day"] = 1
    del s["corridors"]["city_b"]  # b has no inflow: its stock only falls
    without = dict(s, corridors={k: v for k, v in s["corridors"].items() if k != "b_c"})
    with_out = simfuel.run(s, seed=4).at("b")
    alone = simfuel.run(without, seed=4).at("b")
    assert with_out["loaded_out_l"].sum() > 0
    assert (alone["loaded_out_l"] == 0).all()
    gap = alone["stock_l"] - with_out["stock_l"]
    np.testing.assert_allclose(gap, with_out["loaded_out_l"].cumsum(), rtol=0, atol=1e-6)


def test_upstream_keep_days_leaves_that_much_cover_after_every_loading() -> None:
    s = chain(initial_stock_l=600_000, demand={"demand_l_per_day": 20_000})
    del s["corridors"]["city_b"]
    s["corridors"]["b_c"]["upstream_keep_days"] = 5.0  # keeps 100,000 L
    r = simfuel.run(s, seed=0)
    r.check_balance()
    b = r.at("b")
    loading_days = b[b["loaded_out_l"] > 0]
    assert len(loading_days) > 0
    # Loadings come first in a day, its demand at the next midnight: the stock after the
    # day's loadings is the end-of-day stock plus what the day served.
    assert (loading_days["stock_l"] + loading_days["served_l"] >= 100_000 - 1e-6).all()
    # It stopped only for the rule: with nothing kept it ships more.
    s["corridors"]["b_c"]["upstream_keep_days"] = 0.0
    assert simfuel.run(s, seed=0).at("b")["loaded_out_l"].sum() > b["loaded_out_l"].sum()


def test_a_shortage_propagates_down_the_chain() -> None:
    # The depot gets nothing after day 2 and holds little; b and c live on what it sends.
    s = chain()
    s["depot"].update(initial_stock_l=600_000)
    s["events"] = [{"date": "2025-01-03", "type": "supply_rate", "tankers_per_day": 0}]
    r = simfuel.run(s, seed=3)
    r.check_balance()
    firsts = {p: r.summary(p)["first_stockout"] for p in ("city", "b", "c")}
    assert all(firsts.values())
    assert firsts["city"] <= firsts["b"]
    late = r.at("b").iloc[-5:]
    assert (late["delivered_l"] == 0).all()


def test_demand_and_rationing_events_apply_at_their_place() -> None:
    s = chain()
    s["events"] = [
        {"date": "2025-01-05", "type": "demand", "place": "c", "demand_l_per_day": 30_000},
        {
            "date": "2025-01-05",
            "type": "rationing",
            "place": "b",
            "threshold_days": 1000,
            "served_fraction": 0.5,
        },
    ]
    r = simfuel.run(s, seed=0)
    c, b, city = r.at("c"), r.at("b"), r.daily
    assert (c["demand_l"].iloc[:4] == 100_000).all() and (c["demand_l"].iloc[4:] == 30_000).all()
    assert b["rationing"].iloc[4:].all() and not b["rationing"].iloc[:4].any()
    assert (city["demand_l"] == 450_000).all() and not city["rationing"].any()
    log = r.events
    assert "b: cover" in log.loc[log["kind"] == "rationing_started", "detail"].iloc[0]


def test_an_observation_changes_nothing_but_the_timeline() -> None:
    s = chain()
    plain = simfuel.run(s, seed=6)
    s["events"] = [
        {"date": "2025-01-04", "type": "observation", "place": "c", "note": "queues", "source": "x"}
    ]
    seen = simfuel.run(s, seed=6)
    pd.testing.assert_frame_equal(plain.places, seen.places)
    pd.testing.assert_frame_equal(plain.convoys, seen.convoys)
    row = seen.events[seen.events["kind"] == "timeline:observation"]
    assert len(row) == 1 and "queues" in row["detail"].iloc[0]
    assert len(seen.events) == len(plain.events) + 1


# ---------------------------------------------------------------- tables and balance


def test_places_at_and_summary_agree_with_daily_at_the_depot() -> None:
    r = simfuel.run(chain(), seed=1)
    at = r.at()
    pd.testing.assert_frame_equal(at[list(DAILY_FIELDS)], r.daily)
    assert list(r.places.columns) == ["date", "place", *PLACE_FIELDS]
    assert list(r.places["place"].unique()) == ["city", "b", "c"]
    assert len(r.places) == 3 * len(r.daily)
    assert r.summary("city") == r.summary()
    table = r.summary_by_place()
    assert list(table.index) == ["city", "b", "c"]
    assert table.loc["b", "delivered_l"] == r.summary("b")["delivered_l"]
    with pytest.raises(KeyError, match="places with stock: city, b, c"):
        r.at("nowhere")
    # The depot's flows are those of the corridors that end at the depot.
    assert r.daily["loaded_l"].sum() == r.at("city")["loaded_l"].sum()
    ends_b = r.convoys[r.convoys["corridor"] == "city_b"]
    assert r.summary("b")["convoys"] == int((ends_b["departed_h"] >= 0).sum())


def test_check_balance_holds_per_place_and_catches_a_broken_stock() -> None:
    s = chain()
    s["threat"].update(hazard_per_100km=2.0, capture_fraction=0.5)
    s["corridors"]["city_b"]["blockade_intensity"] = 1.0
    s["destinations"]["c"].update(capacity_l=200_000, initial_stock_l=0)  # c fills up
    r = simfuel.run(s, seed=8)
    r.check_balance()
    assert r.at("c")["tankers_waiting_unload"].max() > 0
    assert r.summary("b")["tankers_lost"] > 0
    daily = r.daily.copy()
    daily.iloc[5, daily.columns.get_loc("stock_l")] += 10.0
    with pytest.raises(BalanceError, match="stock balance broken at city"):
        dataclasses.replace(r, daily=daily).check_balance()


def test_a_file_that_names_the_defaults_runs_and_hashes_as_one_that_does_not() -> None:
    plain = tiny_scenario()
    plain["events"] = [{"date": "2025-01-05", "type": "demand", "demand_l_per_day": 400_000}]
    named = tiny_scenario()
    named["destinations"] = {}
    named["corridors"]["main"]["upstream_keep_days"] = 0
    named["events"] = [
        {"date": "2025-01-05", "type": "demand", "place": None, "demand_l_per_day": 400_000}
    ]
    a, b = simfuel.run(plain, seed=2), simfuel.run(named, seed=2)
    pd.testing.assert_frame_equal(a.daily, b.daily)
    pd.testing.assert_frame_equal(a.events, b.events)
    assert content_hash(a.scenario) == content_hash(b.scenario)


def test_mali_2025_has_the_regions_balances_and_records_the_mopti_report() -> None:
    r = simfuel.run(SCENARIOS / "mali-2025.yaml", seed=0)
    r.check_balance()
    assert list(r.summary_by_place().index) == ["bamako", "segou", "mopti"]
    obs = r.events[r.events["kind"] == "timeline:observation"]
    assert obs["time"].dt.date.astype(str).tolist() == ["2025-09-21"]
    # The regions are carved out of the national figures of the facts file: 6.3 ML/day of
    # demand, 31.5 ML of stock on 1 August, 40 ML of storage (the one-depot version's).
    sc = r.scenario
    stocks = [sc.depot, *sc.destinations.values()]
    demand = sc.demand.demand_l_per_day + sum(
        d.demand.demand_l_per_day for d in sc.destinations.values()
    )
    assert demand == 6_300_000
    assert sum(d.initial_stock_l for d in stocks) == 31_500_000
    assert sum(d.capacity_l for d in stocks) == 40_000_000


def test_mali_2025_regions_is_now_mali_2025() -> None:
    # Kept as a thin `extends: mali-2025` so users' files that extend it keep working.
    regions = simfuel.run(SCENARIOS / "mali-2025-regions.yaml", seed=3)
    mali = simfuel.run(SCENARIOS / "mali-2025.yaml", seed=3)
    assert regions.scenario.name == "mali-2025-regions"
    pd.testing.assert_frame_equal(regions.places, mali.places)
    pd.testing.assert_frame_equal(regions.convoys, mali.convoys)
    pd.testing.assert_frame_equal(regions.events, mali.events)


# ---------------------------------------------------------------- properties


@st.composite
def chains(draw: st.DrawFn) -> dict[str, Any]:
    s = chain(
        initial_stock_l=draw(st.integers(0, 1_000_000)),
        demand={
            "demand_l_per_day": draw(st.integers(1, 400_000)),
            "cv": draw(st.sampled_from([0.0, 0.2])),
        },
    )
    s["end"] = "2025-01-10"
    s["depot"]["initial_stock_l"] = draw(st.integers(0, 4_000_000))
    s["destinations"]["c"]["capacity_l"] = draw(st.integers(50_000, 1_000_000))
    s["destinations"]["c"]["initial_stock_l"] = 0
    s["threat"]["hazard_per_100km"] = draw(st.sampled_from([0.0, 1.0]))
    for key in ("city_b", "b_c"):
        c = s["corridors"][key]
        c["tankers_per_day"] = draw(st.integers(0, 12))
        c["upstream_keep_days"] = draw(st.sampled_from([0.0, 1.5]))
        c["blockade_intensity"] = draw(st.sampled_from([0.0, 1.0]))
    return s


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(s=chains(), seed=st.integers(0, 2**32 - 1))
def test_chains_balance_never_go_negative_and_repeat(s: dict[str, Any], seed: int) -> None:
    r = simfuel.run(s, seed=seed)
    r.check_balance()
    places = r.places
    assert (places["stock_l"] >= 0).all()
    capacity = {"city": s["depot"]["capacity_l"]} | {
        d["place"]: d["capacity_l"] for d in s["destinations"].values()
    }
    assert (places["stock_l"] <= places["place"].map(capacity) + 1e-6).all()
    assert (places["served_l"] <= places["demand_l"] + 1e-9).all()
    pd.testing.assert_frame_equal(places, simfuel.run(s, seed=seed).places)


def test_the_ensemble_summary_of_records_is_the_depots() -> None:
    """Workers summarise raw records: the depot's days and its corridors' convoys only."""
    sc = simfuel.load_scenario(chain())
    seed = np.random.SeedSequence(9)
    rec = Simulation(compile_plan(sc), seed).run()
    from_records = summary_to_dict(summary_from_records(rec), sc.start)
    whole = simfuel.run(sc, seed=seed).summary()
    assert pd.Series(from_records).equals(pd.Series(whole))
    assert rec.depot_corridors == frozenset({"main"})
