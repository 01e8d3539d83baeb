"""A contract split to a corridor that does not dispatch at a fixed rate is an error.

Only ``fixed_rate`` adds a contract's vehicles to its loadings; ``schedule`` and
``order_up_to`` load on a rule of their own, so a contract split to one of them used to
load nothing, silently. The loader now says so in one line (file, event id, corridor,
reason) and the command line exits 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import simfuel
from simfuel.cli import main
from simfuel.scenario import ScenarioError, load_scenario
from tests.helpers import tiny_scenario

#: The dispatch block of each policy that would ignore a contract.
POLICIES: dict[str, dict[str, Any]] = {
    "schedule": {"every_days": 2, "first": "2025-01-02", "tankers": 10},
    "order_up_to": {"target_days": 5, "max_tankers_per_day": 20},
}


def with_contract(policy: str) -> dict[str, Any]:
    """The tiny scenario whose one corridor dispatches by ``policy``, with a contract on it."""
    s = tiny_scenario()
    main_road = s["corridors"]["main"]
    main_road["dispatch_policy"] = policy
    if policy in POLICIES:
        main_road["dispatch"] = POLICIES[policy]
    s["events"] = [
        {
            "id": "deal",
            "type": "contract",
            "date": "2025-01-05",
            "quantity_l": 45_000 * 40,
            "period_days": 8,
            "split": {"main": 1.0},
        }
    ]
    return s


@pytest.mark.parametrize("policy", sorted(POLICIES))
def test_the_library_names_the_event_the_corridor_and_the_reason(policy: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(with_contract(policy))
    lines = str(info.value).splitlines()
    assert lines == [
        f"<scenario>: events[0].split.main: corridor 'main' dispatches by {policy}, which "
        "loads on its own rule and adds no contract loadings: split the contract to "
        "fixed_rate corridors (events[0] has id 'deal')"
    ]


@pytest.mark.parametrize("policy", sorted(POLICIES))
def test_the_cli_exits_2_with_one_line_naming_the_file(
    policy: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "deal.yaml"
    path.write_text(yaml.safe_dump(with_contract(policy)), encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    assert main(["run", str(path), "--seed", "0"]) == 2
    out, err = capsys.readouterr()
    lines = [line for line in (out + err).splitlines() if line.strip()]
    assert len(lines) == 2  # one line for each command
    for line in lines:
        assert str(path) in line
        assert "events[0].split.main" in line and "id 'deal'" in line
        assert f"dispatches by {policy}" in line


def test_a_fixed_rate_corridor_takes_the_contract() -> None:
    # The control: the same contract on a fixed_rate corridor validates and loads.
    s = with_contract("fixed_rate")
    s["corridors"]["main"]["tankers_per_day"] = 0
    run = simfuel.run(s, seed=0)
    assert run.daily["loaded_l"].sum() == pytest.approx(45_000 * 40)
