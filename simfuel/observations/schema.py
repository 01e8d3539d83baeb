"""The documented columns of an incident table (``docs/incidents-format.md`` mirrors them)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ESCORT_VALUES", "FALSE_VALUES", "INCIDENT_COLUMNS", "TRUE_VALUES", "IncidentColumn"]


@dataclass(frozen=True)
class IncidentColumn:
    """One column of an incident table.

    Attributes
    ----------
    name : str
        Column header, exactly.
    type : str
        ``date`` (YYYY-MM-DD), ``count`` (a whole number >= 0 of tankers, blank if not
        reported), ``text``, ``escort`` (one of :data:`ESCORT_VALUES`) or ``bool``
        (one of :data:`TRUE_VALUES` or :data:`FALSE_VALUES`, any case; blank for false).
    required : bool
        The column must be present (its cells may still be blank where the meaning says so).
    meaning : str
        What the column holds, with units.
    """

    name: str
    type: str
    required: bool
    meaning: str


#: Allowed values of the ``escort`` column.
ESCORT_VALUES: tuple[str, ...] = ("none", "ground", "air", "air+ground", "escorted", "unknown")

#: Text read as true in a ``bool`` column (any case, spaces stripped).
TRUE_VALUES: tuple[str, ...] = ("true", "yes", "1")
#: Text read as false in a ``bool`` column; blank is false too.
FALSE_VALUES: tuple[str, ...] = ("false", "no", "0", "")

#: The documented schema of an incident table, in column order.
INCIDENT_COLUMNS: tuple[IncidentColumn, ...] = (
    IncidentColumn(
        "id", "text", False, "Short unique key of the row, e.g. `kaniera-lakamane-14sep`."
    ),
    IncidentColumn(
        "date",
        "date",
        True,
        "Day of the event (YYYY-MM-DD); for an event reported over several days, the first "
        "day; for an approximate date, the assumed day (say so in `note`).",
    ),
    IncidentColumn(
        "corridor",
        "text",
        True,
        "Scenario corridor key (e.g. `dakar_rn1`); blank if the route was not reported.",
    ),
    IncidentColumn(
        "place",
        "text",
        False,
        "Scenario place key where the event happened or that it was reported near "
        "(e.g. `kayes`); blank if it lies on a leg (use `leg_from`/`leg_to`) or is unknown.",
    ),
    IncidentColumn("location", "text", False, "Location as reported, free text (not checked)."),
    IncidentColumn(
        "leg_from",
        "text",
        False,
        "Scenario place key where the leg of the event starts; blank if unknown.",
    ),
    IncidentColumn(
        "leg_to",
        "text",
        False,
        "Scenario place key where the leg (or stretch of legs) of the event ends; blank if "
        "unknown.",
    ),
    IncidentColumn(
        "destroyed_low",
        "count",
        True,
        "Lowest reported number of tankers destroyed [tankers]; `at least N` gives N; "
        "0 for a convoy that arrived without incident; blank if no figure was reported.",
    ),
    IncidentColumn(
        "destroyed_high",
        "count",
        True,
        "Highest reported number of tankers destroyed [tankers]: equal to `destroyed_low` "
        "for a single figure; blank for `at least N` (no upper figure) or when no figure was "
        "reported. Needs `destroyed_low`; for `up to N` write low 0 and high N.",
    ),
    IncidentColumn(
        "captured",
        "count",
        False,
        "Tankers reported seized rather than destroyed [tankers]; blank if not reported.",
    ),
    IncidentColumn(
        "convoy_size",
        "count",
        False,
        "Tankers in the convoy [tankers]; blank if not reported.",
    ),
    IncidentColumn(
        "escort",
        "escort",
        False,
        "Escort with the convoy: none, ground, air, air+ground, escorted (an escort was "
        "reported but not its kind) or unknown (also for blank cells and a missing column).",
    ),
    IncidentColumn(
        "derived",
        "bool",
        False,
        "true if the figures are computed from other reports rather than reported for this "
        "event alone (e.g. an aggregate less the events listed in their own rows); explain "
        "in `note`.",
    ),
    IncidentColumn(
        "aggregate",
        "bool",
        False,
        "true if the row sums several attacks (a total over days or an area): calibration "
        "counts its tankers lost but no attack for it; false (or blank) for one event.",
    ),
    IncidentColumn(
        "source",
        "text",
        True,
        "Outlet(s) that reported the event, e.g. `Reuters; RFI`; never blank.",
    ),
    IncidentColumn("note", "text", False, "Anything else: claims not used, assumptions made."),
)
