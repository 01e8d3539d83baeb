"""Where batches run: in this process, on a process pool, or on a Dask cluster.

One function, :func:`map_batches`, is shared by ensembles, sweeps, calibration,
sensitivity analysis and fleet sizing: it calls ``fn(*shared, batch)`` for every batch and
yields results as they complete, with a bounded number in flight (memory stays flat).

The process pool's workers never outlive the process that started them: each watches
its parent (:func:`exit_with_parent`) and exits when it dies, even by ``kill -9``.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import threading
from collections.abc import Callable, Generator, Sequence
from typing import Any, TypeVar

__all__ = ["exit_with_parent", "is_dask_client", "map_batches", "resolve_workers"]

#: Seconds between two looks at the parent; bounds how long an orphaned worker lives.
PARENT_POLL_S = 1.0

R = TypeVar("R")


def is_dask_client(executor: Any) -> bool:
    """Whether ``executor`` is a :class:`dask.distributed.Client`."""
    return type(executor).__module__.startswith("distributed") and hasattr(executor, "gather")


def resolve_workers(executor: Any, workers: int | None) -> int:
    """How many tasks can run at once: a Dask cluster's workers, else ``workers`` or cores."""
    if executor is not None and is_dask_client(executor):
        return max(1, len(executor.scheduler_info().get("workers", {})) or (workers or 1))
    return int(workers or os.cpu_count() or 1)


def exit_with_parent() -> None:
    """Make this worker process exit as soon as its parent process is gone.

    An ``initializer`` for :class:`concurrent.futures.ProcessPoolExecutor` (the default
    pool uses it; pass it to a pool of your own). Without it, the workers of a parent
    killed with ``kill -9`` (or by a ``SIGTERM`` it does not handle) wait for work
    forever. A daemon thread waits on the parent's sentinel (a pipe that the kernel
    closes when the parent dies; a handle on Windows), and also checks, every
    :data:`PARENT_POLL_S`, that the parent's process id is unchanged (POSIX reparents an
    orphan), then ends the process at once.
    """
    parent = multiprocessing.parent_process()
    first_ppid = os.getppid()

    def watch() -> None:
        while True:
            if parent is not None:
                parent.join(PARENT_POLL_S)  # returns early when the parent dies
                gone = not parent.is_alive()
            else:  # pragma: no cover - not started by multiprocessing
                threading.Event().wait(PARENT_POLL_S)
                gone = False
            if gone or (os.name != "nt" and os.getppid() != first_ppid):
                os._exit(1)  # no clean-up: the parent that would want the results is gone

    threading.Thread(target=watch, name="simfuel-exit-with-parent", daemon=True).start()


def _stop_workers(pool: cf.ProcessPoolExecutor) -> None:
    """End the pool's workers now, not after their running batches (an interrupted run)."""
    processes = getattr(pool, "_processes", None) or {}  # no public way before 3.14
    for proc in list(processes.values()):
        proc.terminate()


def map_batches(
    fn: Callable[..., R],
    shared: Sequence[Any],
    batches: Sequence[Any],
    *,
    executor: Any = None,
    workers: int = 1,
) -> Generator[R, None, None]:
    """Yield ``fn(*shared, batch)`` for every batch, in completion order.

    Close the generator (``contextlib.closing``) to stop early: an owned pool's workers
    are then ended at once.

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
    pool: Any = (
        cf.ProcessPoolExecutor(max_workers=workers, initializer=exit_with_parent)
        if owned
        else executor
    )
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
    except BaseException:
        # Interrupted (Ctrl-C, SIGTERM turned into an exception, a failed write) or
        # abandoned: batches still running are not wanted, so do not wait for them.
        if owned:
            _stop_workers(pool)
        raise
    finally:
        if owned:
            pool.shutdown(wait=True, cancel_futures=True)
