"""Today's engine against the v0.1 engine (the first commit) and the bare-SimPy reference.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_old_engine.py [--repeats N] [--commit REV]
        [--clock wall|cpu] [--json FILE]

``git archive``s ``--commit`` (default ``c94ceee``, the first commit: simfuel v0.1; the
repository has no tag for it) into a temporary directory and times, each in a process of
its own (``_engine_worker.py``, with its own ``PYTHONPATH``), interleaved round by round in
one run, the order rotating:

* **v0.1**: the v0.1 engine on its own ``scenarios/mali-2025.yaml`` (five corridors);
* **today**: this checkout on the shipped ``scenarios/mali-2025.yaml`` (seven corridors,
  three stocks, the mechanisms added since);
* **today, v0.1 file**: this checkout on v0.1's ``mali-2025.yaml`` (the same input as
  v0.1, so the per-replication ratio compares the engines on the same work);
* **reference**: ``reference_model.py`` (bare SimPy, today's seven-corridor mali-2025).

Each round runs seed ``i`` everywhere, timing the full run (``simfuel.run``, tables
included), the simulation alone and, where it exists, the ensemble path
(``simulate_arrays``: v0.1 has none, so today's ensemble path is compared with v0.1's
simulation, its cheapest way to a replication). Ratios are medians over rounds of each
round's ratio, per replication and per convoy (each time over the same run's convoys).
No pass/fail, no timing in tests. If git, the commit or its archive is not available, it
says so and exits 0.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from _report import write_json

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORKER = HERE / "_engine_worker.py"
V01_COMMIT = "c94ceee"


def archive(commit: str, into: Path) -> str | None:
    """Extract ``commit``'s tree into ``into``; None, or why it cannot."""
    if shutil.which("git") is None:
        return "git is not installed"
    probe = subprocess.run(
        ["git", "-C", str(ROOT), "cat-file", "-e", f"{commit}^{{commit}}"], capture_output=True
    )
    if probe.returncode != 0:
        return f"commit {commit} is not in this repository (a shallow or exported copy?)"
    done = subprocess.run(["git", "-C", str(ROOT), "archive", commit], capture_output=True)
    if done.returncode != 0:
        return f"git archive {commit} failed: {done.stderr.decode().strip()}"
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as tar:
        tar.extractall(into, filter="data")
    return None


class Worker:
    """A timing process (``_engine_worker.py``) for one configuration."""

    def __init__(self, engine: str, tree: Path, scenario: Path, clock: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(tree)}
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKER), engine, str(scenario), clock],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tree,
            env=env,
        )
        first = self.proc.stdout.readline() if self.proc.stdout else ""
        if first.strip() != "ready":
            err = self.proc.stderr.read() if self.proc.stderr else ""
            raise RuntimeError(f"{engine} in {tree} did not start: {err.strip()[-800:]}")

    def run(self, seed: int) -> dict[str, Any]:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(f"{seed}\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            err = self.proc.stderr.read() if self.proc.stderr else ""
            raise RuntimeError(f"worker failed on seed {seed}: {err.strip()[-800:]}")
        return dict(json.loads(line))

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=60)


def paired(a: list[dict[str, Any]], b: list[dict[str, Any]], ka: str, kb: str, per: bool) -> float:
    """Median over rounds of a's ``ka`` time over b's ``kb`` time (per convoy if ``per``)."""
    ratios = []
    for x, y in zip(a, b, strict=True):
        num, den = x[ka], y[kb]
        if per:
            num, den = num / x["convoys"], den / y["convoys"]
        ratios.append(num / den)
    return statistics.median(ratios)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=15, help="timed rounds (default 15)")
    ap.add_argument("--commit", default=V01_COMMIT, help=f"the old engine (default {V01_COMMIT})")
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    ap.add_argument("--json", type=Path, help="also write every number to this JSON file")
    args = ap.parse_args(argv)
    if args.repeats < 1:
        ap.error("--repeats must be >= 1")

    with tempfile.TemporaryDirectory(prefix="simfuel-old-engine-") as tmp:
        old = Path(tmp)
        why = archive(args.commit, old)
        if why is not None:
            print(f"bench_old_engine: skipped: {why}")
            return 0
        old_file = old / "scenarios" / "mali-2025.yaml"
        configs = {
            "v0.1": ("simfuel", old, old_file),
            "today": ("simfuel", ROOT, ROOT / "scenarios" / "mali-2025.yaml"),
            "today, v0.1 file": ("simfuel", ROOT, old_file),
            "reference": ("reference", ROOT, old_file),
        }
        workers = {k: Worker(*v, args.clock) for k, v in configs.items()}
        out: dict[str, list[dict[str, Any]]] = {k: [] for k in configs}
        names = list(configs)
        try:
            for i in range(args.repeats):
                k = i % len(names)
                for name in names[k:] + names[:k]:
                    out[name].append(workers[name].run(i))
        finally:
            for w in workers.values():
                w.close()

    ms = 1000.0
    print(
        f"simfuel today vs the v0.1 engine ({args.commit}), {args.repeats} repeats, "
        f"{args.clock} clock"
    )
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}")
    print()
    head = f"{'':22} {'full ms':>8} {'sim ms':>8} {'ensemble ms':>11} {'convoys':>8} {'events':>7}"
    print(head)
    print("-" * len(head))
    for name, rows in out.items():
        med = {
            k: statistics.median(r[k] for r in rows) if rows[0][k] is not None else None
            for k in ("full_s", "sim_s", "ensemble_s", "events", "convoys")
        }
        ens = f"{med['ensemble_s'] * ms:11.2f}" if med["ensemble_s"] is not None else f"{'-':>11}"
        print(
            f"{name:22} {med['full_s'] * ms:8.2f} {med['sim_s'] * ms:8.2f} {ens}"
            f" {med['convoys']:8.0f} {med['events']:7.0f}"
        )
    print()
    lines = [
        ("today / v0.1, full run", "today", "v0.1", "full_s", "full_s"),
        ("today / v0.1, simulation", "today", "v0.1", "sim_s", "sim_s"),
        ("today ensemble path / v0.1 simulation", "today", "v0.1", "ensemble_s", "sim_s"),
        ("same file: today / v0.1, full run", "today, v0.1 file", "v0.1", "full_s", "full_s"),
        ("same file: today / v0.1, simulation", "today, v0.1 file", "v0.1", "sim_s", "sim_s"),
        ("same file: ensemble / v0.1 sim", "today, v0.1 file", "v0.1", "ensemble_s", "sim_s"),
        ("v0.1 simulation / reference", "v0.1", "reference", "sim_s", "sim_s"),
        ("today ensemble path / reference", "today", "reference", "ensemble_s", "sim_s"),
    ]  # fmt: skip
    ratios: dict[str, dict[str, float]] = {}
    print(f"{'ratio (median of paired rounds)':40} {'per replication':>15} {'per convoy':>11}")
    for label, a, b, ka, kb in lines:
        r = {
            "per_replication": paired(out[a], out[b], ka, kb, per=False),
            "per_convoy": paired(out[a], out[b], ka, kb, per=True),
        }
        ratios[label] = r
        print(f"{label:40} {r['per_replication']:15.2f} {r['per_convoy']:11.2f}")

    if args.json:
        report = {
            "commit": args.commit,
            "repeats": args.repeats,
            "clock": args.clock,
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "rounds": out,
            "ratios": ratios,
        }
        write_json(args.json, report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
