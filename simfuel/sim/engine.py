"""The SimPy layer: processes that sequence the maths of :mod:`simfuel.model` in time.

Processes of one simulation:

* the corridor's dispatch policy (:mod:`.dispatch`, one per corridor): tankers load at the
  origin in batches (``_load``), drive to the staging point and clear the border (a
  scheduled callback, not a process, per batch);
* ``_form`` (one per corridor): tankers queue at the staging point and leave as convoys
  when the corridor's formation rule (:mod:`.formation`) says so, with the escort the
  policy in force asks for, waiting for escort units when the policy requires them;
* ``_convoy`` (one per convoy; callbacks, not a process): leg by leg to the depot,
  asking the threat model (:mod:`.threats`) for each leg's attack at its entry time;
  closures and dated speeds (:mod:`.disruptions`) are looked up, so the entry times are
  known ahead and ``_drive`` schedules an event only where something happens: a hold at
  a closed leg, an ambush, the arrival (and a leg entry where a scripted attack may
  still fire); at the end the escort kinds (:mod:`.escort_kinds`) decide when each
  force gets its share back (ground units drive back first);
* ``_days``: at each midnight, for every place with stock (:mod:`.places`: the depot
  first, then the destinations in file order), the day's demand is served under its
  rationing rule, its reserve is released if needed, its waiting tankers unload, and its
  day is recorded. On a day its stock is seized, the demand (drawn as any day's, so the
  streams stay aligned) is all shortfall and nothing else happens to the stock; tankers
  that arrive while it is seized queue to unload, and secondary corridors load nothing
  out of it.

Secondary distribution: a corridor whose origin holds a stock loads, in ``_load``, only
the whole tankers that stock holds above ``keep_days`` of its own nominal demand, and takes
them out of it at the batch's dispatch time; so loadings come before the upstream's daily
demand (served at the next midnight). The rest of a short batch is not loaded (nor carried
to a later batch); the log records a ``load_short`` row. In the warm-up a secondary
loading takes nothing from its upstream: stocks at the start date are the scenario's
initial stocks, as they are for deliveries. An origin terminal is such a stock with no
demand (``keep_days`` 0): its imports land at midnight and count as loaded into it and
delivered, and :func:`.terminals.cap_loadings` holds its corridors to its loading rate.

Random streams: one :class:`numpy.random.Generator` per subsystem (threat, losses,
delays, demand) and per corridor, each from its own child of the run's SeedSequence, so a
change in one corridor's convoy schedule does not shift another's ambush draws. Every
draw from these streams has a fixed count per convoy or per day; the Beta loss fraction,
whose sampler consumes a variable number of raw draws, comes from a generator of its own
per leg (keyed by corridor, convoy number on it and leg: :mod:`simfuel.seeds`), so a
change in a loss parameter does not shift later draws either. Each destination's demand
has a stream of its own (``(DEMAND, 0, 0, n)`` for the n-th, 1, 2, ...); the depot's is
the one ``demand`` stream, as before; the stock of another commodity ``k`` (1, 2, ...) at
place ``p`` draws from ``(DEMAND, k, 0, p)``.

Commodities: one :class:`~.places.Stock` per (place, commodity). A corridor whose vehicle
carries several commodities (``CorridorPlan.parts``) unloads a vehicle only when its whole
load fits in every stock it carries into, and a secondary loading of it takes the whole
vehicles its origin can fill in every commodity; losses are whole vehicles, so each
commodity is lost in proportion. A corridor without ``parts`` runs the code of before.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import math
from collections.abc import Callable, Collection, Generator
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import simpy

from ..model.stocks import days_of_cover, loadable_tankers
from ..model.transit import ONE_UNIFORM, delay_sampler
from ..seeds import Role, child_seed, stream
from .collector import paused
from .dispatch import DISPATCH_POLICIES, DestinationView, DispatchPolicy, LossMemory
from .disruptions import DatedLegs
from .escort_kinds import EscortKind
from .escorts import EscortPools, Grant
from .fleet import Fleet, fleet_days
from .formation import EscortPolicyRule, FormationRule, ShipRule, formation_rule
from .modes import AirBridge, Port, no_warmup, place_initial, ports
from .places import Stock
from .plan import CorridorPlan, Plan, PolicyPlan
from .rationing import RATIONING_RULES, RationingRule
from .recorder import (
    ConvoyRecord,
    DailyRecord,
    EventRecord,
    PlaceRecord,
    Recorder,
    StationRecord,
)
from .stations import StationLayer
from .terminals import cap_loadings
from .threats import THREAT_MODELS, Attack, Escort, LegDraws, ThreatModel

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


#: Formation rules whose ``may_leave`` is a pure function of the policy and the count: the
#: engine may work out ahead which batch lets a convoy form (``Simulation._arm``).
_PURE_RULES: tuple[type[FormationRule], ...] = (EscortPolicyRule, ShipRule)


class _Uniforms:
    """A Generator's uniforms in [0, 1), drawn in blocks and handed out ``k`` at a time.

    ``take(k)`` returns what ``rng.random(k).tolist()`` would: ``Generator.random`` fills
    an array with consecutive draws of the bit generator and keeps no state between calls,
    so one call of ``n`` gives the same numbers as calls of sizes summing to ``n`` (and a
    ``(3, k)`` array is the next ``3 k`` of them, row by row). One numpy call per block
    instead of one per convoy; the numbers drawn ahead and never used change nothing, as
    nothing else draws from ``rng``.
    """

    __slots__ = ("_buffer", "_next", "_rng")

    #: Uniforms drawn per numpy call (a few convoys' legs of a busy corridor; a run with
    #: fewer draws pays for one block, a few microseconds).
    BLOCK = 512

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._buffer: list[float] = []
        self._next = 0

    def take(self, k: int) -> list[float]:
        """The next ``k`` uniforms of the stream."""
        i = self._next
        j = i + k
        if j > len(self._buffer):
            self._buffer = self._buffer[i:] + self._rng.random(max(self.BLOCK, k)).tolist()
            i, j = 0, k
        self._next = j
        return self._buffer[i:j]

    def next(self) -> float:
        """The next uniform of the stream (``take(1)[0]``, without the list)."""
        i = self._next
        if i >= len(self._buffer):
            self._buffer, i = self._rng.random(self.BLOCK).tolist(), 0
        self._next = i + 1
        return self._buffer[i]


@dataclass(slots=True)
class _Journey:
    """A convoy on the road: where its walk stands (``Simulation._drive``)."""

    c: CorridorPlan
    row: ConvoyRecord
    n: int  # tankers in it [tankers]
    grants: list[Grant]
    escort: Escort
    draws: LegDraws
    leg: int  # the leg it enters next (or is on, at a stop)
    travelled_h: float = 0.0  # driven from the staging point, for the escorts' way back [h]


def _due(clock: EscortKind) -> tuple[float, int, int]:
    return clock.due


def _call(then: Callable[[], None]) -> Callable[[simpy.Event], None]:
    """``then`` as an event's callback."""
    return lambda _e: then()


def _timestamp(plan: Plan, t_h: float) -> str:
    """``t_h`` [h from the start] as ``YYYY-MM-DD HH:MM``, for the events log."""
    when = dt.datetime.combine(plan.start, dt.time()) + dt.timedelta(hours=t_h)
    return when.strftime("%Y-%m-%d %H:%M")


