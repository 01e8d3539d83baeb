"""Many runs: seeds and batches, executors (process pool, Dask), Parquet store, sweeps.

Knows nothing of convoys: it repeats :func:`simfuel.run`'s simulation and collects
compact arrays.

Every name below is imported on first use (PEP 562), as in :mod:`simfuel`: a pool or Dask
worker imports only :mod:`simfuel.ensemble.worker` (pickle finds ``run_tasks`` by name),
and importing this package must not drag in pandas with the store, the result and the
sweep, which the worker never uses.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

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


def __getattr__(name: str) -> Any:
    """Import a public name on first use and keep it (later lookups are plain attributes).

    Any other name is tried as a submodule (``simfuel.ensemble.points``), as the eager
    imports used to bind them all.
    """
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
        globals()[name] = value
        return value
    if not name.startswith("__"):
        try:
            return importlib.import_module(f"{__name__}.{name}")  # binds it as an attribute
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise  # a submodule that exists but fails to import: say why
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """This package's module, keeping ``simfuel.ensemble.sweep`` the function.

    Importing a submodule binds it on its package (``ensemble.sweep = <module ...sweep>``).
    With eager imports ``from .sweep import sweep`` overwrote that binding at once; with
    lazy ones ``simfuel/ensemble/sweep.py`` may be imported first (by the command line, or
    ``from simfuel.ensemble.sweep import ...``), so a submodule must not replace a public
    name of the same spelling. The module stays ``sys.modules["simfuel.ensemble.sweep"]``.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _EXPORTS and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
