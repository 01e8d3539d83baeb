"""Dispatch policies: how many tankers load at a corridor's origin, and when.

A corridor's ``dispatch_policy`` names a subclass of :class:`DispatchPolicy`; the simulation
makes one instance per corridor and runs its :meth:`~DispatchPolicy.process` as a SimPy
process from the start of the warm-up. The process calls :meth:`~DispatchPolicy.load` for
every batch; the engine does the rest (the drive to the staging point, the border delay).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from typing import Any, ClassVar

import simpy

from ..model.schedule import StepSchedule, integrate
from .plan import CorridorPlan, Plan
from .registry import Registry

__all__ = ["DISPATCH_POLICIES", "DispatchPolicy", "FixedRate"]


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
    """

    #: The scenario's ``dispatch_policy`` for this class.
    name: ClassVar[str] = ""

    def __init__(
        self,
        env: simpy.Environment,
        corridor: CorridorPlan,
        plan: Plan,
        load: Callable[[int], None],
    ) -> None:
        self.env = env
        self.corridor = corridor
        self.plan = plan
        self.load = load

    def process(self) -> Generator[simpy.Event, Any, None]:
        """Hook: the SimPy process of the loadings; yield timeouts, call :attr:`load`.

        It may run forever: the run stops at the end of the horizon.
        """
        raise NotImplementedError


DISPATCH_POLICIES: Registry[DispatchPolicy] = Registry(
    DispatchPolicy, "dispatch policy", "corridors.<key>.dispatch_policy"
)


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
        for _ in range(steps):
            # Tankers due in [now, now + dt): the rate integrated, so a contract that ends
            # mid-interval delivers only its share of the interval.
            now = env.now
            carry += integrate(rate, now, now + dt_h) / 24.0
            n = math.floor(carry + 1e-9)
            if n > 0:
                carry -= n
                load(n)
            yield env.timeout(dt_h)
