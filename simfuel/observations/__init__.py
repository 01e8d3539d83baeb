"""Observations: reported incidents and dated signals, an input beside scenarios.

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
mapped to the scenario's legs by distance, filtered by actor and event type). Dated signals
(rationing began, a shortage reported, days of cover) are a second table,
``signals("mali-2025")`` (``docs/signals-format.md``); ``score_signals(table, result)``
says for each whether a run or an ensemble agrees with it.

Modules: ``schema`` (the documented columns), ``load`` (reading and validation), ``acled``
(ACLED exports), ``signals`` (the signals table), ``score`` (a result against signals),
``compare`` (a table against a scenario), ``figures`` (reported losses as ranges),
``errors`` (:class:`IncidentsError`, :class:`SignalsError`). This floor reads tables only;
it runs no model: a comparison with a run takes the result as an argument.
"""

from .acled import DEFAULT_MAX_DISTANCE_KM, acled_incidents, is_acled, tankers_from_notes
from .compare import check_against
from .errors import IncidentsError, SignalsError
from .figures import cumulative_losses, reported_losses
from .load import incidents, parse_flags, shipped_incidents, validate_incidents
from .schema import (
    ESCORT_VALUES,
    FALSE_VALUES,
    INCIDENT_COLUMNS,
    TRUE_VALUES,
    IncidentColumn,
)
from .score import SCORE_COLUMNS, score_signals, signal_gaps

# Last: binding the function ``signals`` over the submodule of the same name.
from .signals import (
    SIGNAL_COLUMNS,
    SIGNALS,
    Signal,
    SignalColumn,
    shipped_signals,
    signals,
    validate_signals,
)

__all__ = [
    "DEFAULT_MAX_DISTANCE_KM",
    "ESCORT_VALUES",
    "FALSE_VALUES",
    "INCIDENT_COLUMNS",
    "SCORE_COLUMNS",
    "SIGNALS",
    "SIGNAL_COLUMNS",
    "TRUE_VALUES",
    "IncidentColumn",
    "IncidentsError",
    "Signal",
    "SignalColumn",
    "SignalsError",
    "acled_incidents",
    "check_against",
    "cumulative_losses",
    "incidents",
    "is_acled",
    "parse_flags",
    "reported_losses",
    "score_signals",
    "shipped_incidents",
    "shipped_signals",
    "signal_gaps",
    "signals",
    "tankers_from_notes",
    "validate_incidents",
    "validate_signals",
]
