"""The shipped scenarios validate, and each counterfactual changes mali-2025 only as intended."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from simfuel.scenario import Scenario, load_scenario
from simfuel.scenario.schema import BlockadeEvent, ContractEvent, EscortPolicyEvent
from tests.helpers import SCENARIOS

SHIPPED = sorted(SCENARIOS.glob("*.yaml"))
COUNTERFACTUALS = {
    "ground-escort-mid-september",
    "guinea-blockaded",
    "kayes-closed",
    "no-blockade",
    "no-emergency-deal",
}


@pytest.fixture(scope="module")
def mali() -> Scenario:
    return load_scenario(SCENARIOS / "mali-2025.yaml")


def load(name: str) -> Scenario:
    return load_scenario(SCENARIOS / f"{name}.yaml")


def dump(sc: Scenario) -> dict[str, Any]:
    return sc.model_dump(by_alias=True)


def events_by_id(sc: Scenario) -> dict[str, dict[str, Any]]:
    out = {e["id"]: e for e in dump(sc)["events"]}
    assert len(out) == len(sc.events), "event ids must be unique"
    return out


def assert_same_except(a: Scenario, b: Scenario, *keys: str) -> None:
    """a and b agree on every top-level field but name, description and ``keys``."""
    skip = {"name", "description", *keys}
    da, db = dump(a), dump(b)
    assert {k: v for k, v in da.items() if k not in skip} == {
        k: v for k, v in db.items() if k not in skip
    }


def test_the_expected_scenarios_are_shipped() -> None:
    assert {p.stem for p in SHIPPED} >= {"mali-2025", *COUNTERFACTUALS}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenario_validates(path: Path) -> None:
    sc = load_scenario(path)
    assert sc.name == path.stem  # the name matches the file
    assert sc.description
    assert sc.horizon_days > 0


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenario_survives_an_apply_overrides_round_trip(path: Path) -> None:
    from simfuel.scenario import apply_overrides

    sc = load_scenario(path)
    assert apply_overrides(sc, {"description": "x"}).model_dump() == {
        **sc.model_dump(),
        "description": "x",
    }


def test_mali_2025_timeline(mali: Scenario) -> None:
    assert (mali.start, mali.end) == (dt.date(2025, 8, 1), dt.date(2025, 11, 30))
    assert "emergency-deal" in events_by_id(mali)
    assert any(isinstance(e, ContractEvent) for e in mali.events)
    assert mali.threat.hazard_per_100km > 0
    ace = events_by_id(mali)["africa-corps-ground-escort"]
    assert ace["date"] == dt.date(2025, 11, 6)


def test_no_emergency_deal_drops_only_the_contract(mali: Scenario) -> None:
    sc = load("no-emergency-deal")
    assert sc.name == "no-emergency-deal"
    assert not any(isinstance(e, ContractEvent) for e in sc.events)
    expected = [e for e in dump(mali)["events"] if e["id"] != "emergency-deal"]
    assert dump(sc)["events"] == expected
    assert len(sc.events) == len(mali.events) - 1
    assert_same_except(sc, mali, "events")


def test_ground_escort_mid_september_moves_only_that_event(mali: Scenario) -> None:
    # And the 22 October attack meets the earlier escort (respect_escort), by design.
    sc = load("ground-escort-mid-september")
    moved = events_by_id(sc)["africa-corps-ground-escort"]
    original = events_by_id(mali)["africa-corps-ground-escort"]
    assert moved["date"] == dt.date(2025, 9, 15)
    assert moved["type"] == "escort_policy"
    # the policy itself is the parent's: only the date (and its note) change
    assert {k: v for k, v in moved.items() if k not in ("date", "note")} == {
        k: v for k, v in original.items() if k not in ("date", "note")
    }
    assert [e.id for e in sc.events] == [e.id for e in mali.events]  # merged in place
    changed = ("africa-corps-ground-escort", "attack-22oct")
    others = {k: v for k, v in events_by_id(sc).items() if k not in changed}
    assert others == {k: v for k, v in events_by_id(mali).items() if k not in changed}
    attack, shipped = events_by_id(sc)["attack-22oct"], events_by_id(mali)["attack-22oct"]
    assert attack["respect_escort"] is True and shipped["respect_escort"] is False
    assert {k: v for k, v in attack.items() if k != "respect_escort"} == {
        k: v for k, v in shipped.items() if k != "respect_escort"
    }
    assert_same_except(sc, mali, "events")


def test_no_blockade_has_no_events_and_no_hazard(mali: Scenario) -> None:
    sc = load("no-blockade")
    assert sc.events == []
    assert sc.threat.hazard_per_100km == 0
    assert sc.threat.model_dump(exclude={"hazard_per_100km"}) == mali.threat.model_dump(
        exclude={"hazard_per_100km"}
    )
    assert_same_except(sc, mali, "events", "threat")


def test_guinea_blockaded_adds_two_events(mali: Scenario) -> None:
    sc = load("guinea-blockaded")
    assert dump(sc)["events"][: len(mali.events)] == dump(mali)["events"]
    new = sc.events[len(mali.events) :]
    assert [e.id for e in new] == ["guinea-full-blockade", "guinea-escort"]
    blockade, escort = new
    assert isinstance(blockade, BlockadeEvent)
    assert blockade.corridors == ["guinea_rn5"]
    assert blockade.intensity == 1.0
    assert blockade.date == dt.date(2025, 10, 1)
    assert isinstance(escort, EscortPolicyEvent)
    assert escort.corridors == ["guinea_rn5"]
    assert escort.date == dt.date(2025, 10, 1)
    assert escort.required is True
    assert set(escort.forces) <= set(sc.escorts)
    assert_same_except(sc, mali, "events")
