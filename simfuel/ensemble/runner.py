"""``run_ensemble``: many replications, in batches, on any executor, resumable.

Where work runs:

* ``executor=None`` and ``workers=1``: in this process, batch after batch;
* ``executor=None`` (default): a local :class:`~concurrent.futures.ProcessPoolExecutor`
  with ``workers`` processes (default: all cores);
* any :class:`concurrent.futures.Executor` you pass;
* a :class:`dask.distributed.Client` (``pip install simfuel[dask]``): a LocalCluster
  or a real cluster.

Replication ``i`` always runs on child ``i`` of the root SeedSequence, in whichever
batch and on whichever worker, so the result is the same, bit for bit, everywhere.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..results import SUMMARY_METRICS
from ..run import SeedLike
from ..scenario import Scenario, load_scenario
from ..sim.plan import warn_unstaffed
from ..sim.recorder import DAILY_FIELDS
from .executors import map_batches, resolve_workers
from .progress import progress_bar
from .result import EnsembleResult
from .seeds import root_seed
from .store import EnsembleStore, StoreDamaged
from .worker import BatchOutput, ReplicationFailure, run_batch

__all__ = ["EnsembleError", "default_batch_size", "run_ensemble"]


class EnsembleError(RuntimeError):
    """Some replications raised. Finished ones are kept (and stored, with ``store=``).

    Attributes
    ----------
    failures : list of ReplicationFailure
        Index, seed and traceback of every failed replication.
    """

    def __init__(self, failures: Sequence[ReplicationFailure]) -> None:
        self.failures = list(failures)
        head = "\n".join(str(f) for f in self.failures[:10])
        more = f"\n... and {len(self.failures) - 10} more" if len(self.failures) > 10 else ""
        super().__init__(f"{len(self.failures)} replication(s) failed:\n{head}{more}")


def default_batch_size(n: int, workers: int) -> int:
    """Replications per task: about 8 tasks per worker, between 1 and 100.

    Enough tasks to balance the load, few enough that per-task overhead (pickling the
    scenario, scheduling) stays small next to the tasks' run time.
    """
    return int(max(1, min(100, -(-n // (8 * max(1, workers))))))


@dataclass
class _Plan:
    scenario: Scenario
    entropy: int
    spawn_key: tuple[int, ...]
    batches: list[list[int]]


def _batches(todo: np.ndarray, size: int) -> list[list[int]]:
    return [todo[i : i + size].tolist() for i in range(0, todo.size, size)]


def run_ensemble(
    scenario: Scenario | str | os.PathLike[str] | Mapping[str, Any],
    n: int,
    *,
    seed: SeedLike,
    executor: Any = None,
    workers: int | None = None,
    batch_size: int | None = None,
    store: str | os.PathLike[str] | None = None,
    resume: bool = False,
    progress: bool = True,
) -> EnsembleResult:
    """Run ``n`` replications of a scenario.

    Parameters
    ----------
    scenario : Scenario, path or mapping
        What to run (anything :func:`simfuel.load_scenario` accepts).
    n : int
        Number of replications (>= 1).
    seed : int or numpy.random.SeedSequence
        Root seed; replication ``i`` runs on its child ``i``. The result depends on
        ``seed`` and ``n`` only, not on the executor, the workers or the batch size.
    executor : concurrent.futures.Executor or dask.distributed.Client, optional
        Where to run. Default: a local process pool with ``workers`` processes.
    workers : int, optional
        Processes of the default pool (default: all cores; 1 runs in this process).
    batch_size : int, optional
        Replications per task (default: :func:`default_batch_size`).
    store : path, optional
        Folder to stream finished batches to as Parquet parts (flushed to disk, then
        renamed into place). Memory then stays flat in ``n`` and the returned result
        reads from disk. The folder is locked for the whole run: one writer at a time.
    resume : bool
        With ``store``: finish an interrupted ensemble, running only the missing
        replications. Every part is read first; batches whose parts cannot be read
        (truncated, empty) are run again. The result is identical to an uninterrupted
        run.
    progress : bool
        Show a progress bar (tqdm; renders in Jupyter too).

    Returns
    -------
    EnsembleResult

    Raises
    ------
    EnsembleError
        If any replication raised; its index and seed are in the message, and the
        finished replications are kept in ``store`` (so ``resume`` retries only those).
    StoreMismatch
        If ``store`` holds another ensemble, or this one and ``resume`` is False.
    StoreLocked
        If another run or resume is writing into ``store`` now (one writer per folder).
    StoreDamaged
        If ``store``'s manifest cannot be read, or two of its parts overlap. (Parts that
        cannot be read are computed again on ``resume``.)
    OSError
        If a part cannot be written (a full disk): the parts written before stay, and
        ``resume`` finishes the run.
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a positive integer (got {n!r})")
    sc = load_scenario(scenario)
    warn_unstaffed(sc)  # here, once: not in every worker process
    root = root_seed(seed)
    if not isinstance(root.entropy, int):
        raise ValueError("the root SeedSequence must have integer entropy")
    workers = resolve_workers(executor, workers)
    size = int(batch_size or default_batch_size(n, workers))
    if size < 1:
        raise ValueError(f"batch_size must be >= 1 (got {batch_size})")

    box = EnsembleStore(store) if store is not None else None
    # One writer per store from the first check to the last read: a second run or resume
    # started meanwhile is refused (StoreLocked) instead of writing overlapping parts.
    with box.writing() if box is not None else contextlib.nullcontext():
        done = np.empty(0, dtype=np.int64)
        if box is not None:
            box.initialise(sc, root.entropy, tuple(root.spawn_key), int(n), resume)
            done = box.done()
        todo = np.setdiff1d(np.arange(n, dtype=np.int64), done)
        plan = _Plan(sc, root.entropy, tuple(root.spawn_key), _batches(todo, size))
        outputs, failures = _run_batches(plan, n, done, box, executor, workers, progress)
        if failures:
            raise EnsembleError(sorted(failures, key=lambda f: f.index))
        if box is None:
            return _in_memory(sc, root, outputs)
        summary = box.read_summary()
        summary = summary[summary.index < n]
        if not np.array_equal(summary.index.to_numpy(), np.arange(n)):  # pragma: no cover
            raise StoreDamaged(f"{box.dir}: after the run, replications are missing")
        return EnsembleResult(sc, root.entropy, tuple(root.spawn_key), summary, store=box)


