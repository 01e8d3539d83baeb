"""The SimPy layer: processes that sequence the maths of :mod:`simfuel.model` in time.

Processes of one simulation:

* ``_dispatch`` (one per corridor): tankers load at the origin in batches, drive to the
  staging point and clear the border (a scheduled callback, not a process, per batch);
* ``_form`` (one per corridor): tankers queue at the staging point and leave as convoys
  under the escort policy in force, waiting for escort units when the policy requires them;
* ``_convoy`` (one per convoy): leg by leg to the depot, drawing ambushes and losses;
  ground escort units drive back before they are released;
* ``_days``: at each midnight the day's demand is served from the depot under the
  rationing rule, the reserve is released if needed, waiting tankers unload, and the day
  is recorded.

Random streams: one :class:`numpy.random.Generator` per subsystem (threat, losses,
delays, demand) and per corridor, each from its own child of the run's SeedSequence, so a
change in one corridor's convoy schedule does not shift another's ambush draws. Every
draw from these streams has a fixed count per convoy or per day; the Beta loss fraction,
whose sampler consumes a variable number of raw draws, comes from a generator of its own
per leg (keyed by corridor, convoy number on it and leg: :mod:`simfuel.seeds`), so a
change in a loss parameter does not shift later draws either.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Generator
from typing import Any

import numpy as np
import simpy

from ..model.schedule import StepSchedule, integrate
from ..model.stocks import days_of_cover, serve_demand
from ..model.threat import (
    attack_probability_scalar,
    beta_parameters,
    captured_tankers,
    lost_tankers,
)
from ..model.transit import delay_sampler
from ..seeds import Role, child_seed, stream
from .escorts import EscortPools, Grant
from .plan import CorridorPlan, Plan, ScriptedAttack
from .recorder import ConvoyRecord, DailyRecord, EventRecord, Recorder

__all__ = ["SUBSYSTEMS", "Simulation", "child_seed"]

#: Random streams of a run, by subsystem; all but ``demand`` have one per corridor.
SUBSYSTEMS = ("threat", "losses", "delays", "demand", "attack_delays")


class _Tick(simpy.events.Event):
    """A timeout processed before every other event at its time (SimPy's URGENT priority).

    The daily clock uses it so that day ``d`` covers exactly ``[24 d, 24 (d + 1))`` hours:
    an arrival at midnight belongs to the new day, whenever it was scheduled.
    """

    def __init__(self, env: simpy.Environment, delay_h: float) -> None:
        super().__init__(env)
        self._ok = True
        self._value = None
        env.schedule(self, simpy.core.URGENT, delay_h)


class Simulation:
    """One replication of a compiled :class:`~simfuel.sim.plan.Plan`.

    Parameters
    ----------
    plan : Plan
        The compiled scenario.
    seed : numpy.random.SeedSequence
        Root of every random stream of this run.
    """

    def __init__(self, plan: Plan, seed: np.random.SeedSequence) -> None:
        self.plan = plan
        # The run starts plan.warmup_h before the horizon so the pipeline is full at t=0.
        self.env = simpy.Environment(initial_time=-plan.warmup_h)
        self.rec = Recorder()
        n = len(plan.corridors)
        self._seed = seed
        self._convoys_on = [0] * n  # convoys started per corridor: keys the leg streams

        def streams(role: Role) -> list[np.random.Generator]:
            return [stream(seed, role, c) for c in range(n)]

        self._threat_rng = streams(Role.THREAT)
        self._loss_rng = streams(Role.LOSSES)
        self._demand_rng = stream(seed, Role.DEMAND)
        # Border and attack delays have separate streams, so a different hazard (more or
        # fewer attacks) does not shift the border delays of later batches.
        border_rng, attack_rng = streams(Role.DELAYS), streams(Role.ATTACK_DELAYS)
        self._border_delay = [
            delay_sampler(*c.border_delay, border_rng[c.index]) for c in plan.corridors
        ]
        self._attack_delay = [
            delay_sampler(*plan.attack_delay, attack_rng[c.index]) for c in plan.corridors
        ]
        self._done = False
        self.escorts = EscortPools(self.env, plan.forces)

        # Tanker counters per corridor; the balance is kept on these integers.
        self.loaded = [0] * n
        self.transit = [0] * n
        self.staged = [0] * n
        self.unload_wait = [0] * n
        self.delivered = [0] * n
        self.arrived = [0] * n
        self.destroyed = [0] * n
        self.captured = [0] * n
        self._unload_queue: deque[list[int]] = deque()  # [corridor, tankers]

        self.stock_l = plan.initial_stock_l
        self.reserve_left_l = plan.reserve_l
        self._next_convoy = 0
        self._fired: set[int] = set()  # scripted attacks that found their convoy (by id)
        self._wake = [self.env.event() for _ in range(n)]
        self._policy_wake = [self.env.event() for _ in range(n)]
        self._escort_info: dict[tuple[int, ...], tuple[float, float, float, str, str]] = {}
        # Dispatch rate (base + contracts) as one step schedule: same sums, one bisect.
        self._rate = []
        for c in plan.corridors:
            times = sorted({*c.rate.times_h, *(t for t0, t1, _ in c.contracts for t in (t0, t1))})
            self._rate.append(
                StepSchedule(
                    c.tankers_per_day(-math.inf), [(t, c.tankers_per_day(t)) for t in times]
                )
            )

    # ------------------------------------------------------------------ running

    def run(self) -> Recorder:
        """Simulate the whole horizon and return the records."""
        env, plan = self.env, self.plan
        for t, kind, text in plan.timeline:
            self.rec.log(t, f"timeline:{kind}", detail=text)
        for c in plan.corridors:
            env.process(self._dispatch(c))
            env.process(self._form(c))
        for t in plan.policy_change_h:
            if t >= 0:  # a change on the start date must wake formers that waited in warm-up
                env.timeout(t - env.now).callbacks.append(self._policy_changed)
        env.process(self._days())
        # Stop right after the last day is recorded: events queued for that same instant
        # would otherwise change counters after the daily table closed.
        step = env.step
        steps = 0
        while not self._done:
            step()
            steps += 1
        for c in plan.corridors:
            for sa in c.scripted:
                if id(sa) not in self._fired:
                    self.rec.log(sa.t_h, "scripted_unfired", c.key, detail=sa.label)
        self.rec.events_processed = steps
        return self.rec

    # ------------------------------------------------------------------ wake-ups

    def _poke(self, ci: int, policy: bool = False) -> None:
        wake = self._wake[ci]
        if wake.callbacks:  # the former waits on it; otherwise nobody will ever see it
            if not wake.triggered:
                wake.succeed()
            self._wake[ci] = self.env.event()
        if policy:
            if not self._policy_wake[ci].triggered:
                self._policy_wake[ci].succeed()
            self._policy_wake[ci] = self.env.event()

    def _policy_changed(self, _event: simpy.Event) -> None:
        for c in self.plan.corridors:
            self._poke(c.index, policy=True)

    # ------------------------------------------------------------------ supply

    def _dispatch(self, c: CorridorPlan) -> Generator[simpy.Event, Any, None]:
        dt_h = 24.0 / c.dispatches_per_day
        steps = round((self.plan.warmup_h + self.plan.horizon_h) / dt_h)
        carry = 0.0
        rate = self._rate[c.index]
        for _ in range(steps):
            # Tankers due in [now, now + dt): the rate integrated, so a contract that ends
            # mid-interval delivers only its share of the interval.
            now = self.env.now
            carry += integrate(rate, now, now + dt_h) / 24.0
            n = math.floor(carry + 1e-9)
            if n > 0:
                carry -= n
                self._load(c, n)
            yield self.env.timeout(dt_h)

    def _load(self, c: CorridorPlan, n: int) -> None:
        ci = c.index
        self.loaded[ci] += n
        self.transit[ci] += n
        delay = c.approach_h + self._border_delay[ci]()
        now = self.env.now
        if now >= 0:
            self.rec.events.append(EventRecord(now, "loaded", c.key, -1, n, n * c.capacity_l))
        self.env.timeout(delay).callbacks.append(lambda _e: self._stage(c, n))

    def _stage(self, c: CorridorPlan, n: int) -> None:
        ci = c.index
        self.transit[ci] -= n
        self.staged[ci] += n
        self._poke(ci)

    # ------------------------------------------------------------------ convoy formation

    def _form(self, c: CorridorPlan) -> Generator[simpy.Event, Any, None]:
        env, ci = self.env, c.index
        while True:
            pol = c.policy.at(env.now)
            if self.staged[ci] == 0 or (pol.required and self.staged[ci] < pol.min_size):
                yield self._wake[ci]
                continue
            formed_h = env.now
            grants: list[Grant] = []
            if pol.required:
                if not all(self.escorts.staffed(f) for f in pol.forces):
                    # A required force has no units: wait for the policy to change, holding
                    # nothing, so the other forces' units stay free for other corridors.
                    yield self._policy_wake[ci]
                    continue
                grants = [self.escorts.request(f, c.route_h) for f in pol.forces]
                events = [g.event for g in grants if g.event is not None]
                if not all(e.triggered for e in events):
                    yield env.all_of(events) | self._policy_wake[ci]
                if not all(g.granted for g in grants):
                    for g in grants:
                        self.escorts.withdraw(g)
                    continue
            else:
                for f in pol.forces:
                    if self.escorts.available_now(f, c.route_h):
                        grants.append(self.escorts.request(f, c.route_h))
            n = min(self.staged[ci], pol.max_size)
            self.staged[ci] -= n
            self.transit[ci] += n
            cid = self._next_convoy
            self._next_convoy += 1
            env.process(self._convoy(c, cid, n, grants, formed_h, env.now - formed_h))

    # ------------------------------------------------------------------ convoy travel

    def _convoy(
        self,
        c: CorridorPlan,
        cid: int,
        n: int,
        grants: list[Grant],
        formed_h: float,
        wait_h: float,
    ) -> Generator[simpy.Event, Any, None]:
        env, plan, ci = self.env, self.plan, c.index
        key = tuple(g.force for g in grants)
        info = self._escort_info.get(key)
        if info is None:
            forces = [plan.forces[i] for i in key]
            deterrence = math.prod(f.deterrence for f in forces)
            protection = math.prod(f.protection for f in forces)
            a, b = beta_parameters(
                plan.loss_fraction_mean * protection, plan.loss_fraction_concentration
            )
            kinds = sorted({f.kind for f in forces})
            names = "+".join(f.key for f in forces)
            info = (deterrence, a, b, names, "+".join(kinds) if kinds else "none")
            self._escort_info[key] = info
        deterrence, a, b, names, kind_names = info
        k = len(c.legs)
        # Draw every leg's numbers up front, attacked or not, so the streams stay aligned
        # whatever happens on the road (common random numbers across scenarios).
        u_attack = self._threat_rng[ci].random(k).tolist()
        lrng = self._loss_rng[ci]
        # Beta sampling is by rejection: its raw draws depend on (a, b). Each leg's loss
        # fraction comes from its own generator, keyed by (corridor, convoy number on the
        # corridor, leg), so a change in a loss parameter does not shift any later draw.
        convoy_on, self._convoys_on[ci] = self._convoys_on[ci], self._convoys_on[ci] + 1
        u_loss, u_capture, u_turn = lrng.random((3, k)).tolist()

        row = ConvoyRecord(
            convoy_id=cid,
            corridor=c.key,
            escort_forces=names,
            escort_kind=kind_names,
            formed_h=formed_h,
            departed_h=env.now,
            tankers_departed=n,
            escort_wait_h=wait_h,
            capacity_l=c.capacity_l,
        )
        self.rec.convoys.append(row)
        if env.now >= 0:
            self.rec.log(env.now, "departed", c.key, cid, n, n * c.capacity_l, names)

        travelled_h = 0.0
        outcome = "arrived"
        intensity_at = c.intensity.at
        hazard = plan.hazard_per_100km
        for j, (length_km, _speed, risk, hours, frm, to) in enumerate(c.legs):
            scripted = self._scripted(c, j, env.now) if c.scripted else None
            if scripted is not None:
                captured = min(n, scripted.captured)
                destroyed = min(n - captured, scripted.destroyed)
                attacked = True
            else:
                # No threat during the warm-up: it only fills the pipeline.
                now = env.now
                intensity = intensity_at(now) if now >= 0 else 0.0
                attacked = intensity > 0 and u_attack[j] < attack_probability_scalar(
                    hazard, intensity, risk, deterrence, length_km
                )
                if attacked:
                    leg_rng = stream(self._seed, Role.LEG_LOSS, ci, convoy_on, j)
                    fraction = float(leg_rng.beta(a, b))
                    lost = lost_tankers(n, fraction, u_loss[j])
                    captured = captured_tankers(lost, plan.capture_fraction, u_capture[j])
                    destroyed = lost - captured
            if not attacked:
                yield env.timeout(hours)
                travelled_h += hours
                continue

            # The ambush strikes halfway along the leg.
            yield env.timeout(hours / 2)
            travelled_h += hours / 2
            n -= destroyed + captured
            self.transit[ci] -= destroyed + captured
            self.destroyed[ci] += destroyed
            self.captured[ci] += captured
            row.destroyed += destroyed
            row.captured += captured
            row.attacked = True
            row.attacks += 1
            detail = f"{frm}-{to}" + (f"; scripted {scripted.label}" if scripted else "")
            if scripted is not None and scripted.destroyed + scripted.captured > (
                destroyed + captured
            ):
                detail += (
                    f"; convoy had {destroyed + captured} tankers, "
                    f"{scripted.destroyed + scripted.captured} scripted"
                )
            self.rec.log(
                env.now,
                "attacked",
                c.key,
                cid,
                destroyed + captured,
                (destroyed + captured) * c.capacity_l,
                detail,
                (frm, to),
            )
            if destroyed:
                self.rec.log(
                    env.now,
                    "destroyed",
                    c.key,
                    cid,
                    destroyed,
                    destroyed * c.capacity_l,
                    detail,
                    (frm, to),
                )
            if captured:
                self.rec.log(
                    env.now,
                    "captured",
                    c.key,
                    cid,
                    captured,
                    captured * c.capacity_l,
                    detail,
                    (frm, to),
                )
            if n == 0:
                outcome = "lost"
                break
            delay_h = self._attack_delay[ci]()
            if u_turn[j] < plan.turn_back_probability:
                outcome = "turned_back"
                yield env.timeout(delay_h + travelled_h)
                travelled_h = 0.0
                self.transit[ci] -= n
                self.staged[ci] += n
                self._poke(ci)
                break
            yield env.timeout(delay_h + hours / 2)
            travelled_h += hours / 2

        row.ended_h = env.now
        row.outcome = outcome
        if outcome == "arrived":
            row.tankers_arrived = n
            self.transit[ci] -= n
            self.arrived[ci] += n
            if env.now >= 0:
                self.rec.log(env.now, "arrived", c.key, cid, n, n * c.capacity_l)
            self._unload(ci, n, c.capacity_l)
        elif outcome == "turned_back":
            self.rec.log(env.now, "turned_back", c.key, cid, n, n * c.capacity_l)
        else:
            self.rec.log(env.now, "lost", c.key, cid)

        # Ground units drive back to the staging point before they escort again.
        for g in grants:
            force = plan.forces[g.force]
            if force.kind == "ground":
                back_h = travelled_h + force.turnaround_h
                if back_h > 0:
                    env.timeout(back_h).callbacks.append(self._releaser(g))
                else:
                    self.escorts.release(g)

    def _releaser(self, grant: Grant) -> Callable[[simpy.Event], None]:
        def release(_event: simpy.Event) -> None:
            self.escorts.release(grant)

        return release

    def _scripted(self, c: CorridorPlan, leg: int, now: float) -> ScriptedAttack | None:
        for sa in c.scripted:
            if sa.t_h > now:
                break
            if id(sa) not in self._fired and (sa.leg is None or sa.leg == leg):
                self._fired.add(id(sa))
                return sa
        return None

    # ------------------------------------------------------------------ the depot

    def _unload(self, ci: int, n: int, capacity_l: int) -> None:
        if self.env.now < 0:
            # Warm-up deliveries are already part of the scenario's initial stock.
            self.delivered[ci] += n
            return
        room = self.plan.depot_capacity_l - self.stock_l
        fit = max(0, min(n, int(room // capacity_l))) if not self._unload_queue else 0
        if fit > 0:
            self.stock_l += fit * capacity_l
            self.delivered[ci] += fit
        if n > fit:
            self.unload_wait[ci] += n - fit
            self._unload_queue.append([ci, n - fit])

    def _drain_unload_queue(self) -> None:
        caps = [c.capacity_l for c in self.plan.corridors]
        while self._unload_queue:
            item = self._unload_queue[0]
            ci, n = item
            room = self.plan.depot_capacity_l - self.stock_l
            fit = max(0, min(n, int(room // caps[ci])))
            if fit <= 0:
                return
            self.stock_l += fit * caps[ci]
            self.delivered[ci] += fit
            self.unload_wait[ci] -= fit
            if fit == n:
                self._unload_queue.popleft()
            else:
                item[1] = n - fit
                return

    def _days(self) -> Generator[simpy.Event, Any, None]:
        env, plan = self.env, self.plan
        caps = [c.capacity_l for c in plan.corridors]

        def litres(counts: list[int]) -> int:
            return sum(k * cap for k, cap in zip(counts, caps, strict=True))

        yield _Tick(env, plan.warmup_h)
        # What is on the road at t=0 counts as loaded on the first day; warm-up flows do not.
        pipeline = litres(self.transit) + litres(self.staged) + litres(self.unload_wait)
        previous = {
            "loaded": litres(self.loaded) - pipeline,
            "arrived": litres(self.arrived),
            "delivered": litres(self.delivered),
            "destroyed": litres(self.destroyed),
            "captured": litres(self.captured),
        }
        rationing_logged = stockout_logged = False
        for day in range(plan.horizon_days):
            yield _Tick(env, 24.0)
            t0 = 24.0 * day
            nominal = plan.demand.at(t0)
            if plan.demand_cv > 1e-6:  # below that, no variation (and 1/cv**2 overflows)
                shape = 1.0 / plan.demand_cv**2
                demand = float(self._demand_rng.gamma(shape, nominal / shape))
            else:
                demand = nominal
            threshold_days, served_fraction = plan.rationing.at(t0)
            # The cover the rationing decision sees, before the day is served; the daily
            # table records this one so that rationing days are exactly those below the
            # threshold.
            cover = days_of_cover(self.stock_l, nominal)
            served, rationing = serve_demand(
                self.stock_l, demand, cover, threshold_days, served_fraction
            )
            target = demand * served_fraction if rationing else demand
            stockout = served < target * (1 - 1e-9)
            self.stock_l -= served
            if self.stock_l < 1e-6:
                self.stock_l = 0.0
            if (
                self.reserve_left_l > 0
                and days_of_cover(self.stock_l, nominal) < plan.reserve_release_days
            ):
                release = min(self.reserve_left_l, plan.depot_capacity_l - self.stock_l)
                # min(): stock + (capacity - stock) can round one ulp above capacity.
                self.stock_l = min(self.stock_l + release, plan.depot_capacity_l)
                self.reserve_left_l -= release
                env_t = env.now
                self.rec.log(env_t, "reserve_released", litres=round(release))
            self._drain_unload_queue()
            if rationing and not rationing_logged:
                self.rec.log(env.now, "rationing_started", detail=f"cover {cover:.2f} days")
                rationing_logged = True
            if stockout and not stockout_logged:
                self.rec.log(env.now, "stockout_started", detail=f"served {served:.0f} L")
                stockout_logged = True

            now = {
                "loaded": litres(self.loaded),
                "arrived": litres(self.arrived),
                "delivered": litres(self.delivered),
                "destroyed": litres(self.destroyed),
                "captured": litres(self.captured),
            }
            d = {k: now[k] - previous[k] for k in now}
            previous = now
            self.rec.daily.append(
                DailyRecord(
                    stock_l=self.stock_l,
                    days_of_cover=cover,
                    demand_l=demand,
                    served_l=served,
                    shortfall_l=demand - served,
                    rationing=float(rationing),
                    loaded_l=d["loaded"],
                    arrived_l=d["arrived"],
                    delivered_l=d["delivered"],
                    destroyed_l=d["destroyed"],
                    captured_l=d["captured"],
                    in_transit_l=litres(self.transit),
                    queued_l=litres(self.staged) + litres(self.unload_wait),
                    tankers_waiting=sum(self.staged),
                    tankers_waiting_unload=sum(self.unload_wait),
                    reserve_l=self.reserve_left_l,
                    stockout=float(stockout),
                )
            )
        self._done = True
