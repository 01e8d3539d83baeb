"""Compact records of one simulation: named, slotted records, no DataFrames.

:mod:`simfuel.results` turns these into tables; the simulation only appends. Each
record type is the one place that names its table's columns and their order: a new
output column is one new field here (and the engine line that sets it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any

import numpy as np

__all__ = [
    "CONVOY_FIELDS",
    "DAILY_FIELDS",
    "EVENT_FIELDS",
    "ConvoyRecord",
    "DailyRecord",
    "EventRecord",
    "PlaceRecord",
    "Recorder",
    "StationRecord",
]


@dataclass(slots=True)
class DailyRecord:
    """One simulated day, in the column order of :attr:`RunResult.daily`."""

    stock_l: float
    days_of_cover: float
    demand_l: float
    served_l: float
    shortfall_l: float
    rationing: float
    loaded_l: float
    arrived_l: float
    delivered_l: float
    destroyed_l: float
    captured_l: float
    in_transit_l: float
    queued_l: float
    tankers_waiting: float
    tankers_waiting_unload: float
    reserve_l: float
    stockout: float


@dataclass(slots=True)
class ConvoyRecord:
    """One convoy, in the column order of :attr:`RunResult.convoys`.

    Created when the convoy departs; the engine updates the outcome and the losses by
    attribute while it travels.
    """

    convoy_id: int
    corridor: str
    escort_forces: str
    escort_kind: str
    formed_h: float
    departed_h: float
    ended_h: float = math.nan
    outcome: str = "in_transit"
    tankers_departed: int = 0
    tankers_arrived: int = 0
    destroyed: int = 0
    captured: int = 0
    attacked: bool = False
    attacks: int = 0
    escort_wait_h: float = 0.0
    capacity_l: int = 0


@dataclass(slots=True)
class EventRecord:
    """One logged event, in the column order of :attr:`RunResult.events` (after ``time``)."""

    t_h: float
    kind: str
    corridor: str = ""
    convoy_id: int = -1
    tankers: int = 0
    litres: int = 0
    leg_from: str = ""
    leg_to: str = ""
    detail: str = ""


@dataclass(slots=True)
class StationRecord:
    """One day of a place's filling stations (:attr:`PlaceRecord.stations`)."""

    sold_l: float  # litres consumers bought at the stations [L]
    sent_l: float  # litres the stock sent to the stations (the place's served_l) [L]
    stock_l: float  # litres in the stations' tanks at the end of the day [L]
    dry_share: float  # share of stations that could not sell their share in full [-]


@dataclass(slots=True)
class PlaceRecord:
    """The days of one place with stock (:attr:`RunResult.places`).

    One record per (place, commodity): ``daily`` holds the stock's :class:`DailyRecord`
    rows (its flows are those of the corridors that end there and carry its commodity; the
    depot's main list is :attr:`Recorder.daily` itself) and ``loaded_out_l`` what was loaded
    out of it to secondary corridors on each day. Quantities are in ``unit`` (the ``_l``
    names are the litres of fuel, the default commodity).
    """

    place: str
    daily: list[DailyRecord]
    loaded_out_l: list[float]
    commodity: str = "fuel"
    unit: str = "L"
    #: Consumer class -> its ``(demand_l, served_l)`` on each day, when the place's demand
    #: has priority classes (``demand.priority``; the rest of demand is ``other``); empty
    #: otherwise.
    consumers: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    #: One record a day when the place has filling stations (``demand.stations``).
    stations: list[StationRecord] = field(default_factory=list)


def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


#: Column orders of the tables, derived from the records (one source).
DAILY_FIELDS: tuple[str, ...] = _names(DailyRecord)
CONVOY_FIELDS: tuple[str, ...] = _names(ConvoyRecord)
EVENT_FIELDS: tuple[str, ...] = _names(EventRecord)

# attrgetter of many names returns a tuple in one C call: far faster than astuple().
_DAILY_VALUES = attrgetter(*DAILY_FIELDS)
_GETTERS = {name: attrgetter(name) for name in {*CONVOY_FIELDS, *EVENT_FIELDS}}


def _columns(rows: list[Any], names: tuple[str, ...]) -> dict[str, tuple[Any, ...]]:
    # One C-level map per column: no per-row tuples, and only the columns asked for.
    return {name: tuple(map(_GETTERS[name], rows)) for name in names}


@dataclass
class Recorder:
    """What one run recorded: one named record per day, convoy and event.

    ``events_kept``: the kinds of event the log keeps (None, the default: every kind).
    An ensemble worker, which reads no event log, keeps none; a statistic that reads a
    few kinds keeps those (:data:`Statistic`'s ``event_kinds``). Nothing the simulation
    does depends on the log, so what it keeps changes no other record.
    """

    daily: list[DailyRecord] = field(default_factory=list)
    convoys: list[ConvoyRecord] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
    events_processed: int = 0
    #: Every place with stock, the depot first.
    places: list[PlaceRecord] = field(default_factory=list)
    #: Corridors that end at the depot, when some do not (None: every corridor does).
    depot_corridors: frozenset[str] | None = None
    events_kept: frozenset[str] | None = None

    def keeps(self, kind: str) -> bool:
        """Whether the event log keeps events of ``kind``."""
        return self.events_kept is None or kind in self.events_kept

    def log(
        self,
        t_h: float,
        kind: str,
        corridor: str = "",
        convoy_id: int = -1,
        tankers: int = 0,
        litres: int = 0,
        detail: str = "",
        leg: tuple[str, str] = ("", ""),
    ) -> None:
        """Append one row to the event log (``leg``: the places where the leg starts and ends).

        Not kept when :attr:`events_kept` leaves ``kind`` out.
        """
        if self.events_kept is not None and kind not in self.events_kept:
            return
        self.events.append(
            EventRecord(t_h, kind, corridor, convoy_id, tankers, litres, leg[0], leg[1], detail)
        )

    def daily_array(self, rows: list[DailyRecord] | None = None) -> np.ndarray:
        """The daily records (``rows``: a place's) as floats, ``(days, len(DAILY_FIELDS))``."""
        values = list(map(_DAILY_VALUES, self.daily if rows is None else rows))
        return np.asarray(values, dtype=float).reshape(len(values), len(DAILY_FIELDS))

    def daily_columns(self, rows: list[DailyRecord] | None = None) -> dict[str, tuple[Any, ...]]:
        """The daily records (``rows``: a place's) column by column, in ``DAILY_FIELDS`` order."""
        rows = self.daily if rows is None else rows
        cols = list(zip(*map(_DAILY_VALUES, rows), strict=True)) or [()] * len(DAILY_FIELDS)
        return dict(zip(DAILY_FIELDS, cols, strict=True))

    def convoy_columns(
        self, names: tuple[str, ...] = CONVOY_FIELDS, *, depot_only: bool = False
    ) -> dict[str, tuple[Any, ...]]:
        """The convoy records column by column, by name (``names``: which, in which order).

        ``depot_only``: only the convoys of corridors that end at the depot.
        """
        rows = self.convoys
        if depot_only and self.depot_corridors is not None:
            keep = self.depot_corridors
            rows = [r for r in rows if r.corridor in keep]
        return _columns(rows, names)

    def event_columns(self) -> dict[str, tuple[Any, ...]]:
        """The events sorted stably by time, column by column, in ``EVENT_FIELDS`` order."""
        return _columns(sorted(self.events, key=_GETTERS["t_h"]), EVENT_FIELDS)
