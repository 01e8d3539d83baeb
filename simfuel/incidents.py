"""Deprecated location of the incident tables: use :mod:`simfuel.observations`.

A thin re-export kept while the rest of simfuel moves to ``simfuel.observations``, so
``from simfuel.incidents import cumulative_losses`` keeps working.

Why the module is callable: ``simfuel.incidents`` is also the *function* that loads a
table. Importing this submodule sets the package attribute ``simfuel.incidents`` to the
module (the import system does that after running it, whatever the package's
``__init__`` bound before), so ``simfuel.incidents("mali-2025")`` would stop working the
moment anything imported ``simfuel.incidents``. Calling the module calls the function, so
both spellings work in any import order.
"""

from __future__ import annotations

import os
import sys
import types
from typing import Any

import pandas as pd

from .observations import (
    ESCORT_VALUES,
    INCIDENT_COLUMNS,
    IncidentColumn,
    IncidentsError,
    check_against,
    cumulative_losses,
    incidents,
    reported_losses,
    shipped_incidents,
    validate_incidents,
)

__all__ = [
    "ESCORT_VALUES",
    "INCIDENT_COLUMNS",
    "IncidentColumn",
    "IncidentsError",
    "check_against",
    "cumulative_losses",
    "incidents",
    "reported_losses",
    "shipped_incidents",
    "validate_incidents",
]


class _CallableModule(types.ModuleType):
    """This module, callable as :func:`simfuel.observations.incidents`."""

    def __call__(
        self, name_or_path: str | os.PathLike[str] = "mali-2025", *args: Any, **kwargs: Any
    ) -> pd.DataFrame:
        return incidents(name_or_path, *args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
