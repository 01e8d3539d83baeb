"""Where batches run: in this process, on a process pool, or on a Dask cluster.

One function, :func:`map_batches`, is shared by ensembles, sweeps, calibration,
sensitivity analysis and fleet sizing: it calls ``fn(*shared, batch)`` for every batch and
yields results as they complete, with a bounded number in flight (memory stays flat).
"""

from __future__ import annotations

import concurrent.futures as cf
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

__all__ = ["is_dask_client", "map_batches", "resolve_workers"]

R = TypeVar("R")


def is_dask_client(executor: Any) -> bool:
    """Whether ``executor`` is a :class:`dask.distributed.Client`."""
    return type(executor).__module__.startswith("distributed") and hasattr(executor, "gather")


def resolve_workers(executor: Any, workers: int | None) -> int:
    """How many tasks can run at once: a Dask cluster's workers, else ``workers`` or cores."""
    if executor is not None and is_dask_client(executor):
        return max(1, len(executor.scheduler_info().get("workers", {})) or (workers or 1))
    return int(workers or os.cpu_count() or 1)


def map_batches(
    fn: Callable[..., R],
    shared: Sequence[Any],
    batches: Sequence[Any],
    *,
    executor: Any = None,
    workers: int = 1,
) -> Iterator[R]:
    """Yield ``fn(*shared, batch)`` for every batch, in completion order.

    Parameters
    ----------
    fn : callable
        A module-level function (it is pickled to the workers).
    shared : sequence
        Arguments common to every batch (a Dask cluster receives them once, scattered).
    batches : sequence
        One item per task.
    executor : concurrent.futures.Executor or dask.distributed.Client, optional
        Where to run. None: a process pool of ``workers`` processes, or this process
        when ``workers`` is 1.
    workers : int
        Processes of the default pool; also bounds the tasks in flight (2 per worker).
    """
    if executor is None and workers <= 1:
        for batch in batches:
            yield fn(*shared, batch)
        return

    owned = executor is None
    pool: Any = cf.ProcessPoolExecutor(max_workers=workers) if owned else executor
    pending = list(reversed(batches))
    limit = 2 * max(1, workers)
    try:
        if is_dask_client(pool):
            from distributed import as_completed as dask_as_completed

            # A list of one: scatter would split a tuple or list into several futures.
            # hash=False: content-hashed keys collide with the copy a previous call is
            # still releasing ("lost dependencies", dask/distributed#8576).
            scattered = [pool.scatter([a], broadcast=True, hash=False)[0] for a in shared]

            def submit() -> Any:
                return pool.submit(fn, *scattered, pending.pop(), pure=False)

            ac = dask_as_completed([submit() for _ in range(min(limit, len(pending)))])
            for future in ac:
                out = future.result()
                future.release()
                if pending:
                    ac.add(submit())
                yield out
            return
        running = {pool.submit(fn, *shared, pending.pop()) for _ in range(min(limit, len(pending)))}
        while running:
            done, running = cf.wait(running, return_when=cf.FIRST_COMPLETED)
            for future in done:
                if pending:
                    running.add(pool.submit(fn, *shared, pending.pop()))
                yield future.result()
    finally:
        if owned:
            pool.shutdown(wait=True, cancel_futures=True)
