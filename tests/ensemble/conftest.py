"""A small threatened scenario that runs in a few milliseconds."""

from __future__ import annotations

import pytest

import simfuel
from tests.helpers import tiny_scenario


def threatened() -> simfuel.Scenario:
    raw = tiny_scenario()
    raw["threat"].update(
        {"hazard_per_100km": 0.5, "capture_fraction": 0.2, "turn_back_probability": 0.1}
    )
    raw["demand"]["cv"] = 0.1
    raw["corridors"]["main"]["border_delay_h"] = {
        "distribution": "triangular",
        "low": 6,
        "mode": 12,
        "high": 30,
    }
    raw["events"] = [
        {"date": "2025-01-05", "type": "blockade", "intensity": 1.0},
        {
            "date": "2025-01-06",
            "type": "escort_policy",
            "forces": ["army"],
            "required": True,
            "min_size": 5,
            "max_size": 40,
        },
    ]
    return simfuel.load_scenario(raw)


@pytest.fixture
def scenario() -> simfuel.Scenario:
    return threatened()
