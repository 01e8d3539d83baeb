"""Transport modes and the starting state: what an air or sea corridor does differently.

* :class:`AirBridge` replaces the convoy former on a ``mode: air`` corridor: loads wait at
  the airfield (the staging point) for a free aircraft; each sortie is a "convoy" of one
  load, without escort, and its aircraft is free again ``sortie_cycle_h`` after take-off
  (``24 / sorties_per_day``: the flight there and back and the turnaround). The flight
  itself is the engine's convoy journey, so a leg with ``risk`` can be attacked.
* :class:`Port` holds the berths at a place where ships unload (the depot, a destination
  or a terminal), one per place, shared by every ``mode: sea`` corridor that ends there
  (:func:`ports`): a ship that arrives waits for a berth (one queue, first come, first
  served), holds it its corridor's ``berth_h``, and only then unloads into the stock as
  any arrival does. While the stock there is seized no ship unloads: the berth hours stop
  (the ship stays at its berth, those behind it wait at anchor) and go on at the release.
  While it waits and unloads it counts as waiting to unload (``tankers_waiting_unload``).
* :func:`place_initial` puts a corridor's ``initial`` vehicles on it at ``t = 0``;
  :func:`no_warmup` keeps a corridor from loading before ``t = 0``.

These read and write the engine's tanker counters (``loaded``, ``transit``, ``staged``,
``unload_wait``), so every vehicle stays in the fuel balance; they hold no random stream
of their own (an ``on_road`` group before the staging point draws its border delay from
the corridor's border stream, as a loaded batch does).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Generator, Sequence
from typing import TYPE_CHECKING, Any

import simpy

from .disruptions import Windows
from .plan import CorridorPlan

if TYPE_CHECKING:
    from .engine import Simulation
    from .places import Stock

__all__ = ["AirBridge", "Port", "berth_end_h", "no_warmup", "place_initial", "ports"]


class AirBridge:
    """The aircraft fleet of one air corridor, and its former process.

    Parameters
    ----------
    sim : Simulation
        The run.
    corridor : CorridorPlan
        An air corridor (``corridor.mode.mode == "air"``).
    """

    def __init__(self, sim: Simulation, corridor: CorridorPlan) -> None:
        self.sim = sim
        self.corridor = corridor
        self.free = corridor.mode.aircraft  # aircraft on the ground, ready to fly
        self._back: simpy.Event | None = None

    def process(self) -> Generator[simpy.Event, Any, None]:
        """Fly a sortie whenever a load waits and an aircraft is free."""
        sim, c = self.sim, self.corridor
        env, ci = sim.env, c.index
        closed = c.disruptions.form_closed
        cycle_h = c.mode.sortie_cycle_h
        while True:
            if closed is not None:
                open_h = closed.open_at(env.now)
                if open_h > env.now:
                    # A closed air corridor flies nothing: the loads wait at the airfield.
                    yield env.timeout(open_h - env.now) if open_h < math.inf else env.event()
                    continue
            if sim.staged[ci] == 0:
                yield sim._wake[ci]
                continue
            if self.free == 0:
                self._back = env.event()
                yield self._back
                continue
            self.free -= 1
            sim.staged[ci] -= 1
            sim.transit[ci] += 1
            sim._launch(c, 1, [], env.now)
            env.timeout(cycle_h).callbacks.append(self._returned)

    def _returned(self, _event: simpy.Event) -> None:
        self.free += 1
        back = self._back
        if back is not None and not back.triggered:
            back.succeed()


class Port:
    """The berths at one place where ships unload, shared by the sea corridors ending there.

    Parameters
    ----------
    env : simpy.Environment
        The simulation's environment.
    berths : int
        Berths [-].
    seized : Windows or None
        When the stock there is seized (no ship unloads); None: never.
    """

    def __init__(self, env: simpy.Environment, berths: int, seized: Windows | None = None) -> None:
        self.env = env
        self.seized = seized
        self._berths = simpy.Resource(env, capacity=berths)

    def berth(
        self,
        sim: Simulation,
        ci: int,
        n: int,
        berth_h: float,
        held: Callable[[float], None] | None = None,
    ) -> Generator[simpy.Event, Any, None]:
        """Wait for a berth and hold it ``berth_h`` of unseized time; ``n`` loads wait to unload.

        ``held(end_h)`` is called when the ship has its berth and a seizure makes it leave
        later than ``berth_h`` from now (at ``end_h`` [h], inf: never).
        """
        env = self.env
        sim.transit[ci] -= n
        sim.unload_wait[ci] += n
        with self._berths.request() as req:
            yield req
            if self.seized is None:
                yield env.timeout(berth_h)
            else:
                end_h = berth_end_h(self.seized, env.now, berth_h)
                if held is not None and end_h > env.now + berth_h:
                    held(end_h)
                if end_h == math.inf:
                    yield env.event()  # seized to the end: the ship never unloads
                else:
                    yield env.timeout(_delay_to(env.now, end_h))
        sim.unload_wait[ci] -= n
        sim.transit[ci] += n  # the engine's arrival takes them off the road


def berth_end_h(seized: Windows, t_h: float, berth_h: float) -> float:
    """When a ship that takes a berth at ``t_h`` is done, its hours counted outside ``seized``.

    Parameters
    ----------
    seized : Windows
        When the stock is seized.
    t_h : float
        When the ship has the berth [h].
    berth_h : float
        Hours it needs at the berth [h].

    Returns
    -------
    float
        The end [h]: ``t_h + berth_h`` plus every seized hour in between (a seizure that
        starts exactly when the hours are up holds the ship too); inf if seized to the end.
    """
    t, left = seized.open_at(t_h), berth_h
    while t < math.inf:
        i = bisect.bisect_right(seized.starts_h, t)
        next_h = seized.starts_h[i] if i < len(seized.starts_h) else math.inf
        if t + left < next_h:
            return t + left
        left -= next_h - t
        t = seized.open_at(next_h)
    return math.inf


def _delay_to(now: float, end_h: float) -> float:
    """A delay that, added to ``now``, lands at or just after ``end_h`` (never before)."""
    delay = max(0.0, end_h - now)
    while now + delay < end_h:
        delay = math.nextafter(delay, math.inf)
    return delay


def ports(
    env: simpy.Environment, corridors: Sequence[CorridorPlan], stocks: Sequence[Stock]
) -> list[Port | None]:
    """The port of each sea corridor (None for the others): one per place ships unload at.

    Sea corridors that end at the same stock share one :class:`Port` (the schema makes
    their ``berths`` agree); it waits out the seizures of that stock.
    """
    at: dict[int, Port] = {}
    out: list[Port | None] = []
    for c in corridors:
        if c.mode.mode != "sea":
            out.append(None)
            continue
        port = at.get(c.dest)
        if port is None:
            port = at[c.dest] = Port(env, c.mode.berths, stocks[c.dest].seized)
        out.append(port)
    return out


def place_initial(sim: Simulation, _event: simpy.Event | None = None) -> None:
    """Put every corridor's ``initial`` vehicles on it, now (``t = 0``).

    They count as loaded (on the first day, like the warm-up's pipeline); staged ones wake
    the former; each ``on_road`` group after the staging point is a convoy entering its
    leg now (at sea, a ship per ``loads_per_ship`` loads), and one before it drives on to
    the staging point (and clears the border).
    """
    env = sim.env
    for c in sim.plan.corridors:
        ini = c.initial
        if ini is None:
            continue
        ci = c.index
        fleet = sim.fleets[ci]
        staged = ini.staged if fleet is None else fleet.take(ini.staged)
        if staged:
            sim.loaded[ci] += staged
            sim.staged[ci] += staged
            sim.rec.log(
                env.now,
                "initial",
                c.key,
                -1,
                staged,
                staged * c.capacity_l,
                f"waiting at {c.legs[0][4]}",
            )
            sim._poke(ci)
        for leg, asked, drive_h in ini.on_road:
            # A finite fleet's starting vehicles are its own: taken from those at the
            # origin (fewer if the warm-up has most of them out; a `fleet_short` row).
            size = c.mode.loads_per_ship if c.mode.mode == "sea" else 1
            n = asked if fleet is None else fleet.take(asked)
            if n % size:
                fleet.untake(n % size)  # type: ignore[union-attr]  # only a fleet takes fewer
                n -= n % size
            if n == 0:
                continue
            sim.loaded[ci] += n
            sim.transit[ci] += n
            if leg >= 0:
                where = f"on {c.legs[leg][4]}-{c.legs[leg][5]}"
                sim.rec.log(env.now, "initial", c.key, -1, n, n * c.capacity_l, where)
                # At sea every ship is a convoy of its own (the schema checks whole ships).
                if c.mode.mode != "sea":
                    size = n
                for _ in range(n // size):
                    sim._launch(c, size, [], env.now, first_leg=leg)
            else:
                sim.rec.log(env.now, "initial", c.key, -1, n, n * c.capacity_l, "before staging")
                delay_h = drive_h + sim._border_delay[ci]()
                env.timeout(delay_h).callbacks.append(_stager(sim, c, n))


def _stager(sim: Simulation, c: CorridorPlan, n: int) -> Callable[[simpy.Event], None]:
    return lambda _e: sim._stage(c, n)


def no_warmup(env: simpy.Environment, load: Callable[[int], None]) -> Callable[[int], None]:
    """``load``, but loading nothing before ``t = 0`` (``initial.warmup: false``)."""

    def load_from_start(n: int) -> None:
        if env.now >= 0:
            load(n)

    return load_from_start
