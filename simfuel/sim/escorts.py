"""Escort forces as SimPy resources.

* A **ground** force is a :class:`simpy.Resource` with one slot per unit: a convoy holds a
  unit from departure until the unit has driven back to the staging point (and rested
  ``turnaround_h``).
* An **air** force is a :class:`simpy.Container` of convoy-hours, refilled to
  ``units * convoy_hours_per_day`` every midnight. A convoy takes the hours of its route
  (at most the daily budget) when it departs.

A force with 0 units can never be granted: a convoy that requires it waits until the
policy changes.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy

from .plan import ForcePlan

__all__ = ["EscortPools", "Grant"]


class Grant:
    """A request for one force, pending or granted."""

    __slots__ = ("event", "force", "hours")

    def __init__(self, force: int, event: simpy.Event | None, hours: float) -> None:
        self.force = force
        self.event = event  # None: the force has no units, never granted
        self.hours = hours

    @property
    def granted(self) -> bool:
        """Whether the force's unit (or air hours) has been handed over."""
        return self.event is not None and self.event.triggered


class EscortPools:
    """The escort forces of one simulation."""

    def __init__(self, env: simpy.Environment, forces: list[ForcePlan]) -> None:
        self.env = env
        self.forces = forces
        self._ground: dict[int, simpy.Resource] = {}
        self._air: dict[int, simpy.Container] = {}
        for i, f in enumerate(forces):
            if f.units <= 0:
                continue
            if f.kind == "ground":
                self._ground[i] = simpy.Resource(env, capacity=f.units)
            else:
                budget = f.units * f.convoy_hours_per_day
                self._air[i] = simpy.Container(env, capacity=budget, init=budget)
        if self._air:
            env.process(self._refill_air())

    def _refill_air(self) -> Generator[simpy.Event, Any, None]:
        while True:
            yield self.env.timeout(24.0)
            for box in self._air.values():
                missing = box.capacity - box.level
                if missing > 0:
                    box.put(missing)

    def staffed(self, force: int) -> bool:
        """Whether ``force`` has any units, i.e. a request for it can ever be granted."""
        return force in self._ground or force in self._air

    def request(self, force: int, route_h: float) -> Grant:
        """Ask for one unit of ``force`` for a convoy whose route takes ``route_h`` [h]."""
        if force in self._ground:
            return Grant(force, self._ground[force].request(), 0.0)
        if force in self._air:
            box = self._air[force]
            hours = min(route_h, box.capacity)
            return Grant(force, box.get(hours) if hours > 0 else self.env.event().succeed(), hours)
        return Grant(force, None, 0.0)

    def available_now(self, force: int, route_h: float) -> bool:
        """Whether a request for ``force`` would be granted at once."""
        if force in self._ground:
            res = self._ground[force]
            return res.count < res.capacity and not res.queue
        if force in self._air:
            box = self._air[force]
            return box.level >= min(route_h, box.capacity) and not box.get_queue
        return False

    def withdraw(self, grant: Grant) -> None:
        """Cancel a pending request, or give back a granted one unused (air hours too)."""
        if grant.event is None:
            return
        if not grant.granted:
            if isinstance(grant.event, simpy.resources.base.Get | simpy.resources.base.Put):
                grant.event.cancel()
            return
        if grant.force in self._air and grant.hours > 0:
            box = self._air[grant.force]
            room = box.capacity - box.level
            if room > 0:
                box.put(min(room, grant.hours))
        else:
            self.release(grant)

    def release(self, grant: Grant) -> None:
        """Hand a ground unit back after its drive home; air hours are spent, not returned."""
        if grant.force in self._ground and grant.event is not None:
            self._ground[grant.force].release(grant.event)  # type: ignore[arg-type]

    def kind(self, force: int) -> str:
        """``"air"`` or ``"ground"``."""
        return self.forces[force].kind
