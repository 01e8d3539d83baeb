"""Time ensembles of mali-2025 (serial, 2-process pool, Dask) and their streamed memory.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_ensemble.py [--reps N] [--memory-reps 1000,10000]
        [--skip-memory] [--skip-dask] [--rounds R] [--json FILE]

It first prints the machine's load average and, if the 1-minute load is 1.0 or more
(other jobs running), waits for it to drop, polling every 30 s for up to 10 minutes.
Then, in this process, on the pre-loaded scenario and with the same root seed, ``--rounds``
times (default 3; the order rotates from one round to the next):

1. ``run_ensemble(scenario, N, workers=1)`` (serial, in this process);
   ``run_ensemble(scenario, N, workers=2)`` (the default process pool, created, used and
   shut down inside the call: its start-up is part of the time); and the same on a pool
   started once beforehand (its start-up timed apart). Replications per second, speedup.
2. ``run_ensemble(..., executor=client)`` on a Dask ``LocalCluster`` of 2 single-thread
   worker processes, started for the block and closed after it (start-up timed apart);
   ratio of its time to the pool's.

Targets are judged on each configuration's best round (noise on a shared machine only
adds time); medians and the rounds' paired ratios are printed too. Before each block it
waits (up to 10 minutes) until processes outside this benchmark use under 0.25 cores,
and times the block again (``--retries``) if they took more meanwhile. Each block
records the 1-minute load, the cores used by this benchmark and by other processes
(/proc/stat), and a speed probe (a fixed pure-Python loop) that shows how fast the
machine itself was: on a virtual machine, neighbours on the host slow it down unseen.

3. For each size in ``--memory-reps``, a fresh subprocess runs
   ``run_ensemble(..., workers=2, store=tmpdir)`` while this process samples the
   subprocess tree's memory (sum of VmRSS and of Pss over its processes, every 0.2 s,
   from /proc); the subprocess also reports its peak RSS (VmHWM and ``ru_maxrss``) and
   its children's ``ru_maxrss`` (RUSAGE_CHILDREN: the largest child, not a sum).

No pass/fail is asserted: the targets are printed next to the numbers.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import contextlib
import gc
import json
import logging
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from _report import write_json

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

import simfuel  # noqa: E402
from simfuel.ensemble import default_batch_size, run_ensemble  # noqa: E402

SCENARIO = ROOT / "scenarios" / "mali-2025.yaml"
SPEEDUP_TARGET = 1.8  # serial / pool (2 workers), 1,000 replications
DASK_TARGET = 1.15  # Dask LocalCluster / pool wall time, same work
MEMORY_TARGET_MB = 500.0  # peak memory of a 10,000-replication streamed ensemble
GROWTH_TARGET = 1.10  # peak memory, largest / smallest --memory-reps: "not growing with n"
LOAD_THRESHOLD = 1.0  # 1-minute load average to wait for before timing
LOAD_POLL_S = 30.0
LOAD_MAX_WAIT_S = 600.0
IDLE_CPU = 0.25  # cores other processes may use for the machine to count as quiet
IDLE_WINDOW_S = 5.0
SAMPLE_S = 0.2  # memory sampling period
PROBE_LOOPS = 2_000_000  # speed probe: about 0.1 s
CLK = os.sysconf("SC_CLK_TCK")
MB = 1024.0 * 1024.0


# ---------------------------------------------------------------------- /proc helpers


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat from field 3 (state) on; None if the process is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def process_tree(pid: int) -> dict[int, int]:
    """``pid`` and every live process below it, each mapped to its parent's pid."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields is not None:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    out, todo = {pid: 0}, [pid]
    while todo:
        p = todo.pop()
        for c in children.get(p, []):
            out[c] = p
            todo.append(c)
    return out


def descendants(pid: int) -> list[int]:
    """``pid`` and every live process below it."""
    return list(process_tree(pid))


