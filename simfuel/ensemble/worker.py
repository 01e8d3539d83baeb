"""What a worker process runs: a batch of replications, returned as compact numpy arrays.

Workers never send DataFrames or SimPy objects back: a batch of ``k`` replications is
one ``(k, metrics)`` summary array and one ``(k, days, fields)`` daily array.
"""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..results import SUMMARY_METRICS, summary_from_records
from ..scenario import Scenario
from ..sim import Plan, Recorder, Simulation, compile_plan
from ..sim.recorder import DAILY_FIELDS
from .seeds import replication_seed

__all__ = [
    "BatchOutput",
    "ReplicationFailure",
    "arrays_from_records",
    "run_batch",
    "simulate_arrays",
]


@dataclass(frozen=True)
class ReplicationFailure:
    """A replication that raised: its index, its seed and the error."""

    index: int
    entropy: int | None
    spawn_key: tuple[int, ...]
    error: str

    def __str__(self) -> str:
        return (
            f"replication {self.index} (seed entropy {self.entropy}, spawn_key "
            f"{self.spawn_key}) failed: {self.error.strip().splitlines()[-1]}"
        )


@dataclass
class BatchOutput:
    """The compact result of one batch of replications."""

    indices: np.ndarray  # (k,) int64
    summary: np.ndarray  # (k, len(SUMMARY_METRICS)) float64
    daily: np.ndarray  # (k, days, len(DAILY_FIELDS)) float64
    failures: list[ReplicationFailure] = field(default_factory=list)


def simulate_arrays(plan: Plan, seed: np.random.SeedSequence) -> tuple[np.ndarray, np.ndarray]:
    """Run one replication of a compiled plan; return ``(daily, summary)`` arrays."""
    return arrays_from_records(Simulation(plan, seed).run())


def arrays_from_records(rec: Recorder) -> tuple[np.ndarray, np.ndarray]:
    """``(daily, summary)`` arrays of one replication's records."""
    daily = np.asarray(rec.daily, dtype=float).reshape(len(rec.daily), len(DAILY_FIELDS))
    return daily, summary_from_records(rec)


def run_batch(
    scenario: Scenario,
    entropy: int | Sequence[int] | None,
    spawn_key: tuple[int, ...],
    indices: Sequence[int],
) -> BatchOutput:
    """Run replications ``indices`` of the ensemble whose root seed is (entropy, spawn_key).

    A replication that raises is returned as a :class:`ReplicationFailure`, not raised,
    so one bad draw does not lose the rest of the batch.
    """
    root = np.random.SeedSequence(entropy, spawn_key=spawn_key)
    plan = compile_plan(scenario)
    days = scenario.horizon_days
    ok: list[int] = []
    summaries: list[np.ndarray] = []
    dailies: list[np.ndarray] = []
    failures: list[ReplicationFailure] = []
    for i in indices:
        ss = replication_seed(root, int(i))
        try:
            daily, summary = simulate_arrays(plan, ss)
        except Exception:
            ent = ss.entropy if isinstance(ss.entropy, int) else None
            failures.append(
                ReplicationFailure(int(i), ent, tuple(ss.spawn_key), traceback.format_exc())
            )
            continue
        ok.append(int(i))
        summaries.append(summary)
        dailies.append(daily)
    width = len(DAILY_FIELDS)
    return BatchOutput(
        indices=np.asarray(ok, dtype=np.int64),
        summary=np.vstack(summaries) if summaries else np.empty((0, len(SUMMARY_METRICS))),
        daily=np.stack(dailies) if dailies else np.empty((0, days, width)),
        failures=failures,
    )
