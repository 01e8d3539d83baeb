"""``sweep``: an ensemble at every point of a parameter grid, with common random numbers."""

from __future__ import annotations

import concurrent.futures as cf
import itertools
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..run import SeedLike
from ..scenario import Scenario, apply_overrides, load_scenario
from .runner import run_ensemble

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

    Returns
    -------
    pandas.DataFrame
        Tidy: one row per (point, replication) with columns ``point``, one per swept
        parameter, ``replication``, and the summary metrics.
    """
    base = load_scenario(scenario)
    points = grid_points(params)
    scenarios = [apply_overrides(base, p) for p in points]  # validate every point first
    owned = executor is None and (workers or os.cpu_count() or 1) > 1
    pool = cf.ProcessPoolExecutor(max_workers=workers or os.cpu_count()) if owned else executor
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
                store=None if store is None else Path(store) / f"point-{k:03d}",
                resume=resume,
                progress=progress,
            )
            table = result.replications.reset_index()
            for key, value in reversed(point.items()):
                table.insert(0, key, value)
            table.insert(0, "point", k)
            frames.append(table)
    finally:
        if owned and pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    return pd.concat(frames, ignore_index=True)
