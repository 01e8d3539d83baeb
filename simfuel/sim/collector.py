"""The cyclic garbage collector paused while a simulation runs.

A replication allocates tens of thousands of short-lived objects (events, records,
callbacks); reference counting frees them, and the cycles it leaves (a SimPy process and
its generator, the run's objects among themselves) are few and freed with the run. The
collector's generation-0 passes over the young objects cost about 8 % of mali-2025
replications run one after another (``benchmarks/bench_versions.py``, blocks), for almost
nothing found. :func:`paused` turns it off for the run and back on after, when the run's
cycles are collected in one pass.

Thread-safe and nesting: runs on several threads of one process (a Dask worker with more
than one thread) share one pause, and the collector comes back on when the last of them
ends, and only if it was on before the first began (a caller's own ``gc.disable()`` is
left alone).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused"]

_lock = threading.Lock()
_runs = 0  # runs inside the pause now
_resume = False  # whether the collector was on when the pause began


@contextmanager
def paused() -> Iterator[None]:
    """Turn the cyclic garbage collector off for the ``with`` block (see the module)."""
    global _runs, _resume
    with _lock:
        if _runs == 0:
            _resume = gc.isenabled()
            gc.disable()
        _runs += 1
    try:
        yield
    finally:
        with _lock:
            _runs -= 1
            if _runs == 0 and _resume:
                gc.enable()
