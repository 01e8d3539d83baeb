"""Many runs: seeds and batches, executors (process pool, Dask), Parquet store, sweeps.

Knows nothing of convoys: it repeats :func:`simfuel.run`'s simulation and collects
compact arrays.

Every name below is imported on first use (PEP 562), as in :mod:`simfuel`: a pool or Dask
worker imports only :mod:`simfuel.ensemble.worker` (pickle finds ``run_tasks`` by name),
and importing this package must not drag in pandas with the store, the result and the
sweep, which the worker never uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import make_lazy

#: public name -> submodule (of this package) that defines it.
_EXPORTS: dict[str, str] = {
    "EnsembleError": "points",
    "EnsembleResult": "result",
    "IncompleteStore": "store",
    "ReplicationFailure": "worker",
    "StoreDamaged": "store",
    "StoreError": "store",
    "StoreLocked": "store",
    "StoreMismatch": "store",
    "StoreMissing": "store",
    "default_batch_size": "points",
    "grid_points": "sweep",
    "run_ensemble": "runner",
    "sweep": "sweep",
}

# A literal list (not built from _EXPORTS) so linters and readers see it; a test checks
# that the two agree.
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

if TYPE_CHECKING:  # what type checkers and editors see; nothing of it runs
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


__getattr__, __dir__ = make_lazy(
    __name__, {name: (f"{__name__}.{module}", name) for name, module in _EXPORTS.items()}, __all__
)
