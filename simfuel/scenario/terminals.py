"""Origin terminals in the scenario format: their stocks, their look-ups, their checks.

A ``terminals.<key>`` entry is an origin with a finite stock: corridors whose ``origin`` is
its place load from that stock (secondary distribution that keeps nothing back) and at
most ``loading_tankers_per_day`` vehicles a day across them; imports land into it at
``resupply_l_per_day``, and so does what the corridors that end there unload (an import
terminal resupplied by ship: ``mode: sea`` corridors ending there queue for the berths of
its place's ``port``). It has no demand. Its main commodity is given as the ``*_l``
fields (fuel in litres) or as ``commodities.<main>`` (``capacity``, ``initial``,
``resupply_per_day`` in the commodity's unit), as a depot's is; other commodities only as
blocks.

This module reads a :class:`~simfuel.scenario.schema.Scenario` by its attributes; the
schema imports it (not the other way round).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .commodities import corridor_payload, unknown_reference
from .errors import Problem

if TYPE_CHECKING:
    from .schema import Scenario, Terminal

__all__ = ["TerminalFigures", "terminal_places", "terminal_problems", "terminal_stocks"]


@dataclass(frozen=True, slots=True)
class TerminalFigures:
    """One commodity's stock at a terminal, whichever way the file wrote it."""

    capacity: float  # [commodity unit]
    initial: float  # [commodity unit]
    resupply_per_day: float  # [commodity unit/day]


def terminal_places(s: Scenario) -> list[str]:
    """The places of the scenario's terminals, in file order."""
    return [t.place for t in s.terminals.values()]


def terminal_stocks(s: Scenario, t: Terminal) -> dict[str, TerminalFigures]:
    """The stocks of terminal ``t`` by commodity, the main one first.

    The main commodity's from the ``*_l`` fields when they are given, else from its block
    (the checks of :func:`terminal_problems` make sure exactly one of them is).
    """
    main = s.main_commodity
    out: dict[str, TerminalFigures] = {}
    if t.capacity_l is not None:
        out[main] = TerminalFigures(t.capacity_l, t.initial_stock_l or 0.0, t.resupply_l_per_day)
    for key, block in t.commodities.items():
        if key not in out:
            out[key] = TerminalFigures(block.capacity, block.initial, block.resupply_per_day)
    if main in out:  # the main commodity first, as every place's stocks are ordered
        out = {main: out[main], **{k: v for k, v in out.items() if k != main}}
    return out


def terminal_problems(s: Scenario) -> list[Problem]:
    """Every terminal reference of ``s`` that does not hold, one line each.

    An unknown place; a place that already holds a stock (the depot, a destination or
    another terminal: one stock per place); the main commodity given twice (flat fields
    and block) or not at all, or as litres when it is not in litres; half the flat fields;
    an unknown commodity in a block; a corridor loading there, or ending there, a commodity
    it does not stock; an ``order_up_to`` corridor ending there (no demand to order for).
    """
    out: list[Problem] = []
    if not s.terminals:
        return out
    places = list(s.places)
    main = s.main_commodity
    units = s.commodity_units
    held = {s.depot.place: "depot"}
    for key, d in s.destinations.items():
        held.setdefault(d.place, f"destinations.{key}")
    for key, t in s.terminals.items():
        base = f"terminals.{key}"
        if t.place not in s.places:
            out.append(Problem(f"{base}.place", unknown_reference("place", t.place, places)))
        elif t.place in held:
            out.append(
                Problem(
                    f"{base}.place",
                    f"'{t.place}' already holds the stock of {held[t.place]}: one stock per place",
                )
            )
        else:
            held[t.place] = base
        flat = [n for n in ("capacity_l", "initial_stock_l") if getattr(t, n) is not None]
        if flat and main in t.commodities:
            out.append(
                Problem(
                    f"{base}.{flat[0]}",
                    f"the main commodity '{main}' is given in {base}.commodities.{main}: "
                    f"drop {flat[0]} (or the block)",
                )
            )
        elif flat and units[main] != "L":
            out.append(
                Problem(
                    f"{base}.{flat[0]}",
                    f"litres, but the main commodity '{main}' is in {units[main]}: give its "
                    f"stock as {base}.commodities.{main} (capacity, initial)",
                )
            )
        elif len(flat) == 1:
            need = "initial_stock_l" if flat[0] == "capacity_l" else "capacity_l"
            out.append(Problem(f"{base}.{need}", f"required with {flat[0]}"))
        elif not flat and main not in t.commodities:
            out.append(
                Problem(
                    f"{base}.capacity_l",
                    f"required: the terminal's stock of the main commodity '{main}' "
                    f"(capacity_l and initial_stock_l, or {base}.commodities.{main})",
                )
            )
        for ckey in t.commodities:
            if ckey not in units:
                out.append(
                    Problem(
                        f"{base}.commodities.{ckey}",
                        unknown_reference("commodity", ckey, list(units)),
                    )
                )
    if out:
        return out
    by_place = {t.place: t for t in s.terminals.values()}
    for ckey, c in s.corridors.items():
        end = c.legs[-1].to
        # Its origin's stock (unless it ends there: an unlimited origin) and its end's.
        ends = [(end, "destination")] if end in by_place else []
        if ends and c.dispatch_policy == "order_up_to":
            out.append(
                Problem(
                    f"corridors.{ckey}.dispatch_policy",
                    f"order_up_to loads up to days of its destination's demand, and terminal "
                    f"'{end}' has none: it would never load (use fixed_rate or schedule)",
                )
            )
        if c.origin in by_place and c.origin != end:
            ends.insert(0, (c.origin, "origin"))
        for place, role in ends:
            stocked = list(terminal_stocks(s, by_place[place]))
            missing = [k for k in corridor_payload(s, c) if k in units and k not in stocked]
            if missing:
                out.append(
                    Problem(
                        f"corridors.{ckey}.vehicle",
                        f"carries {', '.join(missing)}, which its {role} terminal '{place}' "
                        f"does not stock (it stocks: {', '.join(stocked)})",
                    )
                )
    return out
