"""Event ids are unique: `extends` merges and removes by id, so a duplicate would vanish."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simfuel import ScenarioError, load_scenario
from tests.helpers import tiny_scenario

EVENTS = [
    {"id": "emb", "date": "2025-01-05", "type": "blockade", "intensity": 1.0},
    {"id": "emb", "date": "2025-01-06", "type": "blockade", "intensity": 0.5},
]


def test_a_duplicate_id_in_one_scenario_is_an_error() -> None:
    raw = tiny_scenario()
    raw["events"] = [dict(e) for e in EVENTS]
    with pytest.raises(ScenarioError) as info:
        load_scenario(raw)
    message = str(info.value)
    assert "events[1].id: duplicate id 'emb' (also events[0])" in message
    assert "\n" not in message


def test_a_duplicate_id_in_a_child_is_an_error_not_a_silent_merge(tmp_path: Path) -> None:
    parent = tmp_path / "parent.yaml"
    raw = tiny_scenario()
    raw["events"] = [{"id": "calm", "date": "2025-01-04", "type": "blockade", "intensity": 0.0}]
    parent.write_text(yaml.safe_dump(raw), encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text(
        "extends: parent.yaml\nevents:\n"
        + "".join(
            f"  - {{id: emb, date: {e['date']}, type: blockade, intensity: {e['intensity']}}}\n"
            for e in EVENTS
        ),
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(child)
    assert "events[1].id: duplicate id 'emb' (also events[0])" in str(info.value)


def test_distinct_ids_still_merge() -> None:
    raw = tiny_scenario()
    raw["events"] = [dict(EVENTS[0]), {**EVENTS[1], "id": "emb-2"}]
    assert [e.id for e in load_scenario(raw).events] == ["emb", "emb-2"]
