"""Time a calibration of mali-2025 on 2 workers, and say what 20,000 draws would take.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_calibration.py                  # 2,000 draws, ~2 min
    .venv/bin/python benchmarks/bench_calibration.py --draws 20000    # the full figure
    .venv/bin/python benchmarks/bench_calibration.py --json out/bench-calibration.json

Runs ``simfuel.calibrate`` by rejection ABC on ``scenarios/mali-2025.yaml`` against the
shipped incident table, fitted to September 2025 (``--window``, as notebook 04 and the
README's hindcast fit it: each draw simulates to 30 September only; ``--window full``
compares the whole table, September to November, and simulates the whole horizon), with
the ten priors of notebooks/04-calibration.ipynb's joint fit (threat, escort, rationing
and supply fields), ``reps=1``, ``accept=0.05``, on a process
pool of ``--workers`` (its start-up and shutdown in the time, as for a user). Before it, in
the same process, it times ``--probe`` replications of the base scenario on the ensemble
path (``simulate_arrays``, serially) for the cost of a bare replication.

Printed: the wall time of the calibration, draws per second, the time per draw over a bare
replication's time per worker (what calibrating adds: the prior draws' scenarios, their
plans, the statistics and the pool; on a shared machine, also the other processes' load),
the CPU time of the workers (``RUSAGE_CHILDREN``, read after the pool shut down) and of
this process per draw, against a bare replication's CPU time, and from it what 20,000
draws would take on idle cores; and, when ``--draws`` is below 20,000, the time of
20,000 draws **extrapolated** linearly from the measured rate: the simulations dominate
and their cost does not depend on the draw's index, so the rate is stable in N, but the
pool start-up is counted once per measured run and so 20,000 / N times in the
extrapolation (it overstates a little), and the priors change the work of a draw (e.g.
``tankers_per_day``), so a small N carries that spread. Only ``--draws 20000`` measures
the figure itself. Target (issue 12): 20,000 draws in <= 10 min on 2 workers. No pass/fail.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from _report import write_json

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

import simfuel  # noqa: E402
from simfuel.ensemble.worker import simulate_arrays  # noqa: E402
from simfuel.sim import compile_plan  # noqa: E402

SCENARIO = ROOT / "scenarios" / "mali-2025.yaml"
FULL_DRAWS = 20_000
TARGET_S = 600.0
#: The joint fit of notebooks/04-calibration.ipynb: ten numeric fields.
PRIORS: dict[str, tuple[float, float]] = {
    "threat.hazard_per_100km": (0.01, 0.4),
    "threat.loss_fraction_mean": (0.05, 0.8),
    "threat.size_exponent": (0.0, 1.0),
    "threat.max_tankers_per_attack": (15, 100),
    "escorts.army_ground.deterrence": (0.1, 1.0),
    "escorts.russia_air.convoy_hours_per_day": (4, 24),
    "rationing.threshold_days": (1.0, 6.0),
    "rationing.served_fraction": (0.3, 0.95),
    "corridors.dakar_rn1.tankers_per_day": (20, 80),
    "events.truckers-reluctant.tankers_per_day": (5, 35),
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--draws", type=int, default=2000, help="prior draws (default 2000)")
    ap.add_argument("--workers", type=int, default=2, help="pool workers (default 2)")
    ap.add_argument("--probe", type=int, default=20, help="bare replications timed (default 20)")
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument(
        "--window",
        default="2025-09-01:2025-09-30",
        help="START:END compared (default September 2025), or 'full' for calibrate's default",
    )
    ap.add_argument("--json", type=Path, help="also write every number to this JSON file")
    args = ap.parse_args(argv)
    window: tuple[dt.date, dt.date] | None = None
    if args.window != "full":
        try:
            first, last = (dt.date.fromisoformat(d) for d in args.window.split(":"))
        except ValueError:
            ap.error(f"--window {args.window!r}: give START:END (ISO dates) or 'full'")
        window = (first, last)
    if args.draws < 20 or args.workers < 1 or args.probe < 1:
        ap.error("--draws must be >= 20, --workers and --probe >= 1")

    scenario = simfuel.load_scenario(SCENARIO)
    incidents = simfuel.incidents("mali-2025")
    plan = compile_plan(scenario)
    simulate_arrays(plan, np.random.SeedSequence(10_001))  # warm-up
    bare: list[float] = []
    bare_cpu: list[float] = []
    for i in range(args.probe):
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        simulate_arrays(plan, np.random.SeedSequence(i))
        bare.append(time.perf_counter() - t0)
        bare_cpu.append(time.process_time() - c0)
    bare_s, bare_cpu_s = statistics.median(bare), statistics.median(bare_cpu)

    load0 = os.getloadavg()[0]
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    parent0 = time.process_time()
    t0 = time.perf_counter()
    cal = simfuel.calibrate(
        scenario,
        incidents,
        PRIORS,
        draws=args.draws,
        accept=0.05,
        seed=args.seed,
        workers=args.workers,
        window=window,
        progress=False,
    )
    wall_s = time.perf_counter() - t0
    parent_cpu_s = time.process_time() - parent0
    children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    # The pool's workers, waited for when it shut down: their CPU time, which other
    # processes on a shared machine inflate far less than the wall time.
    workers_cpu_s = (children1.ru_utime + children1.ru_stime) - (
        children0.ru_utime + children0.ru_stime
    )
    load1 = os.getloadavg()[0]
    cpu_per_draw_s = (workers_cpu_s + parent_cpu_s) / args.draws
    # On 2 idle cores: the CPU time of the draws spread over the workers.
    quiet_full_s = cpu_per_draw_s * FULL_DRAWS / args.workers
    per_draw_s = wall_s / args.draws
    overhead = per_draw_s / (bare_s / args.workers)
    full_s = per_draw_s * FULL_DRAWS

    print(
        f"calibration of {SCENARIO.relative_to(ROOT)}: {len(PRIORS)} priors, rejection ABC, "
        f"{args.draws:,} draws, {args.workers} workers, seed {args.seed}, window "
        f"{args.window if window else 'full (the whole incident table)'}"
    )
    print(
        f"python {platform.python_version()}, {os.cpu_count()} CPUs, 1-min load "
        f"{load0:.1f} before, {load1:.1f} after"
    )
    print(
        f"bare replication (ensemble path, serial, median of {args.probe}): {bare_s * 1e3:.1f} ms"
    )
    print(
        f"calibration: {wall_s:.1f} s wall, {args.draws / wall_s:.1f} draws/s, "
        f"{len(cal.posterior)} accepted"
    )
    print(f"time per draw / (bare replication / workers): {overhead:.2f}")
    print(
        f"CPU: workers {workers_cpu_s:.1f} s + parent {parent_cpu_s:.1f} s = "
        f"{cpu_per_draw_s * 1e3:.1f} ms a draw, {cpu_per_draw_s / bare_cpu_s:.2f}x a bare "
        f"replication's CPU ({bare_cpu_s * 1e3:.1f} ms)"
    )
    word = "measured" if args.draws >= FULL_DRAWS else "extrapolated linearly from the above"
    print(f"{FULL_DRAWS:,} draws: {full_s / 60:.1f} min ({word})")
    print(
        f"{FULL_DRAWS:,} draws on {args.workers} idle cores, from the CPU time: "
        f"{quiet_full_s / 60:.1f} min (if nothing else ran: the load above slows the wall time)"
    )
    ok = "met" if full_s <= TARGET_S else "NOT met"
    print(f"target {FULL_DRAWS:,} draws <= {TARGET_S / 60:.0f} min on 2 workers: {ok}")
    if args.json:
        report = {
            "draws": args.draws,
            "workers": args.workers,
            "seed": args.seed,
            "window": args.window,
            "priors": PRIORS,
            "bare_replication_s": bare,
            "bare_replication_cpu_s": bare_cpu,
            "workers_cpu_s": workers_cpu_s,
            "parent_cpu_s": parent_cpu_s,
            "full_draws_idle_cores_s": quiet_full_s,
            "calibration_wall_s": wall_s,
            "accepted": len(cal.posterior),
            "per_draw_over_bare_per_worker": overhead,
            "full_draws_s": full_s,
            "full_draws_extrapolated": args.draws < FULL_DRAWS,
            "load_1min": [load0, load1],
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        }
        write_json(args.json, report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
