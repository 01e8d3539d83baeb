"""Disruptions compiled for the simulation: closures, dated leg speeds and border delays.

Every disruption is dated in the scenario, so the whole of it is known before the run: a
convoy entering a leg *looks up* whether the leg is closed (and until when) and how long
it takes at the speed then in force, instead of waiting for an event. A leg where nothing
happens costs no SimPy event; a convoy held at a closed leg costs one timeout, to the
reopening.

What is closed is kept per *slot*: a corridor's loading at its origin, its convoy
formation at the staging point, and each of its legs. A ``close`` event adds its target
(a corridor, a leg or a place) to the slots it covers, a ``reopen`` of the same target
removes it; a slot is closed while any target covers it. A place covers loading at an
origin there and every leg that starts or ends there (so also formation, when it is the
staging point: the first leg after it starts there). A corridor covers its loading and
its formation, not its legs: convoys already past the staging point carry on.

A ``seize`` of a place's stock closes the place as a ``close`` of it does (under a target
of its own, so a ``reopen`` of the place does not end it) until its ``release``; the
stock's own seized windows (:func:`compile_seizures`) are what the engine reads to trap
the stock: no demand served, no secondary loading, no unloading.

Nothing here draws random numbers or touches simpy.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..model.schedule import StepSchedule
from ..model.transit import leg_hours
from ..scenario.schema import (
    BorderEvent,
    CloseEvent,
    FixedDelay,
    LegSpeedEvent,
    LognormalDelay,
    ReleaseEvent,
    ReopenEvent,
    Scenario,
    SeizeEvent,
    TriangularDelay,
    UniformDelay,
)

__all__ = [
    "CorridorDisruptions",
    "DatedLegs",
    "Windows",
    "compile_disruptions",
    "compile_seizures",
]

DelaySpec = tuple[str, tuple[float, ...]]
Key = tuple[str, ...]


@dataclass(frozen=True)
class Windows:
    """Closed time windows ``[start_h, end_h)``, sorted and disjoint (``end_h`` may be inf).

    Build with :meth:`merge`, which joins windows that overlap or touch.
    """

    starts_h: tuple[float, ...]
    ends_h: tuple[float, ...]

    @classmethod
    def merge(cls, spans: Iterable[tuple[float, float]]) -> Windows | None:
        """The union of ``(start_h, end_h)`` spans; None if it is empty."""
        merged: list[list[float]] = []
        for t0, t1 in sorted(spans):
            if t1 <= t0:
                continue  # closed and reopened at the same time: never closed
            if merged and t0 <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], t1)
            else:
                merged.append([t0, t1])
        if not merged:
            return None
        return cls(tuple(w[0] for w in merged), tuple(w[1] for w in merged))

    def open_at(self, t_h: float) -> float:
        """The first time at or after ``t_h`` [h] when it is open (inf: never again)."""
        i = bisect.bisect_right(self.starts_h, t_h) - 1
        if i >= 0 and t_h < self.ends_h[i]:
            return self.ends_h[i]
        return t_h

    def closed_at(self, t_h: float) -> bool:
        """Whether it is closed at ``t_h`` [h] (closed from a start, open from an end)."""
        return self.open_at(t_h) > t_h

    def zeroed(self, rate: StepSchedule[float]) -> StepSchedule[float]:
        """``rate`` with value 0 inside the windows (a rate that pauses while closed)."""
        times = sorted({*rate.times_h, *self.starts_h, *(t for t in self.ends_h if t < math.inf)})
        initial = rate.initial if not self.closed_at(-math.inf) else 0.0
        return StepSchedule(initial, [(t, 0.0 if self.closed_at(t) else rate.at(t)) for t in times])


@dataclass(frozen=True)
class DatedLegs:
    """Dated closures and driving times of a run of legs, looked up at entry time.

    Attributes
    ----------
    closed : tuple of Windows or None
        Per leg, when it is closed (None: never).
    hours : tuple of StepSchedule
        Per leg, its driving time [h] from each dated speed change on (the leg's own
        ``length_km / speed_kmh`` before).
    places : tuple of (str, str)
        Per leg, the places where it starts and ends.
    """

    closed: tuple[Windows | None, ...]
    hours: tuple[StepSchedule[float], ...]
    places: tuple[tuple[str, str], ...]

    def enter_h(self, leg: int, t_h: float) -> float:
        """When a convoy that reaches ``leg`` at ``t_h`` may enter it [h] (inf: never)."""
        w = self.closed[leg]
        return t_h if w is None else w.open_at(t_h)

    def hours_h(self, leg: int, t_h: float) -> float:
        """Driving time of ``leg`` for a convoy entering it at ``t_h`` [h]."""
        return self.hours[leg].at(t_h)

    def walk(self, t_h: float) -> tuple[float, list[tuple[int, float, float]]]:
        """A batch that starts the first leg at ``t_h``: when it ends the last one [h].

        Also the holds on the way: ``(leg, from_h, until_h)`` for each closed leg it
        waits at (``until_h`` inf: it waits to the end, and so does the batch).
        """
        t, held = t_h, []
        for leg in range(len(self.hours)):
            enter = self.enter_h(leg, t)
            if enter > t:
                held.append((leg, t, enter))
                if enter == math.inf:
                    return enter, held
            t = enter + self.hours_h(leg, enter)
        return t, held

    def route_h(self, t_h: float) -> float:
        """Driving time of all the legs at the speeds in force at ``t_h`` [h], no waits."""
        return sum(h.at(t_h) for h in self.hours)


@dataclass
class CorridorDisruptions:
    """One corridor's disruptions, as :class:`~simfuel.sim.plan.CorridorPlan` holds them.

    Every attribute is None (or empty) when nothing of its kind is dated, so the engine's
    fast path is the one of a scenario without disruptions.
    """

    load_closed: Windows | None = None  # loading at the origin
    form_closed: Windows | None = None  # convoy formation (the corridor or its first leg)
    approach: DatedLegs | None = None  # the legs from the origin to the staging point
    route: DatedLegs | None = None  # the legs from the staging point on
    border_delays: list[tuple[float, DelaySpec]] = field(default_factory=list)


def delay_spec(
    spec: FixedDelay | UniformDelay | TriangularDelay | LognormalDelay,
) -> DelaySpec:
    """A scenario delay as the engine's ``(distribution, parameters [h])`` pair."""
    if isinstance(spec, FixedDelay):
        return ("fixed", (spec.value,))
    if isinstance(spec, UniformDelay):
        return ("uniform", (spec.low, spec.high))
    if isinstance(spec, TriangularDelay):
        return ("triangular", (spec.low, spec.mode, spec.high))
    return ("lognormal", (spec.mean, spec.sd))


