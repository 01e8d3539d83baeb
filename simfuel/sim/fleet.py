"""A corridor's finite fleet: vehicles that load at the origin and drive back to it.

Without ``corridors.<key>.fleet`` the origin has an unlimited pool of vehicles (the
engine never asks this module). With one, every vehicle is in exactly one state::

    at_origin -> loaded (outbound, staged, waiting to unload) -> returning -> at_origin
                        \\-> lost (destroyed or captured)        \\-> lost on the way back

or ``parked`` at the destination when the fleet does not drive back (``return: false``).
The sum is always the fleet's size (:meth:`Fleet.check`).

The drive back is the corridor's legs reversed, from its destination to the staging
point, each drawn by the run's threat model like any leg (:class:`~.threats.LegDraws`),
with every leg's risk times ``return_risk_factor``, unescorted (escorts ride with loaded
convoys) and no scripted attack (they replay reported attacks on loaded convoys); then
the legs before the staging point (no risk, no border delay, an assumption: empty
vehicles clear fast), then ``turnaround_h`` at the origin. Closures and dated speeds of a
leg (:mod:`.disruptions`) hold and slow vehicles on the way back too. An attack on the way
back destroys or captures vehicles, never cargo (they are empty); its survivors carry on
(an empty column has nothing to turn back to); the threat model's ``observe`` hook sees
loaded journeys only. The ``n``-th drive back of corridor ``c`` draws from streams of its
own (``RETURN_LEG``, :mod:`simfuel.seeds`), so whatever happens on the way back, the
outbound draws are the same; with ``return_risk_factor: 0`` the way back draws nothing
that matters. A loading that finds too few vehicles loads those there; the rest is not
caught up later (as a closed origin's loadings are not).

Records: the events log gets ``fleet_short`` (a loading found fewer vehicles at the
origin than it asked for: ``tankers`` not loaded), ``returned`` (vehicles back at the
origin), ``return_attacked``, ``return_destroyed`` and ``return_captured`` (vehicles,
``litres`` 0), and for every day one ``fleet`` row per fleet corridor, stamped 00:00 of
the day, the state at the end of the day: ``tankers`` at the origin and ``detail``
``at_origin=.. loaded=.. returning=.. lost=.. lost_returning=.. parked=..``
(:func:`parse_state` reads it back).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy

from ..model.transit import delay_sampler
from ..seeds import Role, stream
from .plan import CorridorPlan, FleetPlan, Plan
from .recorder import Recorder
from .threats import AttackHook, Escort, LegDraws, ThreatModel

if TYPE_CHECKING:
    from .dispatch import LossMemory

__all__ = ["STATE_FIELDS", "Fleet", "fleet_days", "parse_state", "return_corridor"]

#: The fields of a ``fleet`` row's detail, in order.
STATE_FIELDS = ("at_origin", "loaded", "returning", "lost", "lost_returning", "parked")

#: The drive back is unescorted: deterrence and protection 1.
_UNESCORTED = Escort((), 1.0, 1.0)


def return_corridor(c: CorridorPlan, risk_factor: float) -> CorridorPlan:
    """``c`` driven the other way: its legs from the staging point on, reversed.

    Each leg ``(length_km, speed_kmh, risk, hours, from, to)`` becomes
    ``(length_km, speed_kmh, risk * risk_factor, hours, to, from)``; no scripted attack.
    Everything else (key, blockade intensity, index) is the corridor's, so a threat model
    reads the way back as it reads any leg of the corridor.
    """
    legs = [(km, kmh, risk * risk_factor, h, b, a) for km, kmh, risk, h, a, b in reversed(c.legs)]
    return dataclasses.replace(c, legs=legs, scripted=[])


def parse_state(detail: str) -> dict[str, int]:
    """A ``fleet`` row's ``detail`` as ``{state: vehicles}`` (the keys of :data:`STATE_FIELDS`)."""
    out = {}
    for item in detail.split():
        name, _, value = item.partition("=")
        out[name] = int(value)
    return out


