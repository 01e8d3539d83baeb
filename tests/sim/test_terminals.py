"""Origin terminals (``terminals:``): a finite stock, daily imports, a loading rate, seizure.

Known answers on TINY (:mod:`tests.sim.builders`) with a terminal at its origin ``port``:
``main`` asks for 10 tankers of 45,000 L a day in 4 batches (2, 3, 2, 3 tankers).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

import simfuel
from tests.helpers import tiny_scenario
from tests.sim.builders import CAPACITY_L, date, food_terminal

SEIZED, RELEASED = 5, 12  # days of the run


def with_terminal(**terminal: Any) -> dict[str, Any]:
    """TINY with a terminal at ``port`` (its fields overridden by ``terminal``)."""
    s = tiny_scenario()
    s["terminals"] = {
        "port": {"place": "port", "capacity_l": 50_000_000, "initial_stock_l": 40_000_000}
    }
    s["terminals"]["port"].update(terminal)
    return s


def loadings_by_day(r: simfuel.RunResult, corridors: list[str] | None = None) -> pd.Series:
    """Tankers loaded per day of the horizon (``loaded`` events), every day listed."""
    ev = r.events
    rows = ev[(ev["kind"] == "loaded") & (ev["t_h"] >= 0)]
    if corridors is not None:
        rows = rows[rows["corridor"].isin(corridors)]
    days = (rows["t_h"] // 24).astype(int)
    out = rows.groupby(days)["tankers"].sum()
    return out.reindex(range(r.scenario.horizon_days), fill_value=0)


@pytest.mark.parametrize("tankers", [0, 1, 7, 31])
def test_a_terminal_without_resupply_loads_at_most_its_stock(tankers: int) -> None:
    stock_l = tankers * CAPACITY_L + 20_000  # not a whole tanker's load more
    r = simfuel.run(with_terminal(initial_stock_l=stock_l), seed=0)
    r.check_balance()
    port = r.at("port")
    # Whole tankers only: exactly the loads it holds leave, and the 20,000 L stay.
    assert int(port["loaded_out_l"].sum()) == tankers * CAPACITY_L
    assert port["stock_l"].iloc[-1] == pytest.approx(20_000)
    assert int(loadings_by_day(r).sum()) == tankers
    assert (port["stock_l"] >= 0).all()
    # The corridor asked for more than it got: the rest is logged as short, not loaded.
    short = r.events[r.events["kind"] == "load_short"]
    assert int(short["tankers"].sum()) == 10 * r.scenario.horizon_days - tankers


def test_a_terminal_has_no_demand_and_its_row_is_in_places() -> None:
    r = simfuel.run(with_terminal(), seed=0)
    rows = r.places[r.places["place"] == "port"]
    assert len(rows) == r.scenario.horizon_days
    assert (rows["demand_l"] == 0).all() and (rows["shortfall_l"] == 0).all()
    assert not rows["stockout"].any() and not rows["rationing"].any()
    assert rows["loaded_out_l"].sum() == 10 * r.scenario.horizon_days * CAPACITY_L
    assert list(r.summary_by_place().index) == ["city", "port"]


@pytest.mark.parametrize("rate", [1, 3, 7])
def test_the_loading_rate_caps_loadings_exactly(rate: int) -> None:
    # 10 tankers a day asked, `rate` allowed: every day loads exactly `rate`.
    r = simfuel.run(with_terminal(loading_tankers_per_day=rate), seed=0)
    r.check_balance()
    assert (loadings_by_day(r) == rate).all()
    assert (r.at("port")["loaded_out_l"] == rate * CAPACITY_L).all()


def test_the_loading_rate_is_shared_by_the_corridors_loading_there() -> None:
    s = with_terminal(loading_tankers_per_day=12)
    west = dict(s["corridors"]["main"], tankers_per_day=8, dispatches_per_day=3)
    s["corridors"]["west"] = west
    r = simfuel.run(s, seed=0)
    r.check_balance()
    both = loadings_by_day(r)
    assert (both == 12).all()
    # Each corridor gets some, and neither more than it asked.
    main, other = loadings_by_day(r, ["main"]), loadings_by_day(r, ["west"])
    assert (main > 0).all() and (other > 0).all()
    assert (main <= 10).all() and (other <= 8).all()


def test_a_rate_above_what_is_asked_changes_nothing() -> None:
    plain = simfuel.run(with_terminal(), seed=4)
    capped = simfuel.run(with_terminal(loading_tankers_per_day=11), seed=4)
    pd.testing.assert_frame_equal(plain.daily, capped.daily)
    pd.testing.assert_frame_equal(plain.events, capped.events)


def test_resupply_lands_each_day_up_to_the_capacity() -> None:
    capacity, initial, resupply = 2_000_000.0, 500_000.0, 600_000.0
    s = with_terminal(
        capacity_l=capacity,
        initial_stock_l=initial,
        resupply_l_per_day=resupply,
        loading_tankers_per_day=2,  # 90,000 L a day out
    )
    r = simfuel.run(s, seed=0)
    r.check_balance()
    port = r.at("port")
    stock, landed = initial, []
    for _ in range(r.scenario.horizon_days):
        stock -= 2 * CAPACITY_L
        amount = min(resupply, capacity - stock)
        landed.append(amount)
        stock += amount
    np.testing.assert_allclose(port["delivered_l"], landed)
    assert port["stock_l"].max() == pytest.approx(capacity)
    assert port["stock_l"].iloc[-1] == pytest.approx(stock)


def test_a_terminal_without_resupply_feeds_the_depot_until_it_is_empty() -> None:
    # 40 tankers' loads at the port: about 4 days of loadings, then the depot runs down.
    r = simfuel.run(with_terminal(initial_stock_l=40 * CAPACITY_L), seed=0)
    r.check_balance()
    loads = loadings_by_day(r)
    assert loads.iloc[:3].sum() == 30 and loads.iloc[5:].sum() == 0
    assert r.summary()["first_stockout"] is not None
    assert simfuel.run(tiny_scenario(), seed=0).summary()["first_stockout"] is None


def seized(s: dict[str, Any], release: bool = True) -> dict[str, Any]:
    """``s`` with the terminal at ``port`` seized on day SEIZED (released on RELEASED)."""
    s["events"] = [*s["events"], {"date": date(SEIZED), "type": "seize", "place": "port"}]
    if release:
        s["events"].append({"date": date(RELEASED), "type": "release", "place": "port"})
    return s


def test_a_seized_terminal_keeps_its_stock_until_release_and_loads_resume_after() -> None:
    s = seized(with_terminal(resupply_l_per_day=300_000, loading_tankers_per_day=6))
    r = simfuel.run(s, seed=2)
    r.check_balance()
    port = r.at("port").reset_index(drop=True)
    held = port.iloc[SEIZED:RELEASED]
    before = port["stock_l"].iloc[SEIZED - 1]
    # Trapped: to the litre what it held the day before, nothing loaded out, no imports.
    assert before > 0
    assert (held["stock_l"] == before).all()
    assert (held["loaded_out_l"] == 0).all()
    assert (held["delivered_l"] == 0).all()
    loads = loadings_by_day(r)
    assert (loads.iloc[SEIZED:RELEASED] == 0).all()
    # Released: loadings (at the rate) and imports resume the same day.
    assert (loads.iloc[RELEASED:] == 6).all()
    assert (loads.iloc[:SEIZED] == 6).all()
    assert (port["delivered_l"].iloc[RELEASED:] > 0).all()
    # The depot felt it: less delivered during the seizure than before it.
    city = r.daily.reset_index(drop=True)["delivered_l"]
    assert city.iloc[SEIZED + 2 : RELEASED].sum() < city.iloc[: SEIZED - 1].sum()


def test_a_terminal_seized_to_the_end_never_loads_again() -> None:
    r = simfuel.run(seized(with_terminal(resupply_l_per_day=300_000), release=False), seed=0)
    r.check_balance()
    port = r.at("port").reset_index(drop=True)
    assert (port["stock_l"].iloc[SEIZED:] == port["stock_l"].iloc[SEIZED - 1]).all()
    assert loadings_by_day(r).iloc[SEIZED:].sum() == 0


@pytest.mark.parametrize("seed", [0, 1, 5])
def test_balance_holds_at_the_terminal_and_the_depot_under_threat(seed: int) -> None:
    s = seized(with_terminal(initial_stock_l=3_000_000, resupply_l_per_day=250_000))
    s["terminals"]["port"]["loading_tankers_per_day"] = 8
    s["threat"]["hazard_per_100km"] = 0.5
    s["demand"]["cv"] = 0.2
    r = simfuel.run(s, seed=seed)
    r.check_balance()
    port = r.at("port")
    expected = 3_000_000 + (port["delivered_l"] - port["loaded_out_l"]).cumsum()
    np.testing.assert_allclose(port["stock_l"], expected, atol=1.0)
    assert (port["stock_l"] <= 50_000_000 + 1e-6).all()


def test_a_terminal_of_several_commodities_loads_every_one() -> None:
    s = food_terminal()
    r = simfuel.run(s, seed=0)
    r.check_balance()
    food = r.at("port", "food")
    # 52 t holds 10 trucks' food (5 t each): 10 trucks load, then none; 2 t stay.
    assert int(loadings_by_day(r).sum()) == 10
    assert food["stock_l"].iloc[-1] == pytest.approx(2)
    diesel = r.at("port")
    assert diesel["loaded_out_l"].sum() == 10 * 30_000
    assert math.isclose(diesel["stock_l"].iloc[-1], 9_000_000 - 10 * 30_000)


def test_the_shipped_dakar_seizure_traps_the_terminal_and_stops_the_rn1() -> None:
    sc = simfuel.load_scenario("dakar-terminal-seized")
    seize, release = (ev for ev in sc.events if ev.type in ("seize", "release"))
    r = simfuel.run(sc, seed=0)
    r.check_balance()
    dakar = r.at("dakar")
    held = dakar.loc[str(seize.date) : str(release.date - dt.timedelta(days=1))]
    assert (held["stock_l"] == held["stock_l"].iloc[0]).all()
    assert (held["loaded_out_l"] == 0).all() and (held["delivered_l"] == 0).all()
    first, last = (24.0 * (d - sc.start).days for d in (seize.date, release.date))
    ev = r.events
    rn1 = ev[(ev["kind"] == "loaded") & (ev["corridor"] == "dakar_rn1")]
    assert rn1[(rn1["t_h"] >= first) & (rn1["t_h"] < last)].empty
    assert not rn1[rn1["t_h"] >= last].empty  # loadings resume on the release