def _run_batches(
    plan: _Plan,
    n: int,
    done: np.ndarray,
    box: EnsembleStore | None,
    executor: Any,
    workers: int,
    progress: bool,
) -> tuple[list[BatchOutput], list[ReplicationFailure]]:
    """Run the plan's batches; stream them to ``box`` or keep them. Returns (kept, failed)."""
    outputs: list[BatchOutput] = []
    failures: list[ReplicationFailure] = []
    bar = progress_bar(
        n,
        initial=int(np.intersect1d(done, np.arange(n)).size),
        enabled=progress,
        desc=plan.scenario.name,
        unit="rep",
    )
    try:
        shared = (plan.scenario, plan.entropy, plan.spawn_key)
        batches = map_batches(run_batch, shared, plan.batches, executor=executor, workers=workers)
        # closing: a failed write (a full disk) stops the pool now, not when the
        # traceback that holds this frame is freed.
        with contextlib.closing(batches):
            for out in batches:
                failures.extend(out.failures)
                if box is not None:
                    box.write_batch(out)
                else:
                    outputs.append(out)
                bar.update(out.indices.size + len(out.failures))
    finally:
        bar.close()
    return outputs, failures


def _in_memory(
    sc: Scenario, root: np.random.SeedSequence, outputs: list[BatchOutput]
) -> EnsembleResult:
    indices = np.concatenate([o.indices for o in outputs])
    order = np.argsort(indices, kind="stable")
    summary = np.vstack([o.summary for o in outputs])[order]
    daily = np.concatenate([o.daily for o in outputs])[order]
    frame = pd.DataFrame(summary, columns=list(SUMMARY_METRICS), index=indices[order])
    fields = {f: np.ascontiguousarray(daily[:, :, j]) for j, f in enumerate(DAILY_FIELDS)}
    assert isinstance(root.entropy, int)
    return EnsembleResult(sc, root.entropy, tuple(root.spawn_key), frame, daily=fields)