class Fleet:
    """The vehicles of one corridor, and their drives back to its origin.

    Parameters
    ----------
    env : simpy.Environment
        The simulation's environment.
    corridor : CorridorPlan
        The corridor (its ``fleet`` is not None).
    plan : Plan
        The compiled scenario (the attack delay, whether attacks draw modes).
    seed : numpy.random.SeedSequence
        The run's seed: the drives back draw from its ``RETURN_LEG`` children.
    threat : ThreatModel
        The run's threat model.
    rec : Recorder
        The run's records (events only).
    memory : LossMemory, optional
        The corridor's supply response, told of vehicles lost on the way back.
    """

    def __init__(
        self,
        env: simpy.Environment,
        corridor: CorridorPlan,
        plan: Plan,
        seed: np.random.SeedSequence,
        threat: ThreatModel,
        rec: Recorder,
        memory: LossMemory | None = None,
    ) -> None:
        if corridor.fleet is None:
            raise ValueError(f"corridor {corridor.key!r} has no fleet")
        self.env = env
        self.corridor = corridor
        self.spec: FleetPlan = corridor.fleet
        self._plan = plan
        self._seed = seed
        self._rec = rec
        self._memory = memory
        self._back = return_corridor(corridor, self.spec.return_risk_factor)
        self._attack: AttackHook = threat.attacks_on(self._back)
        self._trips = 0
        self.at_origin = self.spec.vehicles
        self.loaded = 0
        self.returning = 0
        self.lost = 0  # loaded, destroyed or captured
        self.lost_returning = 0
        self.parked = 0

    # ------------------------------------------------------------------ state

    def state(self) -> dict[str, int]:
        """Vehicles in each state (the keys of :data:`STATE_FIELDS`)."""
        return {name: getattr(self, name) for name in STATE_FIELDS}

    def check(self) -> None:
        """Raise if the states do not add up to the fleet (a bug, never the scenario's)."""
        total = sum(self.state().values())
        if total != self.spec.vehicles or min(self.state().values()) < 0:
            raise RuntimeError(f"{self.corridor.key}: fleet states {self.state()} != fleet")

    def log_day(self, t_h: float) -> None:
        """Append the day's ``fleet`` row (stamped ``t_h``, 00:00 of the day)."""
        self.check()
        detail = " ".join(f"{k}={v}" for k, v in self.state().items())
        self._rec.log(t_h, "fleet", self.corridor.key, tankers=self.at_origin, detail=detail)

    # ------------------------------------------------------------------ the engine's calls

    def take(self, n: int) -> int:
        """A loading asks for ``n`` vehicles: those at the origin, at most ``n``, load."""
        k = min(n, self.at_origin)
        if k < n and self.env.now >= 0:
            short = n - k
            self._rec.log(
                self.env.now,
                "fleet_short",
                self.corridor.key,
                tankers=short,
                litres=short * self.corridor.capacity_l,
                detail=f"{self.at_origin} vehicles at the origin, {n} asked",
            )
        self.at_origin -= k
        self.loaded += k
        return k

    def untake(self, k: int) -> None:
        """``k`` vehicles taken did not load after all (their upstream stock was short)."""
        self.at_origin += k
        self.loaded -= k

    def lost_loaded(self, k: int) -> None:
        """``k`` loaded vehicles were destroyed or captured."""
        self.loaded -= k
        self.lost += k

    def unloaded(self, k: int) -> None:
        """``k`` vehicles unloaded at the destination: they drive back (or park)."""
        if k <= 0:
            return
        self.loaded -= k
        if not self.spec.drives_back:
            self.parked += k
            return
        self.returning += k
        trip, self._trips = self._trips, self._trips + 1
        self.env.process(self._drive_back(k, trip))

    # ------------------------------------------------------------------ the drive back

    def _drive_back(self, n: int, trip: int) -> Generator[simpy.Event, Any, None]:
        env, c, back = self.env, self.corridor, self._back
        ci, k, seed = c.index, len(back.legs), self._seed
        rng = stream(seed, Role.RETURN_LEG, ci, trip, 0)
        # A fixed count of uniforms per leg, drawn up front; the attack delays after them.
        u_attack, u_loss, u_capture, u_turn = rng.random((4, k)).tolist()
        u_mode = rng.random(k).tolist() if self._plan.outcomes is not None else None
        attack_delay = delay_sampler(*self._plan.attack_delay, rng)

        def loss_rng(leg: int) -> np.random.Generator:
            return stream(seed, Role.RETURN_LEG, ci, trip, leg + 1)

        draws = LegDraws(u_attack, loss_rng, u_loss, u_capture, u_turn, u_mode)
        dated = c.disruptions.route
        for j, leg in enumerate(back.legs):
            out = k - 1 - j  # the same road's index outbound: its closures and speeds
            if dated is None:
                hours = leg[3]
            else:
                enter_h = dated.enter_h(out, env.now)
                if enter_h > env.now:
                    yield env.timeout(enter_h - env.now) if enter_h < math.inf else env.event()
                hours = dated.hours_h(out, env.now)
            hit = self._attack(back, j, env.now, n, _UNESCORTED, draws)
            if hit is None:
                yield env.timeout(hours)
                continue
            yield env.timeout(hours / 2)  # the ambush strikes halfway, as outbound
            n = self._struck(leg, hit.destroyed, hit.captured, n, trip)
            if n == 0:
                return
            yield env.timeout(attack_delay() + hours / 2)
        yield env.timeout(c.approach_h + self.spec.turnaround_h)
        self.returning -= n
        self.at_origin += n
        if env.now >= 0:
            self._rec.log(env.now, "returned", c.key, tankers=n, detail=f"return trip {trip}")

    def _struck(
        self,
        leg: tuple[float, float, float, float, str, str],
        destroyed: int,
        captured: int,
        n: int,
        trip: int,
    ) -> int:
        """Account and log an attack on the way back; the vehicles left."""
        lost = destroyed + captured
        self.returning -= lost
        self.lost_returning += lost
        if self._memory is not None:
            self._memory.lost(lost, self.env.now)
        where = (leg[4], leg[5])
        detail = f"{where[0]}-{where[1]}; return trip {trip}"
        now, log, key = self.env.now, self._rec.log, self.corridor.key
        log(now, "return_attacked", key, tankers=lost, detail=detail, leg=where)
        if destroyed:
            log(now, "return_destroyed", key, tankers=destroyed, detail=detail, leg=where)
        if captured:
            log(now, "return_captured", key, tankers=captured, detail=detail, leg=where)
        return n - lost


def fleet_days(
    env: simpy.Environment, fleets: list[Fleet], plan: Plan, tick: Callable[[float], simpy.Event]
) -> Generator[simpy.Event, Any, None]:
    """The daily ``fleet`` rows: at each midnight of the horizon, the day just ended.

    ``tick(delay_h)`` is the engine's urgent timeout, so a row is the state before the
    midnight's unloadings (and this process, started before the daily clock, runs first).
    """
    yield tick(plan.warmup_h)
    for day in range(plan.horizon_days):
        yield tick(24.0)
        for f in fleets:
            f.log_day(24.0 * day)
