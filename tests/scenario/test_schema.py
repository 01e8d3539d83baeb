"""The JSON Schema of the format, and the schema's small conveniences (bare-number delays)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simfuel.cli import main
from simfuel.scenario import Scenario, ScenarioError, load_scenario
from simfuel.scenario.schema import FixedDelay, TriangularDelay
from tests.helpers import tiny_scenario

BASE = Path(__file__).resolve().parent / "base.yaml"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return Scenario.model_json_schema(by_alias=True)


def object_schemas(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every sub-schema that describes an object with named properties."""
    if isinstance(node, dict):
        if "properties" in node:
            yield where, node
        for key, value in node.items():
            yield from object_schemas(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from object_schemas(value, f"{where}/{i}")


def test_every_model_forbids_additional_properties(schema: dict[str, Any]) -> None:
    found = dict(object_schemas(schema))
    assert "#" in found  # the Scenario itself
    for model in ("Leg", "Corridor", "EscortForce", "Threat", "Depot", "ContractEvent"):
        assert f"#/$defs/{model}" in found
    loose = [
        where for where, node in found.items() if node.get("additionalProperties") is not False
    ]
    assert loose == []


def test_schema_uses_the_yaml_names(schema: dict[str, Any]) -> None:
    leg = schema["$defs"]["Leg"]["properties"]
    assert "from" in leg
    assert "from_" not in leg
    assert set(schema["$defs"]["Leg"]["required"]) == {"from", "to", "length_km", "speed_kmh"}


def test_cli_schema_prints_the_same_schema(schema: dict[str, Any], capsys) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == schema


def test_cli_schema_out_writes_a_file(tmp_path: Path, schema: dict[str, Any], capsys) -> None:
    out = tmp_path / "scenario.schema.json"
    assert main(["schema", "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == schema
    assert str(out) in capsys.readouterr().out


# ---------------------------------------------------------------- delays


def test_bare_number_border_delay_is_fixed() -> None:
    delay = load_scenario(BASE).corridors["main"].border_delay_h  # `border_delay_h: 12`
    assert isinstance(delay, FixedDelay)
    assert delay == FixedDelay(distribution="fixed", value=12.0)


@pytest.mark.parametrize("value", [0, 6, 7.5])
def test_bare_number_and_fixed_mapping_are_the_same(value: float) -> None:
    bare = tiny_scenario()
    bare["corridors"]["main"]["border_delay_h"] = value
    bare["threat"]["attack_delay_h"] = value
    spelled = tiny_scenario()
    spelled["corridors"]["main"]["border_delay_h"] = {"distribution": "fixed", "value": value}
    spelled["threat"]["attack_delay_h"] = {"distribution": "fixed", "value": value}
    a, b = load_scenario(bare), load_scenario(spelled)
    assert a == b
    assert a.corridors["main"].border_delay_h == FixedDelay(value=value)
    assert a.threat.attack_delay_h == FixedDelay(value=value)


def test_delay_defaults_to_zero_and_mapping_forms_are_kept() -> None:
    raw = tiny_scenario()
    del raw["corridors"]["main"]["border_delay_h"]
    raw["threat"]["attack_delay_h"] = {"distribution": "triangular", "low": 1, "mode": 2, "high": 4}
    sc = load_scenario(raw)
    assert sc.corridors["main"].border_delay_h == FixedDelay(value=0)
    assert sc.threat.attack_delay_h == TriangularDelay(
        distribution="triangular", low=1, mode=2, high=4
    )


def test_a_boolean_is_not_a_delay() -> None:
    raw = tiny_scenario()
    raw["corridors"]["main"]["border_delay_h"] = True
    with pytest.raises(ScenarioError, match=r"corridors\.main\.border_delay_h"):
        load_scenario(raw)
