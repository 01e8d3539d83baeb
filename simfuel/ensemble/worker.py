"""What a worker process runs: a batch of (point, replication) runs, as compact arrays.

Workers never send DataFrames or SimPy objects back: a batch of ``k`` runs is one
``(k, metrics)`` summary array, one ``(k, days, fields)`` daily array (both of the main
destination, the depot), for the other places with stock asked for (``PointSpec.places``)
one ``(k, places, metrics)`` and one ``(k, places, days, fields)`` array, and, when a
statistic is asked for, one ``(k, stats)`` array. A run that raises comes back as a
:class:`ReplicationFailure` (its point, replication, seed and traceback), not raised, so
one bad draw does not lose the rest of the batch, nor of the run.

The summary maths comes from the pandas-free :mod:`simfuel.summary`: a worker builds no
DataFrame and need not import pandas or matplotlib.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..scenario import Scenario, apply_overrides
from ..scenario.schema import corridor_payload
from ..sim import Plan, Recorder, Simulation, compile_plan
from ..sim.recorder import DAILY_FIELDS
from ..summary import (
    CONVOY_SOURCE_FIELDS,
    SUMMARY_METRICS,
    convoy_summary_array,
    summary_from_records,
    summary_vector,
)
from .seeds import point_seed

__all__ = [
    "BatchOutput",
    "PointSpec",
    "ReplicationFailure",
    "Statistic",
    "arrays_from_records",
    "place_arrays",
    "run_tasks",
    "simulate_arrays",
]

#: A statistic computed from one replication's records: ``stat(recorder, scenario)``.
#: The run keeps the event log for it only if it asks: a statistic with an attribute
#: ``event_kinds`` (a collection of event kinds, e.g. ``{"attacked"}``) gets those rows of
#: ``recorder.events``; one without it gets every row (slower: the log is about 4 % of a
#: run); the other records are always whole.
Statistic = Callable[[Recorder, Scenario], np.ndarray]


@dataclass(frozen=True)
class ReplicationFailure:
    """A run that raised: its replication index (and point), its seed and the error."""

    index: int
    entropy: int | None
    spawn_key: tuple[int, ...]
    error: str
    point: int | None = None  # None: a plain ensemble (one point)

    def __str__(self) -> str:
        where = f"point {self.point}, " if self.point is not None else ""
        return (
            f"{where}replication {self.index} (seed entropy {self.entropy}, spawn_key "
            f"{self.spawn_key}) failed: {self.error.strip().splitlines()[-1]}"
        )


@dataclass
class BatchOutput:
    """The compact result of one batch of runs (the failed ones are left out of the arrays)."""

    indices: np.ndarray  # (k,) int64: replication of each run
    summary: np.ndarray  # (k, len(SUMMARY_METRICS)) float64
    daily: np.ndarray  # (k, days, len(fields)) float64; all DAILY_FIELDS for an ensemble
    failures: list[ReplicationFailure] = field(default_factory=list)
    points: np.ndarray | None = None  # (k,) int64: point of each run; None: all point 0
    stats: np.ndarray | None = None  # (k, s) float64, when a statistic was asked for
    # The other places with stock of PointSpec.places, in its order (None: none asked for).
    place_summary: np.ndarray | None = None  # (k, places, len(SUMMARY_METRICS)) float64
    place_daily: np.ndarray | None = None  # (k, places, days, len(fields)) float64

    @property
    def runs(self) -> int:
        """Runs this batch accounts for, finished or failed."""
        return int(self.indices.size) + len(self.failures)


@dataclass(frozen=True)
class PointSpec:
    """What every batch of a many-runs call shares (sent to a Dask cluster once).

    Point ``p`` is ``base`` with ``overrides[p]`` applied (no overrides: ``base`` is the
    only point, a plain ensemble, whose failures name no point); run ``(p, r)`` runs on
    :func:`~simfuel.ensemble.seeds.point_seed`. ``places``: the places with stock other
    than the main destination (the depot) whose arrays each run also returns (default
    none: only the main destination's).
    """

    base: Scenario
    entropy: int
    spawn_key: tuple[int, ...]
    overrides: tuple[Mapping[str, Any], ...] = ()
    common_random_numbers: bool = True
    fields: tuple[str, ...] = DAILY_FIELDS
    stat: Statistic | None = None
    places: tuple[str, ...] = ()

    def scenario(self, point: int) -> Scenario:
        """The scenario of point ``point``."""
        over = self.overrides[point] if self.overrides else None
        return apply_overrides(self.base, over) if over else self.base


def simulate_arrays(plan: Plan, seed: np.random.SeedSequence) -> tuple[np.ndarray, np.ndarray]:
    """Run one replication of a compiled plan; return ``(daily, summary)`` arrays.

    The run keeps no event log (the arrays do not read it).
    """
    return arrays_from_records(Simulation(plan, seed, events_kept=()).run())


def arrays_from_records(rec: Recorder) -> tuple[np.ndarray, np.ndarray]:
    """``(daily, summary)`` arrays of one replication's records."""
    return rec.daily_array(), summary_from_records(rec)


#: Convoy-record fields that a place's summary reads: its corridor, then those of
#: convoy_summary_array.
_CONVOY_COLUMNS = ("corridor", *CONVOY_SOURCE_FIELDS)


def place_arrays(
    rec: Recorder, scenario: Scenario, places: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """``(daily, summary)`` of some places with stock of one run, as compact arrays.

    Equal, metric by metric, to ``RunResult.at(place)[DAILY_FIELDS]`` and
    ``RunResult.summary(place)`` of the same run: a place's own daily records, and the
    convoys of the corridors that end there.

    Parameters
    ----------
    rec : Recorder
        The run's records.
    scenario : Scenario
        The scenario it ran (its corridors say where each one ends).
    places : sequence of str
        Place keys of places with stock.

    Returns
    -------
    daily : numpy.ndarray, shape (len(places), days, len(DAILY_FIELDS))
    summary : numpy.ndarray, shape (len(places), len(SUMMARY_METRICS))
    """
    days = len(rec.daily)
    if not places:
        return np.empty((0, days, len(DAILY_FIELDS))), np.empty((0, len(SUMMARY_METRICS)))
    # The main commodity's stock at each place (other commodities' stocks share the place).
    main = scenario.main_commodity
    records = {p.place: p for p in rec.places if p.commodity == main}
    # A corridor counts at its end only if it carries the main commodity (RunResult.summary).
    ends = {
        key: c.legs[-1].to
        for key, c in scenario.corridors.items()
        if corridor_payload(scenario, c).get(main, 0)
    }
    raw = rec.convoy_columns(_CONVOY_COLUMNS)
    columns = {
        k: np.asarray(v, dtype=object if k in ("corridor", "escort_forces") else float)
        for k, v in raw.items()
    }
    corridor = columns["corridor"]
    dailies, summaries = [], []
    for place in places:
        daily = rec.daily_array(records[place].daily)
        mine = np.asarray([ends.get(c) == place for c in corridor], dtype=bool)
        convoys = convoy_summary_array({k: columns[k][mine] for k in _CONVOY_COLUMNS[1:]})
        dailies.append(daily)
        summaries.append(summary_vector(daily, convoys))
    return np.stack(dailies), np.stack(summaries)


@dataclass
class _One:
    """One run's arrays, before they are stacked into a batch."""

    daily: np.ndarray
    summary: np.ndarray
    stat: np.ndarray | None = None
    place_daily: np.ndarray | None = None
    place_summary: np.ndarray | None = None


def _run_one(spec: PointSpec, sc: Scenario, plan: Plan, seed: np.random.SeedSequence) -> _One:
    if spec.stat is None and not spec.places:
        daily, summary = simulate_arrays(plan, seed)
        return _One(daily, summary)
    kinds = () if spec.stat is None else getattr(spec.stat, "event_kinds", None)
    rec = Simulation(plan, seed, events_kept=kinds).run()
    daily, summary = arrays_from_records(rec)
    one = _One(daily, summary)
    if spec.stat is not None:
        one.stat = np.asarray(spec.stat(rec, sc), dtype=float)
    if spec.places:
        one.place_daily, one.place_summary = place_arrays(rec, sc, spec.places)
    return one


def run_tasks(spec: PointSpec, tasks: Sequence[tuple[int, int]]) -> BatchOutput:
    """Run the ``(point, replication)`` pairs ``tasks`` of ``spec``; capture failures.

    Consecutive tasks of one point share its compiled plan.
    """
    root = np.random.SeedSequence(spec.entropy, spawn_key=spec.spawn_key)
    cols = [DAILY_FIELDS.index(f) for f in spec.fields]
    points: list[int] = []
    reps: list[int] = []
    summaries: list[np.ndarray] = []
    dailies: list[np.ndarray] = []
    stats: list[np.ndarray] = []
    place_dailies: list[np.ndarray] = []
    place_summaries: list[np.ndarray] = []
    failures: list[ReplicationFailure] = []
    compiled: tuple[int, Scenario, Plan] | None = None
    for p, r in tasks:
        ss = point_seed(root, int(p), int(r), spec.common_random_numbers)
        try:
            if compiled is None or compiled[0] != p:
                sc = spec.scenario(int(p))
                compiled = (int(p), sc, compile_plan(sc))
            one = _run_one(spec, compiled[1], compiled[2], ss)
        except Exception:
            ent = ss.entropy if isinstance(ss.entropy, int) else None
            failures.append(
                ReplicationFailure(
                    int(r),
                    ent,
                    tuple(ss.spawn_key),
                    traceback.format_exc(),
                    int(p) if spec.overrides else None,
                )
            )
            continue
        points.append(int(p))
        reps.append(int(r))
        summaries.append(one.summary)
        dailies.append(one.daily[:, cols])
        if one.stat is not None:
            stats.append(one.stat)
        if one.place_daily is not None and one.place_summary is not None:
            place_dailies.append(one.place_daily[:, :, cols])
            place_summaries.append(one.place_summary)
    return BatchOutput(
        indices=np.asarray(reps, dtype=np.int64),
        summary=np.vstack(summaries) if summaries else np.empty((0, len(SUMMARY_METRICS))),
        daily=(np.stack(dailies) if dailies else np.empty((0, spec.base.horizon_days, len(cols)))),
        failures=failures,
        points=np.asarray(points, dtype=np.int64),
        stats=np.stack(stats) if stats else None,
        **_place_batch(spec, place_dailies, place_summaries, len(cols)),
    )


def _place_batch(
    spec: PointSpec, dailies: list[np.ndarray], summaries: list[np.ndarray], fields: int
) -> dict[str, np.ndarray | None]:
    """The batch's place arrays (None when no place was asked for)."""
    if not spec.places:
        return {"place_daily": None, "place_summary": None}
    p, days = len(spec.places), spec.base.horizon_days
    return {
        "place_daily": np.stack(dailies) if dailies else np.empty((0, p, days, fields)),
        "place_summary": (
            np.stack(summaries) if summaries else np.empty((0, p, len(SUMMARY_METRICS)))
        ),
    }
