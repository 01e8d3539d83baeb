"""The escort forces of one simulation: one :class:`~.escort_kinds.EscortKind` per force.

What a convoy takes from a force and when the force gets it back is the force's kind
(:mod:`.escort_kinds`: ``ground`` units, ``air`` and ``air_hourly`` convoy-hours). This
module only routes a convoy's requests to its forces and runs the midnight renewal of
daily budgets.

A force with 0 units can never be granted: a convoy that requires it waits until the
policy changes.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from typing import Any

import simpy

from .escort_kinds import ESCORT_KINDS, EscortKind, Grant
from .plan import CorridorPlan, ForcePlan

__all__ = ["EscortPools", "Grant"]


class EscortPools:
    """The escort forces of one simulation."""

    def __init__(
        self, env: simpy.Environment, forces: list[ForcePlan], clocked: bool = False
    ) -> None:
        self.env = env
        self.forces = forces
        self._pools: dict[int, EscortKind] = {}
        #: The forces whose kind keeps a clock of its own (made with ``clocked``): the
        #: caller steps each in the event order (:attr:`EscortKind.due`,
        #: :meth:`EscortKind.run_until`); without ``clocked`` they schedule their events.
        self.clocks: list[EscortKind] = []
        for i, f in enumerate(forces):
            if f.units > 0:
                kind = ESCORT_KINDS.get(f.kind)
                if clocked and kind.clocked:
                    pool = kind(env, i, f, clocked=True)  # type: ignore[call-arg]
                    self.clocks.append(pool)
                else:
                    pool = kind(env, i, f)
                self._pools[i] = pool
        daily = [pool for pool in self._pools.values() if pool.daily]
        if daily:
            # One process for every daily budget, renewed in the order of the forces.
            env.process(self._midnights(daily))

    def _midnights(self, pools: list[EscortKind]) -> Generator[simpy.Event, Any, None]:
        while True:
            yield self.env.timeout(24.0)
            for pool in pools:
                pool.new_day()

    def staffed(self, force: int) -> bool:
        """Whether ``force`` has any units, i.e. a request for it can ever be granted."""
        return force in self._pools

    def request(self, force: int, route_h: float, corridor: CorridorPlan | None = None) -> Grant:
        """Ask for ``force`` for a convoy (of ``corridor``) whose route takes ``route_h`` [h]."""
        pool = self._pools.get(force)
        if pool is None:
            return Grant(force, None, 0.0)
        return pool.request(route_h) if corridor is None else pool.request_for(corridor, route_h)

    def available_now(
        self, force: int, route_h: float, corridor: CorridorPlan | None = None
    ) -> bool:
        """Whether a request for ``force`` would be granted at once."""
        pool = self._pools.get(force)
        if pool is None:
            return False
        return pool.free_now(route_h) if corridor is None else pool.free_now_for(corridor, route_h)

    def withdraw(self, grant: Grant) -> None:
        """Cancel a pending request, or give back a granted one unused (air hours too)."""
        if grant.event is not None:
            self._pools[grant.force].withdraw(grant)

    def give_back(self, grants: Iterable[Grant], travelled_h: float) -> None:
        """A convoy's journey ended ``travelled_h`` [h] from the staging point.

        Each force's kind decides when it gets its share back (ground units drive back
        first; air hours are spent).
        """
        for g in grants:
            self._pools[g.force].give_back(g, travelled_h)

    def kind(self, force: int) -> str:
        """The force's kind (``"air"``, ``"ground"`` or a registered one)."""
        return self.forces[force].kind
