"""Plain numbers whose YAML 1.1 meaning differs from how they read are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from simfuel import ScenarioError, load_scenario

BASE = Path(__file__).resolve().parents[2] / "scenarios" / "mali-2025.yaml"


def _with_demand(tmp_path: Path, value: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(f"extends: {BASE}\ndemand:\n  demand_l_per_day: {value}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("value", ["1:30", "0123", "-012", "1:30:00"])
def test_base_60_and_octal_numbers_are_refused(tmp_path: Path, value: str) -> None:
    path = _with_demand(tmp_path, value)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: line 3")
    assert f"ambiguous number '{value}'" in message


@pytest.mark.parametrize(("value", "litres"), [("6_300_000", 6_300_000), ("6300000", 6_300_000)])
def test_plain_numbers_and_digit_groups_still_load(tmp_path: Path, value: str, litres: int) -> None:
    assert load_scenario(_with_demand(tmp_path, value)).demand.demand_l_per_day == litres
