"""Run many parameter points with common random numbers: the analyses' view of the runs.

Point ``p`` is the base scenario with ``points[p]`` applied (dotted paths, as
``simfuel run --set``); its replication ``r`` runs on child ``r`` of the root seed, the
same child at every point, so differences between points come from the parameters, not
from luck. The runs themselves go through the ensemble floor's one many-runs primitive
(:func:`simfuel.ensemble.points.run_points`): batches, executors, seeds, failure capture
and the progress bar live there.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..ensemble.destinations import resolve_destination
from ..ensemble.points import EnsembleError, Execution, run_points
from ..ensemble.seeds import point_seed, root_seed
from ..ensemble.worker import PointSpec, ReplicationFailure, Statistic
from ..results import SUMMARY_METRICS
from ..run import SeedLike
from ..scenario import Scenario, apply_overrides, load_scenario
from ..sim.plan import warn_unstaffed
from ..sim.recorder import DAILY_FIELDS

__all__ = ["PointResults", "Statistic", "evaluate_points", "point_seed"]


@dataclass
class PointResults:
    """What :func:`evaluate_points` returns.

    Attributes
    ----------
    points : list of dict
        The parameter points, in order.
    summary : numpy.ndarray, shape (points, reps, len(SUMMARY_METRICS))
        Summary metrics of every replication (NaN where it failed).
    daily : dict of str to numpy.ndarray, shape (points, reps, days)
        The requested daily fields.
    stats : numpy.ndarray or None, shape (points, reps, k)
        The custom statistic, if one was given.
    failures : list of ReplicationFailure
        The replications that raised (their point, index, seed and traceback).
    place_daily : dict of str to dict of str to numpy.ndarray, shape (points, reps, days)
        The requested daily fields of each place asked for (``places=``), by place key:
        the place's own stock, as ``RunResult.at(place)`` gives it. Empty by default.
    place_summary : dict of str to numpy.ndarray, shape (points, reps, len(SUMMARY_METRICS))
        Their summary metrics, as ``RunResult.summary(place)``.
    """

    points: list[dict[str, Any]]
    summary: np.ndarray
    daily: dict[str, np.ndarray]
    stats: np.ndarray | None
    failures: list[ReplicationFailure] = field(default_factory=list)
    place_daily: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    place_summary: dict[str, np.ndarray] = field(default_factory=dict)

    def metric(self, name: str) -> np.ndarray:
        """One summary metric, shape (points, reps)."""
        return self.summary[:, :, SUMMARY_METRICS.index(name)]

    @property
    def failed_points(self) -> list[int]:
        """Points with at least one failed replication, in order."""
        return sorted({int(f.point or 0) for f in self.failures})

    def raise_failures(self, what: str) -> None:
        """Raise :class:`~simfuel.ensemble.EnsembleError` naming the failed runs, if any.

        ``what`` names the caller's unit in the message (e.g. ``"sensitivity run"``).
        """
        if self.failures:
            raise EnsembleError(self.failures, what)


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
    places: Sequence[str] = (),
) -> PointResults:
    """Run ``reps`` replications at every point; return their metrics as arrays.

    A replication that raises does not stop the others: its values are NaN and it is
    listed in :attr:`PointResults.failures`; the caller decides what that means.

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
    executor, workers, progress
        As for :func:`simfuel.run_ensemble`.
    batch_size : int, optional
        Replications per task (default: :func:`simfuel.ensemble.default_batch_size`).
    common_random_numbers : bool
        True (default): replication ``r`` uses child ``r`` of the root at every point.
        False: point ``p`` replication ``r`` uses child ``(p, r)``, independent noise per
        point (what approximate Bayesian computation needs).
    places : sequence of str
        Places with stock (place keys) whose own daily ``fields`` and summary metrics
        to keep as well (:attr:`PointResults.place_daily`); the depot's, always kept, is
        ignored here. Default none: the depot's only. Each place costs ``points * reps *
        days * len(fields)`` floats: ask only for those a caller reads (e.g. the places a
        signals table names).

    Returns
    -------
    PointResults

    Raises
    ------
    KeyError
        If a field is unknown.
    UnknownDestination
        If a place is not a place with stock of the scenario.
    """
    base = load_scenario(scenario)
    pts = [dict(p) for p in points]
    for p in pts:
        # Validate every point (and warn about unstaffed escorts) before running anything.
        warn_unstaffed(apply_overrides(base, p) if p else base)
    for f in fields:
        if f not in DAILY_FIELDS:
            raise KeyError(f"unknown daily field {f!r}; known: {', '.join(DAILY_FIELDS)}")
    # The depot's figures are always kept: naming it adds nothing.
    resolved = (resolve_destination(base, str(name)) for name in places)
    kept = tuple(dict.fromkeys(key for key in resolved if key is not None))
    if reps < 1:
        raise ValueError(f"reps must be >= 1 (got {reps})")
    root = root_seed(seed, pinned=True)
    assert isinstance(root.entropy, int)
    spec = PointSpec(
        base,
        root.entropy,
        tuple(root.spawn_key),
        overrides=tuple(pts),
        common_random_numbers=common_random_numbers,
        fields=tuple(fields),
        stat=stat,
        places=kept,
    )
    how = Execution(executor, workers, batch_size, progress, desc=desc)
    arrays = run_points(spec, len(pts), reps, how)
    daily = {f: arrays.daily[:, :, :, j] for j, f in enumerate(fields)}
    place_daily: dict[str, dict[str, np.ndarray]] = {}
    place_summary: dict[str, np.ndarray] = {}
    if kept:
        assert arrays.place_daily is not None and arrays.place_summary is not None
        for k, place in enumerate(kept):
            place_daily[place] = {
                f: arrays.place_daily[:, :, k, :, j] for j, f in enumerate(fields)
            }
            place_summary[place] = arrays.place_summary[:, :, k, :]
    return PointResults(
        pts, arrays.summary, daily, arrays.stats, arrays.failures, place_daily, place_summary
    )
