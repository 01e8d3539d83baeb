"""Escort kinds: how much of a force a convoy takes, and when the force gets it back.

An escort force's ``kind`` names a subclass of :class:`EscortKind`; the simulation makes
one instance per force with at least one unit (:class:`~simfuel.sim.escorts.EscortPools`).

* :class:`GroundEscort` (``ground``): a :class:`simpy.Resource` with one slot per unit. A
  convoy holds a unit from departure until the unit has driven back to the staging point
  and rested ``turnaround_h``.
* :class:`AirCover` (``air``): a :class:`simpy.Container` of convoy-hours, refilled to
  ``units * convoy_hours_per_day`` every midnight. A convoy takes the hours of its route
  (at most the daily budget) when it departs; they are spent, not returned.

A new kind is one subclass that sets ``name`` and overrides the hooks :meth:`request`,
:meth:`free_now`, :meth:`give_back` and :meth:`describe` (and :meth:`new_day` with
``daily = True`` for a budget renewed at midnight), decorated with
:func:`simfuel.sim.register`.
"""

from __future__ import annotations

from typing import Any, ClassVar

import simpy

from .plan import ForcePlan
from .registry import Registry

__all__ = ["ESCORT_KINDS", "AirCover", "EscortKind", "Grant", "GroundEscort"]


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


class EscortKind:
    """The units of one escort force, lent to convoys (base class of the escort kinds).

    Parameters
    ----------
    env : simpy.Environment
        The simulation's environment.
    index : int
        The force's index in :attr:`Plan.forces <simfuel.sim.plan.Plan.forces>` (a
        :class:`Grant` names its force by it).
    force : ForcePlan
        The force (``units`` >= 1).
    """

    #: The scenario's ``kind`` for this class.
    name: ClassVar[str] = ""
    #: Whether :meth:`new_day` must run at every midnight.
    daily: ClassVar[bool] = False

    def __init__(self, env: simpy.Environment, index: int, force: ForcePlan) -> None:
        self.env = env
        self.index = index
        self.force = force

    def request(self, route_h: float) -> Grant:
        """Hook: ask for the share of the force a convoy on a ``route_h`` [h] route takes.

        Returns a :class:`Grant` whose ``event`` triggers when the share is handed over.
        """
        raise NotImplementedError

    def free_now(self, route_h: float) -> bool:
        """Hook: whether :meth:`request` would be granted at once (nobody waiting first)."""
        raise NotImplementedError

    def give_back(self, grant: Grant, travelled_h: float) -> None:
        """Hook: the convoy's journey has ended, ``travelled_h`` [h] from the staging point.

        Hand the share back now, later (schedule it on :attr:`env`) or never (spent).
        """
        raise NotImplementedError

    def withdraw(self, grant: Grant) -> None:
        """Hook: cancel a pending request, or hand a granted share back unused (at once)."""
        if not grant.granted:
            event = grant.event
            if isinstance(event, simpy.resources.base.Get | simpy.resources.base.Put):
                event.cancel()
            return
        self._unused(grant)

    def _unused(self, grant: Grant) -> None:
        raise NotImplementedError

    def new_day(self) -> None:
        """Hook (with ``daily = True``): called at every midnight, before anything else then."""

    @classmethod
    def describe(cls, force: Any) -> str:
        """Hook: how the force is available, in words (``force``: as in the scenario)."""
        return ""


ESCORT_KINDS: Registry[EscortKind] = Registry(EscortKind, "escort kind", "escorts.<key>.kind")


@ESCORT_KINDS.add
class GroundEscort(EscortKind):
    """Ground units: one rides with each convoy and drives back before it escorts again."""

    name = "ground"

    def __init__(self, env: simpy.Environment, index: int, force: ForcePlan) -> None:
        super().__init__(env, index, force)
        self.units = simpy.Resource(env, capacity=force.units)

    def request(self, route_h: float) -> Grant:
        return Grant(self.index, self.units.request(), 0.0)

    def free_now(self, route_h: float) -> bool:
        units = self.units
        return units.count < units.capacity and not units.queue

    def give_back(self, grant: Grant, travelled_h: float) -> None:
        """Release the unit once it has driven ``travelled_h`` back and rested."""
        back_h = travelled_h + self.force.turnaround_h
        if back_h > 0:
            self.env.timeout(back_h).callbacks.append(lambda _e: self._release(grant))
        else:
            self._release(grant)

    def _unused(self, grant: Grant) -> None:
        self._release(grant)

    def _release(self, grant: Grant) -> None:
        self.units.release(grant.event)  # type: ignore[arg-type]

    @classmethod
    def describe(cls, force: Any) -> str:
        return f"rest {force.turnaround_h:g} h after the drive back"


@ESCORT_KINDS.add
class AirCover(EscortKind):
    """Air cover: convoy-hours from a budget of ``units * convoy_hours_per_day`` a day."""

    name = "air"
    daily = True

    def __init__(self, env: simpy.Environment, index: int, force: ForcePlan) -> None:
        super().__init__(env, index, force)
        budget = force.units * force.convoy_hours_per_day
        self.hours = simpy.Container(env, capacity=budget, init=budget)

    def request(self, route_h: float) -> Grant:
        """Take the route's hours (at most the daily budget) from the budget."""
        box = self.hours
        hours = min(route_h, box.capacity)
        return Grant(self.index, box.get(hours) if hours > 0 else self.env.event().succeed(), hours)

    def free_now(self, route_h: float) -> bool:
        box = self.hours
        return box.level >= min(route_h, box.capacity) and not box.get_queue

    def give_back(self, grant: Grant, travelled_h: float) -> None:
        """Nothing: the hours were flown, whatever happened on the road."""

    def _unused(self, grant: Grant) -> None:
        box = self.hours
        room = box.capacity - box.level
        if grant.hours > 0 and room > 0:
            box.put(min(room, grant.hours))

    def new_day(self) -> None:
        """Refill the budget to the full day."""
        box = self.hours
        missing = box.capacity - box.level
        if missing > 0:
            box.put(missing)

    @classmethod
    def describe(cls, force: Any) -> str:
        return f"{force.convoy_hours_per_day:g} convoy-hours a day per unit"
