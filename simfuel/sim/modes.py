"""Transport modes and the starting state: what an air or sea corridor does differently.

* :class:`AirBridge` replaces the convoy former on a ``mode: air`` corridor: loads wait at
  the airfield (the staging point) for a free aircraft; each sortie is a "convoy" of one
  load, without escort, and its aircraft is free again ``sortie_cycle_h`` after take-off
  (``24 / sorties_per_day``: the flight there and back and the turnaround). The flight
  itself is the engine's convoy journey, so a leg with ``risk`` can be attacked.
* :class:`Port` holds the berths of a ``mode: sea`` corridor's destination: a ship that
  arrives waits for a berth (first come, first served), holds it ``berth_h``, and only
  then unloads into the stock as any arrival does. While it waits and unloads it counts
  as waiting to unload (``tankers_waiting_unload``).
* :func:`place_initial` puts a corridor's ``initial`` vehicles on it at ``t = 0``;
  :func:`no_warmup` keeps a corridor from loading before ``t = 0``.

These read and write the engine's tanker counters (``loaded``, ``transit``, ``staged``,
``unload_wait``), so every vehicle stays in the fuel balance; they hold no random stream
of their own (an ``on_road`` group before the staging point draws its border delay from
the corridor's border stream, as a loaded batch does).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import simpy

from .plan import CorridorPlan

if TYPE_CHECKING:
    from .engine import Simulation

__all__ = ["AirBridge", "Port", "no_warmup", "place_initial"]


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
    """The berths at a sea corridor's destination port.

    Parameters
    ----------
    env : simpy.Environment
        The simulation's environment.
    berths : int
        Berths [-].
    berth_h : float
        Hours a ship holds a berth to unload [h].
    """

    def __init__(self, env: simpy.Environment, berths: int, berth_h: float) -> None:
        self.env = env
        self.berth_h = berth_h
        self._berths = simpy.Resource(env, capacity=berths)

    def berth(self, sim: Simulation, ci: int, n: int) -> Generator[simpy.Event, Any, None]:
        """Wait for a berth and hold it ``berth_h``; the ship's ``n`` loads wait to unload."""
        sim.transit[ci] -= n
        sim.unload_wait[ci] += n
        with self._berths.request() as req:
            yield req
            yield self.env.timeout(self.berth_h)
        sim.unload_wait[ci] -= n
        sim.transit[ci] += n  # the engine's arrival takes them off the road


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
        if ini.staged:
            sim.loaded[ci] += ini.staged
            sim.staged[ci] += ini.staged
            sim.rec.log(
                env.now,
                "initial",
                c.key,
                -1,
                ini.staged,
                ini.staged * c.capacity_l,
                f"waiting at {c.legs[0][4]}",
            )
            sim._poke(ci)
        for leg, n, drive_h in ini.on_road:
            sim.loaded[ci] += n
            sim.transit[ci] += n
            if leg >= 0:
                where = f"on {c.legs[leg][4]}-{c.legs[leg][5]}"
                sim.rec.log(env.now, "initial", c.key, -1, n, n * c.capacity_l, where)
                # At sea every ship is a convoy of its own (the schema checks whole ships).
                size = c.mode.loads_per_ship if c.mode.mode == "sea" else n
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
