"""Dispatch policies: how many tankers load at a corridor's origin, and when.

A corridor's ``dispatch_policy`` names a subclass of :class:`DispatchPolicy`; the simulation
makes one instance per corridor and runs its :meth:`~DispatchPolicy.process` as a SimPy
process from the start of the warm-up. The process calls :meth:`~DispatchPolicy.load` for
every batch; the engine does the rest (the drive to the staging point, the border delay).

Shipped: :class:`FixedRate` (the default), :class:`Schedule` (convoys on dates or every N
days) and :class:`OrderUpTo` (demand-pull on the destination's days of cover of the
commodity it watches, with back-pressure). A policy reads its destination's stock of one
commodity through a :class:`DestinationView`.

Supply that responds (``corridors.<key>.supply_response``): a :class:`LossMemory` keeps the
corridor's recent losses (:mod:`simfuel.model.supply`), and the shipped policies load their
count times :meth:`LossMemory.factor` (fractions of a tanker carry over to the next
loading, so the expected loadings are exactly the factor times the policy's).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any, ClassVar

import simpy

from ..model.schedule import StepSchedule, integrate
from ..model.supply import decay, supply_factor
from .plan import CorridorPlan, Plan, SupplyResponsePlan
from .registry import Registry

if TYPE_CHECKING:
    from .places import Stock

__all__ = [
    "DISPATCH_POLICIES",
    "DestinationView",
    "DispatchPolicy",
    "FixedRate",
    "LossMemory",
    "OrderUpTo",
    "Schedule",
]


class DestinationView:
    """What a dispatch policy may read of the stock its corridor delivers to (read-only).

    The stock is of one commodity (the one the policy watches: ``CorridorPlan.watched``);
    the ``_l`` figures are in its unit (litres for fuel), and what is on the way counts
    what each inbound vehicle carries of it (``Stock.amounts``).

    Parameters
    ----------
    stock : Stock
        The destination's run-time stock (the depot or a destination), of one commodity.
    caps_l : list of int
        Every corridor's tanker load [L], by corridor index (kept for the call; the view
        counts the stock's own ``amounts``, which equal these for the main commodity).
    transit, staged, unload_wait : list of int
        The engine's tanker counters by corridor index (read, never written): loaded and
        on the road, waiting at the staging point, waiting to unload.
    """

    __slots__ = ("_caps", "_staged", "_stock", "_transit", "_unload_wait")

    def __init__(
        self,
        stock: Stock,
        caps_l: list[int],
        transit: list[int],
        staged: list[int],
        unload_wait: list[int],
    ) -> None:
        self._stock = stock
        self._caps = caps_l
        self._transit = transit
        self._staged = staged
        self._unload_wait = unload_wait

    @property
    def place(self) -> str:
        """The destination's place key."""
        return self._stock.place

    @property
    def stock_l(self) -> float:
        """Its stock now [its unit: L for fuel]."""
        return self._stock.stock_l

    @property
    def capacity_l(self) -> float:
        """Its capacity [its unit]."""
        return self._stock.capacity_l

    def nominal_demand_l_per_day(self, t_h: float) -> float:
        """Its nominal demand at ``t_h`` [its unit/day] (before noise and rationing)."""
        return self._stock.plan.demand.at(t_h)

    @property
    def in_pipeline_l(self) -> float:
        """Loaded for it on every inbound corridor and not yet arrived [its unit]."""
        st, transit, staged = self._stock, self._transit, self._staged
        return float(
            sum((transit[i] + staged[i]) * a for i, a in zip(st.inbound, st.amounts, strict=True))
        )

    @property
    def queued_l(self) -> float:
        """Arrived and waiting to unload (the stock was full) [its unit]."""
        st, wait = self._stock, self._unload_wait
        return float(sum(wait[i] * a for i, a in zip(st.inbound, st.amounts, strict=True)))

    @property
    def queued_tankers(self) -> int:
        """Tankers waiting to unload."""
        return sum(self._unload_wait[i] for i in self._stock.inbound)

    def position_l(self) -> float:
        """Stock + in the pipeline + waiting to unload [its unit]: the inventory position."""
        return self.stock_l + self.in_pipeline_l + self.queued_l


class LossMemory:
    """A corridor's recent losses and the supply factor they give (``supply_response``).

    Parameters
    ----------
    spec : SupplyResponsePlan
        The corridor's sensitivity [1/vehicle], half-life [h] and ``needs_escort``.
    escort_ready : callable, optional
        ``escort_ready(t_h)``: whether the escort policy in force at ``t_h`` can ever be
        granted (with ``needs_escort``, the factor is 0 while it cannot).
    """

    __slots__ = ("_escort_ready", "_t_h", "_value", "spec")

    def __init__(
        self, spec: SupplyResponsePlan, escort_ready: Callable[[float], bool] | None = None
    ) -> None:
        self.spec = spec
        self._escort_ready = escort_ready
        self._value = 0.0  # the recent losses at _t_h [vehicles]
        self._t_h = 0.0

    def lost(self, vehicles: int, t_h: float) -> None:
        """``vehicles`` were lost on the corridor at ``t_h`` [h] (times never go back)."""
        self._value = self.recent(t_h) + vehicles
        self._t_h = t_h

    def recent(self, t_h: float) -> float:
        """The recent losses at ``t_h`` [vehicles]: each loss halved every half-life."""
        if self._value == 0.0:
            return 0.0
        return self._value * decay(t_h - self._t_h, self.spec.recovery_half_life_h)

    def factor(self, t_h: float) -> float:
        """The share of the policy's loadings that load at ``t_h`` [-], in ``[0, 1]``."""
        ready = self._escort_ready
        if self.spec.needs_escort and ready is not None and not ready(t_h):
            return 0.0
        return float(supply_factor(self.recent(t_h), self.spec.loss_sensitivity_per_vehicle))