class Simulation:
    """One replication of a compiled :class:`~simfuel.sim.plan.Plan`.

    Parameters
    ----------
    plan : Plan
        The compiled scenario.
    seed : numpy.random.SeedSequence
        Root of every random stream of this run.
    events_kept : collection of str, optional
        The kinds of event the log keeps (:attr:`Recorder.events_kept`); default every
        kind. The log changes nothing else: an ensemble worker keeps none.
    """

    def __init__(
        self,
        plan: Plan,
        seed: np.random.SeedSequence,
        *,
        events_kept: Collection[str] | None = None,
    ) -> None:
        self.plan = plan
        # The run starts plan.warmup_h before the horizon so the pipeline is full at t=0.
        self.env = simpy.Environment(initial_time=-plan.warmup_h)
        kept = None if events_kept is None else frozenset(events_kept)
        self.rec = Recorder(events_kept=kept)
        # The log rows of every batch and convoy, asked once (Recorder.log asks again).
        self._logs_loaded = self.rec.keeps("loaded")
        self._logs_departed = self.rec.keeps("departed")
        self._logs_arrived = self.rec.keeps("arrived")
        n = len(plan.corridors)
        self._seed = seed
        self._convoys_on = [0] * n  # convoys started per corridor: keys the leg streams

        def streams(role: Role) -> list[np.random.Generator]:
            return [stream(seed, role, c) for c in range(n)]

        self._threat_rng = streams(Role.THREAT)
        self._loss_rng = streams(Role.LOSSES)
        self._demand_rng = stream(seed, Role.DEMAND)
        # The n-th destination's demand (1, 2, ...): (DEMAND, 0, 0, n); the depot keeps its.
        # Another commodity k (1, 2, ...) at place p: (DEMAND, k, 0, p), apart from both.
        place_demand = [
            stream(seed, Role.DEMAND, sp.place_index)
            if sp.commodity_index == 0
            else stream(seed, Role.DEMAND, sp.commodity_index, 0, sp.place_index)
            for sp in plan.stocks[1:]
        ]
        # Attack modes only with threat.outcomes: a stream of their own, so every other
        # draw is the same with or without them.
        self._mode_rng = streams(Role.ATTACK_MODE) if plan.outcomes is not None else None
        # The convoys' per-leg uniforms, in blocks (_Uniforms: the same numbers as drawing
        # each convoy's at its departure).
        self._threat_u = [_Uniforms(g) for g in self._threat_rng]
        self._loss_u = [_Uniforms(g) for g in self._loss_rng]
        self._mode_u = None if self._mode_rng is None else [_Uniforms(g) for g in self._mode_rng]
        # Border and attack delays have separate streams, so a different hazard (more or
        # fewer attacks) does not shift the border delays of later batches.
        border_rng, attack_rng = streams(Role.DELAYS), streams(Role.ATTACK_DELAYS)
        self._border_delay = [self._border_sampler(c, border_rng[c.index]) for c in plan.corridors]
        self._attack_delay = [
            delay_sampler(*plan.attack_delay, attack_rng[c.index]) for c in plan.corridors
        ]
        self._done = False
        # Clocked: an escort kind's own clock (the hourly air bank) costs no event; run()
        # steps it in the event order.
        self.escorts = EscortPools(self.env, plan.forces, clocked=True)

        # Tanker counters per corridor; the balance is kept on these integers.
        self.loaded = [0] * n
        self.transit = [0] * n
        self.staged = [0] * n
        self.unload_wait = [0] * n
        self.delivered = [0] * n
        self.arrived = [0] * n
        self.destroyed = [0] * n
        self.captured = [0] * n

        # Every place with stock, the depot first; its demand stream is the run's one.
        self.stocks = [
            Stock(sp, plan.corridors, rng)
            for sp, rng in zip(plan.stocks, [self._demand_rng, *place_demand], strict=True)
        ]
        self._dest = [self.stocks[c.dest] for c in plan.corridors]
        self._source = [self.stocks[c.source] if c.source >= 0 else None for c in plan.corridors]
        self.stocks[0].daily = self.rec.daily  # the depot's days are RunResult.daily
        self.rec.places = [
            PlaceRecord(st.place, st.daily, st.loaded_out, st.plan.commodity, st.plan.unit)
            for st in self.stocks
        ]
        if any(not c.delivers(0) for c in plan.corridors):
            # The depot's main table: the corridors that unload its main commodity there.
            self.rec.depot_corridors = frozenset(c.key for c in plan.corridors if c.delivers(0))
        self._next_convoy = 0
        self._wake = [self.env.event() for _ in range(n)]
        self._policy_wake = [self.env.event() for _ in range(n)]
        self._escort_info: dict[tuple[int, ...], tuple[Escort, str, str]] = {}

        # The extension points the scenario chose (see simfuel.sim.registry).
        self.threat: ThreatModel = THREAT_MODELS.get(plan.threat_model)(plan)
        # Drawn ahead only for a class that says so itself (ThreatModel.ahead), not one
        # that inherits it.
        self._ahead = bool(vars(type(self.threat)).get("ahead", False))
        self.rationing: list[RationingRule] = [
            RATIONING_RULES.get(sp.rationing_rule)(sp) for sp in plan.stocks
        ]
        self._stations = [StationLayer(sp.stations) if sp.stations else None for sp in plan.stocks]
        self._attack = [self.threat.attacks_on(c) for c in plan.corridors]
        self.formation: list[FormationRule] = [
            formation_rule(c.formation_rule)(c, plan) for c in plan.corridors
        ]
        # Batches driving to the staging point, by corridor: (arrival h, priority, the
        # eid of the timeout they once were, tankers), in the event order. Only the one
        # that lets a convoy form gets an event (``_arm``); the others join the staged
        # count when something reads it (``_flush``). Built-in formation rules only (a
        # plugin's may_leave may not be a pure function of policy and count) and no air
        # bridge (it wakes on any load): the others keep one timeout per batch.
        self._approach: list[list[tuple[float, int, int, int]]] = [[] for _ in range(n)]
        self._armed: list[set[int]] = [set() for _ in range(n)]
        # The batch the last full look (_arm) found lets a convoy form, by corridor.
        self._front: list[tuple[float, int, int, int] | None] = [None] * n
        self._lazy = [
            c.mode.mode != "air" and type(self.formation[c.index]) in _PURE_RULES
            for c in plan.corridors
        ]
        self._key: tuple[float, int, int, Any] = (-math.inf, 0, 0, None)  # the event now
        # Opt-in: supply that responds to losses, finite fleets (None on every corridor
        # without them, and then no event and no draw more).
        self.memory = [
            None
            if c.supply_response is None
            else LossMemory(c.supply_response, partial(self._escort_ready, c))
            for c in plan.corridors
        ]
        self.fleets = [
            None
            if c.fleet is None
            else Fleet(self.env, c, plan, seed, self.threat, self.rec, self.memory[c.index])
            for c in plan.corridors
        ]
        fleets = [f for f in self.fleets if f is not None]
        if fleets:
            self.env.process(fleet_days(self.env, fleets, plan, partial(_Tick, self.env)))
        caps = [c.capacity_l for c in plan.corridors]
        self.dispatch: list[DispatchPolicy] = [
            DISPATCH_POLICIES.get(c.dispatch_policy)(
                self.env,
                c,
                plan,
                partial(self._load, c),
                destination=DestinationView(
                    self.stocks[c.watched], caps, self.transit, self.staged, self.unload_wait
                ),
                response=self.memory[c.index],
            )
            for c in plan.corridors
        ]
        # Transport modes and starting state (simfuel.sim.modes); None on road corridors.
        for c in plan.corridors:
            if c.initial is not None and not c.initial.warmup:
                self.dispatch[c.index].load = no_warmup(self.env, self.dispatch[c.index].load)
        # One port per place ships unload at, shared by the sea corridors ending there.
        self._ports = ports(self.env, plan.corridors, self.stocks)

    # ------------------------------------------------------------------ running

    def run(self) -> Recorder:
        """Simulate the whole horizon and return the records.

        The cyclic garbage collector is paused for the run (:mod:`.collector`).
        """
        with paused():
            return self._run()

    def _run(self) -> Recorder:
        env, plan = self.env, self.plan
        for t, kind, text in plan.timeline:
            self.rec.log(t, f"timeline:{kind}", detail=text)
        for c in plan.corridors:
            env.process(self.dispatch[c.index].process())
            air = c.mode.mode == "air"
            env.process(AirBridge(self, c).process() if air else self._form(c))
        if any(c.initial is not None for c in plan.corridors):
            env.timeout(-env.now).callbacks.append(partial(place_initial, self))
        for t in plan.policy_change_h:
            if t >= 0:  # a change on the start date must wake formers that waited in warm-up
                env.timeout(t - env.now).callbacks.append(self._policy_changed)
        env.process(self._days())
        # Stop right after the last day is recorded: events queued for that same instant
        # would otherwise change counters after the daily table closed.
        step, queue = env.step, env._queue
        steps = 0
        clocks = self.escorts.clocks
        if clocks:
            steps = self._run_clocked(clocks)
        while not self._done:
            self._key = queue[0] if queue else self._key  # what step() processes: for _flush
            step()
            steps += 1
        for c in plan.corridors:
            for sa in self.threat.unfired(c):
                detail = self.threat.unfired_detail(sa)
                self.rec.log(sa.t_h, "scripted_unfired", c.key, detail=detail)
        self.rec.events_processed = steps
        return self.rec

    def _run_clocked(self, clocks: list[EscortKind]) -> int:
        """Run to the end, stepping the escort kinds' clocks too; the SimPy events processed.

        A clock's next event (its key ``due``: time, priority, the eid it took) is processed
        just before the first SimPy event that sorts after it, where SimPy would have
        processed it, had it been scheduled; two clocks' events in their order too.
        """
        step, queue = self.env.step, self.env._queue
        steps = 0
        if len(clocks) == 1:
            clock = clocks[0]
            run_until = clock.run_until
            while not self._done:
                head = queue[0]  # never empty: the daily clock runs to the end
                if head[0] >= clock.due[0] and head > clock.due:
                    run_until(head)
                    continue
                self._key = head  # what step() processes: for _flush
                step()
                steps += 1
            return steps
        while not self._done:
            head = queue[0]
            first = min(clocks, key=_due)
            if head > first.due:
                others = [k.due for k in clocks if k is not first]
                first.run_until(min(head, *others))
                continue
            self._key = head
            step()
            steps += 1
        return steps

    def _alone_now(self, ci: int, forces: tuple[int, ...]) -> bool:
        """Whether every event due now is another corridor's batch reaching its staging point
        (or the clock of an escort force not in ``forces``).

        Such a batch only counts itself in and wakes (or forms) its own corridor's convoys,
        which the former of corridor ``ci``, woken now, would form after; a force's clock
        changes only what that force has to give. Anything else due now may read or change
        what that former does.
        """
        env = self.env
        now, queue = env._now, env._queue
        if any(k.due[0] <= now and k.index in forces for k in self.escorts.clocks):
            return False
        if not queue or queue[0][0] > now:
            return True
        reached, size = self._reached_staging, len(queue)
        heads = [0]  # the heap's entries due now: the root's subtree down to later ones
        while heads:
            i = heads.pop()
            entry = queue[i]
            if entry[0] > now:
                continue
            callbacks = entry[3].callbacks
            if not callbacks or len(callbacks) != 1:
                return False
            cb = callbacks[0]
            if not (isinstance(cb, partial) and cb.func == reached and cb.args[0].index != ci):
                return False
            heads.extend(j for j in (2 * i + 1, 2 * i + 2) if j < size)
        return True

    # ------------------------------------------------------------------ wake-ups

    def _poke(self, ci: int, policy: bool = False) -> None:
        if self._lazy[ci]:
            self._arm(self.plan.corridors[ci])  # staged or the policy changed
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

    def _border_sampler(self, c: CorridorPlan, rng: np.random.Generator) -> Callable[[], float]:
        """The corridor's border delay draw; with ``border_delay`` events, the one in force.

        Every distribution draws from the corridor's one stream, so a change moves no other
        corridor's draws (and this corridor's only from its date).
        """
        dated = c.disruptions.border_delays
        specs = [c.border_delay, *(spec for _, spec in dated)]
        # One uniform a draw: from blocks drawn ahead (the same delays, bit for bit), unless
        # a family draws otherwise from the stream (which the blocks would then run ahead of).
        one = all(family in ONE_UNIFORM for family, _ in specs)
        take = _Uniforms(rng).next if one else None
        samplers = [delay_sampler(*spec, rng, take) for spec in specs]
        if not dated:
            return samplers[0]
        times = [t for t, _ in dated]
        env = self.env
        # Looked up at the load time: a batch keeps the delay in force when it loaded.
        return lambda: samplers[bisect.bisect_right(times, env.now)]()

    def _load(self, c: CorridorPlan, n: int) -> None:
        ci, dis, now = c.index, c.disruptions, self.env._now
        if dis.load_closed is not None and dis.load_closed.closed_at(now):
            return  # the origin is closed: nothing loads (fixed_rate does not even ask)
        up = self._source[ci]
        if up is not None and up.seized_at(now):
            return  # its upstream stock is seized: nothing loads out of it
        if up is not None and up.plan.loading_tankers_per_day is not None:
            n = cap_loadings(up, c, n, now, self.rec)  # a terminal's loading rate
            if n == 0:
                return
        fleet = self.fleets[ci]
        if fleet is not None:
            n = fleet.take(n)  # only the vehicles waiting at the origin
            if n == 0:
                return
        if up is not None and now >= 0:
            asked, n = n, self._load_from(c, up, n, now)
            if fleet is not None and n < asked:
                fleet.untake(asked - n)
            if n == 0:
                return
        if up is not None and up.plan.loading_tankers_per_day is not None:
            up.count_loadings(now, n)
        self.loaded[ci] += n
        self.transit[ci] += n
        if dis.approach is None:
            delay = c.approach_h + self._border_delay[ci]()
        else:
            # Closed or slowed legs before the staging point: walk them (a lookup, no event).
            end_h, held = dis.approach.walk(now)
            self._held_batch(c, n, dis.approach, held)
            if end_h == math.inf:
                self._log_loaded(c, n)
                return  # it waits on the road to the end
            delay = end_h - now + self._border_delay[ci]()
        self._log_loaded(c, n)
        self._to_staging(c, n, delay)

    def _log_loaded(self, c: CorridorPlan, n: int) -> None:
        """Log ``n`` vehicles loaded on corridor ``c`` now (none in the warm-up)."""
        now = self.env._now
        if now >= 0 and self._logs_loaded:
            self.rec.events.append(EventRecord(now, "loaded", c.key, -1, n, n * c.capacity_l))

    def _to_staging(self, c: CorridorPlan, n: int, delay_h: float) -> None:
        """Send a batch of ``n`` tankers to the staging point, there in ``delay_h``.

        It takes the place in the event order its timeout would have (its eid), and an
        event only if it lets a convoy form (:meth:`_arm`).
        """
        env, ci = self.env, c.index
        if not self._lazy[ci] or delay_h < 0:
            env.timeout(delay_h).callbacks.append(lambda _e: self._stage(c, n))
            return
        # As Environment.schedule would key it: the order of every other event is kept.
        key = (env._now + delay_h, simpy.core.NORMAL, next(env._eid), n)
        bisect.insort(self._approach[ci], key)
        front = self._front[ci]
        if front is not None and front < key and front[2] in self._armed[ci]:
            return  # the batch that lets the convoy form comes first: nothing changes
        self._arm(c)

    def _arm(self, c: CorridorPlan, sleeping: bool = False) -> None:
        """Give an event to the first batch on the approach that lets a convoy form.

        With no other change, the staged count at each batch's arrival is the count now
        plus the batches before it; every change but those arrivals (a convoy sent, a
        convoy turned back, starting vehicles) arms again. A batch armed before stays
        armed: at its arrival it does what its timeout did. While the former is not
        asleep on its wake-up (it waits for escorts, a reopening), an arrival does
        nothing (the wake-up has no one to wake): it arms when it goes to sleep on it
        (``sleeping``, from :meth:`_form`).
        """
        ci = c.index
        self._front[ci] = None
        if not (sleeping or self._wake[ci].callbacks):
            return
        self._flush(ci)  # what arrived before this event is counted, not armed in the past
        waiting, may_leave, policy_at = self.staged[ci], self.formation[ci].may_leave, c.policy.at
        for batch in self._approach[ci]:
            t, _, eid, n = batch
            waiting += n
            if may_leave(policy_at(t), waiting):
                self._front[ci] = batch
                armed = self._armed[ci]
                if eid not in armed:
                    armed.add(eid)
                    ev = simpy.Event(self.env)
                    ev._ok, ev._value = True, None
                    ev.callbacks.append(partial(self._reached_staging, c, eid))
                    heapq.heappush(self.env._queue, (t, simpy.core.NORMAL, eid, ev))
                return

    def _flush(self, ci: int) -> None:
        """Move the batches that have reached the staging point by now to its count.

        Those whose timeout would have been processed before the event being processed
        now (or is it): the same order as the timeouts, also between events at one time.
        """
        pending = self._approach[ci]
        if not pending:
            return
        k = self._key
        i = bisect.bisect_right(pending, (k[0], k[1], k[2], math.inf))
        if i:
            arrived = sum(b[3] for b in pending[:i])
            del pending[:i]
            self.transit[ci] -= arrived
            self.staged[ci] += arrived

    def _flush_all(self) -> None:
        for ci in range(len(self._approach)):
            self._flush(ci)

    def _reached_staging(self, c: CorridorPlan, eid: int, _event: simpy.Event) -> None:
        """An armed batch reaches the staging point: its timeout's work, counted in."""
        self._armed[c.index].discard(eid)
        self._flush(c.index)
        self._staged(c)

    def _held_batch(
        self, c: CorridorPlan, n: int, approach: DatedLegs, held: list[tuple[int, float, float]]
    ) -> None:
        """Log a batch held at closed legs before the staging point (convoy id -1)."""
        for leg, from_h, until_h in held:
            if 0 <= from_h < self.plan.horizon_h:
                where = approach.places[leg]
                until = "the end" if until_h == math.inf else _timestamp(self.plan, until_h)
                detail = f"{where[0]}-{where[1]} closed; waits until {until}"
                self.rec.log(from_h, "held", c.key, -1, n, n * c.capacity_l, detail, where)

    def _load_from(self, c: CorridorPlan, up: Stock, n: int, now: float) -> int:
        """Take ``n`` tankers' loads out of stock ``up`` (fewer if short); the tankers loaded."""
        if c.parts:
            return self._load_parts(c, n, now)
        keep_l = c.keep_days * up.plan.demand.at(now) if c.keep_days > 0 else 0.0
        k = loadable_tankers(up.stock_l, keep_l, c.capacity_l, n)
        if k < n:
            short, unit = n - k, up.plan.unit
            self.rec.log(
                now,
                "load_short",
                c.key,
                tankers=short,
                litres=short * c.capacity_l,
                detail=f"{up.place} holds {up.stock_l:.0f} {unit}, keeps {keep_l:.0f} {unit}",
            )
        if k:
            up.stock_l -= k * c.capacity_l
            up.loaded_out_l += k * c.capacity_l
        return k

    def _load_parts(self, c: CorridorPlan, n: int, now: float) -> int:
        """:meth:`_load_from` for a vehicle of several commodities: whole vehicles only.

        A vehicle loads when its origin can fill it in every commodity it carries (each
        stock above ``keep_days`` of its own demand); each stock gives that many loads.
        """
        k, short_of = n, []
        for _, src, amount in c.parts:
            up = self.stocks[src]
            keep = c.keep_days * up.plan.demand.at(now) if c.keep_days > 0 else 0.0
            can = loadable_tankers(up.stock_l, keep, amount, n)
            if can < n:
                short_of.append(f"{up.plan.commodity} {up.stock_l:.0f} {up.plan.unit}")
            k = min(k, can)
        if k < n:
            short = n - k
            where = self.stocks[c.parts[0][1]].place
            detail = f"{where} holds {', '.join(short_of)}"
            self.rec.log(
                now, "load_short", c.key, tankers=short, litres=short * c.capacity_l, detail=detail
            )
        if k:
            for _, src, amount in c.parts:
                up = self.stocks[src]
                up.stock_l -= k * amount
                up.loaded_out_l += k * amount
        return k

    def _stage(self, c: CorridorPlan, n: int) -> None:
        ci = c.index
        self._flush(ci)
        self.transit[ci] -= n
        self.staged[ci] += n
        self._staged(c)

    def _staged(self, c: CorridorPlan) -> None:
        """Tankers just reached the staging point: wake the former, or form at once."""
        ci = c.index
        # Wake the former only when a convoy can form now: asleep on its wake-up, it
        # would find it cannot and sleep again (an event for nothing); and not at all
        # when it would form without waiting. Air bridges wait for any load, whatever
        # the formation rule.
        if c.mode.mode == "air":
            self._poke(ci)
            return
        pol = c.policy.at(self.env._now)
        if not self.formation[ci].may_leave(pol, self.staged[ci]):
            if self._lazy[ci]:
                self._arm(c)  # the count grew: a later batch may now let a convoy form
            return
        # The former asleep on its wake-up, and nothing else due now but other corridors'
        # batches (its wake-up would be processed after them, and they do not read what
        # forming here changes: the order of everything stays as it was): form here what
        # needs no waiting. Both ways arm the next batch (_send, _poke).
        if not (
            self._wake[ci].callbacks
            and self._alone_now(ci, pol.forces)
            and self._nothing_arrives_now(ci)
            and self._form_at_once(c)
        ):
            self._poke(ci)

    def _nothing_arrives_now(self, ci: int) -> bool:
        """No batch of corridor ``ci`` reaches its staging point later now (its former,
        woken now, would count it in); another corridor's does not matter (as in
        :meth:`_alone_now`)."""
        p = self._approach[ci]
        if p and p[0][0] <= self.env._now:
            self._flush(ci)  # those processed before this event do not count
            if p and p[0][0] <= self.env._now:
                return False
        return True

    # ------------------------------------------------------------------ convoy formation

    def _form(self, c: CorridorPlan) -> Generator[simpy.Event, Any, None]:
        env, ci = self.env, c.index
        rule = self.formation[ci]
        may_leave = rule.may_leave
        closed, route = c.disruptions.form_closed, c.disruptions.route
        route_h = c.route_h
        lazy = self._lazy[ci]
        while True:
            if closed is not None:
                open_h = closed.open_at(env.now)
                if open_h > env.now:
                    # The corridor (or its first leg) is closed: the tankers wait at the
                    # staging point; the former sleeps to the reopening (a dated lookup).
                    yield env.timeout(open_h - env.now) if open_h < math.inf else env.event()
                    continue
            if route is not None:
                route_h = route.route_h(env.now)  # escorts are asked for the route of now
            pol = c.policy.at(env.now)
            self._flush(ci)
            if not may_leave(pol, self.staged[ci]):
                if lazy:
                    self._arm(c, sleeping=True)
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
                grants = [self.escorts.request(f, route_h, c) for f in pol.forces]
                events = [g.event for g in grants if g.event is not None]
                if not all(e.triggered for e in events):
                    yield env.all_of(events) | self._policy_wake[ci]
                if not all(g.granted for g in grants) or (
                    closed is not None and closed.closed_at(env.now)
                ):
                    # Not all granted, or closed while waiting: give back, form again later.
                    for g in grants:
                        self.escorts.withdraw(g)
                    continue
            else:
                grants = self._free_escorts(c, pol, route_h)
            self._send(c, pol, grants, formed_h)

    def _form_at_once(self, c: CorridorPlan) -> bool:
        """Form now, without waking the former, the convoys that need no event to form.

        Called when tankers reach the staging point while the former sleeps on its
        wake-up: what the former would do on waking, done in this step. Under a policy
        that requires escorts (it may have to wait for them) or a closed formation (it
        sleeps to the reopening) nothing is done and False returned: wake the former.
        """
        env, ci = self.env, c.index
        closed, route = c.disruptions.form_closed, c.disruptions.route
        may_leave = self.formation[ci].may_leave
        while True:
            if closed is not None and closed.closed_at(env._now):
                return False
            pol = c.policy.at(env._now)
            if pol.required:
                return False
            if not may_leave(pol, self.staged[ci]):
                return True
            route_h = c.route_h if route is None else route.route_h(env._now)
            self._send(c, pol, self._free_escorts(c, pol, route_h), env._now)

    def _free_escorts(self, c: CorridorPlan, pol: PolicyPlan, route_h: float) -> list[Grant]:
        """Units of the policy's forces free now, for a policy that does not require them."""
        if not pol.forces:
            return []  # no force asked for (most unescorted convoys)
        escorts = self.escorts
        return [
            escorts.request(f, route_h, c)
            for f in pol.forces
            if escorts.available_now(f, route_h, c)
        ]

    def _send(self, c: CorridorPlan, pol: PolicyPlan, grants: list[Grant], formed_h: float) -> None:
        """Take the convoy's tankers off the staging point and start it."""
        ci, rule = c.index, self.formation[c.index]
        self._flush(ci)
        n = rule.size(pol, self.staged[ci])
        if not 0 < n <= self.staged[ci]:
            raise ValueError(
                f"formation rule {rule.name!r} sent {n} of the {self.staged[ci]} tankers "
                f"waiting on corridor {c.key!r}: it must send 1 to all of them"
            )
        self.staged[ci] -= n
        self.transit[ci] += n
        if self._lazy[ci]:
            self._arm(c)  # fewer wait now: the batch that lets the next convoy form
        self._launch(c, n, grants, formed_h)

    def _launch(
        self, c: CorridorPlan, n: int, grants: list[Grant], formed_h: float, first_leg: int = 0
    ) -> None:
        """Start a convoy of ``n`` tankers (already counted in transit) at leg ``first_leg``."""
        cid = self._next_convoy
        self._next_convoy += 1
        wait_h = self.env._now - formed_h
        self._convoy(c, cid, n, grants, formed_h, wait_h, first_leg)

    # ------------------------------------------------------------------ convoy travel

    def _convoy(
        self,
        c: CorridorPlan,
        cid: int,
        n: int,
        grants: list[Grant],
        formed_h: float,
        wait_h: float,
        first_leg: int = 0,
    ) -> None:
        """Start the journey of convoy ``cid``: its draws and row now, then :meth:`_drive`."""
        ci = c.index
        key = tuple([g.force for g in grants]) if grants else ()
        escort, names, kind_names = self._escort_info.get(key) or self._escort(key)
        k = len(c.legs)
        # Draw every leg's numbers up front, attacked or not, so the streams stay aligned
        # whatever happens on the road (common random numbers across scenarios).
        u_attack = self._threat_u[ci].take(k)
        # Beta sampling is by rejection: its raw draws depend on (a, b). Each leg's loss
        # fraction comes from its own generator, keyed by (corridor, convoy number on the
        # corridor, leg), so a change in a loss parameter does not shift any later draw.
        convoy_on, self._convoys_on[ci] = self._convoys_on[ci], self._convoys_on[ci] + 1
        losses = self._loss_u[ci].take(3 * k)  # the rows of a (3, k) draw
        u_loss, u_capture, u_turn = losses[:k], losses[k : 2 * k], losses[2 * k :]
        seed = self._seed

        def loss_rng(leg: int) -> np.random.Generator:
            return stream(seed, Role.LEG_LOSS, ci, convoy_on, leg)

        mode_u = self._mode_u
        u_mode = None if mode_u is None else mode_u[ci].take(k)
        draws = LegDraws(u_attack, loss_rng, u_loss, u_capture, u_turn, u_mode)
        row = self._departed(c, cid, n, names, kind_names, formed_h, wait_h)
        self._drive(_Journey(c, row, n, grants, escort, draws, first_leg))

    def _drive(self, jr: _Journey, entered: bool = False) -> None:
        """Walk ``jr`` on from leg ``jr.leg``, which it enters now, to its next stop.

        Leg entry times follow from the lengths, speeds and closures (dated, looked up), so
        the walk needs no event for a leg where nothing happens: it schedules one only for
        the next thing that does (a hold at a closed leg, an ambush, the arrival), and a
        leg's attack is drawn for its entry time, as it was drawn at it. Only a scripted
        attack that may still fire on a leg (its outcome depends on the convoys before)
        and a threat model not known to be a pure function of time (one that does not set
        :attr:`~.threats.ThreatModel.ahead`) make the walk stop at the leg's entry and ask.
        ``entered``: after a hold, the leg's closure was looked up already (a convoy that
        waited at it enters at once).
        """
        c, env = jr.c, self.env
        ci, legs, now = c.index, c.legs, env._now
        dated, limit_kmh = c.disruptions.route, jr.escort.speed_kmh
        attack, n = self._attack[ci], jr.n
        first = jr.leg
        t, travelled_h = now, jr.travelled_h
        ahead = self._ahead
        # Scripted attacks that may still fire (fired ones never fire again): (t_h, leg).
        live = [(sa.t_h, sa.leg) for sa in self.threat.unfired(c)] if c.scripted and ahead else ()
        step: tuple[float, float] | None = None  # the first leg's hours, travelled after it
        for j in range(first, len(legs)):
            leg = legs[j]
            if dated is None:
                hours = leg[3]
            else:
                enter_h = t if entered else dated.enter_h(j, t)
                entered = False
                if enter_h > t:
                    # Held at the start of the closed leg (logged when it gets there).
                    self._stop(jr, t, step, j, travelled_h, partial(self._hold, jr, enter_h))
                    return
                hours = dated.hours_h(j, t)
            if limit_kmh is not None:
                # The escort's own speed: the column drives no faster than its slowest force.
                hours = max(hours, leg[0] / limit_kmh)
            if t > now and (
                not ahead or (live and any(t0 <= t and (lg is None or lg == j) for t0, lg in live))
            ):
                # The attack on this leg depends on what happens before t: ask then.
                self._stop(jr, t, step, j, travelled_h, partial(self._drive, jr))
                return
            hit = attack(c, j, t, n, jr.escort, jr.draws)
            if hit is not None:
                # The ambush strikes halfway along the leg.
                ambush = partial(self._ambush, jr, hit, hours)
                if step is None:  # on the walk's first leg: one timeout, as before
                    jr.leg, jr.travelled_h = j, travelled_h + hours / 2
                    env.timeout(hours / 2).callbacks.append(_call(ambush))
                    return
                self._stop(jr, t + hours / 2, step, j, travelled_h + hours / 2, ambush)
                return
            # Summed as successive timeouts summed them: the same clock, to the last bit.
            t += hours
            travelled_h += hours
            if step is None:
                step = (hours, travelled_h)
        self._stop(jr, t, step, len(legs), travelled_h, partial(self._arrive, jr, "arrived"))

    def _stop(
        self,
        jr: _Journey,
        t_h: float,
        step: tuple[float, float] | None,
        leg: int,
        travelled_h: float,
        then: Callable[[], None],
    ) -> None:
        """Call ``then`` at ``t_h`` [h] exactly, with ``jr`` at ``leg``, ``travelled_h`` [h].

        ``step``: the walk's first leg (its hours, and the hours travelled after it), if
        it passed it (None: ``t_h`` is now). ``now + (t_h - now)`` can miss ``t_h`` by an
        ulp, and then no delay may land on it (when ``|now| > |t_h|``, in the warm-up);
        the convoy then stops at the end of its first leg instead (reached exactly, as a
        timeout of its hours did) and walks on from there.
        """
        env = self.env
        now = env._now
        if t_h <= now:
            jr.leg, jr.travelled_h = leg, travelled_h
            then()
            return
        delay = t_h - now
        for _ in range(3):
            got = now + delay
            if got == t_h:
                jr.leg, jr.travelled_h = leg, travelled_h
                env.timeout(delay).callbacks.append(lambda _e: then())
                return
            delay = math.nextafter(delay, math.inf if got < t_h else -math.inf)
        assert step is not None  # a stop on the first leg is now (or an ambush: not here)
        jr.leg, jr.travelled_h = jr.leg + 1, step[1]
        env.timeout(step[0]).callbacks.append(lambda _e: self._drive(jr))

    def _hold(self, jr: _Journey, enter_h: float) -> None:
        """``jr`` reaches the closed leg ``jr.leg`` now; it waits to ``enter_h`` [h]."""
        c = jr.c
        self._held(c, jr.row, c.legs[jr.leg], jr.n, enter_h)
        if enter_h == math.inf:
            return  # it waits on the road to the end
        # Held at the start of the closed leg, to its reopening; no draws.
        self.env.timeout(enter_h - self.env.now).callbacks.append(
            lambda _e: self._drive(jr, entered=True)
        )

    def _ambush(self, jr: _Journey, hit: Attack, hours: float) -> None:
        """The ambush ``hit`` strikes ``jr`` now, halfway along leg ``jr.leg`` (``hours`` [h])."""
        c, env = jr.c, self.env
        n = jr.n = self._struck(c, jr.row, c.legs[jr.leg], hit, jr.n)
        if n == 0:
            self._arrive(jr, "lost")
            return
        delay_h = self._attack_delay[c.index]()
        if hit.turn_back:
            back_h, jr.travelled_h = delay_h + jr.travelled_h, 0.0
            env.timeout(back_h).callbacks.append(lambda _e: self._arrive(jr, "turned_back"))
            return
        jr.travelled_h += hours / 2
        jr.leg += 1
        env.timeout(delay_h + hours / 2).callbacks.append(lambda _e: self._drive(jr))

    def _arrive(self, jr: _Journey, outcome: str) -> None:
        """The end of ``jr``'s journey now (at sea, a berth at the port first)."""
        port = self._ports[jr.c.index]
        if port is not None and outcome == "arrived":
            self.env.process(self._berth(port, jr))
            return
        self._finish(jr, outcome)

    def _berth(self, port: Port, jr: _Journey) -> Generator[simpy.Event, Any, None]:
        c = jr.c  # sea: a berth at the destination's port
        yield from port.berth(self, c.index, jr.n, c.mode.berth_h, partial(self._anchored, jr))
        self._finish(jr, "arrived")

    def _anchored(self, jr: _Journey, end_h: float) -> None:
        """Log a ship whose unloading a seizure of the stock holds until ``end_h`` [h]."""
        c, now = jr.c, self.env.now
        if now >= 0:
            until = "the end" if end_h == math.inf else _timestamp(self.plan, end_h)
            place = self._dest[c.index].place
            detail = f"{place} seized; the ship unloads by {until}"
            self.rec.log(now, "held", c.key, jr.row.convoy_id, jr.n, jr.n * c.capacity_l, detail)

    def _finish(self, jr: _Journey, outcome: str) -> None:
        self._ended(jr.c, jr.row, outcome, jr.n)
        self.threat.observe(jr.row)
        if jr.grants:
            self.escorts.give_back(jr.grants, jr.travelled_h)

    def _escort(self, key: tuple[int, ...]) -> tuple[Escort, str, str]:
        """The escort of forces ``key``, its forces' names and kinds (then cached by key)."""
        forces = tuple(self.plan.forces[i] for i in key)
        limits = [f.speed_kmh for f in forces if f.speed_kmh is not None]
        windows = tuple(f.daylight_h for f in forces)
        escort = Escort(
            forces,
            math.prod(f.deterrence for f in forces),
            math.prod(f.protection for f in forces),
            min(limits) if limits else None,
            # Air cover by day only: the threat looks up the cover at each leg's entry.
            windows if any(w is not None for w in windows) else None,
        )
        kinds = sorted({f.kind for f in forces})
        names = "+".join(f.key for f in forces)
        info = self._escort_info[key] = (escort, names, "+".join(kinds) if kinds else "none")
        return info

    def _departed(
        self,
        c: CorridorPlan,
        cid: int,
        n: int,
        names: str,
        kind_names: str,
        formed_h: float,
        wait_h: float,
    ) -> ConvoyRecord:
        now = self.env._now
        row = ConvoyRecord(
            convoy_id=cid,
            corridor=c.key,
            escort_forces=names,
            escort_kind=kind_names,
            formed_h=formed_h,
            departed_h=now,
            tankers_departed=n,
            escort_wait_h=wait_h,
            capacity_l=c.capacity_l,
        )
        self.rec.convoys.append(row)
        if now >= 0 and self._logs_departed:
            self.rec.log(now, "departed", c.key, cid, n, n * c.capacity_l, names)
        return row

    def _held(
        self,
        c: CorridorPlan,
        row: ConvoyRecord,
        leg: tuple[float, float, float, float, str, str],
        n: int,
        enter_h: float,
    ) -> None:
        """Log a convoy held at the start of a closed leg until ``enter_h`` [h]."""
        until = "the end" if enter_h == math.inf else _timestamp(self.plan, enter_h)
        detail = f"{leg[4]}-{leg[5]} closed; waits until {until}"
        now = self.env.now
        self.rec.log(now, "held", c.key, row.convoy_id, n, n * c.capacity_l, detail, leg[4:6])

    def _struck(
        self,
        c: CorridorPlan,
        row: ConvoyRecord,
        leg: tuple[float, float, float, float, str, str],
        hit: Attack,
        n: int,
    ) -> int:
        """Account and log an attack on ``leg``; the tankers left in the convoy."""
        ci, destroyed, captured = c.index, hit.destroyed, hit.captured
        lost = destroyed + captured
        self.transit[ci] -= lost
        self.destroyed[ci] += destroyed
        self.captured[ci] += captured
        self._vehicles_lost(ci, lost)
        row.destroyed += destroyed
        row.captured += captured
        row.attacked = True
        row.attacks += 1
        where = (leg[4], leg[5])
        detail = f"{where[0]}-{where[1]}" + (f"; {hit.note}" if hit.note else "")
        now, log, cid, cap = self.env.now, self.rec.log, row.convoy_id, c.capacity_l
        log(now, "attacked", c.key, cid, lost, lost * cap, detail, where)
        if destroyed:
            log(now, "destroyed", c.key, cid, destroyed, destroyed * cap, detail, where)
        if captured:
            log(now, "captured", c.key, cid, captured, captured * cap, detail, where)
        return n - lost

    def _ended(self, c: CorridorPlan, row: ConvoyRecord, outcome: str, n: int) -> None:
        """Account and log the end of a journey with ``n`` tankers left."""
        ci, now = c.index, self.env._now
        row.ended_h = now
        row.outcome = outcome
        if outcome == "arrived":
            row.tankers_arrived = n
            self.transit[ci] -= n
            self.arrived[ci] += n
            if now >= 0 and self._logs_arrived:
                self.rec.log(now, "arrived", c.key, row.convoy_id, n, n * c.capacity_l)
            self._unload(ci, n, c.capacity_l, self._dest[ci])
        elif outcome == "turned_back":
            # Back at the staging point: the tankers queue to leave again.
            self.transit[ci] -= n
            self.staged[ci] += n
            self._poke(ci)
            self.rec.log(now, "turned_back", c.key, row.convoy_id, n, n * c.capacity_l)
        else:
            self.rec.log(now, "lost", c.key, row.convoy_id)

    def _vehicles_lost(self, ci: int, k: int) -> None:
        """``k`` loaded vehicles of corridor ``ci`` lost: its fleet and supply response."""
        fleet, memory = self.fleets[ci], self.memory[ci]
        if fleet is not None:
            fleet.lost_loaded(k)
        if memory is not None:
            memory.lost(k, self.env.now)

    def _unloaded(self, ci: int, k: int) -> None:
        """``k`` vehicles of corridor ``ci`` unloaded: a fleet's drive back to the origin."""
        fleet = self.fleets[ci]
        if fleet is not None:
            fleet.unloaded(k)

    def _escort_ready(self, c: CorridorPlan, t_h: float) -> bool:
        """Whether the escort policy in force on ``c`` at ``t_h`` can ever be granted."""
        pol = c.policy.at(t_h)
        return not pol.required or all(self.escorts.staffed(f) for f in pol.forces)

    # ------------------------------------------------------------------ the stocks

    @property
    def stock_l(self) -> float:
        """The depot's stock now [L]."""
        return self.stocks[0].stock_l

    @property
    def reserve_left_l(self) -> float:
        """The depot's reserve not yet released [L]."""
        return self.stocks[0].reserve_left_l

    def _unload(self, ci: int, n: int, capacity_l: int, st: Stock) -> None:
        if self.env._now < 0:
            # Warm-up deliveries are already part of the scenario's initial stock.
            self.delivered[ci] += n
            self._unloaded(ci, n)
            return
        room = st.capacity_l - st.stock_l
        # A seized stock unloads nothing: the tankers wait in its queue until the release.
        free = not st.queue and not st.seized_at(self.env._now)
        parts = self.plan.corridors[ci].parts
        if parts:
            fit = self._fit_parts(parts, n) if free else 0
        else:
            fit = max(0, min(n, int(room // capacity_l))) if free else 0
        if fit > 0:
            if parts:
                self._put_parts(parts, fit)
            else:
                st.stock_l += fit * capacity_l
            self.delivered[ci] += fit
            self._unloaded(ci, fit)
        if n > fit:
            self.unload_wait[ci] += n - fit
            st.queue.append([ci, n - fit])

    def _fit_parts(self, parts: tuple[tuple[int, int, int], ...], n: int) -> int:
        """Vehicles of ``n`` whose loads fit, whole, in every stock they unload into."""
        stocks = self.stocks
        rooms = (int((stocks[d].capacity_l - stocks[d].stock_l) // a) for d, _, a in parts)
        return max(0, min(n, *rooms))

    def _put_parts(self, parts: tuple[tuple[int, int, int], ...], n: int) -> None:
        for dest, _, amount in parts:
            self.stocks[dest].stock_l += n * amount

    def _drain_unload_queue(self, st: Stock, caps: list[int]) -> None:
        queue = st.queue
        corridors = self.plan.corridors
        while queue:
            item = queue[0]
            ci, n = item
            parts = corridors[ci].parts
            if parts:
                fit = self._fit_parts(parts, n)
            else:
                room = st.capacity_l - st.stock_l
                fit = max(0, min(n, int(room // caps[ci])))
            if fit <= 0:
                return
            if parts:
                self._put_parts(parts, fit)
            else:
                st.stock_l += fit * caps[ci]
            self.delivered[ci] += fit
            self.unload_wait[ci] -= fit
            self._unloaded(ci, fit)
            if fit == n:
                queue.popleft()
            else:
                item[1] = n - fit
                return

    def _serve(
        self, st: Stock, t0: float, caps: list[int]
    ) -> tuple[float, float, float, bool, bool]:
        """Serve one day at ``st``: (cover, demand, served, rationing, stockout)."""
        sp = st.plan
        nominal = sp.demand.at(t0)
        if sp.demand_cv > 1e-6:  # below that, no variation (and 1/cv**2 overflows)
            shape = 1.0 / sp.demand_cv**2
            demand = float(st.rng.gamma(shape, nominal / shape))
        else:
            demand = nominal
        params = sp.rationing.at(t0)
        # The cover the rationing decision sees, before the day is served; the daily
        # table records this one so that rationing days are exactly those the rule
        # (simfuel.sim.rationing) decided from it.
        cover = days_of_cover(st.stock_l, nominal)
        if st.seized_at(t0):
            # The stations (if any) sell what they hold; nothing leaves the stock.
            sold = self._station_day(st, t0, demand, 0.0)[0] if sp.stations else 0.0
            self._serve_classes(st, t0, demand, sold)
            return self._serve_seized(st, t0, cover, demand)
        rule = self.rationing[sp.index]
        rationing = rule.in_force(t0, cover, params)
        target = rule.target_l(demand, rationing, params)
        if sp.stations is None:
            served = sold = max(0.0, min(st.stock_l, target))
            stockout = served < target * (1 - 1e-9)
        else:  # served: what the stock sent to its stations (simfuel.sim.stations)
            sold, served, wanted = self._station_day(st, t0, target, st.stock_l)
            stockout = served < wanted * (1 - 1e-9)
        st.stock_l -= served
        if st.stock_l < 1e-6:
            st.stock_l = 0.0
        if st.reserve_left_l > 0 and days_of_cover(st.stock_l, nominal) < sp.reserve_release_days:
            release = min(st.reserve_left_l, st.capacity_l - st.stock_l)
            # min(): stock + (capacity - stock) can round one ulp above capacity.
            st.stock_l = min(st.stock_l + release, st.capacity_l)
            st.reserve_left_l -= release
            self.rec.log(t0, "reserve_released", litres=round(release), detail=self._at(st))
        if sp.resupply_per_day:
            st.resupply()  # a terminal's imports of the day (not on a seized day)
        self._drain_unload_queue(st, caps)
        # The day's own events are stamped 00:00 of the day they concern, the date of
        # its row in the daily table (the clock already reads the next midnight).
        if rationing and not st.rationing_logged:
            self.rec.log(t0, "rationing_started", detail=f"{self._at(st)}cover {cover:.2f} days")
            st.rationing_logged = True
        if stockout and not st.stockout_logged:
            self.rec.log(
                t0, "stockout_started", detail=f"{self._at(st)}served {served:.0f} {st.plan.unit}"
            )
            st.stockout_logged = True
        self._serve_classes(st, t0, demand, sold)
        return cover, demand, served, rationing, stockout

    def _station_day(
        self, st: Stock, t0: float, target: float, available: float
    ) -> tuple[float, float, float]:
        """A day of the stations at ``st``: (sold, sent, wanted) [L], and its record."""
        layer = self._stations[st.plan.index]
        assert layer is not None  # only called for a place with stations
        sold, sent, wanted, dry = layer.day(target, available)
        self.rec.places[st.plan.index].stations.append(
            StationRecord(sold, sent, layer.stock_l, dry)
        )
        if dry > 0 and not layer.dry_logged:
            count = round(dry * layer.plan.count)
            self.rec.log(
                t0,
                "stations_dry_started",
                detail=f"{self._at(st)}{count} of {layer.plan.count} stations dry",
            )
            layer.dry_logged = True
        return sold, sent, wanted

    def _serve_classes(self, st: Stock, t0: float, demand: float, served: float) -> None:
        """Record the day's litres by consumer class at ``st`` (if its demand has classes)."""
        if st.plan.priority:
            days = self.rec.places[st.plan.index].consumers
            for text in self.rationing[st.plan.index].record(demand, served, days):
                self.rec.log(t0, "priority_shortfall_started", detail=f"{self._at(st)}{text}")

    def _serve_seized(
        self, st: Stock, t0: float, cover: float, demand: float
    ) -> tuple[float, float, float, bool, bool]:
        """A seized day at ``st``: the demand (drawn as any day's) is all shortfall.

        The stock is trapped: nothing is served, no reserve released, no tanker unloaded;
        the cover recorded is that of the stock held.
        """
        stockout = demand > 0
        if stockout and not st.stockout_logged:
            self.rec.log(t0, "stockout_started", detail=f"{self._at(st)}stock seized")
            st.stockout_logged = True
        return cover, demand, 0.0, False, stockout

    @staticmethod
    def _at(st: Stock) -> str:
        # The depot's rows read as before; a destination's say where: "segou: ...", and
        # another commodity's what: "bamako food: ...".
        if st.plan.commodity_index:
            return f"{st.place} {st.plan.commodity}: "
        return f"{st.place}: " if st.plan.index else ""

    def _counts(self, st: Stock) -> tuple[int, ...]:
        """What the vehicles of ``st``'s inbound corridors carry of its commodity [its unit],
        by counter: loaded, arrived, delivered, destroyed, captured, in transit, staged,
        waiting to unload; and the vehicles staged and waiting to unload (one pass)."""
        loaded, arrived, delivered = self.loaded, self.arrived, self.delivered
        destroyed, captured = self.destroyed, self.captured
        transit, staged, waiting = self.transit, self.staged, self.unload_wait
        lo = ar = de = ds = ca = tr = sg = wt = n_sg = n_wt = 0
        for i, a in zip(st.inbound, st.amounts, strict=True):
            lo += loaded[i] * a
            ar += arrived[i] * a
            de += delivered[i] * a
            ds += destroyed[i] * a
            ca += captured[i] * a
            tr += transit[i] * a
            sg += staged[i] * a
            wt += waiting[i] * a
            n_sg += staged[i]
            n_wt += waiting[i]
        return lo, ar, de, ds, ca, tr, sg, wt, n_sg, n_wt

    def _days(self) -> Generator[simpy.Event, Any, None]:
        env, plan = self.env, self.plan
        caps = [c.capacity_l for c in plan.corridors]

        def flows(st: Stock, counts: tuple[int, ...]) -> list[float]:
            lo, ar, de, ds, ca = counts[:5]
            res = st.resupplied_l  # a terminal's imports: loaded into it and delivered
            return [lo + res, ar, de + res, ds, ca, st.loaded_out_l]

        yield _Tick(env, plan.warmup_h)
        self._flush_all()
        # What is on the road at t=0 counts as loaded on the first day; warm-up flows do not.
        previous = []
        for st in self.stocks:
            counts = self._counts(st)
            first = flows(st, counts)
            first[0] -= counts[5] + counts[6] + counts[7]  # the pipeline
            previous.append(first)
        for day in range(plan.horizon_days):
            yield _Tick(env, 24.0)
            self._flush_all()  # the staged and transit counts of now
            t0 = 24.0 * day
            for st, prev in zip(self.stocks, previous, strict=True):
                cover, demand, served, rationing, stockout = self._serve(st, t0, caps)
                # With filling stations, served_l is what the stock sent them (its balance);
                # the shortfall is what consumers could not buy at the stations.
                sold = (
                    self.rec.places[st.plan.index].stations[-1].sold_l
                    if st.plan.stations
                    else served
                )
                counts = self._counts(st)
                now = flows(st, counts)
                d = [x - y for x, y in zip(now, prev, strict=True)]
                prev[:] = now
                st.daily.append(
                    DailyRecord(
                        stock_l=st.stock_l,
                        days_of_cover=cover,
                        demand_l=demand,
                        served_l=served,
                        shortfall_l=max(0.0, demand - sold)
                        if st.plan.stations
                        else demand - served,
                        rationing=float(rationing),
                        loaded_l=d[0],
                        arrived_l=d[1],
                        delivered_l=d[2],
                        destroyed_l=d[3],
                        captured_l=d[4],
                        in_transit_l=counts[5],
                        queued_l=counts[6] + counts[7],
                        tankers_waiting=counts[8],
                        tankers_waiting_unload=counts[9],
                        reserve_l=st.reserve_left_l,
                        stockout=float(stockout),
                    )
                )
                st.loaded_out.append(float(d[5]))
        self._done = True
