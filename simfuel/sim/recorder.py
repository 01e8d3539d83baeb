"""Compact records of one simulation: plain lists and tuples, no DataFrames.

:mod:`simfuel.results` turns these into tables; the simulation only appends.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["CONVOY_FIELDS", "DAILY_FIELDS", "EVENT_FIELDS", "Recorder"]

DAILY_FIELDS = (
    "stock_l",
    "days_of_cover",
    "demand_l",
    "served_l",
    "shortfall_l",
    "rationing",
    "loaded_l",
    "arrived_l",
    "delivered_l",
    "destroyed_l",
    "captured_l",
    "in_transit_l",
    "queued_l",
    "tankers_waiting",
    "tankers_waiting_unload",
    "reserve_l",
    "stockout",
)

CONVOY_FIELDS = (
    "convoy_id",
    "corridor",
    "escort_forces",
    "escort_kind",
    "formed_h",
    "departed_h",
    "ended_h",
    "outcome",
    "tankers_departed",
    "tankers_arrived",
    "destroyed",
    "captured",
    "attacked",
    "attacks",
    "escort_wait_h",
    "capacity_l",
)

EVENT_FIELDS = (
    "t_h",
    "kind",
    "corridor",
    "convoy_id",
    "tankers",
    "litres",
    "leg_from",
    "leg_to",
    "detail",
)


@dataclass
class Recorder:
    """What one run recorded: rows as tuples/lists in the order of the ``*_FIELDS``."""

    daily: list[tuple[float, ...]] = field(default_factory=list)
    convoys: list[list[object]] = field(default_factory=list)
    events: list[tuple[float, str, str, int, int, int, str, str, str]] = field(default_factory=list)
    events_processed: int = 0

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
        """Append one row to the event log (``leg``: the places where the leg starts and ends)."""
        self.events.append(
            (t_h, kind, corridor, convoy_id, tankers, litres, leg[0], leg[1], detail)
        )
