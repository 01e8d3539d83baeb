"""``sweep``: an ensemble at every point of a parameter grid, with common random numbers."""

from __future__ import annotations

import concurrent.futures as cf
import itertools
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..results import SUMMARY_METRICS
from ..run import SeedLike
from ..scenario import Scenario, apply_overrides, load_scenario
from ..sim.plan import warn_unstaffed
from .destinations import resolve_destination
from .executors import exit_with_parent
from .points import EnsembleError, Execution, run_points
from .result import _summary_table  # the replications table of an EnsembleResult
from .runner import run_ensemble
from .seeds import root_seed
from .worker import PointSpec

__all__ = ["grid_points", "sweep"]


def grid_points(
    params: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """The points of a sweep: the full grid of a mapping of lists, or a list of points.

    ``{"a": [1, 2], "b": [0.1]}`` gives ``[{"a": 1, "b": 0.1}, {"a": 2, "b": 0.1}]``.
    """
    if isinstance(params, Mapping):
        keys = list(params)
        for key in keys:
            values = params[key]
            if isinstance(values, str | bytes) or not isinstance(values, Sequence) or not values:
                raise ValueError(f"sweep parameter {key!r} needs a non-empty list of values")
        return [
            dict(zip(keys, combo, strict=True)) for combo in itertools.product(*params.values())
        ]
    points = [dict(p) for p in params]
    if not points:
        raise ValueError("a sweep needs at least one point")
    return points


def sweep(
    scenario: Scenario | str | os.PathLike[str] | Mapping[str, Any],
    params: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]],
    n: int,
    *,
    seed: SeedLike,
    executor: Any = None,
    workers: int | None = None,
    batch_size: int | None = None,
    store: str | os.PathLike[str] | None = None,
    resume: bool = False,
    progress: bool = True,
    destination: str | None = None,
) -> pd.DataFrame:
    """Run an ensemble at each point of a parameter grid.

    Every point uses the same root ``seed``, so replication ``i`` draws from the same
    streams at every point (common random numbers): differences between points come
    from the parameters, not from luck.

    Parameters
    ----------
    scenario : Scenario, path or mapping
        The base scenario.
    params : mapping of dotted path to list of values, or list of points
        E.g. ``{"escorts.africa_corps.units": [0, 2, 4],
        "threat.hazard_per_100km": [0.1, 0.2]}`` (the full grid), or
        ``[{"escorts.africa_corps.units": 2}, ...]`` (given points). Paths are those of
        ``simfuel run --set``.
    n : int
        Replications per point.
    seed, executor, workers, batch_size, progress
        As for :func:`run_ensemble`.
    store : path, optional
        Folder; point ``k`` streams to ``store/point-k``.
    resume : bool
        With ``store``: finish an interrupted sweep.
    destination : str, optional
        The place with stock whose summary metrics the table holds (default: the main
        destination, the depot), as :meth:`RunResult.summary(place)
        <simfuel.RunResult.summary>` gives them.

    Returns
    -------
    pandas.DataFrame
        Tidy: one row per (point, replication) with columns ``point``, one per swept
        parameter, ``replication``, and the summary metrics.

    Raises
    ------
    UnknownDestination
        If ``destination`` is not a place with stock of the scenario (before any run).

    Raises
    ------
    EnsembleError
        If any replication raised: each is named with its point, index and seed (without
        ``store``, after every point has run; with it, after the point's ensemble, whose
        finished replications are kept for ``resume``).
    """
    base = load_scenario(scenario)
    place = resolve_destination(base, destination)
    points = grid_points(params)
    scenarios = [apply_overrides(base, p) for p in points]  # validate every point first
    if store is not None:
        return _stored(
            scenarios, points, n, seed, Path(store),
            resume=resume, progress=progress, executor=executor, workers=workers,
            batch_size=batch_size, place=place,
        )  # fmt: skip
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a positive integer (got {n!r})")
    for sc in scenarios:
        warn_unstaffed(sc)
    root = root_seed(seed, pinned=True)
    assert isinstance(root.entropy, int)
    # All points in one call of the primitive: one pool, one progress bar, and the
    # batches of every point balanced across the workers. Common random numbers:
    # replication r of every point runs on replication_seed(root, r), as run_ensemble's does.
    spec = PointSpec(
        base,
        root.entropy,
        tuple(root.spawn_key),
        tuple(points),
        fields=(),
        places=() if place is None else (place,),
    )
    labels = tuple(", ".join(f"{k}={v}" for k, v in point.items()) for point in points)
    how = Execution(
        executor, workers, batch_size, progress, desc=f"{base.name} sweep", unit="rep",
        point_labels=labels,
    )  # fmt: skip
    arrays = run_points(spec, len(points), int(n), how)
    if arrays.failures:
        raise EnsembleError(arrays.failures)
    frames = []
    for k, (point, sc) in enumerate(zip(points, scenarios, strict=True)):
        values = arrays.summary[k]
        if place is not None and arrays.place_summary is not None:
            values = arrays.place_summary[k, :, 0]
        summary = pd.DataFrame(values, columns=list(SUMMARY_METRICS))
        frames.append(_tidy(k, point, _summary_table(summary, sc.start)))
    return pd.concat(frames, ignore_index=True)


def _tidy(k: int, point: dict[str, Any], replications: pd.DataFrame) -> pd.DataFrame:
    """Point ``k``'s rows of the sweep table: ``point``, its parameters, then the metrics."""
    table = replications.reset_index()
    for key, value in reversed(point.items()):
        table.insert(0, key, value)
    table.insert(0, "point", k)
    return table


def _stored(
    scenarios: Sequence[Scenario],
    points: Sequence[dict[str, Any]],
    n: int,
    seed: SeedLike,
    store: Path,
    *,
    resume: bool,
    progress: bool,
    executor: Any,
    workers: int | None,
    batch_size: int | None,
    place: str | None,
) -> pd.DataFrame:
    """A sweep streamed to ``store/point-k``: an ensemble per point, on one shared pool.

    Each point is a resumable :func:`run_ensemble` of its own folder (its lock, its
    manifest), so a sweep interrupted anywhere finishes with ``resume``.
    """
    owned = executor is None and (workers or os.cpu_count() or 1) > 1
    pool = (
        cf.ProcessPoolExecutor(max_workers=workers or os.cpu_count(), initializer=exit_with_parent)
        if owned
        else executor
    )
    frames = []
    try:
        for k, (point, sc) in enumerate(zip(points, scenarios, strict=True)):
            result = run_ensemble(
                sc,
                n,
                seed=seed,
                executor=pool,
                workers=workers,
                batch_size=batch_size,
                store=store / f"point-{k:03d}",
                resume=resume,
                progress=progress,
            )
            frames.append(_tidy(k, point, result.replications_at(place)))
    finally:
        if owned and pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    return pd.concat(frames, ignore_index=True)