def tree_cpu_s(pid: int) -> float:
    """CPU seconds of a process tree: utime + stime + cutime + cstime of each live process
    (a reaped child's time has moved into its parent's cutime/cstime, so nothing is lost
    or counted twice)."""
    ticks = 0
    for p in descendants(pid):
        fields = _stat_fields(p)
        if fields is not None:
            ticks += sum(int(x) for x in fields[11:15])
    return ticks / CLK


def system_busy_s() -> float:
    """CPU seconds the whole machine has been busy (all cores), from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = v[:8]
    return (user + nice + system + irq + softirq + steal) / CLK


def _kb(path: str, key: str) -> int:
    """A ``key:  N kB`` line of a /proc status-like file, in kB (0 if absent or gone)."""
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_memory_mb(pids: list[int]) -> tuple[float, float, int]:
    """Sum of VmRSS, sum of Pss [MB] and number of live processes among ``pids``.

    RSS counts pages shared between processes (a forked worker shares its parent's
    imported modules) once per process; Pss splits each shared page between its sharers,
    so the Pss sum is the tree's real footprint and the RSS sum an upper bound.
    """
    rss = [_kb(f"/proc/{p}/status", "VmRSS:") for p in pids]
    pss = [_kb(f"/proc/{p}/smaps_rollup", "Pss:") for p in pids]
    return sum(rss) / 1024.0, sum(pss) / 1024.0, sum(1 for r in rss if r)


# ---------------------------------------------------------------------- load and timing


def wait_for_quiet(threshold: float, poll_s: float, max_wait_s: float) -> dict[str, Any]:
    """Wait (up to ``max_wait_s``) for the 1-minute load average to drop below ``threshold``."""
    start = time.monotonic()
    first = os.getloadavg()
    print(f"load average (1, 5, 15 min): {first[0]:.2f} {first[1]:.2f} {first[2]:.2f}")
    load = first
    while load[0] >= threshold and time.monotonic() - start < max_wait_s:
        print(
            f"  1-minute load {load[0]:.2f} >= {threshold}: other jobs are running; "
            f"waiting {poll_s:.0f} s (waited {time.monotonic() - start:.0f} s so far)",
            flush=True,
        )
        time.sleep(poll_s)
        load = os.getloadavg()
    waited = time.monotonic() - start
    quiet = load[0] < threshold
    if not quiet:
        print(
            f"WARNING: 1-minute load still {load[0]:.2f} after {waited:.0f} s; timing anyway "
            "(the 'other CPU' column shows how much the other jobs took)"
        )
    elif waited > 1:
        print(f"  1-minute load {load[0]:.2f} after waiting {waited:.0f} s")
    return {"initial": list(first), "final": list(load), "waited_s": waited, "quiet": quiet}


def other_cpu_cores(window_s: float) -> float:
    """Cores used by processes outside this benchmark's tree over the next ``window_s``."""
    busy0, own0 = system_busy_s(), tree_cpu_s(os.getpid())
    time.sleep(window_s)
    busy, own = system_busy_s() - busy0, tree_cpu_s(os.getpid()) - own0
    return max(0.0, busy - own) / window_s


def wait_for_idle_cpu(max_wait_s: float) -> dict[str, float]:
    """Wait (up to ``max_wait_s``) until other processes use under IDLE_CPU cores.

    The load average cannot tell once this benchmark has started: it counts the
    benchmark's own processes and lags by a minute. This measures the others directly.
    """
    start = last = time.monotonic()
    other = other_cpu_cores(IDLE_WINDOW_S)
    while other >= IDLE_CPU and time.monotonic() - start < max_wait_s:
        if time.monotonic() - last >= LOAD_POLL_S:
            print(f"  other processes use {other:.2f} cores: waiting", flush=True)
            last = time.monotonic()
        other = other_cpu_cores(IDLE_WINDOW_S)
    return {"other_cpu_before": other, "idle_wait_s": time.monotonic() - start}


