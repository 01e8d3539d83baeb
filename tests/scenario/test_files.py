"""scenario/files.py: JSON back into a Scenario, the YAML text as written, YAML out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import simfuel
from simfuel.scenario import ScenarioError, dump_yaml, load_json, read_source, to_yaml
from tests.helpers import SCENARIOS, tiny_scenario

MALI = SCENARIOS / "mali-2025.yaml"


def test_load_json_round_trips_what_the_store_writes() -> None:
    sc = simfuel.load_scenario(MALI)
    text = sc.model_dump_json(by_alias=True, exclude_unset=True, indent=2)
    assert load_json(text, "store/scenario.json") == sc
    assert load_json(json.loads(text), "store/scenario.json") == sc


def test_load_json_gives_the_loaders_own_errors() -> None:
    raw = tiny_scenario()
    raw["corridors"]["main"]["legs"][0]["length_km"] = -5
    with pytest.raises(ScenarioError) as from_mapping:
        simfuel.load_scenario(raw)
    with pytest.raises(ScenarioError) as from_json:
        load_json(json.dumps(raw), "store/scenario.json")
    assert from_json.value.problems == from_mapping.value.problems
    assert str(from_json.value).startswith("store/scenario.json: corridors.main.legs")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('{"name": ', "not valid JSON: Expecting value (line 1, column 10)"),
        ("[1, 2]", "the top level must be a mapping (got list)"),
        ('{"name": NaN}', "not valid JSON: NaN is not a number a scenario can hold"),
        ('{"extends": "x.yaml"}', "extends: only a scenario file can extend another file"),
        ("[" * 100_000, "not valid JSON: nested too deeply"),
    ],
)
def test_load_json_refuses_bad_text_in_one_line(text: str, says: str) -> None:
    with pytest.raises(ScenarioError) as err:
        load_json(text, "x.json")
    assert str(err.value) == f"x.json: {says}"


def test_read_source_keeps_the_file_as_written() -> None:
    text = read_source(MALI)
    assert text == MALI.read_text(encoding="utf-8")
    assert "#" in text  # comments kept


def test_read_source_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"nothere\.yaml: file not found"):
        read_source(tmp_path / "nothere.yaml")
    with pytest.raises(ScenarioError, match="is a directory"):
        read_source(tmp_path)
    (tmp_path / "bad.yaml").write_bytes(b"name: \xff\n")
    with pytest.raises(ScenarioError, match=r"bad\.yaml: cannot read file"):
        read_source(tmp_path / "bad.yaml")


def test_dump_yaml_writes_a_file_the_loader_reads_back(tmp_path: Path) -> None:
    sc = simfuel.load_scenario(tiny_scenario())
    target = tmp_path / "out" / "tiny.yaml"
    path = dump_yaml(
        sc.model_dump(mode="json", by_alias=True, exclude_unset=True),
        target,
        header="# written by a test\n",
    )
    assert path == target
    assert target.read_text(encoding="utf-8").startswith("# written by a test\nname: tiny\n")
    assert simfuel.load_scenario(target) == sc
    assert sorted(p.name for p in target.parent.iterdir()) == ["tiny.yaml"]  # no temp left


def test_to_yaml_keeps_key_order_and_unicode() -> None:
    text = to_yaml({"z": 1, "a": "Ségou", "legs": [1, 2]}, flow_leaves=True)
    assert text == "z: 1\na: Ségou\nlegs: [1, 2]\n"
    assert to_yaml({"legs": [1, 2]}) == "legs:\n- 1\n- 2\n"
