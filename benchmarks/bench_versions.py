"""This checkout's engine against another commit's, in one process, replications alternating.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_versions.py --base REV [--reps N] [--blocks B]
        [--end DATE] [--json FILE]

``git archive``s ``--base`` (a commit, tag or branch) into a temporary directory and imports
its package under another name (``simfuel_base``: simfuel's modules import each other
relatively, so both versions load side by side). Each side loads ``--scenario`` (default
``scenarios/mali-2025.yaml``) from its own tree, cut to end on ``--end`` if given (the
calibration's September fit: ``--end 2025-09-30``, events after it dropped), compiles it
once, and runs replications on its ensemble path (``simulate_arrays``), CPU time
(``time.process_time``), in two ways:

* **pairs** (``--reps``): seed ``i`` on both sides in turn, the order alternating, each run
  after a ``gc.collect()``: the simulation's own cost, what one machine-speed drift cannot
  bias (the two runs of a pair are milliseconds apart);
* **blocks** (``--blocks`` of 8): 8 consecutive replications a side, no collection between
  them, as an ensemble worker runs them: this one also bills the garbage collector's work
  to the side that made the garbage.

Printed: the median over pairs (and blocks) of new / base, with the quartiles. A shared
machine's noise spreads single ratios by 10-30 %: read the medians of many. No pass/fail.
If git, the commit or its archive is not available, it says so and exits 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from _report import write_json
from bench_old_engine import archive

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BLOCK = 8


def _side(package: str, tree: Path, scenario: str, end: dt.date | None) -> tuple[Any, Any]:
    """``(simulate_arrays, plan)`` of one version, its scenario loaded from its own tree."""
    load = importlib.import_module(f"{package}.scenario").load_scenario
    compile_plan = importlib.import_module(f"{package}.sim").compile_plan
    simulate = importlib.import_module(f"{package}.ensemble.worker").simulate_arrays
    sc = load(tree / scenario)
    if end is not None:
        raw = sc.model_dump(by_alias=True, exclude_unset=True)
        raw["end"] = end.isoformat()
        raw["events"] = [e for e in raw.get("events", []) if str(e["date"]) <= end.isoformat()]
        sc = load(raw)
    return simulate, compile_plan(sc)


def _quartiles(xs: list[float]) -> tuple[float, float, float]:
    q1, q2, q3 = np.percentile(xs, [25, 50, 75])
    return float(q1), float(q2), float(q3)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", required=True, help="commit, tag or branch to compare with")
    ap.add_argument("--reps", type=int, default=40, help="alternating pairs (default 40)")
    ap.add_argument("--blocks", type=int, default=10, help="blocks of 8 a side (default 10)")
    ap.add_argument("--scenario", default="scenarios/mali-2025.yaml")
    ap.add_argument("--end", type=dt.date.fromisoformat, help="cut the scenario to end here")
    ap.add_argument("--json", type=Path, help="also write every number to this JSON file")
    args = ap.parse_args(argv)
    if args.reps < 1 or args.blocks < 0:
        ap.error("--reps must be >= 1 and --blocks >= 0")
    with tempfile.TemporaryDirectory(prefix="simfuel-versions-") as tmp:
        tree = Path(tmp) / "tree"
        tree.mkdir()
        why = archive(args.base, tree)
        if why is not None:
            print(f"skipped: {why}")
            return 0
        packages = Path(tmp) / "packages"
        packages.mkdir()
        (packages / "simfuel_base").symlink_to(tree / "simfuel", target_is_directory=True)
        sys.path.insert(0, str(packages))
        sys.path.insert(0, str(ROOT))
        sides = [
            _side("simfuel_base", tree, args.scenario, args.end),
            _side("simfuel", ROOT, args.scenario, args.end),
        ]
        same = (tree / args.scenario).read_bytes() == (ROOT / args.scenario).read_bytes()
        for simulate, plan in sides:
            simulate(plan, np.random.SeedSequence(10_001))  # warm-up
        pairs: list[float] = []
        times: list[list[float]] = [[], []]
        for i in range(args.reps):
            t = [0.0, 0.0]
            for k in (0, 1) if i % 2 == 0 else (1, 0):
                simulate, plan = sides[k]
                gc.collect()
                c0 = time.process_time()
                simulate(plan, np.random.SeedSequence(i))
                t[k] = time.process_time() - c0
                times[k].append(t[k])
            pairs.append(t[1] / t[0])
        blocks: list[float] = []
        for b in range(args.blocks):
            t = [0.0, 0.0]
            for k in (0, 1) if b % 2 == 0 else (1, 0):
                simulate, plan = sides[k]
                c0 = time.process_time()
                for s in range(b * BLOCK, (b + 1) * BLOCK):
                    simulate(plan, np.random.SeedSequence(s))
                t[k] = time.process_time() - c0
            blocks.append(t[1] / t[0])
    what = f"{args.scenario}" + (f" to {args.end}" if args.end else "")
    print(f"this checkout against {args.base}: {what}, ensemble path, CPU time")
    if not same:
        print(f"note: {args.scenario} differs between the two trees (each runs its own)")
    base_ms, new_ms = (statistics.median(ts) * 1e3 for ts in times)
    print(f"median replication: base {base_ms:.1f} ms, this checkout {new_ms:.1f} ms")
    q = _quartiles(pairs)
    print(f"pairs ({args.reps}):   new / base median {q[1]:.3f} (quartiles {q[0]:.3f}-{q[2]:.3f})")
    if blocks:
        q = _quartiles(blocks)
        print(
            f"blocks ({args.blocks} of {BLOCK}): new / base median {q[1]:.3f} "
            f"(quartiles {q[0]:.3f}-{q[2]:.3f})"
        )
    if args.json:
        write_json(
            args.json,
            {
                "base": args.base,
                "scenario": args.scenario,
                "end": args.end.isoformat() if args.end else None,
                "same_scenario_file": same,
                "pair_ratios": pairs,
                "block_ratios": blocks,
                "base_s": times[0],
                "new_s": times[1],
            },
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
