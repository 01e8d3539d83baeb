"""A finished run keeps nothing alive: an ensemble worker's memory stays flat.

A module-level registry that outlives its runs (the fixed-rate batch clocks were one, in a
WeakKeyDictionary whose values referred to their key) keeps every environment, and
everything it reaches, for the life of the process: about 1.2 MB a mali-2025 run.
"""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import numpy as np
import pytest
import simpy

import simfuel
from simfuel.ensemble.worker import PointSpec, run_tasks
from simfuel.sim import Simulation, compile_plan

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "name", ["mali-2025", "mali-2025-regions", "lachin-2022-2023", "tutorial-network"]
)
def test_a_finished_simulation_is_freed(name: str) -> None:
    plan = compile_plan(simfuel.load_scenario(ROOT / "scenarios" / f"{name}.yaml"))
    sim = Simulation(plan, np.random.SeedSequence(3))
    env, whole = weakref.ref(sim.env), weakref.ref(sim)
    sim.run()
    del sim
    gc.collect()
    assert whole() is None, "the Simulation outlives its run"
    assert env() is None, "the run's environment outlives it"


def test_worker_batches_leave_no_environment_behind() -> None:
    """The ensemble worker path (no event log, arrays only): no environment survives."""
    sc = simfuel.load_scenario(ROOT / "scenarios" / "mali-2025.yaml")
    spec = PointSpec(sc, 7, (), overrides=({"threat.hazard_per_100km": 0.05},) * 3)
    gc.collect()
    before = sum(isinstance(o, simpy.Environment) for o in gc.get_objects())
    run_tasks(spec, [(0, 0), (1, 0), (2, 0)])
    gc.collect()
    after = sum(isinstance(o, simpy.Environment) for o in gc.get_objects())
    assert after == before
