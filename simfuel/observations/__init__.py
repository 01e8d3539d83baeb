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

An ACLED export becomes an incident table with ``acled_incidents(path, scenario)`` (events
mapped to the scenario's legs by distance, filtered by actor and event type).

Modules: ``schema`` (the documented columns), ``load`` (reading and validation), ``acled``
(ACLED exports),
``compare`` (a table against a scenario), ``figures`` (reported losses as ranges),
``errors`` (:class:`IncidentsError`). This floor reads tables only; it runs no model: a
comparison with a run takes the result as an argument, in the floors above.
"""

from .acled import DEFAULT_MAX_DISTANCE_KM, acled_incidents, is_acled, tankers_from_notes
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
    "DEFAULT_MAX_DISTANCE_KM",
    "ESCORT_VALUES",
    "FALSE_VALUES",
    "INCIDENT_COLUMNS",
    "TRUE_VALUES",
    "IncidentColumn",
    "IncidentsError",
    "acled_incidents",
    "check_against",
    "cumulative_losses",
    "incidents",
    "is_acled",
    "parse_flags",
    "reported_losses",
    "shipped_incidents",
    "tankers_from_notes",
    "validate_incidents",
]
