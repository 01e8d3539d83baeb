"""Known answers for the dispatch policies where the mutation run found no failing test.

TINY (``tests.sim.builders``): one corridor, 45,000 L tankers, depot demand 450,000 L/day,
capacity 4,000,000 L; its pipeline is 26 h, so the warm-up is 3 days: the run starts at
t = -72 h (2024-12-29 00:00), when the stock is the initial one and no demand is served.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
import simpy

from simfuel.scenario import load_scenario
from simfuel.sim.dispatch import OrderUpTo
from simfuel.sim.engine import Simulation
from simfuel.sim.plan import compile_plan
from tests.helpers import tiny_scenario
from tests.sim.builders import CAPACITY_L, START

DEMAND_L = 450_000.0
WARMUP_H = 72.0


def _iso(day: int) -> str:
    return (START + dt.timedelta(days=day)).isoformat()


def _with(policy: str, **dispatch: Any) -> dict[str, Any]:
    s = tiny_scenario()
    s["corridors"]["main"].update(dispatch_policy=policy, dispatch=dispatch)
    return s


def _loads(s: dict[str, Any]) -> list[tuple[float, int, float, int]]:
    """Every loading of a run: (t_h, tankers, position before [L], tankers queued before)."""
    sim = Simulation(compile_plan(load_scenario(s)), np.random.SeedSequence(1))
    policy = sim.dispatch[0]
    dest, load = policy.destination, policy.load
    assert dest is not None
    rows: list[tuple[float, int, float, int]] = []

    def recording(n: int) -> None:
        rows.append((sim.env.now, n, dest.position_l(), dest.queued_tankers))
        load(n)

    policy.load = recording
    sim.run()
    return rows


# ---------------------------------------------------------------- schedule


def test_every_n_days_from_a_first_date_before_the_warm_up_keeps_its_phase() -> None:
    # First 2024-12-01 (day -31), every 7 days: days -3 (the warm-up start), 4, 11, 18.
    rows = _loads(_with("schedule", every_days=7, first=_iso(-31), tankers=3))
    assert [(t, n) for t, n, *_ in rows] == [(24.0 * d, 3) for d in (-3, 4, 11, 18)]


def test_schedule_dates_skip_those_before_the_warm_up_and_load_the_rest() -> None:
    # Day -10 is before the run; day -3 is its first instant; 5 and 10 are in the horizon.
    dates = [_iso(d) for d in (-10, -3, 5, 10)]
    rows = _loads(_with("schedule", dates=dates, tankers=2))
    assert [(t, n) for t, n, *_ in rows] == [(24.0 * d, 2) for d in (-3, 5, 10)]


# ---------------------------------------------------------------- order-up-to


def test_order_up_to_without_a_destination_view_says_which_corridor() -> None:
    plan = compile_plan(load_scenario(_with("order_up_to", target_days=5, max_tankers_per_day=9)))
    policy = OrderUpTo(simpy.Environment(), plan.corridors[0], plan, lambda n: None)
    with pytest.raises(RuntimeError, match="main: order_up_to needs a destination view"):
        policy.order(0.0)


@pytest.mark.parametrize(
    ("gap_l", "tankers"), [(0.5, 1), (2 * CAPACITY_L, 2), (2.5 * CAPACITY_L, 3)]
)
def test_order_up_to_loads_the_gap_rounded_up_to_whole_tankers(gap_l: float, tankers: int) -> None:
    # The first review (warm-up start, nothing on the road) sees the initial stock only.
    s = _with("order_up_to", target_days=5.0, max_tankers_per_day=20)
    s["depot"]["initial_stock_l"] = 5.0 * DEMAND_L - gap_l
    rows = _loads(s)
    assert rows[0][:2] == (-WARMUP_H, tankers)


def test_s_s_does_not_order_at_exactly_its_reorder_point() -> None:
    # Position = s x demand at every warm-up review (no demand is served in the warm-up):
    # (s, S) orders only below s, so the first loading is after the start.
    s = _with("order_up_to", reorder_days=2.0, target_days=8.0, max_tankers_per_day=30)
    s["depot"]["initial_stock_l"] = 2.0 * DEMAND_L
    rows = _loads(s)
    assert rows and rows[0][0] >= 0.0
    s["depot"]["initial_stock_l"] = 2.0 * DEMAND_L - 1.0
    assert _loads(s)[0][0] == -WARMUP_H  # one litre below s: it orders at once


def test_a_queue_limit_that_is_never_reached_changes_nothing() -> None:
    # Target 5 days, far below capacity: no tanker ever waits to unload.
    free = _loads(_with("order_up_to", target_days=5.0, max_tankers_per_day=20))
    limited = _loads(
        _with("order_up_to", target_days=5.0, max_tankers_per_day=20, max_queue_tankers=0)
    )
    assert max(q for *_, q in free) == 0
    assert limited == free


def test_nothing_loads_while_more_than_the_queue_limit_wait() -> None:
    # A target far above capacity: arrivals queue; with the limit 2 every loading happens
    # with at most 2 tankers waiting, and queued tankers count in the position.
    s = _with("order_up_to", target_days=60.0, max_tankers_per_day=40, max_queue_tankers=2)
    rows = _loads(s)
    assert rows
    assert max(q for *_, q in rows) <= 2
    unlimited = _loads(_with("order_up_to", target_days=60.0, max_tankers_per_day=40))
    assert max(q for *_, q in unlimited) > 2  # the limit is what held them back


def test_the_position_counts_tankers_waiting_to_unload() -> None:
    s = _with("order_up_to", target_days=60.0, max_tankers_per_day=40)
    sim = Simulation(compile_plan(load_scenario(s)), np.random.SeedSequence(1))
    dest = sim.dispatch[0].destination
    assert dest is not None
    seen: list[tuple[float, float, float, float]] = []

    def watch(_e: simpy.Event) -> None:
        seen.append((dest.stock_l, dest.in_pipeline_l, dest.queued_l, dest.position_l()))
        if sim.env.now < 24.0 * 19:
            sim.env.timeout(24.0).callbacks.append(watch)

    sim.env.timeout(0.5).callbacks.append(watch)
    sim.run()
    queued = [row for row in seen if row[2] > 0]
    assert queued  # the depot filled up and tankers waited
    for stock, pipeline, waiting, position in queued:
        assert position == pytest.approx(stock + pipeline + waiting)


def test_order_up_to_aims_at_the_demand_of_the_day_it_reviews() -> None:
    # Demand doubles on day 10: after that the loadings fill up to 5 days of the new demand.
    s = _with("order_up_to", target_days=5.0, max_tankers_per_day=40)
    s["events"] = [{"type": "demand", "date": _iso(10), "demand_l_per_day": 2 * DEMAND_L}]
    rows = _loads(s)
    before = [p for t, _n, p, _q in rows if t < 240.0]
    after = [p for t, _n, p, _q in rows if t >= 240.0]
    assert before and after
    assert max(before) < 5.0 * DEMAND_L
    assert max(after) >= 5.0 * DEMAND_L  # it orders above the old target
    assert max(after) < 10.0 * DEMAND_L
