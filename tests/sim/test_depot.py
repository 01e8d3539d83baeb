"""The depot: capacity, the unload queue, the reserve and the rationing rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import simfuel
from tests.helpers import tiny_scenario
from tests.sim.builders import CAPACITY_L, add_east, date


@pytest.mark.parametrize("cv", [0.0, 0.3])
def test_full_depot_makes_tankers_wait_and_nothing_vanishes(cv):
    s = tiny_scenario()
    s["depot"].update(capacity_l=600_000, initial_stock_l=500_000)
    s["demand"].update(demand_l_per_day=200_000, cv=cv)  # 450,000 L arrive a day
    r = simfuel.run(s, seed=3)
    r.check_balance()
    # The same seed gives the same run, demand draws included.
    pd.testing.assert_frame_equal(r.daily, simfuel.run(s, seed=3).daily)
    assert (r.daily["demand_l"] != 200_000).all() == (cv > 0)
    d = r.daily
    assert (d["tankers_waiting_unload"] > 0).any()
    assert (d["stock_l"] >= 0).all()
    assert (d["stock_l"] <= 600_000).all()
    # The queue drains as far as room allows: while tankers wait, less than one
    # tanker-load of room is left.
    waiting = d[d["tankers_waiting_unload"] > 0]
    assert (600_000 - waiting["stock_l"] < CAPACITY_L).all()
    assert (d["queued_l"] >= d["tankers_waiting_unload"] * CAPACITY_L).all()
    # Everything that arrived was either unloaded or is still waiting to unload.
    arrived_tankers = d["arrived_l"].sum() // CAPACITY_L
    delivered_tankers = d["delivered_l"].sum() // CAPACITY_L
    assert arrived_tankers == delivered_tankers + d["tankers_waiting_unload"].iloc[-1]
    # Demand is met in full: the depot never runs short.
    assert (d["served_l"] == d["demand_l"]).all()


def _drawdown(**depot) -> dict:
    """No supply; 2,000,000 L in stock; demand 450,000 L a day."""
    s = tiny_scenario()
    s["corridors"]["main"]["tankers_per_day"] = 0
    s["depot"].update(depot)
    return s


def test_reserve_released_below_its_threshold():
    s = _drawdown(reserve_l=1_000_000, reserve_release_days=2.0)
    r = simfuel.run(s, seed=3)
    r.check_balance()
    d = r.daily
    # End-of-day stock: 1.55 M (3.4 days), 1.1 M (2.4 days), 0.65 M (1.4 days < 2) ->
    # the reserve is released on day 3: 0.65 M + 1 M.
    assert d["stock_l"].iloc[:3].tolist() == pytest.approx([1_550_000, 1_100_000, 1_650_000])
    assert d["reserve_l"].tolist() == [1_000_000] * 2 + [0] * 18
    rel = r.events[r.events["kind"] == "reserve_released"]
    assert len(rel) == 1
    assert rel.iloc[0]["t_h"] == 48.0  # 00:00 of the third day, the row it changed
    assert rel.iloc[0]["litres"] == 1_000_000
    assert (d["stock_l"] >= 0).all()


def test_reserve_release_limited_by_capacity():
    s = _drawdown(capacity_l=2_000_000, reserve_l=3_000_000, reserve_release_days=2.0)
    d = simfuel.run(s, seed=3).daily
    assert (d["stock_l"] <= 2_000_000).all()
    # Day 3: 0.65 M left, room 1.35 M: 1.35 M released, 1.65 M of the reserve kept.
    assert d["stock_l"].iloc[2] == pytest.approx(2_000_000)
    assert d["reserve_l"].iloc[2] == pytest.approx(1_650_000)
    assert d["reserve_l"].iloc[-1] == 0
    assert d["reserve_l"].is_monotonic_decreasing


def _reference(initial, nominal, demand, rules):
    """Serve demand day by day with no supply: [(served, rationing, stock)] per day.

    Rationing is decided on the cover at nominal demand; the drawn demand is served.
    """
    out, stock = [], initial
    for day in range(20):
        threshold, fraction = rules(day)
        rationing = stock / nominal[day] < threshold
        target = demand[day] * (fraction if rationing else 1.0)
        served = min(stock, target)
        stock -= served
        out.append((served, rationing, stock, served < target * (1 - 1e-9)))
    return out


@pytest.mark.parametrize("cv", [0.0, 0.2])
def test_rationing_serves_the_fraction_below_threshold(cv):
    s = _drawdown(initial_stock_l=3_000_000)
    s["demand"]["cv"] = cv
    s["rationing"] = {"threshold_days": 3.0, "served_fraction": 0.5}
    s["events"] = [
        {"date": date(8), "type": "demand", "demand_l_per_day": 300_000},
        {"date": date(12), "type": "rationing", "threshold_days": 0.5, "served_fraction": 0.2},
    ]
    r = simfuel.run(s, seed=3)
    r.check_balance()
    d = r.daily
    nominal = [450_000 if day < 8 else 300_000 for day in range(20)]
    ref = _reference(
        3_000_000,
        nominal,
        d["demand_l"].tolist(),
        lambda day: (3.0, 0.5) if day < 12 else (0.5, 0.2),
    )
    served, rationing, stock, stockout = (list(x) for x in zip(*ref, strict=True))
    # The cover recorded is the one rationing was decided on: the stock at the start of
    # the day over the day's nominal demand, below the threshold exactly on rationed days.
    start_stock = [3_000_000, *stock[:-1]]
    np.testing.assert_allclose(d["days_of_cover"], np.divide(start_stock, nominal))
    thresholds = np.where(np.arange(20) < 12, 3.0, 0.5)
    assert d["rationing"].tolist() == (d["days_of_cover"] < thresholds).tolist()
    assert any(rationing) and not all(rationing)
    np.testing.assert_allclose(d["served_l"], served, rtol=1e-12, atol=1e-6)
    assert d["rationing"].tolist() == rationing
    np.testing.assert_allclose(d["stock_l"], stock, rtol=1e-12, atol=1e-6)
    assert d["stockout"].tolist() == stockout
    # On rationed days with stock to spare, exactly the served fraction of demand.
    spare = d["rationing"] & ~d["stockout"]
    assert spare.any()
    frac = np.where(d.index < np.datetime64(date(12)), 0.5, 0.2)[spare.to_numpy()]
    np.testing.assert_allclose(d.loc[spare, "served_l"], frac * d.loc[spare, "demand_l"])
    np.testing.assert_allclose(d["shortfall_l"], d["demand_l"] - d["served_l"])
    assert (d["stock_l"] >= 0).all()
    kinds = r.events["kind"].tolist()
    assert kinds.count("rationing_started") == 1
    assert kinds.count("stockout_started") == (1 if any(stockout) else 0)


def test_stock_never_negative_with_noisy_demand():
    s = _drawdown()
    s["demand"]["cv"] = 0.8
    d = simfuel.run(s, seed=9).daily
    assert (d["stock_l"] >= 0).all()
    assert (d["served_l"] <= d["demand_l"]).all()
    assert d["stock_l"].iloc[-1] == 0
    assert d["stockout"].any()


@pytest.mark.parametrize("cv", [1e-200, 1e-155])
def test_tiny_demand_cv_behaves_like_zero(cv):
    s = tiny_scenario()
    s["demand"]["cv"] = cv
    d = simfuel.run(s, seed=1).daily
    np.testing.assert_allclose(d["demand_l"], 450_000, rtol=1e-9)
    assert d["stock_l"].notna().all()


def test_reserve_filling_the_depot_creates_no_fuel():
    s = tiny_scenario()  # 10 tankers a day = demand: the stock stays at its initial level
    s["depot"].update(
        capacity_l=3_141_451.06,
        initial_stock_l=326_674.99,  # 0.73 days of cover: the reserve is released on day 1
        reserve_l=5_000_000,  # more than the room: the release fills the depot
        reserve_release_days=2.0,
    )
    r = simfuel.run(s, seed=1)
    assert r.daily["reserve_l"].iloc[0] == pytest.approx(5_000_000 - (3_141_451.06 - 326_674.99))
    r.check_balance()


def test_demand_varies_with_its_cv_around_the_nominal():
    s = tiny_scenario()
    s["end"] = "2025-12-31"
    s["demand"]["cv"] = 0.3
    d = simfuel.run(s, seed=11).daily["demand_l"].to_numpy()
    # 365 gamma draws: the mean within 5 % (3 standard errors) and the cv within 0.05.
    assert d.mean() == pytest.approx(450_000, rel=0.05)
    assert d.std() / d.mean() == pytest.approx(0.3, abs=0.05)


def _fifo_reference(r: simfuel.RunResult, capacity_l: float, caps: dict[str, int]) -> list:
    """End-of-day stock of a depot that unloads waiting tankers first come, first served.

    Replays the arrivals of ``r`` (no reserve): a tanker unloads on arrival if nobody
    waits and there is room; at midnight, after the day is served, the queue drains
    from its head as far as room allows, stopping at the first that does not fit.
    """
    arrivals = r.events[r.events["kind"] == "arrived"]
    stock, queue, out = float(INITIAL_L), [], []
    for day, served in enumerate(r.daily["served_l"]):
        today = arrivals[(arrivals["t_h"] >= 24 * day) & (arrivals["t_h"] < 24 * (day + 1))]
        for corridor, n in zip(today["corridor"], today["tankers"], strict=True):
            cap = caps[corridor]
            fit = 0 if queue else max(0, min(n, int((capacity_l - stock) // cap)))
            stock += fit * cap
            if n > fit:
                queue.append([cap, n - fit])
        stock -= served
        while queue:
            cap, n = queue[0]
            fit = max(0, min(n, int((capacity_l - stock) // cap)))
            stock += fit * cap
            if fit < n:
                queue[0][1] = n - fit
                break
            queue.pop(0)
        out.append(stock)
    return out


INITIAL_L = 1_000_000


def test_waiting_tankers_unload_first_come_first_served():
    # Two corridors with different tanker sizes (45,000 and 36,000 L) into a full depot:
    # the order in which waiting tankers unload changes the stock.
    s = add_east(tiny_scenario())
    s["depot"].update(capacity_l=1_000_000, initial_stock_l=INITIAL_L)
    s["demand"]["demand_l_per_day"] = 250_000
    r = simfuel.run(s, seed=3)
    r.check_balance()
    assert (r.daily["tankers_waiting_unload"] > 5).sum() > 10
    expected = _fifo_reference(r, 1_000_000, {"main": 45_000, "east": 36_000})
    np.testing.assert_allclose(r.daily["stock_l"], expected, rtol=0, atol=1e-6)


def test_day_events_carry_the_date_of_their_row_in_the_daily_table():
    # They were stamped at the next midnight, a day after the daily flag they announce.
    r = simfuel.run("mali-2025", seed=1)  # seed 0 never runs out at Bamako
    # The depot's rows: a destination's start their detail with its place key.
    towns = tuple(f"{key}:" for key in r.scenario.destinations)
    depot_rows = r.events[~r.events["detail"].astype(str).str.startswith(towns)]
    day = depot_rows.set_index("kind")["time"].dt.normalize()
    daily = r.daily
    assert day["rationing_started"] == daily.index[daily["rationing"] > 0][0]
    assert day["stockout_started"] == daily.index[daily["stockout"] > 0][0]
    released = r.events[r.events["kind"] == "reserve_released"]
    assert len(released) == 1
    t = released["time"].iloc[0]
    before = daily["reserve_l"].shift(1, fill_value=r.scenario.depot.reserve_l)
    assert daily.loc[t, "reserve_l"] < before.loc[t]  # the row whose reserve fell