class DispatchPolicy:
    """The loadings at one corridor's origin (base class of the dispatch policies).

    Parameters
    ----------
    env : simpy.Environment
        The simulation's environment; the run starts at ``-plan.warmup_h`` [h].
    corridor : CorridorPlan
        The corridor (``rate``, ``contracts``, ``dispatches_per_day``, ...).
    plan : Plan
        The compiled scenario.
    load : callable
        ``load(n)`` loads ``n`` tankers now (n >= 1); while the origin is closed
        (``corridor.disruptions.load_closed``) it loads nothing.
    destination : DestinationView, optional
        The stock the corridor's last leg ends at, read-only (the engine always gives it).
    response : LossMemory, optional
        The corridor's supply response (None: loadings do not respond to losses); the
        shipped policies scale their loadings by :meth:`factor`.
    """

    #: The scenario's ``dispatch_policy`` for this class.
    name: ClassVar[str] = ""

    def __init__(
        self,
        env: simpy.Environment,
        corridor: CorridorPlan,
        plan: Plan,
        load: Callable[[int], None],
        destination: DestinationView | None = None,
        response: LossMemory | None = None,
    ) -> None:
        self.env = env
        self.corridor = corridor
        self.plan = plan
        self.load = load
        self.destination = destination
        self.response = response
        self._carry = 0.0  # scaled loadings' fractions of a tanker, carried over

    def factor(self, t_h: float) -> float:
        """The supply response's factor at ``t_h`` [-] (1 without a response)."""
        return 1.0 if self.response is None else self.response.factor(t_h)

    def _scaled(self, n: int) -> int:
        """``n`` tankers times the factor now, with the fraction carried to the next call."""
        if self.response is None:
            return n
        self._carry += n * self.response.factor(self.env.now)
        k = math.floor(self._carry + 1e-9)
        self._carry -= k
        return k

    def _end_h(self) -> float:
        return self.plan.horizon_h

    def process(self) -> Generator[simpy.Event, Any, None]:
        """Hook: the SimPy process of the loadings; yield timeouts, call :attr:`load`.

        It may run forever: the run stops at the end of the horizon.
        """
        raise NotImplementedError


DISPATCH_POLICIES: Registry[DispatchPolicy] = Registry(
    DispatchPolicy, "dispatch policy", "corridors.<key>.dispatch_policy"
)


#: The attribute of a run's environment that holds its batch clocks, by (start, step,
#: steps): they live and die with it. (A module-level WeakKeyDictionary kept every run
#: alive: its values, the clocks, refer to the environment, so the key never died; about
#: 1.2 MB a mali-2025 run, for the life of an ensemble worker.)
_CLOCKS_ATTR = "_simfuel_batch_clocks"


class _BatchClock:
    """One timeout a step for all the fixed-rate corridors that load on the same grid.

    Each corridor's process took a timeout a batch; the corridors of a scenario mostly
    share ``dispatches_per_day`` and all start with the run, so one clock steps them all,
    in the order they joined (the corridors' order, as their timeouts were), at the same
    clock readings (``now + dt_h`` summed as each process summed it).
    """

    def __init__(self, env: simpy.Environment, dt_h: float, steps: int) -> None:
        self.env, self.dt_h, self.left = env, dt_h, steps
        self.members: list[Callable[[], None]] = []
        env.timeout(dt_h).callbacks.append(self._tick)

    @classmethod
    def join(
        cls, env: simpy.Environment, dt_h: float, steps: int, step: Callable[[], None]
    ) -> None:
        """Call ``step`` every ``dt_h`` [h] from ``now + dt_h`` on, ``steps`` times."""
        clocks: dict[tuple[float, float, int], _BatchClock]
        clocks = vars(env).setdefault(_CLOCKS_ATTR, {})
        key = (env.now, dt_h, steps)
        clock = clocks.get(key)
        if clock is None:
            clock = clocks[key] = cls(env, dt_h, steps)
        clock.members.append(step)

    def _tick(self, _event: simpy.Event) -> None:
        for step in self.members:
            step()
        self.left -= 1
        if self.left > 0:
            self.env.timeout(self.dt_h).callbacks.append(self._tick)


