"""``order_up_to`` on the commodity its vehicles carry (or ``dispatch.commodity``).

TWO (``tests.sim.test_contract_commodity``): fuel by the 45,000 L tankers of ``main``
(fixed rate, 10 a day), food by the 25 t lorries of ``aid`` on the same road; here ``aid``
orders up to a target of food cover. The pipeline is 26 h, so the warm-up is 3 days: the
run starts at t = -72 h with the initial stocks and no demand served.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

import simfuel
from simfuel.cli import main
from simfuel.scenario import ScenarioError
from simfuel.sim.engine import Simulation
from simfuel.sim.plan import compile_plan
from tests.sim.test_contract_commodity import LORRY_T, MIXED_T, two

FOOD_T_PER_DAY = 100.0
WARMUP_H = 72.0


def pull(corridor: str = "aid", fuel_full: bool = True, **dispatch: Any) -> dict[str, Any]:
    """TWO with ``corridor`` on order_up_to (``dispatch``), food low, fuel full or not."""
    s = two()
    s["depot"]["commodities"]["food"]["initial"] = 100
    if fuel_full:
        s["depot"]["initial_stock_l"] = s["depot"]["capacity_l"]
    s["corridors"][corridor].update(dispatch_policy="order_up_to", dispatch=dispatch)
    return s


def _loads(s: dict[str, Any], corridor: str = "aid") -> list[tuple[float, int, float, float]]:
    """Every loading of ``corridor``: (t_h, vehicles, position before, position after)."""
    sim = Simulation(compile_plan(simfuel.load_scenario(s)), np.random.SeedSequence(1))
    policy = next(p for p in sim.dispatch if p.corridor.key == corridor)
    dest, load = policy.destination, policy.load
    assert dest is not None
    rows: list[tuple[float, int, float, float]] = []

    def recording(n: int) -> None:
        before = dest.position_l()
        load(n)
        rows.append((sim.env.now, n, before, dest.position_l()))

    policy.load = recording
    sim.run()
    return rows


def test_a_food_corridor_orders_on_its_food_cover_while_the_fuel_is_full() -> None:
    # Position at the first review: the initial 100 t; target 10 days = 1,000 t: 900 t is
    # 36 lorries, under the cap of 40 a review.
    rows = _loads(pull(target_days=10.0, max_tankers_per_day=40))
    assert rows[0][:2] == (-WARMUP_H, 36)
    assert rows[0][2] == 100.0 and rows[0][3] == 100.0 + 36 * LORRY_T
    plan = compile_plan(simfuel.load_scenario(pull(target_days=10.0, max_tankers_per_day=40)))
    aid = next(c for c in plan.corridors if c.key == "aid")
    assert plan.stocks[aid.watched].commodity == "food" and aid.watched != aid.dest


def test_order_up_to_on_food_never_overfills_and_stays_within_one_lorry_of_its_target() -> None:
    target_days = 6.0
    s = pull(target_days=target_days, max_tankers_per_day=25)
    rows = _loads(s)
    assert len(rows) > 5
    for _t, n, before, after in rows:
        assert before < target_days * FOOD_T_PER_DAY  # it orders only below the target
        assert after <= target_days * FOOD_T_PER_DAY + LORRY_T
        assert after == before + n * LORRY_T
    r = simfuel.run(s, seed=1)
    r.check_balance()
    food = r.at(commodity="food")
    assert food["delivered_l"].sum() > 0
    assert (food["stock_l"] <= 50_000).all()


def test_order_up_to_on_food_loads_nothing_while_the_food_store_is_full() -> None:
    # A target far above the food capacity: only back-pressure on the food stock stops it.
    s = pull(target_days=30.0, max_tankers_per_day=20)
    s["depot"]["commodities"]["food"].update(capacity=1_000, initial=1_000)
    rows = _loads(s)
    assert rows and min(t for t, *_ in rows) >= 0  # only once demand has drained it
    r = simfuel.run(s, seed=1)
    r.check_balance()
    assert (r.at(commodity="food")["stock_l"] <= 1_000).all()
    s["depot"]["commodities"]["food"]["initial"] = 1_000 - LORRY_T
    rows = _loads(s)
    assert min(t for t, *_ in rows) == -WARMUP_H  # one lorry of room: it loads at once


def test_a_named_commodity_makes_a_mixed_corridor_watch_the_food() -> None:
    # Mixed trucks (30,000 L + 10 t): by default they watch the fuel, which is full, so
    # nothing loads in the warm-up; told to watch the food they load ceil(900 / 10) = 90,
    # capped at 40 a review.
    s = pull(target_days=10.0, max_tankers_per_day=40)
    s["corridors"]["aid"]["vehicle"] = "mixed"
    default = _loads(s)
    assert [row for row in default if row[0] < 0] == []
    s["corridors"]["aid"]["dispatch"]["commodity"] = "food"
    rows = _loads(s)
    assert rows[0][:2] == (-WARMUP_H, 40)
    assert rows[0][3] == 100.0 + 40 * MIXED_T
    assert sum(n for _, n, *_ in rows) > sum(n for _, n, *_ in default)
    r = simfuel.run(s, seed=1)
    r.check_balance()  # the fuel they bring into a full depot waits, whole, to unload
    food = r.at(commodity="food")
    assert food["loaded_l"].iloc[0] > 0 and (food["stock_l"] <= 50_000).all()


def test_naming_the_main_commodity_changes_nothing() -> None:
    s = pull(corridor="main", fuel_full=False, target_days=5.0, max_tankers_per_day=20)
    named = pull(
        corridor="main", fuel_full=False, target_days=5.0, max_tankers_per_day=20, commodity="fuel"
    )
    assert _loads(named, "main") == _loads(s, "main")
    a, b = simfuel.run(s, seed=2), simfuel.run(named, seed=2)
    pd.testing.assert_frame_equal(a.daily, b.daily)
    pd.testing.assert_frame_equal(a.at(commodity="food"), b.at(commodity="food"))


# ---------------------------------------------------------------- bad input


def _one_line(raw: dict[str, Any]) -> str:
    with pytest.raises(ScenarioError) as info:
        simfuel.load_scenario(raw)
    lines = str(info.value).splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def _several_others() -> dict[str, Any]:
    s = pull(target_days=5.0, max_tankers_per_day=20)
    s["commodities"]["water"] = {"unit": "m3"}
    s["depot"]["commodities"]["water"] = {"capacity": 900, "initial": 90, "demand": {"per_day": 9}}
    s["vehicles"]["lorry"]["payload"]["water"] = 5
    return s


BAD = [
    (
        pull(target_days=5.0, max_tankers_per_day=20, commodity="fod"),
        "corridors.aid.dispatch.commodity: unknown commodity 'fod' (did you mean 'food'?)",
    ),
    (
        pull(target_days=5.0, max_tankers_per_day=20, commodity="fuel"),
        "corridors.aid.dispatch.commodity: order_up_to watches the destination's stock of "
        "'fuel', which corridor 'aid''s vehicle 'lorry' does not carry (it carries: food)",
    ),
    (
        _several_others(),
        "corridors.aid.dispatch.commodity: required: order_up_to watches one commodity's "
        "stock, and vehicle 'lorry' carries food, water but not the main commodity 'fuel'",
    ),
]


@pytest.mark.parametrize(("raw", "message"), BAD)
def test_a_bad_watched_commodity_is_one_line(raw: dict[str, Any], message: str) -> None:
    assert message in _one_line(raw)


def test_a_commodity_for_another_policy_is_not_its_parameter() -> None:
    s = two()
    s["corridors"]["aid"]["dispatch"] = {"commodity": "food"}
    line = _one_line(s)
    assert "dispatch.commodity: not a parameter of dispatch_policy fixed_rate" in line


@pytest.mark.parametrize(("raw", "message"), BAD)
def test_simfuel_validate_answers_a_bad_watched_commodity_with_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], raw: dict[str, Any], message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert f"{path}: {message}" in err
