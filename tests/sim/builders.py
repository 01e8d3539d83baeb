"""Small scenarios for the simulation tests, built from ``tests.helpers.tiny_scenario``.

TINY in numbers: one corridor ``main``; port -> border 200 km at 40 km/h (5 h, before
staging); border -> town 100 km at 25 km/h (4 h); town -> city 150 km at 30 km/h (5 h);
fixed border delay 12 h; 10 tankers a day in 4 batches; 45,000 L tankers; 20 days.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.helpers import tiny_scenario

APPROACH_H = 200 / 40
BORDER_H = 12.0
LEG_H = {"border-town": 100 / 25, "town-city": 150 / 30}
ROUTE_H = sum(LEG_H.values())
CAPACITY_L = 45_000
START = dt.date(2025, 1, 1)


def date(day: int) -> str:
    """ISO date of day ``day`` of the run (day 0 is the start date)."""
    return (START + dt.timedelta(days=day)).isoformat()


def hours_after(staging: str, legs: list[dict[str, Any]]) -> tuple[float, float]:
    """(approach_h, route_h) of a leg list for a given staging place."""
    starts = [leg["from"] for leg in legs]
    first = starts.index(staging)
    approach = sum(leg["length_km"] / leg["speed_kmh"] for leg in legs[:first])
    route = sum(leg["length_km"] / leg["speed_kmh"] for leg in legs[first:])
    return approach, route


def tiny(**threat: Any) -> dict[str, Any]:
    """TINY with threat fields overridden."""
    s = tiny_scenario()
    s["threat"].update(threat)
    return s


def add_east(s: dict[str, Any], **corridor: Any) -> dict[str, Any]:
    """Add a second corridor ``east`` (port_e -> border_e -> city) to a scenario mapping.

    port_e -> border_e 300 km at 50 km/h (6 h, before staging); border_e -> city 120 km at
    40 km/h (3 h); 36,000 L tankers, 3 batches a day.
    """
    s["places"]["port_e"] = {"lat": 9.0, "lon": -6.0}
    s["places"]["border_e"] = {"lat": 10.5, "lon": -7.0}
    east: dict[str, Any] = {
        "origin": "port_e",
        "staging": "border_e",
        "tankers_per_day": 4,
        "tanker_capacity_l": 36_000,
        "dispatches_per_day": 3,
        "border_delay_h": 8.25,
        "legs": [
            {"from": "port_e", "to": "border_e", "length_km": 300, "speed_kmh": 50, "risk": 0},
            {"from": "border_e", "to": "city", "length_km": 120, "speed_kmh": 40},
        ],
    }
    east.update(corridor)
    s["corridors"]["east"] = east
    return s


def food_terminal() -> dict[str, Any]:
    """TINY carrying diesel and food by truck (30,000 L and 5 t each) out of a terminal.

    The depot holds 100 t of food (5,000 t capacity, 20 t a day of demand) beside its
    diesel; the terminal ``port`` holds 9 ML of diesel (10 ML capacity) and 52 t of food
    (1,000 t capacity): ten trucks' food.
    """
    s = tiny_scenario()
    s["commodities"] = {"diesel": {"unit": "L"}, "food": {"unit": "t"}}
    s["vehicles"] = {"truck": {"payload": {"diesel": 30_000, "food": 5}}}
    s["corridors"]["main"].pop("tanker_capacity_l")
    s["corridors"]["main"]["vehicle"] = "truck"
    s["depot"]["commodities"] = {
        "food": {"capacity": 5_000, "initial": 100, "demand": {"per_day": 20}}
    }
    s["terminals"] = {
        "port": {
            "place": "port",
            "capacity_l": 10_000_000,
            "initial_stock_l": 9_000_000,
            "commodities": {"food": {"capacity": 1_000, "initial": 52}},
        }
    }
    return s