def _targets(ev: CloseEvent | ReopenEvent | LegSpeedEvent, s: Scenario) -> list[Key]:
    if ev.corridors is not None:
        names = list(s.corridors) if ev.corridors == ["all"] else ev.corridors
        return [("corridor", name) for name in names]
    if ev.corridor is not None:
        return [("leg", ev.corridor, str(ev.leg_from))]
    return [("place", str(ev.place))]


def _slots(key: Key, s: Scenario) -> list[tuple[str, str, int]]:
    """The slots a target covers: ``(corridor, "load" | "form" | "leg", leg index)``."""
    out: list[tuple[str, str, int]] = []
    if key[0] == "corridor":
        return [(key[1], "load", -1), (key[1], "form", -1)]
    for cname, c in s.corridors.items():
        if key[0] == "leg":
            if cname == key[1]:
                out += [(cname, "leg", i) for i, leg in enumerate(c.legs) if leg.from_ == key[2]]
            continue
        place = key[1]
        if c.origin == place:
            out.append((cname, "load", -1))
        out += [(cname, "leg", i) for i, leg in enumerate(c.legs) if place in (leg.from_, leg.to)]
    return out


def _speed_slots(key: Key, s: Scenario) -> list[tuple[str, int]]:
    if key[0] == "corridor":
        return [(key[1], i) for i in range(len(s.corridors[key[1]].legs))]
    return [(cname, i) for cname, kind, i in _slots(key, s) if kind == "leg"]


