"""Time one replication of mali-2025 against a bare-SimPy reference model.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_run.py [--repeats N] [--json FILE]

In one process: load the scenario once (timed once), warm up, then time ``--repeats``
rounds of

* ``simfuel.run(scenario, seed=i)`` on the pre-loaded Scenario (full run);
* the same run in parts: ``compile_plan``, ``Simulation(plan, SeedSequence(i)).run()``
  and ``RunResult.from_records`` (the pandas tables);
* :class:`reference_model.ReferenceModel` (``reference_model.py``, same corridors,
  convoy counts and horizon, counters only);

alternating the order of simfuel and the reference from one round to the next, and print
medians, events per second and the ratios simfuel / reference. No pass/fail: the targets
(ratio <= 1.5, a replication well under 100 ms) are printed next to the numbers.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import simpy

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing
sys.path.insert(0, str(HERE))

import reference_model as ref  # noqa: E402

import simfuel  # noqa: E402
from simfuel.results import RunResult  # noqa: E402
from simfuel.sim import Simulation, compile_plan  # noqa: E402
from simfuel.sim.plan import Plan  # noqa: E402

SCENARIO = ROOT / "scenarios" / "mali-2025.yaml"
RATIO_TARGET = 1.5
RUN_TARGET_MS = 100.0
FORCE_KEYS = {"army": "army_ground", "africa": "africa_corps", "air": "russia_air"}


def check_reference(plan: Plan) -> list[str]:
    """Differences between the reference model's constants and the compiled scenario."""
    out: list[str] = []

    def same(what: str, a: Any, b: Any) -> None:
        x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        if x.shape != y.shape or not np.allclose(x, y):
            out.append(f"{what}: reference {a}, scenario {b}")

    if [c.key for c in plan.corridors] != list(ref.CORRIDORS):
        return [f"corridors: reference {list(ref.CORRIDORS)}, scenario {plan.corridors}"]
    same("warmup_h", ref.WARMUP_H, plan.warmup_h)
    same("horizon_days", ref.HORIZON_DAYS, plan.horizon_days)
    same(
        "threat",
        (ref.HAZARD, ref.LOSS_MEAN, ref.LOSS_CONC, ref.CAPTURE, ref.TURN_BACK),
        (
            plan.hazard_per_100km,
            plan.loss_fraction_mean,
            plan.loss_fraction_concentration,
            plan.capture_fraction,
            plan.turn_back_probability,
        ),
    )
    same("attack_delay_h", ref.ATTACK_DELAY_H, plan.attack_delay[1])
    same(
        "demand, cv, initial stock",
        (ref.DEMAND_L, ref.DEMAND_CV, ref.INITIAL_STOCK_L),
        (plan.demand.initial, plan.demand_cv, plan.initial_stock_l),
    )
    forces = {f.key: f for f in plan.forces}
    for name, (units, det, prot, turn_h) in ref.GROUND.items():
        f = forces[FORCE_KEYS[name]]
        same(
            f"{f.key}",
            (units, det, prot, turn_h),
            (f.units, f.deterrence, f.protection, f.turnaround_h),
        )
    air = forces[FORCE_KEYS["air"]]
    same(
        f"{air.key}",
        (ref.AIR_HOURS, ref.AIR_DET, ref.AIR_PROT),
        (air.units * air.convoy_hours_per_day, air.deterrence, air.protection),
    )
    for c in plan.corridors:
        approach_km, border, rates, share, intensity, escorted, legs = ref.CORRIDORS[c.key]
        same(f"{c.key}.approach_h", approach_km / ref.KMH, c.approach_h)
        same(f"{c.key}.border_delay_h", border, c.border_delay[1])
        same(
            f"{c.key}.legs",
            [(km, r, km / ref.KMH) for km, r in legs],
            [(leg[0], leg[2], leg[3]) for leg in c.legs],
        )
        same(f"{c.key}.capacity_l", ref.TANKER_L, c.capacity_l)
        same(f"{c.key}.dispatches_per_day", ref.BATCHES_PER_DAY, c.dispatches_per_day)
        same(f"{c.key}.rates", [r for _, r in rates], [c.rate.initial, *c.rate.values])
        same(f"{c.key}.rate_times", [t for t, _ in rates][1:], c.rate.times_h)
        deal = [(*ref.DEAL_H, share * ref.DEAL_TANKERS_PER_DAY)] if share else []
        same(f"{c.key}.contracts", deal, c.contracts)
        same(
            f"{c.key}.intensity",
            (ref.EMBARGO_H, intensity),
            (*c.intensity.times_h, *c.intensity.values),
        )
        times = (-1e9, *c.policy.times_h)
        policies = (c.policy.initial, *c.policy.values)
        got = [
            (t, p.required, p.min_size, p.max_size, sorted(plan.forces[i].key for i in p.forces))
            for t, p in zip(times, policies, strict=True)
        ]
        want = [
            (t, req, lo, hi, sorted([FORCE_KEYS[g] for g in ground] + [FORCE_KEYS["air"]] * air))
            for t, (req, lo, hi, ground, air) in (ref.POLICIES if escorted else ref.POLICIES[:1])
        ]
        if got != want:
            out.append(f"{c.key}.policies: reference {want}, scenario {got}")
    return out


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds taken by ``fn()`` (after a collection, so one call's garbage is not billed
    to the next) and its result."""
    gc.collect()
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def simfuel_parts(scenario: simfuel.Scenario, seed: int) -> tuple[float, float, float, int]:
    """compile_plan, compile_plan + Simulation.run, RunResult tables [s]; events processed."""
    gc.collect()
    t0 = time.perf_counter()
    plan = compile_plan(scenario)
    t1 = time.perf_counter()
    rec = Simulation(plan, np.random.SeedSequence(seed)).run()
    t2 = time.perf_counter()
    RunResult.from_records(scenario, rec, seed, ())
    t3 = time.perf_counter()
    return t1 - t0, t2 - t0, t3 - t2, rec.events_processed


def reference_run(seed: int) -> int:
    m = ref.ReferenceModel(seed)
    m.run()
    return m.steps


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=15, help="timed rounds (default 15)")
    ap.add_argument("--json", type=Path, help="also write every number to this JSON file")
    args = ap.parse_args(argv)
    if args.repeats < 1:
        ap.error("--repeats must be >= 1")

    load_s, scenario = timed(lambda: simfuel.load_scenario(SCENARIO))
    plan = compile_plan(scenario)
    mismatches = check_reference(plan)

    # Warm-up: imports, first-call caches, allocator.
    for seed in (10_001, 10_002):
        simfuel.run(scenario, seed=seed)
        simfuel_parts(scenario, seed)
        reference_run(seed)

    t: dict[str, list[float]] = {k: [] for k in ("full", "compile", "sim", "tables", "ref")}
    ev: dict[str, list[int]] = {"simfuel": [], "ref": []}

    def run_simfuel(seed: int) -> None:
        s, result = timed(lambda: simfuel.run(scenario, seed=seed))
        t["full"].append(s)
        ev["simfuel"].append(result.events_processed)
        c, sim, tables, _ = simfuel_parts(scenario, seed)
        t["compile"].append(c)
        t["sim"].append(sim)
        t["tables"].append(tables)

    def run_reference(seed: int) -> None:
        s, steps = timed(lambda: reference_run(seed))
        t["ref"].append(s)
        ev["ref"].append(steps)

    for i in range(args.repeats):
        order = (run_simfuel, run_reference) if i % 2 == 0 else (run_reference, run_simfuel)
        for fn in order:
            fn(i)

    med = {k: statistics.median(v) for k, v in t.items()}
    ev_med = {k: statistics.median(v) for k, v in ev.items()}
    rate = {
        "full": ev_med["simfuel"] / med["full"],
        "sim": ev_med["simfuel"] / med["sim"],
        "ref": ev_med["ref"] / med["ref"],
    }
    # Three estimates of simfuel / reference. "paired" (the one checked against the target):
    # median over rounds of each round's simfuel time over the same round's reference time,
    # robust to the machine slowing down or speeding up during the benchmark.
    ratios: dict[str, dict[str, float]] = {}
    for k in ("full", "sim"):
        paired = statistics.median(a / b for a, b in zip(t[k], t["ref"], strict=True))
        ratios[k] = {
            "paired": paired,
            "medians": med[k] / med["ref"],
            "minima": min(t[k]) / min(t["ref"]),
            "paired_per_event": paired * ev_med["ref"] / ev_med["simfuel"],
        }

    ms = 1000.0
    print(f"simfuel benchmark: {SCENARIO.relative_to(ROOT)}, {args.repeats} repeats (seeds 0..)")
    print(
        f"python {platform.python_version()}, simpy {simpy.__version__}, numpy "
        f"{np.__version__}, pandas {pd.__version__}, {os.cpu_count()} CPUs, {platform.machine()}"
    )
    print(f"load_scenario (once, cold): {load_s * ms:.1f} ms")
    if mismatches:
        print("WARNING: the reference model's constants differ from the scenario:")
        for m in mismatches:
            print(f"  {m}")
    else:
        print("reference constants match the compiled scenario")
    print()
    head = f"{'':34} {'median ms':>9} {'min ms':>8} {'max ms':>8} {'events':>7} {'events/s':>9}"
    print(head)
    print("-" * len(head))
    rows = [
        ("simfuel.run (full)", "full", ev_med["simfuel"]),
        ("  compile_plan", "compile", None),
        ("  compile_plan + Simulation.run", "sim", ev_med["simfuel"]),
        ("  RunResult tables", "tables", None),
        ("reference (bare SimPy)", "ref", ev_med["ref"]),
    ]
    for label, key, events in rows:
        v = t[key]
        evs = f"{events:7.0f} {events / med[key]:9,.0f}" if events else f"{'':7} {'':9}"
        line = f"{label:34} {med[key] * ms:9.2f} {min(v) * ms:8.2f} {max(v) * ms:8.2f} {evs}"
        print(line.rstrip())
    print()
    lo_s, hi_s = min(ev["simfuel"]), max(ev["simfuel"])
    lo_r, hi_r = min(ev["ref"]), max(ev["ref"])
    print(f"SimPy events per run: simfuel {lo_s}..{hi_s}, reference {lo_r}..{hi_r}")
    print(
        f"{'ratio simfuel / reference':34} {'paired':>9} {'medians':>8} {'minima':>8}"
        f" {'paired, per event':>17}"
    )
    for label, k in (("  full run", "full"), ("  simulation only", "sim")):
        r = ratios[k]
        print(
            f"{label:34} {r['paired']:9.2f} {r['medians']:8.2f} {r['minima']:8.2f}"
            f" {r['paired_per_event']:17.2f}"
        )
    ok_ratio = "met" if ratios["full"]["paired"] <= RATIO_TARGET else "NOT met"
    ok_ms = "met" if med["full"] * ms < RUN_TARGET_MS else "NOT met"
    print(f"target ratio <= {RATIO_TARGET} (full run, paired): {ok_ratio}")
    print(f"target one replication < {RUN_TARGET_MS:.0f} ms: {ok_ms} ({med['full'] * ms:.1f} ms)")

    if args.json:
        report = {
            "scenario": str(SCENARIO.relative_to(ROOT)),
            "repeats": args.repeats,
            "python": platform.python_version(),
            "simpy": simpy.__version__,
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "cpus": os.cpu_count(),
            "load_scenario_s": load_s,
            "reference_mismatches": mismatches,
            "median_s": med,
            "times_s": t,
            "events": ev,
            "events_per_s": rate,
            "ratios": ratios,
            "targets": {"ratio": RATIO_TARGET, "run_ms": RUN_TARGET_MS},
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