class Meter:
    """Wall time of a block, the load average during it and the CPU taken by other
    processes (all busy CPU time minus this benchmark's process tree), in cores.

    With ``wait_s``, it first waits (up to that many seconds) for the other processes
    to go quiet (:func:`wait_for_idle_cpu`).
    """

    def __init__(self, wait_s: float | None = None) -> None:
        self.pid = os.getpid()
        self.wait_s = wait_s
        self.gate: dict[str, float] = {}
        self.wall = self.own_cores = self.other_cores = 0.0
        self.loads: list[float] = []
        self.probe_ms = 0.0
        self._stop = threading.Event()

    def _poll(self) -> None:
        while not self._stop.wait(2.0):
            self.loads.append(os.getloadavg()[0])

    def __enter__(self) -> Meter:
        if self.wait_s is not None:
            self.gate = wait_for_idle_cpu(self.wait_s)
        self.probe_ms = speed_probe()
        gc.collect()
        self.loads = [os.getloadavg()[0]]
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()
        self._busy0, self._own0 = system_busy_s(), tree_cpu_s(self.pid)
        self._t0 = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._t0
        busy, own = system_busy_s() - self._busy0, tree_cpu_s(self.pid) - self._own0
        self._stop.set()
        self._thread.join()
        self.loads.append(os.getloadavg()[0])
        self.own_cores = own / self.wall
        self.other_cores = max(0.0, busy - own) / self.wall

    def report(self) -> dict[str, Any]:
        return {
            "wall_s": self.wall,
            "own_cpu_cores": self.own_cores,
            "other_cpu_cores": self.other_cores,
            "load1_min": min(self.loads),
            "load1_max": max(self.loads),
            "probe_ms": self.probe_ms,
            **self.gate,
        }


def timed(
    label: str, fn: Callable[[], Any], wait_s: float, retries: int
) -> tuple[Any, dict[str, Any]]:
    """Run ``fn`` in a :class:`Meter` after waiting for quiet; if other processes took
    more than IDLE_CPU cores meanwhile, run it again (up to ``retries`` times) and keep
    the attempt they disturbed least. Returns the last result and that attempt's report."""
    attempts: list[dict[str, Any]] = []
    out: Any = None
    for attempt in range(retries + 1):
        out = None  # free the previous attempt's result first
        with Meter(wait_s) as m:
            out = fn()
        attempts.append(m.report())
        other = attempts[-1]["other_cpu_cores"]
        if other <= IDLE_CPU:
            break
        if attempt < retries:
            print(f"  {label}: other processes used {other:.2f} cores; timing again", flush=True)
    best = dict(min(attempts, key=lambda a: a["other_cpu_cores"]))
    best["attempts"] = [a["wall_s"] for a in attempts]
    best["attempts_other_cpu"] = [a["other_cpu_cores"] for a in attempts]
    return out, best


def speed_probe() -> float:
    """Milliseconds a fixed pure-Python loop takes here and now: the machine's speed."""
    t0 = time.perf_counter()
    acc = 0
    for i in range(PROBE_LOOPS):
        acc += i * i % 7
    return (time.perf_counter() - t0) * 1000.0


