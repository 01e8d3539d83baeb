"""Time replications for ``bench_old_engine.py``, in a process of its own.

Usage: ``python _engine_worker.py ENGINE SCENARIO CLOCK``, with ``PYTHONPATH`` the tree
whose simfuel is timed. ENGINE is ``simfuel`` (whatever simfuel the path gives: today's
checkout or an old commit's archive) or ``reference`` (``reference_model.py``, next to this
file; SCENARIO is then ignored). CLOCK is ``wall`` or ``cpu``.

It loads the scenario once, runs two untimed warm-up replications, prints ``ready``, then
for each seed read from stdin prints one JSON line: the seconds of the full run
(``simfuel.run`` on the loaded Scenario, tables included), of the simulation alone
(``compile_plan`` + ``Simulation.run``), of the ensemble path (``simulate_arrays`` on a plan
compiled once, where the tree has it, else null), and the run's SimPy events and convoys.
Each timing starts after a ``gc.collect()``. Imports only what the tree under test has:
the same file works for the v0.1 engine.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from collections.abc import Callable
from typing import Any


def timed(clock: Callable[[], float], fn: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds taken by ``fn()``, after a collection, and its result."""
    gc.collect()
    t0 = clock()
    out = fn()
    return clock() - t0, out


def simfuel_runner(scenario_path: str, clock: Callable[[], float]) -> Callable[[int], dict]:
    """One seed's timings with the simfuel on the path."""
    import numpy as np

    import simfuel
    from simfuel.sim import Simulation, compile_plan

    try:
        from simfuel.ensemble.worker import simulate_arrays
    except ImportError:  # before the ensemble path existed
        simulate_arrays = None
    scenario = simfuel.load_scenario(scenario_path)
    plan = compile_plan(scenario)

    def one(seed: int) -> dict:
        full_s, result = timed(clock, lambda: simfuel.run(scenario, seed=seed))
        sim_s, rec = timed(
            clock, lambda: Simulation(compile_plan(scenario), np.random.SeedSequence(seed)).run()
        )
        ens_s = None
        if simulate_arrays is not None:
            ens_s, _ = timed(clock, lambda: simulate_arrays(plan, np.random.SeedSequence(seed)))
        return {
            "full_s": full_s,
            "sim_s": sim_s,
            "ensemble_s": ens_s,
            "events": rec.events_processed,
            "convoys": len(rec.convoys),
            "result_convoys": len(result.convoys),
        }

    return one


def reference_runner(clock: Callable[[], float]) -> Callable[[int], dict]:
    """One seed's time of the bare-SimPy reference model."""
    import reference_model as ref

    def one(seed: int) -> dict:
        model = ref.ReferenceModel(seed)
        s, _ = timed(clock, model.run)
        return {"full_s": s, "sim_s": s, "ensemble_s": s, "events": model.steps,
                "convoys": model.counts["convoys"]}  # fmt: skip

    return one


def main() -> int:
    engine, scenario_path, clock_name = sys.argv[1:4]
    clock = time.process_time if clock_name == "cpu" else time.perf_counter
    one = reference_runner(clock) if engine == "reference" else simfuel_runner(scenario_path, clock)
    for seed in (10_001, 10_002):
        one(seed)
    print("ready", flush=True)
    for line in sys.stdin:
        print(json.dumps(one(int(line))), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
