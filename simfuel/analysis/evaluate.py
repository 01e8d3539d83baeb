"""Run many parameter points with common random numbers, in batches, on any executor.

The engine of calibration, sensitivity analysis and fleet sizing: point ``p`` is the base
scenario with ``points[p]`` applied (dotted paths, as ``simfuel run --set``); its
replication ``r`` runs on child ``r`` of the root seed, the same child at every point,
so differences between points come from the parameters, not from luck.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..ensemble.executors import map_batches, resolve_workers
from ..ensemble.progress import progress_bar
from ..ensemble.seeds import replication_seed, root_seed
from ..ensemble.worker import arrays_from_records, simulate_arrays
from ..results import SUMMARY_METRICS
from ..run import SeedLike
from ..scenario import Scenario, apply_overrides, load_scenario
from ..sim import Recorder, Simulation, compile_plan
from ..sim.engine import child_seed
from ..sim.plan import warn_unstaffed
from ..sim.recorder import DAILY_FIELDS

__all__ = ["PointResults", "evaluate_points", "point_seed"]

#: A statistic computed from one replication's records: ``stat(recorder, scenario)``.
Statistic = Callable[[Recorder, Scenario], np.ndarray]


@dataclass
class PointResults:
    """What :func:`evaluate_points` returns.

    Attributes
    ----------
    points : list of dict
        The parameter points, in order.
    summary : numpy.ndarray, shape (points, reps, len(SUMMARY_METRICS))
        Summary metrics of every replication.
    daily : dict of str to numpy.ndarray, shape (points, reps, days)
        The requested daily fields.
    stats : numpy.ndarray or None, shape (points, reps, k)
        The custom statistic, if one was given.
    """

    points: list[dict[str, Any]]
    summary: np.ndarray
    daily: dict[str, np.ndarray]
    stats: np.ndarray | None

    def metric(self, name: str) -> np.ndarray:
        """One summary metric, shape (points, reps)."""
        return self.summary[:, :, SUMMARY_METRICS.index(name)]


def point_seed(
    root: np.random.SeedSequence, point: int, rep: int, common_random_numbers: bool
) -> np.random.SeedSequence:
    """The seed of replication ``rep`` at point ``point`` (both >= 0) under ``root``.

    With common random numbers, replication ``rep`` draws the same streams at every point
    (child ``rep`` of the root); without, every (point, replication) has its own child
    ``(point, rep)``. :meth:`EnsembleResult.replication_inputs` re-runs from these.
    """
    if common_random_numbers:
        return replication_seed(root, rep)
    return child_seed(root, point, rep)


def _eval_batch(
    base: Scenario,
    entropy: int,
    spawn_key: tuple[int, ...],
    reps: int,
    fields: tuple[str, ...],
    stat: Statistic | None,
    common: bool,
    batch: list[tuple[int, dict[str, Any]]],
) -> list[tuple[int, np.ndarray, np.ndarray, np.ndarray | None]]:
    root = np.random.SeedSequence(entropy, spawn_key=spawn_key)
    cols = [DAILY_FIELDS.index(f) for f in fields]
    out = []
    for index, point in batch:
        sc = apply_overrides(base, point) if point else base
        plan = compile_plan(sc)
        summaries, dailies, stats = [], [], []
        for r in range(reps):
            seed = point_seed(root, index, r, common)
            if stat is None:
                daily, summary = simulate_arrays(plan, seed)
            else:
                rec = Simulation(plan, seed).run()
                daily, summary = arrays_from_records(rec)
                stats.append(np.asarray(stat(rec, sc), dtype=float))
            summaries.append(summary)
            dailies.append(daily[:, cols])
        out.append(
            (index, np.stack(summaries), np.stack(dailies), np.stack(stats) if stats else None)
        )
    return out


def evaluate_points(
    scenario: Scenario | str | os.PathLike[str] | Mapping[str, Any],
    points: Sequence[Mapping[str, Any]],
    *,
    reps: int = 1,
    seed: SeedLike,
    fields: Sequence[str] = (),
    stat: Statistic | None = None,
    executor: Any = None,
    workers: int | None = None,
    batch_size: int | None = None,
    progress: bool = True,
    desc: str = "points",
    common_random_numbers: bool = True,
) -> PointResults:
    """Run ``reps`` replications at every point; return their metrics as arrays.

    Parameters
    ----------
    scenario : Scenario, path or mapping
        The base scenario.
    points : sequence of mapping
        Overrides per point, by dotted path. Every point is validated before any runs.
    reps : int
        Replications per point (replication ``r`` uses the same seed at every point).
    seed : int or SeedSequence
        Root seed.
    fields : sequence of str
        Daily fields to keep, e.g. ``("days_of_cover",)``.
    stat : callable, optional
        A module-level function ``stat(recorder, scenario) -> 1-d array`` computed for
        every replication (e.g. attack statistics for calibration).
    executor, workers, batch_size, progress
        As for :func:`simfuel.run_ensemble`.
    common_random_numbers : bool
        True (default): replication ``r`` uses child ``r`` of the root at every point.
        False: point ``p`` replication ``r`` uses child ``(p, r)``, independent noise per
        point (what approximate Bayesian computation needs).

    Returns
    -------
    PointResults
    """
    base = load_scenario(scenario)
    pts = [dict(p) for p in points]
    for p in pts:
        # Validate every point (and warn about unstaffed escorts) before running anything.
        warn_unstaffed(apply_overrides(base, p) if p else base)
    for f in fields:
        if f not in DAILY_FIELDS:
            raise KeyError(f"unknown daily field {f!r}; known: {', '.join(DAILY_FIELDS)}")
    if reps < 1:
        raise ValueError(f"reps must be >= 1 (got {reps})")
    root = root_seed(seed)
    if not isinstance(root.entropy, int):
        raise ValueError("the root SeedSequence must have integer entropy")
    n_workers = resolve_workers(executor, workers)
    size = batch_size or max(1, min(50, -(-len(pts) // (6 * n_workers))))
    items = list(enumerate(pts))
    batches = [items[i : i + size] for i in range(0, len(items), size)]
    days = base.horizon_days
    summary = np.full((len(pts), reps, len(SUMMARY_METRICS)), np.nan)
    daily = {f: np.full((len(pts), reps, days), np.nan) for f in fields}
    stats: np.ndarray | None = None

    shared = (
        base,
        root.entropy,
        tuple(root.spawn_key),
        reps,
        tuple(fields),
        stat,
        common_random_numbers,
    )
    with progress_bar(len(pts), enabled=progress, desc=desc, unit="pt") as bar:
        for results in map_batches(
            _eval_batch, shared, batches, executor=executor, workers=n_workers
        ):
            for index, summ, dly, st in results:
                summary[index] = summ
                for j, f in enumerate(fields):
                    daily[f][index] = dly[:, :, j]
                if st is not None:
                    if stats is None:
                        stats = np.full((len(pts), reps, st.shape[-1]), np.nan)
                    stats[index] = st
            bar.update(len(results))
    return PointResults(points=pts, summary=summary, daily=daily, stats=stats)
