"""A misspelt required key is one mistake: said once, as the typo, first."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simfuel import ScenarioError, load_scenario
from simfuel.scenario.shipped import shipped_path


def _mali_with(tmp_path: Path, edit) -> Path:
    data = yaml.safe_load(shipped_path("mali-2025").read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "typo.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_a_misspelt_required_key_is_reported_as_the_typo_only(tmp_path: Path) -> None:
    def edit(d):
        d["threat"]["hazrd_per_100km"] = d["threat"].pop("hazard_per_100km")

    with pytest.raises(ScenarioError) as info:
        load_scenario(_mali_with(tmp_path, edit))
    problems = info.value.problems
    assert str(problems[0]) == (
        "threat.hazrd_per_100km: unknown key (did you mean 'hazard_per_100km'?)"
    )
    assert not any(p.message == "required field is missing" for p in problems)


def test_a_typo_inside_a_list_comes_first_and_other_problems_stay(tmp_path: Path) -> None:
    def edit(d):
        corridor = next(iter(d["corridors"].values()))
        leg = corridor["legs"][0]
        leg["lenght_km"] = leg.pop("length_km")
        d["demand"].pop("demand_l_per_day")  # a real missing field, no typo for it

    with pytest.raises(ScenarioError) as info:
        load_scenario(_mali_with(tmp_path, edit))
    shown = [str(p) for p in info.value.problems]
    assert shown[0].endswith("legs[0].lenght_km: unknown key (did you mean 'length_km'?)")
    assert "demand.demand_l_per_day: required field is missing" in shown
    assert not any(s.endswith("legs[0].length_km: required field is missing") for s in shown)
