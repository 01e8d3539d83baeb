"""The one many-runs primitive: (point, replication) runs in batches, on any executor.

Ensembles, sweeps, calibration, sensitivity analysis and fleet sizing all run through
:func:`iter_runs` (streaming) or :func:`run_points` (collected into arrays):

* runs go in batches of ``batch_size`` (default :func:`default_batch_size`) to
  :func:`~simfuel.ensemble.executors.map_batches`: this process, a process pool, any
  :class:`concurrent.futures.Executor` or a Dask client, with a bounded number of
  batches in flight;
* run ``(p, r)`` always uses :func:`~simfuel.ensemble.seeds.point_seed`, whatever the
  batch or worker, so the result is the same, bit for bit, everywhere;
* a run that raises is captured as a :class:`~simfuel.ensemble.worker.ReplicationFailure`
  (point, replication, seed, traceback) and the others go on: the caller decides what a
  failure means (an ensemble raises :class:`EnsembleError` at the end, a calibration
  drops the draw);
* one progress bar (``tqdm.auto``) counts the runs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator, Sequence
from dataclasses import dataclass

import numpy as np

from ..results import SUMMARY_METRICS
from .executors import map_batches, resolve_workers
from .progress import progress_bar
from .worker import BatchOutput, PointSpec, ReplicationFailure, run_tasks

__all__ = [
    "EnsembleError",
    "Execution",
    "PointArrays",
    "default_batch_size",
    "iter_runs",
    "run_points",
    "tasks_of",
]


class EnsembleError(RuntimeError):
    """Some runs raised. Finished ones are kept (and stored, with ``store=``).

    Attributes
    ----------
    failures : list of ReplicationFailure
        Point, index, seed and traceback of every failed run.
    """

    def __init__(self, failures: Sequence[ReplicationFailure], what: str = "replication") -> None:
        self.failures = sorted(failures, key=lambda f: (f.point or 0, f.index))
        head = "\n".join(str(f) for f in self.failures[:10])
        more = f"\n... and {len(self.failures) - 10} more" if len(self.failures) > 10 else ""
        super().__init__(f"{len(self.failures)} {what}(s) failed:\n{head}{more}")


def default_batch_size(n: int, workers: int) -> int:
    """Runs per task: about 8 tasks per worker, between 1 and 100.

    Enough tasks to balance the load, few enough that per-task overhead (pickling the
    scenario, scheduling) stays small next to the tasks' run time.
    """
    return int(max(1, min(100, -(-n // (8 * max(1, workers))))))


def tasks_of(points: int, reps: int) -> np.ndarray:
    """Every ``(point, replication)`` pair, point after point: shape ``(points * reps, 2)``."""
    p, r = np.divmod(np.arange(points * reps, dtype=np.int64), reps)
    return np.stack([p, r], axis=1)


@dataclass(frozen=True)
class Execution:
    """Where and how the runs of one call go: executor, batches, progress bar.

    Parameters
    ----------
    executor : concurrent.futures.Executor or dask.distributed.Client, optional
        Where to run (see :func:`~simfuel.ensemble.executors.map_batches`); None: a
        process pool of ``workers`` processes, or this process when ``workers`` is 1.
    workers : int, optional
        Processes of the default pool (default: all cores); with a Dask client, its
        workers are counted instead (:func:`~simfuel.ensemble.executors.resolve_workers`).
    batch_size : int, optional
        Runs per task (default: :func:`default_batch_size`).
    progress : bool
        Show the progress bar.
    desc, unit : str
        The bar's label and unit.
    point_labels : tuple of str
        One label per point (e.g. ``threat.hazard_per_100km=0.2``): the bar shows the
        point of the batch that finished last, ``point 3/9: ...``.
    """

    executor: object = None
    workers: int | None = None
    batch_size: int | None = None
    progress: bool = True
    desc: str = "runs"
    unit: str = "run"
    point_labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "workers", resolve_workers(self.executor, self.workers))
        if self.batch_size is not None and self.batch_size < 0:
            raise ValueError(f"batch_size must be >= 1 (got {self.batch_size})")

    def batch(self, runs: int) -> int:
        """Runs per task for ``runs`` runs."""
        return int(self.batch_size or default_batch_size(runs, int(self.workers or 1)))


def iter_runs(
    spec: PointSpec,
    tasks: np.ndarray,
    how: Execution,
    *,
    total: int | None = None,
    initial: int = 0,
) -> Generator[BatchOutput, None, None]:
    """Run ``tasks`` (rows of ``(point, replication)``); yield batches as they complete.

    Stopping early works as for :func:`~simfuel.ensemble.executors.map_batches` (close
    the generator); the progress bar is closed with it.

    Parameters
    ----------
    spec : PointSpec
        The base scenario, the points' overrides, the root seed and what to keep.
    tasks : numpy.ndarray, shape (k, 2)
        The runs to do.
    how : Execution
        Executor, batch size and progress bar.
    total, initial
        The bar's length and start (default: ``len(tasks)`` and 0; a resumed ensemble
        starts at the runs already done).
    """
    size = how.batch(len(tasks))
    pairs = [(int(p), int(r)) for p, r in tasks]
    batches = [pairs[i : i + size] for i in range(0, len(pairs), size)]
    bar = progress_bar(
        len(pairs) + initial if total is None else total,
        initial=initial,
        enabled=how.progress,
        desc=how.desc,
        unit=how.unit,
    )
    try:
        outputs = map_batches(
            run_tasks, (spec,), batches, executor=how.executor, workers=int(how.workers or 1)
        )
        # closing: a caller that stops (a failed write) stops the pool now, not when the
        # traceback that holds this frame is freed.
        with contextlib.closing(outputs):
            labels = how.point_labels
            for out in outputs:
                if labels and out.points is not None and len(out.points):
                    # Points run point after point (tasks_of), so this is where it stands.
                    p = int(out.points[-1])
                    bar.set_postfix_str(f"point {p + 1}/{len(labels)}: {labels[p]}", refresh=False)
                bar.update(out.runs)
                yield out
    finally:
        bar.close()


@dataclass
class PointArrays:
    """Every run of a :func:`run_points` call, by point and replication (NaN: failed).

    Attributes
    ----------
    summary : numpy.ndarray, shape (points, reps, len(SUMMARY_METRICS))
    daily : numpy.ndarray, shape (points, reps, days, len(spec.fields))
    stats : numpy.ndarray or None, shape (points, reps, s)
    failures : list of ReplicationFailure
        The runs that raised, by point and replication.
    place_summary : numpy.ndarray, shape (points, reps, len(spec.places), len(SUMMARY_METRICS))
    place_daily : numpy.ndarray, shape (points, reps, len(spec.places), days, len(spec.fields))
        The other places with stock that ``spec.places`` asks for, in its order.
    """

    summary: np.ndarray
    daily: np.ndarray
    stats: np.ndarray | None
    failures: list[ReplicationFailure]
    place_summary: np.ndarray | None = None
    place_daily: np.ndarray | None = None


def run_points(spec: PointSpec, points: int, reps: int, how: Execution) -> PointArrays:
    """Run ``reps`` replications at each of ``points`` points; collect them as arrays.

    Failed runs are left NaN and listed in :attr:`PointArrays.failures`; nothing is raised
    for them. Arguments as for :func:`iter_runs`.
    """
    days = spec.base.horizon_days
    summary = np.full((points, reps, len(SUMMARY_METRICS)), np.nan)
    daily = np.full((points, reps, days, len(spec.fields)), np.nan)
    stats: np.ndarray | None = None
    p = len(spec.places)
    place_summary = np.full((points, reps, p, len(SUMMARY_METRICS)), np.nan)
    place_daily = np.full((points, reps, p, days, len(spec.fields)), np.nan)
    failures: list[ReplicationFailure] = []
    runs = iter_runs(spec, tasks_of(points, reps), how)
    with contextlib.closing(runs):
        for out in runs:
            failures.extend(out.failures)
            where = (np.zeros_like(out.indices) if out.points is None else out.points, out.indices)
            summary[where] = out.summary
            daily[where] = out.daily
            if p and out.place_summary is not None and out.place_daily is not None:
                place_summary[where] = out.place_summary
                place_daily[where] = out.place_daily
            if out.stats is not None:
                if stats is None:
                    stats = np.full((points, reps, out.stats.shape[-1]), np.nan)
                stats[where] = out.stats
    failures.sort(key=lambda f: (f.point or 0, f.index))
    return PointArrays(summary, daily, stats, failures, place_summary, place_daily)
