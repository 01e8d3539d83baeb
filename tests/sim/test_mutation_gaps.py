"""Known answers for engine behaviour that a sampled mutation run found untested.

Each test names the behaviour it pins; the mutant it was written against is in the comment
above it (``mutmut`` names, see ``make mutation``). Small scenarios on TINY
(``tests.sim.builders``) unless said.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

import simfuel
from simfuel.scenario import load_scenario
from simfuel.scenario.schema import stock_places
from simfuel.scenario.terminals import terminal_places
from simfuel.sim.escort_kinds import ESCORT_KINDS
from simfuel.sim.plan import compile_plan
from tests.helpers import tiny_scenario
from tests.sim.builders import CAPACITY_L, LEG_H, date, food_terminal, tiny
from tests.sim.test_commodities import MIXED_L, MIXED_T, mixed
from tests.sim.test_daylight_cover import DAY, _pool_at
from tests.sim.test_rationing_rules import _records, _station_days, _stations
from tests.sim.test_sea_terminal import LOADS, import_terminal


def _kind(r: simfuel.RunResult, kind: str) -> pd.DataFrame:
    ev = r.events
    return ev[ev["kind"] == kind]


# ---------------------------------------------------------------- held on the approach
# sim.engine.Simulation._held_batch__mutmut_20: the event's corridor dropped (None).


def test_a_batch_held_before_the_staging_point_names_its_corridor() -> None:
    s = tiny_scenario()
    s["events"] = [
        {"type": "close", "date": date(5), "corridor": "main", "leg_from": "port"},
        {"type": "reopen", "date": date(7), "corridor": "main", "leg_from": "port"},
    ]
    held = _kind(simfuel.run(s, seed=1), "held")
    assert len(held) > 3 and (held["convoy_id"] == -1).all()
    assert held["corridor"].tolist() == ["main"] * len(held)
    assert (held["litres"] == held["tankers"] * CAPACITY_L).all()


# ---------------------------------------------------------------- vehicles of several commodities
# sim.engine.Simulation._load_parts__mutmut_6: keep_days / demand instead of keep_days * demand.


def _mixed_out_of_the_depot(keep_days: float) -> dict[str, Any]:
    """``mixed`` without inflow; ``city_b`` loads 6 mixed vehicles at 00:00 out of ``city``.

    The depot holds 2,000,000 L of diesel (450,000 L a day) and 100 t of food (50 t a day,
    no variation); a vehicle carries 30,000 L and 10 t.
    """
    s = mixed()
    s["corridors"]["main"]["tankers_per_day"] = 0
    s["depot"]["commodities"]["food"]["demand"]["cv"] = 0.0
    s["places"]["b"] = {"lat": 12.5, "lon": -7.0}
    s["destinations"] = {
        "b": {
            "place": "b",
            "capacity_l": 5_000_000,
            "initial_stock_l": 100_000,
            "demand": {"demand_l_per_day": 1_000},
            "commodities": {"food": {"capacity": 3_000, "initial": 20, "demand": {"per_day": 1}}},
        }
    }
    s["corridors"]["city_b"] = {
        "origin": "city",
        "staging": "city",
        "tankers_per_day": 6,
        "dispatches_per_day": 1,
        "vehicle": "mixed",
        "upstream_keep_days": keep_days,
        "legs": [{"from": "city", "to": "b", "length_km": 90, "speed_kmh": 30}],
    }
    return s


def test_mixed_vehicles_keep_days_of_each_commoditys_own_demand() -> None:
    # Keeping 1 day: 50 t of the 100 t of food may go, 5 vehicles' worth (the diesel,
    # 2,000,000 - 450,000 L, would fill 51): 5 of the 6 load, the sixth is short of food.
    r = simfuel.run(_mixed_out_of_the_depot(1.0), seed=1)
    r.check_balance()
    loaded = _kind(r, "loaded")
    first = loaded[(loaded["corridor"] == "city_b") & (loaded["t_h"] == 0.0)]
    assert first["tankers"].tolist() == [5]
    short = _kind(r, "load_short")
    day0 = short[short["t_h"] == 0.0]
    assert day0[["tankers", "litres", "detail"]].values.tolist() == [
        [1, MIXED_L, "city holds food 100 t"]
    ]
    food = r.at("city", "food")
    assert food["loaded_out_l"].iloc[0] == 5 * MIXED_T
    # Keeping nothing, all 6 load.
    free = simfuel.run(_mixed_out_of_the_depot(0.0), seed=1)
    loaded = _kind(free, "loaded")
    assert loaded[(loaded["corridor"] == "city_b") & (loaded["t_h"] == 0.0)]["tankers"].sum() == 6


# ---------------------------------------------------------------- a terminal seized to the end
# sim.engine.Simulation._anchored__mutmut_5: "the end" never said (a date of infinity fails).


def test_a_ship_at_a_terminal_seized_to_the_end_waits_until_the_end() -> None:
    # A 48 h voyage; the port seized from day 1 (24 h) and never released: the ship
    # reaches it at 48 h, says it waits to the end, and never unloads.
    s = import_terminal(ships=1)
    s["corridors"]["ship_in"]["legs"][0]["length_km"] = 48 * 20
    s["events"] = [{"date": date(1), "type": "seize", "place": "port"}]
    r = simfuel.run(s, seed=0)
    r.check_balance()
    held = r.events[(r.events["kind"] == "held") & (r.events["corridor"] == "ship_in")]
    assert held["t_h"].tolist() == [48.0]
    assert held["detail"].tolist() == ["port seized; the ship unloads by the end"]
    assert held["tankers"].tolist() == [LOADS]
    assert r.at("port")["delivered_l"].sum() == 0


# ---------------------------------------------------------------- filling stations
# sim.engine.Simulation._days__mutmut_98: the shortfall from what the stock sent, not sold.


def test_with_stations_the_shortfall_is_demand_less_what_the_stations_sold() -> None:
    # One truck a day (tests.sim.test_rationing_rules): day 0 sends 150,000 L, day 1
    # 300,000 L, day 2 300,000 L; the stations sell 450,000, 450,000 and 300,000 L of the
    # 450,000 L asked (they hold stock of their own): short 0, 0 and 150,000 L.
    rec = _records(_stations(trucks_per_day=1))
    st = _station_days(rec)
    d = pd.DataFrame(rec.daily_columns())
    np.testing.assert_allclose(st["sent_l"].iloc[:3], [150_000, 300_000, 300_000])
    np.testing.assert_allclose(d["served_l"].iloc[:3], [150_000, 300_000, 300_000])
    np.testing.assert_allclose(d["shortfall_l"].iloc[:3], [0, 0, 150_000], atol=1e-6)


# ---------------------------------------------------------------- hourly air cover
# sim.escort_kinds.HourlyAirCover.covered_h__mutmut_17: the force's speed limit dropped
# (max(h, ) fails) when the force has a window.


def test_air_hourly_with_a_window_takes_the_hours_at_the_forces_speed() -> None:
    # At 20 km/h border-town (100 km) takes 5 h, not 4; town-city (150 km) 7.5 h, not 5.
    # Leaving at 03:00: 03-08 (2 h by day), then 08-15:30 (7.5 h, all by day).
    _env, pool, corridor = _pool_at(3.0, daylight_h=list(DAY), speed_kmh=20)
    assert pool.covered_h(corridor, 3.0) == pytest.approx(2.0 + 7.5)
    # Leaving at 09:00: 09-14 and 14-21:30 (4 h of it by day).
    assert pool.covered_h(corridor, 9.0) == pytest.approx(5.0 + 4.0)
    # A force faster than the legs drives at their speeds.
    _env, fast, corridor = _pool_at(3.0, daylight_h=list(DAY), speed_kmh=200)
    assert fast.covered_h(corridor, 3.0) == pytest.approx(1.0 + 5.0)
    # Without a window: every threatened hour at the force's speed.
    _env, plain, corridor = _pool_at(3.0, speed_kmh=20)
    assert plain.covered_h(corridor, 3.0) == pytest.approx(12.5)
    assert plain.threatened_h(corridor) == pytest.approx(12.5)


# sim.escort_kinds.HourlyAirCover.describe__mutmut_2: the window left out of the words.


def test_air_hourly_describes_its_bank_and_its_window() -> None:
    s = tiny_scenario()
    s["escorts"]["air"].update(
        kind="air_hourly", convoy_hours_per_day=6, max_banked_days=2.5, daylight_h=[6, 18.5]
    )
    force = load_scenario(s).escorts["air"]
    kind = ESCORT_KINDS.get("air_hourly")
    assert kind.describe(force) == (
        "6 convoy-hours a day per unit, accrued hourly, banked up to 2.5 days; "
        "threatened legs only, flying 6-18.5 h of the day only"
    )
    s["escorts"]["air"].pop("daylight_h")
    assert kind.describe(load_scenario(s).escorts["air"]) == (
        "6 convoy-hours a day per unit, accrued hourly, banked up to 2.5 days; threatened legs only"
    )


# ---------------------------------------------------------------- a fleet's way back
# sim.fleet.Fleet._struck__mutmut_60: the capture on the way back logged under another kind.


def test_every_vehicle_lost_on_the_way_back_is_logged_destroyed_or_captured() -> None:
    s = tiny_scenario()
    s["corridors"]["main"]["fleet"] = {"vehicles": 40}
    s["threat"].update(hazard_per_100km=0.5, loss_fraction_mean=0.3, capture_fraction=0.5)
    s["events"].append({"date": date(0), "type": "blockade", "corridors": "all", "intensity": 1.0})
    r = simfuel.run(s, seed=4)
    ev = r.events
    back = ev[ev["kind"].str.startswith("return_")]
    assert set(back["kind"]) == {"return_attacked", "return_destroyed", "return_captured"}
    keys = ["t_h", "detail"]
    attacked = back[back["kind"] == "return_attacked"].set_index(keys)["tankers"]
    attacked = attacked[attacked > 0]  # an attack may take none
    split = back[back["kind"] != "return_attacked"].groupby(keys)["tankers"].sum()
    pd.testing.assert_series_equal(split.sort_index(), attacked.sort_index(), check_names=False)
    captured = back[back["kind"] == "return_captured"]["tankers"].sum()
    assert 0 < captured < attacked.sum()
    assert len(attacked) > 10


# ---------------------------------------------------------------- the plan's stocks
# sim.plan._commodity_stocks__mutmut_100: a terminal's other commodities at place 0.


def test_each_stock_knows_its_place_so_no_two_share_a_demand_stream() -> None:
    s = food_terminal()
    sc = load_scenario(s)
    plan = compile_plan(sc)
    places = [*stock_places(sc), *terminal_places(sc)]
    assert [(sp.place, sp.commodity) for sp in plan.stocks] == [
        ("city", "diesel"),
        ("port", "diesel"),
        ("city", "food"),
        ("port", "food"),
    ]
    assert [sp.place_index for sp in plan.stocks] == [places.index(sp.place) for sp in plan.stocks]
    keys = [(sp.commodity_index, sp.place_index) for sp in plan.stocks]
    assert len(set(keys)) == len(keys)


# ---------------------------------------------------------------- seed-2 sample survivors
# sim.engine.Simulation._struck__mutmut_55: the "destroyed" event's corridor dropped.


def test_every_attack_event_names_its_corridor() -> None:
    s = tiny_scenario()
    s["threat"].update(hazard_per_100km=0.5, loss_fraction_mean=0.3, capture_fraction=0.5)
    s["events"].append({"date": date(0), "type": "blockade", "corridors": "all", "intensity": 1.0})
    ev = simfuel.run(s, seed=4).events
    hits = ev[ev["kind"].isin(["attacked", "destroyed", "captured"])]
    assert set(hits["kind"]) == {"attacked", "destroyed", "captured"}
    assert hits["corridor"].tolist() == ["main"] * len(hits)


# sim.engine.Simulation._escort_ready__mutmut_6: every required force taken as unstaffed.


def test_needs_escort_with_a_staffed_required_escort_loads_as_without_it() -> None:
    from tests.sim.test_supply_response import _responding

    def scenario(needs: bool) -> dict[str, Any]:
        s = _responding(0)
        s["corridors"]["main"]["supply_response"]["needs_escort"] = needs
        s["escorts"]["army"]["units"] = 5
        s["corridors"]["main"]["escort_policy"] = {"forces": ["army"], "required": True}
        return s

    waiting, plain = simfuel.run(scenario(True), seed=1), simfuel.run(scenario(False), seed=1)
    loaded = waiting.daily["loaded_l"].to_numpy()
    assert (loaded > 0).all()
    np.testing.assert_array_equal(loaded, plain.daily["loaded_l"].to_numpy())


# sim.plan._terminal_stock__mutmut_12: a terminal's stock without its unit.


def test_a_terminals_stocks_carry_their_units() -> None:
    s = food_terminal()
    r = simfuel.run(s, seed=0)
    assert (r.at("port").attrs["unit"], r.at("port", "food").attrs["unit"]) == ("L", "t")
    port = r.places[r.places["place"] == "port"]
    assert port.groupby("commodity")["unit"].unique().map(list).to_dict() == {
        "diesel": ["L"],
        "food": ["t"],
    }
    # 52 t: ten trucks' food, then the terminal is short, in tonnes.
    short = _kind(r, "load_short")
    assert not short.empty and short["detail"].str.endswith(" t").all()


# sim.plan.unstaffed_escorts__mutmut_11: an air corridor ends the search (break).


def test_unstaffed_escorts_look_past_an_air_corridor_listed_first() -> None:
    from simfuel.sim.plan import unstaffed_escorts
    from tests.sim.test_modes import airlift

    s = airlift()
    s["corridors"] = {"airlift": s["corridors"]["airlift"], "main": s["corridors"]["main"]}
    s["escorts"]["army"]["units"] = 0
    s["events"] = [
        {
            "date": date(0),
            "type": "escort_policy",
            "corridors": "all",
            "forces": ["army"],
            "required": True,
        }
    ]
    sc = load_scenario(s)
    assert list(sc.corridors) == ["airlift", "main"]
    assert unstaffed_escorts(sc) == [("main", "army")]


# sim.threats.ThreatModel._replay__mutmut_43: the lag note replaces the attack's note.


def test_a_scripted_attack_fired_late_says_what_it_is_and_how_late() -> None:
    from tests.sim.test_mechanisms import _entries_after, _hits, _scripted

    r = simfuel.run(_scripted(window_days=2), seed=0)
    lag_days = (_entries_after(r, 96.0).iloc[0] - 96.0) / 24
    assert _hits(r)["detail"].tolist() == [
        f"town-city; scripted ambush; fired {lag_days:.1f} days after its date"
    ]


# sim.engine.Simulation._drive__mutmut_73: a walk does not stop at a leg a scripted attack
# targets (lg != j), so the attack goes to the first convoy to *leave*, not to enter.


def test_a_scripted_attack_strikes_the_first_convoy_to_enter_its_leg_even_one_overtaking() -> None:
    # One slow ground unit (5 km/h: border-town takes 20 h, not 4) that escorts whichever
    # convoy finds it free; 2 batches a day. Convoys left unescorted overtake the escorted
    # one on border-town, so the first to enter town-city after day 3 left after another.
    s = tiny()
    c = s["corridors"]["main"]
    c["dispatches_per_day"] = 2
    s["escorts"]["army"].update(
        units=1, deterrence=1.0, protection=1.0, speed_kmh=5, turnaround_h=12
    )
    c["escort_policy"] = {"forces": ["army"], "required": False}
    s["events"] = [
        {
            "id": "ambush",
            "date": date(3),
            "type": "scripted_attack",
            "corridor": "main",
            "leg_from": "town",
            "tankers_destroyed": 3,
        }
    ]
    r = simfuel.run(s, seed=0)
    cv = r.convoys.set_index("convoy_id")
    escorted = cv["escort_forces"].astype(str).str.len() > 0
    entry = cv["departed_h"] + escorted * (100 / 5) + ~escorted * LEG_H["border-town"]
    after = entry[entry >= 72.0]
    first_in, first_out = after.idxmin(), cv.loc[after.index, "departed_h"].idxmin()
    assert first_in != first_out  # it was overtaken
    hit = _kind(r, "attacked")
    assert hit["convoy_id"].tolist() == [first_in]
    assert hit["t_h"].tolist() == [after.min() + LEG_H["town-city"] / 2]


# sim.engine.Simulation._ended__mutmut_61: a convoy lost whole logged under no kind.


def test_a_convoy_lost_whole_logs_one_lost_event_when_it_ends() -> None:
    from tests.sim.test_threat import _every_convoy_attacked_on_the_last_leg

    s = _every_convoy_attacked_on_the_last_leg(
        loss_fraction_mean=0.999, loss_fraction_concentration=1000.0
    )
    r = simfuel.run(s, seed=0)
    r.check_balance()
    cv = r.convoys
    lost = cv[(cv["outcome"] == "lost") & (cv["departed_h"] >= 0)]
    assert len(lost) > 5
    ev = _kind(r, "lost")
    assert ev["convoy_id"].tolist() == lost["convoy_id"].tolist()
    assert ev["t_h"].tolist() == lost["ended_h"].tolist()
    assert (ev["corridor"] == "main").all()


# sim.engine.Simulation._serve__mutmut_31: a seized stock's stations' day without its time.


def test_stations_of_a_seized_depot_sell_what_they_hold_then_log_when_dry() -> None:
    from tests.sim.test_seize import SEIZED, seized

    # Seized on day 5: the stations' 900,000 L serve days 5 and 6 (450,000 L a day);
    # day 7 they are dry, and the event says so at that day's start.
    s = seized(tiny_scenario(), "city")
    s["demand"]["cv"] = 0.0
    s["demand"]["stations"] = {
        "count": 3,
        "capacity_l": 300_000,
        "trucks_per_day": 3,
        "truck_l": 300_000,
    }
    r = simfuel.run(s, seed=1)
    st = r.stations.reset_index(drop=True)
    np.testing.assert_allclose(st["sold_l"].iloc[SEIZED : SEIZED + 3], [450_000, 450_000, 0])
    assert (st["sent_l"].iloc[SEIZED : SEIZED + 3] == 0).all()
    dry = _kind(r, "stations_dry_started")
    assert dry[["t_h", "detail"]].values.tolist() == [[24.0 * (SEIZED + 2), "3 of 3 stations dry"]]


# sim.engine.Simulation._serve__mutmut_39: a seized stock's classes given what the stock sent
# the stations (nothing), not what they sold.


def test_priority_classes_of_a_seized_depot_share_what_its_stations_sold() -> None:
    import copy

    from tests.sim.test_rationing_rules import CLASSES, _classes
    from tests.sim.test_seize import SEIZED, seized

    s = seized(tiny_scenario(), "city")
    s["demand"]["cv"] = 0.0
    s["demand"]["priority"] = copy.deepcopy(CLASSES)
    s["demand"]["stations"] = {
        "count": 3,
        "capacity_l": 300_000,
        "trucks_per_day": 3,
        "truck_l": 300_000,
    }
    rec = _records(s)
    sold = _station_days(rec)["sold_l"].to_numpy()
    served = np.sum([v[:, 1] for v in _classes(rec).values()], axis=0)
    np.testing.assert_allclose(served, sold, rtol=1e-12)
    np.testing.assert_allclose(served[SEIZED : SEIZED + 3], [450_000, 450_000, 0])


# sim.plan.compile_plan__mutmut_247: the plan's depot initial stock left None (nothing in
# the engine reads these copies; the plan documents them as the depot stock's).


def test_the_plans_depot_fields_are_its_first_stocks() -> None:
    s = tiny_scenario()
    s["depot"].update(initial_stock_l=1_234_000, reserve_l=200_000, reserve_release_days=2.5)
    plan = compile_plan(load_scenario(s))
    depot = plan.stocks[0]
    assert depot.place == "city"
    assert (plan.depot_capacity_l, plan.initial_stock_l, plan.reserve_l) == (
        depot.capacity_l,
        depot.initial_stock_l,
        depot.reserve_l,
    )
    assert (plan.initial_stock_l, plan.reserve_release_days) == (1_234_000, 2.5)
    assert (plan.demand, plan.demand_cv) == (depot.demand, depot.demand_cv)


# ---------------------------------------------------------------- seed-3 sample survivors
# sim.fleet.Fleet._struck__mutmut_35: the "return_destroyed" event's corridor dropped.


def test_every_return_event_names_its_corridor() -> None:
    s = tiny_scenario()
    s["corridors"]["main"]["fleet"] = {"vehicles": 40}
    s["threat"].update(hazard_per_100km=0.5, loss_fraction_mean=0.3, capture_fraction=0.5)
    s["events"].append({"date": date(0), "type": "blockade", "corridors": "all", "intensity": 1.0})
    ev = simfuel.run(s, seed=4).events
    back = ev[ev["kind"].str.startswith("return")]
    assert {"return_attacked", "return_destroyed", "return_captured", "returned"} <= set(
        back["kind"]
    )
    assert back["corridor"].tolist() == ["main"] * len(back)


# sim.disruptions._slots__mutmut_29: a leg closure of any corridor but the first ignored.


def test_a_closed_leg_of_the_second_corridor_holds_its_convoys() -> None:
    from tests.sim.builders import add_east

    s = add_east(tiny_scenario())
    s["events"] = [
        {"type": "close", "date": date(5), "corridor": "east", "leg_from": "border_e"},
        {"type": "reopen", "date": date(7), "corridor": "east", "leg_from": "border_e"},
    ]
    r = simfuel.run(s, seed=1)
    r.check_balance()
    departed = _kind(r, "departed")
    east = departed[departed["corridor"] == "east"]
    # No convoy leaves border_e while its only leg after staging is closed.
    assert east[(east["t_h"] >= 24.0 * 5) & (east["t_h"] < 24.0 * 7)].empty
    assert (east["t_h"] == 24.0 * 7).any()  # those that waited leave at the reopening
    main = departed[departed["corridor"] == "main"]
    assert not main[(main["t_h"] >= 24.0 * 5) & (main["t_h"] < 24.0 * 7)].empty


# sim.engine.Simulation._run_clocked__mutmut_42: events counted twice with two clocks.


def test_events_processed_counts_every_event_with_two_hourly_air_banks() -> None:
    from simfuel.run import as_seed_sequence
    from simfuel.sim.engine import Simulation

    s = tiny(hazard_per_100km=0.2)
    s["escorts"]["air"].update(kind="air_hourly", units=2, convoy_hours_per_day=12)
    s["escorts"]["air2"] = {
        "kind": "air_hourly",
        "units": 1,
        "convoy_hours_per_day": 12,
        "deterrence": 0.5,
        "protection": 0.5,
    }
    s["corridors"]["main"]["escort_policy"] = {"forces": ["air", "air2"], "required": False}
    sim = Simulation(compile_plan(load_scenario(s)), as_seed_sequence(1))
    assert len(sim.escorts.clocks) == 2
    env_step, count = sim.env.step, [0]

    def counted() -> None:
        count[0] += 1
        env_step()

    sim.env.step = counted  # type: ignore[method-assign]
    rec = sim.run()
    assert count[0] > 100
    assert rec.events_processed == count[0]


# sim.modes._delay_to__mutmut_6: a berth of less than an hour at a terminal that has a
# seizure (at another time) takes an hour.


def test_a_short_berth_at_a_terminal_with_a_seizure_takes_its_own_hours() -> None:
    from tests.sim.test_sea_terminal import VOYAGE_H, seized, ships_of

    s = seized(import_terminal(ships=2, berth_hours=0.5), 5, 6)
    r = simfuel.run(s, seed=0)
    r.check_balance()
    assert ships_of(r)["ended_h"].tolist() == [VOYAGE_H + 0.5, VOYAGE_H + 1.0]


# sim.plan.warn_unstaffed__mutmut_6: the pairs of the warning joined with another text.


def test_the_unstaffed_warning_lists_every_pair() -> None:
    from simfuel.sim.plan import UnstaffedEscortWarning, warn_unstaffed
    from tests.sim.builders import add_east

    s = add_east(tiny_scenario())
    s["escorts"]["z"] = {"kind": "ground", "units": 0, "deterrence": 0.5, "protection": 0.5}
    s["events"] = [{"date": date(2), "type": "escort_policy", "forces": ["z"], "required": True}]
    with pytest.warns(UnstaffedEscortWarning, match=r"\(main needs z, east needs z\)"):
        warn_unstaffed(load_scenario(s))


# sim.terminals.cap_loadings__mutmut_15: a loading capped at 00:00 of day 0 not logged.


def test_a_terminals_loading_rate_logs_the_vehicles_it_holds_back_from_the_first_hour() -> None:
    from tests.sim.test_terminals import with_terminal

    r = simfuel.run(with_terminal(loading_tankers_per_day=1), seed=0)
    short = _kind(r, "load_short")
    assert short["t_h"].iloc[0] == 0.0
    assert (short["detail"] == "port loads at most 1 vehicles a day").all()
    loaded = _kind(r, "loaded")
    assert loaded[loaded["t_h"] < 24.0]["tankers"].sum() == 1


# sim.engine.Simulation._nothing_arrives_now__mutmut_8: the second pending batch looked at
# (none when two batches reach the staging point together: IndexError).


@pytest.mark.parametrize(("dispatches", "reopen"), [(1, 6), (2, 6), (1, 7)])
def test_batches_released_together_from_a_closed_approach_leave_as_one_convoy(
    dispatches: int, reopen: int
) -> None:
    # The port leg closed from day 5 to `reopen`: the batches loaded meanwhile (one a day:
    # a single one held for a one-day closure) and the one loaded at the reopening reach
    # the staging point together, 5 + 12 h after it, and leave as one convoy.
    s = tiny_scenario()
    s["corridors"]["main"]["dispatches_per_day"] = dispatches
    s["events"] = [
        {"type": "close", "date": date(5), "corridor": "main", "leg_from": "port"},
        {"type": "reopen", "date": date(reopen), "corridor": "main", "leg_from": "port"},
    ]
    r = simfuel.run(s, seed=1)
    r.check_balance()
    ev = r.events
    t_h = 24.0 * reopen + 5.0 + 12.0
    departed = ev[(ev["kind"] == "departed") & (ev["t_h"] >= 24.0 * reopen)]
    assert departed["t_h"].min() == t_h
    loaded = ev[(ev["kind"] == "loaded") & (ev["t_h"] >= 120.0) & (ev["t_h"] <= 24.0 * reopen)]
    assert departed[departed["t_h"] == t_h]["tankers"].tolist() == [loaded["tankers"].sum()]


# sim.engine.Simulation._load__mutmut_89 and 92: a batch loaded behind an approach closed to
# the end logged wrong (its litres as tankers) or under another kind.


def test_batches_loaded_behind_an_approach_closed_to_the_end_are_logged_as_loaded() -> None:
    s = tiny_scenario()
    s["events"] = [{"type": "close", "date": date(5), "corridor": "main", "leg_from": "port"}]
    r = simfuel.run(s, seed=1)
    r.check_balance()
    loaded = _kind(r, "loaded")
    behind = loaded[loaded["t_h"] >= 120.0]
    assert len(behind) > 20
    assert (behind["litres"] == behind["tankers"] * CAPACITY_L).all()
    assert r.daily["loaded_l"].iloc[5:].sum() == behind["litres"].sum()


# sim.engine.Simulation._ended__mutmut_52: a turned-back convoy's event logged without its
# kind (every field shifted by one).


def test_a_turned_back_convoy_logs_its_tankers_back_at_the_staging_point() -> None:
    from tests.sim.test_threat import _every_convoy_attacked_on_the_last_leg

    s = _every_convoy_attacked_on_the_last_leg(
        loss_fraction_mean=0.2, loss_fraction_concentration=1000.0, turn_back_probability=1.0
    )
    r = simfuel.run(s, seed=0)
    r.check_balance()
    cv = r.convoys
    back = cv[(cv["outcome"] == "turned_back") & (cv["departed_h"] >= 0)]
    assert len(back) > 5
    ev = _kind(r, "turned_back")
    ev = ev[ev["convoy_id"].isin(back["convoy_id"])]
    assert ev["convoy_id"].tolist() == back["convoy_id"].tolist()
    assert (ev["corridor"] == "main").all()
    survivors = (back["tankers_departed"] - back["destroyed"] - back["captured"]).tolist()
    assert ev["tankers"].tolist() == survivors
    assert (ev["litres"] == ev["tankers"] * CAPACITY_L).all()


# sim.plan.compile_plan__mutmut_194: a destination's stock at place 0 (the depot's demand
# stream then drives it too).


def test_each_destination_stock_knows_its_place_and_draws_its_own_demand() -> None:
    from tests.sim.test_places import chain

    s = chain(initial_stock_l=1_000_000, demand={"demand_l_per_day": 40_000, "cv": 0.3})
    s["demand"]["cv"] = 0.3
    sc = load_scenario(s)
    plan = compile_plan(sc)
    places = stock_places(sc)
    assert len(places) >= 2
    assert [sp.place_index for sp in plan.stocks] == [places.index(sp.place) for sp in plan.stocks]
    r = simfuel.run(sc, seed=3)
    a = r.at(places[0])["demand_l"].to_numpy() / plan.stocks[0].demand.initial
    b = r.at(places[1])["demand_l"].to_numpy() / plan.stocks[1].demand.initial
    assert not np.allclose(a, b)  # the two places' demand varies apart
