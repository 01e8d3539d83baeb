"""A bad value set in an ``extends`` parent names the chain down to the file that sets it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simfuel import ScenarioError, load_scenario
from tests.helpers import tiny_scenario


def _chain(tmp_path: Path, top_sets: bool) -> Path:
    raw = tiny_scenario()
    raw["demand"]["demand_l_per_day"] = -5
    (tmp_path / "base.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    (tmp_path / "mid.yaml").write_text("extends: base.yaml\nname: mid\n", encoding="utf-8")
    top = "extends: mid.yaml\nname: top\n"
    if top_sets:
        top += "demand: {demand_l_per_day: -7}\n"
    (tmp_path / "top.yaml").write_text(top, encoding="utf-8")
    return tmp_path / "top.yaml"


def test_a_value_from_a_parent_names_the_chain(tmp_path: Path) -> None:
    top = _chain(tmp_path, top_sets=False)
    with pytest.raises(ScenarioError) as info:
        load_scenario(top)
    message = str(info.value)
    assert message.startswith(f"{top}: demand.demand_l_per_day: must be >= 1 (got -5)")
    assert message.endswith(f"(set in {top} -> mid.yaml -> base.yaml)")


def test_a_value_of_the_file_given_names_only_it(tmp_path: Path) -> None:
    top = _chain(tmp_path, top_sets=True)
    with pytest.raises(ScenarioError) as info:
        load_scenario(top)
    assert str(info.value) == f"{top}: demand.demand_l_per_day: must be >= 1 (got -7)"