def time_ensembles(
    ensemble: Callable[..., Callable[[], Any]],
    workers: int,
    rounds: int,
    skip_dask: bool,
    wait_s: float,
    retries: int,
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, bool], dict[str, Any]]:
    """Time serial, pool, pre-started pool and Dask runs, ``rounds`` times each, the order
    rotating from one round to the next (so slow drift of the machine does not always
    hit the same one). The pre-started pool is started once, before the rounds; a Dask
    cluster is started for each Dask block and closed after it (an idle cluster's
    scheduler, in this process, and workers take about 0.1 core, which would slow the
    other blocks); start-up times are kept apart.

    Returns the reports of every block by configuration, whether each configuration's
    results equal the serial ones, and the start-up times.
    """
    t: dict[str, list[dict[str, Any]]] = {"serial": [], "pool": [], "pool_warm": []}
    extra: dict[str, Any] = {}
    with contextlib.ExitStack() as stack:
        t0 = time.perf_counter()
        pool = started_pool(workers)
        extra["pool_start_s"] = time.perf_counter() - t0
        stack.callback(pool.shutdown)
        runs: dict[str, Callable[[], Any]] = {
            "serial": ensemble(workers=1),
            "pool": ensemble(workers=workers),
            "pool_warm": ensemble(executor=pool, workers=workers),
        }
        keys = list(runs)
        if not skip_dask:
            keys.append("dask")
            t["dask"] = []
            extra["dask_times"] = []
        results: dict[str, Any] = {}
        for r in range(rounds):
            for key in keys[r % len(keys) :] + keys[: r % len(keys)]:
                results.pop(key, None)
                if key == "dask":
                    # No second attempt on the same cluster: run_ensemble scatters the
                    # same scenario again under the same key, which Dask may drop as the
                    # first attempt's futures are released (dask/distributed#8576).
                    with dask_client(workers) as (client, dask_times):
                        out = timed(key, ensemble(executor=client), wait_s, 0)
                    extra["dask_times"].append(dask_times)
                else:
                    out = timed(key, runs[key], wait_s, retries)
                results[key], block = out
                block["round"] = r
                t[key].append(block)
        reference = results["serial"].replications
        same = {k: v.replications.equals(reference) for k, v in results.items() if k != "serial"}
    return t, same, extra


