"""Time one replication of mali-2025 against a bare-SimPy reference model.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_run.py [--repeats N] [--json FILE] [--mix] [--clock cpu]

In one process: load the scenario once (timed once), warm up, then time ``--repeats``
rounds of

* ``simfuel.run(scenario, seed=i)`` on the pre-loaded Scenario (full run);
* the same run in parts: ``compile_plan``, ``Simulation(plan, SeedSequence(i)).run()``
  and ``RunResult.from_records`` (the pandas tables);
* the ensemble path: ``simulate_arrays(plan, SeedSequence(i))`` on a plan compiled once
  (what an ensemble worker runs per replication: no DataFrames);
* :class:`reference_model.ReferenceModel` (``reference_model.py``, same corridors,
  convoy counts and horizon, counters only);

alternating the order of simfuel and the reference from one round to the next, and print
medians, events per second and the ratios simfuel / reference; then the SimPy events per
convoy of both models and, from one more (untimed) run, which events simfuel schedules
(``--mix``). No pass/fail: the targets are printed next to the numbers.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import simpy
from _report import write_json

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing
sys.path.insert(0, str(HERE))

import reference_model as ref  # noqa: E402

import simfuel  # noqa: E402
from simfuel.ensemble.worker import simulate_arrays  # noqa: E402
from simfuel.results import RunResult  # noqa: E402
from simfuel.sim import Simulation, compile_plan  # noqa: E402
from simfuel.sim.plan import Plan  # noqa: E402

SCENARIO = ROOT / "scenarios" / "mali-2025.yaml"
RATIO_TARGET = 1.5
RUN_TARGET_MS = 100.0
EVENTS_PER_CONVOY_TARGET = 3.0  # issue 12
ENSEMBLE_RATIO_TARGET = 0.40  # issue 12: ensemble path / reference
FORCE_KEYS = {"army": "army_ground", "africa": "africa_corps", "air": "russia_air"}


def check_reference(plan: Plan) -> list[str]:
    """Differences between the reference model's constants and the compiled scenario."""
    out: list[str] = []

    def same(what: str, a: Any, b: Any) -> None:
        x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        if x.shape != y.shape or not np.allclose(x, y):
            out.append(f"{what}: reference {a}, scenario {b}")

    keys = [c.key for c in plan.corridors]
    if keys != list(ref.CORRIDORS):
        return [f"corridors: reference {list(ref.CORRIDORS)}, scenario {keys}"]
    places = [sp.place for sp in plan.stocks]
    if places != list(ref.PLACES):
        return [f"places with stock: reference {list(ref.PLACES)}, scenario {places}"]
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
    same(
        "size_exponent, size_reference_tankers, max_tankers_per_attack",
        (ref.SIZE_EXPONENT, ref.SIZE_REFERENCE, ref.MAX_PER_ATTACK),
        (plan.size_exponent, plan.size_reference_tankers, plan.max_tankers_per_attack or 0),
    )
    same("outcomes (burn, seize, both)", (ref.BURN, ref.SEIZE, 0.0), plan.outcomes or (1, 0, 0))
    same("attack_delay_h", ref.ATTACK_DELAY_H, plan.attack_delay[1])
    for sp in plan.stocks:
        r = sp.rationing.initial
        same(
            f"{sp.place}: initial stock, demand, cv",
            (*ref.PLACES[sp.place], ref.DEMAND_CV),
            (sp.initial_stock_l, sp.demand.initial, sp.demand_cv),
        )
        same(f"{sp.place}.demand changes", [], sp.demand.times_h)
        same(
            f"{sp.place}.rationing (start d, stop d, served, min days)",
            (ref.RATION_START_D, ref.RATION_STOP_D, ref.RATION_SERVED, ref.RATION_MIN_DAYS),
            (r.threshold_days, r.stop_threshold_days, r.served_fraction, r.min_days),
        )
        if sp.rationing_rule != "hysteresis" or sp.rationing.times_h:
            out.append(f"{sp.place}.rationing: reference hysteresis, scenario {sp.rationing_rule}")
    forces = {f.key: f for f in plan.forces}
    for name, (units, det, prot, turn_h) in ref.GROUND.items():
        f = forces[FORCE_KEYS[name]]
        same(
            f"{f.key}",
            (units, det, prot, turn_h),
            (f.units, f.deterrence, f.protection, f.turnaround_h),
        )
    air = forces[FORCE_KEYS["air"]]
    if air.kind != "air_hourly" or air.daylight_h is not None or air.speed_kmh is not None:
        out.append(f"{air.key}: reference air_hourly without window or speed, scenario {air}")
    same(
        f"{air.key}",
        (ref.AIR_BANK_H, ref.AIR_PER_HOUR, ref.AIR_DET, ref.AIR_PROT),
        (
            air.units * air.convoy_hours_per_day * air.max_banked_days,
            air.units * air.convoy_hours_per_day / 24,
            air.deterrence,
            air.protection,
        ),
    )
    for c in plan.corridors:
        approach_km, border, rates, share, intensity, escorted, legs, source, dest, keep = (
            ref.CORRIDORS[c.key]
        )
        same(f"{c.key}.approach_h", approach_km / ref.APPROACH_KMH, c.approach_h)
        if border is None:
            if c.border_delay != ("fixed", (0.0,)):
                out.append(f"{c.key}.border_delay: reference none, scenario {c.border_delay}")
        else:
            same(f"{c.key}.border_delay_h", border, c.border_delay[1])
        same(
            f"{c.key}.legs",
            [(km, kmh, r, km / kmh) for km, kmh, r in legs],
            [leg[:4] for leg in c.legs],
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
        same(
            f"{c.key}.source, destination, keep_days",
            (-1 if source is None else source, dest, keep),
            (c.source, c.dest, c.keep_days),
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
        if c.formation_rule != "default" or c.dispatch_policy != "fixed_rate" or c.fleet:
            out.append(f"{c.key}: reference default formation, fixed_rate dispatch, no fleet")
    return out


#: The clock every time is read on: wall time (``perf_counter``) by default, or this
#: process's CPU time (``--clock cpu``: ``process_time``, less inflated by other processes
#: on a shared machine, though their load still slows this one through the caches).
CLOCK: Callable[[], float] = time.perf_counter


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds taken by ``fn()`` (after a collection, so one call's garbage is not billed
    to the next) and its result."""
    gc.collect()
    t0 = CLOCK()
    out = fn()
    return CLOCK() - t0, out


def simfuel_parts(scenario: simfuel.Scenario, seed: int) -> tuple[float, float, float, int]:
    """compile_plan, compile_plan + Simulation.run, RunResult tables [s]; events processed."""
    gc.collect()
    t0 = CLOCK()
    plan = compile_plan(scenario)
    t1 = CLOCK()
    rec = Simulation(plan, np.random.SeedSequence(seed)).run()
    t2 = CLOCK()
    RunResult.from_records(scenario, rec, seed, ())
    t3 = CLOCK()
    return t1 - t0, t2 - t0, t3 - t2, rec.events_processed


def reference_run(seed: int) -> int:
    m = ref.ReferenceModel(seed)
    m.run()
    return m.steps


def convoys_per_run(scenario: simfuel.Scenario, seed: int) -> tuple[int, int, int, int]:
    """(simfuel events, simfuel convoys, reference events, reference convoys) of one seed."""
    rec = Simulation(compile_plan(scenario), np.random.SeedSequence(seed)).run()
    m = ref.ReferenceModel(seed)
    m.run()
    return rec.events_processed, len(rec.convoys), m.steps, m.counts["convoys"]


def _label(event: simpy.Event) -> str:
    """What an event is for: its class and the first callback's function or process."""
    kind = type(event).__name__
    cbs = event.callbacks or []
    if not cbs:
        return kind
    cb = cbs[0]
    owner = getattr(cb, "__self__", None)
    if isinstance(owner, simpy.Process):
        return f"{kind} -> process {getattr(owner._generator, '__qualname__', '?')}"
    func = getattr(cb, "func", cb)  # a functools.partial names its function
    name = getattr(func, "__qualname__", "?")
    return f"{kind} -> {name}"


def event_mix(scenario: simfuel.Scenario, seed: int) -> Counter[str]:
    """The events one run processes, by :func:`_label` (counted as ``env.step`` pops them)."""
    counts: Counter[str] = Counter()
    original = simpy.Environment.step

    def step(env: simpy.Environment) -> None:
        # The queue's head is the event this step processes.
        counts[_label(env._queue[0][3])] += 1
        original(env)

    simpy.Environment.step = step  # type: ignore[method-assign]
    try:
        Simulation(compile_plan(scenario), np.random.SeedSequence(seed)).run()
    finally:
        simpy.Environment.step = original  # type: ignore[method-assign]
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=15, help="timed rounds (default 15)")
    ap.add_argument("--json", type=Path, help="also write every number to this JSON file")
    ap.add_argument("--mix", action="store_true", help="also print the events by kind")
    ap.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="time on the wall clock (default) or this process's CPU time",
    )
    args = ap.parse_args(argv)
    if args.repeats < 1:
        ap.error("--repeats must be >= 1")
    global CLOCK
    CLOCK = time.process_time if args.clock == "cpu" else time.perf_counter

    load_s, scenario = timed(lambda: simfuel.load_scenario(SCENARIO))
    plan = compile_plan(scenario)
    mismatches = check_reference(plan)

    # Warm-up: imports, first-call caches, allocator.
    for seed in (10_001, 10_002):
        simfuel.run(scenario, seed=seed)
        simfuel_parts(scenario, seed)
        reference_run(seed)

    keys = ("full", "compile", "sim", "tables", "ensemble", "ref")
    t: dict[str, list[float]] = {k: [] for k in keys}
    ev: dict[str, list[int]] = {"simfuel": [], "ref": []}

    def run_simfuel(seed: int) -> None:
        s, result = timed(lambda: simfuel.run(scenario, seed=seed))
        t["full"].append(s)
        ev["simfuel"].append(result.events_processed)
        c, sim, tables, _ = simfuel_parts(scenario, seed)
        t["compile"].append(c)
        t["sim"].append(sim)
        t["tables"].append(tables)
        s, _ = timed(lambda: simulate_arrays(plan, np.random.SeedSequence(seed)))
        t["ensemble"].append(s)

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
    for k in ("full", "sim", "ensemble"):
        paired = statistics.median(a / b for a, b in zip(t[k], t["ref"], strict=True))
        ratios[k] = {
            "paired": paired,
            "medians": med[k] / med["ref"],
            "minima": min(t[k]) / min(t["ref"]),
            "paired_per_event": paired * ev_med["ref"] / ev_med["simfuel"],
        }

    ms = 1000.0
    print(
        f"simfuel benchmark: {SCENARIO.relative_to(ROOT)}, {args.repeats} repeats (seeds 0..),"
        f" {args.clock} clock"
    )
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
        ("ensemble path (simulate_arrays)", "ensemble", ev_med["simfuel"]),
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
    runs = (("  full run", "full"), ("  simulation only", "sim"), ("  ensemble path", "ensemble"))
    for label, k in runs:
        r = ratios[k]
        print(
            f"{label:34} {r['paired']:9.2f} {r['medians']:8.2f} {r['minima']:8.2f}"
            f" {r['paired_per_event']:17.2f}"
        )
    ok_ratio = "met" if ratios["full"]["paired"] <= RATIO_TARGET else "NOT met"
    ok_ms = "met" if med["full"] * ms < RUN_TARGET_MS else "NOT met"
    print(f"target ratio <= {RATIO_TARGET} (full run, paired): {ok_ratio}")
    print(f"target one replication < {RUN_TARGET_MS:.0f} ms: {ok_ms} ({med['full'] * ms:.1f} ms)")
    ens = ratios["ensemble"]["paired"]
    ok_ens = "met" if ens <= ENSEMBLE_RATIO_TARGET else "NOT met"
    print(f"target ensemble path / reference <= {ENSEMBLE_RATIO_TARGET}: {ok_ens} ({ens:.2f})")

    # Events per convoy: the same seeds, both models (counts do not depend on timing).
    per = [convoys_per_run(scenario, i) for i in range(args.repeats)]
    epc = statistics.median(e / n for e, n, _, _ in per)
    epc_ref = statistics.median(e / n for _, _, e, n in per)
    convoys = statistics.median(n for _, n, _, _ in per)
    convoys_ref = statistics.median(n for _, _, _, n in per)
    print()
    print(
        f"SimPy events per convoy (median over seeds): simfuel {epc:.2f} ({convoys:.0f} convoys),"
        f" reference {epc_ref:.2f} ({convoys_ref:.0f} convoys); ratio {epc / epc_ref:.2f}"
    )
    ok_epc = "met" if epc <= EVENTS_PER_CONVOY_TARGET else "NOT met"
    print(f"target events per convoy <= {EVENTS_PER_CONVOY_TARGET:g}: {ok_epc}")
    mix: Counter[str] = Counter()
    if args.mix:
        mix = event_mix(scenario, 0)
        total = sum(mix.values())
        print(f"\nevents of seed 0 by kind ({total} in all):")
        for label, count in mix.most_common():
            print(f"  {count:7d} {count / per[0][1]:6.2f}/convoy  {label}")

    if args.json:
        report = {
            "scenario": str(SCENARIO.relative_to(ROOT)),
            "repeats": args.repeats,
            "clock": args.clock,
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
            "events_per_convoy": {"simfuel": epc, "reference": epc_ref},
            "event_mix_seed0": dict(mix),
            "targets": {
                "ratio": RATIO_TARGET,
                "run_ms": RUN_TARGET_MS,
                "events_per_convoy": EVENTS_PER_CONVOY_TARGET,
                "ensemble_ratio": ENSEMBLE_RATIO_TARGET,
            },
        }
        write_json(args.json, report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
