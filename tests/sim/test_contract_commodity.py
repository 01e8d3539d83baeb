"""Contracts of any commodity (``events[i].commodity`` of a ``contract``): known answers.

TWO is TINY (``tests.helpers``) with two commodities at the city: fuel in litres, by the
45,000 L tankers of ``main`` (10 a day), and food in tonnes, by the 25 t lorries of
``aid`` (4 a day) on the same road; no threat, stocks far from full (10,000,000 L of
fuel, 50,000 t of food). So every vehicle
loaded by the contract arrives and unloads within a day, and its deliveries are exactly
the contract's quantity.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

import simfuel
from simfuel.cli import main
from simfuel.scenario import ScenarioError
from simfuel.scenario.provenance import content_hash
from simfuel.sim.plan import compile_plan
from tests.helpers import tiny_scenario
from tests.sim.builders import date
from tests.sim.test_commodities import food

LORRY_T = 25
TANKER_L = 45_000
MIXED_L, MIXED_T = 30_000, 10


def two(**contract: Any) -> dict[str, Any]:
    """TWO, with a contract of ``contract``'s fields from day 2 over 10 days (if any)."""
    s = tiny_scenario()
    s["commodities"] = {"fuel": {"unit": "L"}, "food": {"unit": "t", "name": "food aid"}}
    s["vehicles"] = {
        "tanker": {"payload": {"fuel": TANKER_L}},
        "lorry": {"payload": {"food": LORRY_T}},
        "mixed": {"payload": {"fuel": MIXED_L, "food": MIXED_T}},
    }
    s["depot"]["capacity_l"] = 10_000_000  # room for every contract's fuel
    s["depot"]["commodities"] = {
        "food": {"capacity": 50_000, "initial": 1_000, "demand": {"per_day": 100}}
    }
    main_ = s["corridors"]["main"]
    del main_["tanker_capacity_l"]
    main_["vehicle"] = "tanker"
    s["corridors"]["aid"] = {**copy.deepcopy(main_), "vehicle": "lorry", "tankers_per_day": 4}
    if contract:
        s["events"] = [
            {"type": "contract", "date": date(2), "period_days": 10, **contract},
        ]
    return s


def _delivered(r: simfuel.RunResult, commodity: str) -> float:
    return float(r.at(commodity=commodity)["delivered_l"].sum())


def test_a_food_contract_raises_food_deliveries_by_exactly_its_tonnes() -> None:
    base = simfuel.run(two(), seed=4)
    deal = simfuel.run(two(commodity="food", quantity=1_000, split={"aid": 1.0}), seed=4)
    base.check_balance()
    deal.check_balance()  # per (place, commodity): every stock balances to the unit
    assert _delivered(deal, "food") - _delivered(base, "food") == 1_000
    loaded = (
        deal.at(commodity="food")["loaded_l"].sum() - base.at(commodity="food")["loaded_l"].sum()
    )
    assert loaded == 1_000  # 40 lorries of 25 t
    assert (
        deal.at(commodity="food")["stock_l"].iloc[-1]
        == base.at(commodity="food")["stock_l"].iloc[-1] + 1_000
    )  # nothing full, no shortage: all of it is still in stock
    # The fuel is untouched: its table is the same to the litre.
    pd.testing.assert_frame_equal(deal.at(commodity="fuel"), base.at(commodity="fuel"))
    pd.testing.assert_frame_equal(deal.daily, base.daily)


def test_the_contract_loads_its_lorries_only_during_its_period() -> None:
    base = simfuel.run(two(), seed=4).at(commodity="food")["loaded_l"].to_numpy()
    deal = simfuel.run(two(commodity="food", quantity=1_000, split={"aid": 1.0}), seed=4)
    extra = deal.at(commodity="food")["loaded_l"].to_numpy() - base
    # 1,000 t over 10 days from day 2: 100 t (4 lorries) a day on days 2 .. 11.
    expected = np.array([100.0 if 2 <= d <= 11 else 0.0 for d in range(len(extra))])
    np.testing.assert_array_equal(extra, expected)


