"""Validation of several destinations and secondary corridors: one line each, exit 2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from simfuel.cli import main
from simfuel.scenario import ScenarioError, load_scenario
from simfuel.scenario.schema import secondary_cycles
from tests.helpers import tiny_scenario


def network() -> dict[str, Any]:
    """TINY (depot at city, corridor main from port) plus destinations a and b."""
    s = tiny_scenario()
    s["places"]["a"] = {"lat": 12.5, "lon": -7.0}
    s["places"]["b"] = {"lat": 13.0, "lon": -6.0}
    for key in ("a", "b"):
        s["destinations"] = s.get("destinations", {})
        s["destinations"][key] = {
            "place": key,
            "capacity_l": 1_000_000,
            "initial_stock_l": 500_000,
            "demand": {"demand_l_per_day": 100_000},
        }
    return s


def road(origin: str, to: str) -> dict[str, Any]:
    return {
        "origin": origin,
        "staging": origin,
        "tankers_per_day": 2,
        "legs": [{"from": origin, "to": to, "length_km": 50, "speed_kmh": 25}],
    }


def problem_lines(s: dict[str, Any]) -> list[str]:
    with pytest.raises(ScenarioError) as exc:
        load_scenario(s)
    return str(exc.value).splitlines()


def test_a_valid_network_loads() -> None:
    s = network()
    s["corridors"]["city_a"] = road("city", "a")
    s["corridors"]["a_b"] = road("a", "b")
    sc = load_scenario(s)
    assert list(sc.destinations) == ["a", "b"]
    assert secondary_cycles(sc) == []


def test_a_destination_at_an_unknown_place() -> None:
    s = network()
    s["destinations"]["a"]["place"] = "atlantis"
    (line,) = problem_lines(s)
    assert line.startswith("<scenario>: destinations.a.place: unknown place 'atlantis'")


@pytest.mark.parametrize("where", ["city", "a"])
def test_two_stocks_at_one_place(where: str) -> None:
    s = network()
    s["destinations"]["b"]["place"] = where
    (line,) = problem_lines(s)
    assert line.startswith("<scenario>: destinations.b.place:")
    assert f"'{where}' already holds the stock of" in line and "one stock per place" in line


def test_a_corridor_that_ends_where_there_is_no_stock() -> None:
    s = network()
    s["corridors"]["city_town"] = road("city", "town")
    (line,) = problem_lines(s)
    assert line.startswith("<scenario>: corridors.city_town.legs[0].to:")
    assert "must end at the depot 'city' or at a destination (a, b)" in line
    assert "(it ends at 'town', which holds no stock)" in line


def test_a_cycle_of_secondary_corridors_with_no_source() -> None:
    s = network()
    s["corridors"]["a_b"] = road("a", "b")
    s["corridors"]["b_a"] = road("b", "a")
    (line,) = problem_lines(s)
    assert line.startswith("<scenario>: corridors.a_b: corridors a_b, b_a form a cycle")
    assert "no source upstream" in line


def test_a_cycle_fed_from_outside_is_valid() -> None:
    s = network()
    s["corridors"]["a_b"] = road("a", "b")
    s["corridors"]["b_a"] = road("b", "a")
    s["corridors"]["city_a"] = road("city", "a")
    assert list(load_scenario(s).corridors) == ["main", "a_b", "b_a", "city_a"]


def test_a_corridor_from_a_stock_to_itself_stays_a_terminal() -> None:
    """An old file's stand-in for an airlift (depot to depot) keeps its meaning."""
    s = tiny_scenario()
    s["corridors"]["air"] = road("city", "city")
    s["corridors"]["air"]["legs"][0]["to"] = "city"
    load_scenario(s)


@pytest.mark.parametrize("kind", ["demand", "rationing", "observation"])
def test_an_event_place_with_no_stock(kind: str) -> None:
    s = network()
    fields: dict[str, Any] = {
        "demand": {"demand_l_per_day": 10},
        "rationing": {"threshold_days": 1, "served_fraction": 0.5},
        "observation": {"note": "seen"},
    }[kind]
    s["events"] = [{"date": "2025-01-02", "type": kind, "place": "town", **fields}]
    (line,) = problem_lines(s)
    assert line == "<scenario>: events[0].place: 'town' holds no stock (stocks at: city, a, b)"


def test_an_event_at_an_unknown_place() -> None:
    s = network()
    s["events"] = [{"date": "2025-01-02", "type": "observation", "place": "mopt"}]
    (line,) = problem_lines(s)
    assert line.startswith("<scenario>: events[0].place: unknown place 'mopt'")


def test_validate_answers_a_bad_network_with_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s = network()
    s["corridors"]["a_b"] = road("a", "b")
    s["corridors"]["b_a"] = road("b", "a")
    path = tmp_path / "ring.yaml"
    path.write_text(yaml.safe_dump(s), encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"invalid: {path}: corridors.a_b: corridors a_b, b_a form a cycle")
