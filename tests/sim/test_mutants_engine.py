"""Known answers for engine behaviour where the mutation run found no failing test.

Small scenarios on TINY (``tests.sim.builders``): one corridor ``main`` to the depot at
``city``, demand 450,000 L/day, no threat unless set, fixed delays.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

import simfuel
from tests.helpers import tiny_scenario
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
