"""Shared test helpers: paths and a small, fast scenario built in code."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"

TINY: dict[str, Any] = {
    "name": "tiny",
    "start": "2025-01-01",
    "end": "2025-01-20",
    "places": {
        "port": {"lat": 10.0, "lon": -10.0},
        "border": {"lat": 11.0, "lon": -9.0},
        "town": {"lat": 11.5, "lon": -8.5},
        "city": {"lat": 12.0, "lon": -8.0},
    },
    "depot": {"place": "city", "capacity_l": 4_000_000, "initial_stock_l": 2_000_000},
    "demand": {"demand_l_per_day": 450_000},
    "threat": {"hazard_per_100km": 0.0, "loss_fraction_mean": 0.3},
    "escorts": {
        "army": {"kind": "ground", "units": 2, "deterrence": 0.5, "protection": 0.5},
        "air": {"kind": "air", "units": 1, "deterrence": 0.8, "protection": 0.9},
    },
    "corridors": {
        "main": {
            "origin": "port",
            "staging": "border",
            "tankers_per_day": 10,
            "tanker_capacity_l": 45_000,
            "border_delay_h": 12,
            "legs": [
                {"from": "port", "to": "border", "length_km": 200, "speed_kmh": 40, "risk": 0},
                {"from": "border", "to": "town", "length_km": 100, "speed_kmh": 25},
                {"from": "town", "to": "city", "length_km": 150, "speed_kmh": 30},
            ],
        }
    },
    "events": [],
}


def tiny_scenario() -> dict[str, Any]:
    """A one-corridor, 20-day scenario as a plain mapping (a fresh copy each call)."""
    return copy.deepcopy(TINY)
