"""Observations: reported incident tables, an input beside scenarios.

One row per reported event: an attack with the tankers it destroyed (as a low-high range
of the reported figures), or an escorted convoy that arrived without incident (zero
destroyed: those are data too). simfuel ships the table of the 2025 Mali blockade
(``incidents("mali-2025")``); bring your own with the same columns (see
``docs/incidents-format.md`` and :data:`INCIDENT_COLUMNS`)::

    import simfuel
    table = simfuel.incidents("mali-2025")           # or the path of your own CSV
    problems = simfuel.check_against(table, simfuel.load_scenario("scenarios/mali-2025.yaml"))
    totals = simfuel.cumulative_losses(table)       # reported tankers destroyed, accumulated

Modules: ``schema`` (the documented columns), ``load`` (reading and validation),
``compare`` (a table against a scenario), ``figures`` (reported losses as ranges),
``errors`` (:class:`IncidentsError`). This floor reads tables only; it runs no model: a
comparison with a run takes the result as an argument, in the floors above.
"""

from .compare import check_against
from .errors import IncidentsError
from .figures import cumulative_losses, reported_losses
from .load import incidents, parse_flags, shipped_incidents, validate_incidents
from .schema import (
    ESCORT_VALUES,
    FALSE_VALUES,
    INCIDENT_COLUMNS,
    TRUE_VALUES,
    IncidentColumn,
)

__all__ = [
    "ESCORT_VALUES",
    "FALSE_VALUES",
    "INCIDENT_COLUMNS",
    "TRUE_VALUES",
    "IncidentColumn",
    "IncidentsError",
    "check_against",
    "cumulative_losses",
    "incidents",
    "parse_flags",
    "reported_losses",
    "shipped_incidents",
    "validate_incidents",
]