def test_quantity_t_of_a_commodity_in_tonnes_is_its_tonnes() -> None:
    by_quantity = compile_plan(
        simfuel.load_scenario(two(commodity="food", quantity=1_000, split={"aid": 1.0}))
    )
    by_t = compile_plan(
        simfuel.load_scenario(two(commodity="food", quantity_t=1_000, split={"aid": 1.0}))
    )
    aid = next(c for c in by_t.corridors if c.key == "aid")
    assert aid.contracts == [(48.0, 288.0, 4.0)]  # 40 lorries over 10 days
    assert [c.contracts for c in by_quantity.corridors] == [c.contracts for c in by_t.corridors]


def test_a_contract_split_over_two_food_corridors_gives_each_its_share() -> None:
    s = two(commodity="food", quantity=1_000, split={"aid": 0.6, "aid2": 0.4})
    s["corridors"]["aid2"] = copy.deepcopy(s["corridors"]["aid"])
    plan = compile_plan(simfuel.load_scenario(s))
    rates = {c.key: c.contracts for c in plan.corridors}
    assert rates["aid"] == [(48.0, 288.0, pytest.approx(600 / LORRY_T / 10))]
    assert rates["aid2"] == [(48.0, 288.0, pytest.approx(400 / LORRY_T / 10))]
    assert rates["main"] == []
    base = simfuel.run(
        {**s, "events": []},
        seed=2,
    )
    r = simfuel.run(s, seed=2)
    r.check_balance()
    assert _delivered(r, "food") - _delivered(base, "food") == 1_000


def test_a_food_contract_on_mixed_trucks_brings_their_fuel_too() -> None:
    # Whole vehicles: 1,000 t of food is 100 trucks of 10 t, each with 30,000 L of fuel.
    s = two(commodity="food", quantity=1_000, split={"aid": 1.0})
    s["corridors"]["aid"]["vehicle"] = "mixed"
    base = simfuel.run({**s, "events": []}, seed=5)
    r = simfuel.run(s, seed=5)
    r.check_balance()
    assert _delivered(r, "food") - _delivered(base, "food") == 1_000
    assert _delivered(r, "fuel") - _delivered(base, "fuel") == 100 * MIXED_L


def test_a_contract_without_commodity_is_of_the_main_one_as_before() -> None:
    litres = 90 * TANKER_L
    default = two(quantity_l=litres, split={"main": 1.0})
    named = two(commodity="fuel", quantity_l=litres, split={"main": 1.0})
    generic = two(commodity="fuel", quantity=litres, split={"main": 1.0})
    plans = [compile_plan(simfuel.load_scenario(s)) for s in (default, named, generic)]
    assert plans[0].corridors[0].contracts == [(48.0, 288.0, 9.0)]
    assert all(p.corridors[0].contracts == plans[0].corridors[0].contracts for p in plans)
    base = simfuel.run(two(), seed=1)
    r = simfuel.run(default, seed=1)
    r.check_balance()
    assert _delivered(r, "fuel") - _delivered(base, "fuel") == litres
    pd.testing.assert_frame_equal(r.at(commodity="food"), base.at(commodity="food"))


def test_an_old_contract_dumps_and_hashes_as_before() -> None:
    # No `commodity`, no `quantity`: the dump has neither, so the hash is the old one.
    sc = simfuel.load_scenario(two(quantity_l=1e6, split={"main": 1.0}))
    row = sc.model_dump(mode="json", by_alias=True)["events"][0]
    assert "commodity" not in row and "quantity" not in row
    named = simfuel.load_scenario(two(commodity="food", quantity=10, split={"aid": 1.0}))
    row = named.model_dump(mode="json", by_alias=True)["events"][0]
    assert row["commodity"] == "food" and row["quantity"] == 10
    again = simfuel.load_scenario(named.model_dump(mode="json", by_alias=True))
    assert content_hash(again) == content_hash(named)


# ---------------------------------------------------------------- bad input


def _one_line(raw: dict[str, Any]) -> str:
    with pytest.raises(ScenarioError) as info:
        simfuel.load_scenario(raw)
    lines = str(info.value).splitlines()
    assert len(lines) == 1, lines
    return lines[0]