def _best(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    """The fastest block: timing noise on a shared machine only ever adds time."""
    return min(blocks, key=lambda b: b["wall_s"])


def _paired(t: dict[str, list[dict[str, Any]]], a: str, b: str) -> float:
    """Median over rounds of a's time over b's time in the same round."""
    return statistics.median(x["wall_s"] / y["wall_s"] for x, y in zip(t[a], t[b], strict=True))


# ---------------------------------------------------------------------- pool and Dask helpers


def _worker_pid() -> int:
    time.sleep(0.05)  # hold the worker, so the second task goes to the other one
    return os.getpid()


def started_pool(workers: int) -> cf.ProcessPoolExecutor:
    """A process pool whose ``workers`` processes are all running."""
    pool = cf.ProcessPoolExecutor(max_workers=workers)
    pids = {f.result() for f in [pool.submit(_worker_pid) for _ in range(workers)]}
    if len(pids) != workers:  # pragma: no cover - depends on the start method
        print(f"note: the pre-started pool answered from {len(pids)} of {workers} processes")
    return pool


def _import_simfuel() -> int:
    import simfuel.ensemble.worker  # noqa: F401

    return os.getpid()


@contextmanager
def dask_client(workers: int) -> Iterator[tuple[Any, dict[str, float]]]:
    """A LocalCluster client, and the seconds its start-up and worker imports took."""
    from distributed import Client, LocalCluster

    times: dict[str, float] = {}
    t0 = time.perf_counter()
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        host="127.0.0.1",
        silence_logs=logging.ERROR,
    )
    client = Client(cluster)
    client.wait_for_workers(workers)
    # Dask spawns its workers, and a spawned process imports this script (so simfuel)
    # before it starts: the imports are in the start-up, and worker_imports_s is ~0.
    times["cluster_start_s"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    client.run(_import_simfuel)
    times["worker_imports_s"] = time.perf_counter() - t1
    try:
        yield client, times
    finally:
        t2 = time.perf_counter()
        client.close()
        cluster.close()
        times["cluster_close_s"] = time.perf_counter() - t2


# ---------------------------------------------------------------------- memory


def memory_child(n: int, store: Path, seed: int, workers: int) -> int:
    """Run in a fresh process: a streamed ensemble; print its ru_maxrss figures as JSON."""
    scenario = simfuel.load_scenario(SCENARIO)
    base_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    result = run_ensemble(scenario, n, seed=seed, workers=workers, store=store, progress=False)
    wall = time.perf_counter() - t0
    assert result.n == n, (result.n, n)
    size = sum(p.stat().st_size for p in store.rglob("*") if p.is_file())
    out = {
        "n": n,
        "wall_s": wall,
        "rows": result.n,
        "store_mb": size / MB,
        "parent_maxrss_after_imports_mb": base_kb / 1024.0,
        "parent_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "parent_vmhwm_mb": _kb("/proc/self/status", "VmHWM:") / 1024.0,
        "max_child_maxrss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0,
    }
    print(json.dumps(out))
    return 0


def measure_memory(n: int, seed: int, workers: int) -> dict[str, Any]:
    """Run :func:`memory_child` in a subprocess; sample its process tree's memory."""
    with tempfile.TemporaryDirectory(prefix="simfuel-bench-") as tmp:
        # Through sh, which forks the Python process: Linux carries ru_maxrss across
        # execve, so a process started directly from this (large) one would report this
        # one's peak as its own; a fork of the small shell starts from zero.
        cmd = [
            "/bin/sh",
            "-c",
            '"$@"; exit $?',
            "sh",
            sys.executable,
            str(Path(__file__).resolve()),
            "--memory-child",
            str(n),
            "--store",
            str(Path(tmp) / "store"),
            "--seed",
            str(seed),
            "--workers",
            str(workers),
        ]
        peak = {"rss_mb": 0.0, "pss_mb": 0.0, "procs": 0, "parent_rss_mb": 0.0}
        series: list[tuple[float, float, float, int]] = []
        with Meter() as meter:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
            stop = threading.Event()

            def sample() -> None:
                t0 = time.perf_counter()
                while not stop.is_set():
                    tree = process_tree(proc.pid)  # the shell, Python below it, the workers
                    python = [p for p, parent in tree.items() if parent == proc.pid]
                    rss, pss, procs = tree_memory_mb([p for p in tree if p != proc.pid])
                    own = _kb(f"/proc/{python[0]}/status", "VmRSS:") / 1024.0 if python else 0.0
                    if procs:
                        series.append((time.perf_counter() - t0, rss, pss, procs))
                    peak["rss_mb"] = max(peak["rss_mb"], rss)
                    peak["pss_mb"] = max(peak["pss_mb"], pss)
                    peak["procs"] = max(peak["procs"], procs)
                    peak["parent_rss_mb"] = max(peak["parent_rss_mb"], own)
                    stop.wait(SAMPLE_S)

            thread = threading.Thread(target=sample, daemon=True)
            thread.start()
            stdout, _ = proc.communicate()
            stop.set()
            thread.join()
        if proc.returncode != 0:
            raise RuntimeError(f"memory run of {n} replications failed ({proc.returncode})")
    child = json.loads(stdout.strip().splitlines()[-1])
    # RSS / Pss every ~10 s, to show whether memory creeps up during the run.
    step = max(1, round(10.0 / SAMPLE_S))
    trace = [
        {"t_s": round(t, 1), "rss_mb": round(r, 1), "pss_mb": round(p, 1), "procs": k}
        for t, r, p, k in series[::step]
    ]
    return {
        **child,
        "tree_peak_rss_mb": peak["rss_mb"],
        "tree_peak_pss_mb": peak["pss_mb"],
        "parent_peak_rss_mb": peak["parent_rss_mb"],
        "max_processes": peak["procs"],
        "samples": len(series),
        "trace": trace,
        "meter": meter.report(),
    }


# ---------------------------------------------------------------------- main


def _disturbed(m: dict[str, Any]) -> bool:
    """Whether other processes took over IDLE_CPU cores (blocks under 1 s: too short to
    tell, at 100 clock ticks a second)."""
    return bool(m.get("other_cpu_cores", 0.0) > IDLE_CPU and m["wall_s"] >= 1.0)


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=1000, help="replications to time (default 1000)")
    ap.add_argument(
        "--memory-reps",
        default="1000,10000",
        help="comma-separated ensemble sizes for the memory runs (default 1000,10000)",
    )
    ap.add_argument("--skip-memory", action="store_true", help="skip the memory runs")
    ap.add_argument("--skip-dask", action="store_true", help="skip the Dask LocalCluster")
    ap.add_argument("--json", type=Path, help="also write every number to this JSON file")
    ap.add_argument("--seed", type=int, default=2025, help="root seed (default 2025)")
    ap.add_argument("--workers", type=int, default=2, help="parallel workers (default 2)")
    ap.add_argument(
        "--max-wait",
        type=float,
        default=LOAD_MAX_WAIT_S,
        help=f"seconds to wait for a quiet machine (default {LOAD_MAX_WAIT_S:.0f}; 0: no wait)",
    )
    ap.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="time each configuration this many times, order rotating; best and median "
        "reported (default 3)",
    )
    ap.add_argument(
        "--retries",
        type=int,
        default=1,
        help="time a block again when other processes took over "
        f"{IDLE_CPU} cores meanwhile, up to this many times (default 1)",
    )
    ap.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.memory_child is not None:
        return memory_child(args.memory_child, args.store, args.seed, args.workers)
    if args.reps < 1 or args.workers < 2 or args.rounds < 1 or args.retries < 0:
        ap.error("--reps and --rounds must be >= 1, --workers >= 2, --retries >= 0")
    try:
        memory_sizes = sorted({int(x) for x in args.memory_reps.split(",") if x.strip()})
    except ValueError:
        ap.error(f"--memory-reps: comma-separated integers expected (got {args.memory_reps!r})")
    if not args.skip_memory and (not memory_sizes or min(memory_sizes) < 1):
        ap.error("--memory-reps needs at least one size >= 1")

    n, w, seed = args.reps, args.workers, args.seed
    print(f"simfuel ensemble benchmark: {SCENARIO.relative_to(ROOT)}, seed {seed}")
    print(
        f"python {platform.python_version()}, simfuel {simfuel.__version__}, numpy "
        f"{np.__version__}, pandas {pd.__version__}, {os.cpu_count()} CPUs, "
        f"{platform.machine()}, start method {_start_method()}"
    )
    load = wait_for_quiet(LOAD_THRESHOLD, LOAD_POLL_S, args.max_wait)

    scenario = simfuel.load_scenario(SCENARIO)
    run_ensemble(scenario, 4, seed=seed + 1, workers=1, progress=False)  # warm-up

    def ensemble(**kw: Any) -> Callable[[], Any]:
        return lambda: run_ensemble(scenario, n, seed=seed, progress=False, **kw)

    report: dict[str, Any] = {
        "scenario": str(SCENARIO.relative_to(ROOT)),
        "seed": seed,
        "reps": n,
        "workers": w,
        "batch_size": {"serial": default_batch_size(n, 1), "parallel": default_batch_size(n, w)},
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_wait": load,
        "targets": {
            "speedup": SPEEDUP_TARGET,
            "dask_over_pool": DASK_TARGET,
            "memory_mb": MEMORY_TARGET_MB,
            "memory_growth": GROWTH_TARGET,
        },
    }
    print(f"\ntiming {n:,} replications, {args.rounds} round(s) ...", flush=True)
    t, same, extra = time_ensembles(
        ensemble, w, args.rounds, args.skip_dask, args.max_wait, args.retries
    )
    report.update(extra)
    report["timings"] = t
    report["identical_to_serial"] = same

    memory: dict[int, dict[str, Any]] = {}
    if not args.skip_memory:
        for size in memory_sizes:
            print(f"memory: {size:,} replications streamed to disk ...", flush=True)
            memory[size] = measure_memory(size, seed, w)
    report["memory"] = {str(k): v for k, v in memory.items()}

    # ------------------------------------------------------------------ print
    best = {k: _best(v) for k, v in t.items() if v}
    ser = best["serial"]
    speedup = ser["wall_s"] / best["pool"]["wall_s"]
    speedup_warm = ser["wall_s"] / best["pool_warm"]["wall_s"]
    paired = _paired(t, "serial", "pool")
    print()
    head = (
        f"{n:,} replications, best of {args.rounds}{'':12} {'wall s':>8} {'reps/s':>8}"
        f" {'ms/rep':>7} {'speedup':>7} {'median s':>8} {'load1':^11} {'own':>5} {'other':>6}"
    )
    print(head)
    print("-" * len(head))
    rows = [
        ("serial (workers=1, this process)", "serial"),
        (f"pool, {w} workers (incl. start-up)", "pool"),
        (f"pool, {w} workers, pre-started", "pool_warm"),
        (f"Dask LocalCluster, {w} workers", "dask"),
    ]
    for label, key in rows:
        if key not in best:
            print(f"{label:40} {'skipped':>8}")
            continue
        b = best[key]
        walls = [x["wall_s"] for x in t[key]]
        loads = [x[k] for x in t[key] for k in ("load1_min", "load1_max")]
        other = max(x["other_cpu_cores"] for x in t[key])
        flag = " *" if any(_disturbed(x) for x in t[key]) else ""
        print(
            f"{label:40} {b['wall_s']:8.2f} {n / b['wall_s']:8.1f} {b['wall_s'] / n * 1000:7.1f}"
            f" {ser['wall_s'] / b['wall_s']:7.2f} {statistics.median(walls):8.2f}"
            f" {min(loads):5.2f}-{max(loads):<5.2f} {b['own_cpu_cores']:5.2f} {other:6.2f}{flag}"
        )
        if key == "pool_warm":
            print(f"{'  pool start-up (excluded)':40} {extra['pool_start_s']:8.2f}")
        if key == "dask":
            for what, k2 in (
                ("cluster start-up", "cluster_start_s"),
                ("worker imports", "worker_imports_s"),
            ):
                v = statistics.median(d[k2] for d in extra["dask_times"])
                print(f"{f'  {what} (excluded, median)':40} {v:8.2f}")
    print(
        f"batch size: {report['batch_size']['serial']} serial, "
        f"{report['batch_size']['parallel']} in parallel. own: CPU cores this benchmark used "
        "(best round); other: cores other processes used (worst round); load1: 1-minute "
        "load during the blocks, this benchmark included"
    )
    for key in t:
        walls = ", ".join(f"{x['wall_s']:.1f}" for x in t[key])
        probes = ", ".join(f"{x['probe_ms']:.0f}" for x in t[key])
        print(f"  {key:10} wall s per round: {walls}   speed probe ms: {probes}")
    print(
        "speed probe: a fixed pure-Python loop timed in this process before each block; "
        "its spread is the machine's own variation (other VMs on the host are invisible "
        "to 'other')"
    )
    if any(_disturbed(x) for v in t.values() for x in v):
        print(f"* other processes used more than {IDLE_CPU} cores in some round")
    print(
        "results identical to serial: "
        + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in same.items())
    )

    if memory:
        sizes = sorted(memory)
        lo, hi = memory[sizes[0]], memory[sizes[-1]]
        print()
        head = f"{'memory, streamed to disk, MB':40}" + "".join(f" {f'n={s:,}':>10}" for s in sizes)
        if len(sizes) > 1:
            head += f" {'ratio':>7}"
        print(head)
        print("-" * len(head))
        rows = [
            ("peak RSS of process tree (sum, /proc)", "tree_peak_rss_mb", "{:10.1f}"),
            ("peak Pss of process tree (sum, /proc)", "tree_peak_pss_mb", "{:10.1f}"),
            ("peak RSS of parent (/proc)", "parent_peak_rss_mb", "{:10.1f}"),
            ("peak RSS of parent (VmHWM)", "parent_vmhwm_mb", "{:10.1f}"),
            ("ru_maxrss parent (RUSAGE_SELF)", "parent_maxrss_mb", "{:10.1f}"),
            ("  of which after imports", "parent_maxrss_after_imports_mb", "{:10.1f}"),
            ("ru_maxrss largest child (CHILDREN)", "max_child_maxrss_mb", "{:10.1f}"),
            ("store on disk", "store_mb", "{:10.1f}"),
            ("wall time, s", "wall_s", "{:10.1f}"),
            ("processes in tree (max)", "max_processes", "{:10d}"),
        ]
        for label, key, fmt in rows:
            line = f"{label:40}" + "".join(" " + fmt.format(memory[s][key]) for s in sizes)
            if len(sizes) > 1 and key not in ("max_processes",):
                line += f" {hi[key] / lo[key]:7.2f}" if lo[key] else ""
            print(line)
        rate = " ".join(f"{s / memory[s]['wall_s']:.1f}" for s in sizes)
        print(
            f"replications/s: {rate}; other CPU (cores): "
            + " ".join(f"{memory[s]['meter']['other_cpu_cores']:.2f}" for s in sizes)
        )
        print(
            "RSS sums count pages shared by the forked workers once per process (upper "
            "bound); Pss splits them (real footprint). RUSAGE_CHILDREN is the largest "
            "single child, not a sum."
        )

    # ------------------------------------------------------------------ targets
    print()
    ok_speed = speedup >= SPEEDUP_TARGET
    report["speedup"] = {"best": speedup, "best_pre_started": speedup_warm, "paired": paired}
    print(
        f"target speedup >= {SPEEDUP_TARGET} ({w} workers incl. start-up, {n:,} reps, best "
        f"times): {_verdict(ok_speed)} ({speedup:.2f}; pre-started {speedup_warm:.2f}; "
        f"median of rounds' paired ratios {paired:.2f})"
    )
    verdicts = {"speedup": ok_speed}
    if "dask" in best:
        ratio = best["dask"]["wall_s"] / best["pool"]["wall_s"]
        ratio_warm = best["dask"]["wall_s"] / best["pool_warm"]["wall_s"]
        ratio_paired = _paired(t, "dask", "pool")
        verdicts["dask"] = ratio <= DASK_TARGET
        report["dask_over_pool"] = {
            "incl_pool_start": ratio,
            "pre_started_pool": ratio_warm,
            "paired": ratio_paired,
        }
        print(
            f"target Dask / pool wall time <= {DASK_TARGET} (cluster start-up excluded, best "
            f"times): {_verdict(verdicts['dask'])} ({ratio:.2f}; vs pre-started pool "
            f"{ratio_warm:.2f}; median of rounds' paired ratios {ratio_paired:.2f})"
        )
    if memory:
        big = memory[max(memory)]
        verdicts["memory"] = big["tree_peak_rss_mb"] < MEMORY_TARGET_MB
        print(
            f"target peak memory < {MEMORY_TARGET_MB:.0f} MB (n={max(memory):,}, tree RSS sum): "
            f"{_verdict(verdicts['memory'])} ({big['tree_peak_rss_mb']:.1f} MB; Pss "
            f"{big['tree_peak_pss_mb']:.1f} MB)"
        )
        if len(memory) > 1:
            small = memory[min(memory)]
            growth = big["tree_peak_rss_mb"] / small["tree_peak_rss_mb"]
            growth_pss = big["tree_peak_pss_mb"] / small["tree_peak_pss_mb"]
            verdicts["growth"] = growth <= GROWTH_TARGET
            report["memory_growth"] = {"rss": growth, "pss": growth_pss}
            print(
                f"target memory not growing with n (n={max(memory):,} / n={min(memory):,} "
                f"<= {GROWTH_TARGET}): {_verdict(verdicts['growth'])} (RSS {growth:.2f}, "
                f"Pss {growth_pss:.2f})"
            )
    report["verdicts"] = verdicts

    if args.json:
        write_json(args.json, report)
    return 0


def _start_method() -> str:
    import multiprocessing

    return str(multiprocessing.get_start_method())


if __name__ == "__main__":
    raise SystemExit(main())
