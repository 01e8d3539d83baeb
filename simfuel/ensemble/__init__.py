"""Many runs: seeds and batches, executors (process pool, Dask), Parquet store, sweeps.

Knows nothing of convoys: it repeats :func:`simfuel.run`'s simulation and collects
compact arrays.
"""

from .points import EnsembleError, default_batch_size
from .result import EnsembleResult
from .runner import run_ensemble
from .store import (
    IncompleteStore,
    StoreDamaged,
    StoreError,
    StoreLocked,
    StoreMismatch,
    StoreMissing,
)
from .sweep import grid_points, sweep
from .worker import ReplicationFailure

__all__ = [
    "EnsembleError",
    "EnsembleResult",
    "IncompleteStore",
    "ReplicationFailure",
    "StoreDamaged",
    "StoreError",
    "StoreLocked",
    "StoreMismatch",
    "StoreMissing",
    "default_batch_size",
    "grid_points",
    "run_ensemble",
    "sweep",
]