@pytest.mark.parametrize(
    ("contract", "message"),
    [
        (
            {"commodity": "fod", "quantity": 10, "split": {"aid": 1.0}},
            "events[0].commodity: unknown commodity 'fod' (did you mean 'food'?)",
        ),
        (
            {"commodity": "food", "quantity_l": 1e6, "split": {"aid": 1.0}},
            "events[0].quantity_l: litres, but commodity 'food' is in t: give quantity (in t)",
        ),
        (
            {"commodity": "food", "quantity_t": 10, "product": "diesel", "split": {"aid": 1.0}},
            "events[0].product: converts tonnes to litres, but commodity 'food' is in t",
        ),
        (
            {"commodity": "water", "quantity_t": 10, "split": {"water_road": 1.0}},
            "events[0].quantity_t: tonnes, but commodity 'water' is in m3: give quantity (in m3)",
        ),
        (
            {"commodity": "food", "quantity": 100, "split": {"main": 1.0}},
            "events[0].split.main: a contract of 'food', which corridor 'main''s vehicle "
            "'tanker' does not carry (it carries: fuel)",
        ),
        (
            {"quantity_l": 1e6, "split": {"aid": 1.0}},
            "events[0].split.aid: a contract is of the main commodity 'fuel', which corridor "
            "'aid''s vehicle 'lorry' does not carry (it carries: food)",
        ),
        (
            {"commodity": "food", "quantity": 10, "quantity_t": 10, "split": {"aid": 1.0}},
            "give exactly one of quantity_t and quantity_l (or quantity",
        ),
    ],
)
def test_a_bad_contract_is_one_line(contract: dict[str, Any], message: str) -> None:
    raw = two(**contract)
    raw["commodities"]["water"] = {"unit": "m3"}
    raw["vehicles"]["bowser"] = {"payload": {"water": 20}}
    raw["depot"]["commodities"]["water"] = {
        "capacity": 900,
        "initial": 90,
        "demand": {"per_day": 9},
    }
    raw["corridors"]["water_road"] = {**copy.deepcopy(raw["corridors"]["aid"]), "vehicle": "bowser"}
    assert message in _one_line(raw)


@pytest.mark.parametrize(
    ("contract", "message"),
    [
        (
            {"commodity": "fod", "quantity": 10, "split": {"aid": 1.0}},
            "events[0].commodity: unknown commodity 'fod'",
        ),
        (
            {"commodity": "food", "quantity_l": 1e6, "split": {"aid": 1.0}},
            "events[0].quantity_l: litres, but commodity 'food' is in t",
        ),
        (
            {"commodity": "food", "quantity": 100, "split": {"main": 1.0}},
            "events[0].split.main: a contract of 'food', which corridor 'main''s vehicle",
        ),
    ],
)
def test_simfuel_validate_answers_a_bad_contract_with_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], contract: dict[str, Any], message: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(two(**contract), sort_keys=False))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert f"{path}: {message}" in err


def test_a_main_commodity_in_tonnes_takes_quantity_t_as_its_tonnes() -> None:
    # The main commodity is food in tonnes (20 t trucks): no product conversion to litres
    # (before, 200 t became 238,400 "litres" of diesel, so 11,920 trucks of food).
    s = food()
    s["events"] = [
        {
            "type": "contract",
            "date": date(2),
            "period_days": 10,
            "quantity_t": 200,
            "split": {"main": 1.0},
        }
    ]
    plan = compile_plan(simfuel.load_scenario(s))
    assert plan.corridors[0].contracts == [(48.0, 288.0, 1.0)]  # 10 trucks over 10 days
    s["products"] = {"petrol": {"litres_per_tonne": 1_350}}  # no diesel: none needed
    assert (
        compile_plan(simfuel.load_scenario(s)).corridors[0].contracts == plan.corridors[0].contracts
    )
    del s["events"][0]["quantity_t"]
    s["events"][0]["quantity_l"] = 1e6
    line = _one_line(s)
    assert "events[0].quantity_l: litres, but commodity 'food' is in t: give quantity" in line