def compile_disruptions(s: Scenario) -> dict[str, CorridorDisruptions]:
    """Every corridor's disruptions, by corridor key (times in hours from ``s.start``).

    Events take effect in date order, of two on one date the one listed first (the
    schema checks that every ``reopen`` follows a ``close`` of the same target).
    """
    out = {key: CorridorDisruptions() for key in s.corridors}
    events = sorted(s.events, key=lambda e: e.date)
    kinds = CloseEvent | ReopenEvent | LegSpeedEvent | BorderEvent | SeizeEvent | ReleaseEvent
    if not any(isinstance(ev, kinds) for ev in events):
        return out

    # Closures: each target's closed spans, then the spans of every slot it covers.
    opened: dict[Key, float] = {}
    spans: dict[Key, list[tuple[float, float]]] = {}
    speeds: dict[tuple[str, int], list[tuple[float, float]]] = {}
    for ev in events:
        t = 24.0 * (ev.date - s.start).days
        if isinstance(ev, CloseEvent):
            for key in _targets(ev, s):
                opened.setdefault(key, t)  # closing what is closed changes nothing
        elif isinstance(ev, ReopenEvent):
            for key in _targets(ev, s):
                if key in opened:
                    spans.setdefault(key, []).append((opened.pop(key), t))
        elif isinstance(ev, SeizeEvent):
            # The seized place is closed under a key of its own (see the module notes).
            opened.setdefault(("seized", ev.place), t)
        elif isinstance(ev, ReleaseEvent):
            if ("seized", ev.place) in opened:
                spans.setdefault(("seized", ev.place), []).append(
                    (opened.pop(("seized", ev.place)), t)
                )
        elif isinstance(ev, LegSpeedEvent):
            for key in _targets(ev, s):
                for cname, i in _speed_slots(key, s):
                    leg = s.corridors[cname].legs[i]
                    speed = ev.speed_kmh or leg.speed_kmh * (ev.factor or 1.0)
                    speeds.setdefault((cname, i), []).append((t, leg_hours(leg.length_km, speed)))
        elif isinstance(ev, BorderEvent):
            names = list(s.corridors) if ev.corridors == ["all"] else ev.corridors
            for cname in names:
                out[cname].border_delays.append((t, delay_spec(ev.delay_h)))
    for key, t in opened.items():
        spans.setdefault(key, []).append((t, math.inf))  # no reopen: closed to the end

    slot_spans: dict[tuple[str, str, int], list[tuple[float, float]]] = {}
    for key, key_spans in spans.items():
        for slot in _slots(key, s):
            slot_spans.setdefault(slot, []).extend(key_spans)

    for cname, c in s.corridors.items():
        d = out[cname]
        first = [leg.from_ for leg in c.legs].index(c.staging)
        d.load_closed = Windows.merge(slot_spans.get((cname, "load", -1), []))
        # No convoy forms while the corridor is closed or its first leg after staging is:
        # the tankers wait at the staging point, where that leg starts.
        d.form_closed = Windows.merge(
            slot_spans.get((cname, "form", -1), []) + slot_spans.get((cname, "leg", first), [])
        )
        closed = [Windows.merge(slot_spans.get((cname, "leg", i), [])) for i in range(len(c.legs))]
        hours = [
            StepSchedule(leg_hours(leg.length_km, leg.speed_kmh), speeds.get((cname, i), []))
            for i, leg in enumerate(c.legs)
        ]
        for part, lo, hi in (("approach", 0, first), ("route", first, len(c.legs))):
            dated = any(closed[i] is not None or hours[i].times_h for i in range(lo, hi))
            if dated:
                places = tuple((leg.from_, leg.to) for leg in c.legs[lo:hi])
                setattr(d, part, DatedLegs(tuple(closed[lo:hi]), tuple(hours[lo:hi]), places))
    return out


def compile_seizures(s: Scenario) -> dict[str, Windows]:
    """When each seized stock is trapped, by place key (only places ever seized).

    A ``seize`` starts a window, the next ``release`` of the place ends it (none: the
    window lasts to the end); seizing what is seized changes nothing.
    """
    opened: dict[str, float] = {}
    spans: dict[str, list[tuple[float, float]]] = {}
    for ev in sorted(s.events, key=lambda e: e.date):
        t = 24.0 * (ev.date - s.start).days
        if isinstance(ev, SeizeEvent):
            opened.setdefault(ev.place, t)
        elif isinstance(ev, ReleaseEvent) and ev.place in opened:
            spans.setdefault(ev.place, []).append((opened.pop(ev.place), t))
    for place, t in opened.items():
        spans.setdefault(place, []).append((t, math.inf))
    out = {}
    for place, place_spans in spans.items():
        w = Windows.merge(place_spans)
        if w is not None:
            out[place] = w
    return out
