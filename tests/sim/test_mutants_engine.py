"""Known answers for engine behaviour where the mutation run found no failing test.

Small scenarios on TINY (``tests.sim.builders``): one corridor ``main`` to the depot at
``city``, demand 450,000 L/day, no threat unless set, fixed delays.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

import simfuel
from simfuel.scenario import load_scenario
from simfuel.sim.engine import Simulation
from simfuel.sim.plan import compile_plan
from simfuel.sim.recorder import DAILY_FIELDS
from tests.helpers import tiny_scenario
from tests.sim.builders import CAPACITY_L, LEG_H, ROUTE_H, date
from tests.sim.test_places import chain
from tests.sim.test_seize import RELEASED, SEIZED, seized


def _kind(r: simfuel.RunResult, kind: str) -> pd.DataFrame:
    ev = r.events
    return ev[ev["kind"] == kind]


# ---------------------------------------------------------------- seized stocks


def test_a_seized_depot_logs_one_stockout_that_says_why_and_does_not_ration() -> None:
    s = seized(tiny_scenario(), "city")
    s["depot"]["initial_stock_l"] = 4_000_000  # enough cover: no stockout but the seizure
    s["rationing"] = {"threshold_days": 30.0, "served_fraction": 0.5}
    r = simfuel.run(s, seed=1)
    out = _kind(r, "stockout_started")
    assert out[["t_h", "detail"]].values.tolist() == [[24.0 * SEIZED, "stock seized"]]
    d = r.daily.reset_index(drop=True)
    assert (d["rationing"].iloc[:SEIZED] == 1).all()  # cover below 30 days: rationing
    assert (d["rationing"].iloc[SEIZED:RELEASED] == 0).all()  # seized: nothing is served
    assert (d["stockout"].iloc[SEIZED:RELEASED] == 1).all()


def test_a_seized_destination_says_where_in_its_stockout() -> None:
    s = seized(chain(initial_stock_l=1_000_000, demand={"demand_l_per_day": 1_000}), "b")
    out = _kind(simfuel.run(s, seed=1), "stockout_started")
    assert "b: stock seized" in out["detail"].tolist()
    assert out[out["detail"] == "b: stock seized"]["t_h"].tolist() == [24.0 * SEIZED]


def test_a_seized_stock_with_the_least_demand_is_still_short() -> None:
    # 1 L/day, the smallest demand allowed: a seized day serves none of it.
    s: dict[str, Any] = seized(tiny_scenario(), "city")
    s["demand"] = {"demand_l_per_day": 1.0}
    d = simfuel.run(s, seed=1).daily.reset_index(drop=True)
    assert (d["stockout"].iloc[SEIZED:RELEASED] == 1).all()
    assert (d["shortfall_l"].iloc[SEIZED:RELEASED] == 1.0).all()
    assert (d["stockout"].iloc[:SEIZED] == 0).all()


# ---------------------------------------------------------------- loading from a stock


def _from_b(stock_l: float, demand_l: float, tankers_per_day: int) -> dict[str, Any]:
    """The chain without inflow to ``b``: ``b_c`` loads one batch a day at 00:00 from ``b``."""
    s = chain(initial_stock_l=stock_l, demand={"demand_l_per_day": demand_l})
    del s["corridors"]["city_b"]
    s["corridors"]["b_c"].update(tankers_per_day=tankers_per_day, dispatches_per_day=1)
    return s


def test_a_stock_of_exactly_two_loads_ships_two_tankers_and_logs_the_one_short() -> None:
    r = simfuel.run(_from_b(2 * CAPACITY_L, 1.0, 3), seed=1)
    r.check_balance()
    assert r.at("b")["loaded_out_l"].iloc[0] == 2 * CAPACITY_L
    short = _kind(r, "load_short")
    first = short.iloc[0]
    assert (first["t_h"], first["tankers"], first["litres"]) == (0.0, 1, CAPACITY_L)
    assert first["detail"] == "b holds 90000 L, keeps 0 L"
    assert short["tankers"].iloc[1:].tolist() == [3] * (len(r.daily) - 1)  # empty after


def test_upstream_keep_days_keep_that_many_days_of_the_demand_of_the_day() -> None:
    # 100,000 L at b, keeping 0.5 days of 40,000 L/day (20,000 L): one tanker of three
    # loads on day 0. From day 1 b's demand is 1,000 L/day: it keeps 500 L.
    s = _from_b(100_000, 40_000, 3)
    s["corridors"]["b_c"]["upstream_keep_days"] = 0.5
    s["events"] = [{"type": "demand", "date": date(1), "place": "b", "demand_l_per_day": 1_000}]
    r = simfuel.run(s, seed=1)
    r.check_balance()
    short = _kind(r, "load_short")
    day0 = short[short["t_h"] == 0.0].iloc[0]
    assert (day0["tankers"], day0["litres"]) == (2, 2 * CAPACITY_L)
    assert day0["detail"] == "b holds 100000 L, keeps 20000 L"
    # Day 1: 100,000 - 45,000 - 40,000 served = 15,000 L held, 500 L kept.
    day1 = short[short["t_h"] == 24.0].iloc[0]
    assert day1["detail"] == "b holds 15000 L, keeps 500 L"


def test_nothing_short_logs_no_load_short() -> None:
    r = simfuel.run(_from_b(1_000_000, 1_000, 1), seed=1)
    assert r.at("b")["loaded_out_l"].sum() == 20 * CAPACITY_L
    assert _kind(r, "load_short").empty


# ---------------------------------------------------------------- held at closed legs


def _leg_closed(leg_from: str, reopen_day: int | None) -> dict[str, Any]:
    s = tiny_scenario()
    s["events"] = [{"type": "close", "date": date(5), "corridor": "main", "leg_from": leg_from}]
    if reopen_day is not None:
        s["events"].append(
            {"type": "reopen", "date": date(reopen_day), "corridor": "main", "leg_from": leg_from}
        )
    return s


def test_a_held_convoy_logs_its_load_and_when_the_leg_reopens() -> None:
    r = simfuel.run(_leg_closed("town", 7), seed=1)
    held = _kind(r, "held")
    assert len(held) > 3
    assert (held["detail"] == "town-city closed; waits until 2025-01-08 00:00").all()
    assert (held["litres"] == held["tankers"] * CAPACITY_L).all()
    assert (held["leg_from"] == "town").all() and (held["leg_to"] == "city").all()
    never = _kind(simfuel.run(_leg_closed("town", None), seed=1), "held")
    assert len(never) > 3 and (never["detail"] == "town-city closed; waits until the end").all()


def test_a_batch_held_before_the_staging_point_logs_its_load_and_the_reopening() -> None:
    r = simfuel.run(_leg_closed("port", 7), seed=1)
    held = _kind(r, "held")
    assert len(held) > 3 and (held["convoy_id"] == -1).all()
    assert (held["detail"] == "port-border closed; waits until 2025-01-08 00:00").all()
    assert (held["litres"] == held["tankers"] * CAPACITY_L).all()
    never = _kind(simfuel.run(_leg_closed("port", None), seed=1), "held")
    assert len(never) > 3 and (never["detail"] == "port-border closed; waits until the end").all()


# ---------------------------------------------------------------- dated speeds


def test_a_speed_change_on_a_whole_corridor_slows_every_leg_of_it() -> None:
    s = tiny_scenario()
    s["events"] = [{"type": "leg_speed", "date": date(5), "corridors": ["main"], "factor": 0.5}]
    conv = simfuel.run(s, seed=1).convoys.dropna(subset=["ended_h"])
    late = conv[conv["departed_h"] >= 24.0 * 5]
    early = conv[conv["ended_h"] < 24.0 * 5]
    assert len(late) > 5 and len(early) > 5
    assert ((late["ended_h"] - late["departed_h"]) == 2 * ROUTE_H).all()
    assert ((early["ended_h"] - early["departed_h"]) == ROUTE_H).all()


# ---------------------------------------------------------------- records


def test_daily_array_of_a_place_holds_that_places_rows() -> None:
    s = chain(initial_stock_l=1_000_000, demand={"demand_l_per_day": 1_000})
    rec = Simulation(compile_plan(load_scenario(s)), np.random.SeedSequence(1)).run()
    b = next(p for p in rec.places if p.place == "b")
    arr = rec.daily_array(b.daily)
    col = DAILY_FIELDS.index("stock_l")
    assert arr.shape == (len(b.daily), len(DAILY_FIELDS))
    assert arr[:, col].tolist() == [row.stock_l for row in b.daily]
    assert arr[:, col].tolist() != rec.daily_array()[:, col].tolist()  # not the depot's


# ---------------------------------------------------------------- scripted attacks


def _scripted(*attacks: dict[str, Any]) -> simfuel.RunResult:
    s = tiny_scenario()
    s["events"] = [
        {"type": "scripted_attack", "date": date(5), "corridor": "main", "leg_from": "town", **a}
        for a in attacks
    ]
    return simfuel.run(s, seed=1)


def _entries_at_town(r: simfuel.RunResult) -> pd.Series:
    conv = r.convoys
    return (conv["departed_h"] + LEG_H["border-town"]).sort_values()


def test_a_late_scripted_attack_does_not_hide_the_next_one() -> None:
    # The first attack's window (0.01 days) closes before any convoy comes; the second has
    # none: it strikes the first convoy that enters the leg after the date.
    r = _scripted({"tankers_destroyed": 1, "window_days": 0.01}, {"tankers_destroyed": 2})
    entries = _entries_at_town(r)
    first = entries[entries >= 24.0 * 5].index[0]
    hit = r.convoys[r.convoys["destroyed"] > 0]
    assert hit.index.tolist() == [first]
    assert int(hit["destroyed"].iloc[0]) == 2


def test_a_scripted_attack_strikes_a_convoy_entering_at_the_end_of_its_window() -> None:
    plain = _entries_at_town(_scripted({"tankers_destroyed": 0, "window_days": 20}))
    first_h = float(plain[plain >= 24.0 * 5].iloc[0])
    window_days = (first_h - 24.0 * 5) / 24.0  # the first convoy comes at the window's end
    r = _scripted({"tankers_destroyed": 1, "window_days": window_days})
    assert int(r.convoys["destroyed"].sum()) == 1
