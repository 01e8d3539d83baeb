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
import dataclasses
import os
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..results import SUMMARY_METRICS
from ..run import SeedLike
from ..scenario import Scenario, load_scenario
from ..scenario.provenance import provenance_of
from ..sim.plan import warn_unstaffed
from ..sim.recorder import DAILY_FIELDS
from .destinations import destinations_of
from .points import (
    EnsembleError,
    Execution,
    PointArrays,
    default_batch_size,
    iter_runs,
    run_points,
)
from .result import EnsembleResult
from .seeds import root_seed
from .store import EnsembleStore, StoreDamaged
from .worker import PointSpec, ReplicationFailure

__all__ = ["EnsembleError", "default_batch_size", "run_ensemble"]


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
    root = root_seed(seed, pinned=True)
    assert isinstance(root.entropy, int)
    prov = provenance_of(sc, seed=root.entropy, spawn_key=tuple(root.spawn_key))
    # The bar names the overrides too: the points of a stored sweep are told apart.
    how = Execution(executor, workers, batch_size, progress, desc=_desc(prov.label), unit="rep")
    # Every place with stock, the depot's arrays apart (a one-depot scenario: none more).
    others = tuple(destinations_of(sc)[1:])
    spec = PointSpec(sc, root.entropy, tuple(root.spawn_key), places=others)
    if store is None:
        arrays = run_points(spec, 1, int(n), how)
        if arrays.failures:
            raise EnsembleError(arrays.failures)
        result = _in_memory(spec, arrays)
        result.provenance = prov
        return result

    box = EnsembleStore(store)
    # One writer per store from the first check to the last read: a second run or resume
    # started meanwhile is refused (StoreLocked) instead of writing overlapping parts.
    with box.writing():
        box.initialise(sc, root.entropy, tuple(root.spawn_key), int(n), resume, prov)
        if (held := box.places()) is None or len(held) == 1:
            # A store of an earlier version holds the depot only: its parts stay alike.
            spec = dataclasses.replace(spec, places=())
        done = box.done()
        todo = np.setdiff1d(np.arange(n, dtype=np.int64), done)
        failures: list[ReplicationFailure] = []
        runs = iter_runs(
            spec,
            np.stack([np.zeros_like(todo), todo], axis=1),
            # Batches sized for the whole ensemble, not for what is left to resume.
            dataclasses.replace(how, batch_size=how.batch(int(n))),
            total=int(n),
            initial=int(np.intersect1d(done, np.arange(n)).size),
        )
        with contextlib.closing(runs):
            for out in runs:
                failures.extend(out.failures)
                box.write_batch(out)
        if failures:
            raise EnsembleError(failures)
        summary = box.read_summary()
        summary = summary[summary.index < n]
        if not np.array_equal(summary.index.to_numpy(), np.arange(n)):  # pragma: no cover
            raise StoreDamaged(f"{box.dir}: after the run, replications are missing")
        return EnsembleResult(
            sc, root.entropy, tuple(root.spawn_key), summary, store=box, provenance=prov
        )


def _desc(label: str, most: int = 60) -> str:
    """A progress bar's label: the provenance label, cut to about ``most`` characters.

    Cut in the middle: the scenario's name and the last overrides (a sweep point's own,
    applied last) are what tell the bars apart.
    """
    if len(label) <= most:
        return label
    name, *overrides = label.split(" + ")
    shown: list[str] = []
    room = most - len(name) - 5  # " + … "
    for item in reversed(overrides):
        if shown and len(item) + 3 > room:
            break
        shown.insert(0, item if len(item) <= room else "…" + item[-max(room, 12) :])
        room -= len(item) + 3
    return " + ".join([name, "…", *shown])


def _in_memory(spec: PointSpec, arrays: PointArrays) -> EnsembleResult:
    """The result of a whole ensemble (one point of ``arrays``) held in memory."""
    summary, daily = arrays.summary[0], arrays.daily[0]
    index = np.arange(len(summary))

    def frame(values: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(values, columns=list(SUMMARY_METRICS), index=index)

    def fields(values: np.ndarray) -> dict[str, np.ndarray]:
        return {f: np.ascontiguousarray(values[:, :, j]) for j, f in enumerate(DAILY_FIELDS)}

    places: dict[str, pd.DataFrame] = {}
    place_daily: dict[str, dict[str, np.ndarray]] = {}
    if spec.places and arrays.place_summary is not None and arrays.place_daily is not None:
        for i, key in enumerate(spec.places):
            places[key] = frame(arrays.place_summary[0, :, i])
            place_daily[key] = fields(arrays.place_daily[0, :, i])
    return EnsembleResult(
        spec.base,
        spec.entropy,
        spec.spawn_key,
        frame(summary),
        daily=fields(daily),
        place_summaries=places,
        place_daily=place_daily,
    )
