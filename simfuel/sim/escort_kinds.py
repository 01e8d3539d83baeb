"""Escort kinds: how much of a force a convoy takes, and when the force gets it back.

An escort force's ``kind`` names a subclass of :class:`EscortKind`; the simulation makes
one instance per force with at least one unit (:class:`~simfuel.sim.escorts.EscortPools`).

* :class:`GroundEscort` (``ground``): a :class:`simpy.Resource` with one slot per unit. A
  convoy holds a unit from departure until the unit has driven back to the staging point
  and rested ``turnaround_h``.
* :class:`AirCover` (``air``): a :class:`simpy.Container` of convoy-hours, refilled to
  ``units * convoy_hours_per_day`` every midnight. A convoy takes the hours of its route
  (at most the daily budget) when it departs; they are spent, not returned.
* :class:`HourlyAirCover` (``air_hourly``): convoy-hours accrued hour by hour
  (``units * convoy_hours_per_day / 24`` an hour), unused ones carried over up to
  ``max_banked_days`` of budget. A convoy takes only the hours it drives on threatened
  legs (risk > 0, at the force's own speed limit if it has one), at most the bank, when it
  departs; they are spent, not returned. No midnight refill, so no rush at 00:00. With
  the force's ``daylight_h`` window, only the threatened hours that fall inside it (leg
  entry times reckoned from the time the convoy asks, at the legs' hours). In a
  simulation the bank's hourly accrual costs no SimPy event: the engine steps it between
  events (:attr:`EscortKind.clocked`), in the place its timeouts had.

An air force's ``daylight_h`` also limits its deterrence and protection to the legs a
convoy enters inside the window (:meth:`simfuel.sim.threats.Escort.at`); ``air`` still
takes its route's hours.

A kind that needs more than the route's hours overrides :meth:`EscortKind.request_for`,
which gets the corridor too.

A new kind is one subclass that sets ``name`` and overrides the hooks :meth:`request`,
:meth:`free_now`, :meth:`give_back` and :meth:`describe` (and :meth:`new_day` with
``daily = True`` for a budget renewed at midnight), decorated with
:func:`simfuel.sim.register`.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any, ClassVar

import simpy

from .plan import CorridorPlan, ForcePlan
from .registry import Registry

_URGENT, _NORMAL = int(simpy.core.URGENT), int(simpy.core.NORMAL)
_START, _TICK, _PUT = 0, 1, 2  # the clocked bank's next event: its start, an hour, a put

__all__ = [
    "ESCORT_KINDS",
    "AirCover",
    "EscortKind",
    "Grant",
    "GroundEscort",
    "HourlyAirCover",
    "window_overlap_h",
]


def window_overlap_h(start_h: float, hours: float, from_h: float, to_h: float) -> float:
    """Hours of the drive ``[start_h, start_h + hours)`` inside the daily window.

    Parameters
    ----------
    start_h : float
        When the drive starts [h from 00:00 of day 0; may be < 0].
    hours : float
        How long it lasts [h] (<= 0: nothing).
    from_h, to_h : float
        The window, ``0 <= from_h < to_h <= 24``, the same every day [h of the day].

    Returns
    -------
    float
        The hours inside the window [h].
    """
    if not hours > 0:
        return 0.0
    end_h = start_h + hours
    total = 0.0
    day_h = 24.0 * math.floor(start_h / 24.0)
    while day_h + from_h < end_h:
        inside = min(end_h, day_h + to_h) - max(start_h, day_h + from_h)
        if inside > 0:
            total += inside
        day_h += 24.0
    return total


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
    #: Whether the kind, made with ``clocked=True``, keeps a clock of its own instead of
    #: SimPy events: the key its next event would have in the event queue (:attr:`due`,
    #: ``(time, priority, eid)``), which the engine's run loop processes
    #: (:meth:`run_until`) just before the first real event that sorts after it.
    clocked: ClassVar[bool] = False

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

    def request_for(self, corridor: CorridorPlan, route_h: float) -> Grant:
        """:meth:`request` for a convoy of ``corridor`` (the engine's call; by default the
        corridor does not matter)."""
        return self.request(route_h)

    def free_now_for(self, corridor: CorridorPlan, route_h: float) -> bool:
        """:meth:`free_now` for a convoy of ``corridor`` (as :meth:`request_for`)."""
        return self.free_now(route_h)

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

    #: With ``clocked``: the key of the clock's next event, ``(time, priority, eid)``.
    due: tuple[float, int, int] = (math.inf, 0, 0)

    def run_until(self, key: tuple[Any, ...]) -> None:
        """Hook (with ``clocked``): process the clock's events that sort before ``key``.

        ``key`` is the next SimPy event's queue entry (or another clock's :attr:`due`):
        nothing else happens before it. The clock may stop earlier (its events schedule
        one that is due before its next); the engine calls it again.
        """
        raise NotImplementedError

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


@ESCORT_KINDS.add
class HourlyAirCover(AirCover):
    """Air cover by the hour flown: a convoy takes the hours of its threatened legs only.

    The bank holds at most ``units * convoy_hours_per_day * max_banked_days`` hours and
    starts full; every hour it gains ``units * convoy_hours_per_day / 24`` (up to that
    cap). A convoy takes the hours it drives on legs with risk > 0 (at the legs' own
    speeds, or the force's ``speed_kmh`` if slower; dated leg speeds are not foreseen), at
    most the whole bank, when it departs.
    """

    name = "air_hourly"
    daily = False
    clocked = True

    def __init__(
        self, env: simpy.Environment, index: int, force: ForcePlan, clocked: bool = False
    ) -> None:
        EscortKind.__init__(self, env, index, force)
        self._per_hour = force.units * force.convoy_hours_per_day / 24.0
        cap = force.units * force.convoy_hours_per_day * force.max_banked_days
        self.hours = simpy.Container(env, capacity=cap, init=cap)
        self._threatened: dict[int, float] = {}  # by corridor index [h]
        # With a window: the threatened legs' (start after departure, hours) by corridor.
        self._spans: dict[int, list[tuple[float, float]]] = {}
        if not clocked:
            env.process(self._accrue())  # on its own (no engine to step the clock)
            return
        # The clock is the process _accrue, its events not scheduled: each takes the eid
        # its event took (so every other event's eid is what it was), the start first.
        self.due = (env.now, _URGENT, next(env._eid))
        self._stage = _START
        self._hour: tuple[float, int, int] = self.due

    def _accrue(self) -> Generator[simpy.Event, Any, None]:
        box, per_hour = self.hours, self._per_hour
        while True:
            yield self.env.timeout(1.0)
            room = box.capacity - box.level
            if room > 0:
                box.put(min(room, per_hour))

    # The clocked bank: _accrue's events, done as SimPy did them. Its start (Initialize)
    # schedules the first timeout; each timeout (an hour) adds min(room, per hour) if there
    # is room, as ``put`` did (a put always fits: it is at most the room), then schedules the
    # put's event (which serves the waiting requests when processed) and the next timeout.

    def run_until(self, key: tuple[Any, ...]) -> None:
        """Process the accrual's events that sort before ``key`` (an event-queue entry).

        Stops early after a put that served a waiting request: the request's event, due
        now, comes before the next hour.
        """
        due, stage = self.due, self._stage
        if not due < key:
            return
        env, box = self.env, self.hours
        eid, per_hour = env._eid, self._per_hour
        while due < key:
            t = due[0]
            if stage == _TICK:
                room = box._capacity - box._level
                if room > 0:
                    box._level += per_hour if per_hour < room else room
                    due = (t, _NORMAL, next(eid))  # the put's event
                    self._hour = (t + 1.0, _NORMAL, next(eid))
                    stage = _PUT
                else:
                    due = (t + 1.0, _NORMAL, next(eid))
            elif stage == _PUT:
                due, stage = self._hour, _TICK
                if box.get_queue:
                    self.due, self._stage = due, stage
                    env._now = t  # as env.step() sets it: the request's event is due now
                    box._trigger_get(None)  # the put event's callback
                    return
            else:  # the start
                due, stage = (t + 1.0, _NORMAL, next(eid)), _TICK
        self.due, self._stage = due, stage

    def threatened_h(self, corridor: CorridorPlan) -> float:
        """Hours a convoy of ``corridor`` drives on threatened legs under this force [h]."""
        hours = self._threatened.get(corridor.index)
        if hours is None:
            limit = self.force.speed_kmh
            hours = sum(
                h if limit is None else max(h, length / limit)
                for length, _speed, risk, h, _frm, _to in corridor.legs
                if risk > 0
            )
            self._threatened[corridor.index] = hours
        return hours

    def covered_h(self, corridor: CorridorPlan, depart_h: float) -> float:
        """Hours a convoy of ``corridor`` leaving at ``depart_h`` [h] drives on threatened
        legs inside the force's ``daylight_h`` window (all of them without one) [h]."""
        window = self.force.daylight_h
        if window is None:
            return self.threatened_h(corridor)
        spans = self._spans.get(corridor.index)
        if spans is None:
            limit = self.force.speed_kmh
            spans, t = [], 0.0
            for length, _speed, risk, h, _frm, _to in corridor.legs:
                hours = h if limit is None else max(h, length / limit)
                if risk > 0:
                    spans.append((t, hours))
                t += hours
            self._spans[corridor.index] = spans
        from_h, to_h = window
        return sum(window_overlap_h(depart_h + t, h, from_h, to_h) for t, h in spans)

    def request_for(self, corridor: CorridorPlan, route_h: float) -> Grant:
        """Take the threatened legs' hours (in the window; at most the bank's capacity)."""
        return self.request(self.covered_h(corridor, self.env.now))

    def free_now_for(self, corridor: CorridorPlan, route_h: float) -> bool:
        return self.free_now(self.covered_h(corridor, self.env.now))

    def new_day(self) -> None:
        """Nothing at midnight: the bank fills hour by hour."""

    @classmethod
    def describe(cls, force: Any) -> str:
        words = (
            f"{force.convoy_hours_per_day:g} convoy-hours a day per unit, accrued hourly, "
            f"banked up to {force.max_banked_days:g} days; threatened legs only"
        )
        window = getattr(force, "daylight_h", None)
        if window is not None:
            words += f", flying {window[0]:g}-{window[1]:g} h of the day only"
        return words
