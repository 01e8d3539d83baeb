"""Fixtures for the plot tests: the Agg backend, real results of a small scenario.

The results are session-scoped (a run, two 16-replication ensembles and a 6-point
sweep take well under a second); every test closes its figures.
"""

from __future__ import annotations

from typing import Any

import matplotlib

matplotlib.use("Agg")  # before pyplot is imported anywhere

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import simfuel
from tests.helpers import SCENARIOS, tiny_scenario

N = 16  # replications per ensemble
SEED = 3


def plotted_raw() -> dict[str, Any]:
    """TINY grown to two named corridors, a threat and every kind of timeline event.

    31 days; a blockade (declared on 5 Jan, raised on 22 Jan, which is not a new mark),
    escorts from 8 Jan (ground on the main road, air+ground on the north road),
    scripted attacks on 10 Jan (7 tankers, main road, town-city leg) and
    14 Jan (3 tankers, north road, no leg given), the rationing threshold raised
    from 2 to 4 days on 12 Jan, demand raised on 20 Jan, a contract on 15 Jan.
    """
    raw = tiny_scenario()
    raw["name"] = "plotted"
    raw["end"] = "2025-01-31"
    raw["places"]["city"]["name"] = "Capital"
    raw["places"]["port2"] = {"lat": 13.0, "lon": -12.0, "name": "Second Port"}
    raw["places"]["border2"] = {"lat": 12.6, "lon": -10.5}
    raw["escorts"]["air"]["name"] = "Air force"
    raw["corridors"]["main"]["name"] = "Main road"
    raw["corridors"]["north"] = {
        "name": "North road",
        "origin": "port2",
        "staging": "border2",
        "tankers_per_day": 6,
        "border_delay_h": 6,
        "legs": [
            {"from": "port2", "to": "border2", "length_km": 150, "speed_kmh": 40, "risk": 0},
            {"from": "border2", "to": "city", "length_km": 250, "speed_kmh": 30, "risk": 2.0},
        ],
    }
    raw["demand"].update({"demand_l_per_day": 700_000, "cv": 0.2})
    raw["threat"].update({"hazard_per_100km": 0.3, "capture_fraction": 0.2})
    raw["rationing"] = {"threshold_days": 2.0, "served_fraction": 0.7}
    escort = {"type": "escort_policy", "required": True, "min_size": 5, "max_size": 40}
    raw["events"] = [
        {"date": "2025-01-05", "type": "blockade", "intensity": 1.0},
        {**escort, "date": "2025-01-08", "forces": ["army"], "corridors": ["main"]},
        {**escort, "date": "2025-01-08", "forces": ["army", "air"], "corridors": ["north"]},
        {
            "date": "2025-01-10",
            "type": "scripted_attack",
            "corridor": "main",
            "leg_from": "town",
            "tankers_destroyed": 6,
            "tankers_captured": 1,
        },
        {"date": "2025-01-12", "type": "rationing", "threshold_days": 4.0, "served_fraction": 0.5},
        {
            "date": "2025-01-14",
            "type": "scripted_attack",
            "corridor": "north",
            "tankers_destroyed": 3,
        },
        {
            "date": "2025-01-15",
            "type": "contract",
            "quantity_l": 20_000_000,
            "period_days": 10,
            "split": {"main": 0.5, "north": 0.5},
        },
        {"date": "2025-01-20", "type": "demand", "demand_l_per_day": 800_000},
        {"date": "2025-01-22", "type": "blockade", "intensity": 0.5},
    ]
    return raw


@pytest.fixture(autouse=True)
def _close_figures() -> Any:
    yield
    plt.close("all")


@pytest.fixture(scope="session")
def scenario() -> simfuel.Scenario:
    return simfuel.load_scenario(plotted_raw())


@pytest.fixture(scope="session")
def run_result(scenario: simfuel.Scenario) -> simfuel.RunResult:
    return simfuel.run(scenario, seed=SEED)


@pytest.fixture(scope="session")
def ensemble(scenario: simfuel.Scenario) -> simfuel.EnsembleResult:
    return simfuel.run_ensemble(scenario, N, seed=1, workers=1, progress=False)


@pytest.fixture(scope="session")
def calm_ensemble() -> simfuel.EnsembleResult:
    """The same scenario under a much weaker threat, as a second one to compare."""
    raw = plotted_raw()
    raw["name"] = "calm"
    raw["threat"]["hazard_per_100km"] = 0.02
    return simfuel.run_ensemble(raw, N, seed=1, workers=1, progress=False)


@pytest.fixture(scope="session")
def sweep_table(scenario: simfuel.Scenario) -> pd.DataFrame:
    return simfuel.sweep(
        scenario,
        {"threat.hazard_per_100km": [0.1, 0.3], "escorts.army.units": [1, 2, 4]},
        6,
        seed=1,
        workers=1,
        progress=False,
    )


@pytest.fixture(scope="session")
def mali() -> simfuel.Scenario:
    """The shipped Mali 2025 scenario: many places, marks and scripted attacks."""
    return simfuel.load_scenario(SCENARIOS / "mali-2025.yaml")


@pytest.fixture(scope="session")
def mali_run(mali: simfuel.Scenario) -> simfuel.RunResult:
    return simfuel.run(mali, seed=1)
