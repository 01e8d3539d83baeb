"""Ports in the scenario format: the berths at a place, shared by the ships unloading there.

The berths belong to the place where ships unload (the depot's, a destination's or a
terminal's), not to a corridor: every ``mode: sea`` corridor that ends at one place queues
for the same berths, first come first served. They are given once, as
``places.<key>.port: {berths, berth_hours}``, or (as before ports existed) as each such
corridor's ``sea.berths``, which must then agree. A corridor's ``sea.berth_hours`` is how
long its ships hold a berth; with a port it defaults to the port's ``berth_hours``.

:func:`expand_port_sugar` runs on the raw mapping before validation: a sea corridor that
ends at a place with a ``port`` gets its ``sea.berths`` (and, if it gives none, its
``sea.berth_hours``) from it, so every reader of ``sea.berths`` sees the port's. The dump
drops what was filled (:func:`drop_port_defaults`), so a file round-trips and an old file
(no ``port``) dumps and hashes as before.

This module reads a :class:`~simfuel.scenario.schema.Scenario` by its attributes; the
schema imports it (not the other way round).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .errors import Problem

if TYPE_CHECKING:
    from .schema import Scenario

__all__ = ["drop_port_defaults", "expand_port_sugar", "port_problems"]


def _end(corridor: dict[str, Any]) -> Any:
    """The place a raw corridor mapping's last leg ends at (None if it cannot be read)."""
    legs = corridor.get("legs")
    if isinstance(legs, list) and legs and isinstance(legs[-1], dict):
        return legs[-1].get("to")
    return None


def _fill(value: Any, low: float, high: float, whole: bool) -> Any:
    """``value`` if it is a number the port's field accepts, else a valid stand-in.

    The port is validated too: a bad value there is reported once, at its own path, and
    the stand-in never survives (validation fails on the port). Text that reads as such
    a number is passed on as is (the corridor's field reads it as the port's does).
    """
    number = value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return low
    if isinstance(number, bool) or not isinstance(number, int | float):
        return low
    fits = math.isfinite(number) and low <= number <= high
    return value if fits and (not whole or number == int(number)) else low


def expand_port_sugar(data: Any, max_berths: int, max_berth_h: float) -> Any:
    """Fill the ``sea`` block of each sea corridor ending at a port from that port.

    Parameters
    ----------
    data : Any
        The mapping given to ``Scenario.model_validate`` (anything else is returned as is).
    max_berths, max_berth_h : int, float
        The bounds of the port's fields (a value beyond them is the port's error only).

    Returns
    -------
    Any
        ``data``, or a copy in which every corridor with a ``sea`` block whose last leg ends
        at a place with a ``port`` has ``sea.berths`` (when not written) and
        ``sea.berth_hours`` (when not written and the port gives it) from the port. A value
        written on both is left for :func:`port_problems` to compare.
    """
    if not isinstance(data, dict):
        return data
    places, corridors = data.get("places"), data.get("corridors")
    if not isinstance(places, dict) or not isinstance(corridors, dict):
        return data
    ports = {
        key: p["port"]
        for key, p in places.items()
        if isinstance(p, dict) and isinstance(p.get("port"), dict)
    }
    if not ports:
        return data
    filled = {}
    for key, c in corridors.items():
        if isinstance(c, dict) and isinstance(c.get("sea"), dict):
            port = ports.get(_end(c)) if isinstance(_end(c), str) else None
            if port is not None:
                sea = dict(c["sea"])
                for name, low, high, whole in (
                    ("berths", 1, max_berths, True),
                    ("berth_hours", 1.0, max_berth_h, False),
                ):
                    if name not in sea and port.get(name) is not None:
                        sea[name] = _fill(port[name], low, high, whole)
                c = {**c, "sea": sea}
        filled[key] = c
    return {**data, "corridors": filled}


def port_problems(s: Scenario) -> list[Problem]:
    """Every port reference of ``s`` that does not hold, one line each.

    A ``port`` at a place where no sea corridor ends (its berths would serve no ship); a
    sea corridor whose ``sea.berths`` differs from the port's at its end, or, without a
    port, from another sea corridor's ending at the same place (one port, one number of
    berths).
    """
    out: list[Problem] = []
    sea_ends: dict[str, list[str]] = {}
    for key, c in s.corridors.items():
        if c.sea is not None:
            sea_ends.setdefault(c.legs[-1].to, []).append(key)
    for pkey, place in s.places.items():
        if place.port is not None and pkey not in sea_ends:
            where = ", ".join(sorted(sea_ends)) or "none"
            out.append(
                Problem(
                    f"places.{pkey}.port",
                    f"no mode: sea corridor ends at '{pkey}': its berths would serve no ship "
                    f"(sea corridors end at: {where})",
                )
            )
    for end, keys in sea_ends.items():
        at = s.places.get(end)
        port = at.port if at is not None else None
        first = keys[0]
        for key in keys if port is not None else keys[1:]:
            sea = s.corridors[key].sea
            assert sea is not None  # only sea corridors are listed
            if port is not None and sea.berths != port.berths:
                out.append(
                    Problem(
                        f"corridors.{key}.sea.berths",
                        f"{sea.berths} berths, but places.{end}.port.berths is {port.berths}: "
                        "the berths are the port's (drop sea.berths)",
                    )
                )
            elif port is None:
                other = s.corridors[first].sea
                assert other is not None
                if sea.berths != other.berths:
                    out.append(
                        Problem(
                            f"corridors.{key}.sea.berths",
                            f"{sea.berths} berths at '{end}', but corridors.{first}.sea.berths "
                            f"is {other.berths}: sea corridors that end at one place share its "
                            f"berths (give them once as places.{end}.port.berths)",
                        )
                    )
    return out


def drop_port_defaults(s: Scenario, out: dict[str, Any]) -> None:
    """Remove from a dump ``out`` of ``s`` what :func:`expand_port_sugar` filled.

    A place's ``port`` when it has none (an old file dumps as before); a sea corridor's
    ``sea.berths`` when its end has a port (they are equal, or the file is refused), and
    its ``sea.berth_hours`` when equal to the port's.
    """
    rows = out.get("places")
    if isinstance(rows, dict):
        for key, place in s.places.items():
            row = rows.get(key)
            if isinstance(row, dict) and place.port is None:
                row.pop("port", None)
    rows = out.get("corridors")
    if not isinstance(rows, dict):
        return
    for key, c in s.corridors.items():
        at = s.places.get(c.legs[-1].to)
        port = at.port if at is not None else None
        row = rows.get(key)
        sea = row.get("sea") if isinstance(row, dict) else None
        if c.sea is None or port is None or not isinstance(sea, dict):
            continue
        sea.pop("berths", None)
        if port.berth_hours is not None and c.sea.berth_hours == port.berth_hours:
            sea.pop("berth_hours", None)