@DISPATCH_POLICIES.add
class FixedRate(DispatchPolicy):
    """``tankers_per_day`` (with its events) plus active contracts, in equal batches.

    While the origin is closed the rate is 0: the tankers due then never load (a contract
    is not caught up after the reopening).

    Every ``24 / dispatches_per_day`` hours, the tankers due in the coming interval (the
    rate integrated over it, so a contract ending mid-interval gives only its share) load
    at once; fractions of a tanker carry over to the next batch.
    """

    name = "fixed_rate"

    def process(self) -> Generator[simpy.Event, Any, None]:
        env, load, c = self.env, self.load, self.corridor
        # Dispatch rate (base + contracts) as one step schedule: same sums, one bisect.
        times = sorted({*c.rate.times_h, *(t for t0, t1, _ in c.contracts for t in (t0, t1))})
        rate = StepSchedule(
            c.tankers_per_day(-math.inf), [(t, c.tankers_per_day(t)) for t in times]
        )
        closed = c.disruptions.load_closed
        if closed is not None:
            # The origin loads nothing while closed; what was due then is not caught up.
            rate = closed.zeroed(rate)
        dt_h = 24.0 / c.dispatches_per_day
        steps = round((self.plan.warmup_h + self.plan.horizon_h) / dt_h)
        carry = 0.0

        def step() -> None:
            nonlocal carry
            # Tankers due in [now, now + dt): the rate integrated, so a contract that ends
            # mid-interval delivers only its share of the interval.
            now = env._now
            due = integrate(rate, now, now + dt_h) / 24.0
            if self.response is not None:
                due *= self.response.factor(now)  # supply that responds to recent losses
            carry += due
            n = math.floor(carry + 1e-9)
            if n > 0:
                carry -= n
                load(n)

        if steps > 0:
            step()
            if steps > 1:
                # The later steps on the clock every fixed-rate corridor on this grid shares.
                _BatchClock.join(env, dt_h, steps - 1, step)
        yield from ()


@DISPATCH_POLICIES.add
class Schedule(DispatchPolicy):
    """``tankers`` load at 00:00 of each of the ``dates``, or every ``every_days`` from ``first``.

    A date while the origin is closed loads nothing (it is not caught up); dates before
    the warm-up starts are skipped, those inside it fill the pipeline at the start date.
    """

    name = "schedule"

    def process(self) -> Generator[simpy.Event, Any, None]:
        env, d = self.env, self.corridor.dispatch
        end = self._end_h()
        if d.every_h is None:
            times: list[float] = list(d.times_h)
        else:
            times = []
            t = d.first_h
            if t < env.now:  # the first loading inside the run
                t += math.ceil((env.now - t) / d.every_h) * d.every_h
            while t < end:
                times.append(t)
                t += d.every_h
        for t in times:
            if t < env.now or t >= end:
                continue
            if t > env.now:
                yield env.timeout(t - env.now)
            n = self._scaled(d.tankers)
            if n > 0:
                self.load(n)


@DISPATCH_POLICIES.add
class OrderUpTo(DispatchPolicy):
    """Demand-pull: each review, load up to ``target_days`` of the destination's cover.

    The position is the destination's stock plus what is loaded for it and not yet
    unloaded (:meth:`DestinationView.position_l`), in days of its nominal demand. Each
    ``review_days`` the policy loads ``ceil((S - position) / tanker load)`` tankers, at most
    ``max_tankers_per_day * review_days`` (rounded down), so the position never passes the
    target by one tanker's load or more. With ``reorder_days`` (s) it orders only while the
    position is below s ((s, S)). Back-pressure: nothing loads while the destination is
    full or more than ``max_queue_tankers`` tankers wait to unload there.

    The destination's stock is that of the commodity it watches (``dispatch.commodity``,
    by default the main one, or the one a vehicle carries without it): position, demand
    and a vehicle's load are in that commodity's unit.
    """

    name = "order_up_to"

    def order(self, t_h: float) -> int:
        """Tankers to load at ``t_h`` (0 when none)."""
        d, dest = self.corridor.dispatch, self.destination
        if dest is None:
            raise RuntimeError(f"{self.corridor.key}: order_up_to needs a destination view")
        if dest.stock_l >= dest.capacity_l:
            return 0  # full: anything loaded now would queue to unload
        if d.max_queue_tankers is not None and dest.queued_tankers > d.max_queue_tankers:
            return 0
        demand = dest.nominal_demand_l_per_day(t_h)
        position = dest.position_l()
        if d.reorder_days is not None and position >= d.reorder_days * demand:
            return 0
        gap = d.target_days * demand - position
        if gap <= 0:
            return 0
        cap = math.floor(d.max_tankers_per_day * d.review_h / 24.0 + 1e-9)
        # What one vehicle brings of the watched commodity (its tanker load for the main).
        load = self.corridor.delivers(self.corridor.watched)
        return min(cap, math.ceil(gap / load - 1e-9))

    def process(self) -> Generator[simpy.Event, Any, None]:
        env, d = self.env, self.corridor.dispatch
        end = self._end_h()
        while env.now < end:
            n = self.order(env.now)
            if n > 0:
                n = self._scaled(n)
            if n > 0:
                self.load(n)
            yield env.timeout(d.review_h)
