"""Seized stocks (``seize`` .. ``release`` events): the stock is trapped until the release.

Known answers on TINY (the depot at ``city``, fed by ``main``) and on the chain of
:mod:`tests.sim.test_places` (``b`` fed from the depot, ``c`` fed from ``b``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

import simfuel
from tests.helpers import tiny_scenario
from tests.sim.builders import CAPACITY_L, START, date
from tests.sim.test_places import chain

SEIZED, RELEASED = 5, 12  # days of the run


def seized(s: dict[str, Any], place: str, release: bool = True) -> dict[str, Any]:
    """``s`` with the stock at ``place`` seized on day SEIZED (released on day RELEASED)."""
    s["events"] = [*s["events"], {"date": date(SEIZED), "type": "seize", "place": place}]
    if release:
        s["events"].append({"date": date(RELEASED), "type": "release", "place": place})
    return s


def test_a_seized_depot_keeps_its_stock_serves_nothing_and_resumes_after_release() -> None:
    s = seized(tiny_scenario(), "city")
    s["demand"]["cv"] = 0.2
    r = simfuel.run(s, seed=3)
    r.check_balance()
    d = r.at("city").reset_index(drop=True)
    held = d.iloc[SEIZED:RELEASED]
    before = d["stock_l"].iloc[SEIZED - 1]
    # Trapped: the stock is what it was at the seizure, to the litre, every seized day.
    assert before > 0
    assert (held["stock_l"] == before).all()
    assert (held["served_l"] == 0).all()
    np.testing.assert_array_equal(held["shortfall_l"], held["demand_l"])
    assert (held["stockout"] == 1).all()
    assert (held["delivered_l"] == 0).all()
    assert (held["reserve_l"] == d["reserve_l"].iloc[SEIZED - 1]).all()
    # After the release it serves and takes deliveries again.
    after = d.iloc[RELEASED:]
    assert (after["served_l"] > 0).all()
    assert after["delivered_l"].sum() > 0
    # No extra draws: the demand drawn each day is the one of the run without the seizure.
    plain = tiny_scenario()
    plain["demand"]["cv"] = 0.2
    np.testing.assert_array_equal(
        d["demand_l"], simfuel.run(plain, seed=3).at("city")["demand_l"].to_numpy()
    )


def test_arrivals_at_a_seized_depot_wait_to_unload_and_convoys_hold_outside() -> None:
    r = simfuel.run(seized(tiny_scenario(), "city"), seed=1)
    ev = r.events
    held = ev[(ev["kind"] == "held") & (ev["corridor"] == "main")]
    # The legs into the seized place are closed: convoys wait at the town.
    assert len(held) > 0
    assert held["detail"].str.startswith("town-city closed").all()
    d = r.at("city").reset_index(drop=True)
    # Convoys already on the last leg arrive and queue; none unloads before the release.
    window = d.iloc[SEIZED:RELEASED]
    assert window["arrived_l"].sum() > 0
    waiting = (window["arrived_l"].cumsum() / CAPACITY_L).astype(int)
    np.testing.assert_array_equal(window["tankers_waiting_unload"], waiting)
    # On the release day the held convoys come in and the queue unloads into the room left.
    assert d["delivered_l"].iloc[RELEASED] > 0


def test_a_seizure_without_release_lasts_to_the_end() -> None:
    r = simfuel.run(seized(tiny_scenario(), "city", release=False), seed=2)
    r.check_balance()
    d = r.at("city").reset_index(drop=True)
    assert (d["stock_l"].iloc[SEIZED:] == d["stock_l"].iloc[SEIZED - 1]).all()
    assert (d["served_l"].iloc[SEIZED:] == 0).all()


def test_a_seized_upstream_stops_its_secondary_loadings_until_release() -> None:
    s = seized(chain(initial_stock_l=1_000_000, demand={"demand_l_per_day": 1_000}), "b")
    r = simfuel.run(s, seed=4)
    r.check_balance()
    b = r.at("b").reset_index(drop=True)
    assert (b["loaded_out_l"].iloc[SEIZED:RELEASED] == 0).all()
    assert b["loaded_out_l"].iloc[:SEIZED].sum() > 0
    assert b["loaded_out_l"].iloc[RELEASED:].sum() > 0
    assert (b["stock_l"].iloc[SEIZED:RELEASED] == b["stock_l"].iloc[SEIZED - 1]).all()
    ev = r.events
    t0, t1 = 24.0 * SEIZED, 24.0 * RELEASED
    loaded = ev[(ev["kind"] == "loaded") & (ev["corridor"] == "b_c")]
    assert not ((loaded["t_h"] >= t0) & (loaded["t_h"] < t1)).any()
    # c, downstream, goes on serving its own demand from its own stock.
    assert (r.at("c")["served_l"].iloc[SEIZED:RELEASED] > 0).all()


def test_seize_and_release_are_on_the_timeline_in_words() -> None:
    r = simfuel.run(seized(tiny_scenario(), "city"), seed=1)
    ev = r.events
    rows = ev[ev["kind"].isin(["timeline:seize", "timeline:release"])]
    assert rows["kind"].tolist() == ["timeline:seize", "timeline:release"]
    assert rows["detail"].iloc[0].startswith("stock at city seized")
    assert rows["detail"].iloc[1].startswith("stock at city released")


def test_seize_and_release_are_chart_marks_with_their_note() -> None:
    from simfuel.plot.fan import timeline_marks

    s = seized(tiny_scenario(), "city")
    s["events"][0]["note"] = "terminal held"
    marks = dict(timeline_marks(simfuel.Scenario.model_validate(s)))
    assert marks[START + dt.timedelta(days=SEIZED)] == "seized: city (terminal held)"
    assert marks[START + dt.timedelta(days=RELEASED)] == "released: city"
