"""cProfile of mali-2025 replications on the ensemble path (``simulate_arrays``).

Usage (from the repository root)::

    .venv/bin/python benchmarks/profile_run.py [--reps N] [--top K] [--sort tottime]

Compiles the plan once, runs one untimed warm-up replication, then profiles ``--reps``
replications (seeds 0..) and prints the ``--top`` entries (cProfile's own times inflate
Python-heavy code: read the ranking, not the milliseconds).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

import simfuel  # noqa: E402
from simfuel.ensemble.worker import simulate_arrays  # noqa: E402
from simfuel.sim import compile_plan  # noqa: E402

SCENARIO = ROOT / "scenarios" / "mali-2025.yaml"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=1, help="replications profiled (default 1)")
    ap.add_argument("--top", type=int, default=20, help="entries printed (default 20)")
    ap.add_argument("--sort", default="tottime", help="pstats sort key (default tottime)")
    args = ap.parse_args(argv)
    plan = compile_plan(simfuel.load_scenario(SCENARIO))
    simulate_arrays(plan, np.random.SeedSequence(10_001))  # warm-up
    prof = cProfile.Profile()
    prof.enable()
    for seed in range(args.reps):
        simulate_arrays(plan, np.random.SeedSequence(seed))
    prof.disable()
    stats = pstats.Stats(prof, stream=sys.stdout)
    stats.strip_dirs().sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
