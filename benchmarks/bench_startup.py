"""Wall time of starting simfuel: ``import simfuel``, ``simfuel --help``, ``simfuel validate``.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_startup.py [--repeats N]

Each command runs ``--repeats`` times in a fresh interpreter (``python -c``/``-m simfuel``,
this checkout first on the path), interleaved, after one untimed warm-up round (the
filesystem cache); it prints the median and minimum wall time of each, and of a bare
``python -c pass`` for the interpreter's own share. Target (issue 12): ``--help`` and
``validate`` in <= 0.5 s. No pass/fail.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 0.5

COMMANDS = {
    "python -c pass": ["-c", "pass"],
    "import simfuel": ["-c", "import simfuel"],
    "simfuel --help": ["-m", "simfuel", "--help"],
    "simfuel validate mali-2025": ["-m", "simfuel", "validate", "mali-2025"],
}


def once(args: list[str]) -> float:
    """Seconds of wall time of one ``python *args`` (its output discarded)."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"python {' '.join(args)} failed: {done.stderr.decode()[-500:]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=9, help="timed rounds (default 9)")
    args = ap.parse_args(argv)
    for cmd in COMMANDS.values():
        once(cmd)
    times: dict[str, list[float]] = {k: [] for k in COMMANDS}
    for _ in range(args.repeats):
        for name, cmd in COMMANDS.items():
            times[name].append(once(cmd))
    print(f"simfuel start-up, {args.repeats} repeats, wall clock, {os.cpu_count()} CPUs")
    print(f"{'':30} {'median s':>9} {'min s':>7}")
    for name, v in times.items():
        print(f"{name:30} {statistics.median(v):9.3f} {min(v):7.3f}")
    for name in ("simfuel --help", "simfuel validate mali-2025"):
        med = statistics.median(times[name])
        print(f"target {name} <= {TARGET_S} s: {'met' if med <= TARGET_S else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
