"""How the cost of one mali-2025 replication grows with traffic and with the horizon.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_scaling.py [--rounds N]

Configurations, each built from ``scenarios/mali-2025.yaml``:

* traffic x1 to x4: every corridor copied k times (the copies ``<key>_2``, ...), with
  the depot and the destinations (demand, capacity, stocks, reserve) and every escort
  force's units scaled by k,
  and the copies added to every event that lists corridors, so each copy sees what its
  original sees (scripted attacks stay on the originals); 122-day horizon;
* horizon 365 days: traffic x1, the end date moved to one year after the start.

In one process, ``--rounds`` rounds, the order of the configurations rotating from one
round to the next; each timing is the ensemble path (``simulate_arrays`` on a plan
compiled once), seed = round. Printed: median ms, SimPy events, convoys, and the cost
ratios to traffic x1 / 122 days, per run and per convoy (linear growth: per-convoy ratio
near 1). No pass/fail: machines are shared, so only ratios within one run mean anything.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import gc
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

import simfuel  # noqa: E402
from simfuel.ensemble.worker import simulate_arrays  # noqa: E402
from simfuel.scenario.files import load_json  # noqa: E402
from simfuel.sim import Simulation, compile_plan  # noqa: E402
from simfuel.sim.plan import Plan  # noqa: E402

SCENARIO = ROOT / "scenarios" / "mali-2025.yaml"
DEPOT_FIELDS = ("capacity_l", "initial_stock_l", "reserve_l")


def scaled(data: dict[str, Any], k: int) -> dict[str, Any]:
    """The scenario mapping ``data`` with every corridor copied ``k`` times (see the module)."""
    out = copy.deepcopy(data)
    if k == 1:
        return out
    copies = {
        f"{key}_{i}": copy.deepcopy(c)
        for key, c in data["corridors"].items()
        for i in range(2, k + 1)
    }
    out["corridors"].update(copies)
    for f in DEPOT_FIELDS:
        if out["depot"].get(f) is not None:
            out["depot"][f] *= k
    out["demand"]["demand_l_per_day"] *= k
    for dest in out.get("destinations", {}).values():  # the secondary corridors' towns
        for f in DEPOT_FIELDS:
            if dest.get(f) is not None:
                dest[f] *= k
        dest["demand"]["demand_l_per_day"] *= k
    for force in out["escorts"].values():
        force["units"] *= k
    for ev in out["events"]:
        names = ev.get("corridors")
        if isinstance(names, list) and names != ["all"]:
            ev["corridors"] = names + [f"{n}_{i}" for n in names for i in range(2, k + 1)]
        if ev.get("type") == "demand" and "demand_l_per_day" in ev:
            ev["demand_l_per_day"] *= k
    return out


def horizon(data: dict[str, Any], days: int) -> dict[str, Any]:
    """``data`` with its end date ``days - 1`` days after the start (``days`` days in all)."""
    out = copy.deepcopy(data)
    start = dt.date.fromisoformat(str(out["start"]))
    out["end"] = (start + dt.timedelta(days=days - 1)).isoformat()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=7, help="timed rounds (default 7)")
    args = ap.parse_args(argv)
    if args.rounds < 1:
        ap.error("--rounds must be >= 1")

    base = simfuel.load_scenario(SCENARIO)
    data = base.model_dump(by_alias=True, mode="json", exclude_unset=True)
    configs: dict[str, dict[str, Any]] = {
        "traffic x1, 122 days": scaled(data, 1),
        "traffic x2, 122 days": scaled(data, 2),
        "traffic x3, 122 days": scaled(data, 3),
        "traffic x4, 122 days": scaled(data, 4),
        "traffic x1, 365 days": horizon(data, 365),
    }
    plans: dict[str, Plan] = {name: compile_plan(load_json(d, name)) for name, d in configs.items()}
    counts: dict[str, tuple[int, int, int]] = {}
    for name, plan in plans.items():
        rec = Simulation(plan, np.random.SeedSequence(0)).run()  # warm-up and the counts
        counts[name] = (rec.events_processed, len(rec.convoys), plan.horizon_days)

    times: dict[str, list[float]] = {name: [] for name in plans}
    names = list(plans)
    for r in range(args.rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            gc.collect()
            t0 = time.perf_counter()
            simulate_arrays(plans[name], np.random.SeedSequence(r))
            times[name].append(time.perf_counter() - t0)

    base_name = names[0]
    # Paired: each round's time over the same round's x1 / 122-day time.
    print(f"scaling of {SCENARIO.relative_to(ROOT)}, {args.rounds} rounds, ensemble path")
    head = (
        f"{'':24} {'median ms':>9} {'events':>7} {'convoys':>7} {'days':>5}"
        f" {'cost ratio':>10} {'per convoy':>10} {'per day':>8}"
    )
    print(head)
    print("-" * len(head))
    _, b_conv, b_days = counts[base_name]
    for name in names:
        ratio = statistics.median(a / b for a, b in zip(times[name], times[base_name], strict=True))
        ev, conv, days = counts[name]
        print(
            f"{name:24} {statistics.median(times[name]) * 1000:9.1f} {ev:7d} {conv:7d} {days:5d}"
            f" {ratio:10.2f} {ratio * b_conv / conv:10.2f} {ratio * b_days / days:8.2f}"
        )
    print("(cost ratio: paired median over rounds of the time over traffic x1 / 122 days;")
    print(" per convoy / per day: that ratio over the ratio of convoys / days)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
