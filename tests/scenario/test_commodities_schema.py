"""The commodities and vehicles of the scenario format: sugar, dumps and one-line errors."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

import simfuel
from simfuel.cli import main
from simfuel.scenario import ScenarioError
from simfuel.scenario.provenance import content_hash
from simfuel.sim import compile_plan
from tests.helpers import tiny_scenario
from tests.sim.test_commodities import food, mixed

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "commodities-mixed.yaml"


def problems(raw: dict[str, Any]) -> list[str]:
    """The lines of the ScenarioError that ``raw`` raises (it must raise one)."""
    with pytest.raises(ScenarioError) as info:
        simfuel.load_scenario(raw)
    return str(info.value).splitlines()


def one_problem(raw: dict[str, Any]) -> str:
    lines = problems(raw)
    assert len(lines) == 1, lines
    return lines[0]


# ---------------------------------------------------------------- the sugar


def test_without_commodities_a_scenario_is_fuel_in_litres_by_tanker() -> None:
    sc = simfuel.load_scenario(tiny_scenario())
    assert sc.main_commodity == "fuel" and sc.commodity_units == {"fuel": "L"}
    dumped = sc.model_dump(mode="json")
    for key in ("commodities", "vehicles"):
        assert key not in dumped
    assert "commodities" not in dumped["depot"]
    assert "vehicle" not in dumped["corridors"]["main"]


def test_the_main_commodity_block_fills_the_flat_fields_and_is_not_dumped_twice() -> None:
    sc = simfuel.load_scenario(food())
    assert sc.depot.capacity_l == 2_000 and sc.depot.initial_stock_l == 500
    assert sc.demand.demand_l_per_day == 150
    assert sc.corridors["main"].tanker_capacity_l == 20  # the truck's tonnes of food
    dumped = sc.model_dump(mode="json")
    assert "capacity_l" not in dumped["depot"] and "demand" not in dumped
    assert "tanker_capacity_l" not in dumped["corridors"]["main"]
    again = simfuel.load_scenario(copy.deepcopy(dumped))
    assert again == sc and content_hash(again) == content_hash(sc)


def test_the_fixture_file_loads_and_balances() -> None:
    sc = simfuel.load_scenario(FIXTURE)
    assert list(sc.commodity_units.items()) == [("diesel", "L"), ("food", "t")]
    # Trucks and lorries both end at the depot: the counts add them, as "vehicles".
    assert sc.vocabulary.vehicle == "vehicle" and sc.vocabulary.unit == "L"
    r = simfuel.run(sc, seed=0)
    r.check_balance()
    assert {c for _, c in r.stock_keys} == {"diesel", "food"}


def test_the_json_schema_accepts_a_food_only_file() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = simfuel.Scenario.model_json_schema(by_alias=True)
    dumped = simfuel.load_scenario(food()).model_dump(mode="json", by_alias=True)
    assert "capacity_l" not in dumped["depot"]
    jsonschema.validate(dumped, schema)
    jsonschema.validate(
        simfuel.load_scenario(FIXTURE).model_dump(mode="json", by_alias=True), schema
    )


def test_declaring_commodities_changes_the_hash() -> None:
    plain = simfuel.load_scenario(tiny_scenario())
    assert content_hash(plain) != content_hash(simfuel.load_scenario(mixed()))


# ---------------------------------------------------------------- one line per problem


def test_a_payload_of_an_unknown_commodity() -> None:
    raw = mixed()
    raw["vehicles"]["mixed"]["payload"]["fod"] = 3
    line = one_problem(raw)
    assert "vehicles.mixed.payload.fod: unknown commodity 'fod' (did you mean 'food'?)" in line


def test_a_vehicle_carrying_what_its_destination_does_not_stock() -> None:
    raw = mixed()
    raw["commodities"]["water"] = {"unit": "m3"}
    raw["vehicles"]["mixed"]["payload"]["water"] = 5
    line = one_problem(raw)
    assert "corridors.main.vehicle: vehicle 'mixed' carries water" in line
    assert "its destination 'city' does not stock (it stocks: diesel, food)" in line


def test_a_vehicle_carrying_what_its_upstream_does_not_stock() -> None:
    raw = food()
    raw["places"]["b"] = {"lat": 12.5, "lon": -7.0}
    raw["commodities"]["fuel"] = {"unit": "L"}
    raw["vehicles"]["tanker"] = {"payload": {"fuel": 1_000}}
    block = {"capacity": 100, "initial": 0, "demand": {"per_day": 1}}
    raw["destinations"] = {
        "b": {"place": "b", "commodities": {"food": block, "fuel": block}},
    }
    raw["corridors"]["city_b"] = {
        "origin": "city",
        "staging": "city",
        "tankers_per_day": 1,
        "vehicle": "tanker",
        "legs": [{"from": "city", "to": "b", "length_km": 60, "speed_kmh": 30}],
    }
    line = one_problem(raw)
    assert (
        "corridors.city_b.vehicle: vehicle 'tanker' carries fuel, which its origin's stock" in line
    )


def test_a_stock_of_an_unknown_commodity() -> None:
    raw = mixed()
    raw["depot"]["commodities"]["rice"] = raw["depot"]["commodities"]["food"]
    line = one_problem(raw)
    assert "depot.commodities.rice: unknown commodity 'rice' (known: diesel, food)" in line


def test_a_corridor_with_both_a_vehicle_and_a_tanker_capacity() -> None:
    raw = mixed()
    raw["corridors"]["main"]["tanker_capacity_l"] = 45_000
    line = one_problem(raw)
    assert "corridors.main.tanker_capacity_l: give either vehicle or tanker_capacity_l" in line


def test_a_corridor_with_neither_when_commodities_are_declared() -> None:
    raw = mixed()
    del raw["corridors"]["main"]["vehicle"]
    line = one_problem(raw)
    assert "corridors.main.vehicle: required when the scenario declares commodities" in line


def test_an_unknown_vehicle() -> None:
    raw = mixed()
    raw["corridors"]["main"]["vehicle"] = "mixd"
    assert "corridors.main.vehicle: unknown vehicle 'mixd' (did you mean 'mixed'?)" in one_problem(
        raw
    )


def test_litre_fields_for_a_main_commodity_in_tonnes() -> None:
    raw = food()
    raw["depot"] = {"place": "city", "capacity_l": 2_000, "initial_stock_l": 500}
    raw["demand"] = {"demand_l_per_day": 150}
    line = one_problem(raw)
    assert "depot.capacity_l: litres, but the main commodity 'food' is in t" in line
    raw = food()
    raw["corridors"]["main"]["tanker_capacity_l"] = 20
    del raw["corridors"]["main"]["vehicle"]
    line = one_problem(raw)
    assert "corridors.main.tanker_capacity_l: litres, but the main commodity 'food' is in t" in line


def test_the_main_commodity_given_twice() -> None:
    raw = food()
    raw["depot"]["capacity_l"] = 2_000
    raw["demand"] = {"demand_l_per_day": 150}
    lines = problems(raw)
    assert len(lines) == 2
    assert (
        "depot.capacity_l: the main commodity 'food' is given in depot.commodities.food"
        in (lines[0])
    )
    assert "demand: given in depot.commodities.food.demand" in lines[1]


def test_a_bad_number_in_the_main_block_is_reported_once_at_its_own_path() -> None:
    raw = food(capacity=-5)
    lines = problems(raw)
    assert len(lines) == 1 and "depot.commodities.food.capacity" in lines[0], lines
    raw = food(initial=3_000)
    lines = problems(raw)
    assert len(lines) == 1 and "initial (3000) exceeds capacity (2000)" in lines[0], lines


def test_a_contract_on_a_corridor_that_carries_no_main_commodity() -> None:
    raw = mixed()
    raw["vehicles"]["mixed"]["payload"] = {"food": 10}
    raw["events"] = [
        {
            "type": "contract",
            "date": "2025-01-05",
            "quantity_l": 1e6,
            "period_days": 5,
            "split": {"main": 1.0},
        }
    ]
    assert "events[0].split.main: a contract is of the main commodity 'diesel'" in one_problem(raw)


def test_demand_pull_on_a_corridor_that_carries_no_main_commodity_watches_its_one() -> None:
    raw = mixed()
    raw["vehicles"]["mixed"]["payload"] = {"food": 10}
    raw["corridors"]["main"]["dispatch_policy"] = "order_up_to"
    raw["corridors"]["main"]["dispatch"] = {"target_days": 5, "max_tankers_per_day": 10}
    plan = compile_plan(simfuel.load_scenario(raw))
    assert plan.stocks[plan.corridors[0].watched].commodity == "food"


def test_an_event_for_a_commodity_the_place_does_not_stock() -> None:
    raw = mixed()
    raw["events"] = [
        {"type": "demand", "date": "2025-01-05", "commodity": "food", "demand_l_per_day": 9},
        {"type": "demand", "date": "2025-01-05", "commodity": "fod", "demand_l_per_day": 9},
    ]
    line = one_problem(raw)
    assert "events[1].commodity: unknown commodity 'fod' (did you mean 'food'?)" in line
    raw["commodities"]["water"] = {"unit": "m3"}
    raw["events"][1]["commodity"] = "water"
    line = one_problem(raw)
    assert "events[1].commodity: 'city' holds no stock of 'water' (it stocks: diesel, food)" in line


def test_the_cli_answers_a_commodity_error_with_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = mixed()
    raw["vehicles"]["mixed"]["payload"]["fod"] = 3
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw))
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert f"{path}: vehicles.mixed.payload.fod: unknown commodity" in err
