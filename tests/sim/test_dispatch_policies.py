"""The shipped dispatch policies: convoy schedules and demand-pull (order-up-to, (s, S))."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import yaml

import simfuel
from simfuel.cli import main
from simfuel.scenario import load_scenario
from simfuel.sim.engine import Simulation
from simfuel.sim.plan import compile_plan
from tests.helpers import tiny_scenario
from tests.sim.builders import CAPACITY_L, date

DEMAND_L = 450_000.0  # the tiny scenario's depot demand [L/day]


def _with(policy: str, **dispatch: Any) -> dict[str, Any]:
    s = tiny_scenario()
    s["corridors"]["main"].update(dispatch_policy=policy, dispatch=dispatch)
    return s


def _loads(s: dict[str, Any], seed: int = 1) -> tuple[list[tuple[float, int, float, float]], Any]:
    """Run ``s``; every loading as (t_h, tankers, position before, position after) [L]."""
    sim = Simulation(compile_plan(load_scenario(s)), np.random.SeedSequence(seed))
    policy = sim.dispatch[0]
    dest, load = policy.destination, policy.load
    assert dest is not None
    rows: list[tuple[float, int, float, float]] = []

    def recording(n: int) -> None:
        before = dest.position_l()
        load(n)
        rows.append((sim.env.now, n, before, dest.position_l()))

    policy.load = recording
    rec = sim.run()
    return rows, rec


# ---------------------------------------------------------------- schedule


def test_a_schedule_loads_exactly_on_its_dates_and_nothing_else():
    days = [3, 7, 12]
    r = simfuel.run(_with("schedule", dates=[date(d) for d in days], tankers=5), seed=1)
    r.check_balance()
    loaded = r.daily["loaded_l"].to_numpy()
    assert loaded.tolist() == [5 * CAPACITY_L if d in days else 0 for d in range(len(loaded))]
    assert r.daily["delivered_l"].sum() > 0


def test_a_schedule_every_n_days_from_its_first_date():
    r = simfuel.run(_with("schedule", every_days=5, first=date(2), tankers=3), seed=2)
    loaded = r.daily["loaded_l"].to_numpy()
    expected = [3 * CAPACITY_L if d >= 2 and (d - 2) % 5 == 0 else 0 for d in range(len(loaded))]
    assert loaded.tolist() == expected


# ---------------------------------------------------------------- order-up-to


def test_order_up_to_never_overfills_and_stays_within_one_tanker_of_its_target():
    target_days = 6.0
    s = _with("order_up_to", target_days=target_days, max_tankers_per_day=25)
    rows, _ = _loads(s)
    assert len(rows) > 5
    for _t, n, before, after in rows:
        assert before < target_days * DEMAND_L  # it orders only below the target
        assert after <= target_days * DEMAND_L + CAPACITY_L
        assert after == pytest.approx(before + n * CAPACITY_L)
    r = simfuel.run(s, seed=1)
    r.check_balance()
    assert (r.daily["stock_l"] <= 4_000_000).all()
    assert r.daily["delivered_l"].sum() > 0


def test_order_up_to_respects_max_tankers_per_day():
    s = _with("order_up_to", target_days=30.0, max_tankers_per_day=7)
    rows, _ = _loads(s)
    per_day: dict[int, int] = {}
    for t, n, _b, _a in rows:
        per_day[math.floor(t / 24.0)] = per_day.get(math.floor(t / 24.0), 0) + n
    assert max(per_day.values()) == 7  # the cap binds: the target is far above the stock


def test_order_up_to_loads_nothing_while_the_destination_is_full():
    # A target far above capacity: only back-pressure stops it. In the warm-up the stock
    # stays at its initial level (no demand is served), so a full depot loads nothing.
    s = _with("order_up_to", target_days=30.0, max_tankers_per_day=20)
    s["depot"]["initial_stock_l"] = s["depot"]["capacity_l"]
    rows, _ = _loads(s)
    assert rows and min(t for t, *_ in rows) >= 0  # only once demand has drained it
    s["depot"]["initial_stock_l"] = s["depot"]["capacity_l"] - CAPACITY_L
    rows, _ = _loads(s)
    assert min(t for t, *_ in rows) < 0  # one tanker of room: it loads in the warm-up


def test_the_unload_queue_holds_back_loadings():
    # A target far above capacity: arrivals queue to unload; with max_queue_tankers 0 the
    # policy loads only while no tanker waits.
    s = _with("order_up_to", target_days=60.0, max_tankers_per_day=40, max_queue_tankers=0)
    free = _with("order_up_to", target_days=60.0, max_tankers_per_day=40)
    held = simfuel.run(s, seed=3).daily["loaded_l"].sum()
    unheld = simfuel.run(free, seed=3).daily["loaded_l"].sum()
    assert held < unheld


def test_s_s_orders_only_below_its_reorder_point():
    s = _with("order_up_to", reorder_days=3.0, target_days=8.0, max_tankers_per_day=30)
    rows, _ = _loads(s)
    assert len(rows) > 2
    for _t, _n, before, after in rows:
        assert before < 3.0 * DEMAND_L
        assert after <= 8.0 * DEMAND_L + CAPACITY_L
    # Without s it orders at more reviews (whenever below S).
    plain, _ = _loads(_with("order_up_to", target_days=8.0, max_tankers_per_day=30))
    assert len(plain) > len(rows)


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("policy", "block", "message"),
    [
        (
            "schedule",
            {"tankers": 3, "every_days": 2, "first": date(0), "target_days": 5},
            "dispatch.target_days: not a parameter of dispatch_policy schedule",
        ),
        (
            "order_up_to",
            {"target_days": 5, "max_tankers_per_day": 9, "tankers": 2},
            "dispatch.tankers: not a parameter of dispatch_policy order_up_to",
        ),
        (
            "order_up_to",
            {"target_days": 5},
            "dispatch.max_tankers_per_day: required by dispatch_policy order_up_to",
        ),
        ("fixed_rate", {"tankers": 2}, "not a parameter of dispatch_policy fixed_rate"),
        ("schedule", {"tankers": 2}, "schedule takes either `dates` or `every_days`"),
        (
            "order_up_to",
            {"target_days": 5, "reorder_days": 6, "max_tankers_per_day": 9},
            "reorder_days (6) must be <= target_days (5)",
        ),
    ],
)
def test_an_invalid_dispatch_block_is_one_line_exit_2(tmp_path, capsys, policy, block, message):
    f = tmp_path / "x.yaml"
    f.write_text(yaml.safe_dump(_with(policy, **block)))
    assert main(["validate", str(f)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    (line,) = err.strip().splitlines()
    assert str(f) in line and "corridors.main" in line and message in line


def test_no_dispatch_block_dumps_as_before():
    sc = load_scenario(tiny_scenario())
    assert "dispatch" not in sc.model_dump(by_alias=True)["corridors"]["main"]
